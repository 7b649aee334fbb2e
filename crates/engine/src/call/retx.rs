//! What a call repeats until it is answered (RFC 3261 section 17): its requests (Timer A/E,
//! given up by Timer B/F) and the 2xx to the caller's INVITE (section 13.3.1.4, until the ACK).
//! Over TCP and TLS a request is sent once: the transport delivers it, and repeating it would
//! only reach the other side twice (section 17.1.1.2); the timeout still runs.

use super::{T1, T2, TIMER_B};
use std::net::SocketAddr;
use tokio::time::Instant;

/// One message to repeat, under the key its answer clears it by.
pub(super) struct Retx<K> {
    pub key: K,
    pub bytes: Vec<u8>,
    pub to: SocketAddr,
    next: Instant,
    interval: std::time::Duration,
    /// Keep the interval growing up to T2 (INVITE client transactions double without a cap).
    capped: bool,
    /// False on a reliable transport: the message only waits for its answer or timeout.
    repeat: bool,
    until: Instant,
}

/// What a message waiting for its answer needs now.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Due {
    Nothing,
    /// Send it again.
    Resend,
    /// No answer in time: give up (Timer B, F, or H for a 2xx).
    GiveUp,
}

impl<K> Retx<K> {
    /// `bytes`, just sent to `to` at `now`, to be sent again from T1 on (unless `reliable`)
    /// until `key` is answered or Timer B runs out.
    pub fn new(key: K, bytes: Vec<u8>, to: SocketAddr, capped: bool, reliable: bool) -> Self {
        Self::at(Instant::now(), key, bytes, to, capped, reliable)
    }

    fn at(
        now: Instant,
        key: K,
        bytes: Vec<u8>,
        to: SocketAddr,
        capped: bool,
        reliable: bool,
    ) -> Self {
        Retx {
            key,
            bytes,
            to,
            next: now + T1,
            interval: T1,
            capped,
            repeat: !reliable,
            until: now + TIMER_B,
        }
    }

    /// When it next needs looking at.
    pub fn wake(&self) -> Instant {
        if self.repeat {
            self.next.min(self.until)
        } else {
            self.until
        }
    }

    /// What is due at `now`; a resend moves the next one on (doubling, up to T2 when capped).
    pub fn due(&mut self, now: Instant) -> Due {
        if self.until <= now {
            return Due::GiveUp;
        }
        if !self.repeat || self.next > now {
            return Due::Nothing;
        }
        self.interval = if self.capped {
            (self.interval * 2).min(T2)
        } else {
            self.interval * 2
        };
        self.next = now + self.interval;
        Due::Resend
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn resends(mut r: Retx<()>, start: Instant) -> Vec<u64> {
        let mut at = Vec::new();
        for ms in (0..=32_000).step_by(50) {
            let now = start + Duration::from_millis(ms);
            match r.due(now) {
                Due::Resend => at.push(ms),
                Due::GiveUp => break,
                Due::Nothing => {}
            }
        }
        at
    }

    #[test]
    fn over_udp_a_request_is_repeated_from_t1_doubling_up_to_t2() {
        let start = Instant::now();
        let addr: SocketAddr = ([192, 0, 2, 1], 5060).into();
        let r = Retx::at(start, (), Vec::new(), addr, true, false);
        let at = resends(r, start);
        assert_eq!(&at[..6], [500, 1500, 3500, 7500, 11500, 15500]);
        // An INVITE (not capped) doubles without limit: 0.5, 1, 2, 4, 8, 16 s apart.
        let invite = Retx::at(start, (), Vec::new(), addr, false, false);
        assert_eq!(
            resends(invite, start),
            [500, 1500, 3500, 7500, 15500, 31500]
        );
    }

    #[test]
    fn over_tcp_or_tls_a_request_is_sent_once_and_still_times_out() {
        let start = Instant::now();
        let addr: SocketAddr = ([192, 0, 2, 1], 5060).into();
        let mut r = Retx::at(start, (), Vec::new(), addr, true, true);
        assert_eq!(r.wake(), start + TIMER_B);
        assert!(resends(Retx::at(start, (), Vec::new(), addr, true, true), start).is_empty());
        assert_eq!(r.due(start + TIMER_B), Due::GiveUp);
    }
}
