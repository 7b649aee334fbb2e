//! Which source a media stream is taken from, and where its answer goes.
//!
//! RTP carries no proof of who sent a packet, and media ports are easy to find: an outsider who
//! sprays a port range would otherwise be taken for the party of any call whose port it hits,
//! hear that call and talk into it. So a side of a call is bound to the addresses its session
//! description and its signalling name: its first packet from one of those IPs fixes the exact
//! source (the port may differ from the SDP's behind NAT, hence symmetric RTP), and from then on
//! packets from every other source are dropped. Nothing is sent to a side before its own packets
//! have shown where it is, unless its description names the very IP its signalling comes from
//! (an address that proved it receives what is sent there: a TCP connection, or a digest answer
//! to a nonce bound to it), so a description naming somebody else's address (a victim's) cannot
//! turn the media path into a flood towards it, while a phone that is not behind NAT hears the
//! first words of a prompt before it has sent anything. Even then, the address must be one
//! [`MediaReach`] allows (public and not ours, or in a trusted network): a description cannot
//! point the first packets into the private network either.

use crate::reach::MediaReach;
use std::net::{IpAddr, SocketAddr};

/// One side's media source: the IPs it may come from, and the address it latched onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Latch {
    /// Where the side's description says its media is.
    described: Option<SocketAddr>,
    /// The IP the side's signalling comes from (the public side of its NAT).
    signalling: Option<IpAddr>,
    /// The exact source seen: packets go there, and only its packets are taken.
    latched: Option<SocketAddr>,
    /// Whether the described address may be sent to before the side latched (decided when
    /// the description arrives, so the packet path only reads a flag).
    reachable: bool,
}

impl Latch {
    /// A side nothing is known of yet: every packet is dropped until [`Latch::expect`].
    pub fn new() -> Latch {
        Latch::default()
    }

    /// A side whose exact address is known (one of our own sockets): nothing else is taken.
    pub fn exact(addr: SocketAddr) -> Latch {
        Latch {
            described: Some(addr),
            signalling: Some(addr.ip()),
            latched: Some(addr),
            reachable: true,
        }
    }

    /// A side whose description names `sdp` and whose signalling comes from `signalling`;
    /// `reach` says whether `sdp` may be sent to before the side latches.
    pub fn expecting(sdp: SocketAddr, signalling: Option<IpAddr>, reach: &MediaReach) -> Latch {
        let mut l = Latch::new();
        l.expect(sdp, signalling, reach);
        l
    }

    /// A new description for the side (an answer, a re-INVITE). A source already latched stays
    /// when its IP is still one the side may use (a re-INVITE for hold, a new codec); a side that
    /// moved elsewhere latches again, on packets from its new addresses only.
    pub fn expect(&mut self, sdp: SocketAddr, signalling: Option<IpAddr>, reach: &MediaReach) {
        self.described = Some(sdp);
        self.signalling = signalling;
        self.reachable = reach.allows(sdp.ip());
        if self.latched.is_some_and(|l| !self.expects(l.ip())) {
            self.latched = None;
        }
    }

    fn expects(&self, ip: IpAddr) -> bool {
        self.described.is_some_and(|d| d.ip() == ip) || self.signalling == Some(ip)
    }

    /// Whether a packet from `src` belongs to this side; the first one from an expected IP
    /// latches its exact source.
    pub fn accept(&mut self, src: SocketAddr) -> bool {
        match self.latched {
            Some(at) => at == src,
            None if self.expects(src.ip()) => {
                self.latched = Some(src);
                true
            }
            None => false,
        }
    }

    /// Where ours go: where the side's packets come from; before it has sent any, where its
    /// description says when that is its signalling's own IP and a reachable address;
    /// otherwise nowhere yet.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.latched.or(self
            .described
            .filter(|d| self.reachable && self.signalling == Some(d.ip())))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    /// The default: public addresses that are not ours.
    fn public() -> MediaReach {
        MediaReach::default()
    }

    #[test]
    fn strangers_are_never_taken_for_the_side_before_or_after_it_latched() {
        let mut l = Latch::expecting(a("192.0.2.10:4000"), None, &public());
        assert!(
            !l.accept(a("198.51.100.66:4000")),
            "a sprayer before the phone"
        );
        assert_eq!(l.peer(), None, "nothing is sent before the side has spoken");
        assert!(l.accept(a("192.0.2.10:4000")));
        assert!(!l.accept(a("198.51.100.66:4000")), "a sprayer after it");
        assert!(
            !l.accept(a("192.0.2.10:4002")),
            "another port of the same host"
        );
        assert_eq!(l.peer(), Some(a("192.0.2.10:4000")));
    }

    #[test]
    fn before_it_speaks_a_side_is_sent_to_only_at_its_signallings_own_ip() {
        let phone: IpAddr = "192.0.2.10".parse().unwrap();
        let l = Latch::expecting(a("192.0.2.10:4000"), Some(phone), &public());
        assert_eq!(l.peer(), Some(a("192.0.2.10:4000")));
        // A description naming somebody else (a victim) gets nothing until packets come
        // from there, which the victim does not send.
        let mut l = Latch::expecting(a("198.51.100.66:4000"), Some(phone), &public());
        assert_eq!(l.peer(), None);
        assert!(
            l.accept(a("192.0.2.10:4002")),
            "the phone itself, from its NAT"
        );
        assert_eq!(l.peer(), Some(a("192.0.2.10:4002")));
    }

    #[test]
    fn behind_nat_the_signalling_address_is_accepted_with_another_port() {
        // The description names the phone's private address; its packets come from its NAT.
        let mut l = Latch::expecting(
            a("10.0.0.5:4000"),
            Some("203.0.113.7".parse().unwrap()),
            &public(),
        );
        assert!(l.accept(a("203.0.113.7:61000")));
        assert_eq!(l.peer(), Some(a("203.0.113.7:61000")));
    }

    #[test]
    fn a_new_description_keeps_the_latch_unless_the_side_moved() {
        let mut l = Latch::expecting(a("192.0.2.10:4000"), None, &public());
        assert!(l.accept(a("192.0.2.10:4000")));
        // A re-INVITE from the same host (hold, another codec): a sprayer cannot use the moment.
        l.expect(a("192.0.2.10:4000"), None, &public());
        assert!(!l.accept(a("198.51.100.66:4000")));
        assert_eq!(l.peer(), Some(a("192.0.2.10:4000")));
        // The side moved to another host: only that host is taken from now on.
        l.expect(a("192.0.2.20:5000"), None, &public());
        assert_eq!(l.peer(), None);
        assert!(!l.accept(a("192.0.2.10:4000")));
        assert!(l.accept(a("192.0.2.20:5000")));
    }

    #[test]
    fn an_exact_side_takes_only_that_address() {
        let mut l = Latch::exact(a("127.0.0.1:20000"));
        assert!(!l.accept(a("127.0.0.1:20002")));
        assert!(l.accept(a("127.0.0.1:20000")));
        assert_eq!(Latch::new().peer(), None);
        assert!(!Latch::new().accept(a("127.0.0.1:20000")));
    }

    #[test]
    fn before_it_speaks_a_side_is_never_sent_to_at_an_inside_address() {
        // An SDP naming an internal address, from signalling on that same address (a spoofed
        // or local sender): nothing goes there until a packet from it has arrived.
        for inside in ["127.0.0.1:4000", "10.0.0.5:4000", "169.254.169.254:80"] {
            let at = a(inside);
            let mut l = Latch::expecting(at, Some(at.ip()), &public());
            assert_eq!(l.peer(), None, "{inside}");
            assert!(l.accept(at), "its own packets still latch it");
            assert_eq!(l.peer(), Some(at), "and are answered");
        }
        // Unless the operator trusts the network (a LAN of phones).
        let lan = MediaReach::new(vec!["10.0.0.0/8".parse().unwrap()], []);
        let at = a("10.0.0.5:4000");
        assert_eq!(Latch::expecting(at, Some(at.ip()), &lan).peer(), Some(at));
    }

    #[test]
    fn a_new_description_naming_an_inside_address_stops_unproven_sends() {
        let phone: IpAddr = "192.0.2.10".parse().unwrap();
        let mut l = Latch::expecting(a("192.0.2.10:4000"), Some(phone), &public());
        assert_eq!(l.peer(), Some(a("192.0.2.10:4000")));
        let ours = MediaReach::new(Vec::new(), [phone]);
        l.expect(a("192.0.2.10:4000"), Some(phone), &ours);
        assert_eq!(l.peer(), None, "our own address is never sent to unasked");
    }
}
