//! Whole calls to a queue: the caller is answered at once and waits on music, the agents ring
//! as the queue's strategy says, and the one who answers is put through on the relay.

use super::*;
use sb_app::queues::{AgentKind, QueueSetup};
use sb_domain::ids::QueueId;
use sb_domain::model::{QueueOverflow, QueueStrategy};

/// A queue on extension 600 whose one agent is line 201 (its desk phone registered), ringing
/// every agent at once, 60 s at most, then hanging up.
fn fake_with_queue() -> Arc<Fake> {
    let setup = QueueSetup {
        id: QueueId::from_raw("queue-600"),
        company_id: CompanyId::from_raw("acme"),
        strategy: QueueStrategy::RingAll,
        ring_secs: 20,
        delay_secs: 0,
        max_wait_secs: 60,
        overflow: QueueOverflow::HangUp,
        overflow_line: None,
        overflow_mailbox: None,
        agents: vec![line("201")],
        agent_kinds: vec![AgentKind::Normal],
        music: None,
    };
    Fake::new(&[DESK]).with_route("600", Destination::Queue(Box::new(setup)))
}

/// Line 202's INVITE to the queue.
fn queue_invite() -> Message {
    let body = offer("192.0.2.10");
    parse(&format!(
        "INVITE sip:600@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch=z9hG4bKa1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:600@acme.sip.test>\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 INVITE\r\n\
         Contact: <sip:202@{CALLER}>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    ))
}

/// The queue call answered at once, the caller's ACK in; the 200 and our INVITE to the agent.
async fn waiting(h: &Harness) -> (Message, Message) {
    let sent = h.sent();
    let ok = find(&sent, "SIP/2.0 200 OK", CALLER);
    let agent = invite_to(&sent, DESK);
    let tag = ok.tag("to").unwrap().to_owned();
    h.feed(caller_request("ACK", 7, "z9hG4bKa1", &tag), CALLER)
        .await;
    (ok, agent)
}

#[tokio::test(start_paused = true)]
async fn a_queue_caller_is_answered_at_once_and_put_through_to_the_agent_who_answers() {
    let h = Harness::start(fake_with_queue(), queue_invite()).await;
    let (ok, agent) = waiting(&h).await;
    // Answered at once, to hear the music (the relay's near side), before any agent answers.
    assert_eq!(ok.header("cseq"), Some("7 INVITE"));
    assert_eq!(
        sdp::audio_target(&ok.body).unwrap().ip().to_string(),
        "127.0.0.1"
    );
    assert_eq!(agent.header("to"), Some("<sip:201@acme.sip.test>"));

    h.feed(device_answer(&agent, "200 OK", "d1", DESK), DESK)
        .await;
    // The music stops for a moment before the agent's audio is let through.
    h.advance(Duration::from_millis(40)).await;
    let sent = h.sent();
    let ack = find(&sent, &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(ack.tag("to"), Some("d1"));
    assert!(
        firsts(&sent).iter().all(|(_, to)| to != CALLER),
        "the caller, answered already, is told nothing: {:#?}",
        firsts(&sent)
    );
    assert!(
        h.fake
            .lamps
            .lock()
            .contains(&(line("201").id, LineState::Confirmed))
    );

    // The agent hangs up: the caller's leg is ended, and the agent's line logs the call.
    h.feed(device_request(&agent, "BYE", 2, "d1", DESK), DESK)
        .await;
    let sent = h.sent();
    find(&sent, "SIP/2.0 200 OK", DESK);
    find(&sent, "BYE sip:202@192.0.2.10:5060 SIP/2.0", CALLER);
    let logged: Vec<(String, CallDirection)> = h
        .fake
        .logged
        .lock()
        .iter()
        .map(|r| (r.line_id.to_string(), r.direction))
        .collect();
    assert!(
        logged.contains(&("line-201".to_owned(), CallDirection::Received)),
        "{logged:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_queue_caller_nobody_takes_is_hung_up_at_the_maximum_wait() {
    let h = Harness::start(fake_with_queue(), queue_invite()).await;
    let (_, agent) = waiting(&h).await;
    h.feed(device_answer(&agent, "180 Ringing", "d1", DESK), DESK)
        .await;
    // The queue looks again every second; the caller waits on, unanswered, for 60 s.
    for _ in 0..59 {
        h.advance(Duration::from_secs(1)).await;
    }
    let sent = h.sent();
    assert!(
        firsts(&sent).iter().all(|(_, to)| to != CALLER),
        "{:#?}",
        firsts(&sent)
    );
    h.advance(Duration::from_secs(1)).await;
    let sent = h.sent();
    find(&sent, "BYE sip:202@192.0.2.10:5060 SIP/2.0", CALLER);
    assert!(
        sent.iter()
            .any(|(text, to)| text.starts_with("CANCEL ") && to.to_string() == DESK),
        "the agent's phone stops ringing: {:#?}",
        firsts(&sent)
    );
}
