//! Conference calls: callers reach the company's bridge, key in a scheduled
//! conference's access code and join its room. A room is a mixer with its own 20 ms clock: each
//! tick it takes one frame from every participant's small jitter queue, adds them up, and sends
//! each participant the sum without their own voice, so everyone hears everyone but themselves.
//! Joining and leaving play a short tone to the room.
//!
//! The room's clock does its participants' packet IO itself (each session lends the room its
//! call's [`Voice`]): one task wakes per room per tick, not one per participant.

use super::Engine;
use super::media::{FRAME, Frame, HungUp, Io, Voice, choose_language};
use parking_lot::Mutex;
use sb_app::conferences::Admission;
use sb_domain::ids::{CompanyId, ConferenceId};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// A participant's audio starts to be mixed once this much is queued (absorbs jitter)...
const PRIME: usize = 2 * FRAME;
/// ...and what is queued beyond this is dropped, oldest first (bounds the delay).
const DEPTH: usize = 6 * FRAME;
/// Wrong codes a caller may key in on one call.
const CODE_TRIES: usize = 3;
/// Wrong codes counted over this window...
const WRONG_WINDOW: Duration = Duration::from_secs(10 * 60);
/// ...lock code entry for the phones at one address (an office behind NAT shares one)...
const WRONG_PER_ADDRESS: usize = 10;
/// ...and for all outside callers of one company's bridge (a carrier brings them all, from its
/// own address): six-digit codes are not to be found by calling again and again.
const WRONG_PER_BRIDGE: usize = 20;
/// Addresses and bridges remembered at most (each forgotten after the window anyway).
const MAX_KEYS: usize = 4096;

/// Every room with someone in it, by conference, and the count of wrong access codes.
#[derive(Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<ConferenceId, Arc<Room>>>,
    codes: Mutex<CodeGuard>,
}

/// Who keys in a code: a line's phone at an address, or an outside caller at a bridge.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Keyer {
    Address(IpAddr),
    Bridge(CompanyId),
}

impl Keyer {
    fn of(company: &CompanyId, line_source: Option<SocketAddr>) -> Keyer {
        match line_source {
            Some(a) => Keyer::Address(a.ip()),
            None => Keyer::Bridge(company.clone()),
        }
    }
    fn limit(&self) -> usize {
        match self {
            Keyer::Address(_) => WRONG_PER_ADDRESS,
            Keyer::Bridge(_) => WRONG_PER_BRIDGE,
        }
    }
}

/// Wrong access codes per [`Keyer`] within [`WRONG_WINDOW`]; at the limit, code entry is locked
/// for that keyer until its oldest wrong code leaves the window. The time is passed in.
#[derive(Default)]
struct CodeGuard {
    wrong: HashMap<Keyer, VecDeque<Instant>>,
}

impl CodeGuard {
    fn recent(&mut self, k: &Keyer, now: Instant) -> usize {
        let Some(q) = self.wrong.get_mut(k) else {
            return 0;
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WRONG_WINDOW)
        {
            q.pop_front();
        }
        if q.is_empty() {
            self.wrong.remove(k);
            return 0;
        }
        q.len()
    }

    /// Whether `k` may have a code looked up now.
    fn open(&mut self, k: &Keyer, now: Instant) -> bool {
        self.recent(k, now) < k.limit()
    }

    /// Counts a wrong code of `k`.
    fn wrong(&mut self, k: &Keyer, now: Instant) {
        if self.wrong.len() >= MAX_KEYS && !self.wrong.contains_key(k) {
            self.wrong.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < WRONG_WINDOW)
            });
            if self.wrong.len() >= MAX_KEYS {
                // Full of live keys: forget the one whose last wrong code is oldest.
                let oldest = self
                    .wrong
                    .iter()
                    .min_by_key(|(_, q)| q.back().copied())
                    .map(|(k, _)| k.clone());
                if let Some(o) = oldest {
                    self.wrong.remove(&o);
                }
            }
        }
        let q = self.wrong.entry(k.clone()).or_default();
        q.push_back(now);
        // Only the last `limit` matter.
        while q.len() > k.limit() {
            q.pop_front();
        }
    }
}

/// What a caller is told about a code. A conference that is not open yet sounds like a wrong
/// code: saying "not yet" would confirm the code to someone guessing codes, days before the
/// meeting.
fn admission_prompt(a: &Admission) -> Option<&'static str> {
    match a {
        Admission::Open { .. } => None,
        Admission::NotYet | Admission::Unknown => Some("conf-wrong-code"),
    }
}

pub struct Room {
    members: Mutex<Members>,
    /// A room for two (a queue caller and a call-in agent): when one leaves, the other is let
    /// go too, and nobody hears join or leave tones.
    pair: bool,
}

#[derive(Default)]
struct Members {
    next_id: u64,
    list: Vec<Member>,
    /// Join and leave tones still to be played to everyone.
    tone: VecDeque<i16>,
    /// A pair whose conversation is over (one of the two left).
    closed: bool,
}

struct Member {
    id: u64,
    /// What the participant said, not yet mixed.
    queue: VecDeque<i16>,
    primed: bool,
    /// This tick's frame from the participant (silence when nothing came).
    current: Frame,
    /// What the participant hears this tick.
    heard: Frame,
    /// The participant's call, lent by its session while it talks here.
    voice: Option<Voice>,
    /// Dropped to give the session its call back (the other one of a pair left).
    released: Option<oneshot::Sender<()>>,
}

impl Member {
    fn new(id: u64) -> Member {
        Member {
            id,
            queue: VecDeque::with_capacity(DEPTH + FRAME),
            primed: false,
            current: [0; FRAME],
            heard: [0; FRAME],
            voice: None,
            released: None,
        }
    }

    /// What is queued beyond the depth goes, oldest first.
    fn trim(&mut self) {
        let over = self.queue.len().saturating_sub(DEPTH);
        self.queue.drain(..over);
    }
}

/// A place in a room; dropping it leaves the room.
pub struct Seat {
    room: Arc<Room>,
    id: u64,
}

/// Two rising notes for a join, two falling ones for a leave, quieter than speech.
fn notes(first: f64, second: f64) -> Vec<i16> {
    let mut t = sb_media::codec::tone(first, 120);
    t.extend(sb_media::codec::tone(second, 120));
    t.iter().map(|s| s / 2).collect()
}

impl Rooms {
    /// Whether `keyer` may have an access code looked up at `now`.
    fn code_entry_open(&self, keyer: &Keyer, now: Instant) -> bool {
        let mut g = self.codes.lock();
        g.open(keyer, now)
    }

    /// Counts a wrong access code (or one of a conference not open yet) of `keyer`.
    fn wrong_code(&self, keyer: &Keyer, now: Instant) {
        self.codes.lock().wrong(keyer, now);
    }

    /// How many are in the conference's room now.
    pub fn occupants(&self, id: &ConferenceId) -> usize {
        let rooms = self.rooms.lock();
        rooms.get(id).map_or(0, |r| r.lock().list.len())
    }

    /// Takes a seat in the conference's room (opening the room and its mixer if empty); the
    /// room hears the join tone.
    pub fn join(self: &Arc<Self>, id: &ConferenceId) -> Seat {
        self.sit(id, false)
    }

    /// Takes a seat in a room for two: when either leaves, the other's [`Seat::talk`] ends.
    pub fn join_pair(self: &Arc<Self>, id: &ConferenceId) -> Seat {
        self.sit(id, true)
    }

    fn sit(self: &Arc<Self>, id: &ConferenceId, pair: bool) -> Seat {
        let mut rooms = self.rooms.lock();
        let room = match rooms.get(id) {
            Some(r) => r.clone(),
            None => {
                let r = Arc::new(Room {
                    members: Mutex::new(Members::default()),
                    pair,
                });
                rooms.insert(id.clone(), r.clone());
                tokio::spawn(mixer(self.clone(), id.clone(), r.clone()));
                r
            }
        };
        // Lock order everywhere: the room map, then a room's members.
        let mut m = room.lock();
        m.next_id += 1;
        let me = m.next_id;
        m.list.push(Member::new(me));
        if !room.pair {
            m.tone.extend(notes(660.0, 880.0));
        }
        drop(m);
        Seat { room, id: me }
    }
}

impl Room {
    fn lock(&self) -> parking_lot::MutexGuard<'_, Members> {
        self.members.lock()
    }
}

impl Members {
    /// One tick with the wire: what everyone said since the last tick in, the mix out.
    fn tick(&mut self, buf: &mut [u8]) {
        for m in &mut self.list {
            if let Some(v) = &mut m.voice {
                v.drain_into(&mut m.queue, buf);
                m.trim();
            }
        }
        self.mix();
        for m in &mut self.list {
            if let Some(v) = &mut m.voice {
                v.send(&m.heard);
            }
        }
    }

    /// One tick of the mixer: everyone's frame in, everyone's mix out.
    fn mix(&mut self) {
        let mut sum = [0i32; FRAME];
        for m in &mut self.list {
            if !m.primed && m.queue.len() >= PRIME {
                m.primed = true;
            }
            if m.primed && m.queue.len() >= FRAME {
                for (k, s) in m.queue.drain(..FRAME).enumerate() {
                    m.current[k] = s;
                }
            } else {
                // Ran dry: silence this tick, and wait for a little audio to build up again.
                m.primed = false;
                m.current = [0; FRAME];
            }
            for (acc, s) in sum.iter_mut().zip(m.current) {
                *acc += i32::from(s);
            }
        }
        for acc in &mut sum {
            match self.tone.pop_front() {
                Some(t) => *acc += i32::from(t),
                None => break,
            }
        }
        for m in &mut self.list {
            for ((heard, total), own) in m.heard.iter_mut().zip(&sum).zip(&m.current) {
                let v = total - i32::from(*own);
                *heard = v.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
            }
        }
    }
}

impl Seat {
    /// The caller talks in the room until they hang up or (in a pair) the other one leaves.
    pub async fn talk(self, io: &mut Io) -> Result<(), HungUp> {
        let (tx, released) = oneshot::channel();
        {
            let mut m = self.room.lock();
            if m.closed {
                return Ok(());
            }
            let Some(me) = m.list.iter_mut().find(|x| x.id == self.id) else {
                return Ok(());
            };
            me.voice = Some(io.voice());
            me.released = Some(tx);
        }
        let talked = io.lend(released).await;
        let voice = {
            let mut m = self.room.lock();
            m.list
                .iter_mut()
                .find(|x| x.id == self.id)
                .and_then(|x| x.voice.take())
        };
        if let Some(v) = voice {
            io.take_back(v);
        }
        talked
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut m = self.room.lock();
        m.list.retain(|x| x.id != self.id);
        if self.room.pair {
            // The other one gets their call back: the conversation is over.
            m.closed = true;
            for other in &mut m.list {
                other.released = None;
            }
        } else if !m.list.is_empty() {
            m.tone.extend(notes(880.0, 660.0));
        }
    }
}

/// The room's clock: mixes every 20 ms until the last participant leaves.
async fn mixer(rooms: Arc<Rooms>, id: ConferenceId, room: Arc<Room>) {
    super::media::every_frame(|buf| {
        let mut m = room.lock();
        if !m.list.is_empty() {
            m.tick(buf);
            return true;
        }
        drop(m);
        let mut map = rooms.rooms.lock();
        // Nobody can join meanwhile: joining takes the map first.
        if room.lock().list.is_empty() {
            map.remove(&id);
            return false;
        }
        true
    })
    .await;
}

/// The caller at the company's bridge: asks for the access code (three tries) and puts the
/// caller in the conference's room until they hang up. `line_source` is where a line's call
/// came from: wrong codes count there as failed authentications (a carrier's address is not
/// counted, it carries every outside caller).
pub async fn run(
    mut io: Io,
    engine: Arc<Engine>,
    langs: (String, Option<String>),
    company: CompanyId,
    line_source: Option<SocketAddr>,
) {
    let prompts = &engine.settings.prompts;
    let Ok(lang) = choose_language(&mut io, prompts, &langs.0, langs.1.as_deref()).await else {
        return;
    };
    let _ = session(io, &engine, &lang, &company, line_source).await;
}

#[expect(
    clippy::cognitive_complexity,
    reason = "the access-code dialogue: prompts, digits, lock-out and admission, read as the caller hears them"
)]
async fn session(
    mut io: Io,
    engine: &Arc<Engine>,
    lang: &str,
    company: &CompanyId,
    line_source: Option<SocketAddr>,
) -> Result<(), HungUp> {
    let p = |name: &str| engine.settings.prompts.get(lang, name);
    let keyer = Keyer::of(company, line_source);
    for _ in 0..CODE_TRIES {
        io.say(&[p("conf-enter-code")]).await?;
        let code = io.collect(6, Duration::from_secs(10)).await?;
        // Six digits end the code; the `#` the prompt asks for after them is taken here, else
        // it would end the next try at once as an empty code.
        if code.len() == 6 {
            io.key_is('#', Duration::from_millis(1500)).await?;
        }
        // Locked: the code is not even looked up, and the caller hears what a wrong code gets.
        let open = engine.conferences.code_entry_open(&keyer, Instant::now());
        let admission = if open {
            engine.app.admit_to_conference(company, &code).await
        } else {
            tracing::info!(?keyer, "conference code entry locked after wrong codes");
            Ok(Admission::Unknown)
        };
        let admission = match admission {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "could not look up a conference");
                break;
            }
        };
        let Some(prompt) = admission_prompt(&admission) else {
            if let Admission::Open { id, title } = admission {
                tracing::debug!(conference = %id, %title, "a caller joins");
                if engine.conferences.occupants(&id) == 0 {
                    io.say(&[p("conf-alone")]).await?;
                }
                return engine.conferences.join(&id).talk(&mut io).await;
            }
            break;
        };
        if open && !code.is_empty() {
            engine.conferences.wrong_code(&keyer, Instant::now());
            if let Some(from) = line_source {
                engine.judge(from, None, "", Some(403));
            }
        }
        io.say(&[p(prompt)]).await?;
    }
    io.say(&[p("goodbye")]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conference_not_yet_open_sounds_like_a_wrong_code() {
        let open = Admission::Open {
            id: ConferenceId::from_raw("c"),
            title: "t".into(),
        };
        assert_eq!(admission_prompt(&open), None);
        assert_eq!(
            admission_prompt(&Admission::NotYet),
            admission_prompt(&Admission::Unknown)
        );
    }

    #[test]
    fn wrong_codes_lock_code_entry_per_address_and_per_bridge_for_a_window() {
        let t0 = Instant::now();
        let mut g = CodeGuard::default();
        let company = CompanyId::from_raw("co");
        let office = Keyer::of(&company, Some("192.0.2.7:5060".parse().unwrap()));
        let other_office = Keyer::of(&company, Some("192.0.2.8:5060".parse().unwrap()));
        let bridge = Keyer::of(&company, None);
        for i in 0..WRONG_PER_ADDRESS {
            assert!(g.open(&office, t0), "wrong code {i} is still answered");
            g.wrong(&office, t0 + Duration::from_secs(i as u64));
        }
        assert!(!g.open(&office, t0 + Duration::from_secs(60)), "locked");
        assert!(g.open(&other_office, t0), "another address is not");
        assert!(g.open(&bridge, t0), "nor the company's outside callers");
        let later = t0 + WRONG_WINDOW + Duration::from_secs(1);
        assert!(
            g.open(&office, later),
            "the oldest wrong code left the window"
        );
        for i in 0..WRONG_PER_BRIDGE {
            g.wrong(&bridge, t0 + Duration::from_secs(i as u64));
        }
        assert!(!g.open(&bridge, t0 + Duration::from_secs(30)));
        assert!(g.open(&Keyer::of(&CompanyId::from_raw("other"), None), t0));
    }

    #[test]
    fn the_wrong_code_count_stays_bounded() {
        let t0 = Instant::now();
        let mut g = CodeGuard::default();
        for i in 0..(MAX_KEYS as u32 + 100) {
            let ip = IpAddr::from(i.to_be_bytes());
            g.wrong(
                &Keyer::Address(ip),
                t0 + Duration::from_millis(u64::from(i)),
            );
        }
        assert!(g.wrong.len() <= MAX_KEYS);
    }

    #[test]
    fn each_participant_hears_the_others_but_not_themselves() {
        let mut m = Members {
            list: vec![Member::new(1), Member::new(2), Member::new(3)],
            ..Default::default()
        };
        m.list[0].queue.extend([100i16; 2 * FRAME]);
        m.list[1].queue.extend([20i16; 2 * FRAME]);
        m.mix();
        assert_eq!(m.list[0].heard, [20; FRAME], "a hears b");
        assert_eq!(m.list[1].heard, [100; FRAME], "b hears a");
        assert_eq!(m.list[2].heard, [120; FRAME], "c hears both");
    }

    #[test]
    fn a_participant_is_mixed_once_a_little_audio_is_queued_and_the_delay_stays_bounded() {
        let mut m = Members {
            list: vec![Member::new(1), Member::new(2)],
            ..Default::default()
        };
        m.list[0].queue.extend([5i16; FRAME]);
        m.mix();
        assert_eq!(m.list[1].heard, [0; FRAME], "one frame is not enough yet");
        m.list[0].queue.extend([5i16; FRAME]);
        m.mix();
        assert_eq!(m.list[1].heard, [5; FRAME]);

        m.list[0].queue.extend([9; 20 * FRAME]);
        m.list[0].trim();
        assert_eq!(m.list[0].queue.len(), DEPTH);
    }

    #[test]
    fn loud_sums_are_clipped_and_the_join_tone_reaches_everyone() {
        let mut m = Members {
            list: vec![Member::new(1), Member::new(2), Member::new(3)],
            ..Default::default()
        };
        m.list[1].queue.extend([30_000i16; 2 * FRAME]);
        m.list[2].queue.extend([30_000i16; 2 * FRAME]);
        m.mix();
        assert_eq!(m.list[0].heard, [i16::MAX; FRAME]);

        let mut m = Members {
            list: vec![Member::new(1)],
            ..Default::default()
        };
        m.tone.extend(notes(660.0, 880.0));
        m.mix();
        assert!(m.list[0].heard.iter().any(|&s| s != 0), "the tone plays");
    }
}
