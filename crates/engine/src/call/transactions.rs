//! A call's transactions (RFC 3261 section 17), sans-IO: every request the call sends on a leg
//! is a client transaction of `sb_sip::transaction` in one table, the caller's INVITE is a
//! server transaction, and each 2xx the call gives an INVITE is repeated until its ACK
//! (section 13.3.1.4) by `sb_sip::dialog::AwaitAck`. Fed the call's messages and the time, it
//! answers with [`Effect`]s: what to send, and what the call must do about an answer or a
//! timeout. It reads no clock and touches no socket, so its rules are tested with wire text and
//! instants the test makes.
//!
//! Over TCP and TLS nothing but our 2xx is repeated (sections 17.1.1.2 and 17.1.2.2: the
//! transport delivers); the timeouts still run.

use sb_sip::Message;
use sb_sip::dialog::{AckWait, AwaitAck};
use sb_sip::transaction::{
    Action, Incoming, Output, Phase, ServerInvite, Timers, TransactionKey, Transactions,
};
use sb_sip::types::Method;
use std::collections::HashMap;
use std::net::SocketAddr;
use tokio::time::Instant;

/// What a request of ours is for, so that its answer or its timeout reaches the right part of
/// the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Purpose {
    /// The INVITE of the B leg with this Call-ID.
    Fork(String),
    /// A request in a leg's dialog (BYE, CANCEL, or one passed on from the other leg:
    /// re-INVITE, UPDATE, INFO), by the leg's Call-ID and the request's CSeq number.
    Request(String, u32),
}

/// What the call must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Effect {
    /// Hand the message to the transport, towards the address.
    Send(Message, SocketAddr),
    /// A response to the INVITE of the B leg with this Call-ID, for the call to act on (a
    /// failure is already acknowledged by its transaction, section 17.1.1.3).
    Fork(String, Message),
    /// A response to another request of ours, or a 2xx to a re-INVITE repeated after its
    /// transaction ended (its ACK is the call's to send again, section 13.2.2.4).
    Response(Message),
    /// Timer B: the device of this B leg never answered its INVITE, which counts as a 408;
    /// `cancelled` when the call had cancelled it anyway.
    ForkGivenUp { call_id: String, cancelled: bool },
    /// Timer F (Timer B for a re-INVITE): no final answer came to the request with this
    /// Call-ID and CSeq number.
    RequestGivenUp(String, u32),
    /// A 2xx from a B leg the call had cancelled: the CANCEL lost the race (section 9.1), so
    /// the 2xx is acknowledged and the leg ended with a BYE.
    HangUp(String, Message),
    /// The 2xx of a B leg already hung up came again (our ACK was lost): acknowledge it
    /// again, nothing more.
    AckAgain(String, Message),
    /// Our 2xx to the caller's INVITE was never acknowledged (section 13.3.1.4): the call
    /// ends, with a BYE to the other side.
    CallerNeverAcked,
}

/// The latest INVITE of a B leg.
#[derive(Debug, Clone)]
struct ForkInvite {
    key: TransactionKey,
    cseq: u32,
    /// Until when a cancelled INVITE still waits for its final answer: 64 × T1 after the
    /// CANCEL (section 9.1), since a Proceeding INVITE transaction has no timer of its own.
    cancelled_until: Option<Instant>,
    cancelled: bool,
    /// Its 2xx came after its CANCEL and the leg was hung up.
    hung_up: bool,
}

/// The caller's INVITE, answered through its server transaction.
#[derive(Debug, Clone)]
struct Caller {
    tx: ServerInvite<Instant>,
    peer: SocketAddr,
    call_id: String,
    cseq: u32,
}

/// A 2xx of ours waiting for its ACK.
#[derive(Debug, Clone)]
struct Unacked {
    wait: AwaitAck<Instant>,
    peer: SocketAddr,
    /// The answer to the caller's first INVITE (its loss ends the call).
    caller: bool,
}

/// Every transaction of one call.
#[derive(Debug, Clone)]
pub(super) struct CallTransactions {
    timers: Timers,
    table: Transactions<Instant>,
    purposes: HashMap<TransactionKey, Purpose>,
    forks: HashMap<String, ForkInvite>,
    caller: Option<Caller>,
    unacked: Vec<Unacked>,
}

impl CallTransactions {
    /// The transactions of a call that starts with the caller's `invite` from `peer`, answered
    /// at once with `trying` (so its server transaction sends no 100 of its own).
    pub(super) fn new(
        timers: Timers,
        invite: &Message,
        peer: SocketAddr,
        reliable: bool,
        now: Instant,
    ) -> Self {
        let cseq = invite.cseq().map_or(0, |(n, _)| n);
        let call_id = invite.header("call-id").unwrap_or_default().to_owned();
        CallTransactions {
            timers,
            table: Transactions::new(timers),
            purposes: HashMap::new(),
            forks: HashMap::new(),
            caller: Some(Caller {
                tx: ServerInvite::new(invite, reliable, timers, now),
                peer,
                call_id,
                cseq,
            }),
            unacked: Vec::new(),
        }
    }

    /// Our `response` to the caller's INVITE; a 2xx is then repeated until its ACK.
    pub(super) fn answer_caller(&mut self, response: Message, now: Instant) -> Vec<Effect> {
        let Some(caller) = self.caller.as_mut() else {
            return Vec::new();
        };
        let peer = caller.peer;
        let success = response.status().is_some_and(|s| s.is_success());
        let actions = caller.tx.respond(response.clone(), now);
        if success {
            self.await_ack(response, peer, true, now);
        }
        sends(actions, peer)
    }

    /// The caller's INVITE came again: our last answer to it goes again (none after a 2xx,
    /// which repeats on its own timer, RFC 6026 section 7.1).
    pub(super) fn caller_invite_again(&mut self, invite: &Message, now: Instant) -> Vec<Effect> {
        match self.caller.as_mut() {
            Some(c) => sends(c.tx.on_request(invite, now), c.peer),
            None => Vec::new(),
        }
    }

    /// Our 2xx `response` to an INVITE from `peer`, just sent: repeated until its ACK, over
    /// every transport (the ACK is end to end, section 13.3.1.4).
    pub(super) fn await_ack(
        &mut self,
        response: Message,
        peer: SocketAddr,
        caller: bool,
        now: Instant,
    ) {
        let wait = AwaitAck::new(response, self.timers, now);
        self.unacked
            .retain(|u| !same_answer(u.wait.response(), &wait));
        self.unacked.push(Unacked { wait, peer, caller });
    }

    /// An ACK from either leg: it stops the 2xx it acknowledges, and an ACK for a failure we
    /// gave the caller ends that failure's repetitions (section 17.2.1).
    pub(super) fn ack(&mut self, ack: &Message, now: Instant) {
        self.unacked.retain(|u| !u.wait.acknowledged_by(ack));
        let number = ack.cseq().map(|(n, _)| n);
        if let Some(c) = self.caller.as_mut()
            && number == Some(c.cseq)
            && ack.header("call-id") == Some(c.call_id.as_str())
        {
            c.tx.on_request(ack, now);
        }
    }

    /// Starts a client transaction for `request` to `peer`; the steps send its first copy.
    pub(super) fn send(
        &mut self,
        request: Message,
        peer: SocketAddr,
        reliable: bool,
        purpose: Purpose,
        now: Instant,
    ) -> Vec<Effect> {
        match self.table.send(request.clone(), peer, reliable, now) {
            Ok((key, outputs)) => {
                if let Purpose::Fork(call_id) = &purpose {
                    let cseq = request.cseq().map_or(0, |(n, _)| n);
                    self.forks.insert(
                        call_id.clone(),
                        ForkInvite {
                            key: key.clone(),
                            cseq,
                            cancelled_until: None,
                            cancelled: false,
                            hung_up: false,
                        },
                    );
                }
                self.purposes.insert(key, purpose);
                self.settle(outputs)
            }
            Err(e) => {
                // Our requests always carry a fresh branch; should one not, it still goes once.
                tracing::warn!(error = %e, "a call's request sent outside any transaction");
                vec![Effect::Send(request, peer)]
            }
        }
    }

    /// Sends `cancel` for the INVITE of the B leg `call_id` (section 9.1). The INVITE's own
    /// transaction goes on to its final answer (a 487, or a 2xx that won the race), for at most
    /// 64 × T1 more.
    pub(super) fn cancel(
        &mut self,
        call_id: &str,
        cancel: Message,
        peer: SocketAddr,
        reliable: bool,
        now: Instant,
    ) -> Vec<Effect> {
        if let Some(f) = self.forks.get_mut(call_id) {
            f.cancelled = true;
            f.cancelled_until = Some(now + self.timers.timeout());
        }
        let cseq = cancel.cseq().map_or(0, |(n, _)| n);
        let purpose = Purpose::Request(call_id.to_owned(), cseq);
        self.send(cancel, peer, reliable, purpose, now)
    }

    /// A response from `peer`.
    pub(super) fn receive(
        &mut self,
        response: Message,
        peer: SocketAddr,
        now: Instant,
    ) -> Vec<Effect> {
        match self.table.receive(response, peer, false, now) {
            Incoming::Matched(outputs) => self.settle(outputs),
            Incoming::Stray(m) => self.stray(m),
            // Only responses are fed here: no server transaction is made.
            Incoming::Request { .. } => Vec::new(),
        }
    }

    /// Fires every timer due at `now`.
    pub(super) fn poll(&mut self, now: Instant) -> Vec<Effect> {
        let outputs = self.table.poll(now);
        let mut steps = self.settle(outputs);
        if let Some(c) = self.caller.as_mut() {
            let actions = c.tx.poll(now);
            let over = actions.contains(&Action::Terminated);
            steps.extend(sends(actions, c.peer));
            if over {
                self.caller = None;
            }
        }
        let mut given_up = false;
        for u in &mut self.unacked {
            match u.wait.poll(now) {
                AckWait::Resend(m) => steps.push(Effect::Send(m, u.peer)),
                AckWait::GiveUp => {
                    given_up = true;
                    if u.caller {
                        steps.push(Effect::CallerNeverAcked);
                    }
                }
                AckWait::Nothing => {}
            }
        }
        if given_up {
            self.unacked.retain(|u| u.wait.next_deadline() > now);
        }
        for f in self.forks.values_mut() {
            if f.cancelled_until.is_some_and(|t| t <= now) {
                f.cancelled_until = None;
            }
        }
        steps
    }

    /// When [`Self::poll`] is next needed.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        let caller = self.caller.as_ref().and_then(|c| c.tx.next_deadline());
        let unacked = self.unacked.iter().map(|u| u.wait.next_deadline()).min();
        let cancelled = self.forks.values().filter_map(|f| f.cancelled_until).min();
        [self.table.next_deadline(), caller, unacked, cancelled]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whether the far side still owes an answer or an ACK the call must wait for before it
    /// may end: a request not finally answered (a cancelled INVITE for at most 64 × T1, a
    /// ringing one not at all), a 2xx not acknowledged, a failure to the caller not
    /// acknowledged. Transactions that only absorb copies (Timers D, I, K, L) do not hold it.
    pub(super) fn busy(&self) -> bool {
        if !self.unacked.is_empty() {
            return true;
        }
        if self
            .caller
            .as_ref()
            .is_some_and(|c| c.tx.phase() == Phase::Completed)
        {
            return true;
        }
        self.purposes.iter().any(|(key, purpose)| {
            let Some(phase) = self.table.phase(key) else {
                return false;
            };
            match (phase, purpose) {
                (Phase::Calling | Phase::Trying, _) => true,
                (Phase::Proceeding, _) if key.method != Method::Invite => true,
                (Phase::Proceeding, Purpose::Fork(id)) => self
                    .forks
                    .get(id)
                    .is_some_and(|f| f.key == *key && f.cancelled_until.is_some()),
                _ => false,
            }
        })
    }

    /// What the transactions' outputs mean for the call.
    fn settle(&mut self, outputs: Vec<Output>) -> Vec<Effect> {
        let mut steps = Vec::new();
        for Output { key, peer, action } in outputs {
            match action {
                Action::Send(m) => steps.push(Effect::Send(m, peer)),
                Action::Deliver(m) => steps.push(self.delivered(&key, m)),
                Action::Timeout => steps.extend(self.timed_out(&key)),
                Action::Terminated => {
                    self.purposes.remove(&key);
                }
            }
        }
        steps
    }

    /// A response a transaction passes up.
    fn delivered(&mut self, key: &TransactionKey, m: Message) -> Effect {
        let Some(Purpose::Fork(call_id)) = self.purposes.get(key) else {
            return Effect::Response(m);
        };
        let call_id = call_id.clone();
        let success = m.status().is_some_and(|s| s.is_success());
        match self.forks.get_mut(&call_id) {
            Some(f) if success && f.cancelled => {
                f.hung_up = true;
                f.cancelled_until = None;
                Effect::HangUp(call_id, m)
            }
            Some(f) => {
                if m.status().is_some_and(|s| s.is_final()) {
                    f.cancelled_until = None;
                }
                Effect::Fork(call_id, m)
            }
            None => Effect::Fork(call_id, m),
        }
    }

    /// A transaction's Timer B or F ran out.
    fn timed_out(&mut self, key: &TransactionKey) -> Option<Effect> {
        match self.purposes.get(key)? {
            Purpose::Fork(call_id) => {
                let cancelled = self.forks.get(call_id).is_some_and(|f| f.cancelled);
                Some(Effect::ForkGivenUp {
                    call_id: call_id.clone(),
                    cancelled,
                })
            }
            Purpose::Request(call_id, n) => Some(Effect::RequestGivenUp(call_id.clone(), *n)),
        }
    }

    /// A response no transaction took. Only a 2xx to an INVITE matters (its ACK is the TU's,
    /// section 13.2.2.4): another copy of a B leg's answer, or of a re-INVITE's. Anything else
    /// is a copy its transaction already absorbed and forgot, or a response to nothing of ours.
    fn stray(&mut self, m: Message) -> Vec<Effect> {
        let invite_2xx = m.status().is_some_and(|s| s.is_success())
            && m.cseq_typed()
                .is_some_and(|(_, meth)| meth == Method::Invite);
        if !invite_2xx {
            return Vec::new();
        }
        let number = m.cseq().map(|(n, _)| n);
        let call_id = m.header("call-id").unwrap_or_default().to_owned();
        match self.forks.get(&call_id) {
            Some(f) if Some(f.cseq) == number && f.hung_up => vec![Effect::AckAgain(call_id, m)],
            Some(f) if Some(f.cseq) == number => vec![Effect::Fork(call_id, m)],
            _ => vec![Effect::Response(m)],
        }
    }
}

/// The `Send`s among a server transaction's actions, towards its peer.
fn sends(actions: Vec<Action>, peer: SocketAddr) -> Vec<Effect> {
    actions
        .into_iter()
        .filter_map(|a| match a {
            Action::Send(m) => Some(Effect::Send(m, peer)),
            _ => None,
        })
        .collect()
}

/// Whether two 2xx answer the same INVITE (Call-ID and CSeq number).
fn same_answer(a: &Message, b: &AwaitAck<Instant>) -> bool {
    let other = b.response();
    a.header("call-id") == other.header("call-id")
        && a.cseq().map(|(n, _)| n) == other.cseq().map(|(n, _)| n)
}

#[cfg(test)]
mod tests;
