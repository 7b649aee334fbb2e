//! The INVITE client transaction (RFC 3261 section 17.1.1, figure 5).

use super::{Action, Phase, Retransmit, Time, Timers, earliest};
use crate::message::{Message, StartLine};
use crate::types::{Method, header};

/// An INVITE we sent, until it is answered: repeated over UDP (Timer A, doubling without a
/// cap) while nothing came back, given up after Timer B. A failure is acknowledged here (the
/// ACK is part of this transaction, section 17.1.1.3); a 2xx is passed up and ends the
/// transaction, its ACK being the TU's (section 13.2.2.4).
#[derive(Debug, Clone)]
pub struct ClientInvite<T> {
    request: Message,
    timers: Timers,
    reliable: bool,
    state: State<T>,
}

#[derive(Debug, Clone)]
enum State<T> {
    Calling {
        timer_a: Option<Retransmit<T>>,
        timer_b: T,
    },
    Proceeding,
    Completed {
        ack: Message,
        timer_d: T,
    },
    Terminated,
}

impl<T: Time> ClientInvite<T> {
    /// Starts the transaction for `request` at `now`; the first action sends it.
    pub fn new(request: Message, reliable: bool, timers: Timers, now: T) -> (Self, Vec<Action>) {
        let state = State::Calling {
            timer_a: Retransmit::start(now, timers.t1, None, reliable),
            timer_b: now + timers.timeout(),
        };
        let send = vec![Action::Send(request.clone())];
        let tx = ClientInvite {
            request,
            timers,
            reliable,
            state,
        };
        (tx, send)
    }

    /// The INVITE this transaction sends.
    pub fn request(&self) -> &Message {
        &self.request
    }

    /// Where it stands.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Calling { .. } => Phase::Calling,
            State::Proceeding => Phase::Proceeding,
            State::Completed { .. } => Phase::Completed,
            State::Terminated => Phase::Terminated,
        }
    }

    /// When `poll` is next needed.
    pub fn next_deadline(&self) -> Option<T> {
        match &self.state {
            State::Calling { timer_a, timer_b } => {
                earliest([timer_a.map(|a| a.next), Some(*timer_b)])
            }
            State::Completed { timer_d, .. } => Some(*timer_d),
            State::Proceeding | State::Terminated => None,
        }
    }

    /// A response matching this transaction arrived.
    pub fn on_response(&mut self, response: Message, now: T) -> Vec<Action> {
        let Some(status) = response.status() else {
            return Vec::new();
        };
        match self.state {
            State::Calling { .. } | State::Proceeding if status.is_provisional() => {
                self.state = State::Proceeding;
                vec![Action::Deliver(response)]
            }
            State::Calling { .. } | State::Proceeding if status.is_success() => {
                self.state = State::Terminated;
                vec![Action::Deliver(response), Action::Terminated]
            }
            State::Calling { .. } | State::Proceeding => self.complete(response, now),
            // A retransmitted failure means our ACK was lost: send it again, tell nobody.
            State::Completed { ref ack, .. } if status.is_final() && !status.is_success() => {
                vec![Action::Send(ack.clone())]
            }
            State::Completed { .. } | State::Terminated => Vec::new(),
        }
    }

    /// A 300-699: acknowledged, passed up, and kept for Timer D to absorb retransmissions.
    fn complete(&mut self, response: Message, now: T) -> Vec<Action> {
        let ack = ack_for(&self.request, &response);
        let mut actions = vec![Action::Send(ack.clone()), Action::Deliver(response)];
        if self.reliable {
            self.state = State::Terminated;
            actions.push(Action::Terminated);
        } else {
            let timer_d = now + self.timers.timer_d(false);
            self.state = State::Completed { ack, timer_d };
        }
        actions
    }

    /// The transport could not send the request (section 17.1.1.2): the TU is told, as for a
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
            State::Calling { timer_b, .. } if *timer_b <= now => {
                self.state = State::Terminated;
                vec![Action::Timeout, Action::Terminated]
            }
            State::Calling {
                timer_a: Some(a), ..
            } => {
                if a.fire(now) {
                    vec![Action::Send(self.request.clone())]
                } else {
                    Vec::new()
                }
            }
            State::Completed { timer_d, .. } if *timer_d <= now => {
                self.state = State::Terminated;
                vec![Action::Terminated]
            }
            _ => Vec::new(),
        }
    }
}

/// The ACK for a failure (section 17.1.1.3): Request-URI, Call-ID, From, the top Via and the
/// Route headers of the INVITE, the To of the response (with its tag), and the INVITE's CSeq
/// number with the method ACK.
fn ack_for(invite: &Message, response: &Message) -> Message {
    let uri = invite.uri().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    if let Some(via) = super::top_via(invite) {
        headers.push((header::VIA.to_owned(), via.to_owned()));
    }
    let copy = |name: &'static str| {
        invite
            .headers_named(name)
            .map(move |v| (name.to_owned(), v.to_owned()))
    };
    headers.extend(copy(header::MAX_FORWARDS));
    headers.extend(copy(header::FROM));
    if let Some(to) = response.header(header::TO) {
        headers.push((header::TO.to_owned(), to.to_owned()));
    }
    headers.extend(copy(header::CALL_ID));
    if let Some((n, _)) = invite.cseq() {
        headers.push((header::CSEQ.to_owned(), format!("{n} {}", Method::Ack)));
    }
    headers.extend(copy(header::ROUTE));
    Message {
        start: StartLine::Request {
            method: Method::Ack.to_string(),
            uri,
        },
        headers,
        body: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support::*;

    fn start(reliable: bool) -> ClientInvite<std::time::Duration> {
        let (tx, first) = ClientInvite::new(msg(INVITE), reliable, Timers::default(), at(0));
        assert_eq!(first, [Action::Send(msg(INVITE))]);
        tx
    }

    #[test]
    fn over_udp_the_invite_is_repeated_by_timer_a_and_given_up_by_timer_b_rfc3261_17_1_1_2() {
        let mut tx = start(false);
        let log = drive(&mut tx, 40_000);
        // Timer A doubles without a cap: 0.5, 1, 2, 4, 8, 16 s apart.
        assert_eq!(sent_at(&log), [500, 1500, 3500, 7500, 15500, 31500]);
        assert_eq!(
            ended_at(&log),
            [(32_000, Action::Timeout), (32_000, Action::Terminated)]
        );
        assert_eq!(tx.phase(), Phase::Terminated);
    }

    #[test]
    fn over_tcp_the_invite_is_sent_once_and_still_times_out_rfc3261_17_1_1_2() {
        let mut tx = start(true);
        assert_eq!(tx.next_deadline(), Some(at(32_000)));
        let log = drive(&mut tx, 40_000);
        assert!(sent_at(&log).is_empty());
        assert_eq!(ended_at(&log)[0], (32_000, Action::Timeout));
    }

    #[test]
    fn a_provisional_stops_the_retransmissions_and_timer_b_rfc3261_17_1_1_2() {
        let mut tx = start(false);
        drive(&mut tx, 600);
        let ringing = msg(&answer(INVITE, "180 Ringing", ";tag=b1"));
        assert_eq!(
            tx.on_response(ringing.clone(), at(700)),
            [Action::Deliver(ringing)]
        );
        assert_eq!(tx.phase(), Phase::Proceeding);
        assert_eq!(tx.next_deadline(), None, "Proceeding waits on the TU alone");
        assert!(drive(&mut tx, 100_000).is_empty());
    }

    #[test]
    fn a_2xx_is_passed_up_and_ends_the_transaction_its_ack_being_the_tus_rfc3261_17_1_1_2() {
        let mut tx = start(false);
        let ok = msg(&answer(INVITE, "200 OK", ";tag=b1"));
        let actions = tx.on_response(ok.clone(), at(300));
        assert_eq!(actions, [Action::Deliver(ok), Action::Terminated]);
        assert!(
            !actions.iter().any(|a| matches!(a, Action::Send(_))),
            "no ACK from here"
        );
        assert_eq!(tx.next_deadline(), None);
    }

    #[test]
    fn a_failure_is_acknowledged_by_the_transaction_rfc3261_17_1_1_3() {
        let mut tx = start(false);
        let busy = msg(&answer(INVITE, "486 Busy Here", ";tag=b1"));
        let actions = tx.on_response(busy.clone(), at(800));
        let expected_ack = "ACK sip:201@acme.sip.test SIP/2.0\r\n\
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n\
            Max-Forwards: 70\r\n\
            From: <sip:202@acme.sip.test>;tag=a1\r\n\
            To: <sip:201@acme.sip.test>;tag=b1\r\n\
            Call-ID: c1@192.0.2.1\r\n\
            CSeq: 1 ACK\r\n\
            Route: <sip:p1.example;lr>\r\n\
            Content-Length: 0\r\n\r\n";
        assert_eq!(wire(&actions), [expected_ack]);
        assert_eq!(actions[1], Action::Deliver(busy.clone()));
        // The 486 again (our ACK was lost): the ACK again, nothing for the TU.
        let again = tx.on_response(busy, at(900));
        assert_eq!(wire(&again), [expected_ack]);
        assert_eq!(again.len(), 1);
    }

    #[test]
    fn timer_d_is_32_seconds_over_udp_and_zero_over_tcp_rfc3261_17_1_1_2() {
        let mut udp = start(false);
        let busy = msg(&answer(INVITE, "486 Busy Here", ";tag=b1"));
        udp.on_response(busy.clone(), at(1_000));
        assert_eq!(udp.phase(), Phase::Completed);
        assert_eq!(udp.next_deadline(), Some(at(33_000)));
        assert!(udp.poll(at(32_999)).is_empty());
        assert_eq!(udp.poll(at(33_000)), [Action::Terminated]);

        let mut tcp = start(true);
        let actions = tcp.on_response(busy, at(1_000));
        assert_eq!(actions.last(), Some(&Action::Terminated));
        assert_eq!(tcp.phase(), Phase::Terminated);
    }
}
