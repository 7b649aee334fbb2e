//! A bare SIP client over UDP for the tests that need exact control of what is sent: one
//! request, its digest challenge answered, the final answer back.

use sb_sip::{Message, digest};
use std::net::SocketAddr;
use std::time::Duration;

/// A line's SIP account as a phone holds it.
#[derive(Clone, Debug)]
pub struct Account {
    pub user: String,
    pub password: String,
    pub domain: String,
}

impl From<&crate::phones::SipLine> for Account {
    fn from(l: &crate::phones::SipLine) -> Self {
        Account {
            user: l.user.clone(),
            password: l.password.clone(),
            domain: l.domain.clone(),
        }
    }
}

/// Sends `text` and waits (3 s at most) for the first message back.
pub async fn exchange(
    sock: &tokio::net::UdpSocket,
    sip: SocketAddr,
    text: String,
) -> Option<Message> {
    let mut buf = vec![0u8; 4096];
    sock.send_to(text.as_bytes(), sip).await.ok()?;
    let got = tokio::time::timeout(Duration::from_secs(3), sock.recv_from(&mut buf)).await;
    let (n, _) = got.ok()?.ok()?;
    sb_sip::parse(&buf[..n]).ok()
}

/// `method` to `uri` as `a` from `sock`, with `headers` (each ending in CRLF): sent, its
/// challenge (401 or 407) answered with the account's digest, and the final answer returned;
/// `None` when an answer did not come.
pub async fn authenticated(
    sock: &tokio::net::UdpSocket,
    sip: SocketAddr,
    a: &Account,
    method: &str,
    uri: &str,
    headers: &str,
) -> Option<Message> {
    let local = sock.local_addr().ok()?;
    let call_id = format!("{}@client", sb_domain::ids::new_id_text(0));
    let request = |cseq: u32, auth: Option<String>| {
        let mut text = format!(
            "{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK{cid}{cseq};rport\r\n\
             Max-Forwards: 70\r\nFrom: <sip:{u}@{d}>;tag=client\r\nTo: <sip:{u}@{d}>\r\n\
             Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n{headers}",
            cid = call_id.len(),
            u = a.user,
            d = a.domain
        );
        if let Some(h) = auth {
            text.push_str(&h);
        }
        text.push_str("Content-Length: 0\r\n\r\n");
        text
    };
    let challenge = exchange(sock, sip, request(1, None)).await?;
    let (asked, answer) = match challenge.code() {
        Some(407) => ("proxy-authenticate", "Proxy-Authorization"),
        Some(401) => ("www-authenticate", "Authorization"),
        _ => return Some(challenge),
    };
    let ch = challenge
        .headers_named(asked)
        .find_map(digest::parse_challenge)?;
    let auth = digest::answer(&ch, method, uri, &a.user, &a.password, "client")?;
    exchange(sock, sip, request(2, Some(format!("{answer}: {auth}\r\n")))).await
}
