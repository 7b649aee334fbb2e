//! What the two HTTP front doors, the REST API and the portals, share without either naming the
//! other: who the client is behind trusted proxies, the body limit, and how a logo or a
//! person's picture is answered.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use sb_app::branding::Logo;
use std::net::{IpAddr, SocketAddr};

/// The largest request body either front door reads (JSON or a form); uploads have their own.
pub const MAX_BODY: usize = 64 * 1024;

/// An address or a network in CIDR form, as `--trusted-proxies` lists them.
pub use ipnet::IpNet;

/// Parses `--trusted-proxies`: addresses or CIDR networks, separated by commas or spaces.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{s:?} is not an IP address or a network like 10.0.0.0/8"))
        })
        .collect()
}

/// The client's address: the socket's peer, or, when that peer is one of the trusted proxies,
/// the rightmost address of `X-Forwarded-For` that is not a trusted proxy (every hop to its
/// right was added by a proxy we trust; anything to its left the client could have written).
/// From anyone else the header is ignored, so a client cannot choose its rate-limit bucket.
pub fn client_ip(parts: &Parts, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    let hops: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            // Not an address: what a trusted proxy saw last is all we know.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a dual-stack socket reports) compare as
/// the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address as text, for the use cases and the audit (see [`client_ip`]).
pub fn source_ip(parts: &Parts, trusted: &[IpNet]) -> Option<String> {
    client_ip(parts, trusted).map(|ip| canonical(ip).to_string())
}

/// A logo as an answer. An SVG opened on its own runs nothing: no script survives the upload,
/// and its own policy forbids any anyway.
pub fn logo_answer(logo: Logo) -> Response {
    image_answer(logo.kind.content_type(), logo.file)
}

/// A person's picture as an answer: a PNG the use case wrote anew, under the logo's policy.
pub fn picture_answer(png: Vec<u8>) -> Response {
    image_answer("image/png", png)
}

/// An uploaded image as an answer: its type stated and never sniffed, and sandboxed, so that
/// opened on its own it can run nothing.
fn image_answer(content_type: &'static str, file: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        file,
    )
        .into_response()
}

/// A front door's state that knows which proxies to believe about the client's address.
pub trait TrustedProxies {
    /// `--trusted-proxies`: whose `X-Forwarded-For` names the client.
    fn trusted_proxies(&self) -> &[IpNet];
}

/// The client's address as text (see [`client_ip`]), for rate limits and the audit.
pub struct ClientIp(pub Option<String>);

impl<S: TrustedProxies + Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(source_ip(parts, state.trusted_proxies())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(peer: &str, xff: &[&str]) -> Parts {
        let mut b = Request::builder().uri("/");
        for v in xff {
            b = b.header("x-forwarded-for", *v);
        }
        let (mut p, _) = b.body(()).unwrap_or_default().into_parts();
        p.extensions.insert(ConnectInfo::<SocketAddr>(
            peer.parse().unwrap_or(([0; 4], 0).into()),
        ));
        p
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn forwarded_for_from_an_untrusted_peer_is_ignored() {
        let trusted = parse_trusted_proxies("10.0.0.0/8").unwrap_or_default();
        let p = parts("203.0.113.9:4000", &["198.51.100.1"]);
        assert_eq!(client_ip(&p, &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(&p, &[]), ip("203.0.113.9"));
    }

    #[test]
    fn forwarded_for_from_a_trusted_proxy_gives_the_rightmost_untrusted_hop() {
        let trusted = parse_trusted_proxies("10.0.0.0/8, 192.0.2.7").unwrap_or_default();
        // The client wrote a fake first hop; the proxies appended what they saw.
        let p = parts("10.0.0.2:4000", &["6.6.6.6, 198.51.100.1", "192.0.2.7"]);
        assert_eq!(client_ip(&p, &trusted), ip("198.51.100.1"));
        let only_proxies = parts("10.0.0.2:4000", &["10.1.1.1"]);
        assert_eq!(client_ip(&only_proxies, &trusted), ip("10.1.1.1"));
        let garbage = parts("10.0.0.2:4000", &["x, not-an-ip"]);
        assert_eq!(client_ip(&garbage, &trusted), ip("10.0.0.2"));
        let none = parts("10.0.0.2:4000", &[]);
        assert_eq!(client_ip(&none, &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        assert_eq!(
            parse_trusted_proxies("127.0.0.1 ::1,10.0.0.0/8")
                .map(|v| v.len())
                .ok(),
            Some(3)
        );
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert!(parse_trusted_proxies("proxy.example.com").is_err());
    }
}
