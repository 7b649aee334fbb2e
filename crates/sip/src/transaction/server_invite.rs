//! The INVITE server transaction (RFC 3261 section 17.2.1, figure 7, with the Accepted state
//! of RFC 6026 section 7.1).
//!
//! After a 2xx the transaction does not end at once, as in RFC 3261, but waits in Accepted for
//! Timer L (64 × T1): a copy of the INVITE (its 2xx was lost) is absorbed there instead of
//! reaching the TU as a new request, and the TU's own repetitions of the 2xx (section
//! 13.3.1.4, [`AwaitAck`](crate::dialog::AwaitAck)) pass through it.

use super::{Action, Phase, Retransmit, Time, Timers, trying};
use crate::message::Message;
use crate::types::Method;

/// An INVITE we received: 100 Trying if the TU is slow to answer, the TU's last response
/// again for each retransmitted INVITE, a failure repeated over UDP (Timer G) until its ACK or
/// Timer H, then Timer I to absorb ACK copies; after a 2xx, Timer L.
#[derive(Debug, Clone)]
pub struct ServerInvite<T> {
    timers: Timers,
    reliable: bool,
    state: State<T>,
}

#[derive(Debug, Clone)]
enum State<T> {
    Proceeding {
        /// The 100 Trying and when it is due, until the TU has answered anything.
        trying: Option<(T, Message)>,
        /// The TU's latest provisional response.
        last: Option<Message>,
    },
    Accepted {
        timer_l: T,
    },
    Completed {
        response: Message,
        timer_g: Option<Retransmit<T>>,
        timer_h: T,
    },
    Confirmed {
        timer_i: T,
    },
    Terminated,
}

impl<T: Time> ServerInvite<T> {
    /// Starts the transaction for `invite`, received at `now`. The 100 Trying goes out at the
    /// first `poll` after `timers.trying` unless the TU answered first (section 17.2.1).
    pub fn new(invite: &Message, reliable: bool, timers: Timers, now: T) -> Self {
        ServerInvite {
            timers,
            reliable,
            state: State::Proceeding {
                trying: Some((now + timers.trying, trying(invite))),
                last: None,
            },
        }
    }

    /// Where it stands.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Proceeding { .. } => Phase::Proceeding,
            State::Accepted { .. } => Phase::Accepted,
            State::Completed { .. } => Phase::Completed,
            State::Confirmed { .. } => Phase::Confirmed,
            State::Terminated => Phase::Terminated,
        }
    }

    /// When `poll` is next needed.
    pub fn next_deadline(&self) -> Option<T> {
        match &self.state {
            State::Proceeding { trying, .. } => trying.as_ref().map(|(t, _)| *t),
            State::Accepted { timer_l } => Some(*timer_l),
            State::Completed {
                timer_g, timer_h, ..
            } => super::earliest([timer_g.map(|g| g.next), Some(*timer_h)]),
            State::Confirmed { timer_i } => Some(*timer_i),
            State::Terminated => None,
        }
    }

    /// A request matching this transaction arrived: a retransmitted INVITE, or an ACK with the
    /// INVITE's branch. Copies of the INVITE never go to the TU; the ACK for a failure is the
    /// transaction's, the ACK for a 2xx the TU's (RFC 6026 section 8.7).
    pub fn on_request(&mut self, request: &Message, now: T) -> Vec<Action> {
        let is_ack = request.method_typed() == Some(Method::Ack);
        match &self.state {
            State::Proceeding { last, .. } if !is_ack => {
                last.iter().cloned().map(Action::Send).collect()
            }
            State::Accepted { .. } if is_ack => vec![Action::Deliver(request.clone())],
            State::Completed { response, .. } if !is_ack => vec![Action::Send(response.clone())],
            State::Completed { .. } => self.confirm(now),
            _ => Vec::new(),
        }
    }

    /// The ACK came: stop repeating, and absorb its copies for Timer I (T4 over UDP, none over
    /// reliable transports).
    fn confirm(&mut self, now: T) -> Vec<Action> {
        if self.reliable {
            self.state = State::Terminated;
            return vec![Action::Terminated];
        }
        self.state = State::Confirmed {
            timer_i: now + self.timers.linger(false),
        };
        Vec::new()
    }

    /// The TU answers the INVITE with `response` (or, once accepted, repeats its 2xx).
    pub fn respond(&mut self, response: Message, now: T) -> Vec<Action> {
        let Some(status) = response.status() else {
            return Vec::new();
        };
        let State::Proceeding { trying, last } = &mut self.state else {
            let repeat = matches!(self.state, State::Accepted { .. }) && status.is_success();
            return if repeat {
                vec![Action::Send(response)]
            } else {
                Vec::new()
            };
        };
        *trying = None;
        if status.is_provisional() {
            *last = Some(response.clone());
        } else if status.is_success() {
            self.state = State::Accepted {
                timer_l: now + self.timers.timeout(),
            };
        } else {
            self.state = State::Completed {
                response: response.clone(),
                timer_g: Retransmit::start(
                    now,
                    self.timers.t1,
                    Some(self.timers.t2),
                    self.reliable,
                ),
                timer_h: now + self.timers.timeout(),
            };
        }
        vec![Action::Send(response)]
    }

    /// Fires whatever timers are due at `now`.
    pub fn poll(&mut self, now: T) -> Vec<Action> {
        match &mut self.state {
            State::Proceeding { trying, last } => match trying.take() {
                Some((due, hundred)) if due <= now => {
                    *last = Some(hundred.clone());
                    vec![Action::Send(hundred)]
                }
                not_yet => {
                    *trying = not_yet;
                    Vec::new()
                }
            },
            State::Completed { timer_h, .. } if *timer_h <= now => {
                self.state = State::Terminated;
                vec![Action::Timeout, Action::Terminated]
            }
            State::Completed {
                timer_g: Some(g),
                response,
                ..
            } => {
                if g.fire(now) {
                    vec![Action::Send(response.clone())]
                } else {
                    Vec::new()
                }
            }
            State::Accepted { timer_l: end } | State::Confirmed { timer_i: end } if *end <= now => {
                self.state = State::Terminated;
                vec![Action::Terminated]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support::*;
    use std::time::Duration;

    fn start(reliable: bool) -> ServerInvite<Duration> {
        ServerInvite::new(&msg(INVITE), reliable, Timers::default(), at(0))
    }

    const TRYING: &str = "SIP/2.0 100 Trying\r\n\
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n\
        From: <sip:202@acme.sip.test>;tag=a1\r\n\
        To: <sip:201@acme.sip.test>\r\n\
        Call-ID: c1@192.0.2.1\r\n\
        CSeq: 1 INVITE\r\n\
        Content-Length: 0\r\n\r\n";

    #[test]
    fn a_slow_tu_gets_a_100_trying_sent_for_it_after_200_ms_rfc3261_17_2_1() {
        let mut tx = start(false);
        assert!(tx.poll(at(199)).is_empty());
        assert_eq!(wire(&tx.poll(at(200))), [TRYING]);
        assert_eq!(tx.next_deadline(), None);
        // A retransmitted INVITE gets the 100 again.
        assert_eq!(wire(&tx.on_request(&msg(INVITE), at(500))), [TRYING]);
    }

    #[test]
    fn a_quick_tu_answer_means_no_100_trying_rfc3261_17_2_1() {
        let mut tx = start(false);
        let ringing = msg(&answer(INVITE, "180 Ringing", ";tag=b1"));
        assert_eq!(
            tx.respond(ringing.clone(), at(50)),
            [Action::Send(ringing.clone())]
        );
        assert!(drive(&mut tx, 10_000).is_empty());
        assert_eq!(
            tx.on_request(&msg(INVITE), at(600)),
            [Action::Send(ringing)]
        );
    }

    #[test]
    fn a_retransmitted_invite_gets_the_last_final_response_again_rfc3261_17_2_1() {
        let mut tx = start(true);
        let busy = msg(&answer(INVITE, "486 Busy Here", ";tag=b1"));
        tx.respond(busy.clone(), at(100));
        assert_eq!(tx.on_request(&msg(INVITE), at(900)), [Action::Send(busy)]);
    }

    #[test]
    fn over_udp_a_failure_is_repeated_by_timer_g_until_timer_h_rfc3261_17_2_1() {
        let mut tx = start(false);
        let busy = msg(&answer(INVITE, "486 Busy Here", ";tag=b1"));
        assert_eq!(tx.respond(busy.clone(), at(0)), [Action::Send(busy)]);
        let log = drive(&mut tx, 40_000);
        // 0.5, 1, 2, 4 s apart, then every T2.
        assert_eq!(
            sent_at(&log),
            [
                500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500
            ]
        );
        assert_eq!(
            ended_at(&log),
            [(32_000, Action::Timeout), (32_000, Action::Terminated)]
        );
    }

    #[test]
    fn over_tcp_a_failure_is_sent_once_and_timer_h_still_runs_rfc3261_17_2_1() {
        let mut tx = start(true);
        tx.respond(msg(&answer(INVITE, "486 Busy Here", ";tag=b1")), at(0));
        let log = drive(&mut tx, 40_000);
        assert!(sent_at(&log).is_empty());
        assert_eq!(ended_at(&log)[0], (32_000, Action::Timeout));
    }

    #[test]
    fn the_ack_stops_timer_g_and_timer_i_absorbs_its_copies_rfc3261_17_2_1() {
        let ack = msg("ACK sip:201@acme.sip.test SIP/2.0\r\n\
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n\
            Max-Forwards: 70\r\n\
            From: <sip:202@acme.sip.test>;tag=a1\r\n\
            To: <sip:201@acme.sip.test>;tag=b1\r\n\
            Call-ID: c1@192.0.2.1\r\n\
            CSeq: 1 ACK\r\n\
            Content-Length: 0\r\n\r\n");
        let busy = msg(&answer(INVITE, "486 Busy Here", ";tag=b1"));
        let mut udp = start(false);
        udp.respond(busy.clone(), at(0));
        assert_eq!(sent_at(&drive(&mut udp, 2_000)), [500, 1500]);
        assert!(udp.on_request(&ack, at(2_000)).is_empty());
        assert_eq!(udp.phase(), Phase::Confirmed);
        assert!(udp.on_request(&ack, at(2_100)).is_empty());
        // Timer I is T4 = 5 s over UDP.
        assert_eq!(drive(&mut udp, 40_000), [(7_000, Action::Terminated)]);

        let mut tcp = start(true);
        tcp.respond(busy, at(0));
        assert_eq!(tcp.on_request(&ack, at(300)), [Action::Terminated]);
    }

    #[test]
    fn a_2xx_waits_in_accepted_absorbing_invite_copies_until_timer_l_rfc6026_7_1() {
        let mut tx = start(false);
        let ok = msg(&answer(INVITE, "200 OK", ";tag=b1"));
        assert_eq!(tx.respond(ok.clone(), at(100)), [Action::Send(ok.clone())]);
        assert_eq!(tx.phase(), Phase::Accepted);
        // A copy of the INVITE is not a new request for the TU, nor answered from here.
        assert!(tx.on_request(&msg(INVITE), at(600)).is_empty());
        // The TU's own repetition of its 2xx (13.3.1.4) passes through.
        assert_eq!(tx.respond(ok.clone(), at(600)), [Action::Send(ok)]);
        // An ACK reusing the INVITE's branch is the TU's (RFC 6026 section 8.7).
        let ack = msg(&INVITE
            .replacen("INVITE sip:", "ACK sip:", 1)
            .replace("CSeq: 1 INVITE", "CSeq: 1 ACK"));
        assert_eq!(tx.on_request(&ack, at(700)), [Action::Deliver(ack)]);
        // Timer L: 64 × T1 after the 2xx, over every transport.
        assert_eq!(drive(&mut tx, 60_000), [(32_100, Action::Terminated)]);
    }
}
