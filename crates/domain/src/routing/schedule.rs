//! Weekly availability ("Out of hours"), always read in the company's time zone so
//! that daylight-saving changes move nothing.

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// A time of day, minutes after midnight (0..1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HhMm(pub u16);

impl HhMm {
    pub fn new(h: u8, m: u8) -> Option<Self> {
        (h < 24 && m < 60).then(|| HhMm(u16::from(h) * 60 + u16::from(m)))
    }
}

/// One weekday's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum DayRule {
    AvailableAllDay,
    UnavailableAllDay,
    /// Unavailable from `from` (inclusive) to `to` (exclusive); a window past midnight
    /// (from > to) covers the end of this day and the start of the same weekday's morning.
    UnavailableBetween {
        from: HhMm,
        to: HhMm,
    },
}

/// Rules for Monday (index 0) to Sunday (index 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekSchedule(pub [DayRule; 7]);

impl WeekSchedule {
    /// Whether the line is out of hours at `now`, read on the wall clock of `tz`.
    pub fn unavailable_at(&self, now: jiff::Timestamp, tz: &TimeZone) -> bool {
        let local = now.to_zoned(tz.clone());
        let day = match local.weekday() {
            Weekday::Monday => 0,
            Weekday::Tuesday => 1,
            Weekday::Wednesday => 2,
            Weekday::Thursday => 3,
            Weekday::Friday => 4,
            Weekday::Saturday => 5,
            Weekday::Sunday => 6,
        };
        let minute =
            u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        match self.0[day] {
            DayRule::AvailableAllDay => false,
            DayRule::UnavailableAllDay => true,
            DayRule::UnavailableBetween { from, to } if from.0 <= to.0 => {
                from.0 <= minute && minute < to.0
            }
            DayRule::UnavailableBetween { from, to } => minute >= from.0 || minute < to.0,
        }
    }
}
