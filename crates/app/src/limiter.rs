//! Token buckets keyed by text (a source address, a username), for sign-in rate limits.
//!
//! The text is never kept: each key is reduced to a 64-bit hash with a per-process random seed,
//! so a client choosing huge or many keys costs a fixed 24 bytes per bucket, and the map holds at
//! most a fixed number of buckets (issue 14, finding 6: 2 MB usernames posted to `/login` used to
//! stay in these maps for good).

use parking_lot::Mutex;
use std::collections::HashMap;
use std::hash::BuildHasher;

/// Buckets a limiter keeps at most, unless built with [`Limiter::bounded`].
pub const DEFAULT_MAX_KEYS: usize = 100_000;

pub struct Limiter {
    burst: f64,
    per_ms: f64,
    max_keys: usize,
    seed: std::collections::hash_map::RandomState,
    buckets: Mutex<HashMap<u64, (f64, i64)>>,
}

impl Limiter {
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self::bounded(burst, per_minute, DEFAULT_MAX_KEYS)
    }

    /// A limiter that keeps at most `max_keys` buckets.
    pub fn bounded(burst: u32, per_minute: u32, max_keys: usize) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_ms: f64::from(per_minute) / 60_000.0,
            max_keys: max_keys.max(2),
            seed: std::collections::hash_map::RandomState::new(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key` at time `now_ms`; on refusal, the seconds until one is free.
    pub fn take(&self, key: &str, now_ms: i64) -> Result<(), u64> {
        self.spend(key, now_ms, true)
    }

    /// Whether `key` has a token now, without taking it (for limits that count only failures).
    pub fn check(&self, key: &str, now_ms: i64) -> Result<(), u64> {
        self.spend(key, now_ms, false)
    }

    /// Buckets held now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.buckets.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn spend(&self, key: &str, now_ms: i64, take: bool) -> Result<(), u64> {
        let h = self.seed.hash_one(key);
        let mut map = self.buckets.lock();
        let refilled = match map.get(&h) {
            Some((t, at)) => self.refill(*t, *at, now_ms),
            None => self.burst,
        };
        if refilled >= 1.0 {
            if take {
                if !map.contains_key(&h) {
                    self.make_room(&mut map, now_ms);
                }
                map.insert(h, (refilled - 1.0, now_ms));
            }
            return Ok(());
        }
        map.insert(h, (refilled, now_ms));
        let wait_ms = if self.per_ms > 0.0 {
            (1.0 - refilled) / self.per_ms
        } else {
            3_600_000.0
        };
        Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
    }

    fn refill(&self, tokens: f64, at: i64, now_ms: i64) -> f64 {
        (tokens + (now_ms - at).max(0) as f64 * self.per_ms).min(self.burst)
    }

    /// Keeps the map under its bound before a new bucket goes in. Buckets that have refilled
    /// hold no information and go first; if that is not enough, the least recently used half goes,
    /// so the cost of a full map is paid once per `max_keys / 2` new keys, not on every one.
    fn make_room(&self, map: &mut HashMap<u64, (f64, i64)>, now_ms: i64) {
        if map.len() < self.max_keys {
            return;
        }
        map.retain(|_, (t, at)| self.refill(*t, *at, now_ms) < self.burst);
        if map.len() < self.max_keys {
            return;
        }
        let mut times: Vec<i64> = map.values().map(|(_, at)| *at).collect();
        let mid = times.len() / 2;
        let (_, cut, _) = times.select_nth_unstable(mid);
        let cut = *cut;
        map.retain(|_, (_, at)| *at > cut);
        if map.len() >= self.max_keys {
            // Every bucket was touched at the same millisecond: forget them all.
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_then_refill() {
        let l = Limiter::new(3, 60);
        for _ in 0..3 {
            assert!(l.take("ip", 0).is_ok());
        }
        assert_eq!(l.take("ip", 0), Err(1));
        assert!(l.take("other", 0).is_ok());
        assert!(l.take("ip", 1_000).is_ok());
    }

    #[test]
    fn limiter_map_stays_bounded_by_its_size_under_a_flood_of_new_keys() {
        // The attack of finding 6: every request a new, huge name, none of them refilling.
        let l = Limiter::bounded(10, 0, 1_000);
        let big = "x".repeat(100_000);
        for i in 0..5_000 {
            let _ = l.take(&format!("{big}{i}"), i);
            assert!(l.len() <= 1_000, "{} buckets after {i} keys", l.len());
        }
    }

    #[test]
    fn eviction_keeps_the_most_recently_used_buckets() {
        let l = Limiter::bounded(1, 0, 10);
        assert!(l.take("busy", 0).is_ok());
        for i in 1..9 {
            let _ = l.take(&format!("k{i}"), i);
        }
        assert!(l.take("busy", 100).is_err(), "still limited at 100");
        for i in 9..40 {
            let _ = l.take(&format!("k{i}"), 100 + i);
            let _ = l.take("busy", 100 + i);
        }
        assert!(
            l.take("busy", 200).is_err(),
            "a bucket in use is not evicted"
        );
    }

    #[test]
    fn check_does_not_spend_a_token() {
        let l = Limiter::new(1, 60);
        assert!(l.check("ip", 0).is_ok());
        assert!(l.check("ip", 0).is_ok());
        assert!(l.take("ip", 0).is_ok());
        assert!(l.check("ip", 0).is_err());
    }
}
