//! Literal messages and a manual clock for the transaction tests: time is a `Duration` since
//! the test's origin, and `drive` jumps from one deadline to the next.

use super::{Action, ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite};
use crate::message::Message;
use std::time::Duration;

pub const INVITE: &str = "INVITE sip:201@acme.sip.test SIP/2.0\r\n\
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n\
    Max-Forwards: 70\r\n\
    From: <sip:202@acme.sip.test>;tag=a1\r\n\
    To: <sip:201@acme.sip.test>\r\n\
    Call-ID: c1@192.0.2.1\r\n\
    CSeq: 1 INVITE\r\n\
    Route: <sip:p1.example;lr>\r\n\
    Contact: <sip:202@192.0.2.1:5060>\r\n\
    Content-Length: 0\r\n\r\n";

pub const BYE: &str = "BYE sip:201@192.0.2.2:5060 SIP/2.0\r\n\
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbye1\r\n\
    Max-Forwards: 70\r\n\
    From: <sip:202@acme.sip.test>;tag=a1\r\n\
    To: <sip:201@acme.sip.test>;tag=b1\r\n\
    Call-ID: c1@192.0.2.1\r\n\
    CSeq: 2 BYE\r\n\
    Content-Length: 0\r\n\r\n";

/// `ms` milliseconds after the origin.
pub fn at(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

pub fn msg(text: &str) -> Message {
    crate::parse(text.as_bytes()).unwrap()
}

/// The wire text of a response to `request` with `status` ("486 Busy Here"), `to_tag` (";tag=x"
/// or "") added to its To.
pub fn answer(request: &str, status: &str, to_tag: &str) -> String {
    let req = msg(request);
    let mut out = format!("SIP/2.0 {status}\r\n");
    for via in req.headers_named("via") {
        out.push_str(&format!("Via: {via}\r\n"));
    }
    let h = |n| req.header(n).unwrap();
    out.push_str(&format!("From: {}\r\n", h("from")));
    out.push_str(&format!("To: {}{to_tag}\r\n", h("to")));
    out.push_str(&format!("Call-ID: {}\r\n", h("call-id")));
    out.push_str(&format!("CSeq: {}\r\n", h("cseq")));
    out.push_str("Content-Length: 0\r\n\r\n");
    out
}

/// A transaction the tests can run on the clock.
pub trait Machine {
    fn deadline(&self) -> Option<Duration>;
    fn fire(&mut self, now: Duration) -> Vec<Action>;
}

macro_rules! machine {
    ($($t:ident),*) => {$(
        impl Machine for $t<Duration> {
            fn deadline(&self) -> Option<Duration> {
                self.next_deadline()
            }
            fn fire(&mut self, now: Duration) -> Vec<Action> {
                self.poll(now)
            }
        }
    )*};
}
machine!(ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite);

/// Polls `m` at each of its deadlines up to `until_ms`, noting what it did when (in ms).
pub fn drive(m: &mut impl Machine, until_ms: u64) -> Vec<(u64, Action)> {
    let mut log = Vec::new();
    while let Some(d) = m.deadline().filter(|d| *d <= at(until_ms)) {
        let actions = m.fire(d);
        assert!(!actions.is_empty(), "a deadline at {d:?} did nothing");
        let ms = u64::try_from(d.as_millis()).unwrap();
        log.extend(actions.into_iter().map(|a| (ms, a)));
    }
    log
}

/// When something was sent.
pub fn sent_at(log: &[(u64, Action)]) -> Vec<u64> {
    log.iter()
        .filter(|(_, a)| matches!(a, Action::Send(_)))
        .map(|(t, _)| *t)
        .collect()
}

/// Everything but the sends.
pub fn ended_at(log: &[(u64, Action)]) -> Vec<(u64, Action)> {
    log.iter()
        .filter(|(_, a)| !matches!(a, Action::Send(_)))
        .cloned()
        .collect()
}

/// The wire text of what `actions` send.
pub fn wire(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send(m) => Some(String::from_utf8(m.to_bytes()).unwrap()),
            _ => None,
        })
        .collect()
}
