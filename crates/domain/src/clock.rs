//! The one place that reads the system time. Everything else takes a [`Clock`], so that
//! lock-outs, expiries and schedules are testable with a fixed time.

use jiff::Timestamp;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the single sanctioned reader of the system time
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that tests move by hand.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Arc::new(AtomicI64::new(at.as_millisecond())))
    }
    pub fn advance(&self, d: std::time::Duration) {
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(self.0.load(Ordering::SeqCst)).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Milliseconds since the epoch, the form times take in storage.
pub fn to_ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// The inverse of [`to_ms`]; out-of-range values clamp to the epoch rather than fail,
/// since they can only come from a corrupted row.
pub fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// RFC 3339 text in UTC, as the API shows times (exactly jiff's `Timestamp` display). Written
/// by hand for years 0 to 9999, since exports format a million of these.
pub fn rfc3339(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    push_rfc3339(&mut out, ms);
    out
}

/// [`rfc3339`] appended to `out`, without allocating (CSV exports write a million of these).
pub fn push_rfc3339(out: &mut String, ms: i64) {
    // 0000-01-01 to 9999-12-31, in milliseconds from the epoch.
    if !(-62_167_219_200_000..=253_402_300_799_999).contains(&ms) {
        out.push_str(&from_ms(ms).to_string());
        return;
    }
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Days to the civil date (proleptic Gregorian), after H. Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Every field is in range here, so each is written as fixed-width digits.
    let digits = |out: &mut String, v: i64, width: u32| {
        for p in (0..width).rev() {
            out.push(char::from(b'0' + (v / 10_i64.pow(p) % 10) as u8));
        }
    };
    digits(out, year, 4);
    out.push('-');
    digits(out, month, 2);
    out.push('-');
    digits(out, day, 2);
    out.push('T');
    digits(out, sod / 3600, 2);
    out.push(':');
    digits(out, sod % 3600 / 60, 2);
    out.push(':');
    digits(out, sod % 60, 2);
    if milli != 0 {
        out.push('.');
        let (mut v, mut width) = (milli, 3);
        while v % 10 == 0 {
            v /= 10;
            width -= 1;
        }
        digits(out, v, width);
    }
    out.push('Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_text_is_the_same_as_jiffs_display() {
        let mut ms: i64 = -62_167_219_200_000;
        let mut step: i64 = 1;
        while ms < 253_402_300_799_999 {
            assert_eq!(rfc3339(ms), from_ms(ms).to_string(), "{ms}");
            ms += step;
            step = step * 3 + 7;
        }
        for ms in [
            0,
            1,
            10,
            100,
            999,
            1_000,
            951_782_400_000,
            1_795_448_697_766,
            -1,
            -86_400_001,
        ] {
            assert_eq!(rfc3339(ms), from_ms(ms).to_string(), "{ms}");
        }
        for day in 0..200_000i64 {
            let ms = -62_167_219_200_000 + day * 86_400_000 + 43_210_987;
            assert_eq!(rfc3339(ms), from_ms(ms).to_string(), "{ms}");
        }
    }
}
