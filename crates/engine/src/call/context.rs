//! Everything a call task asks of the rest of Switchboard, as one port ([`CallContext`]): the
//! B2BUA is driven through it and nothing else, so a test can drive a whole call with a fake
//! that records what the call sends (`call/tests.rs`). [`Engine`] is the real one.
//!
//! `CallContext` is made of smaller ports, each one kind of thing asked: sending and addressing
//! (`ports::Signalling`) and locating devices (`ports::Devices`), which the services outside
//! calls share; the Call-ID table ([`Dispatch`]); lamps and counters ([`Lamps`]); the business
//! layer's use cases ([`Business`]); and, in `CallContext` itself, the media. Code that needs
//! only one of them can be generic over that one.
//!
//! The call's own rules (its transactions, dialogs, forks, timers) stay in the call; what is
//! here is what many calls share or what lies outside the engine: the transports, where
//! devices are, the lamps and counters, the Call-ID table, the business layer's use cases, and
//! the media resources (relay ports, music on hold, conference rooms, call-in agents).
//!
//! The call is generic over its context rather than holding an `Arc<dyn CallContext>`: the
//! asynchronous methods return plain futures (no box per message sent), and the ports the
//! call applications run on (`portal::Mailboxes`, `conference::Bridge`) are themselves generic
//! traits that could not be reached through a trait object. The voice portal and the bridge
//! are therefore started by the context (`voice_portal`, `conference`), which knows them.

use super::queue::CallInPool;
use crate::Engine;
use crate::admission::Slot;
use crate::conference;
use crate::hold::Hold;
use crate::line_state::LineState;
use crate::media::{Io, Prompts};
use crate::portal::Mailbox;
use crate::ports::{Devices, Signalling};
use crate::relay::Ports;
use crate::settings::Caps;
use sb_app::AppResult;
use sb_app::call_log::NewCallRecord;
use sb_app::faxes::NewFax;
use sb_app::outside::OutsidePlan;
use sb_app::queue_board::WaitingBoard;
use sb_app::queues::Passage;
use sb_app::recordings::NewRecording;
use sb_app::switch::{Destination, Dialled, SipLine};
use sb_app::voicemail::Deposit;
use sb_domain::ids::{CompanyId, ConferenceId, DepartmentId, LineId, QueueId};
use sb_media::mixer::Rooms;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Where a call task's messages come from: every message of its Call-IDs, on either leg.
pub(crate) use crate::table::Task;

/// The Call-ID table: which call task a message goes to.
pub(crate) trait Dispatch: Send + Sync + 'static {
    /// Routes later messages with `call_id` to the call's task.
    fn attach(&self, call_id: &str, task: &Task);
    fn detach(&self, call_id: &str);
}

/// Lamps, presence and counters: what many calls share and each call keeps up to date.
pub(crate) trait Lamps: Send + Sync + Sized + 'static {
    /// What a line is doing now, for its busy lamps and the queue boards.
    fn set_line_state(self: &Arc<Self>, line: &LineId, state: LineState);
    /// Whether the line is in an answered call.
    fn on_a_call(&self, line: &LineId) -> bool;
    /// Counts a call in these departments; +1 when it starts, -1 when it ends.
    fn count(&self, departments: &[DepartmentId], delta: i64);
    /// Calls in progress, for /metrics and the installation's cap.
    fn active_calls(&self) -> &AtomicU64;
    /// Takes one call's slot under a cap (`max` 0: none); false when it is full.
    fn take_slot(&self, slot: &Slot, max: i64) -> bool;
    fn give_slots(&self, slots: &[Slot]);
    /// Whether calls to `aor` may ring `devices` more devices now (the fan-out guard).
    fn may_ring(&self, aor: &str, devices: usize) -> bool;
    /// The agent a round-robin queue offers its next caller to first.
    fn queue_next(&self, queue: &QueueId) -> usize;
    fn set_queue_next(&self, queue: &QueueId, agent: usize);
    /// The wall clock, in Unix milliseconds (monotonic time is tokio's).
    fn now_ms(&self) -> i64;
    /// Calls at once per company and per line, and the longest a call may ring.
    fn caps(&self) -> &Caps;
    /// Calls in progress at most on this installation (0: no limit).
    fn max_calls(&self) -> u64;
}

/// Routing and the business layer's use cases a call asks for.
pub(crate) trait Business: Send + Sync + 'static {
    /// Where a dialled string goes, with the plan for it (`App::route_call`).
    fn route_call(
        &self,
        company: &CompanyId,
        d: &Dialled<'_>,
    ) -> impl Future<Output = AppResult<Destination>> + Send;
    /// The plan of a call to an outside or emergency number (`App::outside_plan`).
    fn outside_plan(
        &self,
        company: &CompanyId,
        d: &Dialled<'_>,
        number: &str,
        emergency: bool,
    ) -> impl Future<Output = AppResult<OutsidePlan>> + Send;
    /// Mails the company's emergency recipients; how many were told.
    fn notify_emergency(
        &self,
        line: &SipLine,
        dialled: &str,
        caller_id: &str,
    ) -> impl Future<Output = AppResult<usize>> + Send;
    /// A line's own greeting, if it has a readable one.
    fn line_greeting(&self, line: &LineId) -> impl Future<Output = Option<Vec<i16>>> + Send;
    fn deposit_voicemail(&self, d: Deposit) -> impl Future<Output = AppResult<()>> + Send;
    /// A fax received whole, for the line's inbox (`App::store_fax`).
    fn store_fax(&self, f: NewFax) -> impl Future<Output = AppResult<()>> + Send;
    /// Where a fax being received is written until it is whole.
    fn fax_dir(&self) -> &std::path::Path;
    fn store_recording(
        &self,
        r: NewRecording,
        samples: &[i16],
    ) -> impl Future<Output = AppResult<()>> + Send;
    /// A queue caller's passage, once it is over.
    fn record_queue_call(
        &self,
        queue: &QueueId,
        caller: &str,
        entered_ms: i64,
        how: Passage,
        agent: Option<&LineId>,
    ) -> impl Future<Output = AppResult<()>> + Send;
    /// Who waits in which queue, for the live boards.
    fn waiting_board(&self) -> &WaitingBoard;
    /// Hands a finished call's records to the call-log writer (the call never waits for it).
    fn log_call(&self, records: Vec<NewCallRecord>);
}

/// What one call needs from outside itself: the smaller ports above (sending and addressing,
/// locating devices, the Call-ID table, lamps and counters, the business layer), and here the
/// media. Methods that start work beyond the call (lamps told to watchers, a call
/// application's media) take the context's `Arc`, as that work outlives the call's borrow.
pub(crate) trait CallContext:
    Signalling + Devices + Dispatch + Lamps + Business + Send + Sync + Sized + 'static
{
    // ---- media -------------------------------------------------------------------------------

    /// The relay's and the media endpoint's UDP ports.
    fn ports(&self) -> &Arc<Ports>;
    /// Music on hold, from one clock for everyone waiting.
    fn hold(&self) -> &Arc<Hold>;
    /// Conference rooms, and the rooms for two where call-in agents meet their callers.
    fn rooms(&self) -> &Arc<Rooms<ConferenceId>>;
    /// Call-in agents dialled in to their queues.
    fn call_in(&self) -> &CallInPool;
    /// What callers hear from Switchboard itself.
    fn prompts(&self) -> &Arc<Prompts>;
    /// The voice portal's dialogue on `io`, asking the business layer for the mailbox.
    fn voice_portal(
        self: &Arc<Self>,
        io: Io,
        langs: (String, Option<String>),
        mailbox: Mailbox,
        source: String,
    ) -> impl Future<Output = ()> + Send + 'static;
    /// The conference bridge's dialogue on `io`: the access code, then the room.
    fn conference(
        self: &Arc<Self>,
        io: Io,
        langs: (String, Option<String>),
        caller: conference::Caller,
    ) -> impl Future<Output = ()> + Send + 'static;
}

impl Dispatch for Engine {
    fn attach(&self, call_id: &str, task: &Task) {
        Engine::attach(self, call_id, task);
    }
    fn detach(&self, call_id: &str) {
        Engine::detach(self, call_id);
    }
}

impl Lamps for Engine {
    fn set_line_state(self: &Arc<Self>, line: &LineId, state: LineState) {
        Engine::set_line_state(self, line, state);
    }
    fn on_a_call(&self, line: &LineId) -> bool {
        Engine::on_a_call(self, line)
    }
    fn count(&self, departments: &[DepartmentId], delta: i64) {
        Engine::count(self, departments, delta);
    }
    fn active_calls(&self) -> &AtomicU64 {
        &self.active_calls
    }
    fn take_slot(&self, slot: &Slot, max: i64) -> bool {
        Engine::take_slot(self, slot, max)
    }
    fn give_slots(&self, slots: &[Slot]) {
        Engine::give_slots(self, slots);
    }
    fn may_ring(&self, aor: &str, devices: usize) -> bool {
        Engine::may_ring(self, aor, devices)
    }
    fn queue_next(&self, queue: &QueueId) -> usize {
        Engine::queue_next(self, queue)
    }
    fn set_queue_next(&self, queue: &QueueId, agent: usize) {
        Engine::set_queue_next(self, queue, agent);
    }
    fn now_ms(&self) -> i64 {
        Engine::now_ms(self)
    }
    fn caps(&self) -> &Caps {
        &self.settings.caps
    }
    fn max_calls(&self) -> u64 {
        self.settings.max_calls
    }
}

impl Business for Engine {
    fn route_call(
        &self,
        company: &CompanyId,
        d: &Dialled<'_>,
    ) -> impl Future<Output = AppResult<Destination>> + Send {
        self.app.route_call(company, d, self)
    }
    fn outside_plan(
        &self,
        company: &CompanyId,
        d: &Dialled<'_>,
        number: &str,
        emergency: bool,
    ) -> impl Future<Output = AppResult<OutsidePlan>> + Send {
        self.app.outside_plan(company, d, number, emergency)
    }
    fn notify_emergency(
        &self,
        line: &SipLine,
        dialled: &str,
        caller_id: &str,
    ) -> impl Future<Output = AppResult<usize>> + Send {
        self.app.notify_emergency(line, dialled, caller_id)
    }
    fn line_greeting(&self, line: &LineId) -> impl Future<Output = Option<Vec<i16>>> + Send {
        self.app.line_greeting(line)
    }
    async fn deposit_voicemail(&self, d: Deposit) -> AppResult<()> {
        self.app.deposit_voicemail(d).await.map(drop)
    }
    async fn store_fax(&self, f: NewFax) -> AppResult<()> {
        self.app.store_fax(f).await.map(drop)
    }
    fn fax_dir(&self) -> &std::path::Path {
        &self.settings.fax_dir
    }
    async fn store_recording(&self, r: NewRecording, samples: &[i16]) -> AppResult<()> {
        self.app.store_recording(r, samples).await.map(drop)
    }
    fn record_queue_call(
        &self,
        queue: &QueueId,
        caller: &str,
        entered_ms: i64,
        how: Passage,
        agent: Option<&LineId>,
    ) -> impl Future<Output = AppResult<()>> + Send {
        self.app
            .record_queue_call(queue, caller, entered_ms, how, agent)
    }
    fn waiting_board(&self) -> &WaitingBoard {
        self.app.waiting_board()
    }
    fn log_call(&self, records: Vec<NewCallRecord>) {
        let _ = self.call_log.send(records);
    }
}

impl CallContext for Engine {
    fn ports(&self) -> &Arc<Ports> {
        &self.ports
    }
    fn hold(&self) -> &Arc<Hold> {
        &self.hold
    }
    fn rooms(&self) -> &Arc<Rooms<ConferenceId>> {
        &self.conferences.rooms
    }
    fn call_in(&self) -> &CallInPool {
        &self.call_in
    }
    fn prompts(&self) -> &Arc<Prompts> {
        &self.settings.prompts
    }
    fn voice_portal(
        self: &Arc<Self>,
        mut io: Io,
        langs: (String, Option<String>),
        mailbox: Mailbox,
        source: String,
    ) -> impl Future<Output = ()> + Send + 'static {
        let (app, prompts) = (self.app.clone(), self.settings.prompts.clone());
        async move { crate::portal::run(&mut io, &app, prompts, langs, mailbox, source).await }
    }
    fn conference(
        self: &Arc<Self>,
        mut io: Io,
        langs: (String, Option<String>),
        caller: conference::Caller,
    ) -> impl Future<Output = ()> + Send + 'static {
        let engine = self.clone();
        async move {
            let (rooms, prompts) = (&engine.conferences, &engine.settings.prompts);
            conference::run(&mut io, engine.as_ref(), rooms, prompts, langs, caller).await;
        }
    }
}
