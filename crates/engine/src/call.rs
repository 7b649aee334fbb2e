//! One call, as a back-to-back user agent: the caller's leg (A) ends here, and Switchboard places
//! its own INVITEs (B legs) to every registered device of the line the routing plan names,
//! relays the answer, and then passes in-dialog requests (BYE, re-INVITE, UPDATE, INFO) from one
//! leg to the other, with SDP pointed at the RTP relay both ways.
//!
//! The task owns all of the call's state; the socket loop hands it every message whose Call-ID
//! belongs to one of its legs, so nothing here is shared or locked. Retransmissions over UDP
//! (RFC 3261 section 17: INVITE until a provisional, final answers until their ACK, BYE until
//! its answer) are kept in one list and driven by the same loop as the messages.

use super::Engine;

pub(super) mod queue;
mod retx;
use super::admission::Slot;
use super::media::{self, Recording};
use super::relay::{MediaPort, Relay, Side};
use retx::{Due, Retx};
use sb_app::call_log::NewCallRecord;
use sb_app::switch::{Destination, Dialled, SipLine};
use sb_app::views::CallDirection;
use sb_domain::ids::CompanyId;
use sb_domain::ids::DepartmentId;
use sb_domain::routing::CallerIdChoice;
use sb_domain::routing::{Action, Plan, Step};
use sb_sip::latch::Latch;
use sb_sip::registrar::{self, reply, uri_of};
use sb_sip::timer::{self, SessionExpires};
use sb_sip::{Message, sdp};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The methods Switchboard accepts inside a call.
pub const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, REGISTER";

pub(super) const T1: Duration = Duration::from_millis(500);
pub(super) const T2: Duration = Duration::from_secs(4);
/// How long a transaction is retried before it is given up (64 × T1).
pub(super) const TIMER_B: Duration = Duration::from_secs(32);

type Inbox = mpsc::UnboundedReceiver<(Message, SocketAddr)>;

/// The caller talking to Switchboard's own media endpoint: a voicemail deposit (for `line`) or
/// the voice portal (no line: nothing is deposited).
struct Deposit {
    line: Option<SipLine>,
    /// Tells the media task the caller hung up.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Our SDP answer, repeated for a re-INVITE.
    sdp: Vec<u8>,
    _port: MediaPort,
}
type Outbox = mpsc::UnboundedSender<(Message, SocketAddr)>;

pub(super) fn token() -> String {
    let b = sb_app::secrets::random_bytes::<8>();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    ForkInvite(String),
    AFinal,
    /// A request we sent on a dialog (its Call-ID and CSeq), until a final answer (or, for
    /// an INVITE, any answer) comes.
    Request(String, u32),
    /// Our 2xx to an INVITE passed along a dialog (the Call-ID and CSeq of the request), until
    /// that side's ACK comes (RFC 3261 13.3.1.4).
    Reply(String, u32),
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

struct Call {
    engine: Arc<Engine>,
    tx: Outbox,
    a_invite: Message,
    a_addr: SocketAddr,
    a_call_id: String,
    a_tag: String,
    a_contact: String,
    a_cseq: u32,
    /// The highest CSeq of the caller's requests in the dialog.
    a_remote_cseq: u32,
    a_last: Option<Vec<u8>>,
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
    hops: Vec<String>,
    ring_deadline: Option<Instant>,
    /// The caps this call counts under (trunk, company, lines), given back when it ends.
    slots: Vec<Slot>,
    retx: Vec<Retx<Key>>,
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
    /// The session interval agreed for the answered call (RFC 4028), if any.
    session: Option<SessionExpires>,
    /// When the answered call ends unless a refresh comes first.
    session_deadline: Option<Instant>,
    deposit: Option<Deposit>,
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
pub async fn run(
    engine: Arc<Engine>,
    invite: Message,
    a_addr: SocketAddr,
    caller: Caller,
    tx: Outbox,
    mut rx: Inbox,
) {
    engine.active_calls.fetch_add(1, Ordering::Relaxed);
    let a_call_id = invite.header("call-id").unwrap_or_default().to_owned();
    let trying = reply(&invite, 100, "Trying", &[]);
    engine.send(&trying, a_addr).await;
    let Some(relay) = Relay::start(&engine.ports).await else {
        // No free media port: the call cannot carry audio.
        let r = reply(&invite, 503, "No Media Ports", &[]);
        engine.send(&r, a_addr).await;
        engine.detach(&a_call_id);
        engine.active_calls.fetch_sub(1, Ordering::Relaxed);
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
    let from = invite
        .header("from")
        .unwrap_or_default()
        .to_ascii_lowercase();
    // An outside caller whose number could pass for an extension is shown as anonymous.
    let anonymous = from.contains("anonymous")
        || caller.number == "anonymous"
        || invite
            .header("privacy")
            .is_some_and(|p| p.to_ascii_lowercase().contains("id"));
    let a_offer = invite.body.clone();
    let started_ms = engine.now_ms();
    let (recorded, mut recordings) = mpsc::unbounded_channel();
    let (whispered, mut whispers) = mpsc::unbounded_channel();
    let mut call = Call {
        engine: engine.clone(),
        tx,
        a_addr,
        a_call_id,
        a_tag,
        a_contact,
        a_cseq: 0,
        a_remote_cseq: 0,
        a_last: None,
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
        hops: Vec::new(),
        ring_deadline: None,
        slots: Vec::new(),
        retx: Vec::new(),
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
        session: None,
        session_deadline: None,
        deposit: None,
        queue: None,
        announcing: None,
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
        if call.phase == Phase::Ended && call.retx.is_empty() && call.deposit.is_none() {
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

impl Call {
    fn next_wake(&self) -> Option<Instant> {
        let retx = self.retx.iter().map(Retx::wake).min();
        let queue = self.queue.as_ref().and_then(queue::QueueRun::next_wake);
        [retx, self.ring_deadline, self.session_deadline, queue]
            .into_iter()
            .flatten()
            .min()
    }

    fn via(&self, branch: &str, to: SocketAddr) -> String {
        self.engine.via(branch, to)
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

    /// Our Contact towards the party at `to` (see [`Engine::contact_for`]).
    fn contact(&self, to: SocketAddr) -> String {
        self.engine.contact_for(to)
    }

    // ---- the caller's leg -------------------------------------------------------------------

    async fn answer_a(&mut self, code: u16, reason: &str, body: Option<Vec<u8>>) {
        self.answer_a_with(code, reason, body, Vec::new()).await;
    }

    /// [`Self::answer_a`] with more headers.
    async fn answer_a_with(
        &mut self,
        code: u16,
        reason: &str,
        body: Option<Vec<u8>>,
        more: Vec<(&str, String)>,
    ) {
        let contact = self.contact(self.a_addr);
        let mut extra: Vec<(&str, &str)> = vec![("Contact", &contact), ("Allow", ALLOW)];
        if body.is_some() {
            extra.push(("Content-Type", "application/sdp"));
        }
        extra.extend(more.iter().map(|(n, v)| (*n, v.as_str())));
        // Answers that make the dialog carry its Record-Route back (RFC 3261 section 12.1.1).
        if (101..300).contains(&code) {
            extra.extend(
                self.a_invite
                    .headers_named("record-route")
                    .map(|v| ("Record-Route", v)),
            );
        }
        let mut r = reply(&self.a_invite, code, reason, &extra);
        r.set_header("to", self.a_to_header());
        if let Some(b) = body {
            r.body = b;
        }
        let bytes = r.to_bytes();
        self.engine.send_bytes(&bytes, self.a_addr).await;
        if code >= 200 {
            self.retx.retain(|x| x.key != Key::AFinal);
            // A failure is not repeated over TCP/TLS (Timer G is UDP's); a 2xx always is.
            let reliable = code >= 300 && self.engine.on_stream(self.a_addr);
            self.retx.push(Retx::new(
                Key::AFinal,
                bytes.clone(),
                self.a_addr,
                true,
                reliable,
            ));
        }
        self.a_last = Some(bytes);
    }

    /// The To header of our answers on the A leg: the caller's, with our tag.
    fn a_to_header(&self) -> String {
        let to = self.a_invite.header("to").unwrap_or_default();
        if self.a_invite.tag("to").is_some() {
            to.to_owned()
        } else {
            format!("{to};tag={}", self.a_tag)
        }
    }

    /// Ends an unanswered call with a final status to the caller.
    async fn fail(&mut self, status: u16, reason: &str) {
        if self.phase == Phase::Ended {
            return;
        }
        self.cancel_forks(None).await;
        if self.phase == Phase::Whispering
            && let Some(w) = self.whispering.take()
        {
            // The caller gave up while the other phone heard who was calling.
            self.bye_fork(w.idx).await;
        }
        self.status = status;
        self.answer_a(status, reason, None).await;
        self.end();
    }

    fn end(&mut self) {
        self.leave_queue();
        self.announcing = None;
        self.whispering = None;
        self.phase = Phase::Ended;
        self.ring_deadline = None;
        if let Some(stop) = self.deposit.as_mut().and_then(|d| d.stop.take()) {
            let _ = stop.send(());
        }
        for (line, _) in &self.reached {
            self.engine
                .set_line_state(&line.id, super::presence::LineState::Idle);
        }
        if let Some(line) = &self.caller.line {
            self.engine
                .set_line_state(&line.id, super::presence::LineState::Idle);
        }
        // The call no longer counts against department limits, even while its last
        // transactions (a CANCEL to a phone that went away) are still being retried.
        self.engine.count(&self.counted, -1);
        self.counted.clear();
        self.engine.give_slots(&self.slots);
        self.slots.clear();
        if !self.logged {
            self.logged = true;
            self.write_log();
        }
    }

    /// Records the call in the log of the calling line and of every line it reached, through
    /// the engine's call-log writer so the signalling does not wait for the database.
    fn write_log(&self) {
        let now = self.engine.now_ms();
        let talked = self
            .answered_ms
            .map(|a| (now - a).max(0) / 1000)
            .unwrap_or(0);
        let call_ref = self.a_call_id.clone();
        let first = self.reached.first().map(|(l, _)| l);
        let mut records = Vec::new();
        if let Some(from) = &self.caller.line {
            records.push(NewCallRecord {
                company_id: from.company_id.clone(),
                line_id: from.id.clone(),
                direction: CallDirection::Dialled,
                other_number: self.dialled.clone(),
                other_name: first.and_then(|l| l.calling_name.clone()),
                started_at_ms: self.started_ms,
                duration_secs: talked,
                device: Some(self.a_contact.clone()).filter(|c| !c.is_empty()),
                status: self.status,
                call_ref: call_ref.clone(),
            });
        }
        let (number, name) = if self.anonymous {
            ("anonymous".to_owned(), None)
        } else {
            (self.caller.number.clone(), self.caller.name.clone())
        };
        let last = self.reached.len().saturating_sub(1);
        for (i, (line, outcome)) in self.reached.iter().enumerate() {
            let (direction, status, duration, device) = match outcome {
                Outcome::Answered => (
                    CallDirection::Received,
                    200,
                    talked,
                    self.winner.map(|w| self.forks[w].device.clone()),
                ),
                Outcome::Rejected => (CallDirection::Rejected, self.status, 0, None),
                // A line the call moved on from (forwarded, redirected) shows 302.
                Outcome::Missed if i < last => (CallDirection::Missed, 302, 0, None),
                Outcome::Missed => (CallDirection::Missed, self.status, 0, None),
            };
            records.push(NewCallRecord {
                company_id: line.company_id.clone(),
                line_id: line.id.clone(),
                direction,
                other_number: number.clone(),
                other_name: name.clone(),
                started_at_ms: self.started_ms,
                duration_secs: duration,
                device,
                status,
                call_ref: call_ref.clone(),
            });
        }
        let _ = self.engine.call_log.send(records);
    }

    /// Points the relay's far side at fork `idx`'s description `sdp`. The phone whose early
    /// media was heard keeps its latch (a sprayer gains nothing from the moment of the answer);
    /// any other is a new party.
    fn point_b_at(&self, idx: usize, sdp: &[u8]) {
        let Some(addr) = sdp::audio_target(sdp) else {
            return;
        };
        let at = Some(self.forks[idx].target.ip());
        if self.early == Some(idx) {
            self.relay.redescribe(Side::B, addr, at);
        } else {
            self.relay.set_peer(Side::B, addr, at);
        }
    }

    /// The IP a side's signalling comes from: the caller's, or the answering (or early-media)
    /// device's. Its media may come from there as well as from where its SDP says (NAT).
    fn signalling_ip(&self, side: Side) -> Option<std::net::IpAddr> {
        match side {
            Side::A => Some(self.a_addr.ip()),
            Side::B => self
                .winner
                .or(self.early)
                .and_then(|i| self.forks.get(i))
                .map(|f| f.target.ip()),
        }
    }

    // ---- routing ----------------------------------------------------------------------------

    async fn begin(&mut self) {
        self.late_offer = self.a_offer.iter().all(u8::is_ascii_whitespace);
        if !self.late_offer && sdp::audio_target(&self.a_offer).is_none() {
            // A description without audio: nothing to relay.
            self.fail(488, "Not Acceptable Here: An Audio Offer Is Needed")
                .await;
            return;
        }
        if timer::too_brief(&self.a_invite) {
            let min = vec![("Min-SE", timer::MIN_SE.to_string())];
            self.status = 422;
            self.answer_a_with(422, "Session Interval Too Small", None, min)
                .await;
            self.end();
            return;
        }
        if let Some(addr) = sdp::audio_target(&self.a_offer) {
            self.relay
                .set_peer(Side::A, addr, self.signalling_ip(Side::A));
        }
        let dialled = self.dialled.clone();
        match dialled.as_str() {
            "*97" => self.portal(true).await,
            "*98" => self.portal(false).await,
            _ => self.route(&dialled).await,
        }
    }

    /// Asks the business layer where `dialled` goes and starts the plan.
    async fn route(&mut self, dialled: &str) {
        let hops: Vec<&str> = self.hops.iter().map(String::as_str).collect();
        let number = self.caller.number.clone();
        let name = self.caller.name.clone();
        let d = Dialled {
            dialled,
            caller_number: (!self.anonymous).then_some(number.as_str()),
            caller_name: name.as_deref(),
            anonymous: self.anonymous,
            from_line: self.caller.line.as_ref(),
            hops: &hops,
        };
        let company = self.caller.company.clone();
        let routed = self
            .engine
            .app
            .route_call(&company, &d, self.engine.as_ref())
            .await;
        let max = self.engine.settings.max_calls;
        let emergency = matches!(routed, Ok(Destination::Emergency { .. }));
        let over = max > 0 && self.engine.active_calls.load(Ordering::Relaxed) > max;
        if self.hops.is_empty() && !emergency && (over || !self.take_first_slots()) {
            // Shed load: the caller may try again soon (RFC 3261 section 21.5.4). Emergency
            // calls are never shed.
            self.status = 503;
            let retry = vec![("Retry-After", "5".to_owned())];
            self.answer_a_with(503, "Service Unavailable", None, retry)
                .await;
            self.end();
            return;
        }
        match routed {
            Ok(Destination::Line { line, plan }) => self.start_plan(*line, plan).await,
            Ok(Destination::Conference {
                language,
                second_language,
            }) => self.conference(language, second_language).await,
            Ok(Destination::Queue(setup)) => self.enqueue(*setup).await,
            Ok(Destination::QueueCallIn(setup)) => self.call_in(*setup).await,
            Ok(Destination::Unknown) => self.fail(404, "Not Found").await,
            Ok(Destination::Refused { status, reason }) => {
                tracing::info!(reason, "call refused");
                self.fail(status, phrase(status)).await;
            }
            Ok(Destination::Outside { number }) => {
                self.recount(None);
                if !self.ring_out(&number, false).await {
                    self.fail(503, "No Trunk Configured").await;
                }
            }
            Ok(Destination::Emergency { number }) => self.emergency(&number).await,
            Err(e) => {
                tracing::warn!(error = %e, "call routing failed");
                self.fail(500, "Server Error").await;
            }
        }
    }

    /// The caps a new call counts under from its start: its trunk, its company and the calling
    /// line. False (and nothing held) when one of them is full.
    fn take_first_slots(&mut self) -> bool {
        let caps = &self.engine.settings.caps;
        let mut wanted = vec![(Slot::Company(self.caller.company.clone()), caps.company)];
        if let Some(t) = &self.caller.trunk {
            wanted.push(t.clone());
        }
        if let Some(l) = &self.caller.line {
            wanted.push((Slot::Line(l.id.clone()), caps.line));
        }
        wanted
            .into_iter()
            .all(|(slot, max)| self.take_slot(slot, max))
    }

    /// Takes one slot for the rest of the call; a slot the call holds already is not taken
    /// twice (a redirect back to a line it rang).
    fn take_slot(&mut self, slot: Slot, max: i64) -> bool {
        if self.slots.contains(&slot) {
            return true;
        }
        if !self.engine.take_slot(&slot, max) {
            return false;
        }
        self.slots.push(slot);
        true
    }

    async fn start_plan(&mut self, line: SipLine, plan: Plan) {
        if !self.take_slot(Slot::Line(line.id.clone()), self.engine.settings.caps.line) {
            // As many calls as a line may have at once: it is busy.
            self.fail(486, "Busy Here").await;
            return;
        }
        self.recount(Some(&line));
        self.reached.push((line.clone(), Outcome::Missed));
        self.target = Some(line);
        self.steps = plan.steps.into();
        self.on_busy = plan.on_busy;
        self.advance().await;
    }

    /// Counts the call in the caller's and the current target's departments, once each.
    fn recount(&mut self, target: Option<&SipLine>) {
        self.engine.count(&self.counted, -1);
        let mut ids: Vec<DepartmentId> = self.caller.departments.clone();
        if let Some(t) = target {
            for d in &t.departments {
                if !ids.contains(d) {
                    ids.push(d.clone());
                }
            }
        }
        self.engine.count(&ids, 1);
        self.counted = ids;
    }

    fn mark(&mut self, outcome: Outcome) {
        if let Some(last) = self.reached.last_mut() {
            last.1 = outcome;
        }
    }

    /// Runs the next step of the plan.
    async fn advance(&mut self) {
        loop {
            if self.phase == Phase::Ended {
                return;
            }
            let Some(step) = self.steps.pop_front() else {
                self.fail(480, "Temporarily Unavailable").await;
                return;
            };
            match step.action {
                Action::Ring { seconds } => {
                    if self.ring(seconds).await {
                        return;
                    }
                }
                Action::Voicemail => {
                    self.voicemail().await;
                    return;
                }
                Action::RedirectToUser { line } => {
                    if let Some(t) = &self.target {
                        self.hops.push(t.id.to_string());
                    }
                    Box::pin(self.route(&line)).await;
                    return;
                }
                Action::RedirectToNumber {
                    number,
                    caller_id,
                    announce,
                } => {
                    if announce {
                        self.announce_redirect().await;
                        self.whisper = true;
                    }
                    // An extension (or one of the company's own numbers) stays inside; the
                    // routing layer sends anything else to the trunk.
                    if let Some(t) = &self.target {
                        self.hops.push(t.id.to_string());
                    }
                    self.present_dialled = caller_id == CallerIdChoice::Dialled;
                    Box::pin(self.route(&number)).await;
                    return;
                }
                Action::Emergency => {
                    let dialled = self.dialled.clone();
                    self.emergency(&dialled).await;
                    return;
                }
                Action::Reject { status } => {
                    // Busy phones make a missed call; a refusal by the line's settings a rejected one.
                    self.mark(if self.device_busy {
                        Outcome::Missed
                    } else {
                        Outcome::Rejected
                    });
                    self.fail(status, phrase(status)).await;
                    return;
                }
            }
        }
    }

    /// Rings every registered device of the target; false when there is none to ring.
    async fn ring(&mut self, seconds: Option<u32>) -> bool {
        let Some(target) = self.target.clone() else {
            return false;
        };
        let devices = self.engine.devices(&target.aor).len();
        // A line rung harder than its fan-out allows rings nothing now: its next step runs.
        if devices == 0 || !self.engine.may_ring(&target.aor, devices) {
            return false;
        }
        let Some(offer) = self.b_offer() else {
            return false;
        };
        self.phase = Phase::Ringing;
        self.ring_deadline = Some(self.ringing_until(seconds));
        self.engine
            .set_line_state(&target.id, super::presence::LineState::Early);
        self.ring_devices(&target, offer).await;
        true
    }

    /// Places a B leg to each registered device of `line` with `offer`; the new forks'
    /// indexes.
    async fn ring_devices(&mut self, line: &SipLine, offer: Vec<u8>) -> Vec<usize> {
        let domain = line.sip_domain.clone();
        let from = if self.anonymous {
            "\"Anonymous\" <sip:anonymous@anonymous.invalid>".to_owned()
        } else {
            let name = self
                .caller
                .name
                .clone()
                .unwrap_or_else(|| self.caller.number.clone())
                .replace('"', "");
            format!("\"{name}\" <sip:{}@{domain}>", self.caller.number)
        };
        let to = format!("<sip:{}@{domain}>", line.extension);
        // A call from outside the company says so (RFC 7462), so phones can ring it apart.
        let marks = match self.caller.line {
            None => vec![("alert-info", "<urn:alert:source:external>".to_owned())],
            Some(_) => Vec::new(),
        };
        let mut placed = Vec::new();
        for d in self.engine.devices(&line.aor) {
            let Some(target_addr) = self.engine.device_address(&d) else {
                continue;
            };
            placed.push(self.forks.len());
            let extra = marks.clone();
            let leg = Leg {
                ruri: &d.contact,
                target: target_addr,
                route: d.path.clone(),
            };
            self.fork(&from, &to, leg, offer.clone(), extra, None).await;
        }
        placed
    }

    /// Places one B leg: an INVITE to the leg's Request-URI sent to its target, retried until
    /// it is answered.
    async fn fork(
        &mut self,
        from: &str,
        to: &str,
        leg: Leg<'_>,
        offer: Vec<u8>,
        extra: Vec<(&str, String)>,
        auth: Option<TrunkAuth>,
    ) {
        let Leg {
            ruri,
            target,
            route,
        } = leg;
        let call_id = format!("{}-b{}", token(), self.forks.len());
        let tag = token();
        let branch = format!("z9hG4bK{}", token());
        let mut headers = with_route(
            vec![
                ("via", self.via(&branch, target)),
                ("max-forwards", "70".into()),
            ],
            &route,
        );
        headers.extend([
            ("from", format!("{from};tag={tag}")),
            ("to", to.to_owned()),
            ("call-id", call_id.clone()),
            ("cseq", "1 INVITE".into()),
            ("contact", self.contact(target)),
            ("allow", ALLOW.into()),
        ]);
        headers.extend(extra);
        headers.extend(timer_headers(&self.a_invite));
        if !offer.is_empty() {
            headers.push(("content-type", "application/sdp".into()));
        }
        let invite = Message::request("INVITE", ruri, headers, offer);
        self.engine.attach(&call_id, &self.tx);
        let bytes = invite.to_bytes();
        self.engine.send_bytes(&bytes, target).await;
        self.retx.push(Retx::new(
            Key::ForkInvite(call_id.clone()),
            bytes,
            target,
            false,
            self.engine.on_stream(target),
        ));
        self.forks.push(Fork {
            tag,
            from: from.to_owned(),
            to: to.to_owned(),
            ruri: ruri.to_owned(),
            target,
            branch,
            state: ForkState::Calling,
            remote_tag: None,
            remote_cseq: 0,
            remote_contact: None,
            device: ruri.to_owned(),
            call_id,
            cseq: 1,
            invite,
            auth,
            route,
        });
    }

    /// An emergency call: the recipients are told by mail, and the call goes out through the
    /// emergency route whatever blocks, limits or schedules say.
    async fn emergency(&mut self, number: &str) {
        if let Some(line) = self.caller.line.clone() {
            let caller_id = line
                .presentation_number
                .clone()
                .unwrap_or_else(|| line.extension.clone());
            match self
                .engine
                .app
                .notify_emergency(&line, number, &caller_id)
                .await
            {
                Ok(n) => {
                    tracing::warn!(extension = %line.extension, notified = n, "emergency call")
                }
                Err(e) => tracing::error!(error = %e, "emergency notification failed"),
            }
        }
        if !self.ring_out(number, true).await {
            self.fail(503, "No Emergency Route Configured").await;
        }
    }

    /// Sends the call to `number` through the company's trunk (else the installation's); for an
    /// emergency call, through the emergency trunk first. False when there is no trunk.
    async fn ring_out(&mut self, number: &str, emergency: bool) -> bool {
        let trunks = match self.engine.app.trunks_for_engine().await {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(error = %e, "could not read trunks");
                return false;
            }
        };
        let company = Some(&self.caller.company);
        let pick = |own: bool, emergency_only: bool| {
            trunks.iter().find(|t| {
                (if own {
                    t.company_id.as_ref() == company
                } else {
                    t.company_id.is_none()
                }) && (!emergency_only || t.emergency)
            })
        };
        let chosen = if emergency {
            pick(true, true)
                .or_else(|| pick(false, true))
                .or_else(|| pick(true, false))
                .or_else(|| pick(false, false))
        } else {
            pick(true, false).or_else(|| pick(false, false))
        };
        let Some(trunk) = chosen.cloned() else {
            return false;
        };
        let Ok(addr) = trunk.address.parse::<SocketAddr>() else {
            return false;
        };
        // A full trunk takes no more calls, except emergency calls.
        let slot = Slot::Trunk(trunk.id.to_string());
        if !emergency && !self.take_slot(slot, trunk.max_calls) {
            self.fail(503, "Trunk Busy").await;
            return true;
        }
        let Some(offer) = self.b_offer() else {
            return false;
        };
        // The caller ID: the dialled number when a redirection asks for it, else the caller's
        // presentation number, else what the caller sent.
        let caller_id = match (&self.caller.line, &self.target) {
            (_, Some(t)) if self.present_dialled => t
                .presentation_number
                .clone()
                .unwrap_or_else(|| self.caller.number.clone()),
            (Some(l), _) => l
                .presentation_number
                .clone()
                .unwrap_or_else(|| l.extension.clone()),
            (None, _) => self.caller.number.clone(),
        };
        let domain = match &self.caller.line {
            Some(l) => l.sip_domain.clone(),
            None => self.engine.local.ip().to_string(),
        };
        let from = if self.anonymous {
            "\"Anonymous\" <sip:anonymous@anonymous.invalid>".to_owned()
        } else {
            let name = self
                .caller
                .name
                .clone()
                .unwrap_or_else(|| caller_id.clone())
                .replace('"', "");
            format!("\"{name}\" <sip:{caller_id}@{domain}>")
        };
        let mut extra = vec![("p-asserted-identity", format!("<sip:{caller_id}@{domain}>"))];
        if self.anonymous {
            extra.push(("privacy", "id".to_owned()));
        }
        let ruri = format!("sip:{number}@{addr}");
        let to = format!("<sip:{number}@{addr}>");
        let auth = match (&trunk.username, &trunk.password) {
            (Some(u), Some(p)) => Some(TrunkAuth {
                username: u.clone(),
                password: p.clone(),
                tried: false,
            }),
            _ => None,
        };
        self.phase = Phase::Ringing;
        self.ring_deadline = Some(self.ringing_until(None));
        let leg = Leg {
            ruri: &ruri,
            target: addr,
            route: Vec::new(),
        };
        self.fork(&from, &to, leg, offer, extra, auth).await;
        true
    }

    /// When ringing for `seconds` (none: as long as the plan lets it) must stop: never later
    /// than the longest ringing allowed, so a leg that rings forever (RFC 3261's Timer C, three
    /// minutes without an answer) does not hold a call, its ports and its slots for good.
    fn ringing_until(&self, seconds: Option<u32>) -> Instant {
        let most = self.engine.settings.caps.max_ringing;
        let asked = seconds.map_or(most, |s| Duration::from_secs(u64::from(s)));
        Instant::now() + asked.min(most)
    }

    /// Sends a trunk leg's INVITE again with the answer to the carrier's challenge; false when
    /// it cannot (no credentials, or they were already refused).
    async fn authenticate_fork(&mut self, idx: usize, m: &Message) -> bool {
        let code = m.code().unwrap_or(0);
        let (header, answer_header) = if code == 407 {
            ("proxy-authenticate", "proxy-authorization")
        } else {
            ("www-authenticate", "authorization")
        };
        let f = &mut self.forks[idx];
        let Some(auth) = f.auth.as_mut().filter(|a| !a.tried) else {
            return false;
        };
        auth.tried = true;
        let (user, pass) = (auth.username.clone(), auth.password.clone());
        let Some(answer) = m
            .headers_named(header)
            .filter_map(sb_sip::digest::parse_challenge)
            .find_map(|ch| sb_sip::digest::answer(&ch, "INVITE", &f.ruri, &user, &pass, &token()))
        else {
            return false;
        };
        self.resend_fork(idx, vec![(answer_header, answer)]).await;
        true
    }

    /// A far side that finds the session interval too small names its minimum (422, RFC 4028
    /// section 6): the fork is sent again asking for that, once per larger minimum, up to a day.
    async fn retry_session_interval(&mut self, idx: usize, m: &Message) -> bool {
        let Some(min) = m
            .header("min-se")
            .and_then(|v| v.split(';').next()?.trim().parse::<u32>().ok())
        else {
            return false;
        };
        let asked = SessionExpires::of(&self.forks[idx].invite).map_or(0, |se| se.seconds);
        if min <= asked || min > 86_400 {
            return false;
        }
        let se = SessionExpires {
            seconds: min,
            refresher: None,
        };
        let set = vec![
            ("session-expires", se.to_string()),
            ("min-se", min.to_string()),
        ];
        self.resend_fork(idx, set).await;
        true
    }

    /// Sends fork `idx`'s INVITE again as a new transaction with `set` headers replaced.
    async fn resend_fork(&mut self, idx: usize, set: Vec<(&str, String)>) {
        let f = &mut self.forks[idx];
        f.cseq += 1;
        f.branch = format!("z9hG4bK{}", token());
        let mut invite = f.invite.clone();
        invite.set_header("via", self.engine.via(&f.branch, f.target));
        invite.set_header("cseq", format!("{} INVITE", f.cseq));
        for (name, value) in set {
            invite.set_header(name, value);
        }
        f.state = ForkState::Calling;
        f.invite = invite.clone();
        let (target, call_id) = (f.target, f.call_id.clone());
        let bytes = invite.to_bytes();
        self.engine.send_bytes(&bytes, target).await;
        self.retx.push(Retx::new(
            Key::ForkInvite(call_id),
            bytes,
            target,
            false,
            self.engine.on_stream(target),
        ));
    }

    /// Takes a message for the target line: Switchboard answers the caller itself, plays the
    /// greeting (the line's own, or the standard one in the company's language or, if the caller
    /// asks, its second one) and a beep, and records until the caller hangs up, presses `#`,
    /// stops talking or reaches the maximum length.
    async fn voicemail(&mut self) {
        let Some(line) = self.target.clone() else {
            self.fail(480, "Temporarily Unavailable").await;
            return;
        };
        let greeting = self.greeting_for(&line).await;
        // For the line it is a missed call (with a message); for the caller an answered one.
        self.mark(Outcome::Missed);
        self.serve(Some(line), move |io| async move {
            Some(media::deposit(io, greeting, media::Limits::default()).await)
        })
        .await;
    }

    /// The greeting callers of `line` hear: its own, or the standard one in the company's
    /// language (or the second, if the caller takes it).
    async fn greeting_for(&self, line: &SipLine) -> media::Greeting {
        match self.engine.app.line_greeting(&line.id).await {
            Some(own) => media::Greeting::Own(own.into()),
            None => media::Greeting::Standard {
                prompts: self.engine.settings.prompts.clone(),
                first: line.language.clone(),
                second: line.second_language.clone(),
            },
        }
    }

    /// Answers the caller with Switchboard's media endpoint and runs `session` on it in a task
    /// of its own; what it recorded comes back to [`Self::media_done`] (a deposit for `line`).
    async fn serve<F, Fut>(&mut self, line: Option<SipLine>, session: F)
    where
        F: FnOnce(media::Io) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Option<Recording>> + Send + 'static,
    {
        let Some((io, stop, sdp, port)) = self.open_media().await else {
            return;
        };
        let done = self.recorded.clone();
        tokio::spawn(async move {
            let _ = done.send(session(io).await);
        });
        self.deposit = Some(Deposit {
            line,
            stop: Some(stop),
            sdp: sdp.clone(),
            _port: port,
        });
        self.answer_media(sdp).await;
    }

    /// Opens Switchboard's media endpoint for the caller (G.711 as offered, RFC 4733 digits):
    /// the session, its stop switch, our SDP answer and the port. `None` when the call had to
    /// be refused (and was).
    async fn open_media(
        &mut self,
    ) -> Option<(
        media::Io,
        tokio::sync::oneshot::Sender<()>,
        Vec<u8>,
        MediaPort,
    )> {
        if self.late_offer {
            // Switchboard's own media answers offers; it does not make them.
            self.fail(488, "Not Acceptable Here: An Offer In The INVITE Is Needed")
                .await;
            return None;
        }
        let Some(codec) = sb_sip::media::Codec::from_offer(&self.a_offer) else {
            self.fail(488, "Not Acceptable Here: G.711 Is Needed").await;
            return None;
        };
        let Some(peer) = sdp::audio_target(&self.a_offer) else {
            self.fail(488, "Not Acceptable Here").await;
            return None;
        };
        let Some((socket, port)) = self.engine.ports.media_socket() else {
            self.fail(503, "No Media Ports").await;
            return None;
        };
        let sdp = self.our_sdp(port.port, codec);
        let (stop, stopped) = tokio::sync::oneshot::channel();
        Some((
            media::Io::new(
                socket,
                Latch::expecting(peer, self.signalling_ip(Side::A), self.engine.ports.reach()),
                codec,
                stopped,
            ),
            stop,
            sdp,
            port,
        ))
    }

    /// The offer for a B leg: the caller's, pointed at the relay (or the one codec already
    /// answered to the caller).
    fn b_offer(&self) -> Option<Vec<u8>> {
        if self.late_offer {
            // No offer to pass on: the phone makes one in its answer.
            return Some(Vec::new());
        }
        match &self.fixed_offer {
            Some(o) => Some(o.clone()),
            None => sdp::rewrite(&self.a_offer, self.relay.b_addr),
        }
    }

    /// "announcing calls will inform the caller that they are being redirected".
    /// The caller hears it as early media (183) on the call's relay, from a media session on
    /// the relay's far side, followed by ringback until the redirect is answered.
    async fn announce_redirect(&mut self) {
        if self.announcing.is_some() || self.phase == Phase::Ended {
            return;
        }
        let Some(codec) = sb_sip::media::Codec::from_offer(&self.a_offer) else {
            return;
        };
        let Some((socket, port)) = self.engine.ports.media_socket() else {
            return;
        };
        let lang = self
            .target
            .as_ref()
            .map_or("en".to_owned(), |t| t.language.clone());
        let prompt = self.engine.settings.prompts.get(&lang, "redirecting");
        let answer = self.our_sdp(self.relay.a_addr.port(), codec);
        self.fixed_offer = Some(self.our_sdp(self.relay.b_addr.port(), codec));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let mut io = media::Io::new(socket, Latch::exact(self.relay.b_addr), codec, stopped);
        // It talks in the called side's place, so the phone that answers is heard only once
        // connected, and its own packets still show the relay where it is.
        self.relay.stand_in(Side::B, Some(port.addr()));
        tokio::spawn(async move {
            let _port = port;
            if io.play(&prompt, false).await.is_ok() {
                let ringback = media::ringback();
                while io.play(&ringback, false).await.is_ok() {}
            }
        });
        self.announcing = Some(stop);
        self.ringing_sent = true;
        self.answer_a(183, "Session Progress", Some(answer)).await;
    }

    /// A description of audio at Switchboard's `port`: one G.711 codec and RFC 4733 digits.
    fn our_sdp(&self, port: u16, codec: sb_sip::media::Codec) -> Vec<u8> {
        let ip = self.engine.ports.ip();
        let family = if ip.is_ipv4() { "IP4" } else { "IP6" };
        let (pt, name, te) = (codec.payload_type(), codec.name(), media::TELEPHONE_EVENT);
        format!(
            "v=0\r\no=switchboard {id} 1 IN {family} {ip}\r\ns=Switchboard\r\nc=IN {family} {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP {pt} {te}\r\na=rtpmap:{pt} {name}/8000\r\na=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-15\r\na=ptime:20\r\na=sendrecv\r\n",
            id = self.started_ms,
        )
        .into_bytes()
    }

    /// Answers the caller with the media endpoint's SDP.
    async fn answer_media(&mut self, sdp: Vec<u8>) {
        self.phase = Phase::Answered;
        self.answered_ms = Some(self.engine.now_ms());
        self.status = 200;
        self.answer_a(200, "OK", Some(sdp)).await;
    }

    /// `*97` (own mailbox) or `*98` (any mailbox of the company): the voice portal.
    async fn portal(&mut self, own: bool) {
        let Some(line) = self.caller.line.clone() else {
            self.fail(404, "Not Found").await;
            return;
        };
        let mailbox = if own {
            super::portal::Mailbox::Own(line.id.clone())
        } else {
            super::portal::Mailbox::Any(line.company_id.clone())
        };
        let (app, prompts) = (
            self.engine.app.clone(),
            self.engine.settings.prompts.clone(),
        );
        let langs = (line.language.clone(), line.second_language.clone());
        let source = self.a_addr.ip().to_string();
        self.serve(None, move |io| async move {
            super::portal::run(io, app, prompts, langs, mailbox, source).await;
            None
        })
        .await;
    }

    /// The company's conference bridge: the caller keys in an access code and joins.
    async fn conference(&mut self, language: String, second: Option<String>) {
        let engine = self.engine.clone();
        let company = self.caller.company.clone();
        let line_source = self.caller.line.is_some().then_some(self.a_addr);
        self.serve(None, move |io| async move {
            super::conference::run(io, engine, (language, second), company, line_source).await;
            None
        })
        .await;
    }

    /// The media task finished: a deposit's message is stored, and if the caller is still
    /// there (the recording ended by silence, `#` or length, the portal said goodbye) the call
    /// is ended.
    async fn media_done(&mut self, r: Option<Recording>) {
        let Some(d) = self.deposit.take() else {
            return;
        };
        if self.phase != Phase::Ended {
            self.bye(Side::A).await;
            self.end();
        }
        let (Some(r), Some(line)) = (r, d.line) else {
            return;
        };
        // A call that said nothing leaves nothing (a hang-up at the beep, a silent line).
        if !r.voiced || r.samples.len() < 4000 {
            return;
        }
        let deposit = sb_app::voicemail::Deposit {
            company_id: line.company_id.clone(),
            line_id: line.id.clone(),
            caller_number: if self.anonymous {
                "anonymous".to_owned()
            } else {
                self.caller.number.clone()
            },
            caller_name: if self.anonymous {
                None
            } else {
                self.caller.name.clone()
            },
            samples: r.samples,
        };
        let app = self.engine.app.clone();
        // Storing (and encoding) a few minutes of audio is not for the call's own task.
        tokio::spawn(async move {
            if let Err(e) = app.deposit_voicemail(deposit).await {
                tracing::warn!(error = %e, "could not store a voicemail message");
            }
        });
    }

    /// Cancels every fork still ringing except `keep`.
    async fn cancel_forks(&mut self, keep: Option<usize>) {
        for i in 0..self.forks.len() {
            if Some(i) != keep {
                self.cancel_fork(i).await;
            }
        }
        self.ring_deadline = None;
    }

    /// Cancels fork `i` if it is still ringing.
    async fn cancel_fork(&mut self, i: usize) {
        let f = &self.forks[i];
        if !matches!(f.state, ForkState::Calling | ForkState::Proceeding) {
            return;
        }
        let cancel = self.fork_request(i, "CANCEL", &f.ruri, &f.branch, f.to.clone(), f.cseq);
        let (target, call_id, cseq) = (f.target, f.call_id.clone(), f.cseq);
        self.forks[i].state = ForkState::Cancelled;
        self.retx
            .retain(|r| r.key != Key::ForkInvite(call_id.clone()));
        self.send_request(cancel, target, call_id, cseq).await;
    }

    /// Sends a non-INVITE request and retries it until an answer comes.
    async fn send_request(&mut self, m: Message, to: SocketAddr, call_id: String, cseq: u32) {
        let bytes = m.to_bytes();
        self.engine.send_bytes(&bytes, to).await;
        self.retx.push(Retx::new(
            Key::Request(call_id, cseq),
            bytes,
            to,
            true,
            self.engine.on_stream(to),
        ));
    }

    // ---- messages ---------------------------------------------------------------------------

    async fn on_message(&mut self, m: Message, from: SocketAddr) {
        let call_id = m.header("call-id").unwrap_or_default().to_owned();
        if !self.sent_by_a_party(&m, from, &call_id) {
            // Somebody who learned a Call-ID is not a party of the call: no answer at all.
            tracing::debug!(%from, "a message for a call from outside its dialogs dropped");
            return;
        }
        if call_id == self.a_call_id {
            if m.method().is_some() {
                self.request_from_a(m, from).await;
            } else {
                self.answer_from(Side::A, m).await;
            }
            return;
        }
        let Some(idx) = self.forks.iter().position(|f| f.call_id == call_id) else {
            return;
        };
        if m.method().is_some() {
            self.request_from_b(idx, m, from).await;
        } else if m
            .cseq()
            .is_some_and(|(n, meth)| meth == "INVITE" && n == self.forks[idx].cseq)
        {
            self.fork_answer(idx, m).await;
        } else {
            self.answer_from(Side::B, m).await;
        }
    }

    /// Whether `m` comes from a party of the leg its Call-ID names (RFC 3261 section 12.2.2):
    /// from that leg's host, with the leg's tags, and (for a new request) a CSeq not lower than
    /// the last one it sent. A Call-ID alone proves nothing: it travels in every message.
    fn sent_by_a_party(&mut self, m: &Message, from: SocketAddr, call_id: &str) -> bool {
        // The tags of the side that sent `m`, and of ours: From and To of a request, swapped in
        // a response.
        let (theirs, ours) = if m.method().is_some() {
            (m.tag("from"), m.tag("to"))
        } else {
            (m.tag("to"), m.tag("from"))
        };
        // A new request in the dialog (ACK and CANCEL belong to the INVITE's transaction).
        let in_dialog_request =
            m.method().is_some_and(|x| x != "ACK" && x != "CANCEL") && m.tag("to").is_some();
        let cseq = m.cseq().map_or(0, |(n, _)| n);
        let (party, tags, last_cseq) = if call_id == self.a_call_id {
            let tags = theirs == self.a_invite.tag("from") && ours.is_none_or(|t| t == self.a_tag);
            (self.a_addr, tags, &mut self.a_remote_cseq)
        } else {
            let Some(f) = self.forks.iter_mut().find(|f| f.call_id == call_id) else {
                return false;
            };
            let tags = ours == Some(f.tag.as_str())
                && (f.remote_tag.is_none() || theirs == f.remote_tag.as_deref());
            (f.target, tags, &mut f.remote_cseq)
        };
        if from.ip() != party.ip() || !tags {
            return false;
        }
        if in_dialog_request {
            if cseq < *last_cseq {
                return false;
            }
            *last_cseq = cseq;
        }
        true
    }

    async fn request_from_a(&mut self, m: Message, from: SocketAddr) {
        let method = m.method().unwrap_or_default().to_owned();
        let in_dialog = m.tag("to").is_some();
        match method.as_str() {
            "INVITE" if !in_dialog => {
                // A retransmission of the first INVITE: repeat the last answer.
                if let Some(b) = self.a_last.clone() {
                    self.engine.send_bytes(&b, self.a_addr).await;
                }
            }
            "ACK" => {
                if self.phase == Phase::Answered {
                    self.late_answer_from_a(&m).await;
                }
                let n = m.cseq().map_or(0, |(n, _)| n);
                let reply = Key::Reply(self.a_call_id.clone(), n);
                self.retx.retain(|r| r.key != Key::AFinal && r.key != reply);
            }
            "CANCEL" => {
                let ok = reply(&m, 200, "OK", &[]);
                self.engine.send(&ok, from).await;
                if matches!(
                    self.phase,
                    Phase::Routing | Phase::Ringing | Phase::Whispering
                ) {
                    self.fail(487, "Request Terminated").await;
                }
            }
            "BYE" => {
                let ok = reply(&m, 200, "OK", &[]);
                self.engine.send(&ok, from).await;
                if self.phase == Phase::Answered {
                    self.queue_abandoned().await;
                    self.bye(Side::B).await;
                    self.end();
                }
            }
            "INVITE" | "UPDATE" | "INFO" if self.phase == Phase::Answered => {
                self.forward(Side::A, m, from).await;
            }
            _ => {
                let r = reply(&m, 481, "Call/Transaction Does Not Exist", &[]);
                self.engine.send(&r, from).await;
            }
        }
    }

    async fn request_from_b(&mut self, idx: usize, m: Message, from: SocketAddr) {
        let method = m.method().unwrap_or_default().to_owned();
        if method == "ACK" {
            let n = m.cseq().map_or(0, |(n, _)| n);
            let reply = Key::Reply(self.forks[idx].call_id.clone(), n);
            self.retx.retain(|r| r.key != reply);
            return;
        }
        if method == "BYE" && self.phase == Phase::Whispering && self.winner == Some(idx) {
            let ok = reply(&m, 200, "OK", &[]);
            self.engine.send(&ok, from).await;
            self.whisper_declined(idx).await;
            return;
        }
        if self.winner != Some(idx) || self.phase != Phase::Answered {
            let r = reply(&m, 481, "Call/Transaction Does Not Exist", &[]);
            self.engine.send(&r, from).await;
            return;
        }
        match method.as_str() {
            "BYE" => {
                let ok = reply(&m, 200, "OK", &[]);
                self.engine.send(&ok, from).await;
                self.bye(Side::A).await;
                self.end();
            }
            "INVITE" | "UPDATE" | "INFO" => self.forward(Side::B, m, from).await,
            _ => {
                let r = reply(&m, 405, "Method Not Allowed", &[("Allow", ALLOW)]);
                self.engine.send(&r, from).await;
            }
        }
    }

    /// An answer to the INVITE a fork was sent.
    async fn fork_answer(&mut self, idx: usize, m: Message) {
        let code = m.code().unwrap_or(500);
        let call_id = self.forks[idx].call_id.clone();
        self.retx
            .retain(|r| r.key != Key::ForkInvite(call_id.clone()));
        if (200..300).contains(&code) {
            if self.winner == Some(idx) {
                // Our ACK was lost: send it again (unless it still waits for the caller's).
                if self.late_ack.is_none() {
                    let answer = self.late_answer.clone();
                    self.ack_2xx(idx, &m, answer).await;
                }
                return;
            }
            if self.queue.as_ref().is_some_and(queue::QueueRun::waiting) {
                self.queue_answered(idx, m).await;
            } else if self.phase == Phase::Ringing {
                self.answered(idx, m).await;
            } else {
                // Answered after another device or after the caller gave up: end that leg.
                self.forks[idx].answered_by(&m);
                self.ack_2xx(idx, &m, None).await;
                self.bye_fork(idx).await;
            }
            return;
        }
        if code >= 300 {
            self.ack_failure(idx, &m).await;
        }
        if matches!(code, 401 | 407)
            && matches!(
                self.forks[idx].state,
                ForkState::Calling | ForkState::Proceeding
            )
            && self.authenticate_fork(idx, &m).await
        {
            return;
        }
        if code == 422
            && matches!(
                self.forks[idx].state,
                ForkState::Calling | ForkState::Proceeding
            )
            && self.retry_session_interval(idx, &m).await
        {
            return;
        }
        let state = self.forks[idx].state;
        match (code, state) {
            (100..=199, ForkState::Calling | ForkState::Proceeding) => {
                self.forks[idx].state = ForkState::Proceeding;
                if code == 100 || self.phase != Phase::Ringing {
                    return;
                }
                if self.early.is_none()
                    && self.announcing.is_none()
                    && !self.late_offer
                    && sdp::audio_target(&m.body).is_some()
                {
                    self.early_media(idx, &m).await;
                } else if !self.ringing_sent {
                    self.ringing_sent = true;
                    self.answer_a(180, "Ringing", None).await;
                }
            }
            (100..=199, _) => {}
            (_, ForkState::Cancelled) => self.forks[idx].state = ForkState::Done(code),
            (_, ForkState::Calling | ForkState::Proceeding) => {
                self.forks[idx].state = ForkState::Done(code);
                self.ring_result().await;
            }
            _ => {}
        }
    }

    /// Every fork failed: busy handling if a device said busy, else the next step.
    async fn ring_result(&mut self) {
        if self.phase != Phase::Ringing
            || self
                .forks
                .iter()
                .any(|f| matches!(f.state, ForkState::Calling | ForkState::Proceeding))
        {
            return;
        }
        let codes: Vec<u16> = self
            .forks
            .iter()
            .filter_map(|f| match f.state {
                ForkState::Done(c) => Some(c),
                _ => None,
            })
            .collect();
        self.ring_deadline = None;
        self.phase = Phase::Routing;
        if codes.iter().any(|c| matches!(c, 486 | 600)) {
            self.device_busy = true;
            match self.on_busy.take() {
                Some(step) => {
                    self.steps = VecDeque::from([step]);
                    self.advance().await;
                }
                None => {
                    self.mark(Outcome::Missed);
                    self.fail(486, "Busy Here").await;
                }
            }
        } else if codes.iter().all(|c| *c == 603) {
            self.mark(Outcome::Rejected);
            self.fail(603, "Decline").await;
        } else {
            self.advance().await;
        }
    }

    /// A ringing device sent media before answering (a carrier's announcement or ringback, a
    /// phone's own tone): the caller gets it through the relay with a 183 Session Progress.
    /// The first such device is heard; the others still ring.
    async fn early_media(&mut self, idx: usize, m: &Message) {
        let Some(body) = sdp::rewrite(&m.body, self.relay.a_addr) else {
            return;
        };
        self.point_b_at(idx, &m.body);
        self.early = Some(idx);
        self.ringing_sent = true;
        self.answer_a(183, "Session Progress", Some(body)).await;
    }

    /// A device answered: the caller is connected to it, or (an announced redirect) first
    /// the device hears who is calling.
    async fn answered(&mut self, idx: usize, m: Message) {
        self.take_answer(idx, &m).await;
        if self.whisper && !self.late_offer && self.start_whisper(idx, &m) {
            return;
        }
        self.connect(m).await;
    }

    /// Fork `idx`'s 200: it is the call's B leg now (acknowledged, the others cancelled, the
    /// relay's far side pointed at it).
    async fn take_answer(&mut self, idx: usize, m: &Message) {
        self.winner = Some(idx);
        self.b_cseq = self.forks[idx].cseq;
        self.forks[idx].state = ForkState::Answered;
        self.forks[idx].answered_by(m);
        self.point_b_at(idx, &m.body);
        if self.late_offer {
            // Its 200 holds the offer; the ACK takes the caller's answer to it.
            self.late_ack = Some(m.clone());
        } else {
            self.ack_2xx(idx, m, None).await;
        }
        self.cancel_forks(Some(idx)).await;
    }

    /// Connects the caller to the B leg that answered with `m`.
    async fn connect(&mut self, m: Message) {
        for line in self.target.iter().chain(self.caller.line.iter()) {
            self.engine
                .set_line_state(&line.id, super::presence::LineState::Confirmed);
        }
        self.phase = Phase::Answered;
        self.answered_ms = Some(self.engine.now_ms());
        self.status = 200;
        self.mark(Outcome::Answered);
        if self.announcing.take().is_some() {
            // The ringback stops; its last packets are let through to the caller (harmless)
            // before the relay stops treating its address as the far side's stand-in.
            tokio::time::sleep(Duration::from_millis(40)).await;
            self.relay.stand_in(Side::B, None);
        }
        let body = sdp::rewrite(&m.body, self.relay.a_addr);
        self.session = timer::for_caller(&self.a_invite, &m);
        let more = self.session.map(timer::answer_headers).unwrap_or_default();
        self.session_deadline = self.session.map(|se| Instant::now() + se.expiry());
        self.answer_a_with(200, "OK", body, more).await;
        self.start_recording();
    }

    /// "announce the call": the device that answered hears "call from" and the
    /// caller's number (or that it is withheld) from a media session standing in for the
    /// caller on the relay, while the caller keeps hearing ringback. False when it cannot be
    /// done (no G.711 in the answer, no free port): the call is then connected at once.
    fn start_whisper(&mut self, idx: usize, m: &Message) -> bool {
        let Some(codec) = sb_sip::media::Codec::from_offer(&m.body) else {
            return false;
        };
        let Some((socket, port)) = self.engine.ports.media_socket() else {
            return false;
        };
        let lang = self
            .target
            .as_ref()
            .map_or("en".to_owned(), |t| t.language.clone());
        let prompts = &self.engine.settings.prompts;
        let mut parts = vec![prompts.get(&lang, "call-from")];
        if self.anonymous {
            parts.push(prompts.get(&lang, "number-withheld"));
        } else {
            parts.extend(
                self.caller
                    .number
                    .chars()
                    .filter(char::is_ascii_digit)
                    .map(|d| prompts.get(&lang, &format!("n{d}"))),
            );
        }
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let mut io = media::Io::new(socket, Latch::exact(self.relay.a_addr), codec, stopped);
        self.relay.stand_in(Side::A, Some(port.addr()));
        let done = self.whispered.clone();
        tokio::spawn(async move {
            let _port = port;
            // A moment for the phone's audio to start after its 200 before the first word.
            if io.play(&[0; 8 * 300], false).await.is_err() {
                return;
            }
            for p in parts {
                if io.play(&p, false).await.is_err() {
                    return;
                }
            }
            // A pause before the caller's voice, which also lets the phone's jitter buffer play
            // out the last word (it may drop what it holds when the caller's stream starts).
            if io.play(&[0; 8 * 400], false).await.is_ok() {
                let _ = done.send(());
            }
        });
        self.whispering = Some(Whispering {
            idx,
            answer: m.clone(),
            _stop: stop,
        });
        self.phase = Phase::Whispering;
        true
    }

    /// The announcement to the answering device is over: the caller is connected.
    async fn whisper_done(&mut self) {
        if self.phase != Phase::Whispering {
            return;
        }
        let Some(w) = self.whispering.take() else {
            return;
        };
        self.relay.stand_in(Side::A, None);
        self.connect(w.answer).await;
    }

    /// The answering device hung up while hearing who was calling: it declined the call,
    /// which goes on with the next step of the plan (voicemail, or a failure).
    async fn whisper_declined(&mut self, idx: usize) {
        self.whispering = None;
        self.relay.stand_in(Side::A, None);
        self.winner = None;
        self.forks[idx].state = ForkState::Done(603);
        self.phase = Phase::Routing;
        self.advance().await;
    }

    /// Records the answered call for each of its lines that records calls: the relay copies
    /// both sides to a recorder, and when the call is over the mix goes to each such line's
    /// inbox.
    fn start_recording(&mut self) {
        use sb_app::recordings::{NewRecording, RecordedDirection};
        let now = self.engine.now_ms();
        let mut jobs = Vec::new();
        if let Some(from) = self.caller.line.as_ref().filter(|l| l.record_calls) {
            jobs.push(NewRecording {
                company_id: from.company_id.clone(),
                line_id: from.id.clone(),
                direction: RecordedDirection::Outgoing,
                other_number: self.dialled.clone(),
                other_name: self.target.as_ref().and_then(|l| l.calling_name.clone()),
                started_at_ms: now,
            });
        }
        if let Some(to) = self.target.as_ref().filter(|l| l.record_calls) {
            let (number, name) = if self.anonymous {
                ("anonymous".to_owned(), None)
            } else {
                (self.caller.number.clone(), self.caller.name.clone())
            };
            jobs.push(NewRecording {
                company_id: to.company_id.clone(),
                line_id: to.id.clone(),
                direction: RecordedDirection::Incoming,
                other_number: number,
                other_name: name,
                started_at_ms: now,
            });
        }
        if jobs.is_empty() {
            return;
        }
        let recording = super::recorder::start(&self.relay);
        let app = self.engine.app.clone();
        tokio::spawn(async move {
            let Ok(samples) = recording.await else {
                return;
            };
            if samples.is_empty() {
                return;
            }
            for job in jobs {
                if let Err(e) = app.store_recording(job, &samples).await {
                    tracing::warn!(error = %e, "could not store a call recording");
                }
            }
        });
    }

    /// ACKs fork `idx`'s 2xx `m`, with the caller's answer to its offer for a late-offer call.
    async fn ack_2xx(&mut self, idx: usize, m: &Message, answer: Option<Vec<u8>>) {
        let f = &self.forks[idx];
        let to = m.header("to").unwrap_or_default().to_owned();
        let (n, _) = m.cseq().unwrap_or((1, "INVITE"));
        let branch = format!("z9hG4bK{}", token());
        let mut ack = self.fork_request(idx, "ACK", f.dialog_uri(), &branch, to, n);
        if let Some(body) = answer {
            ack.set_header("content-type", "application/sdp".to_owned());
            ack.body = body;
        }
        self.engine.send(&ack, f.target).await;
    }

    /// The caller's ACK to a late-offer call: its answer goes on in the ACK to the phone.
    async fn late_answer_from_a(&mut self, ack: &Message) {
        let (Some(m), Some(idx)) = (self.late_ack.take(), self.winner) else {
            return;
        };
        if let Some(addr) = sdp::audio_target(&ack.body) {
            self.relay
                .set_peer(Side::A, addr, self.signalling_ip(Side::A));
        }
        self.late_answer = sdp::rewrite(&ack.body, self.relay.b_addr);
        let answer = self.late_answer.clone();
        self.ack_2xx(idx, &m, answer).await;
    }

    /// The ACK of a failed INVITE belongs to its transaction (same branch, RFC 3261 17.1.1.3).
    async fn ack_failure(&mut self, idx: usize, m: &Message) {
        let f = &self.forks[idx];
        let to = m.header("to").unwrap_or_default().to_owned();
        let ack = self.fork_request(idx, "ACK", &f.ruri, &f.branch, to, f.cseq);
        self.engine.send(&ack, f.target).await;
    }

    // ---- in-dialog requests -----------------------------------------------------------------

    /// A request for the given side's dialog, with our next CSeq on it.
    fn dialog_request(&mut self, side: Side, method: &str) -> Option<(Message, SocketAddr, u32)> {
        let branch = format!("z9hG4bK{}", token());
        match side {
            Side::A => {
                self.a_cseq += 1;
                let to = self.a_invite.header("from")?.to_owned();
                let from = self.a_to_header();
                let headers = vec![
                    ("via", self.via(&branch, self.a_addr)),
                    ("max-forwards", "70".into()),
                    ("from", from),
                    ("to", to),
                    ("call-id", self.a_call_id.clone()),
                    ("cseq", format!("{} {method}", self.a_cseq)),
                    ("contact", self.contact(self.a_addr)),
                ];
                let route = sb_sip::route::uas_route_set(&self.a_invite);
                let m = Message::request(
                    method,
                    &self.a_contact,
                    with_route(headers, &route),
                    Vec::new(),
                );
                Some((m, self.a_addr, self.a_cseq))
            }
            Side::B => {
                let idx = self.winner?;
                self.b_cseq += 1;
                let f = &self.forks[idx];
                let mut m = self.fork_request(
                    idx,
                    method,
                    f.dialog_uri(),
                    &branch,
                    f.dialog_to(),
                    self.b_cseq,
                );
                m.set_header("contact", self.contact(f.target));
                Some((m, f.target, self.b_cseq))
            }
        }
    }

    fn call_id_of(&self, side: Side) -> String {
        match side {
            Side::A => self.a_call_id.clone(),
            Side::B => self
                .winner
                .map(|i| self.forks[i].call_id.clone())
                .unwrap_or_default(),
        }
    }

    async fn bye(&mut self, side: Side) {
        if let Some((m, to, cseq)) = self.dialog_request(side, "BYE") {
            let id = self.call_id_of(side);
            self.send_request(m, to, id, cseq).await;
        }
    }

    async fn bye_fork(&mut self, idx: usize) {
        let f = &self.forks[idx];
        let branch = format!("z9hG4bK{}", token());
        let m = self.fork_request(
            idx,
            "BYE",
            f.dialog_uri(),
            &branch,
            f.dialog_to(),
            f.cseq + 1,
        );
        let (target, id, n) = (f.target, f.call_id.clone(), f.cseq + 1);
        self.forks[idx].state = ForkState::Done(200);
        self.send_request(m, target, id, n).await;
    }

    /// Passes an in-dialog request from one side to the other (hold, resume, codec change,
    /// DTMF by INFO), its SDP pointed at the relay.
    async fn forward(&mut self, from_side: Side, m: Message, from: SocketAddr) {
        if let Some(d) = &self.deposit {
            // Talking to Switchboard itself: nothing to pass on; the media stays as agreed.
            let contact = self.contact(from);
            let mut r = reply(&m, 200, "OK", &[("Contact", &contact)]);
            if m.method() != Some("INFO") {
                r.body = d.sdp.clone();
                r.set_header("content-type", "application/sdp".to_owned());
            }
            self.engine.send(&r, from).await;
            return;
        }
        let (n, method) = m.cseq().unwrap_or((0, ""));
        if let Some((side, cseq, meth, bytes, to)) = &self.last_reply
            && *side == from_side
            && *cseq == n
            && meth == method
        {
            // A retransmission of a request already answered: the answer was lost.
            let (bytes, to) = (bytes.clone(), *to);
            self.engine.send_bytes(&bytes, to).await;
            return;
        }
        if let Some(p) = &self.pending {
            let again = p.toward != from_side
                && p.origin
                    .cseq()
                    .is_some_and(|(k, meth)| k == n && meth == method);
            if again {
                // The sender repeats its request while the other side thinks: it is on its
                // way (and being repeated to the other side by us).
                if method == "INVITE" {
                    let r = reply(&m, 100, "Trying", &[]);
                    self.engine.send(&r, from).await;
                }
                return;
            }
            let r = reply(&m, 491, "Request Pending", &[]);
            self.engine.send(&r, from).await;
            return;
        }
        let toward = match from_side {
            Side::A => Side::B,
            Side::B => Side::A,
        };
        let method = m.method().unwrap_or_default().to_owned();
        let Some((mut out, to, cseq)) = self.dialog_request(toward, &method) else {
            return;
        };
        for (name, value) in timer_headers(&m) {
            out.set_header(name, value);
        }
        if !m.body.is_empty() {
            let is_sdp = m
                .header("content-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("application/sdp"));
            if is_sdp {
                if let Some(addr) = sdp::audio_target(&m.body) {
                    self.relay
                        .redescribe(from_side, addr, self.signalling_ip(from_side));
                }
                let facing = if toward == Side::A {
                    self.relay.a_addr
                } else {
                    self.relay.b_addr
                };
                out.body = sdp::rewrite(&m.body, facing).unwrap_or_else(|| m.body.clone());
            } else {
                out.body = m.body.clone();
            }
            if let Some(t) = m.header("content-type") {
                out.set_header("content-type", t.to_owned());
            }
        }
        let bytes = out.to_bytes();
        self.engine.send_bytes(&bytes, to).await;
        // Over UDP the request is ours to repeat until the other side answers.
        self.retx.push(Retx::new(
            Key::Request(self.call_id_of(toward), cseq),
            bytes,
            to,
            method != "INVITE",
            self.engine.on_stream(to),
        ));
        self.pending = Some(Pending {
            toward,
            cseq,
            method,
            origin: m,
            origin_addr: from,
        });
    }

    /// A response on a leg to something other than the first INVITE.
    async fn answer_from(&mut self, side: Side, m: Message) {
        let Some((n, method)) = m.cseq() else {
            return;
        };
        let code = m.code().unwrap_or(500);
        let call_id = m.header("call-id").unwrap_or_default().to_owned();
        if code >= 200 || method == "INVITE" {
            self.retx
                .retain(|r| r.key != Key::Request(call_id.clone(), n));
        }
        let matches = self
            .pending
            .as_ref()
            .is_some_and(|p| p.toward == side && p.cseq == n && p.method == method);
        if !matches {
            if let Some((s, k, bytes, to)) = &self.last_ack
                && *s == side
                && *k == n
                && method == "INVITE"
                && (200..300).contains(&code)
            {
                // The other side did not get our ACK and repeats its 2xx.
                let (bytes, to) = (bytes.clone(), *to);
                self.engine.send_bytes(&bytes, to).await;
            }
            return;
        }
        if code < 200 && code != 180 && code != 183 {
            return;
        }
        let Some(p) = (if code >= 200 {
            self.pending.take()
        } else {
            None
        }) else {
            return;
        };
        if method == "INVITE" && (200..300).contains(&code) {
            // We answered for the far side; its ACK ends here and ours goes to this side.
            if let Some((mut ack, to, _)) = self.dialog_request(side, "ACK") {
                ack.set_header("cseq", format!("{n} ACK"));
                let bytes = ack.to_bytes();
                self.engine.send_bytes(&bytes, to).await;
                self.last_ack = Some((side, n, bytes, to));
            }
            match side {
                Side::A => self.a_cseq -= 1,
                Side::B => self.b_cseq -= 1,
            }
        }
        let back = p.toward;
        let origin_side = if back == Side::A { Side::B } else { Side::A };
        let reason = match &m.start {
            sb_sip::StartLine::Response { reason, .. } => reason.clone(),
            sb_sip::StartLine::Request { .. } => String::new(),
        };
        let contact = self.contact(p.origin_addr);
        let mut r = reply(&p.origin, code, &reason, &[("Contact", &contact)]);
        if (200..300).contains(&code) && matches!(method, "INVITE" | "UPDATE") {
            // A refresh (RFC 4028 section 7.4): the interval starts again, as now agreed.
            self.session = timer::for_caller(&p.origin, &m);
            self.session_deadline = self.session.map(|se| Instant::now() + se.expiry());
            for (name, value) in self.session.map(timer::answer_headers).unwrap_or_default() {
                r.set_header(name, value);
            }
        }
        if !m.body.is_empty() {
            if let Some(addr) = sdp::audio_target(&m.body) {
                self.relay.redescribe(side, addr, self.signalling_ip(side));
            }
            let facing = if origin_side == Side::A {
                self.relay.a_addr
            } else {
                self.relay.b_addr
            };
            r.body = sdp::rewrite(&m.body, facing).unwrap_or_else(|| m.body.clone());
            if let Some(t) = m.header("content-type") {
                r.set_header("content-type", t.to_owned());
            }
        }
        let bytes = r.to_bytes();
        self.engine.send_bytes(&bytes, p.origin_addr).await;
        let (origin_n, origin_method) = p
            .origin
            .cseq()
            .map_or((0, String::new()), |(k, meth)| (k, meth.to_owned()));
        if origin_method == "INVITE" && (200..300).contains(&code) {
            // Ours to repeat until the ACK comes.
            self.retx.push(Retx::new(
                Key::Reply(self.call_id_of(origin_side), origin_n),
                bytes.clone(),
                p.origin_addr,
                true,
                false,
            ));
        }
        self.last_reply = Some((origin_side, origin_n, origin_method, bytes, p.origin_addr));
    }

    // ---- timers -----------------------------------------------------------------------------

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
        if self.session_deadline.is_some_and(|t| t <= now) && self.phase == Phase::Answered {
            // Nobody refreshed the session: both phones are told the call is over.
            tracing::info!(call_id = %self.a_call_id, "session interval passed without a refresh");
            self.session_deadline = None;
            self.bye(Side::A).await;
            self.bye(Side::B).await;
            self.end();
        }
        let mut given_up: Vec<Key> = Vec::new();
        let mut resend: Vec<(Vec<u8>, SocketAddr)> = Vec::new();
        for r in &mut self.retx {
            match r.due(now) {
                Due::GiveUp => given_up.push(r.key.clone()),
                Due::Resend => resend.push((r.bytes.clone(), r.to)),
                Due::Nothing => {}
            }
        }
        self.retx.retain(|r| !given_up.contains(&r.key));
        for (b, to) in resend {
            self.engine.send_bytes(&b, to).await;
        }
        for key in given_up {
            match key {
                Key::ForkInvite(id) => {
                    if let Some(i) = self.forks.iter().position(|f| f.call_id == id) {
                        self.forks[i].state = ForkState::Done(408);
                        self.ring_result().await;
                    }
                }
                Key::AFinal if self.phase == Phase::Answered => {
                    // The caller never acknowledged the answer: end both legs (RFC 3261 13.3.1.4).
                    self.bye(Side::B).await;
                    self.end();
                }
                Key::Request(id, n) => {
                    // The other side never answered a request passed to it: its sender gets a
                    // timeout, and the dialog takes requests again.
                    let stuck = self
                        .pending
                        .as_ref()
                        .is_some_and(|p| p.cseq == n && self.call_id_of(p.toward) == id);
                    if stuck && let Some(p) = self.pending.take() {
                        let r = reply(&p.origin, 408, "Request Timeout", &[]);
                        self.engine.send(&r, p.origin_addr).await;
                    }
                }
                _ => {}
            }
        }
    }

    async fn finish(mut self) {
        self.engine.count(&self.counted, -1);
        self.counted.clear();
        self.engine.give_slots(&self.slots);
        self.slots.clear();
        self.engine.detach(&self.a_call_id);
        for f in &self.forks {
            self.engine.detach(&f.call_id);
        }
        self.engine.active_calls.fetch_sub(1, Ordering::Relaxed);
        let _ = (
            &self.status,
            &self.started_ms,
            &self.answered_ms,
            &self.dialled,
        );
        self.reached.clear();
    }
}
