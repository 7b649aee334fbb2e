//! Our 2xx to an INVITE, repeated until its ACK (RFC 3261 section 13.3.1.4). The INVITE
//! server transaction ends with the 2xx, so this is the TU's timer: T1 doubling up to T2, over
//! every transport (the 2xx and its ACK are end to end, and a reliable first hop says nothing
//! of the rest), given up after 64 × T1, when the session should be ended with a BYE.

use crate::message::Message;
use crate::transaction::{Retransmit, Time, Timers};
use crate::types::Method;

/// What a 2xx waiting for its ACK needs at a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckWait {
    Nothing,
    /// Send the 2xx again.
    Resend(Message),
    /// No ACK within 64 × T1: confirm the dialog anyway and end the session (BYE).
    GiveUp,
}

/// A 2xx we sent, until the ACK with its CSeq number comes.
#[derive(Debug, Clone)]
pub struct AwaitAck<T> {
    response: Message,
    timer: Option<Retransmit<T>>,
    give_up: T,
}

impl<T: Time> AwaitAck<T> {
    /// `response`, just sent at `now`.
    pub fn new(response: Message, timers: Timers, now: T) -> Self {
        AwaitAck {
            timer: Retransmit::start(now, timers.t1, Some(timers.t2), false),
            give_up: now + timers.timeout(),
            response,
        }
    }

    /// The 2xx being repeated.
    pub fn response(&self) -> &Message {
        &self.response
    }

    /// When `poll` is next needed.
    pub fn next_deadline(&self) -> T {
        self.timer
            .map_or(self.give_up, |t| t.next.min(self.give_up))
    }

    /// Whether `ack` acknowledges this 2xx: an ACK with the same Call-ID and CSeq number.
    pub fn acknowledged_by(&self, ack: &Message) -> bool {
        let number = |m: &Message| m.cseq().map(|(n, _)| n);
        ack.method_typed() == Some(Method::Ack)
            && ack.header("call-id") == self.response.header("call-id")
            && number(ack) == number(&self.response)
    }

    /// Fires the retransmission or the give-up when due at `now`.
    pub fn poll(&mut self, now: T) -> AckWait {
        if self.give_up <= now {
            return AckWait::GiveUp;
        }
        if self.timer.as_mut().is_some_and(|t| t.fire(now)) {
            AckWait::Resend(self.response.clone())
        } else {
            AckWait::Nothing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use std::time::Duration;

    fn at(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn the_2xx_is_repeated_from_t1_doubling_to_t2_until_64_t1_rfc3261_13_3_1_4() {
        let mut wait = AwaitAck::new(msg(OUR_OK), Timers::default(), at(0));
        let mut resent = Vec::new();
        loop {
            let due = wait.next_deadline();
            match wait.poll(due) {
                AckWait::Resend(m) => {
                    assert_eq!(m, msg(OUR_OK));
                    resent.push(due.as_millis());
                }
                AckWait::GiveUp => break assert_eq!(due, at(32_000)),
                AckWait::Nothing => panic!("a deadline at {due:?} did nothing"),
            }
        }
        assert_eq!(
            resent,
            [
                500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500
            ]
        );
    }

    #[test]
    fn only_the_ack_with_the_2xxs_cseq_number_stops_it_rfc3261_13_3_1_4() {
        let wait = AwaitAck::new(msg(OUR_OK), Timers::default(), at(0));
        let ack = |cseq: &str| {
            msg(&format!(
                "ACK sip:201@192.0.2.9:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKack\r\nFrom: <sip:202@acme.sip.test>;tag=a1\r\nTo: <sip:201@acme.sip.test>;tag=s1\r\nCall-ID: c9@192.0.2.1\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
            ))
        };
        assert!(wait.acknowledged_by(&ack("10 ACK")));
        assert!(
            !wait.acknowledged_by(&ack("9 ACK")),
            "an older INVITE's ACK"
        );
        assert!(!wait.acknowledged_by(&msg(RECEIVED_INVITE)));
    }
}
