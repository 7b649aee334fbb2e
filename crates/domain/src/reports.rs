//! Scheduled reports: what a report holds and when it runs. A schedule is read on the wall
//! clock of the company's time zone, so a report set for 08:00 runs at 08:00 local time in
//! winter and in summer.
//!
//! Daylight-saving changes: a time that does not exist on a spring-forward day (02:30 in
//! Paris on the last Sunday of March) runs at the first instant after the gap (03:30), once; a
//! time that exists twice on the fall-back day (01:30 in New York on the first Sunday of
//! November) runs at its first instance, once. This is jiff's "compatible" disambiguation, the
//! one RFC 5545 (iCalendar) prescribes for recurring events.

use crate::routing::HhMm;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::model::text_enum!(
    /// What a report lists.
    ReportKind {
        /// Each number of the company, the line it rings and that line's user, with the line's
        /// calls in and out and their minutes in the period.
        NumberUsage = "number_usage",
        /// Calls in, out and missed, and minutes, per line.
        LineVolume = "line_volume",
        /// The same per department (of each line's user).
        DepartmentVolume = "department_volume",
        /// Each queue's callers offered, answered, abandoned and overflowed, and waits.
        QueueFigures = "queue_figures",
        /// The company's audit records of the period.
        Audit = "audit",
    }
);

/// How often a report runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    /// On this weekday every week.
    Weekly(Weekday),
    /// On this day of every month (1 to 31); in a shorter month, on its last day.
    Monthly(i8),
}

/// A report's schedule: how often, and at what time of day in the company's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub frequency: Frequency,
    pub at: HhMm,
}

/// The time span a run reports on: from (inclusive) to (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
}

/// Weekdays by their ISO number, Monday 1 to Sunday 7, as the API and storage spell them.
pub fn weekday_of(n: i64) -> Option<Weekday> {
    i8::try_from(n)
        .ok()
        .filter(|n| (1..=7).contains(n))
        .and_then(|n| Weekday::from_monday_one_offset(n).ok())
}

/// How many days before a date the lookup of the last occurrence starts (a month and a bit).
const SEARCH_DAYS: i32 = 64;

impl Schedule {
    /// Whether the schedule has a run on `date` (local).
    fn runs_on(&self, date: Date) -> bool {
        match self.frequency {
            Frequency::Daily => true,
            Frequency::Weekly(w) => date.weekday() == w,
            Frequency::Monthly(d) => date.day() == d.min(date.days_in_month()),
        }
    }

    /// The instant of the run on `date`, with the daylight-saving rule of the module's doc.
    fn instant_on(&self, date: Date, tz: &TimeZone) -> Option<Timestamp> {
        let minutes = i8::try_from(self.at.0 % 60).ok()?;
        let hours = i8::try_from(self.at.0 / 60).ok()?;
        let dt = date.at(hours, minutes, 0, 0);
        tz.to_ambiguous_zoned(dt)
            .compatible()
            .ok()
            .map(|z| z.timestamp())
    }

    /// The first run strictly after `t`.
    pub fn next_after(&self, t: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        // From the day before `t`'s local date: a run early on a later-ish local date can
        // still be an instant after `t` when the offset moved.
        let start = t.to_zoned(tz.clone()).date().checked_sub(1.day()).ok()?;
        (0..SEARCH_DAYS)
            .filter_map(|i| start.checked_add(i64::from(i).days()).ok())
            .filter(|d| self.runs_on(*d))
            .filter_map(|d| self.instant_on(d, tz))
            .find(|at| *at > t)
    }

    /// The last run at or before `t`, the one a late start makes up for.
    pub fn last_at_or_before(&self, t: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let start = t.to_zoned(tz.clone()).date().checked_add(1.day()).ok()?;
        (0..SEARCH_DAYS)
            .filter_map(|i| start.checked_sub(i64::from(i).days()).ok())
            .filter(|d| self.runs_on(*d))
            .filter_map(|d| self.instant_on(d, tz))
            .find(|at| *at <= t)
    }

    /// What a run at `t` reports on, in whole local days before the run's date: the day before
    /// (daily), the seven days before (weekly), the calendar month before (monthly).
    pub fn period_for_run(&self, t: Timestamp, tz: &TimeZone) -> Option<Period> {
        let today = t.to_zoned(tz.clone()).date();
        let (from, to) = match self.frequency {
            Frequency::Daily => (today.checked_sub(1.day()).ok()?, today),
            Frequency::Weekly(_) => (today.checked_sub(7.days()).ok()?, today),
            Frequency::Monthly(_) => {
                let first = today.first_of_month();
                (first.checked_sub(1.month()).ok()?, first)
            }
        };
        let midnight = |d: Date| {
            tz.to_ambiguous_zoned(d.to_datetime(jiff::civil::Time::midnight()))
                .compatible()
                .ok()
                .map(|z| z.timestamp())
        };
        Some(Period {
            from: midnight(from)?,
            to: midnight(to)?,
        })
    }
}

/// Frequency names as the API and storage spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FrequencyName {
    Daily,
    Weekly,
    Monthly,
}

impl FrequencyName {
    pub fn as_str(self) -> &'static str {
        match self {
            FrequencyName::Daily => "daily",
            FrequencyName::Weekly => "weekly",
            FrequencyName::Monthly => "monthly",
        }
    }
    pub fn from_text(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(FrequencyName::Daily),
            "weekly" => Some(FrequencyName::Weekly),
            "monthly" => Some(FrequencyName::Monthly),
            _ => None,
        }
    }
}

impl Frequency {
    /// The frequency from its stored parts; `None` when a part is missing or out of range.
    pub fn from_parts(name: FrequencyName, weekday: Option<i64>, day: Option<i64>) -> Option<Self> {
        match name {
            FrequencyName::Daily => Some(Frequency::Daily),
            FrequencyName::Weekly => weekday.and_then(weekday_of).map(Frequency::Weekly),
            FrequencyName::Monthly => day
                .and_then(|d| i8::try_from(d).ok())
                .filter(|d| (1..=31).contains(d))
                .map(Frequency::Monthly),
        }
    }
}

#[cfg(test)]
#[path = "reports_tests.rs"]
mod tests;
