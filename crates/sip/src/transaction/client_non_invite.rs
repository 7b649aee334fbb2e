//! The non-INVITE client transaction (RFC 3261 section 17.1.2, figure 6): BYE, CANCEL,
//! NOTIFY, MESSAGE, REGISTER and the rest.

use super::{Action, Phase, Retransmit, Time, Timers, earliest};
use crate::message::Message;

/// A non-INVITE request we sent: repeated over UDP by Timer E (doubling up to T2, and every T2
/// once a provisional came) until a final answer, given up after Timer F; a final answer is
/// passed up and Timer K absorbs its retransmissions.
#[derive(Debug, Clone)]
pub struct ClientNonInvite<T> {
    request: Message,
    timers: Timers,
    reliable: bool,
    state: State<T>,
}

#[derive(Debug, Clone)]
enum State<T> {
    /// Trying (no provisional yet) or Proceeding: both repeat and both time out.
    Waiting {
        provisional: bool,
        timer_e: Option<Retransmit<T>>,
        timer_f: T,
    },
    Completed {
        timer_k: T,
    },
    Terminated,
}

impl<T: Time> ClientNonInvite<T> {
    /// Starts the transaction for `request` at `now`; the first action sends it.
    pub fn new(request: Message, reliable: bool, timers: Timers, now: T) -> (Self, Vec<Action>) {
        let state = State::Waiting {
            provisional: false,
            timer_e: Retransmit::start(now, timers.t1, Some(timers.t2), reliable),
            timer_f: now + timers.timeout(),
        };
        let send = vec![Action::Send(request.clone())];
        let tx = ClientNonInvite {
            request,
            timers,
            reliable,
            state,
        };
        (tx, send)
    }

    /// The request this transaction sends.
    pub fn request(&self) -> &Message {
        &self.request
    }

    /// Where it stands.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Waiting {
                provisional: false, ..
            } => Phase::Trying,
            State::Waiting { .. } => Phase::Proceeding,
            State::Completed { .. } => Phase::Completed,
            State::Terminated => Phase::Terminated,
        }
    }

    /// When `poll` is next needed.
    pub fn next_deadline(&self) -> Option<T> {
        match &self.state {
            State::Waiting {
                timer_e, timer_f, ..
            } => earliest([timer_e.map(|e| e.next), Some(*timer_f)]),
            State::Completed { timer_k } => Some(*timer_k),
            State::Terminated => None,
        }
    }

    /// A response matching this transaction arrived.
    pub fn on_response(&mut self, response: Message, now: T) -> Vec<Action> {
        let Some(status) = response.status() else {
            return Vec::new();
        };
        let State::Waiting {
            provisional,
            timer_e,
            ..
        } = &mut self.state
        else {
            // Completed: a retransmitted final answer, already passed up.
            return Vec::new();
        };
        if status.is_provisional() {
            if !*provisional {
                *provisional = true;
                // From Proceeding on, Timer E fires every T2 (section 17.1.2.2).
                if let Some(e) = timer_e {
                    e.cap = Some(self.timers.t2);
                    e.interval = self.timers.t2;
                }
            }
            return vec![Action::Deliver(response)];
        }
        let mut actions = vec![Action::Deliver(response)];
        if self.reliable {
            self.state = State::Terminated;
            actions.push(Action::Terminated);
        } else {
            let timer_k = now + self.timers.linger(false);
            self.state = State::Completed { timer_k };
        }
        actions
    }

    /// The transport could not send the request (section 17.1.2.2): the TU is told, as for a
    /// timeout.
    pub fn on_transport_error(&mut self) -> Vec<Action> {
        if matches!(self.state, State::Terminated) {
            return Vec::new();
        }
        self.state = State::Terminated;
        vec![Action::Timeout, Action::Terminated]
    }

    /// Fires whatever timers are due at `now`.
    pub fn poll(&mut self, now: T) -> Vec<Action> {
        match &mut self.state {
            State::Waiting { timer_f, .. } if *timer_f <= now => {
                self.state = State::Terminated;
                vec![Action::Timeout, Action::Terminated]
            }
            State::Waiting {
                timer_e: Some(e), ..
            } => {
                if e.fire(now) {
                    vec![Action::Send(self.request.clone())]
                } else {
                    Vec::new()
                }
            }
            State::Completed { timer_k } if *timer_k <= now => {
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

    fn start(reliable: bool) -> ClientNonInvite<Duration> {
        let (tx, first) = ClientNonInvite::new(msg(BYE), reliable, Timers::default(), at(0));
        assert_eq!(first, [Action::Send(msg(BYE))]);
        tx
    }

    #[test]
    fn over_udp_timer_e_doubles_up_to_t2_and_timer_f_gives_up_rfc3261_17_1_2_2() {
        let mut tx = start(false);
        let log = drive(&mut tx, 40_000);
        // 0.5, 1, 2, 4 s apart, then every T2 = 4 s.
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
    fn over_tcp_the_request_is_sent_once_and_still_times_out_rfc3261_17_1_2_2() {
        let mut tx = start(true);
        let log = drive(&mut tx, 40_000);
        assert!(sent_at(&log).is_empty());
        assert_eq!(ended_at(&log)[0], (32_000, Action::Timeout));
    }

    #[test]
    fn after_a_provisional_timer_e_fires_every_t2_rfc3261_17_1_2_2() {
        let mut tx = start(false);
        assert_eq!(sent_at(&drive(&mut tx, 1_000)), [500]);
        let trying = msg(&answer(BYE, "100 Trying", ""));
        assert_eq!(
            tx.on_response(trying.clone(), at(1_200)),
            [Action::Deliver(trying)]
        );
        assert_eq!(tx.phase(), Phase::Proceeding);
        let log = drive(&mut tx, 40_000);
        assert_eq!(&sent_at(&log)[..3], [1500, 5500, 9500]);
        assert_eq!(ended_at(&log)[0], (32_000, Action::Timeout));
    }

    #[test]
    fn a_final_answer_is_passed_up_once_and_timer_k_absorbs_its_copies_rfc3261_17_1_2_2() {
        let mut tx = start(false);
        let ok = msg(&answer(BYE, "200 OK", ""));
        assert_eq!(
            tx.on_response(ok.clone(), at(2_000)),
            [Action::Deliver(ok.clone())]
        );
        assert_eq!(tx.phase(), Phase::Completed);
        assert!(tx.on_response(ok.clone(), at(2_100)).is_empty());
        // Timer K is T4 = 5 s over UDP.
        assert_eq!(drive(&mut tx, 40_000), [(7_000, Action::Terminated)]);

        let mut tcp = start(true);
        assert_eq!(
            tcp.on_response(ok.clone(), at(2_000)),
            [Action::Deliver(ok), Action::Terminated]
        );
    }

    #[test]
    fn configured_timers_are_used() {
        let timers = Timers {
            t1: Duration::from_millis(100),
            t2: Duration::from_millis(300),
            ..Timers::default()
        };
        let (mut tx, _) = ClientNonInvite::new(msg(BYE), false, timers, at(0));
        let log = drive(&mut tx, 10_000);
        assert_eq!(&sent_at(&log)[..4], [100, 300, 600, 900]);
        assert_eq!(ended_at(&log)[0], (6_400, Action::Timeout));
    }
}
