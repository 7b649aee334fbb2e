//! Session timers (RFC 4028): a call whose dialog is not refreshed within its session interval
//! is over, so a phone that lost power or network does not hold a line, a department's
//! simultaneous-call slot or a trunk channel for ever.
//!
//! Switchboard sits between two dialogs and passes the refreshes (re-INVITE, UPDATE) through;
//! these rules decide which interval each side is told and when an unrefreshed call is ended.

use crate::Message;
use std::fmt;
use std::time::Duration;

/// The smallest session interval accepted (RFC 4028 section 4: never below 90 seconds).
pub const MIN_SE: u32 = 90;

/// Who sends the refreshes, relative to the dialog's INVITE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresher {
    Uac,
    Uas,
}

/// A Session-Expires value: the interval and, when named, who refreshes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpires {
    pub seconds: u32,
    pub refresher: Option<Refresher>,
}

impl SessionExpires {
    /// Parses `delta-seconds *(;param)`; unknown parameters are ignored.
    pub fn parse(value: &str) -> Option<Self> {
        let mut parts = value.split(';');
        let seconds = parts.next()?.trim().parse().ok()?;
        let mut refresher = None;
        for p in parts {
            if let Some((k, v)) = p.split_once('=')
                && k.trim().eq_ignore_ascii_case("refresher")
            {
                refresher = match v.trim().to_ascii_lowercase().as_str() {
                    "uac" => Some(Refresher::Uac),
                    "uas" => Some(Refresher::Uas),
                    _ => None,
                };
            }
        }
        Some(SessionExpires { seconds, refresher })
    }

    /// The message's Session-Expires, when it has a readable one.
    pub fn of(m: &Message) -> Option<Self> {
        m.header("session-expires").and_then(Self::parse)
    }

    /// How long after a refresh the call is ended if no other refresh came: the interval less
    /// a third of it or 32 seconds, whichever is less (RFC 4028 section 10), so that the BYE
    /// goes before the far end gives up on its own.
    pub fn expiry(&self) -> Duration {
        let s = u64::from(self.seconds);
        Duration::from_secs(s - (s / 3).min(32))
    }
}

impl fmt::Display for SessionExpires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.seconds)?;
        match self.refresher {
            Some(Refresher::Uac) => f.write_str(";refresher=uac"),
            Some(Refresher::Uas) => f.write_str(";refresher=uas"),
            None => Ok(()),
        }
    }
}

/// Whether a Supported (or Require) header of `m` lists `option`.
pub fn lists(m: &Message, header: &str, option: &str) -> bool {
    m.headers_named(header)
        .flat_map(|v| v.split(','))
        .any(|o| o.trim().eq_ignore_ascii_case(option))
}

/// A request asking for an interval under [`MIN_SE`] is answered 422 with `Min-SE: 90`.
pub fn too_brief(request: &Message) -> bool {
    SessionExpires::of(request).is_some_and(|se| se.seconds < MIN_SE)
}

/// The Session-Expires for the 2xx sent to the caller, given the caller's request and the far
/// side's 2xx. The far side's choice stands when it made one (refresher kept: its refreshes
/// reach the caller through Switchboard, and the caller's reach it). When the far side does not
/// do session timers but the caller does and asked for them, the caller is made the refresher
/// (RFC 4028 section 8.1, what a proxy does). Otherwise the call has no session timer.
pub fn for_caller(request: &Message, answer: &Message) -> Option<SessionExpires> {
    if let Some(se) = SessionExpires::of(answer) {
        return Some(se);
    }
    let asked = SessionExpires::of(request)?;
    lists(request, "supported", "timer").then_some(SessionExpires {
        seconds: asked.seconds,
        refresher: Some(Refresher::Uac),
    })
}

/// The headers a 2xx carrying `se` needs: Session-Expires, and Require: timer when the caller
/// is to refresh (RFC 4028 section 9).
pub fn answer_headers(se: SessionExpires) -> Vec<(&'static str, String)> {
    let mut h = vec![("Session-Expires", se.to_string())];
    if se.refresher == Some(Refresher::Uac) {
        h.push(("Require", "timer".to_owned()));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn msg(head: &str) -> Message {
        parse(format!("{head}\r\nContent-Length: 0\r\n\r\n").as_bytes()).unwrap()
    }

    const INVITE: &str = "INVITE sip:201@a.test SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\nFrom: <sip:202@a.test>;tag=1\r\nTo: <sip:201@a.test>\r\nCall-ID: c\r\nCSeq: 1 INVITE";
    const OK: &str = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx\r\nFrom: <sip:202@a.test>;tag=1\r\nTo: <sip:201@a.test>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE";

    #[test]
    fn session_expires_reads_the_interval_and_the_refresher_in_any_case() {
        let se = SessionExpires::parse("1800 ; Refresher=UAS;x=y").unwrap();
        assert_eq!(se.seconds, 1800);
        assert_eq!(se.refresher, Some(Refresher::Uas));
        assert_eq!(se.to_string(), "1800;refresher=uas");
        assert_eq!(SessionExpires::parse("90").unwrap().refresher, None);
        assert!(SessionExpires::parse("soon").is_none());
        // Compact form "x".
        let m = msg(&format!("{INVITE}\r\nx: 120;refresher=uac"));
        assert_eq!(SessionExpires::of(&m).unwrap().seconds, 120);
    }

    #[test]
    fn intervals_under_ninety_seconds_are_too_brief() {
        assert!(too_brief(&msg(&format!("{INVITE}\r\nSession-Expires: 89"))));
        assert!(!too_brief(&msg(&format!(
            "{INVITE}\r\nSession-Expires: 90"
        ))));
        assert!(!too_brief(&msg(INVITE)));
    }

    #[test]
    fn an_unrefreshed_call_ends_a_third_or_32_seconds_before_the_interval() {
        let at = |s| {
            SessionExpires {
                seconds: s,
                refresher: None,
            }
            .expiry()
        };
        assert_eq!(at(90), Duration::from_secs(60));
        assert_eq!(at(1800), Duration::from_secs(1768));
    }

    #[test]
    fn the_far_sides_choice_stands_else_a_caller_supporting_timers_refreshes() {
        let asked = msg(&format!(
            "{INVITE}\r\nSupported: 100rel, timer\r\nSession-Expires: 600"
        ));
        let plain_ok = msg(OK);
        let se = for_caller(&asked, &plain_ok).unwrap();
        assert_eq!(se.to_string(), "600;refresher=uac");
        assert!(answer_headers(se).contains(&("Require", "timer".into())));

        let far = msg(&format!("{OK}\r\nSession-Expires: 300;refresher=uas"));
        let se = for_caller(&asked, &far).unwrap();
        assert_eq!(se.to_string(), "300;refresher=uas");
        assert_eq!(answer_headers(se).len(), 1);

        // Asked without saying it supports timers, and the far side does not: no timer.
        let unsupported = msg(&format!("{INVITE}\r\nSession-Expires: 600"));
        assert!(for_caller(&unsupported, &plain_ok).is_none());
        assert!(for_caller(&msg(INVITE), &plain_ok).is_none());
    }
}
