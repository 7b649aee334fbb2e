//! Music on hold for everyone who waits (queue callers, call-in agents between callers): one
//! task with one 20 ms clock serves every listener, like a conference room serves its
//! participants. Each session lends it the call's [`Voice`]; every tick the player reads and
//! drops what each listener sent (keeping their address current) and sends each the next frame
//! of its own music, looped. One wake-up per tick for all of them instead of one per listener.

use crate::endpoint::{FRAME, HungUp, Io, Voice};
use parking_lot::Mutex;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::oneshot;

/// The listeners and whether the clock runs.
#[derive(Default)]
pub struct Hold {
    state: Mutex<Listeners>,
}

#[derive(Default)]
struct Listeners {
    next_id: u64,
    list: Vec<Listener>,
    /// The clock's task is running (it stops when nobody listens).
    running: bool,
}

struct Listener {
    id: u64,
    voice: Voice,
    music: Arc<[i16]>,
    /// Where in the music the next frame starts.
    at: usize,
}

impl Listener {
    /// Where the next frame of the music lies (the last one of a loop is shorter: sending
    /// pads it with silence, as it does an empty music).
    fn next_frame(&mut self) -> std::ops::Range<usize> {
        let start = self.at;
        let end = (start + FRAME).min(self.music.len());
        self.at = if end >= self.music.len() { 0 } else { end };
        start..end
    }
}

impl Hold {
    fn lock(&self) -> parking_lot::MutexGuard<'_, Listeners> {
        self.state.lock()
    }

    /// Plays `music`, looped, to the call until `until` completes (its output) or the caller
    /// hangs up; the call's voice is then handed back to `io` where the music left it.
    pub async fn play_until<F: Future>(
        self: &Arc<Self>,
        io: &mut Io,
        music: &Arc<[i16]>,
        until: F,
    ) -> Result<F::Output, HungUp> {
        let id = self.add(io.voice(), music.clone());
        // The player never lets go by itself: only a hang-up or `until` ends the music.
        let (_keep, released) = oneshot::channel::<()>();
        let out = tokio::select! {
            lent = io.lend(released) => Err(lent.err().unwrap_or(HungUp)),
            out = until => Ok(out),
        };
        if let Some(voice) = self.remove(id) {
            io.take_back(voice);
        }
        out
    }

    fn add(self: &Arc<Self>, voice: Voice, music: Arc<[i16]>) -> u64 {
        let mut s = self.lock();
        s.next_id += 1;
        let id = s.next_id;
        s.list.push(Listener {
            id,
            voice,
            music,
            at: 0,
        });
        if !s.running {
            s.running = true;
            tokio::spawn(clock(self.clone()));
        }
        id
    }

    fn remove(&self, id: u64) -> Option<Voice> {
        let mut s = self.lock();
        let i = s.list.iter().position(|l| l.id == id)?;
        Some(s.list.swap_remove(i).voice)
    }

    /// How many listen now.
    pub fn listeners(&self) -> usize {
        self.lock().list.len()
    }
}

/// The player's clock: a frame to every listener each 20 ms until nobody listens.
async fn clock(hold: Arc<Hold>) {
    crate::endpoint::every_frame(|buf| {
        let mut s = hold.lock();
        if s.list.is_empty() {
            s.running = false;
            return false;
        }
        for l in &mut s.list {
            l.voice.discard(buf);
            let next = l.next_frame();
            l.voice.send(&l.music[next]);
        }
        true
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Codec, RtpHeader};
    use crate::latch::Latch;
    use std::time::Duration;

    #[tokio::test]
    async fn the_music_loops_frame_by_frame_with_the_last_one_padded() {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (_stop, stopped) = oneshot::channel();
        let io = Io::new(
            socket,
            Latch::exact("127.0.0.1:9".parse().unwrap()),
            Codec::Pcmu,
            stopped,
        );
        let mut l = Listener {
            id: 1,
            voice: io.voice(),
            music: (0..400).map(|i| i as i16).collect::<Vec<_>>().into(),
            at: 0,
        };
        assert_eq!(l.next_frame(), 0..FRAME);
        assert_eq!(l.next_frame(), 160..320);
        assert_eq!(l.next_frame(), 320..400, "the rest of the music");
        assert_eq!(l.next_frame(), 0..FRAME, "then from the start again");
    }

    #[tokio::test]
    async fn listeners_hear_their_music_from_one_clock_and_get_their_call_back() {
        let phone = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let ours = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (_stop, stopped) = oneshot::channel();
        let mut io = Io::new(
            ours,
            Latch::exact(phone.local_addr().unwrap()),
            Codec::Pcmu,
            stopped,
        );
        let hold = Arc::new(Hold::default());
        let music: Arc<[i16]> = vec![1000; 8000].into();
        let played = hold
            .play_until(
                &mut io,
                &music,
                tokio::time::sleep(Duration::from_millis(200)),
            )
            .await;
        assert!(played.is_ok());
        assert_eq!(hold.listeners(), 0, "the call is handed back");
        let mut buf = [0u8; 512];
        let mut frames = 0;
        let mut seqs = Vec::new();
        while let Ok((n, _)) = phone.try_recv_from(&mut buf) {
            let (h, payload) = RtpHeader::parse(&buf[..n]).unwrap();
            assert_eq!(payload.len(), FRAME);
            assert_eq!(
                Codec::Pcmu.decode(payload[0]),
                Codec::Pcmu.decode(Codec::Pcmu.encode(1000))
            );
            seqs.push(h.seq);
            frames += 1;
        }
        assert!((7..=12).contains(&frames), "one frame per 20 ms ({frames})");
        assert!(
            seqs.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
            "one stream: {seqs:?}"
        );
    }
}
