//! The transaction layer (RFC 3261 section 17), sans-IO.
//!
//! Each of the four state machines is fed what happens to it together with the time, and
//! answers with [`Action`]s: what to hand the transport, what to pass up to the transaction user
//! (TU), and when it timed out or ended. None reads a clock: `now` is any [`Time`] (the engine's
//! `tokio::time::Instant`, or a `Duration` since an origin in tests), and `next_deadline` says
//! when it next wants `poll`. [`Transactions`] keeps them in one table by [`TransactionKey`].
//!
//! Over a reliable transport (TCP, TLS) nothing is repeated: Timers A, E and G are not
//! started and Timers D, I, J and K are zero (sections 17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2).
//! Timers B, F and H still run: a reliable transport delivers, it does not answer.

mod client_invite;
mod client_non_invite;
mod key;
mod server_invite;
mod server_non_invite;
mod table;

pub use client_invite::ClientInvite;
pub use client_non_invite::ClientNonInvite;
pub use key::{MAGIC_COOKIE, Role, TransactionKey, branch, sent_by, top_via};
pub use server_invite::ServerInvite;
pub use server_non_invite::ServerNonInvite;
pub use table::{Incoming, Output, Refused, Transactions};

use crate::message::{Message, StartLine};
use crate::types::{StatusCode, header};
use std::ops::Add;
use std::time::Duration;

/// A point in time the machines can compare and add durations to. `std::time::Instant`,
/// `tokio::time::Instant` and `Duration` (time since an origin, for tests) all are.
pub trait Time: Copy + Ord + Add<Duration, Output = Self> {}

impl<T: Copy + Ord + Add<Duration, Output = T>> Time for T {}

/// The timer values of RFC 3261's table 4 (appendix A); the others derive from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timers {
    /// The round-trip estimate: first retransmission interval.
    pub t1: Duration,
    /// The longest retransmission interval for non-INVITE requests and INVITE responses.
    pub t2: Duration,
    /// How long a message may stay in the network.
    pub t4: Duration,
    /// How long an INVITE server transaction waits for the TU's first response before it sends
    /// 100 Trying itself (section 17.2.1).
    pub trying: Duration,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
            trying: Duration::from_millis(200),
        }
    }
}

impl Timers {
    /// Timers B, F, H and J (unreliable): 64 × T1, how long a transaction waits for its peer.
    pub fn timeout(&self) -> Duration {
        self.t1 * 64
    }

    /// Timer D: at least 32 s over UDP, so every retransmitted final answer meets its ACK;
    /// zero over reliable transports (section 17.1.1.2).
    pub fn timer_d(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.timeout().max(Duration::from_secs(32))
        }
    }

    /// Timers I and K: T4 over UDP, zero over reliable transports.
    pub fn linger(&self, reliable: bool) -> Duration {
        if reliable { Duration::ZERO } else { self.t4 }
    }

    /// Timer J: 64 × T1 over UDP, zero over reliable transports (section 17.2.2).
    pub fn timer_j(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.timeout()
        }
    }
}

/// What a transaction asks of its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Hand this message to the transport, to the transaction's peer.
    Send(Message),
    /// Pass this up to the TU: a response, for client transactions; for an INVITE server
    /// transaction after its 2xx, an ACK that reused the INVITE's branch (RFC 6026 section 8.7).
    Deliver(Message),
    /// Timer B, F or H ran out: no answer (for a client, the TU treats it as a 408) or, for an
    /// INVITE server transaction, no ACK for a final failure.
    Timeout,
    /// The transaction is over and may be forgotten.
    Terminated,
}

/// Where a transaction stands, named as in RFC 3261's figures 5 to 8 and RFC 6026's figure 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Calling,
    Trying,
    Proceeding,
    /// RFC 6026's state for an INVITE server transaction after a 2xx.
    Accepted,
    Completed,
    Confirmed,
    Terminated,
}

/// A retransmission timer (A, E or G): due at `next`, after which the interval doubles, up to
/// `cap` when there is one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Retransmit<T> {
    pub(crate) next: T,
    interval: Duration,
    cap: Option<Duration>,
}

impl<T: Time> Retransmit<T> {
    /// The timer started at `now` with `t1`, or `None` over a reliable transport.
    pub(crate) fn start(
        now: T,
        t1: Duration,
        cap: Option<Duration>,
        reliable: bool,
    ) -> Option<Self> {
        (!reliable).then_some(Retransmit {
            next: now + t1,
            interval: t1,
            cap,
        })
    }

    /// Whether it is due at `now`; if so the next one is scheduled from this one's time, so a
    /// late poll does not shift the RFC's schedule.
    pub(crate) fn fire(&mut self, now: T) -> bool {
        if self.next > now {
            return false;
        }
        let doubled = self.interval * 2;
        self.interval = self.cap.map_or(doubled, |cap| doubled.min(cap));
        self.next = self.next + self.interval;
        true
    }
}

/// The earliest of some deadlines.
fn earliest<T: Time>(deadlines: impl IntoIterator<Item = Option<T>>) -> Option<T> {
    deadlines.into_iter().flatten().min()
}

/// The 100 Trying a server transaction sends for the TU (sections 8.2.6 and 17.2.1): Via,
/// From, To, Call-ID, CSeq and Timestamp copied, and no To tag added (8.2.6.2 allows none on a
/// 100, and the TU has not chosen one yet).
fn trying(request: &Message) -> Message {
    let copied = [
        header::VIA,
        header::FROM,
        header::TO,
        header::CALL_ID,
        header::CSEQ,
        header::TIMESTAMP,
    ];
    Message {
        start: StartLine::Response {
            code: StatusCode::TRYING.as_u16(),
            reason: StatusCode::TRYING.reason().to_owned(),
        },
        headers: request
            .headers
            .iter()
            .filter(|(n, _)| copied.contains(&n.as_str()))
            .cloned()
            .collect(),
        body: Vec::new(),
    }
}

#[cfg(test)]
mod test_support;
