//! Which addresses media may be sent to before the far side has proved it is there.
//!
//! A session description is text its author writes: it can name any address, including one
//! inside the network Switchboard runs in (a database, a router's admin port, another tenant's
//! phone) or Switchboard's own sockets. Were packets sent wherever a description points, a
//! stranger's SDP would turn the relay into a packet cannon into the private network, or into a
//! loop between our own ports. So before a side has latched ([`crate::latch`]), media goes only
//! to public unicast addresses that are not ours, unless the operator trusts the network the
//! address is in (`--media-trusted-networks`: a LAN of phones, the loopback of a test). Once a
//! packet from the side has arrived, sending back to its source is fine: that packet proved the
//! peer is there and wants the stream.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of address an IP is, as far as sending media to it unasked goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Routed on the internet: a phone's or a carrier's public address.
    Public,
    /// `0.0.0.0/8` ("this network", RFC 1122 3.2.1.3) and `::`.
    Unspecified,
    /// `127.0.0.0/8` and `::1`: the host itself.
    Loopback,
    /// RFC 1918, RFC 6598 (carrier-grade NAT, 100.64.0.0/10), RFC 4193 (IPv6 unique local,
    /// fc00::/7) and the deprecated IPv6 site-local fec0::/10: somebody's inside network.
    Private,
    /// 169.254.0.0/16 (RFC 3927) and fe80::/10 (RFC 4291): the local link.
    LinkLocal,
    /// 224.0.0.0/4 and ff00::/8: every member of a group.
    Multicast,
    /// 255.255.255.255 and the rest of 240.0.0.0/4 (RFC 1112 4: reserved).
    Broadcast,
}

/// The scope of `ip`; an IPv4 address written as IPv6 (`::ffff:10.0.0.1`, RFC 4291 2.5.5.2, or
/// behind the NAT64 prefix 64:ff9b::/96, RFC 6052) counts as the IPv4 address it reaches.
pub fn scope(ip: IpAddr) -> Scope {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4_scope(v4),
        IpAddr::V6(v6) => match nat64(v6) {
            Some(v4) => v4_scope(v4),
            None => v6_scope(v6),
        },
    }
}

fn v4_scope(ip: Ipv4Addr) -> Scope {
    let [a, b, ..] = ip.octets();
    if a == 0 {
        Scope::Unspecified
    } else if ip.is_loopback() {
        Scope::Loopback
    } else if ip.is_private() || (a == 100 && b & 0xc0 == 64) {
        Scope::Private
    } else if ip.is_link_local() {
        Scope::LinkLocal
    } else if ip.is_multicast() {
        Scope::Multicast
    } else if a >= 240 {
        Scope::Broadcast
    } else {
        Scope::Public
    }
}

fn v6_scope(ip: Ipv6Addr) -> Scope {
    let first = ip.segments()[0];
    if ip.is_unspecified() {
        Scope::Unspecified
    } else if ip.is_loopback() {
        Scope::Loopback
    } else if ip.is_multicast() {
        Scope::Multicast
    } else if ip.is_unicast_link_local() {
        Scope::LinkLocal
    } else if ip.is_unique_local() || first & 0xffc0 == 0xfec0 {
        Scope::Private
    } else {
        Scope::Public
    }
}

/// The IPv4 address inside the NAT64 well-known prefix 64:ff9b::/96 (RFC 6052 2.1).
fn nat64(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let o = ip.octets();
    let prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
    (o[..12] == prefix).then(|| Ipv4Addr::new(o[12], o[13], o[14], o[15]))
}

/// Where media may go before the side it is for has sent a packet: public unicast addresses
/// other than Switchboard's own, and anything inside a network the operator trusts.
#[derive(Debug, Clone, Default)]
pub struct MediaReach {
    trusted: Vec<IpNet>,
    own: Vec<IpAddr>,
}

impl MediaReach {
    /// The operator's trusted networks (`--media-trusted-networks`) and Switchboard's own
    /// listening addresses.
    pub fn new(trusted: Vec<IpNet>, own: impl IntoIterator<Item = IpAddr>) -> MediaReach {
        MediaReach {
            trusted,
            own: own.into_iter().map(|ip| ip.to_canonical()).collect(),
        }
    }

    /// Whether packets may be sent to `ip` on a description's word alone.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted.iter().any(|n| n.contains(&ip))
            || (scope(ip) == Scope::Public && !self.own.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn inside_addresses_of_every_kind_are_not_public() {
        let cases = [
            ("0.0.0.0", Scope::Unspecified),
            ("0.1.2.3", Scope::Unspecified),
            ("::", Scope::Unspecified),
            ("127.0.0.1", Scope::Loopback),
            ("127.200.0.9", Scope::Loopback),
            ("::1", Scope::Loopback),
            ("10.1.2.3", Scope::Private),
            ("172.16.0.1", Scope::Private),
            ("172.31.255.254", Scope::Private),
            ("192.168.1.1", Scope::Private),
            ("100.64.0.1", Scope::Private),
            ("100.127.255.254", Scope::Private),
            ("fd12:3456::1", Scope::Private),
            ("fc00::1", Scope::Private),
            ("fec0::1", Scope::Private),
            ("169.254.169.254", Scope::LinkLocal),
            ("fe80::1", Scope::LinkLocal),
            ("224.0.0.1", Scope::Multicast),
            ("239.255.255.250", Scope::Multicast),
            ("ff02::1", Scope::Multicast),
            ("255.255.255.255", Scope::Broadcast),
            ("240.0.0.1", Scope::Broadcast),
        ];
        for (addr, want) in cases {
            assert_eq!(scope(ip(addr)), want, "{addr}");
        }
    }

    #[test]
    fn public_addresses_next_to_the_inside_ranges_stay_public() {
        for addr in [
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "192.0.2.10",
            "203.0.113.7",
            "2001:db8::1",
            "2a00:1450::1",
        ] {
            assert_eq!(scope(ip(addr)), Scope::Public, "{addr}");
        }
    }

    #[test]
    fn an_ipv4_address_written_as_ipv6_counts_as_the_ipv4_address() {
        assert_eq!(scope(ip("::ffff:127.0.0.1")), Scope::Loopback);
        assert_eq!(scope(ip("::ffff:10.0.0.1")), Scope::Private);
        assert_eq!(scope(ip("64:ff9b::192.168.0.1")), Scope::Private);
        assert_eq!(scope(ip("64:ff9b::8.8.8.8")), Scope::Public);
    }

    #[test]
    fn by_default_only_public_addresses_that_are_not_ours_may_be_sent_to() {
        let reach = MediaReach::new(Vec::new(), [ip("203.0.113.1")]);
        assert!(reach.allows(ip("198.51.100.7")));
        assert!(!reach.allows(ip("203.0.113.1")), "our own address");
        assert!(
            !reach.allows(ip("::ffff:203.0.113.1")),
            "ours, written as IPv6"
        );
        assert!(!reach.allows(ip("10.0.0.5")));
        assert!(!reach.allows(ip("127.0.0.1")));
        assert!(
            !reach.allows(ip("169.254.169.254")),
            "a cloud's metadata service"
        );
    }

    #[test]
    fn a_trusted_network_may_be_sent_to_whatever_its_scope() {
        let trusted = vec![
            "10.20.0.0/16".parse().unwrap(),
            "127.0.0.0/8".parse().unwrap(),
        ];
        let reach = MediaReach::new(trusted, [ip("127.0.0.1")]);
        assert!(reach.allows(ip("10.20.3.4")));
        assert!(reach.allows(ip("127.0.0.1")), "trusted outranks ours");
        assert!(reach.allows(ip("::ffff:10.20.3.4")));
        assert!(
            !reach.allows(ip("10.21.0.1")),
            "next to the trusted network"
        );
        assert!(reach.allows(ip("198.51.100.7")));
    }
}
