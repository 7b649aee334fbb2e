//! Request extractors: the signed-in actor, JSON bodies and list paging, each mapping its
//! failures to the documented error answers.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use sb_app::{Actor, AppError};
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};

pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 50;

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

/// The client's address as text, for the use cases (see [`client_ip`]).
pub fn source_ip(parts: &Parts, state: &AppState) -> Option<String> {
    client_ip(parts, &state.trusted_proxies).map(|ip| canonical(ip).to_string())
}

/// The bearer token of a request's Authorization header. (The portals use their own session
/// cookie, read by the web crate; the API takes only the header, so no cross-site form can call it.)
pub fn bearer(parts: &Parts) -> Option<String> {
    if let Some(v) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return v.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    None
}

/// The signed-in actor and the token it came with.
pub struct Auth {
    pub actor: Actor,
    pub token: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(AppError::Unauthenticated)?;
        let ip = source_ip(parts, state);
        let actor = state.app.authenticate(&token, ip.as_deref()).await?;
        // A token restricted to two-factor enrolment opens only the routes that take
        // [`EnrolAuth`]: a new route is closed to it unless it says otherwise.
        sb_app::authz::full_session(&actor)?;
        Ok(Auth { actor, token })
    }
}

/// The signed-in actor, whose token may be one restricted to two-factor enrolment (a policy
/// covers the user, who has no second factor yet): only enrolment and sign-out take it.
pub struct EnrolAuth(pub Auth);

impl FromRequestParts<AppState> for EnrolAuth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(AppError::Unauthenticated)?;
        let ip = source_ip(parts, state);
        let actor = state.app.authenticate(&token, ip.as_deref()).await?;
        Ok(EnrolAuth(Auth { actor, token }))
    }
}

/// The client's address (see [`client_ip`]), for the routes that rate-limit by it.
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(source_ip(parts, state)))
    }
}

/// A JSON body whose failures answer 400, 413, 415 or 422 with the error body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Body(v))
    }
}

/// `?limit=&cursor=` of list routes.
pub struct Paging(pub sb_domain::query::Page);

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        page_from(parts).map(Paging)
    }
}

/// Reads `?limit=&cursor=`: limit 1 to 500 (default 50), cursor as given by a previous page.
pub fn page_from(parts: &Parts) -> Result<sb_domain::query::Page, ApiError> {
    {
        let q = query_pairs(parts);
        let limit = match q.iter().find(|(k, _)| k == "limit") {
            None => DEFAULT_LIMIT,
            Some((_, v)) => match v.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(AppError::invalid(
                        "invalid_limit",
                        "limit",
                        format!("limit is a number from 1 to {MAX_LIMIT}."),
                    )
                    .into());
                }
            },
        };
        let after = match q.into_iter().find(|(k, _)| k == "cursor") {
            None => None,
            Some((_, v)) if sb_domain::ids::looks_like_id(&v) => Some(v),
            Some(_) => {
                return Err(AppError::invalid(
                    "invalid_cursor",
                    "cursor",
                    "This cursor does not come from a list answer.",
                )
                .into());
            }
        };
        Ok(sb_domain::query::Page { after, limit })
    }
}

/// The decoded query pairs of a request.
pub fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    pairs_of(parts.uri.query().unwrap_or(""))
}

/// The decoded name/value pairs of a query string.
pub fn pairs_of(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding of a query component (`+` is a space).
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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
