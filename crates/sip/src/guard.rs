//! Abuse protection for the SIP front door, sans-IO: per-source rate limits, temporary blocks
//! after repeated authentication failures (per source address and per username), and refusal
//! of known scanners by User-Agent.
//!
//! A username block does not lock the line's own phones out: sources that authenticated as that
//! username before are remembered and keep working, so guessing from elsewhere cannot take an
//! office's phones down.
//!
//! Carriers' addresses (trunks) are never rate-limited or blocked: a UDP source is easy to
//! spoof, and a block of the carrier's address would stop every call from the telephone network.
//! The failures counted here are only ever ones from sources that proved they receive our
//! answers (a nonce bound to the source, or a TCP/TLS connection), so nobody can get another
//! address blocked by writing it into their packets.

use crate::message::Message;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

#[derive(Debug, Clone)]
pub struct Config {
    /// Requests per second a source may send on average (0: no limit) ...
    pub per_source_rate: u32,
    /// ... and in a burst.
    pub per_source_burst: u32,
    /// Failed authentications from one address, within `window_ms`, that block it.
    pub source_failures: u32,
    /// Failed authentications for one username (from addresses it never authenticated from),
    /// within `window_ms`, that block the username for such addresses.
    pub username_failures: u32,
    pub window_ms: i64,
    pub block_ms: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            per_source_rate: 200,
            per_source_burst: 400,
            source_failures: 20,
            username_failures: 10,
            window_ms: 5 * 60_000,
            block_ms: 15 * 60_000,
        }
    }
}

/// A block that just started, for the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    Source(IpAddr),
    Username(String),
}

#[derive(Debug, Default)]
struct Failures {
    count: u32,
    since_ms: i64,
    blocked_until_ms: i64,
}

impl Failures {
    /// Counts one failure; true when this one starts a block.
    fn add(&mut self, now: i64, limit: u32, window: i64, block: i64) -> bool {
        if now - self.since_ms > window {
            self.count = 0;
            self.since_ms = now;
        }
        self.count += 1;
        if self.count >= limit && self.blocked_until_ms <= now {
            self.blocked_until_ms = now + block;
            self.count = 0;
            return true;
        }
        false
    }
}

struct Bucket {
    tokens: f64,
    at_ms: i64,
}

impl Bucket {
    /// Refills at `per_sec` up to `burst` for the time since the last take, then takes `n`
    /// tokens; false (nothing taken) when it holds fewer.
    fn take(&mut self, n: f64, burst: f64, per_sec: f64, now_ms: i64) -> bool {
        let elapsed = (now_ms - self.at_ms).max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * per_sec).min(burst);
        self.at_ms = now_ms;
        if self.tokens >= n {
            self.tokens -= n;
            true
        } else {
            false
        }
    }
}

/// User-Agents of SIP scanners and war-dialers; they get no answer at all.
const SCANNERS: &[&str] = &[
    "friendly-scanner",
    "sipvicious",
    "sipcli",
    "sip-scan",
    "sundayddr",
    "iwar",
    "vaxsipuseragent",
    "pplsip",
    "smap",
    "sipsak",
];

pub fn is_scanner(m: &Message) -> bool {
    m.header("user-agent").is_some_and(|ua| {
        let ua = ua.to_ascii_lowercase();
        SCANNERS.iter().any(|s| ua.contains(s))
    })
}

pub struct Guard {
    cfg: Config,
    buckets: HashMap<IpAddr, Bucket>,
    sources: HashMap<IpAddr, Failures>,
    usernames: HashMap<String, Failures>,
    /// Addresses each username authenticated from.
    known: HashMap<String, HashSet<IpAddr>>,
    /// Carriers' addresses: never limited or blocked.
    trusted: HashSet<IpAddr>,
    last_prune_ms: i64,
}

impl Guard {
    pub fn new(cfg: Config) -> Self {
        Self {
            cfg,
            buckets: HashMap::new(),
            sources: HashMap::new(),
            usernames: HashMap::new(),
            known: HashMap::new(),
            trusted: HashSet::new(),
            last_prune_ms: 0,
        }
    }

    /// The carriers' addresses, which are never limited or blocked (replaces the last list).
    pub fn trust(&mut self, addresses: impl IntoIterator<Item = IpAddr>) {
        self.trusted = addresses.into_iter().collect();
        for ip in &self.trusted {
            self.sources.remove(ip);
        }
    }

    /// Whether a request from `ip` may be looked at: not blocked and within its rate.
    pub fn admit(&mut self, ip: IpAddr, now_ms: i64) -> bool {
        self.prune(now_ms);
        if self.trusted.contains(&ip) {
            return true;
        }
        if self
            .sources
            .get(&ip)
            .is_some_and(|f| f.blocked_until_ms > now_ms)
        {
            return false;
        }
        if self.cfg.per_source_rate == 0 {
            return true;
        }
        let burst = f64::from(self.cfg.per_source_burst.max(1));
        let rate = f64::from(self.cfg.per_source_rate);
        self.buckets
            .entry(ip)
            .or_insert(Bucket {
                tokens: burst,
                at_ms: now_ms,
            })
            .take(1.0, burst, rate, now_ms)
    }

    /// Whether `username` may try to authenticate from `ip` now.
    pub fn may_try(&self, ip: IpAddr, username: &str, now_ms: i64) -> bool {
        let blocked = self
            .usernames
            .get(username)
            .is_some_and(|f| f.blocked_until_ms > now_ms);
        !blocked || self.known.get(username).is_some_and(|k| k.contains(&ip))
    }

    /// A failed authentication; returns the blocks it started.
    pub fn failed(&mut self, ip: IpAddr, username: Option<&str>, now_ms: i64) -> Vec<Blocked> {
        let (window, block) = (self.cfg.window_ms, self.cfg.block_ms);
        let mut out = Vec::new();
        if !self.trusted.contains(&ip)
            && self.sources.entry(ip).or_default().add(
                now_ms,
                self.cfg.source_failures,
                window,
                block,
            )
        {
            out.push(Blocked::Source(ip));
        }
        if let Some(u) = username
            && !self.known.get(u).is_some_and(|k| k.contains(&ip))
            && self.usernames.len() < 100_000
            && self.usernames.entry(u.to_owned()).or_default().add(
                now_ms,
                self.cfg.username_failures,
                window,
                block,
            )
        {
            out.push(Blocked::Username(u.to_owned()));
        }
        out
    }

    /// A successful authentication: the address is known for the username.
    pub fn succeeded(&mut self, ip: IpAddr, username: &str) {
        let set = self.known.entry(username.to_owned()).or_default();
        if set.len() < 64 {
            set.insert(ip);
        }
    }

    fn prune(&mut self, now_ms: i64) {
        if now_ms - self.last_prune_ms < 60_000 {
            return;
        }
        self.last_prune_ms = now_ms;
        let window = self.cfg.window_ms;
        let keep = |f: &Failures| f.blocked_until_ms > now_ms || now_ms - f.since_ms <= window;
        self.sources.retain(|_, f| keep(f));
        self.usernames.retain(|_, f| keep(f));
        self.buckets.retain(|_, b| now_ms - b.at_ms < 60_000);
    }
}

/// Requests sent on a key's behalf (a line's devices rung by calls to it): a token bucket per
/// key, so calls to one line cannot be made to send datagrams without bound.
pub struct Fanout {
    burst: f64,
    per_sec: f64,
    buckets: HashMap<String, Bucket>,
}

impl Fanout {
    pub fn new(burst: u32, per_sec: u32) -> Fanout {
        Fanout {
            burst: f64::from(burst.max(1)),
            per_sec: f64::from(per_sec),
            buckets: HashMap::new(),
        }
    }

    /// Takes `n` sends for `key`; false (and nothing taken) when that is more than it has now.
    pub fn take(&mut self, key: &str, n: usize, now_ms: i64) -> bool {
        if self.buckets.len() > 100_000 {
            // Full buckets hold nothing worth keeping.
            let (burst, rate) = (self.burst, self.per_sec);
            self.buckets
                .retain(|_, b| b.tokens + (now_ms - b.at_ms).max(0) as f64 / 1000.0 * rate < burst);
        }
        self.buckets
            .entry(key.to_owned())
            .or_insert(Bucket {
                tokens: self.burst,
                at_ms: now_ms,
            })
            .take(n as f64, self.burst, self.per_sec, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn a_source_is_blocked_after_repeated_failures_and_released_later() {
        let mut g = Guard::new(Config::default());
        let a = ip("192.0.2.1");
        for i in 0..19 {
            assert!(g.failed(a, Some(&format!("u{i}")), 1000).is_empty());
        }
        assert_eq!(g.failed(a, Some("u19"), 1000), vec![Blocked::Source(a)]);
        assert!(!g.admit(a, 2000));
        assert!(g.admit(ip("192.0.2.2"), 2000), "others are not affected");
        assert!(g.admit(a, 1000 + 15 * 60_000 + 1), "the block ends");
    }

    #[test]
    fn a_guessed_username_is_blocked_for_strangers_but_not_for_its_own_phones() {
        let mut g = Guard::new(Config::default());
        let office = ip("198.51.100.7");
        g.succeeded(office, "201");
        let mut started = Vec::new();
        for i in 0..10u8 {
            started.extend(g.failed(ip(&format!("203.0.113.{i}")), Some("201"), 5000));
        }
        assert_eq!(started, vec![Blocked::Username("201".into())]);
        assert!(!g.may_try(ip("203.0.113.99"), "201", 6000));
        assert!(
            g.may_try(office, "201", 6000),
            "the office's phones keep working"
        );
        assert!(g.may_try(ip("203.0.113.99"), "202", 6000));
    }

    #[test]
    fn failures_outside_the_window_do_not_add_up() {
        let mut g = Guard::new(Config::default());
        let a = ip("192.0.2.1");
        for i in 0..30 {
            assert!(
                g.failed(a, None, i * 60_000).is_empty(),
                "one a minute never blocks"
            );
        }
    }

    #[test]
    fn a_flood_from_one_source_is_cut_to_its_rate() {
        let mut g = Guard::new(Config {
            per_source_rate: 10,
            per_source_burst: 20,
            ..Config::default()
        });
        let a = ip("192.0.2.1");
        let admitted = (0..100).filter(|_| g.admit(a, 0)).count();
        assert_eq!(admitted, 20);
        assert!(g.admit(a, 100), "tokens come back with time");
    }

    #[test]
    fn scanners_are_known_by_their_user_agent() {
        let m = |ua: &str| {
            crate::parse(
                format!("OPTIONS sip:x SIP/2.0\r\nUser-Agent: {ua}\r\nContent-Length: 0\r\n\r\n")
                    .as_bytes(),
            )
            .unwrap_or_else(|_| unreachable!())
        };
        assert!(is_scanner(&m("friendly-scanner")));
        assert!(is_scanner(&m("SIPVicious 0.3.8")));
        assert!(!is_scanner(&m("baresip v1.0.0")));
        assert!(!is_scanner(&m("SIPp")));
    }

    #[test]
    fn a_carriers_address_is_never_blocked_or_limited() {
        let mut g = Guard::new(Config {
            per_source_rate: 10,
            per_source_burst: 20,
            ..Config::default()
        });
        let carrier = ip("192.0.2.77");
        g.trust([carrier]);
        for i in 0..50 {
            assert!(g.failed(carrier, Some(&format!("u{i}")), 1000).is_empty());
        }
        assert_eq!((0..100).filter(|_| g.admit(carrier, 2000)).count(), 100);
        let other = ip("192.0.2.78");
        assert!((0..100).filter(|_| g.admit(other, 2000)).count() < 100);
    }

    #[test]
    fn fan_out_to_one_line_is_bounded_per_second() {
        let mut f = Fanout::new(30, 10);
        let sent = (0..100).filter(|_| f.take("201@acme", 10, 0)).count();
        assert_eq!(sent, 3, "three calls to ten devices fill the burst");
        assert!(f.take("202@acme", 10, 0), "another line has its own");
        assert!(!f.take("201@acme", 10, 500));
        assert!(f.take("201@acme", 10, 1000), "a second brings ten back");
    }
}
