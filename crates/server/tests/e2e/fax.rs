//! Receiving faxes is a package feature (`fax`): a company number routed to a line becomes the
//! line's fax number only when the line's user's package has it; a refused change changes
//! nothing, and a number taken off its line stops being a fax number.

use crate::kit::*;
use crate::phones::{CARRIER_KEY, call_log, keyed_trunk};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_number_is_a_fax_number_only_on_a_line_whose_users_package_has_fax() {
    let w = world().await;
    let t = &w.t1;
    let number = format!("/api/v1/numbers/{}", t.number_id);
    // Ulf's package, the company's default (Professional), has no fax.
    let before = w.srv.get(&number, &t.admin_token).await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(before.body["fax"], false, "{}", before.text);
    let r = w
        .srv
        .patch(&number, &t.admin_token, json!({"fax": true}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "no_fax_in_package", "{}", r.text);
    assert_eq!(r.body["field"], "fax", "{}", r.text);
    let now = w.srv.get(&number, &t.admin_token).await;
    assert_eq!(now.body, before.body, "a refused change changes nothing");

    // A package with fax, given to Ulf: the number becomes the line's fax number.
    ulf_gets_package(&w.srv, t, "Fax one", &["user_portal", "fax"]).await;
    let r = w
        .srv
        .patch(&number, &t.admin_token, json!({"fax": true}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["fax"], true, "{}", r.text);
    assert_eq!(w.srv.get(&number, &t.admin_token).await.body["fax"], true);

    // Another company's administrator neither sees nor changes it.
    let r = w
        .srv
        .patch(&number, &w.t2.admin_token, json!({"fax": false}))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    // Taken off its line, it is no longer a fax number.
    let r = w
        .srv
        .patch(&number, &t.admin_token, json!({"line_id": null}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["fax"], false, "{}", r.text);
    w.srv.stop().await;
}

/// A fax machine calling a company number from the carrier: its INVITE (PCMU), the ACK, then a
/// T.30 session on RTP from `rtp` until the sender is done or the call ends, answering the BYE
/// that ends it. Whether the sender finished its document comes back.
pub(crate) async fn fax_machine_calls(
    sip: std::net::SocketAddr,
    sip_port: u16,
    number: &str,
) -> bool {
    use sb_media::codec::Codec;
    use tokio::net::UdpSocket;
    let dir = std::env::temp_dir().join(format!("sb-e2e-fax-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = dir.join(format!("sent-{sip_port}.tif"));
    let mut pages = vec![
        sb_fax::document::Page::blank(sb_fax::document::A4_ROWS_FINE),
        sb_fax::document::Page::blank(sb_fax::document::A4_ROWS_FINE),
    ];
    pages[0].fill(100, 100, 1500, 40);
    pages[1].fill(300, 900, 200, 600);
    sb_fax::document::write_tiff(&doc, &pages, sb_fax::document::Resolution::Fine).unwrap();
    let mut sender = sb_fax::Sender::new(&doc, "+15557654321").unwrap();

    let sock = UdpSocket::bind(("127.0.0.1", sip_port)).await.unwrap();
    let rtp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp_port = rtp.local_addr().unwrap().port();
    let sdp = format!(
        "v=0\r\no=fax 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {rtp_port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
    );
    let head = |method: &str, cseq: u32, to_tag: &str| {
        format!(
            "{method} sip:{number}@{sip};key={CARRIER_KEY} SIP/2.0\r\n\
             Via: SIP/2.0/UDP 127.0.0.1:{sip_port};branch=z9hG4bKfax{method}{cseq}\r\n\
             Max-Forwards: 70\r\nFrom: \"Fax Machine\" <sip:+15557654321@127.0.0.1>;tag=fax1\r\n\
             To: <sip:{number}@{sip}>{to_tag}\r\nCall-ID: fax-call-{sip_port}\r\n\
             CSeq: {cseq} {method}\r\nContact: <sip:fax@127.0.0.1:{sip_port}>\r\n"
        )
    };
    let invite = format!(
        "{}Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        head("INVITE", 1, ""),
        sdp.len()
    );
    sock.send_to(invite.as_bytes(), sip).await.unwrap();
    let mut buf = vec![0u8; 8192];
    let answer = loop {
        let (n, _) = tokio::time::timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
            .await
            .expect("an answer to the fax machine's INVITE")
            .unwrap();
        let m = sb_sip::parse(&buf[..n]).unwrap();
        match m.code() {
            Some(c) if c < 200 => continue,
            Some(200) => break m,
            other => panic!("the fax call was refused: {other:?}"),
        }
    };
    let to_tag = answer
        .header("to")
        .and_then(|t| t.split(";tag=").nth(1))
        .map(|t| format!(";tag={t}"))
        .unwrap();
    let media = sb_sip::sdp::audio_target(&answer.body).expect("an audio answer");
    let ack = format!("{}Content-Length: 0\r\n\r\n", head("ACK", 1, &to_tag));
    sock.send_to(ack.as_bytes(), sip).await.unwrap();

    // RTP both ways, a packet every 20 ms, until the sender is done or the call ends.
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let (mut seq, mut ts) = (1u16, 0u32);
    let mut out = [0i16; 160];
    let mut hung_up = false;
    let (mut got, began) = (0usize, std::time::Instant::now());
    let mut waiting = std::collections::VecDeque::new();
    let mut primed = false;
    for _ in 0..(5 * 60 * 50) {
        tick.tick().await;
        // A small jitter buffer, as a real machine's: two packets before the first is heard.
        while let Ok((n, _)) = rtp.try_recv_from(&mut buf) {
            if n > 12 && buf[1] & 0x7f == 0 {
                waiting.extend(buf[12..n].iter().map(|&b| Codec::Pcmu.decode(b)));
                got += 1;
            }
        }
        primed |= waiting.len() >= 320;
        if primed && waiting.len() >= 160 {
            let frame: Vec<i16> = waiting.drain(..160).collect();
            sender.rx(&frame);
        } else {
            sender.lost(160);
        }
        sender.tx(&mut out);
        let mut packet = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0xa0];
        packet[2..4].copy_from_slice(&seq.to_be_bytes());
        packet[4..8].copy_from_slice(&ts.to_be_bytes());
        packet.extend(out.iter().map(|&s| Codec::Pcmu.encode(s)));
        let _ = rtp.send_to(&packet, media).await;
        (seq, ts) = (seq.wrapping_add(1), ts.wrapping_add(160));
        // Switchboard ends the call once the fax is received: its BYE is answered.
        while let Ok((n, from)) = sock.try_recv_from(&mut buf) {
            if let Ok(m) = sb_sip::parse(&buf[..n])
                && m.method() == Some("BYE")
            {
                let _ = sock
                    .send_to(
                        &sb_sip::registrar::reply(&m, 200, "OK", &[]).to_bytes(),
                        from,
                    )
                    .await;
                hung_up = true;
            }
        }
        if hung_up || sender.is_over() {
            break;
        }
    }
    // The receiver hangs up once it has the DCN; the sender's own end of the session comes
    // when its modem has finished sending it.
    for _ in 0..150 {
        if sender.is_over() {
            break;
        }
        sender.lost(160);
        sender.tx(&mut out);
    }
    let done = sender
        .outcome()
        .is_some_and(|o| o.result.is_ok() && o.pages == 2);
    eprintln!(
        "fax machine: {:?}, hung up by Switchboard: {hung_up} after {:?}, {got} packets heard",
        sender.outcome(),
        began.elapsed()
    );
    if !hung_up {
        let bye = format!("{}Content-Length: 0\r\n\r\n", head("BYE", 2, &to_tag));
        sock.send_to(bye.as_bytes(), sip).await.unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
    done
}

#[tokio::test]
async fn a_fax_to_the_lines_fax_number_is_received_into_its_inbox_as_a_pdf() {
    if sb_fax::Receiver::new(&std::env::temp_dir(), "1").is_err() {
        eprintln!("spandsp (libspandsp2) is not installed: no fax call");
        return;
    }
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let w = world_on(start_with_smtp(&sink.url).await).await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada = crate::phones::admin_line(&w.srv, &w.t1).await;
    let p = crate::phones::Pair {
        sip,
        callee: crate::phones::sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await,
        caller: crate::phones::sip_line(&w.srv, &w.t1.admin_token, &ada).await,
        caller_line: ada,
        w,
    };
    let t = &p.w.t1;
    ulf_gets_package(&p.w.srv, t, "Fax line", &["user_portal", "fax"]).await;
    // Ulf is mailed each new fax, its PDF attached.
    let r =
        p.w.srv
            .patch(
                &format!("/api/v1/users/{}", t.user_id),
                &t.admin_token,
                json!({"email": "ulf@fax.example.com"}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let notifications = format!("/api/v1/lines/{}/notifications", t.line_id);
    let r =
        p.w.srv
            .put(&notifications, &t.user_token, json!({"new_fax": true}))
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["new_fax"], true, "{}", r.text);
    let number = format!("/api/v1/numbers/{}", t.number_id);
    let r =
        p.w.srv
            .patch(&number, &t.admin_token, json!({"fax": true}))
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let port = keyed_trunk(&p).await;

    assert!(
        fax_machine_calls(p.sip, port, "15550000001").await,
        "the fax machine sent both pages and was confirmed"
    );
    let faxes = format!("/api/v1/lines/{}/faxes", t.line_id);
    let mut items = serde_json::Value::Null;
    for _ in 0..50 {
        items = p.w.srv.get(&faxes, &t.admin_token).await.body["items"].clone();
        if items.as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fax = &items[0];
    assert_eq!(fax["pages"], 2, "{items}");
    assert_eq!(fax["caller_number"], "+15557654321", "{items}");
    assert_eq!(fax["remote_ident"], "+15557654321", "{items}");
    assert_eq!(fax["seen"], false, "{items}");
    let id = fax["id"].as_str().unwrap().to_owned();
    let all = sink.wait_for("Subject: New fax from").await;
    // The sink prints every mail so far (the tenant's conference invitation too).
    let mail = &all[all.rfind("Subject: New fax from").unwrap()..];
    assert!(all.contains("ulf@fax.example.com"), "{all}");
    assert!(mail.contains("for extension 201"), "{mail}");
    assert!(
        first_attachment(mail).starts_with(b"%PDF-"),
        "the PDF is attached"
    );

    // Ulf reaches it; another company's administrator finds nothing.
    let ulf = &t.user_token;
    let mine = p.w.srv.get(&format!("/api/v1/faxes/{id}"), ulf).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    let other =
        p.w.srv
            .get(&format!("/api/v1/faxes/{id}"), &p.w.t2.admin_token)
            .await;
    assert_eq!(other.status, 404, "{}", other.text);

    // Marked seen, then deleted: its document goes with it.
    let r =
        p.w.srv
            .patch(&format!("/api/v1/faxes/{id}"), ulf, json!({"seen": true}))
            .await;
    assert_eq!(r.body["seen"], true, "{}", r.text);
    let r = p.w.srv.delete(&format!("/api/v1/faxes/{id}"), ulf).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let gone =
        p.w.srv
            .get(&format!("/api/v1/faxes/{id}/document"), ulf)
            .await;
    assert_eq!(gone.status, 404, "{}", gone.text);

    // The call itself is in the line's log as a received call.
    let log = call_log(&p, &t.line_id, 1).await;
    assert_eq!(log[0]["direction"], "received", "{log:?}");
    p.w.srv.stop().await;
}
