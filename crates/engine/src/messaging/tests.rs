//! The messaging service against a fake (`fake.rs`): literal MESSAGEs in, the answer and the
//! MESSAGEs sent to devices out as text, tokio's clock paused. Each test is named after the rule
//! it proves.

use super::*;
use crate::fake::{Fake, addr, answer_to, parse};
use std::time::Duration;

/// Line 202's phone, which sends.
const SENDER: &str = "192.0.2.10:5060";
const DESK: &str = "192.0.2.20:5062";
const MOBILE: &str = "192.0.2.21:5062";

/// Line 202's MESSAGE to extension `to`, saying `text`.
fn message_text(to: &str, text: &str) -> Message {
    parse(&format!(
        "MESSAGE sip:{to}@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {SENDER};branch=z9hG4bKm1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=s1\r\n\
         To: <sip:{to}@acme.sip.test>\r\n\
         Call-ID: msg-1@192.0.2.10\r\n\
         CSeq: 1 MESSAGE\r\n\
         Content-Type: text/plain\r\n\
         Content-Length: {}\r\n\r\n{text}",
        text.len()
    ))
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

fn delivered(fake: &Fake) -> Vec<bool> {
    fake.kept.lock().iter().map(|k| k.delivered).collect()
}

/// The one MESSAGE sent to `device`.
fn sent_to(sent: &[(String, SocketAddr)], device: &str) -> Message {
    let to: Vec<&String> = sent
        .iter()
        .filter(|(_, at)| at.to_string() == device)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(to.len(), 1, "one MESSAGE to {device} in {sent:#?}");
    parse(to[0])
}

#[tokio::test(start_paused = true)]
async fn a_message_to_a_line_with_no_device_is_kept_and_sent_when_it_registers_rfc_3428() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let answer = receive(&fake, message_text("201", "Lunch?"), addr(SENDER)).await;
    assert_eq!(answer.and_then(|m| m.code()), Some(202));
    settle().await;
    assert!(fake.take_sent().is_empty(), "no device to send it to");
    assert_eq!(delivered(&fake), [false], "kept, not delivered");

    // The desk phone registers: what was kept goes to it now.
    fake.register("201", DESK);
    flush(fake.clone(), "acme.sip.test".to_owned(), "201".to_owned());
    settle().await;
    let sent = fake.take_sent();
    let m = sent_to(&sent, DESK);
    assert_eq!(m.method(), Some("MESSAGE"));
    assert_eq!(m.uri(), Some(format!("sip:201@{DESK}").as_str()));
    assert!(
        m.header("from")
            .unwrap()
            .starts_with("\"Line 202\" <sip:202@acme.sip.test>;tag=")
    );
    assert_eq!(m.header("to"), Some("<sip:201@acme.sip.test>"));
    assert_eq!(m.header("cseq"), Some("1 MESSAGE"));
    assert_eq!(m.header("content-type"), Some("text/plain"));
    assert_eq!(m.body, b"Lunch?");
    assert_eq!(delivered(&fake), [false], "not until the phone takes it");

    assert!(fake.answer(&answer_to(&m, "200 OK")));
    settle().await;
    assert_eq!(delivered(&fake), [true]);
    // Delivered, it is not sent again at the next registration.
    flush(fake.clone(), "acme.sip.test".to_owned(), "201".to_owned());
    settle().await;
    assert!(fake.take_sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_message_goes_to_every_device_of_the_line_and_the_first_2xx_delivers_it() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    fake.register("201", DESK);
    fake.register("201", MOBILE);
    let answer = receive(&fake, message_text("201", "Hi"), addr(SENDER)).await;
    assert_eq!(answer.and_then(|m| m.code()), Some(202));
    settle().await;
    let sent = fake.take_sent();
    assert_eq!(sent.len(), 2);
    let (desk, mobile) = (sent_to(&sent, DESK), sent_to(&sent, MOBILE));
    // One transaction per device, each with its own dialog (RFC 3428 §4: no dialog of its own).
    assert_ne!(desk.header("call-id"), mobile.header("call-id"));

    // The desk phone refuses; the message is not delivered until the mobile takes it.
    assert!(fake.answer(&answer_to(&desk, "486 Busy Here")));
    settle().await;
    assert_eq!(delivered(&fake), [false]);
    assert!(fake.answer(&answer_to(&mobile, "200 OK")));
    settle().await;
    assert_eq!(delivered(&fake), [true]);
}

#[tokio::test(start_paused = true)]
async fn a_message_nobody_takes_stays_kept_after_timer_f() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    fake.register("201", DESK);
    receive(&fake, message_text("201", "Hi"), addr(SENDER)).await;
    settle().await;
    let m = sent_to(&fake.take_sent(), DESK);
    // Repeated over UDP (Timer E), then given up after 64 × T1 (RFC 3261 §17.1.2.2).
    for _ in 0..64 {
        tokio::time::advance(Duration::from_millis(500)).await;
        settle().await;
    }
    assert!(!fake.take_sent().is_empty(), "repeated meanwhile");
    assert_eq!(delivered(&fake), [false]);
    assert!(
        !fake.answer(&answer_to(&m, "200 OK")),
        "too late: the transaction is over"
    );
    settle().await;
    assert_eq!(delivered(&fake), [false]);
}

#[tokio::test(start_paused = true)]
async fn a_message_to_an_extension_no_line_has_is_answered_404() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let answer = receive(&fake, message_text("299", "Hi"), addr(SENDER)).await;
    assert_eq!(answer.and_then(|m| m.code()), Some(404));
    assert!(fake.kept.lock().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_message_from_a_line_that_does_not_authenticate_gets_its_answer_and_is_not_kept() {
    let fake = Arc::new(Fake::with_lines(&["201"]));
    let answer = receive(&fake, message_text("201", "Hi"), addr(SENDER)).await;
    assert_eq!(answer.and_then(|m| m.code()), Some(403));
    assert!(fake.kept.lock().is_empty());
}
