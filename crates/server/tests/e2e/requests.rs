//! The engine's own requests outside calls (MESSAGE to phones, NOTIFY, REGISTER to carriers) run
//! as RFC 3261 non-INVITE client transactions: repeated over UDP, sent once over TCP.

use crate::phones::{pair, send_message, sipp_available};
use sb_sip::{Message, digest};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A phone on one TCP connection: what it sends, and the SIP messages it reads.
struct TcpPhone {
    conn: TcpStream,
    buf: Vec<u8>,
}

impl TcpPhone {
    async fn send(&mut self, text: &str) {
        self.conn.write_all(text.as_bytes()).await.unwrap();
    }

    /// The next whole message, or `None` when none comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<Message> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(m) = self.take() {
                return Some(m);
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout_at(deadline, self.conn.read(&mut chunk))
                .await
                .ok()?
                .ok()?;
            if n == 0 {
                return None;
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// A message framed by its Content-Length (RFC 3261 section 18.3), when all of it is in.
    fn take(&mut self) -> Option<Message> {
        let head = self.buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let text = String::from_utf8_lossy(&self.buf[..head]).to_ascii_lowercase();
        let length: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if self.buf.len() < head + length {
            return None;
        }
        let whole: Vec<u8> = self.buf.drain(..head + length).collect();
        sb_sip::parse(&whole).ok()
    }
}

fn register(line: &crate::phones::SipLine, local: &str, cseq: u32, auth: &str) -> String {
    format!(
        "REGISTER sip:{d} SIP/2.0\r\nVia: SIP/2.0/TCP {local};branch=z9hG4bKtcpreg{cseq}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:{u}@{d}>;tag=tcpphone\r\nTo: <sip:{u}@{d}>\r\n\
         Call-ID: tcp-phone-reg\r\nCSeq: {cseq} REGISTER\r\n\
         Contact: <sip:{u}@{local};transport=tcp>\r\nExpires: 300\r\n{auth}Content-Length: 0\r\n\r\n",
        u = line.user,
        d = line.domain,
    )
}

#[tokio::test]
async fn a_message_to_a_phone_on_tcp_is_sent_once_and_its_late_answer_still_counts() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    // Ada sends: her package must have SMS/MMS.
    let r =
        p.w.srv
            .patch(
                &format!("/api/v1/users/{}", p.w.t1.admin_id),
                &p.w.t1.admin_token,
                serde_json::json!({"package_id": p.w.t1.package_id}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let conn = TcpStream::connect(p.sip).await.unwrap();
    let local = conn.local_addr().unwrap().to_string();
    let mut phone = TcpPhone {
        conn,
        buf: Vec::new(),
    };
    phone.send(&register(&p.callee, &local, 1, "")).await;
    let challenge = phone
        .next(Duration::from_secs(3))
        .await
        .expect("a challenge");
    assert_eq!(challenge.code(), Some(401));
    let ch = challenge
        .headers_named("www-authenticate")
        .find_map(digest::parse_challenge)
        .expect("a digest challenge");
    let uri = format!("sip:{}", p.callee.domain);
    let auth = digest::answer(
        &ch,
        "REGISTER",
        &uri,
        &p.callee.user,
        &p.callee.password,
        "c1",
    )
    .expect("an answer to the challenge");
    phone
        .send(&register(
            &p.callee,
            &local,
            2,
            &format!("Authorization: {auth}\r\n"),
        ))
        .await;
    let ok = phone.next(Duration::from_secs(3)).await.expect("an answer");
    assert_eq!(ok.code(), Some(200), "the phone is registered over TCP");

    send_message(p.sip, &p.caller, &p.callee.extension, "Over TCP", 202)
        .done()
        .await
        .expect("the message is accepted");
    let message = phone
        .next(Duration::from_secs(3))
        .await
        .expect("the MESSAGE reaches the phone on its connection");
    assert_eq!(message.method(), Some("MESSAGE"));
    // Over UDP it would come again at 0.5, 1.5 and 3.5 s; over TCP the transport delivers it.
    let again = phone.next(Duration::from_millis(2_500)).await;
    assert!(again.is_none(), "sent once over TCP, got again: {again:?}");

    // The phone answers late: the transaction still waits for it (Timer F, 32 s).
    let reply = sb_sip::registrar::reply(&message, 200, "OK", &[]);
    phone
        .send(&String::from_utf8_lossy(&reply.to_bytes()))
        .await;
    let mut delivered = false;
    for _ in 0..30 {
        let r =
            p.w.srv
                .get(
                    &format!("/api/v1/lines/{}/messages", p.w.t1.line_id),
                    &p.w.t1.admin_token,
                )
                .await;
        if !r.body["items"][0]["delivered_at"].is_null() {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "the late 200 marks the message delivered");
    p.w.srv.stop().await;
}
