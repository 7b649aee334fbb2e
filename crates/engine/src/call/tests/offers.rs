//! Whole calls where the session description travels other than in the INVITE and its 200:
//! early media in a 183, and a late offer answered in the ACK.

use super::*;

/// The phone's early answer: `183 Session Progress` with its own audio description.
fn session_progress(request: &Message, tag: &str, device: &str) -> Message {
    let h = |n| request.header(n).unwrap_or_default();
    let body = offer(device.split(':').next().unwrap_or_default());
    parse(&format!(
        "SIP/2.0 183 Session Progress\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag={tag}\r\n\
         Call-ID: {}\r\nCSeq: {}\r\nContact: <sip:201@{device}>\r\n\
         Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
        h("via"),
        h("from"),
        h("to"),
        h("call-id"),
        h("cseq"),
        body.len()
    ))
}

/// The audio address and port an SDP body names.
fn audio_of(body: &[u8]) -> SocketAddr {
    sdp::audio_target(body).expect("an audio description")
}

#[tokio::test(start_paused = true)]
async fn early_media_reaches_the_caller_in_a_183_with_the_relays_description_not_the_phones() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let desk = invite_to(&h.sent(), DESK);

    h.feed(session_progress(&desk, "d1", DESK), DESK).await;
    let sent = h.sent();
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));
    let progress = find(&sent, "SIP/2.0 183 Session Progress", CALLER);
    assert_eq!(progress.header("cseq"), Some("7 INVITE"));
    assert_eq!(progress.header("content-type"), Some("application/sdp"));
    // The caller hears the phone through the relay (RFC 3960's early media, gateway model):
    // the description names the relay's near side, never the phone's address.
    let heard = audio_of(&progress.body);
    assert_eq!(heard.ip().to_string(), "127.0.0.1");
    assert!((42_000..=42_999).contains(&heard.port()), "{heard}");
    let body = String::from_utf8_lossy(&progress.body).into_owned();
    assert!(!body.contains("192.0.2.20"), "{body}");

    // A 180 after the early media changes nothing for the caller, already hearing the phone.
    h.feed(device_answer(&desk, "180 Ringing", "d1", DESK), DESK)
        .await;
    assert!(h.sent().is_empty());

    // The answer comes in the same dialog, with the same relay address.
    h.feed(device_answer(&desk, "200 OK", "d1", DESK), DESK)
        .await;
    let ok = find(&h.sent(), "SIP/2.0 200 OK", CALLER);
    assert_eq!(ok.tag("to"), progress.tag("to"));
    assert_eq!(audio_of(&ok.body), heard);
}

/// The caller's INVITE to 201 without a description: a late offer (RFC 3261 §13.2.1).
fn late_offer_invite() -> Message {
    parse(&format!(
        "INVITE sip:201@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch=z9hG4bKa1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:201@acme.sip.test>\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 INVITE\r\n\
         Contact: <sip:202@{CALLER}>\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

#[tokio::test(start_paused = true)]
async fn a_late_offer_is_made_by_the_phone_that_answers_and_the_callers_ack_carries_the_answer() {
    let h = Harness::start(Fake::new(&[DESK]), late_offer_invite()).await;
    let desk = invite_to(&h.sent(), DESK);
    assert!(desk.body.is_empty(), "no offer to pass on");
    assert_eq!(desk.header("content-type"), None);

    // The phone offers in its 200; the caller gets that offer, pointed at the relay, and the
    // phone's ACK waits for the caller's answer (§13.2.2.4: the ACK carries it).
    h.feed(device_answer(&desk, "200 OK", "d1", DESK), DESK)
        .await;
    let sent = h.sent();
    assert_eq!(
        sent.len(),
        1,
        "no ACK before the caller's: {:#?}",
        firsts(&sent)
    );
    let ok = find(&sent, "SIP/2.0 200 OK", CALLER);
    assert_eq!(audio_of(&ok.body).ip().to_string(), "127.0.0.1");

    let answer = offer("192.0.2.10");
    let ack = parse(&format!(
        "ACK sip:switchboard@{LOCAL} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch=z9hG4bKa9\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:201@acme.sip.test>;tag={}\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 ACK\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{answer}",
        ok.tag("to").unwrap(),
        answer.len()
    ));
    h.feed(ack, CALLER).await;
    let sent = h.sent();
    let to_desk = find(&sent, &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(to_desk.header("cseq"), Some("1 ACK"));
    assert_eq!(to_desk.header("content-type"), Some("application/sdp"));
    // The caller's answer, pointed at the relay's far side.
    let answered = audio_of(&to_desk.body);
    assert_eq!(answered.ip().to_string(), "127.0.0.1");
    assert_ne!(answered, audio_of(&ok.body), "the relay's other side");
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));

    // The phone's 200 repeated (its ACK lost): the same answer goes again.
    h.feed(device_answer(&desk, "200 OK", "d1", DESK), DESK)
        .await;
    let again = find(&h.sent(), &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(again.body, to_desk.body);
}
