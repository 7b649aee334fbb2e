//! The RTP relay: every call's audio passes through two sockets of Switchboard's, one facing each
//! side, so phones behind NAT work and neither side learns the other's address.
//!
//! Symmetric latching: a side's packets are sent back to wherever that side's packets come from
//! (its first packet after the description changed), not only to the address in its SDP, which
//! behind NAT is a private one. The packet path reads into a buffer owned by the relay task and
//! writes it out again: no allocation, no lock, no database or file IO per packet.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// The configured RTP port range, handed out in even ports (RTP convention: RTCP would use the
/// odd one above; only RTP is relayed).
pub struct Ports {
    ip: IpAddr,
    free: Mutex<VecDeque<u16>>,
}

impl Ports {
    pub fn new(ip: IpAddr, range: (u16, u16)) -> Arc<Self> {
        let start = range.0 + range.0 % 2;
        let free = (start..=range.1).step_by(2).collect();
        Arc::new(Self {
            ip,
            free: Mutex::new(free),
        })
    }

    fn take(&self) -> Option<u16> {
        self.free.lock().ok()?.pop_front()
    }

    fn give_back(&self, port: u16) {
        // Released ports go to the back, so a late packet of an ended call rarely meets a new one.
        if let Ok(mut f) = self.free.lock() {
            f.push_back(port);
        }
    }

    /// A socket on a free port of the range; ports another program holds are skipped.
    async fn bind(self: &Arc<Self>) -> Option<Held> {
        for _ in 0..64 {
            let port = self.take()?;
            match UdpSocket::bind(SocketAddr::new(self.ip, port)).await {
                Ok(socket) => {
                    return Some(Held {
                        socket,
                        port,
                        pool: self.clone(),
                    });
                }
                Err(_) => self.give_back(port),
            }
        }
        None
    }

    /// Ports currently free (for tests and metrics).
    pub fn free_count(&self) -> usize {
        self.free.lock().map(|f| f.len()).unwrap_or(0)
    }
}

/// A bound port of the range; it goes back to the pool when dropped.
struct Held {
    socket: UdpSocket,
    port: u16,
    pool: Arc<Ports>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.pool.give_back(self.port);
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

enum Control {
    /// The side's description names this address; send there until its packets show where it
    /// really is.
    Peer(Side, SocketAddr),
}

/// One call's relay: dropping it stops the relay and frees its ports.
pub struct Relay {
    /// The address given to side A in SDP (the socket facing A).
    pub a_addr: SocketAddr,
    /// The address given to side B in SDP.
    pub b_addr: SocketAddr,
    control: mpsc::UnboundedSender<Control>,
}

impl Relay {
    pub async fn start(ports: &Arc<Ports>) -> Option<Relay> {
        let a = ports.bind().await?;
        let b = ports.bind().await?;
        let a_addr = SocketAddr::new(ports.ip, a.port);
        let b_addr = SocketAddr::new(ports.ip, b.port);
        let (control, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(a, b, rx));
        Some(Relay {
            a_addr,
            b_addr,
            control,
        })
    }

    /// Tells the relay where a side's SDP says its audio is.
    pub fn set_peer(&self, side: Side, addr: SocketAddr) {
        let _ = self.control.send(Control::Peer(side, addr));
    }
}

struct Leg {
    held: Held,
    /// Where packets for this side go.
    peer: Option<SocketAddr>,
    /// Whether `peer` was learned from this side's own packets.
    latched: bool,
}

impl Leg {
    /// Notes where a packet from this side came from.
    fn saw(&mut self, from: SocketAddr) {
        if !self.latched {
            self.peer = Some(from);
            self.latched = true;
        }
    }
}

async fn run(a: Held, b: Held, mut control: mpsc::UnboundedReceiver<Control>) {
    let mut a = Leg {
        held: a,
        peer: None,
        latched: false,
    };
    let mut b = Leg {
        held: b,
        peer: None,
        latched: false,
    };
    let mut buf_a = [0u8; 2048];
    let mut buf_b = [0u8; 2048];
    loop {
        tokio::select! {
            got = a.held.socket.recv_from(&mut buf_a) => {
                if let Ok((n, from)) = got {
                    a.saw(from);
                    if let Some(to) = b.peer {
                        let _ = b.held.socket.send_to(&buf_a[..n], to).await;
                    }
                }
            }
            got = b.held.socket.recv_from(&mut buf_b) => {
                if let Ok((n, from)) = got {
                    b.saw(from);
                    if let Some(to) = a.peer {
                        let _ = a.held.socket.send_to(&buf_b[..n], to).await;
                    }
                }
            }
            c = control.recv() => match c {
                Some(Control::Peer(side, addr)) => {
                    let leg = if side == Side::A { &mut a } else { &mut b };
                    // A new description (a re-INVITE, a new answer) may move the side: latch again.
                    leg.peer = Some(addr);
                    leg.latched = false;
                }
                None => break,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[tokio::test]
    async fn audio_flows_both_ways_and_latches_to_the_real_source() {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let ports = Ports::new(ip, (31000, 31009));
        let before = ports.free_count();
        let relay = Relay::start(&ports).await.unwrap();
        assert_eq!(ports.free_count(), before - 2);
        let phone_a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let phone_b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        // B's SDP names a wrong (private) address; its own packets correct it.
        relay.set_peer(Side::B, "127.0.0.1:9".parse().unwrap());
        relay.set_peer(Side::A, phone_a.local_addr().unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        phone_b.send_to(b"from-b", relay.b_addr).await.unwrap();
        let mut buf = [0u8; 64];
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
}
