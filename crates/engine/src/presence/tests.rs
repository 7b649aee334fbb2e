//! The presence service against a fake (`fake.rs`): literal SUBSCRIBEs in, the answer and the
//! NOTIFYs out as text, tokio's clock paused and moved by hand where Timers E and F matter.
//! Each test is named after the rule it proves.

use super::*;
use crate::fake::{Fake, LOCAL, addr, answer_to, line, parse};

/// The watching phone (line 202).
const WATCHER: &str = "192.0.2.10:5060";
/// RFC 3261's T1 (section 17.1.1.1): Timer F runs out after 64 of them.
const T1: Duration = Duration::from_millis(500);

/// Line 202's SUBSCRIBE to `event` of line `watched`, for `expires` seconds.
fn subscribe_text(watched: &str, event: &str, expires: u32) -> Message {
    parse(&format!(
        "SUBSCRIBE sip:{watched}@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {WATCHER};branch=z9hG4bKs1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=w1\r\n\
         To: <sip:{watched}@acme.sip.test>\r\n\
         Call-ID: sub-1@192.0.2.10\r\n\
         CSeq: 1 SUBSCRIBE\r\n\
         Contact: <sip:202@{WATCHER}>\r\n\
         Event: {event}\r\n\
         Expires: {expires}\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

/// Lets spawned tasks work through what they were given, without the clock moving.
async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

async fn advance(d: Duration) {
    tokio::time::advance(d).await;
    settle().await;
}

/// The messages sent, as (first line, address).
fn firsts(sent: &[(String, SocketAddr)]) -> Vec<(String, String)> {
    let first = |t: &String| t.lines().next().unwrap_or_default().to_owned();
    sent.iter()
        .map(|(t, to)| (first(t), to.to_string()))
        .collect()
}

/// Line 202 subscribes and is answered; the 200 and the first NOTIFY, both sent to it.
async fn subscribed(fake: &Arc<Fake>, watched: &str, event: &str) -> (Message, Message) {
    let answer = subscribe(fake, subscribe_text(watched, event, 600), addr(WATCHER)).await;
    assert!(answer.is_none(), "answered by the service itself");
    settle().await;
    let sent = fake.take_sent();
    assert_eq!(
        firsts(&sent),
        [
            ("SIP/2.0 200 OK".to_owned(), WATCHER.to_owned()),
            (
                "NOTIFY sip:202@192.0.2.10:5060 SIP/2.0".to_owned(),
                WATCHER.to_owned()
            ),
        ]
    );
    (parse(&sent[0].0), parse(&sent[1].0))
}

#[tokio::test(start_paused = true)]
async fn a_busy_lamp_subscription_is_answered_200_and_notified_with_dialog_info_rfc_4235() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let (ok, notify) = subscribed(&fake, "201", "dialog").await;
    assert_eq!(ok.header("cseq"), Some("1 SUBSCRIBE"));
    assert_eq!(ok.header("expires"), Some("600"));
    let tag = ok.tag("to").unwrap();

    // The NOTIFY is a request in the dialog the 200 made (RFC 6665 §4.1.2.2): From and To
    // swapped, our tag on ours, the whole state of an idle line.
    assert_eq!(
        notify.header("from"),
        Some(format!("<sip:201@acme.sip.test>;tag={tag}").as_str())
    );
    assert_eq!(notify.header("to"), Some("<sip:202@acme.sip.test>;tag=w1"));
    assert_eq!(notify.header("call-id"), Some("sub-1@192.0.2.10"));
    assert_eq!(notify.header("cseq"), Some("1 NOTIFY"));
    assert_eq!(notify.header("event"), Some("dialog"));
    assert_eq!(
        notify.header("subscription-state"),
        Some("active;expires=600")
    );
    assert_eq!(
        notify.header("content-type"),
        Some("application/dialog-info+xml")
    );
    assert_eq!(
        notify.header("contact"),
        Some(format!("<sip:switchboard@{LOCAL}>").as_str())
    );
    assert_eq!(
        String::from_utf8_lossy(&notify.body),
        "<?xml version=\"1.0\"?>\r\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" \
         version=\"0\" state=\"full\" entity=\"sip:201@acme.sip.test\"></dialog-info>\r\n"
    );
    assert!(fake.answer(&answer_to(&notify, "200 OK")));
    settle().await;

    // Line 201 starts ringing: the lamp is told, in the next CSeq and version.
    let watched = line("201").id;
    fake.presence.set_line_state(&watched, LineState::Early);
    line_changed(&fake, &watched).await;
    let sent = fake.take_sent();
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));
    let ringing = parse(&sent[0].0);
    assert_eq!(ringing.header("cseq"), Some("2 NOTIFY"));
    assert_eq!(
        String::from_utf8_lossy(&ringing.body),
        "<?xml version=\"1.0\"?>\r\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" \
         version=\"1\" state=\"full\" entity=\"sip:201@acme.sip.test\">\
         <dialog id=\"line-201\" direction=\"recipient\"><state>early</state></dialog>\
         </dialog-info>\r\n"
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_waiting_subscription_is_notified_with_the_mailboxs_counts_rfc_3842() {
    let fake = Arc::new(Fake::with_lines(&["202"]));
    let own = line("202").id;
    fake.mailboxes.lock().insert(own.clone(), (2, 1));
    let (_, notify) = subscribed(&fake, "202", "message-summary").await;
    assert_eq!(notify.header("event"), Some("message-summary"));
    assert_eq!(
        notify.header("content-type"),
        Some("application/simple-message-summary")
    );
    assert_eq!(
        String::from_utf8_lossy(&notify.body),
        "Messages-Waiting: yes\r\nMessage-Account: sip:202@acme.sip.test\r\n\
         Voice-Message: 2/1 (0/0)\r\n"
    );
    assert!(fake.answer(&answer_to(&notify, "200 OK")));

    // The new messages heard: the lamp goes out.
    fake.mailboxes.lock().insert(own.clone(), (0, 3));
    mailbox_changed(&fake, &own).await;
    let sent = fake.take_sent();
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));
    let body = parse(&sent[0].0).body;
    assert!(String::from_utf8_lossy(&body).starts_with("Messages-Waiting: no\r\n"));
}

#[tokio::test(start_paused = true)]
async fn a_notify_is_repeated_over_udp_until_answered_rfc_3261_timer_e() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let (_, notify) = subscribed(&fake, "201", "dialog").await;

    // Timer E: again after T1, then 2 × T1 (section 17.1.2.2), the same request each time.
    advance(T1).await;
    let sent = fake.take_sent();
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));
    assert_eq!(parse(&sent[0].0).header("via"), notify.header("via"));
    advance(2 * T1).await;
    assert_eq!(fake.take_sent().len(), 1);

    // Answered: nothing more is sent.
    assert!(fake.answer(&answer_to(&notify, "200 OK")));
    advance(64 * T1).await;
    assert!(fake.take_sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_notify_is_never_repeated_over_tcp_and_a_silent_subscriber_loses_its_subscription() {
    let mut fake = Fake::with_lines(&["201", "202"]);
    fake.streams.insert(addr(WATCHER));
    let fake = Arc::new(fake);
    let (_, notify) = subscribed(&fake, "201", "dialog").await;
    assert!(notify.header("via").unwrap().starts_with("SIP/2.0/TCP "));

    // A reliable transport repeats for us (RFC 3261 §17.1.2.2: Timer E is not set over TCP).
    advance(64 * T1 - Duration::from_millis(1)).await;
    assert!(fake.take_sent().is_empty());

    // Timer F gives up: a subscriber that never answers is gone (RFC 6665 §4.2.2), and the
    // line's next change tells nobody.
    advance(Duration::from_millis(1)).await;
    let watched = line("201").id;
    fake.presence.set_line_state(&watched, LineState::Confirmed);
    line_changed(&fake, &watched).await;
    assert!(fake.take_sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_subscriber_that_answers_481_loses_its_subscription_rfc_6665() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let (_, notify) = subscribed(&fake, "201", "dialog").await;
    assert!(fake.answer(&answer_to(&notify, "481 Subscription Does Not Exist")));
    settle().await;
    let watched = line("201").id;
    fake.presence.set_line_state(&watched, LineState::Early);
    line_changed(&fake, &watched).await;
    assert!(fake.take_sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_event_package_switchboard_does_not_serve_is_refused_489_with_those_it_does() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let answer = subscribe(&fake, subscribe_text("201", "presence", 600), addr(WATCHER)).await;
    let answer = answer.expect("an answer for the loop to send");
    assert_eq!(answer.code(), Some(489));
    assert_eq!(
        answer.header("allow-events"),
        Some("message-summary, dialog")
    );
    assert!(fake.take_sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_refresh_from_another_host_does_not_keep_a_subscription_alive() {
    let fake = Arc::new(Fake::with_lines(&["201", "202"]));
    let (ok, notify) = subscribed(&fake, "201", "dialog").await;
    assert!(fake.answer(&answer_to(&notify, "200 OK")));
    let tag = ok.tag("to").unwrap();
    let refresh = |cseq: u32| {
        parse(&format!(
            "SUBSCRIBE sip:201@acme.sip.test SIP/2.0\r\n\
             Via: SIP/2.0/UDP {WATCHER};branch=z9hG4bKs{cseq}\r\n\
             From: <sip:202@acme.sip.test>;tag=w1\r\n\
             To: <sip:201@acme.sip.test>;tag={tag}\r\n\
             Call-ID: sub-1@192.0.2.10\r\n\
             CSeq: {cseq} SUBSCRIBE\r\n\
             Event: dialog\r\n\
             Expires: 0\r\n\
             Content-Length: 0\r\n\r\n"
        ))
    };
    let elsewhere = subscribe(&fake, refresh(2), addr("203.0.113.9:5060")).await;
    assert_eq!(elsewhere.and_then(|m| m.code()), Some(481));

    // From the subscriber itself, Expires 0 ends it with a last NOTIFY (RFC 6665 §4.4.1).
    assert!(subscribe(&fake, refresh(3), addr(WATCHER)).await.is_none());
    let sent = fake.take_sent();
    let last = parse(&sent[1].0);
    assert_eq!(
        last.header("subscription-state"),
        Some("terminated;reason=timeout")
    );
}
