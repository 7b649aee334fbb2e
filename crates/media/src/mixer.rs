//! The conference mixer: a room with its own 20 ms clock. Each tick it takes one frame from every
//! participant's small jitter queue, adds them up, and sends each participant the sum without
//! their own voice, so everyone hears everyone but themselves. Joining and leaving play a short
//! tone to the room; a room for two (a queue caller and a call-in agent) plays none and ends for
//! both when one leaves.
//!
//! The room's clock does its participants' packet IO itself (each session lends the room its
//! call's [`Voice`]): one task wakes per room per tick, not one per participant. Rooms are keyed
//! by whatever the caller names them with; the mixer knows nothing of what a key means.

use crate::endpoint::{FRAME, Frame, HungUp, Io, Voice, every_frame};
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Arc;
use tokio::sync::oneshot;

/// A participant's audio starts to be mixed once this much is queued (absorbs jitter)...
const PRIME: usize = 2 * FRAME;
/// ...and what is queued beyond this is dropped, oldest first (bounds the delay).
const DEPTH: usize = 6 * FRAME;

/// Every room with someone in it, by key.
pub struct Rooms<K> {
    rooms: Mutex<HashMap<K, Arc<Room>>>,
}

impl<K> Default for Rooms<K> {
    fn default() -> Self {
        Rooms {
            rooms: Mutex::new(HashMap::new()),
        }
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
    let mut t = crate::codec::tone(first, 120);
    t.extend(crate::codec::tone(second, 120));
    t.iter().map(|s| s / 2).collect()
}

impl<K: Hash + Eq + Clone + Send + Sync + 'static> Rooms<K> {
    /// How many are in the room now.
    pub fn occupants(&self, id: &K) -> usize {
        let rooms = self.rooms.lock();
        rooms.get(id).map_or(0, |r| r.lock().list.len())
    }

    /// Takes a seat in the room (opening the room and its mixer if empty); the
    /// room hears the join tone.
    pub fn join(self: &Arc<Self>, id: &K) -> Seat {
        self.sit(id, false)
    }

    /// Takes a seat in a room for two: when either leaves, the other's [`Seat::talk`] ends.
    pub fn join_pair(self: &Arc<Self>, id: &K) -> Seat {
        self.sit(id, true)
    }

    fn sit(self: &Arc<Self>, id: &K, pair: bool) -> Seat {
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
async fn mixer<K: Hash + Eq>(rooms: Arc<Rooms<K>>, id: K, room: Arc<Room>) {
    every_frame(|buf| {
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

#[cfg(test)]
mod tests {
    use super::*;

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
