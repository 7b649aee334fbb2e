//! One call, as a back-to-back user agent: the caller's leg (A) ends here, and Switchboard places
//! its own INVITEs (B legs) to every registered device of the line the routing plan names,
//! relays the answer, and then passes in-dialog requests (BYE, re-INVITE, UPDATE, INFO) from one
//! leg to the other, with SDP pointed at the RTP relay both ways.
//!
//! The task owns all of the call's state; the socket loop hands it every message whose Call-ID
//! belongs to one of its legs, so nothing here is shared or locked. Its transactions (RFC 3261
//! section 17: each request it sends, the caller's INVITE, its 2xx until their ACK) are
//! `sb_sip` state machines in one table (`call/transactions.rs`), driven by the same loop as
//! the messages.

use sb_domain::routing::mailbox::{MailboxPlan, MessageLimits};

mod apps;
pub(super) mod context;
mod dialog;
mod fax;
mod leg;
mod messages;
pub(super) mod queue;
mod routing;
mod session;
#[cfg(test)]
mod tests;
mod transactions;
use super::admission::Slot;
use super::media::{self, Recording};
use super::relay::{MediaPort, Relay, Side};
pub(super) use context::CallContext;
use sb_app::call_log::NewCallRecord;
use sb_app::switch::{Destination, Dialled, SipLine};
use sb_app::views::CallDirection;
use sb_domain::ids::CompanyId;
use sb_domain::ids::DepartmentId;
use sb_domain::routing::CallerIdChoice;
use sb_domain::routing::{Action, Plan, Step, outbound};
use sb_media::latch::Latch;
use sb_sip::registrar::{self, reply, uri_of};
use sb_sip::timer::{self, SessionExpires};
use sb_sip::transaction::Timers;
use sb_sip::{Message, sdp};
use session::SessionTimer;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use transactions::{CallTransactions, Effect, Purpose};

/// The methods Switchboard accepts inside a call.
/// The From of a caller who withholds their identity (RFC 3323 section 4.1.1.3).
const ANONYMOUS_FROM: &str = "\"Anonymous\" <sip:anonymous@anonymous.invalid>";

pub const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, REGISTER";

type Inbox = mpsc::UnboundedReceiver<(Message, SocketAddr)>;

/// The caller talking to Switchboard's own media endpoint: a voicemail deposit (for `line`) or
/// the voice portal (no line: nothing is deposited).
struct MediaSession {
    /// The line whose mailbox takes what is recorded, with the limits of a message.
    mailbox: Option<(SipLine, MessageLimits)>,
    /// Tells the media task the caller hung up.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Our SDP answer, repeated for a re-INVITE.
    sdp: Vec<u8>,
    _port: MediaPort,
}
type Outbox = mpsc::UnboundedSender<(Message, SocketAddr)>;

pub(super) use crate::ids::token;

/// The session-timer headers of a request passed on to the other leg: the interval asked for,
/// the minimum, and `Supported: timer` (only that option: the rest of the sender's Supported
/// list, 100rel say, is not Switchboard's to promise on the other leg).
fn timer_headers(m: &Message) -> Vec<(&'static str, String)> {
    let mut h = Vec::new();
    for name in ["session-expires", "min-se"] {
        if let Some(v) = m.header(name) {
            h.push((name, v.to_owned()));
        }
    }
    if timer::lists(m, "supported", "timer") {
        h.push(("supported", "timer".to_owned()));
    }
    h
}

/// The SIP reason phrase for the statuses the engine sends.
fn phrase(status: u16) -> &'static str {
    match status {
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        433 => "Anonymity Disallowed",
        480 => "Temporarily Unavailable",
        482 => "Loop Detected",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        503 => "Service Unavailable",
        600 => "Busy Everywhere",
        603 => "Decline",
        _ => "Call Failed",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ForkState {
    /// INVITE sent, nothing heard.
    Calling,
    /// A provisional answer came.
    Proceeding,
    Answered,
    /// CANCEL sent; a final answer is still due.
    Cancelled,
    /// Ended with this status.
    Done(u16),
}

/// Where a new B leg's INVITE goes: its Request-URI, the address it is sent to, its Route.
struct Leg<'a> {
    ruri: &'a str,
    target: SocketAddr,
    route: Vec<String>,
}

/// One device being rung: a B leg with its own dialog.
struct Fork {
    call_id: String,
    /// Our From tag on this leg.
    tag: String,
    from: String,
    to: String,
    ruri: String,
    target: SocketAddr,
    branch: String,
    state: ForkState,
    remote_tag: Option<String>,
    /// The highest CSeq of the far side's requests on this leg.
    remote_cseq: u32,
    remote_contact: Option<String>,
    /// The device, for the call log.
    device: String,
    /// The CSeq of the INVITE in flight (2 after answering a carrier's challenge).
    cseq: u32,
    /// The INVITE as sent, to send again with credentials.
    invite: Message,
    auth: Option<TrunkAuth>,
    /// The Route of this leg's requests: the device's Path (RFC 3327) until it answers, then
    /// the dialog's route set from the 2xx's Record-Route (RFC 3261 section 12.1.2).
    route: Vec<String>,
}

impl Fork {
    /// The To of this leg's dialog: with the device's tag once it answered.
    fn dialog_to(&self) -> String {
        match &self.remote_tag {
            Some(t) => format!("{};tag={t}", self.to),
            None => self.to.clone(),
        }
    }

    /// Where this leg's in-dialog requests go: the device's Contact once it answered.
    fn dialog_uri(&self) -> &str {
        self.remote_contact.as_deref().unwrap_or(&self.ruri)
    }

    /// The dialog this leg's 2xx `m` makes: the device's tag, Contact and route set.
    fn answered_by(&mut self, m: &Message) {
        self.remote_tag = m.tag("to").map(str::to_owned);
        self.remote_contact = m.header("contact").map(|c| uri_of(c).to_owned());
        self.route = sb_sip::route::uac_route_set(m);
    }
}

/// `headers` with a Route header for each entry of `route`, in order.
fn with_route(
    mut headers: Vec<(&'static str, String)>,
    route: &[String],
) -> Vec<(&'static str, String)> {
    headers.extend(route.iter().map(|r| ("route", r.clone())));
    headers
}

/// An in-dialog request passed from one leg to the other, waiting for the far side's answer.
struct Pending {
    toward: Side,
    cseq: u32,
    method: String,
    origin: Message,
    origin_addr: SocketAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Routing,
    Ringing,
    /// A device answered an announced redirect and hears who is calling; the caller still
    /// hears ringback and is connected when the announcement is over.
    Whispering,
    Answered,
    /// The call is over; the task waits for the last ACKs and answers.
    Ended,
}

/// A device that answered an announced redirect, hearing who is calling.
struct Whispering {
    /// Its fork.
    idx: usize,
    /// Its 200, for the caller's 200 once connected.
    answer: Message,
    /// Dropped to stop the announcement.
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Who placed a call.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The calling line; `None` for a call that came in from a trunk.
    pub line: Option<SipLine>,
    pub company: CompanyId,
    /// The extension of a line, or the number a carrier gave.
    pub number: String,
    pub name: Option<String>,
    pub departments: Vec<DepartmentId>,
    /// The trunk a carrier's call came through, with its cap.
    pub trunk: Option<(Slot, i64)>,
}

impl Caller {
    pub fn of_line(l: SipLine) -> Self {
        Caller {
            trunk: None,
            company: l.company_id.clone(),
            number: l.extension.clone(),
            name: l.calling_name.clone(),
            departments: l.departments.clone(),
            line: Some(l),
        }
    }
}

/// A trunk leg's credentials, to answer the carrier's digest challenge once.
#[derive(Debug, Clone)]
struct TrunkAuth {
    username: String,
    password: String,
    tried: bool,
}

/// How the call ended for the line that was called, for the call log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered,
    /// Refused by the line's settings or its devices.
    Rejected,
    /// Rang (or was diverted) without an answer.
    Missed,
}

struct Call<C> {
    /// Everything the call asks of the rest of Switchboard.
    ctx: Arc<C>,
    tx: Outbox,
    a_invite: Message,
    a_addr: SocketAddr,
    a_call_id: String,
    a_tag: String,
    a_contact: String,
    a_cseq: u32,
    /// The highest CSeq of the caller's requests in the dialog.
    a_remote_cseq: u32,
    caller: Caller,
    dialled: String,
    /// A redirection to a number shows the dialled number as caller ID.
    present_dialled: bool,
    anonymous: bool,
    relay: Relay,
    a_offer: Vec<u8>,
    forks: Vec<Fork>,
    winner: Option<usize>,
    b_cseq: u32,
    ringing_sent: bool,
    steps: VecDeque<Step>,
    on_busy: Option<Step>,
    target: Option<SipLine>,
    /// The current target's mailbox, should its plan reach voicemail.
    mailbox: Option<MailboxPlan>,
    hops: Vec<String>,
    ring_deadline: Option<Instant>,
    /// The caps this call counts under (trunk, company, lines), given back when it ends.
    slots: Vec<Slot>,
    /// Every transaction of the call, on both legs.
    txs: CallTransactions,
    pending: Option<Pending>,
    /// The last final answer given to a request passed along the dialog, for a retransmission
    /// of that request (the answer was lost): its side, CSeq, method, bytes and address.
    last_reply: Option<(Side, u32, String, Vec<u8>, SocketAddr)>,
    /// The last ACK we sent for a 2xx on a dialog (its side and CSeq), for a retransmission of
    /// that 2xx (the ACK was lost).
    last_ack: Option<(Side, u32, Vec<u8>, SocketAddr)>,
    phase: Phase,
    counted: Vec<DepartmentId>,
    /// Lines the call reached, with how it ended for each, for the call log.
    reached: Vec<(SipLine, Outcome)>,
    started_ms: i64,
    answered_ms: Option<i64>,
    status: u16,
    logged: bool,
    /// A phone answered busy.
    device_busy: bool,
    /// The fork whose early media (183 with SDP) the caller hears while it rings.
    early: Option<usize>,
    /// When the answered call ends unless a refresh comes first (RFC 4028), if it agreed on a
    /// session interval.
    session: SessionTimer,
    deposit: Option<MediaSession>,
    /// Where the media task says it is done, with what it recorded for a deposit.
    recorded: mpsc::UnboundedSender<Option<Recording>>,
    /// The caller's INVITE had no SDP (a late offer): the phone that answers makes the offer in
    /// its 200, and the caller's answer comes in its ACK.
    late_offer: bool,
    /// The 200 of the phone that answered a late-offer call, whose ACK waits for the caller's.
    late_ack: Option<Message>,
    /// The caller's answer as passed on in that ACK (for a repeated 200).
    late_answer: Option<Vec<u8>>,
    /// The redirect was announced: whoever answers first hears who is calling.
    whisper: bool,
    /// The device that answered is hearing who is calling.
    whispering: Option<Whispering>,
    /// Where the whisper's media task says it is done.
    whispered: mpsc::UnboundedSender<()>,
    /// The queue the caller waits in, if the call went to one.
    queue: Option<queue::QueueRun>,
    /// The caller hears an announcement as early media (a redirect announced);
    /// dropping this stops it.
    announcing: Option<tokio::sync::oneshot::Sender<()>>,
    /// What the B legs are offered once the caller's media is fixed by an early answer of ours:
    /// the one codec we answered with, at the relay's far side.
    fixed_offer: Option<Vec<u8>>,
}

/// Runs one call from its first INVITE (already authenticated as `caller`) to its end.
pub async fn run<C: CallContext>(
    ctx: Arc<C>,
    invite: Message,
    a_addr: SocketAddr,
    caller: Caller,
    tx: Outbox,
    rx: Inbox,
) {
    run_on(ctx, invite, a_addr, caller, tx, rx, None).await;
}

/// [`run`] on a relay already started (its caller side given to the caller beforehand, as
/// click to call does) with what the caller hears from it meanwhile (ringback standing in for
/// the called side, stopped when the call is answered or over), or on a new one.
#[expect(
    clippy::too_many_lines,
    reason = "the call task's loop: one select arm per source of events (messages, timers, media, the queue), which must stay in one place to be fair"
)]
pub async fn run_on<C: CallContext>(
    ctx: Arc<C>,
    invite: Message,
    a_addr: SocketAddr,
    caller: Caller,
    tx: Outbox,
    mut rx: Inbox,
    prepared: Option<(Relay, Option<tokio::sync::oneshot::Sender<()>>)>,
) {
    ctx.active_calls().fetch_add(1, Ordering::Relaxed);
    let a_call_id = invite.header("call-id").unwrap_or_default().to_owned();
    let reliable = ctx.on_stream(a_addr);
    let mut txs =
        CallTransactions::new(Timers::default(), &invite, a_addr, reliable, Instant::now());
    let trying = reply(&invite, 100, "Trying", &[]);
    for step in txs.answer_caller(trying, Instant::now()) {
        if let Effect::Send(m, to) = step {
            ctx.send(&m, to).await;
        }
    }
    let (relay, announcing) = match prepared {
        Some((r, a)) => (Some(r), a),
        None => (Relay::start(ctx.ports()).await, None),
    };
    let Some(relay) = relay else {
        // No free media port: the call cannot carry audio.
        let r = reply(&invite, 503, "No Media Ports", &[]);
        ctx.send(&r, a_addr).await;
        ctx.detach(&a_call_id);
        ctx.active_calls().fetch_sub(1, Ordering::Relaxed);
        return;
    };
    let a_tag = reply(&invite, 180, "", &[])
        .tag("to")
        .unwrap_or_default()
        .to_owned();
    let a_contact = invite
        .header("contact")
        .map(uri_of)
        .unwrap_or_default()
        .to_owned();
    let dialled = invite
        .uri()
        .and_then(registrar::user_of)
        .unwrap_or_default()
        .to_owned();
    let anonymous = outbound::is_anonymous(outbound::CallerSays {
        from: invite.header("from").unwrap_or_default(),
        privacy: invite.header("privacy"),
        number: &caller.number,
    });
    let a_offer = invite.body.clone();
    let started_ms = ctx.now_ms();
    let (recorded, mut recordings) = mpsc::unbounded_channel();
    let (whispered, mut whispers) = mpsc::unbounded_channel();
    let mut call = Call {
        ctx,
        tx,
        a_addr,
        a_call_id,
        a_tag,
        a_contact,
        a_cseq: 0,
        a_remote_cseq: 0,
        caller,
        dialled,
        present_dialled: false,
        anonymous,
        relay,
        a_offer,
        forks: Vec::new(),
        winner: None,
        b_cseq: 1,
        ringing_sent: false,
        steps: VecDeque::new(),
        on_busy: None,
        target: None,
        mailbox: None,
        hops: Vec::new(),
        ring_deadline: None,
        slots: Vec::new(),
        txs,
        pending: None,
        last_reply: None,
        last_ack: None,
        phase: Phase::Routing,
        counted: Vec::new(),
        reached: Vec::new(),
        started_ms,
        answered_ms: None,
        status: 0,
        logged: false,
        device_busy: false,
        early: None,
        session: SessionTimer::default(),
        deposit: None,
        queue: None,
        announcing,
        fixed_offer: None,
        recorded,
        late_offer: false,
        late_ack: None,
        late_answer: None,
        whisper: false,
        whispering: None,
        whispered,
        a_invite: invite,
    };
    call.begin().await;
    loop {
        if call.phase == Phase::Ended && !call.txs.busy() && call.deposit.is_none() {
            break;
        }
        let wake = call.next_wake();
        tokio::select! {
            got = rx.recv() => match got {
                Some((m, from)) => call.on_message(m, from).await,
                None => break,
            },
            () = sleep_until(wake) => call.on_timer().await,
            Some(r) = recordings.recv() => call.media_done(r).await,
            Some(()) = whispers.recv() => call.whisper_done().await,
        }
    }
    call.finish().await;
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

impl<C: CallContext> Call<C> {
    /// The caller as callees, call logs and mailboxes see them (`outbound::shown`).
    fn shown(&self) -> (String, Option<String>) {
        let (number, name) = outbound::shown(
            self.anonymous,
            &self.caller.number,
            self.caller.name.as_deref(),
        );
        (number.to_owned(), name.map(str::to_owned))
    }

    fn next_wake(&self) -> Option<Instant> {
        let txs = self.txs.next_deadline();
        let queue = self.queue.as_ref().and_then(queue::QueueRun::next_wake);
        [txs, self.ring_deadline, self.session.deadline(), queue]
            .into_iter()
            .flatten()
            .min()
    }

    fn via(&self, branch: &str, to: SocketAddr) -> String {
        self.ctx.via(branch, to)
    }

    /// A request on fork `idx`'s leg: our From with its tag, its Call-ID, the given rest.
    fn fork_request(
        &self,
        idx: usize,
        method: &str,
        ruri: &str,
        branch: &str,
        to: String,
        cseq: u32,
    ) -> Message {
        let f = &self.forks[idx];
        let headers = vec![
            ("via", self.via(branch, f.target)),
            ("max-forwards", "70".into()),
            ("from", format!("{};tag={}", f.from, f.tag)),
            ("to", to),
            ("call-id", f.call_id.clone()),
            ("cseq", format!("{cseq} {method}")),
        ];
        Message::request(method, ruri, with_route(headers, &f.route), Vec::new())
    }

    /// Our Contact towards the party at `to`.
    fn contact(&self, to: SocketAddr) -> String {
        self.ctx.contact_for(to)
    }

    // ---- timers -----------------------------------------------------------------------------

    /// Every timer of a call (queue, ringing, session refresh, transactions) checked in one
    /// pass, in order of precedence.
    async fn on_timer(&mut self) {
        let now = Instant::now();
        if self
            .queue
            .as_ref()
            .and_then(queue::QueueRun::next_wake)
            .is_some_and(|t| t <= now)
        {
            self.queue_tick().await;
        }
        if self.ring_deadline.is_some_and(|t| t <= now) && self.phase == Phase::Ringing {
            self.cancel_forks(None).await;
            self.phase = Phase::Routing;
            self.advance().await;
        }
        if self.session.expired(now) && self.phase == Phase::Answered {
            // Nobody refreshed the session: both phones are told the call is over.
            tracing::info!(call_id = %self.a_call_id, "session interval passed without a refresh");
            self.bye(Side::A).await;
            self.bye(Side::B).await;
            self.end();
        }
        let steps = self.txs.poll(now);
        self.carry(steps).await;
    }

    /// Sends what a transaction just started or answered sends (nothing else comes of those).
    async fn transmit(&self, steps: Vec<Effect>) {
        for step in steps {
            if let Effect::Send(m, to) = step {
                self.ctx.send(&m, to).await;
            }
        }
    }

    /// Does what the call's transactions say: send, act on an answer, give up.
    async fn carry(&mut self, steps: Vec<Effect>) {
        for step in steps {
            match step {
                Effect::Send(m, to) => self.ctx.send(&m, to).await,
                Effect::Fork(id, m) => {
                    if let Some(i) = self.fork_index(&id) {
                        self.fork_answer(i, m).await;
                    }
                }
                Effect::Response(m) => {
                    let side = if m.header("call-id") == Some(self.a_call_id.as_str()) {
                        Side::A
                    } else {
                        Side::B
                    };
                    self.answer_from(side, m).await;
                }
                Effect::ForkGivenUp { call_id, cancelled } => {
                    self.fork_given_up(&call_id, cancelled).await;
                }
                Effect::RequestGivenUp(id, n) => self.request_given_up(&id, n).await,
                Effect::HangUp(id, m) => {
                    // The CANCEL lost the race with this 2xx (RFC 3261 section 9.1).
                    if let Some(i) = self.fork_index(&id) {
                        self.forks[i].answered_by(&m);
                        self.ack_2xx(i, &m, None).await;
                        self.bye_fork(i).await;
                    }
                }
                Effect::AckAgain(id, m) => {
                    if let Some(i) = self.fork_index(&id) {
                        self.ack_2xx(i, &m, None).await;
                    }
                }
                Effect::CallerNeverAcked if self.phase == Phase::Answered => {
                    // The caller never acknowledged the answer: end both legs (RFC 3261 13.3.1.4).
                    self.bye(Side::B).await;
                    self.end();
                }
                Effect::CallerNeverAcked => {}
            }
        }
    }

    fn fork_index(&self, call_id: &str) -> Option<usize> {
        self.forks.iter().position(|f| f.call_id == call_id)
    }

    /// Timer B ran out for a fork's INVITE: its device counts as a 408. One being cancelled
    /// already was not waited for.
    async fn fork_given_up(&mut self, call_id: &str, cancelled: bool) {
        let Some(i) = self.fork_index(call_id) else {
            return;
        };
        if cancelled {
            if self.forks[i].state == ForkState::Cancelled {
                self.forks[i].state = ForkState::Done(408);
            }
            return;
        }
        self.forks[i].state = ForkState::Done(408);
        self.ring_result().await;
    }

    /// The other side never answered a request passed to it: its sender gets a timeout, and
    /// the dialog takes requests again.
    async fn request_given_up(&mut self, call_id: &str, n: u32) {
        let stuck = self
            .pending
            .as_ref()
            .is_some_and(|p| p.cseq == n && self.call_id_of(p.toward) == call_id);
        if stuck && let Some(p) = self.pending.take() {
            let r = reply(&p.origin, 408, "Request Timeout", &[]);
            self.ctx.send(&r, p.origin_addr).await;
        }
    }

    /// Gives back what the call still holds when its task stops: department counts and cap
    /// slots (already given back by `end` unless the task stopped some other way), its Call-IDs
    /// and its place in the active-call count. The log and the lamps were settled by `end`.
    async fn finish(mut self) {
        self.ctx.count(&self.counted, -1);
        self.counted.clear();
        self.ctx.give_slots(&self.slots);
        self.slots.clear();
        self.ctx.detach(&self.a_call_id);
        for f in &self.forks {
            self.ctx.detach(&f.call_id);
        }
        self.ctx.active_calls().fetch_sub(1, Ordering::Relaxed);
    }
}
