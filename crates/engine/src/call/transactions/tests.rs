//! The call's transactions on a manual clock: literal SIP text in, steps out, time made up by
//! the test (milliseconds after an origin).

use super::*;
use std::time::Duration;

const CALLER: &str = "192.0.2.10:5060";
const DEVICE: &str = "192.0.2.20:5062";
const OTHER_DEVICE: &str = "192.0.2.21:5062";

/// The caller's INVITE, as a phone sends it.
const CALLER_INVITE: &str = "INVITE sip:201@acme.sip.test SIP/2.0\r\n\
    Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1\r\n\
    Max-Forwards: 70\r\n\
    From: <sip:202@acme.sip.test>;tag=c1\r\n\
    To: <sip:201@acme.sip.test>\r\n\
    Call-ID: call-a@192.0.2.10\r\n\
    CSeq: 7 INVITE\r\n\
    Contact: <sip:202@192.0.2.10:5060>\r\n\
    Content-Length: 0\r\n\r\n";

/// Our INVITE to a device: the B leg `leg1-b0`.
const FORK_INVITE: &str = "INVITE sip:201@192.0.2.20:5062 SIP/2.0\r\n\
    Via: SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bKf1\r\n\
    Max-Forwards: 70\r\n\
    From: \"202\" <sip:202@acme.sip.test>;tag=sb1\r\n\
    To: <sip:201@acme.sip.test>\r\n\
    Call-ID: leg1-b0\r\n\
    CSeq: 1 INVITE\r\n\
    Contact: <sip:switchboard@198.51.100.1:5060>\r\n\
    Content-Length: 0\r\n\r\n";

/// Our CANCEL of that INVITE (section 9.1: its branch, its CSeq number).
const FORK_CANCEL: &str = "CANCEL sip:201@192.0.2.20:5062 SIP/2.0\r\n\
    Via: SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bKf1\r\n\
    Max-Forwards: 70\r\n\
    From: \"202\" <sip:202@acme.sip.test>;tag=sb1\r\n\
    To: <sip:201@acme.sip.test>\r\n\
    Call-ID: leg1-b0\r\n\
    CSeq: 1 CANCEL\r\n\
    Content-Length: 0\r\n\r\n";

/// A BYE of ours on the answered B leg.
const FORK_BYE: &str = "BYE sip:201@192.0.2.20:5062 SIP/2.0\r\n\
    Via: SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bKbye1\r\n\
    Max-Forwards: 70\r\n\
    From: \"202\" <sip:202@acme.sip.test>;tag=sb1\r\n\
    To: <sip:201@acme.sip.test>;tag=d1\r\n\
    Call-ID: leg1-b0\r\n\
    CSeq: 2 BYE\r\n\
    Content-Length: 0\r\n\r\n";

/// A re-INVITE of ours on the B leg (a hold passed on from the caller).
const FORK_REINVITE: &str = "INVITE sip:201@192.0.2.20:5062 SIP/2.0\r\n\
    Via: SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bKre1\r\n\
    Max-Forwards: 70\r\n\
    From: \"202\" <sip:202@acme.sip.test>;tag=sb1\r\n\
    To: <sip:201@acme.sip.test>;tag=d1\r\n\
    Call-ID: leg1-b0\r\n\
    CSeq: 2 INVITE\r\n\
    Contact: <sip:switchboard@198.51.100.1:5060>\r\n\
    Content-Length: 0\r\n\r\n";

fn msg(text: &str) -> Message {
    sb_sip::parse(text.as_bytes()).unwrap()
}

fn addr(a: &str) -> SocketAddr {
    a.parse().unwrap()
}

/// The response `status` ("486 Busy Here") to `request`, with `to_tag` (";tag=x" or "") added
/// to its To, as the far side writes it.
fn answer(request: &str, status: &str, to_tag: &str) -> Message {
    let req = msg(request);
    let h = |n| req.header(n).unwrap();
    msg(&format!(
        "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {}{to_tag}\r\nCall-ID: {}\r\nCSeq: {}\r\nContact: <sip:201@192.0.2.20:5062>\r\nContent-Length: 0\r\n\r\n",
        h("via"),
        h("from"),
        h("to"),
        h("call-id"),
        h("cseq"),
    ))
}

/// A manual clock: instants `ms` milliseconds after one origin.
struct Clock(Instant);

impl Clock {
    fn new() -> Self {
        Clock(Instant::now())
    }

    fn at(&self, ms: u64) -> Instant {
        self.0 + Duration::from_millis(ms)
    }

    fn ms(&self, t: Instant) -> u64 {
        u64::try_from((t - self.0).as_millis()).unwrap()
    }
}

/// The call's transactions, with the caller's INVITE from [`CALLER`] over UDP at 0 ms,
/// answered 100 Trying at once as the call task does.
fn call(clock: &Clock) -> CallTransactions {
    let mut txs = CallTransactions::new(
        Timers::default(),
        &msg(CALLER_INVITE),
        addr(CALLER),
        false,
        clock.at(0),
    );
    txs.answer_caller(to_caller("100 Trying"), clock.at(0));
    txs
}

/// The wire text of a step that sends.
fn wire(step: &Effect) -> String {
    match step {
        Effect::Send(m, _) => String::from_utf8(m.to_bytes()).unwrap(),
        other => panic!("not a send: {other:?}"),
    }
}

/// Polls at each deadline up to `until` ms: every step, with when it came.
fn drive(txs: &mut CallTransactions, clock: &Clock, until: u64) -> Vec<(u64, Effect)> {
    let mut log = Vec::new();
    while let Some(t) = txs.next_deadline().filter(|t| clock.ms(*t) <= until) {
        log.extend(txs.poll(t).into_iter().map(|s| (clock.ms(t), s)));
    }
    log
}

/// When the steps sent something, and which method or status it was.
fn sent(log: &[(u64, Effect)]) -> Vec<(u64, String)> {
    log.iter()
        .filter_map(|(ms, s)| match s {
            Effect::Send(m, _) => Some((*ms, first_word(m))),
            _ => None,
        })
        .collect()
}

/// The method of a request, the status of a response.
fn first_word(m: &Message) -> String {
    match m.code() {
        Some(c) => c.to_string(),
        None => m.method().unwrap_or_default().to_owned(),
    }
}

/// The call with one B leg rung over UDP at 0 ms.
fn ringing_one(clock: &Clock) -> CallTransactions {
    let mut txs = call(clock);
    let first = txs.send(
        msg(FORK_INVITE),
        addr(DEVICE),
        false,
        Purpose::Fork("leg1-b0".into()),
        clock.at(0),
    );
    assert_eq!(first, [Effect::Send(msg(FORK_INVITE), addr(DEVICE))]);
    txs
}

#[test]
fn a_device_that_never_answers_is_given_up_after_timer_b() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    let log = drive(&mut txs, &clock, 40_000);
    let invites: Vec<u64> = sent(&log)
        .into_iter()
        .filter(|(_, w)| w == "INVITE")
        .map(|(ms, _)| ms)
        .collect();
    // Timer A doubles without a cap (RFC 3261 17.1.1.2).
    assert_eq!(invites, [500, 1500, 3500, 7500, 15500, 31500]);
    assert!(log.contains(&(
        32_000,
        Effect::ForkGivenUp {
            call_id: "leg1-b0".into(),
            cancelled: false
        }
    )));
}

#[test]
fn over_tcp_a_device_gets_its_invite_once_and_is_still_given_up_after_timer_b() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.send(
        msg(FORK_INVITE),
        addr(DEVICE),
        true,
        Purpose::Fork("leg1-b0".into()),
        clock.at(0),
    );
    let log = drive(&mut txs, &clock, 40_000);
    assert!(sent(&log).iter().all(|(_, w)| w != "INVITE"));
    assert!(log.iter().any(|(ms, s)| *ms == 32_000
        && matches!(
            s,
            Effect::ForkGivenUp {
                cancelled: false,
                ..
            }
        )));
}

#[test]
fn a_provisional_stops_the_invites_repetitions_and_reaches_the_call() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    let ringing = answer(FORK_INVITE, "180 Ringing", ";tag=d1");
    assert_eq!(
        txs.receive(ringing.clone(), addr(DEVICE), clock.at(300)),
        [Effect::Fork("leg1-b0".into(), ringing)]
    );
    let log = drive(&mut txs, &clock, 200_000);
    assert!(sent(&log).iter().all(|(_, w)| w != "INVITE"));
    assert!(
        !log.iter()
            .any(|(_, s)| matches!(s, Effect::ForkGivenUp { .. })),
        "a ringing device is not given up by Timer B"
    );
}

#[test]
fn a_devices_failure_is_acked_by_its_transaction_and_again_for_each_copy() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    let busy = answer(FORK_INVITE, "486 Busy Here", ";tag=d1");
    let steps = txs.receive(busy.clone(), addr(DEVICE), clock.at(800));
    let expected_ack = "ACK sip:201@192.0.2.20:5062 SIP/2.0\r\n\
        Via: SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bKf1\r\n\
        Max-Forwards: 70\r\n\
        From: \"202\" <sip:202@acme.sip.test>;tag=sb1\r\n\
        To: <sip:201@acme.sip.test>;tag=d1\r\n\
        Call-ID: leg1-b0\r\n\
        CSeq: 1 ACK\r\n\
        Content-Length: 0\r\n\r\n";
    assert_eq!(steps.len(), 2);
    assert_eq!(wire(&steps[0]), expected_ack);
    assert!(matches!(&steps[0], Effect::Send(_, to) if *to == addr(DEVICE)));
    assert_eq!(steps[1], Effect::Fork("leg1-b0".into(), busy.clone()));
    // The 486 again (our ACK was lost): the ACK again (RFC 3261 17.1.1.3), nothing for the call.
    let again = txs.receive(busy, addr(DEVICE), clock.at(1_300));
    assert_eq!(again.len(), 1);
    assert_eq!(wire(&again[0]), expected_ack);
    assert!(!txs.busy(), "Timer D only absorbs copies");
}

#[test]
fn a_200_that_races_our_cancel_is_acked_and_hung_up() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    let ringing = answer(FORK_INVITE, "180 Ringing", ";tag=d1");
    txs.receive(ringing, addr(DEVICE), clock.at(100));
    let cancel = txs.cancel(
        "leg1-b0",
        msg(FORK_CANCEL),
        addr(DEVICE),
        false,
        clock.at(5_000),
    );
    assert_eq!(cancel, [Effect::Send(msg(FORK_CANCEL), addr(DEVICE))]);
    assert!(txs.busy(), "the INVITE still owes its final answer");
    let ok = answer(FORK_INVITE, "200 OK", ";tag=d1");
    assert_eq!(
        txs.receive(ok.clone(), addr(DEVICE), clock.at(5_010)),
        [Effect::HangUp("leg1-b0".into(), ok.clone())]
    );
    // Its copy (our ACK was lost) is acknowledged again, and the leg not hung up twice.
    assert_eq!(
        txs.receive(ok.clone(), addr(DEVICE), clock.at(5_500)),
        [Effect::AckAgain("leg1-b0".into(), ok)]
    );
    // The CANCEL's own answer reaches the call like any other.
    let cancelled = answer(FORK_CANCEL, "200 OK", ";tag=d1");
    assert_eq!(
        txs.receive(cancelled.clone(), addr(DEVICE), clock.at(5_600)),
        [Effect::Response(cancelled)]
    );
    assert!(!txs.busy());
}

#[test]
fn a_cancelled_invite_answered_487_is_acked_and_frees_the_call() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    txs.receive(
        answer(FORK_INVITE, "180 Ringing", ";tag=d1"),
        addr(DEVICE),
        clock.at(100),
    );
    txs.cancel(
        "leg1-b0",
        msg(FORK_CANCEL),
        addr(DEVICE),
        false,
        clock.at(1_000),
    );
    txs.receive(
        answer(FORK_CANCEL, "200 OK", ";tag=d1"),
        addr(DEVICE),
        clock.at(1_010),
    );
    assert!(
        txs.busy(),
        "the 487 is still to come and to be acknowledged"
    );
    let terminated = answer(FORK_INVITE, "487 Request Terminated", ";tag=d1");
    let steps = txs.receive(terminated.clone(), addr(DEVICE), clock.at(1_020));
    assert!(matches!(&steps[0], Effect::Send(ack, _) if ack.method() == Some("ACK")));
    assert_eq!(steps[1], Effect::Fork("leg1-b0".into(), terminated));
    assert!(!txs.busy());
}

#[test]
fn a_cancelled_invite_never_answered_holds_the_call_64_t1_at_most() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    txs.receive(
        answer(FORK_INVITE, "180 Ringing", ";tag=d1"),
        addr(DEVICE),
        clock.at(100),
    );
    txs.cancel(
        "leg1-b0",
        msg(FORK_CANCEL),
        addr(DEVICE),
        false,
        clock.at(1_000),
    );
    txs.receive(
        answer(FORK_CANCEL, "200 OK", ";tag=d1"),
        addr(DEVICE),
        clock.at(1_010),
    );
    drive(&mut txs, &clock, 32_999);
    assert!(txs.busy());
    // RFC 3261 9.1: no final answer 64 × T1 after the CANCEL, the INVITE is taken as cancelled.
    drive(&mut txs, &clock, 33_000);
    assert!(!txs.busy());
    assert_eq!(txs.next_deadline(), None, "nothing is left to wake for");
}

#[test]
fn a_cancelled_device_that_never_answered_anything_is_given_up_quietly() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    txs.cancel(
        "leg1-b0",
        msg(FORK_CANCEL),
        addr(DEVICE),
        false,
        clock.at(200),
    );
    let log = drive(&mut txs, &clock, 40_000);
    assert!(log.contains(&(
        32_000,
        Effect::ForkGivenUp {
            call_id: "leg1-b0".into(),
            cancelled: true
        }
    )));
    assert!(log.contains(&(32_200, Effect::RequestGivenUp("leg1-b0".into(), 1))));
    assert!(!txs.busy());
}

#[test]
fn each_fork_has_its_own_transaction_and_its_answers_reach_only_it() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    let second = FORK_INVITE
        .replace("z9hG4bKf1", "z9hG4bKf2")
        .replace("leg1-b0", "leg1-b1")
        .replace("192.0.2.20:5062", "192.0.2.21:5062");
    txs.send(
        msg(&second),
        addr(OTHER_DEVICE),
        false,
        Purpose::Fork("leg1-b1".into()),
        clock.at(0),
    );
    let busy = answer(&second, "486 Busy Here", ";tag=e1");
    let steps = txs.receive(busy.clone(), addr(OTHER_DEVICE), clock.at(400));
    assert!(matches!(&steps[0], Effect::Send(_, to) if *to == addr(OTHER_DEVICE)));
    assert_eq!(steps[1], Effect::Fork("leg1-b1".into(), busy));
    // The first device is still called (its INVITE repeated), the second no more.
    let log = drive(&mut txs, &clock, 600);
    assert_eq!(
        log,
        [(500, Effect::Send(msg(FORK_INVITE), addr(DEVICE)))],
        "only the unanswered fork is repeated"
    );
}

#[test]
fn a_bye_never_answered_is_repeated_up_to_t2_and_given_up_after_timer_f() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.send(
        msg(FORK_BYE),
        addr(DEVICE),
        false,
        Purpose::Request("leg1-b0".into(), 2),
        clock.at(0),
    );
    let log = drive(&mut txs, &clock, 40_000);
    let byes: Vec<u64> = sent(&log)
        .into_iter()
        .filter(|(_, w)| w == "BYE")
        .map(|(ms, _)| ms)
        .collect();
    assert_eq!(
        byes,
        [
            500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500
        ]
    );
    assert!(log.contains(&(32_000, Effect::RequestGivenUp("leg1-b0".into(), 2))));
}

#[test]
fn a_reinvite_refused_491_in_glare_is_acked_by_its_transaction_and_passed_back() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.send(
        msg(FORK_REINVITE),
        addr(DEVICE),
        false,
        Purpose::Request("leg1-b0".into(), 2),
        clock.at(0),
    );
    let pending = answer(FORK_REINVITE, "491 Request Pending", "");
    let steps = txs.receive(pending.clone(), addr(DEVICE), clock.at(50));
    assert!(
        matches!(&steps[0], Effect::Send(ack, _) if ack.method() == Some("ACK")
            && ack.header("cseq") == Some("2 ACK")
            && ack.header("via") == msg(FORK_REINVITE).header("via")),
        "the ACK for a failure is the transaction's, on the INVITE's branch: {steps:?}"
    );
    assert_eq!(steps[1], Effect::Response(pending));
    assert!(!txs.busy());
}

#[test]
fn a_reinvite_the_far_side_never_answers_is_given_up_after_timer_b() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.send(
        msg(FORK_REINVITE),
        addr(DEVICE),
        false,
        Purpose::Request("leg1-b0".into(), 2),
        clock.at(0),
    );
    let log = drive(&mut txs, &clock, 40_000);
    let invites: Vec<u64> = sent(&log)
        .into_iter()
        .filter(|(_, w)| w == "INVITE")
        .map(|(ms, _)| ms)
        .collect();
    // An INVITE's Timer A doubles without a cap, unlike a BYE's Timer E (RFC 3261 17.1.1.2).
    assert_eq!(invites, [500, 1500, 3500, 7500, 15500, 31500]);
    // The call answers the re-INVITE's sender 408 on this.
    assert!(log.contains(&(32_000, Effect::RequestGivenUp("leg1-b0".into(), 2))));
    assert!(!txs.busy());
}

#[test]
fn a_2xx_to_a_reinvite_repeated_after_its_transaction_ended_goes_to_the_call_to_ack() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.send(
        msg(FORK_REINVITE),
        addr(DEVICE),
        false,
        Purpose::Request("leg1-b0".into(), 2),
        clock.at(0),
    );
    let ok = answer(FORK_REINVITE, "200 OK", "");
    assert_eq!(
        txs.receive(ok.clone(), addr(DEVICE), clock.at(50)),
        [Effect::Response(ok.clone())]
    );
    assert_eq!(
        txs.receive(ok.clone(), addr(DEVICE), clock.at(550)),
        [Effect::Response(ok)]
    );
    // A copy of a BYE's answer its transaction forgot is nothing to the call.
    let bye_ok = answer(FORK_BYE, "200 OK", "");
    assert!(txs.receive(bye_ok, addr(DEVICE), clock.at(600)).is_empty());
}

#[test]
fn a_winning_2xx_repeated_goes_to_the_call_which_acks_it_again() {
    let clock = Clock::new();
    let mut txs = ringing_one(&clock);
    let ok = answer(FORK_INVITE, "200 OK", ";tag=d1");
    assert_eq!(
        txs.receive(ok.clone(), addr(DEVICE), clock.at(2_000)),
        [Effect::Fork("leg1-b0".into(), ok.clone())]
    );
    assert_eq!(
        txs.receive(ok.clone(), addr(DEVICE), clock.at(2_500)),
        [Effect::Fork("leg1-b0".into(), ok)]
    );
    assert!(!txs.busy());
}

/// Our answer `status` to the caller's INVITE, with our To tag.
fn to_caller(status: &str) -> Message {
    answer(CALLER_INVITE, status, ";tag=sb9")
}

fn caller_ack(branch: &str) -> Message {
    msg(&format!(
        "ACK sip:switchboard@198.51.100.1:5060 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 192.0.2.10:5060;branch={branch}\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:201@acme.sip.test>;tag=sb9\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 ACK\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

#[test]
fn our_2xx_to_the_caller_is_repeated_until_its_ack() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    let ok = to_caller("200 OK");
    assert_eq!(
        txs.answer_caller(ok.clone(), clock.at(0)),
        [Effect::Send(ok.clone(), addr(CALLER))]
    );
    assert_eq!(
        drive(&mut txs, &clock, 2_000),
        [
            (500, Effect::Send(ok.clone(), addr(CALLER))),
            (1_500, Effect::Send(ok, addr(CALLER))),
        ]
    );
    assert!(txs.busy());
    // The ACK of a 2xx has a branch of its own (RFC 3261 17.1.1.3).
    txs.ack(&caller_ack("z9hG4bKack2"), clock.at(2_100));
    assert!(!txs.busy());
    assert!(
        drive(&mut txs, &clock, 60_000)
            .iter()
            .all(|(_, s)| !matches!(s, Effect::Send(..) | Effect::CallerNeverAcked))
    );
}

#[test]
fn a_2xx_the_caller_never_acknowledges_ends_the_call_after_64_t1() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.answer_caller(to_caller("200 OK"), clock.at(0));
    let log = drive(&mut txs, &clock, 40_000);
    // Repeated from T1 doubling up to T2 (RFC 3261 13.3.1.4), then given up.
    let resent: Vec<u64> = sent(&log).into_iter().map(|(ms, _)| ms).collect();
    assert_eq!(
        resent,
        [
            500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500
        ]
    );
    assert!(log.contains(&(32_000, Effect::CallerNeverAcked)));
    assert!(!txs.busy());
}

#[test]
fn over_tcp_our_2xx_to_the_caller_is_still_repeated_until_its_ack() {
    let clock = Clock::new();
    let mut txs = CallTransactions::new(
        Timers::default(),
        &msg(CALLER_INVITE),
        addr(CALLER),
        true,
        clock.at(0),
    );
    txs.answer_caller(to_caller("200 OK"), clock.at(0));
    assert_eq!(sent(&drive(&mut txs, &clock, 600)), [(500, "200".into())]);
}

#[test]
fn a_failure_to_the_caller_is_repeated_over_udp_until_its_ack() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    let busy = to_caller("486 Busy Here");
    txs.answer_caller(busy, clock.at(0));
    assert_eq!(
        sent(&drive(&mut txs, &clock, 4_000)),
        [
            (500, "486".into()),
            (1_500, "486".into()),
            (3_500, "486".into())
        ]
    );
    assert!(txs.busy(), "the ACK is still owed");
    // The ACK of a failure is on the INVITE's branch (RFC 3261 17.1.1.3).
    txs.ack(&caller_ack("z9hG4bKa1"), clock.at(4_100));
    assert!(!txs.busy());
    assert!(sent(&drive(&mut txs, &clock, 60_000)).is_empty());
}

#[test]
fn over_tcp_a_failure_to_the_caller_is_sent_once() {
    let clock = Clock::new();
    let mut txs = CallTransactions::new(
        Timers::default(),
        &msg(CALLER_INVITE),
        addr(CALLER),
        true,
        clock.at(0),
    );
    txs.answer_caller(to_caller("486 Busy Here"), clock.at(0));
    let log = drive(&mut txs, &clock, 60_000);
    assert!(sent(&log).is_empty());
    assert!(!log.iter().any(|(_, s)| *s == Effect::CallerNeverAcked));
}

#[test]
fn the_callers_invite_again_gets_our_last_provisional_and_after_a_2xx_nothing() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    let trying = to_caller("100 Trying");
    txs.answer_caller(trying.clone(), clock.at(0));
    assert_eq!(
        txs.caller_invite_again(&msg(CALLER_INVITE), clock.at(500)),
        [Effect::Send(trying, addr(CALLER))]
    );
    let ringing = to_caller("180 Ringing");
    txs.answer_caller(ringing.clone(), clock.at(600));
    assert_eq!(
        txs.caller_invite_again(&msg(CALLER_INVITE), clock.at(700)),
        [Effect::Send(ringing, addr(CALLER))]
    );
    txs.answer_caller(to_caller("200 OK"), clock.at(800));
    // The 2xx repeats on its own timer until the ACK (RFC 6026 section 7.1).
    assert!(
        txs.caller_invite_again(&msg(CALLER_INVITE), clock.at(900))
            .is_empty()
    );
}

#[test]
fn an_ack_on_another_leg_with_the_same_cseq_does_not_stop_our_2xx_to_the_caller() {
    let clock = Clock::new();
    let mut txs = call(&clock);
    txs.answer_caller(to_caller("200 OK"), clock.at(0));
    let elsewhere = String::from_utf8(caller_ack("z9hG4bKx").to_bytes())
        .unwrap()
        .replace("call-a@192.0.2.10", "leg1-b0");
    txs.ack(&msg(&elsewhere), clock.at(100));
    assert!(txs.busy());
}
