//! The answered call's session timer (RFC 4028), sans-IO: the interval agreed by the 2xx to
//! the first INVITE, started again by each refresh (a re-INVITE or UPDATE answered 2xx,
//! section 7.4), and the moment an unrefreshed call is ended (section 10). Fed the messages
//! and the time, it reads no clock, so its rules are tested with wire text and made-up
//! instants.

use sb_sip::Message;
use sb_sip::timer;
use tokio::time::Instant;

/// When the session interval agreed for the call, if any, runs out.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SessionTimer {
    deadline: Option<Instant>,
}

impl SessionTimer {
    /// `answer`, a 2xx to `request` (the first INVITE or a refresh passed along), came at
    /// `now`: the interval it settles starts again, or the call has none if neither side asked
    /// for one. Gives the headers our 2xx to the request's sender carries.
    pub(super) fn agree(
        &mut self,
        request: &Message,
        answer: &Message,
        now: Instant,
    ) -> Vec<(&'static str, String)> {
        let agreed = timer::for_caller(request, answer);
        self.deadline = agreed.map(|se| now + se.expiry());
        agreed.map(timer::answer_headers).unwrap_or_default()
    }

    /// When the call ends unless a refresh comes first.
    pub(super) fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Whether the interval ran out unrefreshed by `now`. It says so once: a call that ends
    /// by it is not woken for it again while its last transactions finish.
    pub(super) fn expired(&mut self, now: Instant) -> bool {
        let due = self.deadline.is_some_and(|t| t <= now);
        if due {
            self.deadline = None;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const INVITE: &str = "INVITE sip:201@acme.sip.test SIP/2.0\r\n\
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1\r\n\
        From: <sip:202@acme.sip.test>;tag=c1\r\n\
        To: <sip:201@acme.sip.test>\r\n\
        Call-ID: call-a@192.0.2.10\r\n\
        CSeq: 7 INVITE\r\n";

    const OK: &str = "SIP/2.0 200 OK\r\n\
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1\r\n\
        From: <sip:202@acme.sip.test>;tag=c1\r\n\
        To: <sip:201@acme.sip.test>;tag=d1\r\n\
        Call-ID: call-a@192.0.2.10\r\n\
        CSeq: 7 INVITE\r\n";

    /// `head` with `extra` header lines and no body.
    fn msg(head: &str, extra: &str) -> Message {
        sb_sip::parse(format!("{head}{extra}Content-Length: 0\r\n\r\n").as_bytes()).unwrap()
    }

    fn secs(origin: Instant, s: u64) -> Instant {
        origin + Duration::from_secs(s)
    }

    #[test]
    fn a_call_nobody_refreshes_ends_a_third_of_its_interval_early_and_only_once() {
        let t0 = Instant::now();
        let mut session = SessionTimer::default();
        let asked = msg(INVITE, "Supported: timer\r\nSession-Expires: 90\r\n");
        let headers = session.agree(&asked, &msg(OK, ""), t0);
        // The far side does no timers: the caller refreshes (RFC 4028 section 8.1).
        assert_eq!(
            headers,
            [
                ("Session-Expires", "90;refresher=uac".to_owned()),
                ("Require", "timer".to_owned())
            ]
        );
        // Ended at 90 − 30 s, so the BYE goes before the phones give up (section 10).
        assert_eq!(session.deadline(), Some(secs(t0, 60)));
        assert!(!session.expired(secs(t0, 59)));
        assert!(session.expired(secs(t0, 60)));
        assert!(!session.expired(secs(t0, 61)), "it fires once");
        assert_eq!(session.deadline(), None);
    }

    #[test]
    fn a_refresh_answered_2xx_starts_the_interval_again() {
        let t0 = Instant::now();
        let mut session = SessionTimer::default();
        let far = msg(OK, "Session-Expires: 1800;refresher=uas\r\n");
        session.agree(&msg(INVITE, ""), &far, t0);
        assert_eq!(session.deadline(), Some(secs(t0, 1768)));
        // A re-INVITE at 20 minutes, answered 2xx with the interval (section 7.4).
        let refresh = msg(
            &INVITE.replace("CSeq: 7", "CSeq: 8"),
            "Session-Expires: 1800\r\n",
        );
        let ok = msg(
            &OK.replace("CSeq: 7", "CSeq: 8"),
            "Session-Expires: 1800\r\n",
        );
        let headers = session.agree(&refresh, &ok, secs(t0, 1200));
        assert_eq!(headers, [("Session-Expires", "1800".to_owned())]);
        assert!(!session.expired(secs(t0, 1768)));
        assert_eq!(session.deadline(), Some(secs(t0, 1200 + 1768)));
    }

    #[test]
    fn a_call_where_neither_side_asks_for_a_session_timer_never_expires() {
        let t0 = Instant::now();
        let mut session = SessionTimer::default();
        // Asked without saying it supports timers, to a far side that does none.
        let headers = session.agree(&msg(INVITE, "Session-Expires: 600\r\n"), &msg(OK, ""), t0);
        assert!(headers.is_empty());
        assert_eq!(session.deadline(), None);
        assert!(!session.expired(secs(t0, 86_400)));
    }
}
