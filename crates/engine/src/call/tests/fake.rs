//! The fake [`CallContext`] whole-call tests drive a call through: what the call sends is kept
//! as text; devices, the routing answer and the caps are as the test sets them; lamps, counts,
//! slots and the call log are recorded to be checked; the wall clock follows tokio's paused one.

use super::*;
use crate::call::context::{Business, Dispatch, Lamps, Task};
use crate::hold::Hold;
use crate::line_state::LineState;
use crate::media::{Io, Prompts};
use crate::portal::Mailbox;
use crate::ports::{Devices, Signalling};
use crate::relay::Ports;
use crate::settings::Caps;
use parking_lot::Mutex;
use sb_app::AppResult;
use sb_app::outside::OutsidePlan;
use sb_app::queue_board::WaitingBoard;
use sb_app::queues::Passage;
use sb_app::recordings::NewRecording;
use sb_app::voicemail::Deposit;
use sb_domain::ids::{ConferenceId, LineId, QueueId};
use sb_domain::routing::mailbox::Greeting;
use sb_domain::routing::{Reason, Step};
use sb_media::mixer::Rooms;
use sb_sip::registrar::Binding;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::AtomicU64;

/// The fake: what a call sends is kept as text, with where it went; everything else answers
/// as the test set it up.
pub(super) struct Fake {
    pub(super) sent: Mutex<Vec<(String, SocketAddr)>>,
    pub(super) devices: HashMap<String, Vec<Binding>>,
    /// What the business layer answers, by the string dialled.
    pub(super) routes: HashMap<String, Destination>,
    pub(super) tasks: Mutex<HashMap<String, Task>>,
    pub(super) lamps: Mutex<Vec<(LineId, LineState)>>,
    /// The caps' slots held now, by how many calls.
    pub(super) slots: Mutex<HashMap<Slot, i64>>,
    /// Calls counted in departments now.
    pub(super) counted: Mutex<HashMap<DepartmentId, i64>>,
    pub(super) logged: Mutex<Vec<NewCallRecord>>,
    pub(super) active: AtomicU64,
    pub(super) caps: Caps,
    pub(super) ports: Arc<Ports>,
    pub(super) hold: Arc<Hold>,
    pub(super) rooms: Arc<Rooms<ConferenceId>>,
    pub(super) call_in: queue::CallInPool,
    pub(super) prompts: Arc<Prompts>,
    pub(super) board: WaitingBoard,
    /// The wall clock follows tokio's paused one from here.
    pub(super) origin: Instant,
}

impl Fake {
    /// Line 201, which rings for 60 s on each of `devices` (the address each registered
    /// from), and nothing after.
    pub(super) fn new(devices: &[&str]) -> Arc<Fake> {
        Fake::with_lines(&[("201", devices, vec![ring(60)])])
    }

    /// Each line's extension, the devices registered on it and its plan's steps: what the
    /// business layer answers for that extension dialled.
    pub(super) fn with_lines(lines: &[(&str, &[&str], Vec<Step>)]) -> Arc<Fake> {
        let mut devices = HashMap::new();
        let mut routes = HashMap::new();
        for (extension, registered, steps) in lines {
            let bindings = registered
                .iter()
                .map(|d| Binding {
                    contact: format!("sip:{extension}@{d}"),
                    expires_at_ms: i64::MAX,
                    call_id: format!("reg-{d}"),
                    cseq: 1,
                    source: (*d).to_owned(),
                    path: Vec::new(),
                    user_agent: String::new(),
                })
                .collect();
            devices.insert(format!("{extension}@acme.sip.test"), bindings);
            let destination = Destination::Line {
                line: Box::new(line(extension)),
                plan: Plan {
                    steps: steps.clone(),
                    on_busy: None,
                },
                mailbox: MailboxPlan {
                    greeting: Greeting::Own,
                    limits: MessageLimits {
                        max_seconds: 60,
                        silence_seconds: 5,
                        min_millis: 500,
                    },
                },
            };
            routes.insert((*extension).to_owned(), destination);
        }
        Arc::new(Fake {
            sent: Mutex::default(),
            devices,
            routes,
            tasks: Mutex::default(),
            lamps: Mutex::default(),
            slots: Mutex::default(),
            counted: Mutex::default(),
            logged: Mutex::default(),
            active: AtomicU64::new(0),
            caps: Caps {
                company: 0,
                line: 0,
                max_ringing: Duration::from_secs(180),
            },
            ports: Ports::new(
                std::net::IpAddr::from([127, 0, 0, 1]),
                (42_000, 42_999),
                sb_media::reach::MediaReach::default(),
            ),
            hold: Arc::default(),
            rooms: Arc::default(),
            call_in: queue::CallInPool::default(),
            prompts: Arc::new(Prompts::load(None).unwrap()),
            board: WaitingBoard::default(),
            origin: Instant::now(),
        })
    }

    /// Adds what the business layer answers for `dialled`, before the fake is shared.
    pub(super) fn with_route(mut self: Arc<Self>, dialled: &str, d: Destination) -> Arc<Self> {
        let fake = Arc::get_mut(&mut self).expect("a fake not shared yet");
        fake.routes.insert(dialled.to_owned(), d);
        self
    }

    /// What the call sent since the last look, in order.
    pub(super) fn take_sent(&self) -> Vec<(String, SocketAddr)> {
        std::mem::take(&mut *self.sent.lock())
    }
}

/// A plan's step: ring the line's devices for `seconds`.
pub(super) fn ring(seconds: u32) -> Step {
    Step {
        action: Action::Ring {
            seconds: Some(seconds),
        },
        reason: Reason::RingUntilAnswered,
    }
}

pub(super) fn line(extension: &str) -> SipLine {
    SipLine {
        id: LineId::from_raw(format!("line-{extension}")),
        company_id: CompanyId::from_raw("acme"),
        extension: extension.to_owned(),
        calling_name: None,
        presentation_number: None,
        aor: format!("{extension}@acme.sip.test"),
        sip_domain: "acme.sip.test".to_owned(),
        departments: vec![DepartmentId::from_raw(format!("dept-{extension}"))],
        language: "en".to_owned(),
        second_language: None,
        record_calls: false,
    }
}

impl Signalling for Fake {
    async fn send_bytes(&self, bytes: &[u8], to: SocketAddr) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        self.sent.lock().push((text, to));
    }
    fn on_stream(&self, _: SocketAddr) -> bool {
        false
    }
    fn via(&self, branch: &str, _: SocketAddr) -> String {
        format!("SIP/2.0/UDP {LOCAL};rport;branch={branch}")
    }
    fn contact_for(&self, _: SocketAddr) -> String {
        format!("<sip:switchboard@{LOCAL}>")
    }
    fn local(&self) -> SocketAddr {
        addr(LOCAL)
    }
}

impl Devices for Fake {
    fn devices(&self, aor: &str) -> Vec<Binding> {
        self.devices.get(aor).cloned().unwrap_or_default()
    }
    fn device_address(&self, b: &Binding) -> Option<SocketAddr> {
        b.source.parse().ok()
    }
}

impl Dispatch for Fake {
    fn attach(&self, call_id: &str, task: &Task) {
        self.tasks.lock().insert(call_id.to_owned(), task.clone());
    }
    fn detach(&self, call_id: &str) {
        self.tasks.lock().remove(call_id);
    }
}

impl Lamps for Fake {
    fn set_line_state(self: &Arc<Self>, line: &LineId, state: LineState) {
        self.lamps.lock().push((line.clone(), state));
    }
    fn on_a_call(&self, _: &LineId) -> bool {
        false
    }
    fn count(&self, departments: &[DepartmentId], delta: i64) {
        let mut counted = self.counted.lock();
        for d in departments {
            *counted.entry(d.clone()).or_default() += delta;
        }
        counted.retain(|_, n| *n != 0);
    }
    fn active_calls(&self) -> &AtomicU64 {
        &self.active
    }
    fn take_slot(&self, slot: &Slot, _: i64) -> bool {
        *self.slots.lock().entry(slot.clone()).or_default() += 1;
        true
    }
    fn give_slots(&self, slots: &[Slot]) {
        let mut held = self.slots.lock();
        for s in slots {
            *held.entry(s.clone()).or_default() -= 1;
        }
        held.retain(|_, n| *n != 0);
    }
    fn may_ring(&self, _: &str, _: usize) -> bool {
        true
    }
    fn queue_next(&self, _: &QueueId) -> usize {
        0
    }
    fn set_queue_next(&self, _: &QueueId, _: usize) {}
    fn now_ms(&self) -> i64 {
        let passed = Instant::now().duration_since(self.origin).as_millis();
        1_796_000_000_000 + i64::try_from(passed).unwrap()
    }
    fn caps(&self) -> &Caps {
        &self.caps
    }
    fn max_calls(&self) -> u64 {
        0
    }
}

impl Business for Fake {
    async fn route_call(&self, _: &CompanyId, d: &Dialled<'_>) -> AppResult<Destination> {
        Ok(self
            .routes
            .get(d.dialled)
            .cloned()
            .unwrap_or(Destination::Unknown))
    }
    async fn outside_plan(
        &self,
        _: &CompanyId,
        _: &Dialled<'_>,
        number: &str,
        _: bool,
    ) -> AppResult<OutsidePlan> {
        Ok(OutsidePlan {
            number: number.to_owned(),
            trunk: None,
            caller_id: outbound::Presented {
                number: number.to_owned(),
                name: None,
                withheld: false,
            },
        })
    }
    async fn notify_emergency(&self, _: &SipLine, _: &str, _: &str) -> AppResult<usize> {
        Ok(0)
    }
    async fn line_greeting(&self, _: &LineId) -> Option<Vec<i16>> {
        None
    }
    async fn deposit_voicemail(&self, _: Deposit) -> AppResult<()> {
        Ok(())
    }
    async fn store_fax(&self, _: sb_app::faxes::NewFax) -> AppResult<()> {
        Ok(())
    }
    fn fax_dir(&self) -> &std::path::Path {
        std::path::Path::new("/nonexistent")
    }
    async fn store_recording(&self, _: NewRecording, _: &[i16]) -> AppResult<()> {
        Ok(())
    }
    async fn record_queue_call(
        &self,
        _: &QueueId,
        _: &str,
        _: i64,
        _: Passage,
        _: Option<&LineId>,
    ) -> AppResult<()> {
        Ok(())
    }
    fn waiting_board(&self) -> &WaitingBoard {
        &self.board
    }
    fn log_call(&self, records: Vec<NewCallRecord>) {
        self.logged.lock().extend(records);
    }
}

impl CallContext for Fake {
    fn ports(&self) -> &Arc<Ports> {
        &self.ports
    }
    fn hold(&self) -> &Arc<Hold> {
        &self.hold
    }
    fn rooms(&self) -> &Arc<Rooms<ConferenceId>> {
        &self.rooms
    }
    fn call_in(&self) -> &queue::CallInPool {
        &self.call_in
    }
    fn prompts(&self) -> &Arc<Prompts> {
        &self.prompts
    }
    fn voice_portal(
        self: &Arc<Self>,
        _: Io,
        _: (String, Option<String>),
        _: Mailbox,
        _: String,
    ) -> impl Future<Output = ()> + Send + 'static {
        std::future::ready(())
    }
    fn conference(
        self: &Arc<Self>,
        _: Io,
        _: (String, Option<String>),
        _: crate::conference::Caller,
    ) -> impl Future<Output = ()> + Send + 'static {
        std::future::ready(())
    }
}
