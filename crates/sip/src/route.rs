//! The hops a request takes besides its Request-URI: the Path a registration arrived through
//! (RFC 3327) and the route set of a dialog (Record-Route, RFC 3261 section 12.1).
//!
//! A Path is only believed from a configured edge proxy. From anyone else it is ignored and the
//! device is reached where its REGISTER came from: otherwise a line could register a route
//! through a victim's address and have every call to it sent there.

use crate::message::Message;
use std::net::{IpAddr, SocketAddr};

/// Path entries kept per binding at most: an edge proxy adds one, a chain of them a few.
pub const MAX_PATH: usize = 4;

/// The entries of comma-separated header values, in order; commas inside `<...>` or quotes
/// belong to the entry (a URI parameter may hold one).
pub fn entries<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for v in values {
        let (mut start, mut angle, mut quoted) = (0, false, false);
        for (i, ch) in v.char_indices() {
            match ch {
                '"' if !angle => quoted = !quoted,
                '<' if !quoted => angle = true,
                '>' if !quoted => angle = false,
                ',' if !angle && !quoted => {
                    out.push(v[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(v[start..].trim());
    }
    out.retain(|e| !e.is_empty());
    out
}

/// Why a Path from an edge proxy is refused (the reason phrase of a 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    TooLong,
    NotSipUri,
}

impl BadPath {
    pub fn reason(self) -> &'static str {
        match self {
            BadPath::TooLong => "Too Many Path Entries",
            BadPath::NotSipUri => "Bad Path",
        }
    }
}

/// The Path of a REGISTER from `source` to keep with its bindings: empty unless `source` is
/// one of the `edges` (the operator's edge proxies).
pub fn path_of(req: &Message, source: IpAddr, edges: &[IpAddr]) -> Result<Vec<String>, BadPath> {
    if !edges.contains(&source) {
        return Ok(Vec::new());
    }
    let path = entries(req.headers_named("path"));
    if path.len() > MAX_PATH {
        return Err(BadPath::TooLong);
    }
    if !path.iter().all(|e| is_sip_name_addr(e)) {
        return Err(BadPath::NotSipUri);
    }
    Ok(path.into_iter().map(str::to_owned).collect())
}

/// `<sip:...>` or `<sips:...>`, with parameters after the `>` allowed.
fn is_sip_name_addr(e: &str) -> bool {
    let Some(inner) = e.strip_prefix('<').and_then(|r| r.split_once('>')) else {
        return false;
    };
    let uri = inner.0.to_ascii_lowercase();
    uri.starts_with("sip:") || uri.starts_with("sips:")
}

/// Whether the request says its sender supports `tag` (Supported or its compact form `k`).
pub fn supports(req: &Message, tag: &str) -> bool {
    entries(req.headers_named("supported")).contains(&tag)
}

/// Where a request through `route` goes first: the first entry's address when it is an IP
/// address of one of the `edges` (port 5060 when it names none); `None` otherwise, and the
/// caller sends to the address the registration came from.
pub fn first_hop(route: &[String], edges: &[IpAddr]) -> Option<SocketAddr> {
    let first = route.first()?;
    let uri = first.strip_prefix('<')?.split('>').next()?;
    let hostport = uri.split_once(':')?.1;
    let hostport = hostport.rsplit_once('@').map_or(hostport, |(_, h)| h);
    let hostport = hostport.split(';').next()?;
    let addr = match hostport.parse::<SocketAddr>() {
        Ok(a) => a,
        Err(_) => SocketAddr::new(hostport.trim_matches(['[', ']']).parse().ok()?, 5060),
    };
    edges.contains(&addr.ip()).then_some(addr)
}

/// The route set a UAC keeps from the 2xx that made its dialog: the Record-Route entries in
/// reverse order (RFC 3261 section 12.1.2).
pub fn uac_route_set(answer: &Message) -> Vec<String> {
    let mut set: Vec<String> = entries(answer.headers_named("record-route"))
        .into_iter()
        .map(str::to_owned)
        .collect();
    set.reverse();
    set
}

/// The route set a UAS keeps from the request that made its dialog: the Record-Route entries
/// in order (RFC 3261 section 12.1.1).
pub fn uas_route_set(request: &Message) -> Vec<String> {
    entries(request.headers_named("record-route"))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::parse;

    const EDGE: &str = "198.51.100.7";

    fn edges() -> Vec<IpAddr> {
        vec![EDGE.parse().unwrap()]
    }

    fn register(extra: &str) -> Message {
        let text = format!(
            "REGISTER sip:acme.sip.test SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKe1\r\nVia: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK1\r\nTo: <sip:201@acme.sip.test>\r\nFrom: <sip:201@acme.sip.test>;tag=a1\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\nContact: <sip:201@10.0.0.5:5062>\r\n{extra}Content-Length: 0\r\n\r\n"
        );
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn a_path_is_kept_only_from_an_edge_proxy() {
        let req = register("Supported: path\r\nPath: <sip:198.51.100.7:5060;lr>\r\n");
        let from_edge = path_of(&req, EDGE.parse().unwrap(), &edges()).unwrap();
        assert_eq!(from_edge, ["<sip:198.51.100.7:5060;lr>"]);
        let from_anyone = path_of(&req, "203.0.113.9".parse().unwrap(), &edges()).unwrap();
        assert!(from_anyone.is_empty(), "a stranger's Path is ignored");
        assert!(supports(&req, "path"));
        assert!(!supports(&register(""), "path"));
    }

    #[test]
    fn several_path_entries_keep_their_order_and_commas_inside_brackets() {
        let req = register(
            "Path: <sip:198.51.100.7;lr;x=\"a,b\">, <sip:edge2.example;lr>\r\nPath: <sips:edge3.example;lr>\r\n",
        );
        let path = path_of(&req, EDGE.parse().unwrap(), &edges()).unwrap();
        assert_eq!(
            path,
            [
                "<sip:198.51.100.7;lr;x=\"a,b\">",
                "<sip:edge2.example;lr>",
                "<sips:edge3.example;lr>"
            ]
        );
    }

    #[test]
    fn a_long_or_malformed_path_from_an_edge_is_refused() {
        let long = "Path: <sip:a;lr>, <sip:b;lr>, <sip:c;lr>, <sip:d;lr>, <sip:e;lr>\r\n";
        let edge = EDGE.parse().unwrap();
        assert_eq!(
            path_of(&register(long), edge, &edges()),
            Err(BadPath::TooLong)
        );
        for bad in ["Path: sip:198.51.100.7;lr\r\n", "Path: <http://x/>\r\n"] {
            assert_eq!(
                path_of(&register(bad), edge, &edges()),
                Err(BadPath::NotSipUri),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_first_hop_is_the_path_s_first_entry_only_when_it_is_an_edge() {
        let e = edges();
        let hop = |p: &str| first_hop(&[p.to_owned()], &e);
        assert_eq!(
            hop("<sip:198.51.100.7:5070;lr>"),
            Some("198.51.100.7:5070".parse().unwrap())
        );
        assert_eq!(
            hop("<sip:198.51.100.7;lr>"),
            Some("198.51.100.7:5060".parse().unwrap())
        );
        assert_eq!(
            hop("<sip:pxy@198.51.100.7:5080;lr>"),
            Some("198.51.100.7:5080".parse().unwrap())
        );
        assert_eq!(hop("<sip:203.0.113.9;lr>"), None, "not an edge");
        assert_eq!(hop("<sip:edge.example;lr>"), None, "names are not resolved");
        assert_eq!(first_hop(&[], &e), None);
    }

    #[test]
    fn route_sets_follow_record_route_in_the_order_each_side_needs() {
        let answer = parse(
            b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nRecord-Route: <sip:p2.example;lr>\r\nRecord-Route: <sip:p1.example;lr>\r\nTo: <sip:a@x>;tag=2\r\nFrom: <sip:b@x>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            uac_route_set(&answer),
            ["<sip:p1.example;lr>", "<sip:p2.example;lr>"]
        );
        let invite = parse(
            b"INVITE sip:201@acme SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nRecord-Route: <sip:p1.example;lr>, <sip:p2.example;lr>\r\nTo: <sip:a@x>\r\nFrom: <sip:b@x>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            uas_route_set(&invite),
            ["<sip:p1.example;lr>", "<sip:p2.example;lr>"]
        );
    }
}
