//! Whole calls where a phone stops answering inside the dialog: Timer E repeats a request over
//! UDP and Timer F gives up on it (RFC 3261 §17.1.2.2).

use super::*;

#[tokio::test(start_paused = true)]
async fn a_request_passed_on_that_is_never_answered_gets_its_sender_a_408_after_timer_f() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let (ok, _) = answered(&h).await;
    let tag = ok.tag("to").unwrap().to_owned();

    h.feed(caller_request("INFO", 8, "z9hG4bKa4", &tag), CALLER)
        .await;
    let passed = find(&h.sent(), &format!("INFO sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(passed.header("cseq"), Some("2 INFO"));

    // Repeated to the desk phone alone (0.5, 1.5, 3.5, 7.5, then every T2 = 4 s), until
    // Timer F, 64 × T1 after it was sent.
    h.advance(64 * T1 - Duration::from_millis(1)).await;
    let sent = h.sent();
    assert!(!sent.is_empty());
    assert!(
        sent.iter().all(|(text, to)| to.to_string() == DESK
            && parse(text).header("via") == passed.header("via")),
        "{:#?}",
        firsts(&sent)
    );
    h.advance(Duration::from_millis(1)).await;
    let sent = h.sent();
    let timeout = find(&sent, "SIP/2.0 408 Request Timeout", CALLER);
    assert_eq!(timeout.header("cseq"), Some("8 INFO"));
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));

    // The dialog takes requests again: the next one is passed on.
    h.feed(caller_request("INFO", 9, "z9hG4bKa5", &tag), CALLER)
        .await;
    let next = find(&h.sent(), &format!("INFO sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(next.header("cseq"), Some("3 INFO"));
}

#[tokio::test(start_paused = true)]
async fn a_bye_nobody_answers_is_repeated_over_udp_and_the_call_ends_after_timer_f() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let (ok, _) = answered(&h).await;
    let tag = ok.tag("to").unwrap().to_owned();
    h.feed(caller_request("BYE", 8, "z9hG4bKa3", &tag), CALLER)
        .await;
    let sent = h.sent();
    find(&sent, "SIP/2.0 200 OK", CALLER);
    let bye = find(&sent, &format!("BYE sip:201@{DESK} SIP/2.0"), DESK);

    h.advance(T1).await;
    let again = find(&h.sent(), &format!("BYE sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(
        again.header("via"),
        bye.header("via"),
        "the same transaction"
    );
    h.advance(63 * T1 - Duration::from_millis(1)).await;
    assert!(!h.task.is_finished(), "the BYE is still owed an answer");

    // Timer F: the call owes nothing more and its task ends, every Call-ID given back.
    h.advance(Duration::from_millis(1)).await;
    assert!(h.task.is_finished());
    assert!(h.fake.tasks.lock().is_empty());
    assert_eq!(h.fake.active.load(Ordering::Relaxed), 0);
}
