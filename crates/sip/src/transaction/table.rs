//! The transactions of an engine (or of one call) in one table, so incoming messages find
//! their transaction by key and the engine sleeps until the earliest timer.

use super::{
    Action, ClientInvite, ClientNonInvite, Phase, Role, ServerInvite, ServerNonInvite, Time,
    Timers, TransactionKey,
};
use crate::message::Message;
use crate::types::Method;
use std::collections::HashMap;
use std::net::SocketAddr;

/// One action of one transaction, with where a `Send` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub key: TransactionKey,
    pub peer: SocketAddr,
    pub action: Action,
}

/// What became of a received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A new request: a server transaction now exists under `key`, and the TU answers through
    /// [`Transactions::respond`]. For a CANCEL, `cancels` is the INVITE server transaction it
    /// matches (section 9.2), when there still is one; without it the TU answers 481.
    Request {
        key: TransactionKey,
        request: Message,
        cancels: Option<TransactionKey>,
    },
    /// It belonged to a transaction: a retransmission answered or absorbed (a copy of an
    /// INVITE we said 2xx to among them), an ACK for a failure, or what the TU must see, as
    /// [`Action::Deliver`]: a response, or an ACK for our 2xx that reused the INVITE's branch.
    Matched(Vec<Output>),
    /// No transaction and none made: an ACK for a 2xx (section 13.2.2.4 makes it the TU's), a
    /// 2xx after its INVITE transaction ended (another fork's, or a retransmission whose ACK was
    /// lost), a response to nothing we sent, or a message without an RFC 3261 branch.
    Stray(Message),
}

/// Why the table refused a request of the TU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the request has no RFC 3261 branch in its top Via")]
    NoBranch,
    #[error("an ACK is sent outside any transaction")]
    Ack,
    #[error("a transaction with this key is already running")]
    Exists,
    #[error("no such transaction")]
    Unknown,
}

#[derive(Debug, Clone)]
#[expect(
    clippy::enum_variant_names,
    reason = "the four machines of RFC 3261 figures 5 to 8 go by these names"
)]
enum Transaction<T> {
    ClientInvite(ClientInvite<T>),
    ClientNonInvite(ClientNonInvite<T>),
    ServerInvite(ServerInvite<T>),
    ServerNonInvite(ServerNonInvite<T>),
}

impl<T: Time> Transaction<T> {
    fn next_deadline(&self) -> Option<T> {
        match self {
            Transaction::ClientInvite(t) => t.next_deadline(),
            Transaction::ClientNonInvite(t) => t.next_deadline(),
            Transaction::ServerInvite(t) => t.next_deadline(),
            Transaction::ServerNonInvite(t) => t.next_deadline(),
        }
    }

    fn poll(&mut self, now: T) -> Vec<Action> {
        match self {
            Transaction::ClientInvite(t) => t.poll(now),
            Transaction::ClientNonInvite(t) => t.poll(now),
            Transaction::ServerInvite(t) => t.poll(now),
            Transaction::ServerNonInvite(t) => t.poll(now),
        }
    }

    fn phase(&self) -> Phase {
        match self {
            Transaction::ClientInvite(t) => t.phase(),
            Transaction::ClientNonInvite(t) => t.phase(),
            Transaction::ServerInvite(t) => t.phase(),
            Transaction::ServerNonInvite(t) => t.phase(),
        }
    }

    /// A message for this transaction from the network.
    fn on_message(&mut self, m: Message, now: T) -> Vec<Action> {
        match self {
            Transaction::ClientInvite(t) => t.on_response(m, now),
            Transaction::ClientNonInvite(t) => t.on_response(m, now),
            Transaction::ServerInvite(t) => t.on_request(&m, now),
            Transaction::ServerNonInvite(t) => t.on_request(&m, now),
        }
    }
}

#[derive(Debug, Clone)]
struct Entry<T> {
    peer: SocketAddr,
    tx: Transaction<T>,
}

/// Transactions by key, each with the peer it talks to.
#[derive(Debug, Clone)]
pub struct Transactions<T> {
    timers: Timers,
    entries: HashMap<TransactionKey, Entry<T>>,
}

impl<T: Time> Transactions<T> {
    /// An empty table whose transactions use `timers`.
    pub fn new(timers: Timers) -> Self {
        Transactions {
            timers,
            entries: HashMap::new(),
        }
    }

    /// How many transactions are running.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where the transaction `key` stands, if it is running.
    pub fn phase(&self, key: &TransactionKey) -> Option<Phase> {
        self.entries.get(key).map(|e| e.tx.phase())
    }

    /// The earliest time a transaction needs `poll`: the engine sleeps until then (or until a
    /// message comes).
    pub fn next_deadline(&self) -> Option<T> {
        self.entries
            .values()
            .filter_map(|e| e.tx.next_deadline())
            .min()
    }

    /// Starts a client transaction for `request` to `peer`; its first output sends it.
    pub fn send(
        &mut self,
        request: Message,
        peer: SocketAddr,
        reliable: bool,
        now: T,
    ) -> Result<(TransactionKey, Vec<Output>), Refused> {
        let key = TransactionKey::of_sent_request(&request).ok_or(Refused::NoBranch)?;
        if key.method == Method::Ack {
            return Err(Refused::Ack);
        }
        if self.entries.contains_key(&key) {
            return Err(Refused::Exists);
        }
        let (tx, actions) = if key.method == Method::Invite {
            let (t, a) = ClientInvite::new(request, reliable, self.timers, now);
            (Transaction::ClientInvite(t), a)
        } else {
            let (t, a) = ClientNonInvite::new(request, reliable, self.timers, now);
            (Transaction::ClientNonInvite(t), a)
        };
        self.entries.insert(key.clone(), Entry { peer, tx });
        let outputs = self.settle(&key, peer, actions);
        Ok((key, outputs))
    }

    /// A message from `peer`, over a `reliable` transport or not, at `now`.
    pub fn receive(&mut self, m: Message, peer: SocketAddr, reliable: bool, now: T) -> Incoming {
        let key = if m.method().is_some() {
            TransactionKey::of_received_request(&m)
        } else {
            TransactionKey::of_response(&m)
        };
        let Some(key) = key else {
            return Incoming::Stray(m);
        };
        if let Some(entry) = self.entries.get_mut(&key) {
            let peer = entry.peer;
            let actions = entry.tx.on_message(m, now);
            return Incoming::Matched(self.settle(&key, peer, actions));
        }
        if key.role == Role::Client || m.method_typed() == Some(Method::Ack) {
            return Incoming::Stray(m);
        }
        self.serve(key, m, peer, reliable, now)
    }

    /// A new request: its server transaction is made.
    fn serve(
        &mut self,
        key: TransactionKey,
        request: Message,
        peer: SocketAddr,
        reliable: bool,
        now: T,
    ) -> Incoming {
        let tx = if key.method == Method::Invite {
            Transaction::ServerInvite(ServerInvite::new(&request, reliable, self.timers, now))
        } else {
            Transaction::ServerNonInvite(ServerNonInvite::new(reliable, self.timers))
        };
        self.entries.insert(key.clone(), Entry { peer, tx });
        let cancels = key
            .cancelled_invite()
            .filter(|k| self.entries.contains_key(k));
        Incoming::Request {
            key,
            request,
            cancels,
        }
    }

    /// The TU's response to the server transaction `key`.
    pub fn respond(
        &mut self,
        key: &TransactionKey,
        response: Message,
        now: T,
    ) -> Result<Vec<Output>, Refused> {
        let entry = self.entries.get_mut(key).ok_or(Refused::Unknown)?;
        let peer = entry.peer;
        let actions = match &mut entry.tx {
            Transaction::ServerInvite(t) => t.respond(response, now),
            Transaction::ServerNonInvite(t) => t.respond(response, now),
            _ => return Err(Refused::Unknown),
        };
        Ok(self.settle(key, peer, actions))
    }

    /// The transport failed to reach the peer of client transaction `key` (sections 17.1.1.2
    /// and 17.1.2.2).
    pub fn transport_error(&mut self, key: &TransactionKey) -> Vec<Output> {
        let Some(entry) = self.entries.get_mut(key) else {
            return Vec::new();
        };
        let peer = entry.peer;
        let actions = match &mut entry.tx {
            Transaction::ClientInvite(t) => t.on_transport_error(),
            Transaction::ClientNonInvite(t) => t.on_transport_error(),
            _ => Vec::new(),
        };
        self.settle(key, peer, actions)
    }

    /// Fires every timer due at `now`.
    pub fn poll(&mut self, now: T) -> Vec<Output> {
        // Earliest first, so what goes out keeps the order the timers ran out in.
        let mut due: Vec<(T, TransactionKey)> = self
            .entries
            .iter()
            .filter_map(|(k, e)| Some((e.tx.next_deadline()?, k.clone())))
            .filter(|(d, _)| *d <= now)
            .collect();
        due.sort_by_key(|(deadline, _)| *deadline);
        let mut outputs = Vec::new();
        for (_, key) in due {
            if let Some(entry) = self.entries.get_mut(&key) {
                let peer = entry.peer;
                let actions = entry.tx.poll(now);
                outputs.extend(self.settle(&key, peer, actions));
            }
        }
        outputs
    }

    /// Labels `actions` with their transaction and forgets a terminated one.
    fn settle(
        &mut self,
        key: &TransactionKey,
        peer: SocketAddr,
        actions: Vec<Action>,
    ) -> Vec<Output> {
        if actions.contains(&Action::Terminated) {
            self.entries.remove(key);
        }
        actions
            .into_iter()
            .map(|action| Output {
                key: key.clone(),
                peer,
                action,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::test_support::*;
    use std::time::Duration;

    const PHONE: &str = "192.0.2.1:5060";

    fn table() -> Transactions<Duration> {
        Transactions::new(Timers::default())
    }

    fn peer() -> SocketAddr {
        PHONE.parse().unwrap()
    }

    fn cancel() -> String {
        INVITE
            .replacen("INVITE sip:", "CANCEL sip:", 1)
            .replace("CSeq: 1 INVITE", "CSeq: 1 CANCEL")
    }

    fn new_key(incoming: Incoming) -> (TransactionKey, Option<TransactionKey>) {
        match incoming {
            Incoming::Request { key, cancels, .. } => (key, cancels),
            other => panic!("not a new request: {other:?}"),
        }
    }

    fn actions(outputs: &[Output]) -> Vec<Action> {
        outputs.iter().map(|o| o.action.clone()).collect()
    }

    #[test]
    fn a_cancel_finds_the_invite_server_transaction_it_cancels_rfc3261_9_2() {
        let mut t = table();
        let (invite, none) = new_key(t.receive(msg(INVITE), peer(), false, at(0)));
        assert_eq!(none, None);
        let (cancel_key, cancels) = new_key(t.receive(msg(&cancel()), peer(), false, at(100)));
        assert_eq!(cancels, Some(invite.clone()));
        assert_ne!(
            cancel_key, invite,
            "the CANCEL has a transaction of its own"
        );
        let ok = t.respond(
            &cancel_key,
            msg(&answer(&cancel(), "200 OK", ";tag=b1")),
            at(100),
        );
        assert_eq!(wire(&actions(&ok.unwrap())).len(), 1);
        let terminated = t.respond(
            &invite,
            msg(&answer(INVITE, "487 Request Terminated", ";tag=b1")),
            at(100),
        );
        assert_eq!(terminated.unwrap()[0].peer, peer());
        assert_eq!(t.phase(&invite), Some(Phase::Completed));

        // A CANCEL for an INVITE no longer known gets no match: the TU answers it 481.
        let mut empty = table();
        assert_eq!(
            new_key(empty.receive(msg(&cancel()), peer(), false, at(0))).1,
            None
        );
    }

    #[test]
    fn a_retransmitted_invite_gets_the_last_response_through_the_table_rfc3261_17_2_1() {
        let mut t = table();
        let (invite, _) = new_key(t.receive(msg(INVITE), peer(), false, at(0)));
        let ringing = answer(INVITE, "180 Ringing", ";tag=b1");
        t.respond(&invite, msg(&ringing), at(10)).unwrap();
        let Incoming::Matched(out) = t.receive(msg(INVITE), peer(), false, at(600)) else {
            panic!("the retransmission was taken for a new request");
        };
        assert_eq!(wire(&actions(&out)), [ringing]);
        assert_eq!(out[0].peer, peer());
    }

    #[test]
    fn a_copy_of_an_invite_we_said_2xx_to_is_not_a_new_request_rfc6026_7_1() {
        let mut t = table();
        let (invite, _) = new_key(t.receive(msg(INVITE), peer(), false, at(0)));
        let ok = msg(&answer(INVITE, "200 OK", ";tag=b1"));
        t.respond(&invite, ok, at(50)).unwrap();
        let copy = t.receive(msg(INVITE), peer(), false, at(500));
        assert_eq!(copy, Incoming::Matched(Vec::new()));
        assert_eq!(actions(&t.poll(at(32_050))), [Action::Terminated]);
        assert!(t.is_empty());
    }

    #[test]
    fn responses_reach_their_client_transaction_and_a_later_2xx_is_the_tus_rfc3261_17_1_3() {
        let mut t = table();
        let (key, first) = t.send(msg(INVITE), peer(), false, at(0)).unwrap();
        assert_eq!(actions(&first), [Action::Send(msg(INVITE))]);
        let ringing = msg(&answer(INVITE, "180 Ringing", ";tag=b1"));
        let Incoming::Matched(out) = t.receive(ringing.clone(), peer(), false, at(100)) else {
            panic!("the 180 matched nothing");
        };
        assert_eq!(actions(&out), [Action::Deliver(ringing)]);
        let ok = msg(&answer(INVITE, "200 OK", ";tag=b1"));
        let Incoming::Matched(out) = t.receive(ok.clone(), peer(), false, at(200)) else {
            panic!("the 200 matched nothing");
        };
        assert_eq!(actions(&out), [Action::Deliver(ok), Action::Terminated]);
        assert!(t.is_empty() && t.phase(&key).is_none());
        // Another fork's 200 after the transaction ended goes to the TU as it is (13.2.2.4).
        let other = msg(&answer(INVITE, "200 OK", ";tag=b2"));
        assert_eq!(
            t.receive(other.clone(), peer(), false, at(300)),
            Incoming::Stray(other)
        );
    }

    #[test]
    fn an_ack_for_a_failure_is_absorbed_and_one_for_a_2xx_is_the_tus_rfc3261_17_2_3() {
        let ack = |branch: &str| {
            msg(&INVITE
                .replacen("INVITE sip:", "ACK sip:", 1)
                .replace("CSeq: 1 INVITE", "CSeq: 1 ACK")
                .replace("z9hG4bKinv1", branch))
        };
        let mut t = table();
        let (invite, _) = new_key(t.receive(msg(INVITE), peer(), false, at(0)));
        t.respond(
            &invite,
            msg(&answer(INVITE, "486 Busy Here", ";tag=b1")),
            at(0),
        )
        .unwrap();
        assert_eq!(
            t.receive(ack("z9hG4bKinv1"), peer(), false, at(100)),
            Incoming::Matched(Vec::new())
        );
        assert_eq!(t.phase(&invite), Some(Phase::Confirmed));
        // The ACK for a 2xx is a transaction of its own (a new branch), with none to match.
        let for_2xx = ack("z9hG4bKack2");
        assert_eq!(
            t.receive(for_2xx.clone(), peer(), false, at(100)),
            Incoming::Stray(for_2xx)
        );
    }

    #[test]
    fn the_table_sleeps_until_its_earliest_timer_and_forgets_ended_transactions() {
        let mut t = table();
        t.send(msg(INVITE), peer(), false, at(0)).unwrap();
        t.send(msg(BYE), peer(), true, at(100)).unwrap();
        let served = INVITE.replace("z9hG4bKinv1", "z9hG4bKin2");
        t.receive(msg(&served), peer(), false, at(150));
        // The 100 Trying (150 + 200 ms) comes before Timer A (500 ms); the BYE over TCP only
        // has Timer F.
        assert_eq!(t.next_deadline(), Some(at(350)));
        assert_eq!(t.poll(at(350)).len(), 1);
        assert_eq!(t.next_deadline(), Some(at(500)));
        assert_eq!(actions(&t.poll(at(500))), [Action::Send(msg(INVITE))]);
        let ended = t.poll(at(40_000));
        let timeouts = ended.iter().filter(|o| o.action == Action::Timeout).count();
        assert_eq!(timeouts, 2, "Timer B for the INVITE, Timer F for the BYE");
        assert_eq!(t.len(), 1, "the served INVITE waits for its TU");
    }

    #[test]
    fn what_cannot_be_a_client_transaction_is_refused() {
        let mut t = table();
        let ack = INVITE.replacen("INVITE sip:", "ACK sip:", 1);
        assert_eq!(
            t.send(msg(&ack), peer(), false, at(0)).err(),
            Some(Refused::Ack)
        );
        let old = INVITE.replace("branch=z9hG4bKinv1", "branch=1");
        assert_eq!(
            t.send(msg(&old), peer(), false, at(0)).err(),
            Some(Refused::NoBranch)
        );
        t.send(msg(INVITE), peer(), false, at(0)).unwrap();
        assert_eq!(
            t.send(msg(INVITE), peer(), false, at(0)).err(),
            Some(Refused::Exists)
        );
        let (key, _) = t.send(msg(BYE), peer(), false, at(0)).unwrap();
        let ok = msg(&answer(BYE, "200 OK", ""));
        assert_eq!(t.respond(&key, ok, at(0)).err(), Some(Refused::Unknown));
    }
}
