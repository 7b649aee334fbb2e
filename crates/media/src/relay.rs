//! The RTP relay: every call's audio passes through two sockets of Switchboard's, one facing each
//! side, so phones behind NAT work and neither side learns the other's address.
//!
//! Symmetric latching ([`sb_media::latch`]): a side's packets are sent back to wherever that side's
//! packets come from, not to the address in its SDP, which behind NAT is a private one. Only a
//! packet from the IP its description or its signalling names may latch a side, and once latched
//! every other source is dropped: an outsider spraying the port range neither hears a call nor
//! talks into it. Nothing is sent to a side that has not spoken yet, unless its description names
//! its signalling's own IP and [`MediaReach`] allows that address (public and not ours, or in a
//! trusted network), decided when the description arrives, not per packet. Ports are drawn at
//! random from the free ones, so the port of the next call cannot be guessed from the last one.
//!
//! A side may have a stand-in for a while: one of Switchboard's own media sessions talking in
//! its place through the same socket (the caller hears ringback from one while the answering
//! party hears who is calling from another). Packets from a side's stand-in go to the
//! other side's real party, and the other side's real party's packets go to the stand-in; the
//! real party's own packets on that side only latch its address. A stand-in never latches.
//!
//! The packet path runs on two dedicated threads (not the async runtime), each polling its share
//! of the calls' sockets with epoll through mio: a readable socket is drained, each packet is
//! sent on from the other socket of its call. One receive buffer per thread, no allocation, no
//! lock, no database or file IO per packet. Calls are added, re-pointed and removed through a
//! command queue that wakes the thread.

use crate::latch::Latch;
use crate::reach::MediaReach;
use mio::net::UdpSocket;
use mio::{Events, Interest, Poll, Token, Waker};
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel};
use std::sync::{Arc, OnceLock};

/// Threads that move packets.
const THREADS: usize = 2;
const WAKER: Token = Token(usize::MAX);

/// The configured RTP port range, handed out in even ports (RTP convention: RTCP would use the
/// odd one above; only RTP is relayed), and the relay threads that use them.
pub struct Ports {
    ip: IpAddr,
    /// Where media may go before a side has latched.
    reach: MediaReach,
    free: Mutex<VecDeque<u16>>,
    threads: OnceLock<Vec<Worker>>,
    next: AtomicUsize,
}

/// A relay thread's mailbox.
struct Worker {
    commands: Sender<Command>,
    waker: Arc<Waker>,
}

impl Ports {
    pub fn new(ip: IpAddr, range: (u16, u16), reach: MediaReach) -> Arc<Self> {
        let start = range.0 + range.0 % 2;
        let free = (start..=range.1).step_by(2).collect();
        Arc::new(Self {
            ip,
            reach,
            free: Mutex::new(free),
            threads: OnceLock::new(),
            next: AtomicUsize::new(0),
        })
    }

    /// A free port at random among the three quarters released longest ago (the newest stay
    /// back a while, so a late packet of an ended call rarely meets a new one).
    fn take(&self) -> Option<u16> {
        let mut free = self.free.lock();
        let oldest = (free.len() * 3 / 4).max(1);
        let r = u32::from_le_bytes(crate::unpredictable::<4>()) as usize;
        free.swap_remove_front(r % oldest)
    }

    fn give_back(&self, port: u16) {
        // Released ports go to the back, so a late packet of an ended call rarely meets a new one.
        self.free.lock().push_back(port);
    }

    /// A socket on a free port of the range; ports another program holds are skipped.
    fn bind(&self) -> Option<(UdpSocket, u16)> {
        self.bind_std()
            .map(|(s, port)| (UdpSocket::from_std(s), port))
    }

    fn bind_std(&self) -> Option<(std::net::UdpSocket, u16)> {
        for _ in 0..64 {
            let port = self.take()?;
            match std::net::UdpSocket::bind(SocketAddr::new(self.ip, port)) {
                Ok(s) if s.set_nonblocking(true).is_ok() => return Some((s, port)),
                _ => self.give_back(port),
            }
        }
        None
    }

    /// A port of the range for Switchboard's own media endpoint (voicemail), bound for tokio;
    /// given back when the [`MediaPort`] is dropped.
    pub fn media_socket(self: &Arc<Self>) -> Option<(tokio::net::UdpSocket, MediaPort)> {
        let (sock, port) = self.bind_std()?;
        let guard = MediaPort {
            ports: self.clone(),
            port,
        };
        let s = tokio::net::UdpSocket::from_std(sock).ok()?;
        Some((s, guard))
    }

    /// The address media is offered at.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// Where media may go before a side has latched.
    pub fn reach(&self) -> &MediaReach {
        &self.reach
    }

    /// Ports currently free (for tests and metrics).
    pub fn free_count(&self) -> usize {
        self.free.lock().len()
    }

    /// The relay threads, started on first use.
    fn workers(self: &Arc<Self>) -> Option<&Vec<Worker>> {
        if self.threads.get().is_none() {
            let mut list = Vec::new();
            for i in 0..THREADS {
                let poll = Poll::new().ok()?;
                let waker = Arc::new(Waker::new(poll.registry(), WAKER).ok()?);
                let (commands, inbox) = channel();
                let pool = self.clone();
                std::thread::Builder::new()
                    .name(format!("rtp-relay-{i}"))
                    .spawn(move || run(poll, inbox, pool))
                    .ok()?;
                list.push(Worker { commands, waker });
            }
            // Another caller may have won the race; its threads serve, ours idle.
            let _ = self.threads.set(list);
        }
        self.threads.get()
    }
}

/// A media endpoint's port, returned to the range when dropped.
pub struct MediaPort {
    ports: Arc<Ports>,
    pub port: u16,
}

impl MediaPort {
    /// The address our packets from this port come from.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.ports.ip, self.port)
    }
}

impl Drop for MediaPort {
    fn drop(&mut self) {
        self.ports.give_back(self.port);
    }
}

/// Which side of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The caller.
    A,
    /// The called party.
    B,
}

/// Bytes of a packet a tap keeps: the RTP header and up to 60 ms of G.711.
pub const TAP_BYTES: usize = 12 + 480;

/// A copy of one relayed packet, for a recorder: a fixed-size value, so that copying it into
/// the tap's bounded queue allocates nothing on the packet path.
pub struct Tapped {
    pub from: Side,
    pub len: usize,
    pub data: [u8; TAP_BYTES],
}

enum Command {
    /// Copy the call's packets, both ways, to this queue (full: the copy is dropped).
    Tap(u64, SyncSender<Tapped>),
    Add {
        id: u64,
        a: (UdpSocket, u16),
        b: (UdpSocket, u16),
    },
    /// A new party on the side: its description names the first address, its signalling comes
    /// from the IP; it latches afresh on a packet from either IP.
    Peer(u64, Side, SocketAddr, Option<IpAddr>),
    /// The same party describes its media again (re-INVITE): its latch stays if it did not move.
    Redescribe(u64, Side, SocketAddr, Option<IpAddr>),
    /// One of our own media sessions is the side, at exactly this address.
    Own(u64, Side, SocketAddr),
    /// A media session of ours talks in the side's place (or no longer does).
    StandIn(u64, Side, Option<SocketAddr>),
    Remove(u64),
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// One call's relay: dropping it stops the relay and frees its ports.
pub struct Relay {
    /// The address given to side A in SDP (the socket facing A).
    pub a_addr: SocketAddr,
    /// The address given to side B in SDP.
    pub b_addr: SocketAddr,
    id: u64,
    commands: Sender<Command>,
    waker: Arc<Waker>,
}

impl Relay {
    pub async fn start(ports: &Arc<Ports>) -> Option<Relay> {
        let a = ports.bind()?;
        let Some(b) = ports.bind() else {
            ports.give_back(a.1);
            return None;
        };
        let (a_addr, b_addr) = (
            SocketAddr::new(ports.ip, a.1),
            SocketAddr::new(ports.ip, b.1),
        );
        let workers = ports.workers()?;
        let w = &workers[ports.next.fetch_add(1, Ordering::Relaxed) % workers.len()];
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        w.commands.send(Command::Add { id, a, b }).ok()?;
        let _ = w.waker.wake();
        Some(Relay {
            a_addr,
            b_addr,
            id,
            commands: w.commands.clone(),
            waker: w.waker.clone(),
        })
    }

    /// Has the relay copy every packet of the call, both ways, to `tap` until the call ends
    /// (then the tap's sender is dropped, which tells the recorder).
    pub fn tap(&self, tap: SyncSender<Tapped>) {
        let _ = self.commands.send(Command::Tap(self.id, tap));
        let _ = self.waker.wake();
    }

    /// A new party on `side` (the caller's offer, an answer): its SDP names `addr`, its
    /// signalling comes from `signalling`; its packets are taken only from those IPs.
    pub fn set_peer(&self, side: Side, addr: SocketAddr, signalling: Option<IpAddr>) {
        self.command(Command::Peer(self.id, side, addr, signalling));
    }

    /// The party on `side` describes its media again (a re-INVITE, an UPDATE).
    pub fn redescribe(&self, side: Side, addr: SocketAddr, signalling: Option<IpAddr>) {
        self.command(Command::Redescribe(self.id, side, addr, signalling));
    }

    /// One of our media sessions, sending from `addr`, is the party on `side`.
    pub fn set_own(&self, side: Side, addr: SocketAddr) {
        self.command(Command::Own(self.id, side, addr));
    }

    fn command(&self, c: Command) {
        let _ = self.commands.send(c);
        let _ = self.waker.wake();
    }

    /// Puts one of our media sessions, sending from `addr` to this side's relay address, in
    /// the side's place until called again with `None` (see the module's notes).
    pub fn stand_in(&self, side: Side, addr: Option<SocketAddr>) {
        self.command(Command::StandIn(self.id, side, addr));
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Remove(self.id));
        let _ = self.waker.wake();
    }
}

struct Leg {
    socket: UdpSocket,
    port: u16,
    /// Where this side's packets may come from, and where packets for it go.
    latch: Latch,
    /// Our media session talking in this side's place, if any.
    stand_in: Option<SocketAddr>,
}

struct Pair {
    id: u64,
    legs: [Leg; 2],
    tap: Option<SyncSender<Tapped>>,
}

/// One relay thread: polls its calls' sockets and moves packets until the process ends.
#[expect(
    clippy::too_many_lines,
    reason = "the packet thread's poll loop: one match on each kind of event, kept together so the hot path is visible in one place (and measured by the relay benchmark)"
)]
fn run(mut poll: Poll, inbox: Receiver<Command>, pool: Arc<Ports>) {
    let mut events = Events::with_capacity(1024);
    let mut slots: Vec<Option<Pair>> = Vec::new();
    let mut free_slots: Vec<usize> = Vec::new();
    let mut by_id: HashMap<u64, usize> = HashMap::new();
    let mut buf = [0u8; 2048];
    loop {
        if poll.poll(&mut events, None).is_err() {
            continue;
        }
        for ev in events.iter() {
            if ev.token() == WAKER {
                continue;
            }
            let (slot, side) = (ev.token().0 / 2, ev.token().0 % 2);
            let Some(Some(pair)) = slots.get_mut(slot) else {
                continue;
            };
            let (from_leg, to_leg) = if side == 0 { (0, 1) } else { (1, 0) };
            // Drain the socket: several packets may wait behind one wake-up.
            while let Ok((n, src)) = pair.legs[from_leg].socket.recv_from(&mut buf) {
                let leg = &mut pair.legs[from_leg];
                let standing_in = leg.stand_in == Some(src);
                // A stranger: neither relayed nor latched.
                if !standing_in && !leg.latch.accept(src) {
                    continue;
                }
                // Held while its place is taken: the real party only latches.
                if leg.stand_in.is_some() && !standing_in {
                    continue;
                }
                let out = &pair.legs[to_leg];
                let to = if standing_in {
                    out.latch.peer()
                } else {
                    out.stand_in.or(out.latch.peer())
                };
                if let Some(to) = to {
                    // A full send buffer drops the packet: late audio is worse than lost audio.
                    let _ = out.socket.send_to(&buf[..n], to);
                }
                if let Some(tap) = &pair.tap {
                    let len = n.min(TAP_BYTES);
                    let mut copy = Tapped {
                        from: if from_leg == 0 { Side::A } else { Side::B },
                        len,
                        data: [0; TAP_BYTES],
                    };
                    copy.data[..len].copy_from_slice(&buf[..len]);
                    // A recorder that falls behind loses packets; the call never waits.
                    let _ = tap.try_send(copy);
                }
            }
        }
        while let Ok(cmd) = inbox.try_recv() {
            match cmd {
                Command::Add { id, a, b } => {
                    let slot = free_slots.pop().unwrap_or_else(|| {
                        slots.push(None);
                        slots.len() - 1
                    });
                    let mut legs = [
                        Leg {
                            socket: a.0,
                            port: a.1,
                            latch: Latch::new(),
                            stand_in: None,
                        },
                        Leg {
                            socket: b.0,
                            port: b.1,
                            latch: Latch::new(),
                            stand_in: None,
                        },
                    ];
                    for (i, leg) in legs.iter_mut().enumerate() {
                        let _ = poll.registry().register(
                            &mut leg.socket,
                            Token(slot * 2 + i),
                            Interest::READABLE,
                        );
                    }
                    slots[slot] = Some(Pair {
                        id,
                        legs,
                        tap: None,
                    });
                    by_id.insert(id, slot);
                }
                Command::Tap(id, tap) => {
                    if let Some(Some(pair)) = by_id.get(&id).and_then(|s| slots.get_mut(*s)) {
                        pair.tap = Some(tap);
                    }
                }
                Command::Peer(id, side, addr, signalling) => {
                    if let Some(leg) = leg_of(&mut slots, &by_id, id, side) {
                        leg.latch = Latch::expecting(addr, signalling, &pool.reach);
                    }
                }
                Command::Redescribe(id, side, addr, signalling) => {
                    if let Some(leg) = leg_of(&mut slots, &by_id, id, side) {
                        leg.latch.expect(addr, signalling, &pool.reach);
                    }
                }
                Command::Own(id, side, addr) => {
                    if let Some(leg) = leg_of(&mut slots, &by_id, id, side) {
                        leg.latch = Latch::exact(addr);
                    }
                }
                Command::StandIn(id, side, addr) => {
                    if let Some(leg) = leg_of(&mut slots, &by_id, id, side) {
                        leg.stand_in = addr;
                    }
                }
                Command::Remove(id) => {
                    if let Some(slot) = by_id.remove(&id)
                        && let Some(mut pair) = slots.get_mut(slot).and_then(Option::take)
                    {
                        debug_assert_eq!(pair.id, id);
                        for leg in &mut pair.legs {
                            let _ = poll.registry().deregister(&mut leg.socket);
                        }
                        let ports = [pair.legs[0].port, pair.legs[1].port];
                        drop(pair);
                        for p in ports {
                            pool.give_back(p);
                        }
                        free_slots.push(slot);
                    }
                }
            }
        }
    }
}

/// The leg on `side` of call `id`, if the call is still relayed.
fn leg_of<'a>(
    slots: &'a mut [Option<Pair>],
    by_id: &HashMap<u64, usize>,
    id: u64,
    side: Side,
) -> Option<&'a mut Leg> {
    let pair = slots.get_mut(*by_id.get(&id)?)?.as_mut()?;
    Some(&mut pair.legs[if side == Side::A { 0 } else { 1 }])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// Loopback is where the tests' phones are.
    fn loopback() -> MediaReach {
        MediaReach::new(vec!["127.0.0.0/8".parse().unwrap()], [])
    }

    #[tokio::test]
    async fn audio_flows_both_ways_and_latches_to_the_real_source() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let ports = Ports::new(ip, (31000, 31009), loopback());
        let before = ports.free_count();
        let relay = Relay::start(&ports).await.unwrap();
        assert_eq!(ports.free_count(), before - 2);
        let phone_a = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let phone_b = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // B's SDP names another port (NAT); its own packets show where it is.
        relay.set_peer(Side::B, "127.0.0.1:9".parse().unwrap(), None);
        relay.set_peer(Side::A, phone_a.local_addr().unwrap(), None);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let mut buf = [0u8; 64];
        // Nothing goes to a side before it has spoken: A's first packet is not sent to port 9.
        phone_a.send_to(b"early-a", relay.a_addr).await.unwrap();
        phone_b.send_to(b"from-b", relay.b_addr).await.unwrap();
        let (n, from) = phone_a.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"from-b");
        assert_eq!(from, relay.a_addr);
        phone_a.send_to(b"from-a", relay.a_addr).await.unwrap();
        let (n, from) = phone_b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"from-a");
        assert_eq!(from, relay.b_addr);
        drop(relay);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(
            ports.free_count(),
            before,
            "ports go back when the call ends"
        );
    }

    #[tokio::test]
    async fn a_stranger_spraying_the_ports_neither_hears_nor_talks_into_a_call() {
        let ports = Ports::new("127.0.0.1".parse().unwrap(), (31020, 31029), loopback());
        let relay = Relay::start(&ports).await.unwrap();
        let bind = |ip: &'static str| tokio::net::UdpSocket::bind((ip, 0));
        let (caller, callee) = (
            bind("127.0.0.1").await.unwrap(),
            bind("127.0.0.1").await.unwrap(),
        );
        // Another host (loopback has all of 127/8): what the SDPs do not name.
        let stranger = bind("127.0.0.2").await.unwrap();
        relay.set_peer(Side::A, caller.local_addr().unwrap(), None);
        relay.set_peer(Side::B, callee.local_addr().unwrap(), None);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let pause = || tokio::time::sleep(std::time::Duration::from_millis(30));
        let mut buf = [0u8; 64];
        let mut got = |s: &tokio::net::UdpSocket| {
            let mut all = Vec::new();
            while let Ok((n, _)) = s.try_recv_from(&mut buf) {
                all.push(buf[..n].to_vec());
            }
            all
        };
        // While the call rings (nobody latched yet) the stranger sprays both sides' ports.
        for _ in 0..5 {
            stranger.send_to(b"spray", relay.a_addr).await.unwrap();
            stranger.send_to(b"spray", relay.b_addr).await.unwrap();
        }
        caller.send_to(b"hello", relay.a_addr).await.unwrap();
        pause().await;
        callee.send_to(b"hi", relay.b_addr).await.unwrap();
        pause().await;
        // And again once both latched.
        stranger.send_to(b"spray", relay.a_addr).await.unwrap();
        stranger.send_to(b"spray", relay.b_addr).await.unwrap();
        caller.send_to(b"still me", relay.a_addr).await.unwrap();
        pause().await;
        assert_eq!(
            got(&caller),
            vec![b"hi".to_vec()],
            "only the callee is heard"
        );
        assert_eq!(got(&callee), vec![b"still me".to_vec()], "only the caller");
        assert!(got(&stranger).is_empty(), "the stranger hears nothing");
    }

    #[tokio::test]
    async fn an_sdp_naming_an_inside_address_gets_nothing_until_it_has_sent() {
        // Nothing trusted: loopback is an inside address like any private one.
        let ports = Ports::new(
            "127.0.0.1".parse().unwrap(),
            (31030, 31039),
            MediaReach::default(),
        );
        let relay = Relay::start(&ports).await.unwrap();
        let bind = || tokio::net::UdpSocket::bind("127.0.0.1:0");
        let (target, callee) = (bind().await.unwrap(), bind().await.unwrap());
        let ip = Some(target.local_addr().unwrap().ip());
        // The description names its signalling's own IP, which would be sent to at once.
        relay.set_peer(Side::A, target.local_addr().unwrap(), ip);
        relay.set_peer(Side::B, callee.local_addr().unwrap(), None);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        callee.send_to(b"flood", relay.b_addr).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let mut buf = [0u8; 64];
        assert!(target.try_recv_from(&mut buf).is_err(), "sent before latch");
        // Once its own packet arrived, the source proved it is there and is answered.
        target.send_to(b"me", relay.a_addr).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        callee.send_to(b"hi", relay.b_addr).await.unwrap();
        let (n, _) = target.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hi");
    }

    #[test]
    fn ports_are_drawn_at_random_not_in_order() {
        let ports = Ports::new("127.0.0.1".parse().unwrap(), (32000, 32399), loopback());
        let taken: Vec<u16> = (0..8).map(|_| ports.take().unwrap()).collect();
        let in_order = taken.windows(2).all(|w| w[1] == w[0] + 2);
        assert!(!in_order, "{taken:?}");
        assert!(
            taken
                .iter()
                .all(|p| p % 2 == 0 && (32000..=32399).contains(p))
        );
    }

    #[tokio::test]
    async fn stand_ins_talk_to_the_other_sides_real_party_while_the_real_ones_are_held() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let ports = Ports::new(ip, (31010, 31019), loopback());
        let relay = Relay::start(&ports).await.unwrap();
        let bind = || tokio::net::UdpSocket::bind("127.0.0.1:0");
        let (caller, callee) = (bind().await.unwrap(), bind().await.unwrap());
        // `ringback` stands in for the callee, `whisper` for the caller.
        let (ringback, whisper) = (bind().await.unwrap(), bind().await.unwrap());
        relay.set_peer(Side::A, caller.local_addr().unwrap(), None);
        relay.set_peer(Side::B, callee.local_addr().unwrap(), None);
        relay.stand_in(Side::B, Some(ringback.local_addr().unwrap()));
        relay.stand_in(Side::A, Some(whisper.local_addr().unwrap()));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let mut buf = [0u8; 64];
        let got = |s: &tokio::net::UdpSocket, buf: &mut [u8; 64]| {
            let r = s.try_recv_from(buf);
            r.ok().map(|(n, _)| buf[..n].to_vec())
        };
        let pause = || tokio::time::sleep(std::time::Duration::from_millis(30));

        // The real parties speak first (nothing is sent to a side before it has).
        caller.send_to(b"hello?", relay.a_addr).await.unwrap();
        callee.send_to(b"yes?", relay.b_addr).await.unwrap();
        pause().await;
        ringback.send_to(b"ring", relay.b_addr).await.unwrap();
        whisper.send_to(b"who", relay.a_addr).await.unwrap();
        pause().await;
        assert_eq!(got(&caller, &mut buf).as_deref(), Some(&b"ring"[..]));
        assert_eq!(got(&callee, &mut buf).as_deref(), Some(&b"who"[..]));
        assert_eq!(got(&caller, &mut buf), None, "the callee is not heard yet");
        assert_eq!(got(&callee, &mut buf), None, "nor the caller");
        assert_eq!(got(&ringback, &mut buf), None);
        assert_eq!(got(&whisper, &mut buf), None);

        // Connected: the stand-ins leave and the real parties hear each other.
        relay.stand_in(Side::A, None);
        relay.stand_in(Side::B, None);
        pause().await;
        caller.send_to(b"hello", relay.a_addr).await.unwrap();
        callee.send_to(b"hi", relay.b_addr).await.unwrap();
        pause().await;
        assert_eq!(got(&callee, &mut buf).as_deref(), Some(&b"hello"[..]));
        assert_eq!(got(&caller, &mut buf).as_deref(), Some(&b"hi"[..]));
    }
}
