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

/// `body` with every connection address and the origin address set to `at`'s IP, and the first
/// audio stream's port set to `at`'s port. Other media streams are refused (port 0): the relay
/// carries audio only.
pub fn rewrite(body: &[u8], at: SocketAddr) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let family = if at.is_ipv4() { "IP4" } else { "IP6" };
    let ip = at.ip();
    let mut out = String::with_capacity(text.len() + 32);
    let mut audio_done = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
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
