//! Requests the engine sends outside calls (NOTIFYs for lamps, MESSAGEs to phones, REGISTERs to
//! carriers), each as a non-INVITE client transaction of `sb_sip::transaction` (RFC 3261
//! section 17.1.2) run on tokio's clock: repeated over UDP by Timer E until a final answer, never
//! repeated over TCP or TLS, given up after Timer F. Their answers are found by transaction key
//! (branch and method), so they need no Call-ID of their own in the engine's call map.

use crate::ports::Signalling;
use parking_lot::Mutex;
use sb_sip::message::Message;
use sb_sip::transaction::{Action, ClientNonInvite, Timers, TransactionKey};
use std::collections::HashMap;
use std::net::SocketAddr;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What sending our own requests asks: the transports, and the table their answers are found in.
pub(crate) trait Client: Signalling {
    fn pending(&self) -> &Pending;
}

impl Client for crate::Engine {
    fn pending(&self) -> &Pending {
        &self.pending
    }
}

/// Our requests waiting for their final answer, by transaction key.
#[derive(Default)]
pub(crate) struct Pending(Mutex<HashMap<TransactionKey, mpsc::UnboundedSender<Message>>>);

impl Pending {
    /// Passes a response to the transaction waiting for it; false when none is (a stray, or a
    /// retransmission of an answer already taken: Timer K's absorbing, done by forgetting).
    pub(crate) fn answer(&self, response: &Message) -> bool {
        let Some(key) = TransactionKey::of_response(response) else {
            return false;
        };
        let waiting = self.0.lock().get(&key).cloned();
        waiting.is_some_and(|tx| tx.send(response.clone()).is_ok())
    }

    fn add(&self, key: TransactionKey) -> mpsc::UnboundedReceiver<Message> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.0.lock().insert(key, tx);
        rx
    }

    fn remove(&self, key: &TransactionKey) {
        self.0.lock().remove(key);
    }
}

/// A request on its way: its first copy sent, its answer still to come. [`Started::answer`]
/// must be awaited, or the request stays listed until an answer to it arrives.
pub(crate) struct Started {
    key: TransactionKey,
    rx: mpsc::UnboundedReceiver<Message>,
    tx: ClientNonInvite<Instant>,
    to: SocketAddr,
    /// Set when the first copy already ended it (a transport that refused it).
    over: Option<Option<Message>>,
}

/// Sends the first copy of `request` to `to` before returning, so requests started one after
/// another leave in that order (NOTIFYs in CSeq order); `None` when it has no Via branch.
pub(crate) async fn start<C: Client>(
    engine: &C,
    request: Message,
    to: SocketAddr,
) -> Option<Started> {
    let key = TransactionKey::of_sent_request(&request)?;
    let rx = engine.pending().add(key.clone());
    let reliable = engine.on_stream(to);
    let (tx, first) = ClientNonInvite::new(request, reliable, Timers::default(), Instant::now());
    let over = run(engine, first, to).await;
    Some(Started {
        key,
        rx,
        tx,
        to,
        over,
    })
}

impl Started {
    /// Waits for the final answer; `None` when none came in time (the caller treats it as a
    /// 408), the transaction repeating the request meanwhile where the transport needs it.
    pub(crate) async fn answer<C: Client>(mut self, engine: &C) -> Option<Message> {
        let mut outcome = self.over.take();
        while outcome.is_none() {
            let Some(deadline) = self.tx.next_deadline() else {
                break;
            };
            let actions = tokio::select! {
                got = self.rx.recv() => match got {
                    Some(response) => self.tx.on_response(response, Instant::now()),
                    None => break,
                },
                () = tokio::time::sleep_until(deadline) => self.tx.poll(Instant::now()),
            };
            outcome = run(engine, actions, self.to).await;
        }
        engine.pending().remove(&self.key);
        outcome.flatten()
    }
}

/// Sends `request` to `to` and waits for its final answer (see [`Started::answer`]).
pub(crate) async fn transact<C: Client>(
    engine: &C,
    request: Message,
    to: SocketAddr,
) -> Option<Message> {
    start(engine, request, to).await?.answer(engine).await
}

/// Carries out a transaction's actions: `Some(answer)` once it is over (`Some(None)`: no answer).
async fn run<C: Client>(
    engine: &C,
    actions: Vec<Action>,
    to: SocketAddr,
) -> Option<Option<Message>> {
    let mut over = None;
    for action in actions {
        match action {
            Action::Send(m) => engine.send_bytes(&m.to_bytes(), to).await,
            Action::Deliver(m) if m.code().is_some_and(|c| c >= 200) => over = Some(Some(m)),
            Action::Deliver(_) => {}
            Action::Timeout => over = Some(None),
            // Completed (Timer K) or terminated: the final answer was delivered above.
            Action::Terminated => over = over.or(Some(None)),
        }
    }
    over
}
