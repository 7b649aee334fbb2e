//! Token buckets keyed by text (a source address, a username), for sign-in rate limits.

use std::collections::HashMap;
use std::sync::Mutex;

pub struct Limiter {
    burst: f64,
    per_ms: f64,
    buckets: Mutex<HashMap<String, (f64, i64)>>,
}

impl Limiter {
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_ms: f64::from(per_minute) / 60_000.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key` at time `now_ms`; on refusal, the seconds until one is free.
    pub fn take(&self, key: &str, now_ms: i64) -> Result<(), u64> {
        let Ok(mut map) = self.buckets.lock() else {
            return Ok(());
        };
        if map.len() > 50_000 {
            // Forget buckets that have refilled completely; they hold no information.
            let (burst, per_ms) = (self.burst, self.per_ms);
            map.retain(|_, (t, at)| *t + (now_ms - *at) as f64 * per_ms < burst);
        }
        let (tokens, at) = map.entry(key.to_owned()).or_insert((self.burst, now_ms));
        let refilled = (*tokens + (now_ms - *at).max(0) as f64 * self.per_ms).min(self.burst);
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            *at = now_ms;
            Ok(())
        } else {
            *tokens = refilled;
            *at = now_ms;
            let wait_ms = if self.per_ms > 0.0 {
                (1.0 - refilled) / self.per_ms
            } else {
                3_600_000.0
            };
            Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
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
}
