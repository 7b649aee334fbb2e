//! Texts with outside numbers (issue 17, SMS through the company's trunk as SIP MESSAGE): a
//! text to an outside number goes to the carrier showing the line's presentation number, after
//! answering the carrier's digest challenge with the trunk's credentials, and its state follows
//! the carrier's answer; a carrier's text to a company number reaches the line's registered
//! phone; both need `sms_mms` in the line's user's package.

use crate::kit::*;
use crate::phones::{
    CARRIER_KEY, free_port, message_phone, pair, register_at, sipp_available, trunk_at,
};
use sb_sip::Message;
use serde_json::json;
use std::time::Duration;
use tokio::net::UdpSocket;

/// A carrier on `sock` taking one text: it challenges first (407), then answers `code` to the
/// MESSAGE that carries the trunk's credentials. The MESSAGE it answered.
async fn carrier_takes_one(sock: UdpSocket, code: u16) -> Message {
    let mut buf = vec![0u8; 8192];
    let mut challenged = false;
    loop {
        let (n, from) = tokio::time::timeout(Duration::from_secs(10), sock.recv_from(&mut buf))
            .await
            .expect("a MESSAGE reaches the carrier")
            .unwrap();
        let m = sb_sip::parse(&buf[..n]).unwrap();
        assert_eq!(m.method(), Some("MESSAGE"), "{m:?}");
        if !challenged {
            challenged = true;
            let ch = "Digest realm=\"carrier\", nonce=\"n0nce\", algorithm=MD5";
            let r = sb_sip::registrar::reply(
                &m,
                407,
                "Proxy Authentication Required",
                &[("Proxy-Authenticate", ch)],
            );
            sock.send_to(&r.to_bytes(), from).await.unwrap();
            continue;
        }
        let auth = m.header("proxy-authorization").unwrap_or_default();
        assert!(auth.contains("username=\"trunkuser\""), "{auth}");
        let r = sb_sip::registrar::reply(&m, code, "Carrier Says", &[]);
        sock.send_to(&r.to_bytes(), from).await.unwrap();
        return m;
    }
}

async fn messages(srv: &Srv, line: &str, token: &str) -> Vec<serde_json::Value> {
    let r = srv
        .get(&format!("/api/v1/lines/{line}/messages"), token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["items"].as_array().cloned().unwrap_or_default()
}

/// The state of the newest text of `line`, once it is no longer `sending` (5 s at most).
async fn settled(srv: &Srv, line: &str, token: &str) -> serde_json::Value {
    for _ in 0..50 {
        let items = messages(srv, line, token).await;
        if items[0]["state"] != "sending" {
            return items[0].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the text stayed sending");
}

#[tokio::test]
async fn a_text_to_an_outside_number_goes_through_the_trunk_and_shows_the_carriers_answer() {
    let p = pair().await;
    let (srv, t) = (&p.w.srv, &p.w.t1);
    let carrier = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = carrier.local_addr().unwrap().port();
    trunk_at(
        &p,
        port,
        json!({"username": "trunkuser", "password": "trunk-secret-1"}),
    )
    .await;
    let send = format!("/api/v1/lines/{}/messages", t.line_id);
    let text = json!({"to": "+15559876543", "body": "See you at ten"});

    // Without SMS/MMS in Ulf's package: refused, nothing sent.
    let r = srv.post(&send, &t.user_token, text.clone()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "no_sms_mms_in_package", "{}", r.text);
    assert!(messages(srv, &t.line_id, &t.user_token).await.is_empty());

    ulf_gets_package(srv, t, "Texting", &["user_portal", "sms_mms"]).await;
    let took = tokio::spawn(carrier_takes_one(carrier, 202));
    let r = srv.post(&send, &t.user_token, text.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["to_number"], "+15559876543", "{}", r.text);
    let m = took.await.unwrap();
    assert_eq!(m.body, b"See you at ten");
    assert!(m.uri().unwrap().starts_with("sip:+15559876543@"), "{m:?}");
    // Ulf's line presents the company number +15550000001.
    assert!(
        m.header("from").unwrap().contains("sip:+15550000001@"),
        "{m:?}"
    );
    let sent = settled(srv, &t.line_id, &t.user_token).await;
    assert_eq!(sent["state"], "sent", "{sent}");
    assert_eq!(sent["direction"], "sent", "{sent}");

    // A carrier that refuses: the text says so, with the carrier's answer.
    let carrier = UdpSocket::bind(("127.0.0.1", port)).await.unwrap();
    let took = tokio::spawn(carrier_takes_one(carrier, 403));
    let r = srv.post(&send, &t.user_token, text).await;
    assert_eq!(r.status, 201, "{}", r.text);
    took.await.unwrap();
    let failed = settled(srv, &t.line_id, &t.user_token).await;
    assert_eq!(failed["state"], "failed", "{failed}");
    assert_eq!(failed["failure"], "403 Carrier Says", "{failed}");

    // Emergency numbers and barred numbers are not texted; nothing is kept.
    let before = messages(srv, &t.line_id, &t.user_token).await.len();
    let r = srv
        .post(&send, &t.user_token, json!({"to": "911", "body": "help"}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "emergency_text", "{}", r.text);
    assert_eq!(messages(srv, &t.line_id, &t.user_token).await.len(), before);
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_carriers_text_to_a_company_number_reaches_the_lines_phone_with_sms_in_the_package() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let (srv, t) = (&p.w.srv, &p.w.t1);
    let port = free_port();
    trunk_at(
        &p,
        port,
        json!({"inbound": "secret", "inbound_secret": CARRIER_KEY}),
    )
    .await;
    let sock = UdpSocket::bind(("127.0.0.1", port)).await.unwrap();
    let text = |n: u32| {
        format!(
            "MESSAGE sip:15550000001@{sip};key={CARRIER_KEY} SIP/2.0\r\n\
             Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKtext{n}\r\nMax-Forwards: 70\r\n\
             From: <sip:+15557654321@127.0.0.1>;tag=t{n}\r\nTo: <sip:15550000001@{sip}>\r\n\
             Call-ID: text-{n}@carrier\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n\
             Content-Length: 13\r\n\r\nHello, Ulf {n}!",
            sip = p.sip
        )
    };
    let answer = |n: u32| {
        let sock = &sock;
        async move {
            sock.send_to(text(n).as_bytes(), p.sip).await.unwrap();
            let mut buf = vec![0u8; 4096];
            let (len, _) = tokio::time::timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
                .await
                .expect("the carrier's text is answered")
                .unwrap();
            sb_sip::parse(&buf[..len]).unwrap().code()
        }
    };
    // Ulf's package has no SMS/MMS: the carrier is told 403 and nothing is kept.
    assert_eq!(answer(1).await, Some(403));
    assert!(messages(srv, &t.line_id, &t.admin_token).await.is_empty());

    ulf_gets_package(srv, t, "Texting", &["user_portal", "sms_mms"]).await;
    let phone_port = free_port();
    register_at(p.sip, &p.callee, phone_port).await;
    let phone = message_phone(phone_port, "Hello, Ulf 2!");
    assert_eq!(answer(2).await, Some(202));
    phone.done().await.expect("Ulf's phone got the text");
    let got = &messages(srv, &t.line_id, &t.admin_token).await[0];
    assert_eq!(got["direction"], "received", "{got}");
    assert_eq!(got["from_number"], "+15557654321", "{got}");
    assert_eq!(got["body"], "Hello, Ulf 2!", "{got}");
    p.w.srv.stop().await;
}
