//! The non-INVITE server transaction (RFC 3261 section 17.2.2, figure 8).

use super::{Action, Phase, Time, Timers};
use crate::message::Message;

/// A non-INVITE request we received: retransmissions get the TU's latest response again (or
/// nothing before it has one), and Timer J keeps the final one for them over UDP.
#[derive(Debug, Clone)]
pub struct ServerNonInvite<T> {
    timers: Timers,
    reliable: bool,
    state: State<T>,
}

#[derive(Debug, Clone)]
enum State<T> {
    Trying,
    Proceeding { last: Message },
    Completed { response: Message, timer_j: T },
    Terminated,
}

impl<T: Time> ServerNonInvite<T> {
    /// Starts the transaction for a request received now; it sends nothing by itself.
    pub fn new(reliable: bool, timers: Timers) -> Self {
        ServerNonInvite {
            timers,
            reliable,
            state: State::Trying,
        }
    }

    /// Where it stands.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Trying => Phase::Trying,
            State::Proceeding { .. } => Phase::Proceeding,
            State::Completed { .. } => Phase::Completed,
            State::Terminated => Phase::Terminated,
        }
    }

    /// When `poll` is next needed.
    pub fn next_deadline(&self) -> Option<T> {
        match &self.state {
            State::Completed { timer_j, .. } => Some(*timer_j),
            _ => None,
        }
    }

    /// A retransmission of the request arrived.
    pub fn on_request(&mut self, _request: &Message, _now: T) -> Vec<Action> {
        match &self.state {
            State::Proceeding { last: r } | State::Completed { response: r, .. } => {
                vec![Action::Send(r.clone())]
            }
            State::Trying | State::Terminated => Vec::new(),
        }
    }

    /// The TU answers with `response`.
    pub fn respond(&mut self, response: Message, now: T) -> Vec<Action> {
        let Some(status) = response.status() else {
            return Vec::new();
        };
        if !matches!(self.state, State::Trying | State::Proceeding { .. }) {
            return Vec::new();
        }
        if status.is_provisional() {
            self.state = State::Proceeding {
                last: response.clone(),
            };
            return vec![Action::Send(response)];
        }
        if self.reliable {
            self.state = State::Terminated;
            return vec![Action::Send(response), Action::Terminated];
        }
        self.state = State::Completed {
            response: response.clone(),
            timer_j: now + self.timers.timer_j(false),
        };
        vec![Action::Send(response)]
    }

    /// Fires Timer J when due at `now`.
    pub fn poll(&mut self, now: T) -> Vec<Action> {
        match self.state {
            State::Completed { timer_j, .. } if timer_j <= now => {
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

    fn start(reliable: bool) -> ServerNonInvite<Duration> {
        ServerNonInvite::new(reliable, Timers::default())
    }

    #[test]
    fn a_retransmission_before_any_answer_is_absorbed_rfc3261_17_2_2() {
        let mut tx = start(false);
        assert!(tx.on_request(&msg(BYE), at(500)).is_empty());
        assert_eq!(tx.phase(), Phase::Trying);
        assert_eq!(tx.next_deadline(), None);
    }

    #[test]
    fn a_retransmission_gets_the_latest_response_again_rfc3261_17_2_2() {
        let mut tx = start(false);
        let trying = msg(&answer(BYE, "100 Trying", ""));
        tx.respond(trying.clone(), at(10));
        assert_eq!(tx.on_request(&msg(BYE), at(500)), [Action::Send(trying)]);
        let ok = msg(&answer(BYE, "200 OK", ""));
        assert_eq!(tx.respond(ok.clone(), at(600)), [Action::Send(ok.clone())]);
        assert_eq!(tx.on_request(&msg(BYE), at(1_500)), [Action::Send(ok)]);
    }

    #[test]
    fn timer_j_is_64_t1_over_udp_and_zero_over_tcp_rfc3261_17_2_2() {
        let ok = msg(&answer(BYE, "200 OK", ""));
        let mut udp = start(false);
        udp.respond(ok.clone(), at(1_000));
        assert_eq!(drive(&mut udp, 60_000), [(33_000, Action::Terminated)]);

        let mut tcp = start(true);
        assert_eq!(
            tcp.respond(ok.clone(), at(1_000)),
            [Action::Send(ok), Action::Terminated]
        );
    }
}
