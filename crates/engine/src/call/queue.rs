//! A caller in a queue. The caller is answered at once on the call's relay and
//! hears music on hold from a media session that sits on the relay's far side; the agents ring
//! as the queue's strategy says, re-planned every second (`sb_domain::queue::ringing`). When an
//! agent answers, the music stops and the relay's far side is pointed at the agent: caller and
//! agent talk through the relay like any call. After the maximum wait the caller is hung up,
//! offered to a line, or leaves a message in a line's mailbox (the same media session records).

use super::{
    Call, CallContext, ForkState, MediaSession, Outcome, Phase, Side, SipLine, media, sdp,
};
use crate::hold::Hold;
use parking_lot::Mutex;
use sb_app::queues::{AgentKind, CallInHold, CallInSetup, Passage, QueueSetup};
use sb_domain::ids::{ConferenceId, LineId, QueueId};
use sb_domain::model::QueueOverflow;
use sb_domain::queue::{Timing, ringing};
use sb_domain::routing::mailbox::MessageLimits;
use sb_media::codec::Codec;
use sb_media::latch::Latch;
use sb_media::mixer::Rooms;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// How long a line taking an overflowed caller rings before the caller is let go.
const OVERFLOW_RING: Duration = Duration::from_secs(60);

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);

/// A caller's wait in a queue.
pub(super) struct QueueRun {
    setup: QueueSetup,
    token: u64,
    entered: Instant,
    entered_ms: i64,
    deadline: Instant,
    next_tick: Instant,
    /// (agent, fork) for every fork placed to an agent.
    forks: Vec<(usize, usize)>,
    /// When an agent last stopped ringing unanswered, so that it is not rung again at once.
    rested: HashMap<usize, Instant>,
    /// What agents are offered: the caller's codec at the relay's far side.
    offer: Vec<u8>,
    /// Turns the music into a voicemail deposit (overflow to voicemail) or a conversation
    /// with a call-in agent.
    hold_cmd: Option<oneshot::Sender<HoldCommand>>,
    /// The overflow line is ringing (no strategy any more).
    overflowing: bool,
    /// The passage is over (answered, abandoned, overflowed) and recorded.
    finished: bool,
}

impl QueueRun {
    pub(super) fn next_wake(&self) -> Option<Instant> {
        (!self.finished || self.overflowing).then(|| self.next_tick.min(self.deadline))
    }

    /// Whether the caller still waits for an agent (or for the overflow line).
    pub(super) fn waiting(&self) -> bool {
        !self.finished || self.overflowing
    }
}

impl<C: CallContext> Call<C> {
    /// Puts the caller in the queue: answered with music on hold, agents rung.
    pub(super) async fn enqueue(&mut self, setup: QueueSetup) {
        let Some(codec) = Codec::from_offer(&self.a_offer) else {
            self.fail(488, "Not Acceptable Here: G.711 Is Needed").await;
            return;
        };
        let Some((socket, port)) = self.ctx.ports().media_socket() else {
            self.fail(503, "No Media Ports").await;
            return;
        };
        let answer = self.our_sdp(self.relay.a_addr.port(), codec);
        let offer = self.our_sdp(self.relay.b_addr.port(), codec);
        let (stop, stopped) = oneshot::channel();
        // The music session talks to the relay's far side, as an agent's phone will.
        let io = media::Io::new(socket, Latch::exact(self.relay.b_addr), codec, stopped);
        self.relay.set_own(Side::B, port.addr());
        let music: Arc<[i16]> = match &setup.music {
            Some(m) if !m.is_empty() => m.clone().into(),
            _ => media::hold_music().into(),
        };
        let (hold_cmd, commands) = oneshot::channel();
        let done = self.recorded.clone();
        let (rooms, player) = (self.ctx.rooms().clone(), self.ctx.hold().clone());
        tokio::spawn(async move {
            let _ = done.send(hold(io, music, commands, rooms, player).await);
        });
        self.deposit = Some(MediaSession {
            mailbox: None,
            stop: Some(stop),
            sdp: answer.clone(),
            _port: port,
        });
        let now = Instant::now();
        let token = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
        let entered_ms = self.ctx.now_ms();
        self.ctx.waiting_board().enter(&setup.id, token, entered_ms);
        self.queue = Some(QueueRun {
            deadline: now + Duration::from_secs(setup.max_wait_secs),
            setup,
            token,
            entered: now,
            entered_ms,
            next_tick: now,
            forks: Vec::new(),
            rested: HashMap::new(),
            offer,
            hold_cmd: Some(hold_cmd),
            overflowing: false,
            finished: false,
        });
        self.answer_media(answer).await;
        self.queue_tick().await;
    }

    /// Rings and cancels agents to match the strategy now; at the maximum wait, the overflow.
    pub(super) async fn queue_tick(&mut self) {
        let now = Instant::now();
        let Some(q) = self.queue.as_mut() else {
            return;
        };
        if !q.waiting() {
            return;
        }
        if now >= q.deadline {
            if q.overflowing {
                // The overflow line did not answer either.
                self.queue_hang_up().await;
            } else {
                self.overflow().await;
            }
            return;
        }
        q.next_tick = now + Duration::from_secs(1);
        if q.overflowing {
            return;
        }
        // Agents whose phones stopped ringing unanswered rest for a ring period.
        let ring = Duration::from_secs(q.setup.ring_secs);
        for &(agent, fork) in &q.forks {
            if matches!(self.forks[fork].state, ForkState::Done(_)) {
                q.rested.entry(agent).or_insert(now);
            }
        }
        q.rested.retain(|_, at| now.duration_since(*at) < ring);
        let ringing_now: Vec<usize> = q
            .forks
            .iter()
            .filter(|(_, f)| {
                matches!(
                    self.forks[*f].state,
                    ForkState::Calling | ForkState::Proceeding
                )
            })
            .map(|(a, _)| *a)
            .collect();
        let available: Vec<usize> = (0..q.setup.agents.len())
            .filter(|a| {
                let line = &q.setup.agents[*a];
                if q.setup.agent_kinds.get(*a) == Some(&AgentKind::CallIn) {
                    return self.ctx.call_in().is_free(&q.setup.id, &line.id);
                }
                ringing_now.contains(a)
                    || (!q.rested.contains_key(a)
                        && !self.ctx.devices(&line.aor).is_empty()
                        && !self.ctx.on_a_call(&line.id))
            })
            .collect();
        let next = self.ctx.queue_next(&q.setup.id);
        let start = available.iter().position(|a| *a >= next).unwrap_or(0);
        let timing = Timing {
            ring_secs: q.setup.ring_secs,
            delay_secs: q.setup.delay_secs,
        };
        let elapsed = now.duration_since(q.entered).as_secs();
        let want: Vec<usize> = ringing(q.setup.strategy, available.len(), start, elapsed, timing)
            .into_iter()
            .map(|p| available[p])
            .collect();
        let stale: Vec<usize> = q
            .forks
            .iter()
            .filter(|(a, _)| !want.contains(a))
            .map(|(_, f)| *f)
            .collect();
        let fresh: Vec<usize> = want
            .iter()
            .copied()
            .filter(|a| !ringing_now.contains(a))
            .collect();
        for f in stale {
            self.cancel_fork(f).await;
        }
        for agent in fresh {
            let Some(q) = self.queue.as_ref() else {
                return;
            };
            if q.setup.agent_kinds.get(agent) == Some(&AgentKind::CallIn) {
                if self.put_through(agent).await {
                    return;
                }
                continue;
            }
            let (line, offer) = (q.setup.agents[agent].clone(), q.offer.clone());
            let placed = self.ring_devices(&line, offer).await;
            if let Some(q) = self.queue.as_mut() {
                q.forks.extend(placed.into_iter().map(|f| (agent, f)));
            }
        }
    }

    /// Puts the caller through to a call-in agent who is dialled in and free: both meet in a
    /// room for two. False when the agent was taken meanwhile.
    async fn put_through(&mut self, agent: usize) -> bool {
        let Some(q) = self.queue.as_mut() else {
            return false;
        };
        let line = q.setup.agents[agent].clone();
        let room = ConferenceId::new(self.ctx.now_ms());
        if !self.ctx.call_in().offer(&q.setup.id, &line.id, &room) {
            return false;
        }
        if let Some(tx) = q.hold_cmd.take() {
            let _ = tx.send(HoldCommand::Talk(room));
        }
        self.ctx.set_queue_next(&q.setup.id, agent + 1);
        self.cancel_forks(None).await;
        self.put_through_to(line);
        true
    }

    /// The caller talks with `line` now: the passage is over, and the call shows as answered
    /// by that line (lamps, call log, recording).
    fn put_through_to(&mut self, line: SipLine) {
        self.finish_passage(Passage::Answered, Some(line.id.clone()));
        for l in std::iter::once(&line).chain(self.caller.line.iter()) {
            self.ctx
                .set_line_state(&l.id, super::super::line_state::LineState::Confirmed);
        }
        self.reached.push((line.clone(), Outcome::Answered));
        self.target = Some(line);
        self.start_recording();
    }

    /// An agent (or the overflow line) answered: the music stops and the caller is put
    /// through on the relay.
    pub(super) async fn queue_answered(&mut self, idx: usize, m: sb_sip::Message) {
        let Some(q) = self.queue.as_mut() else {
            return;
        };
        let line = match q.forks.iter().find(|(_, f)| *f == idx) {
            Some((agent, _)) => {
                self.ctx.set_queue_next(&q.setup.id, agent + 1);
                q.setup.agents[*agent].clone()
            }
            None => match &q.setup.overflow_line {
                Some(l) => (**l).clone(),
                None => return,
            },
        };
        q.overflowing = false;
        self.winner = Some(idx);
        self.b_cseq = self.forks[idx].cseq;
        self.forks[idx].state = ForkState::Answered;
        self.forks[idx].answered_by(&m);
        self.ack_2xx(idx, &m, None).await;
        self.cancel_forks(Some(idx)).await;
        // The music stops; its last packets must not be taken for the agent's.
        self.deposit = None;
        tokio::time::sleep(Duration::from_millis(40)).await;
        if let Some(addr) = sdp::audio_target(&m.body) {
            let at = self.forks.get(idx).map(|f| f.target.ip());
            self.relay.set_peer(Side::B, addr, at);
        }
        self.phase = Phase::Answered;
        self.put_through_to(line);
    }

    /// The caller hung up while waiting (for an agent, or for the overflow line).
    pub(super) async fn queue_abandoned(&mut self) {
        if self.queue.as_ref().is_some_and(QueueRun::waiting) {
            self.cancel_forks(None).await;
            self.finish_passage(Passage::Abandoned, None);
        }
    }

    /// The maximum wait is over.
    async fn overflow(&mut self) {
        self.cancel_forks(None).await;
        self.finish_passage(Passage::Overflowed, None);
        let Some(q) = self.queue.as_mut() else {
            return;
        };
        let line = q.setup.overflow_line.clone();
        let mailbox = q.setup.overflow_mailbox.clone();
        match (q.setup.overflow, line, mailbox) {
            (QueueOverflow::Voicemail, Some(line), Some(mailbox)) => {
                let greeting = self.greeting_of(&line, &mailbox.greeting).await;
                let limits = mailbox.limits;
                let Some(q) = self.queue.as_mut() else {
                    return;
                };
                if let Some(tx) = q.hold_cmd.take()
                    && tx.send(HoldCommand::Voicemail(greeting, limits)).is_ok()
                    && let Some(d) = self.deposit.as_mut()
                {
                    // What the session records now is a message for this line.
                    d.mailbox = Some((*line, limits));
                } else {
                    self.queue_hang_up().await;
                }
            }
            (QueueOverflow::Redirect, Some(line), _) => {
                q.overflowing = true;
                q.deadline = Instant::now() + OVERFLOW_RING;
                q.next_tick = q.deadline;
                let offer = q.offer.clone();
                if self.ring_devices(&line, offer).await.is_empty() {
                    self.queue_hang_up().await;
                }
            }
            _ => self.queue_hang_up().await,
        }
    }

    async fn queue_hang_up(&mut self) {
        self.cancel_forks(None).await;
        if let Some(q) = self.queue.as_mut() {
            q.overflowing = false;
        }
        self.deposit = None;
        self.bye(Side::A).await;
        self.end();
    }

    /// Records the passage (once, with the agent who took the call) and takes the caller off
    /// the waiting board.
    fn finish_passage(&mut self, how: Passage, agent: Option<LineId>) {
        let Some(q) = self.queue.as_mut() else {
            return;
        };
        if q.finished {
            return;
        }
        q.finished = true;
        let (id, token, entered_ms) = (q.setup.id.clone(), q.token, q.entered_ms);
        self.ctx.waiting_board().leave(&id, token);
        let ctx = self.ctx.clone();
        let (caller, _) = self.shown();
        tokio::spawn(async move {
            if let Err(e) = ctx
                .record_queue_call(&id, &caller, entered_ms, how, agent.as_ref())
                .await
            {
                tracing::warn!(error = %e, "could not record a queue call");
            }
        });
    }

    /// The call ends: a caller still on the waiting board comes off it.
    pub(super) fn leave_queue(&mut self) {
        self.finish_passage(Passage::Abandoned, None);
    }
}

/// What the waiting caller's media session does next.
enum HoldCommand {
    /// Take a message for a line (overflow to voicemail).
    Voicemail(sb_media::dialogue::Greeting, MessageLimits),
    /// Talk with a call-in agent in this room for two.
    Talk(ConferenceId),
}

/// Music on hold until the call task stops the session (an agent answered, the caller hung
/// up), or a command turns it into a voicemail deposit or a conversation with a call-in agent.
async fn hold(
    mut io: media::Io,
    music: Arc<[i16]>,
    commands: oneshot::Receiver<HoldCommand>,
    rooms: Arc<Rooms<ConferenceId>>,
    player: Arc<Hold>,
) -> Option<media::Recording> {
    match player.play_until(&mut io, &music, commands).await {
        Ok(Ok(HoldCommand::Voicemail(greeting, limits))) => Some(
            sb_media::dialogue::deposit(&mut io, greeting, super::apps::media_limits(limits)).await,
        ),
        Ok(Ok(HoldCommand::Talk(room))) => {
            let _ = rooms.join_pair(&room).talk(&mut io).await;
            None
        }
        // No command after all (the sender went): the music plays until the call task stops it.
        Ok(Err(_)) => {
            let _ = player
                .play_until(&mut io, &music, std::future::pending::<()>())
                .await;
            None
        }
        Err(media::HungUp) => None,
    }
}

/// Call-in agents dialled in, per queue: each free one can be offered a caller.
#[derive(Default)]
pub(crate) struct CallInPool {
    seats: Mutex<HashMap<QueueId, Vec<CallInSeat>>>,
}

struct CallInSeat {
    line: LineId,
    free: Arc<AtomicBool>,
    offers: mpsc::UnboundedSender<ConferenceId>,
}

impl CallInPool {
    fn seats(&self) -> parking_lot::MutexGuard<'_, HashMap<QueueId, Vec<CallInSeat>>> {
        self.seats.lock()
    }

    /// Whether the line is dialled in to the queue and between calls.
    pub(crate) fn is_free(&self, queue: &QueueId, line: &LineId) -> bool {
        self.seats().get(queue).is_some_and(|list| {
            list.iter()
                .any(|s| &s.line == line && s.free.load(Ordering::Acquire))
        })
    }

    /// Hands the agent a caller (their meeting room); false when the agent is not free.
    fn offer(&self, queue: &QueueId, line: &LineId, room: &ConferenceId) -> bool {
        let seats = self.seats();
        let Some(seat) = seats
            .get(queue)
            .and_then(|list| list.iter().find(|s| &s.line == line))
        else {
            return false;
        };
        seat.free
            .compare_exchange(true, false, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
            && seat.offers.send(room.clone()).is_ok()
    }

    fn add(&self, queue: &QueueId, seat: CallInSeat) {
        self.seats().entry(queue.clone()).or_default().push(seat);
    }

    fn remove(&self, queue: &QueueId, free: &Arc<AtomicBool>) {
        let mut seats = self.seats();
        if let Some(list) = seats.get_mut(queue) {
            list.retain(|s| !Arc::ptr_eq(&s.free, free));
            if list.is_empty() {
                seats.remove(queue);
            }
        }
    }
}

impl<C: CallContext> Call<C> {
    /// A call-in agent dialled in: answered by Switchboard, they wait with music or silence
    /// and talk with each caller put through (after a beep), until they hang up.
    pub(super) async fn call_in(&mut self, setup: CallInSetup) {
        let Some(line) = self.caller.line.clone() else {
            self.fail(403, "Forbidden").await;
            return;
        };
        self.serve(CallInAgent {
            ctx: self.ctx.clone(),
            setup,
            line: line.id,
        })
        .await;
    }
}

/// A call-in agent's own call: music or silence between callers, each caller put through.
pub(super) struct CallInAgent<C> {
    ctx: Arc<C>,
    setup: CallInSetup,
    line: LineId,
}

impl<C: CallContext> super::apps::CallApp for CallInAgent<C> {
    async fn run(self, io: media::Io) -> Option<media::Recording> {
        agent_session(io, self.ctx.as_ref(), self.setup, self.line).await;
        None
    }
}

async fn agent_session(
    mut io: media::Io,
    ctx: &impl CallContext,
    setup: CallInSetup,
    line: LineId,
) {
    let (offers, mut offered) = mpsc::unbounded_channel();
    let free = Arc::new(AtomicBool::new(true));
    ctx.call_in().add(
        &setup.queue_id,
        CallInSeat {
            line,
            free: free.clone(),
            offers,
        },
    );
    let between: Arc<[i16]> = match (setup.hold, setup.music) {
        (CallInHold::Silence, _) => vec![0; 8000].into(),
        (CallInHold::Music, Some(m)) if !m.is_empty() => m.into(),
        (CallInHold::Music, _) => media::hold_music().into(),
    };
    loop {
        let Ok(Some(room)) = ctx
            .hold()
            .play_until(&mut io, &between, offered.recv())
            .await
        else {
            break;
        };
        if setup.beep && io.play(&media::beep(), false).await.is_err() {
            break;
        }
        let seat = ctx.rooms().join_pair(&room);
        // The caller may have hung up just as they were offered: then nobody comes.
        let mut waited = 0;
        while ctx.rooms().occupants(&room) < 2 && waited < 150 {
            if io.play(&[0; 160], false).await.is_err() {
                break;
            }
            waited += 1;
        }
        if ctx.rooms().occupants(&room) < 2 {
            drop(seat);
            free.store(true, Ordering::Release);
            continue;
        }
        if seat.talk(&mut io).await.is_err() {
            break;
        }
        // The caller hung up: ready for the next one.
        free.store(true, Ordering::Release);
    }
    ctx.call_in().remove(&setup.queue_id, &free);
}
