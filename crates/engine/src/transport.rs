//! How the engine reaches a peer (RFC 3261 section 18): by datagram over UDP, or down the TCP or
//! TLS connection the peer opened, which is the only way to reach a phone that registered over
//! one. [`Transport`] is what the engine needs of any of them; [`Transports`] puts the UDP socket
//! and the table of stream connections behind it and picks, per peer, the connection when there
//! is one. A WebSocket transport (RFC 7118) is one more kind of connection in that table.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// What the engine needs of a transport to talk to the peer at `to`.
pub(crate) trait Transport: Send + Sync {
    /// Sends one message's bytes to `to`. Nothing is reported back: a lost message is what
    /// the transaction layer's repeats (over UDP) or the peer's own timers (over a stream) are
    /// for.
    fn send(&self, bytes: &[u8], to: SocketAddr) -> impl Future<Output = ()> + Send;

    /// Whether `to` is reached over a reliable (stream) transport, towards which nothing is
    /// repeated (RFC 3261 section 17.1.1.2).
    fn reliable(&self, to: SocketAddr) -> bool;

    /// A Via header for a request sent to `to`: the transport's name and our sent-by for it
    /// (RFC 3261 section 18.1.1), with rport asked for (RFC 3581).
    fn via(&self, branch: &str, to: SocketAddr) -> String;

    /// Our Contact towards `to`, naming the transport it is reached over so that its requests
    /// in a dialog come back the same way.
    fn contact_for(&self, to: SocketAddr) -> String;
}

/// One open stream connection: what is sent to its peer goes down `tx`; `name` is the
/// transport's name for Via (`TCP`, `TLS`).
struct Connection {
    tx: mpsc::Sender<Vec<u8>>,
    name: &'static str,
}

/// Bounds on how many connections are kept: in all, and from one IP address.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Room {
    pub(crate) total: usize,
    pub(crate) per_ip: usize,
}

/// The UDP socket and the open TCP and TLS connections, by peer address.
pub(crate) struct Transports {
    socket: Arc<UdpSocket>,
    /// The address put in Via and Contact for UDP and TCP.
    local: SocketAddr,
    /// Where SIP over TLS listens, for our Via and Contact towards phones on TLS.
    tls_local: Option<SocketAddr>,
    connections: Mutex<HashMap<SocketAddr, Connection>>,
}

impl Transports {
    pub(crate) fn new(socket: UdpSocket, local: SocketAddr, tls_local: Option<SocketAddr>) -> Self {
        Transports {
            socket: Arc::new(socket),
            local,
            tls_local,
            connections: Mutex::new(HashMap::new()),
        }
    }

    /// The UDP socket, for the receive loop.
    pub(crate) fn socket(&self) -> &UdpSocket {
        &self.socket
    }

    /// Lists a new connection from `peer` whose messages go down `tx`; false (nothing listed)
    /// when `room` is used up, in all or for the peer's address.
    pub(crate) fn open(
        &self,
        peer: SocketAddr,
        tx: mpsc::Sender<Vec<u8>>,
        name: &'static str,
        room: Room,
    ) -> bool {
        let mut c = self.connections.lock();
        let from_ip = c.keys().filter(|a| a.ip() == peer.ip()).count();
        let fits = c.len() < room.total && from_ip < room.per_ip;
        if fits {
            c.insert(peer, Connection { tx, name });
        }
        fits
    }

    /// Forgets the connection from `peer` once it is closed.
    pub(crate) fn close(&self, peer: SocketAddr) {
        self.connections.lock().remove(&peer);
    }

    /// The transport name of the connection to `to`; `None` when `to` is reached over UDP.
    fn stream_name(&self, to: SocketAddr) -> Option<&'static str> {
        self.connections.lock().get(&to).map(|c| c.name)
    }
}

impl Transport for Transports {
    async fn send(&self, bytes: &[u8], to: SocketAddr) {
        let stream = self.connections.lock().get(&to).map(|c| c.tx.clone());
        if let Some(conn) = stream {
            // A phone that reached us over a connection is answered and called on it. A peer
            // that does not read loses what does not fit its queue.
            let _ = conn.try_send(bytes.to_vec());
            return;
        }
        if let Err(e) = self.socket.send_to(bytes, to).await {
            tracing::warn!(error = %e, "SIP send failed");
        }
    }

    fn reliable(&self, to: SocketAddr) -> bool {
        self.connections.lock().contains_key(&to)
    }

    fn via(&self, branch: &str, to: SocketAddr) -> String {
        let transport = self.stream_name(to).unwrap_or("UDP");
        // Over TLS we are at the TLS listener's address (answers come back on the connection
        // anyway, but the sent-by should name where we listen for that transport).
        let at = match (transport, self.tls_local) {
            ("TLS", Some(tls)) => tls,
            _ => self.local,
        };
        format!("SIP/2.0/{transport} {at};rport;branch={branch}")
    }

    fn contact_for(&self, to: SocketAddr) -> String {
        match (self.stream_name(to), self.tls_local) {
            (Some("TLS"), Some(tls)) => format!("<sip:switchboard@{tls};transport=tls>"),
            (Some(_), _) => format!("<sip:switchboard@{};transport=tcp>", self.local),
            (None, _) => format!("<sip:switchboard@{}>", self.local),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Room, Transport, Transports};
    use std::net::SocketAddr;
    use tokio::net::UdpSocket;
    use tokio::sync::mpsc;

    const ROOM: Room = Room {
        total: 2,
        per_ip: 1,
    };

    async fn loopback() -> (UdpSocket, SocketAddr) {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let a = s.local_addr().unwrap();
        (s, a)
    }

    async fn transports() -> (Transports, SocketAddr) {
        let (socket, local) = loopback().await;
        let tls: SocketAddr = "127.0.0.1:5061".parse().unwrap();
        (Transports::new(socket, local, Some(tls)), local)
    }

    #[tokio::test]
    async fn a_peer_with_a_connection_is_reached_down_it_and_any_other_over_udp() {
        let (t, _) = transports().await;
        let (phone, phone_at) = loopback().await;
        let on_tcp: SocketAddr = "127.0.0.9:40000".parse().unwrap();
        let (tx, mut rx) = mpsc::channel(4);
        assert!(t.open(on_tcp, tx, "TCP", ROOM));
        t.send(b"to the connection", on_tcp).await;
        t.send(b"to the datagram", phone_at).await;
        assert_eq!(rx.recv().await.unwrap(), b"to the connection");
        let mut buf = [0u8; 64];
        let (n, _) = phone.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to the datagram");
        assert!(t.reliable(on_tcp) && !t.reliable(phone_at));
        t.close(on_tcp);
        assert!(!t.reliable(on_tcp), "a closed connection is forgotten");
    }

    #[tokio::test]
    async fn via_and_contact_name_the_transport_and_its_listening_address() {
        let (t, local) = transports().await;
        let (tcp, tls, udp): (SocketAddr, SocketAddr, SocketAddr) = (
            "127.0.0.2:1".parse().unwrap(),
            "127.0.0.3:1".parse().unwrap(),
            "127.0.0.4:1".parse().unwrap(),
        );
        assert!(t.open(tcp, mpsc::channel(1).0, "TCP", ROOM));
        assert!(t.open(tls, mpsc::channel(1).0, "TLS", ROOM));
        assert_eq!(
            t.via("z9hG4bKx", tcp),
            format!("SIP/2.0/TCP {local};rport;branch=z9hG4bKx")
        );
        assert_eq!(
            t.via("z9hG4bKx", tls),
            "SIP/2.0/TLS 127.0.0.1:5061;rport;branch=z9hG4bKx"
        );
        assert_eq!(
            t.via("z9hG4bKx", udp),
            format!("SIP/2.0/UDP {local};rport;branch=z9hG4bKx")
        );
        assert_eq!(
            t.contact_for(tls),
            "<sip:switchboard@127.0.0.1:5061;transport=tls>"
        );
        assert_eq!(
            t.contact_for(tcp),
            format!("<sip:switchboard@{local};transport=tcp>")
        );
        assert_eq!(t.contact_for(udp), format!("<sip:switchboard@{local}>"));
    }

    #[tokio::test]
    async fn connections_are_bounded_in_all_and_per_address() {
        let (t, _) = transports().await;
        let a: SocketAddr = "127.0.0.2:1".parse().unwrap();
        let same_ip: SocketAddr = "127.0.0.2:2".parse().unwrap();
        let b: SocketAddr = "127.0.0.3:1".parse().unwrap();
        let c: SocketAddr = "127.0.0.4:1".parse().unwrap();
        assert!(t.open(a, mpsc::channel(1).0, "TCP", ROOM));
        assert!(!t.open(same_ip, mpsc::channel(1).0, "TCP", ROOM));
        assert!(t.open(b, mpsc::channel(1).0, "TCP", ROOM));
        assert!(!t.open(c, mpsc::channel(1).0, "TCP", ROOM), "total reached");
        assert!(!t.reliable(same_ip) && !t.reliable(c));
    }
}
