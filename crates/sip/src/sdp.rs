//! The little of SDP (RFC 4566) a relaying B2BUA needs: where a side wants its audio, and the
//! same description pointing at the relay instead. Codecs and attributes pass through untouched,
//! so PCMU, PCMA and telephone-event reach the other side as offered.

use std::net::{IpAddr, SocketAddr};

/// The audio address a description asks for: the `c=` line (media-level over session-level)
/// and the `m=audio` port. `None` when there is no audio stream or the address is not an IP.
pub fn audio_target(body: &[u8]) -> Option<SocketAddr> {
    let text = std::str::from_utf8(body).ok()?;
    let mut session_addr: Option<IpAddr> = None;
    let mut media_addr: Option<IpAddr> = None;
    let mut port: Option<u16> = None;
    let mut in_audio = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(m) = line.strip_prefix("m=") {
            if port.is_some() {
                break;
            }
            in_audio = m.starts_with("audio ");
            if in_audio {
                port = m.split_whitespace().nth(1)?.parse().ok();
            }
        } else if let Some(c) = line.strip_prefix("c=") {
            let addr = c.split_whitespace().nth(2)?.split('/').next()?.parse().ok();
            if in_audio {
                media_addr = addr;
            } else if port.is_none() {
                session_addr = addr;
            }
        }
    }
    Some(SocketAddr::new(media_addr.or(session_addr)?, port?))
}

/// Attributes that name where a side's media or RTCP may go besides the `c=` and `m=` lines:
/// an explicit RTCP address (RFC 3605) and ICE (RFC 8839) candidates and credentials. Passed
/// on, they would let the other side send around the relay, to an address nobody checked.
fn bypasses_relay(line: &str) -> bool {
    const NAMES: [&str; 8] = [
        "rtcp",
        "candidate",
        "remote-candidates",
        "ice-ufrag",
        "ice-pwd",
        "ice-options",
        "ice-lite",
        "end-of-candidates",
    ];
    line.strip_prefix("a=").is_some_and(|a| {
        let name = a.split([':', ' ']).next().unwrap_or(a);
        NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
    })
}

/// `body` with every connection address and the origin address set to `at`'s IP, and the first
/// audio stream's port set to `at`'s port. Other media streams are refused (port 0): the relay
/// carries audio only. RTCP addresses and ICE candidates are left out ([`bypasses_relay`]):
/// RTCP multiplexed onto the audio port (`a=rtcp-mux`) still passes through the relay.
pub fn rewrite(body: &[u8], at: SocketAddr) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let family = if at.is_ipv4() { "IP4" } else { "IP6" };
    let ip = at.ip();
    let mut out = String::with_capacity(text.len() + 32);
    let mut audio_done = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if bypasses_relay(line) {
            continue;
        }
        if line.starts_with("c=") {
            out.push_str(&format!("c=IN {family} {ip}"));
        } else if let Some(o) = line.strip_prefix("o=") {
            let f: Vec<&str> = o.split_whitespace().collect();
            if f.len() == 6 {
                out.push_str(&format!("o={} {} {} IN {family} {ip}", f[0], f[1], f[2]));
            } else {
                out.push_str(line);
            }
        } else if let Some(m) = line.strip_prefix("m=") {
            let mut parts = m.splitn(3, ' ');
            let kind = parts.next()?;
            let _old_port = parts.next()?;
            let rest = parts.next().unwrap_or("");
            let port = if kind == "audio" && !audio_done {
                audio_done = true;
                at.port()
            } else {
                0
            };
            out.push_str(&format!("m={kind} {port} {rest}"));
        } else {
            out.push_str(line);
        }
        out.push_str("\r\n");
    }
    audio_done.then(|| out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_rtcp_address_or_ice_candidate_is_passed_around_the_relay() {
        let offer = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n\
a=ice-ufrag:F7gI\r\na=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\na=ice-options:trickle\r\n\
m=audio 40000 RTP/AVP 0 101\r\na=rtcp:40001 IN IP4 10.0.0.5\r\na=rtcp-mux\r\n\
a=candidate:1 1 UDP 2130706431 10.0.0.5 40000 typ host\r\n\
a=candidate:2 1 UDP 1694498815 203.0.113.9 51000 typ srflx raddr 10.0.0.5 rport 40000\r\n\
a=end-of-candidates\r\na=rtpmap:101 telephone-event/8000\r\n";
        let at: SocketAddr = "198.51.100.1:30000"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let out = String::from_utf8(rewrite(offer.as_bytes(), at).unwrap_or_default())
            .unwrap_or_default();
        for gone in ["a=rtcp:", "candidate", "ice-", "10.0.0.5", "203.0.113.9"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        for kept in [
            "a=rtcp-mux",
            "a=rtpmap:101 telephone-event/8000",
            "m=audio 30000 ",
        ] {
            assert!(out.contains(kept), "{kept} missing in {out}");
        }
    }

    const OFFER: &str = "v=0\r\no=alice 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n\
m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n\
m=video 40002 RTP/AVP 96\r\n";

    #[test]
    fn the_audio_target_is_the_connection_address_and_audio_port() {
        assert_eq!(
            audio_target(OFFER.as_bytes()),
            Some("10.0.0.5:40000".parse().unwrap_or_else(|_| unreachable!()))
        );
    }

    #[test]
    fn a_media_level_connection_wins_over_the_session_one() {
        let sdp = "v=0\r\nc=IN IP4 1.1.1.1\r\nm=audio 5000 RTP/AVP 0\r\nc=IN IP4 2.2.2.2\r\n";
        assert_eq!(
            audio_target(sdp.as_bytes()).map(|a| a.to_string()),
            Some("2.2.2.2:5000".into())
        );
    }

    #[test]
    fn rewriting_points_audio_at_the_relay_keeps_codecs_and_refuses_video() {
        let at: SocketAddr = "127.0.0.1:20002".parse().unwrap_or_else(|_| unreachable!());
        let out = rewrite(OFFER.as_bytes(), at).unwrap_or_default();
        let text = String::from_utf8(out.clone()).unwrap_or_default();
        assert!(text.contains("c=IN IP4 127.0.0.1\r\n"));
        assert!(text.contains("o=alice 1 1 IN IP4 127.0.0.1\r\n"));
        assert!(text.contains("m=audio 20002 RTP/AVP 0 8 101\r\n"));
        assert!(text.contains("a=rtpmap:101 telephone-event/8000\r\n"));
        assert!(text.contains("m=video 0 RTP/AVP 96\r\n"));
        assert_eq!(audio_target(&out), Some(at));
    }

    #[test]
    fn descriptions_without_audio_or_garbage_give_nothing() {
        assert_eq!(audio_target(b"v=0\r\nm=video 1 RTP/AVP 96\r\n"), None);
        assert_eq!(audio_target(b"\xff\xfe"), None);
        assert_eq!(
            audio_target(b"m=audio notaport RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\n"),
            None
        );
        let at: SocketAddr = "127.0.0.1:1".parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(rewrite(b"v=0\r\n", at), None);
    }
}
