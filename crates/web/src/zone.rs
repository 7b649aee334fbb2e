//! A company's time zone on its pages: instants shown as the company's wall-clock time, and
//! days and times typed there read in that zone, across daylight-saving changes (jiff, the
//! workspace's calendar).

use crate::WebState;
use crate::session::Session;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use sb_app::AppError;

/// A company's zone and its IANA name.
pub struct Zone {
    pub tz: TimeZone,
    pub name: String,
}

impl Zone {
    /// The zone named `name`; UTC when the name is unknown (a company's zone is validated when
    /// saved, so this only guards against a zone database without it).
    pub fn named(name: &str) -> Self {
        match TimeZone::get(name) {
            Ok(tz) => Self {
                tz,
                name: name.to_owned(),
            },
            Err(_) => Self {
                tz: TimeZone::UTC,
                name: "UTC".to_owned(),
            },
        }
    }

    /// The zone of company `id`, as the signed-in person may see it.
    pub async fn of_company(s: &WebState, session: &Session, id: &str) -> Result<Self, AppError> {
        let co = s.app.get_company(&session.actor, id).await?;
        Ok(Self::named(&co.time_zone))
    }

    /// An RFC 3339 instant as the zone's wall-clock time (`2027-01-15 09:00`); the text as it
    /// came when it is not one.
    pub fn local(&self, rfc3339: &str) -> String {
        match rfc3339.parse::<Timestamp>() {
            Ok(t) => t
                .to_zoned(self.tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
            Err(_) => rfc3339.to_owned(),
        }
    }

    /// The local date (`YYYY-MM-DD`) and time (`HH:MM`) of an RFC 3339 instant.
    pub fn date_and_time(&self, rfc3339: &str) -> (String, String) {
        match rfc3339.parse::<Timestamp>() {
            Ok(t) => {
                let z = t.to_zoned(self.tz.clone());
                (
                    z.strftime("%Y-%m-%d").to_string(),
                    z.strftime("%H:%M").to_string(),
                )
            }
            Err(_) => (String::new(), String::new()),
        }
    }

    /// The first and last millisecond of a local day: 23 or 25 hours on the days the clocks
    /// change.
    pub fn day_ms(&self, day: Date) -> Option<(i64, i64)> {
        let start = day.to_zoned(self.tz.clone()).ok()?.start_of_day().ok()?;
        let next = day.tomorrow().ok()?.to_zoned(self.tz.clone()).ok()?;
        let next = next.start_of_day().ok()?;
        Some((
            start.timestamp().as_millisecond(),
            next.timestamp().as_millisecond() - 1,
        ))
    }

    /// The instant of a local date and time. A time the clocks skip (spring forward) does not
    /// exist and is `None`; a time that happens twice (fall back) is its first occurrence.
    pub fn instant(&self, date: Date, time: Time) -> Option<Timestamp> {
        let dt = DateTime::from_parts(date, time);
        let amb = self.tz.to_ambiguous_timestamp(dt);
        match amb.offset() {
            AmbiguousOffset::Gap { .. } => None,
            AmbiguousOffset::Unambiguous { .. } | AmbiguousOffset::Fold { .. } => {
                amb.compatible().ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> Zone {
        Zone::named("Europe/Paris")
    }

    #[test]
    fn an_instant_shows_as_the_companys_wall_clock_time_summer_and_winter() {
        let z = paris();
        assert_eq!(z.local("2027-01-15T08:00:00Z"), "2027-01-15 09:00");
        assert_eq!(z.local("2027-07-15T08:00:00Z"), "2027-07-15 10:00");
        assert_eq!(
            z.date_and_time("2027-03-28T01:30:00Z"),
            ("2027-03-28".into(), "03:30".into())
        );
        assert_eq!(z.local("not a time"), "not a time");
    }

    /// On the day the clocks go forward a Paris day has 23 hours, on the day they go back 25.
    #[test]
    fn a_local_day_covers_23_or_25_hours_on_the_days_the_clocks_change() {
        let z = paris();
        let hours = |d: &str| {
            let (a, b) = z.day_ms(d.parse().unwrap()).unwrap();
            (b + 1 - a) / 3_600_000
        };
        assert_eq!(hours("2027-01-15"), 24);
        assert_eq!(hours("2027-03-28"), 23);
        assert_eq!(hours("2027-10-31"), 25);
        let (start, _) = z.day_ms("2027-01-15".parse().unwrap()).unwrap();
        assert_eq!(
            start,
            "2027-01-14T23:00:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_millisecond()
        );
    }

    #[test]
    fn a_typed_time_is_read_in_the_zone_and_a_skipped_one_does_not_exist() {
        let z = paris();
        let at = |d: &str, t: &str| z.instant(d.parse().unwrap(), t.parse().unwrap());
        assert_eq!(
            at("2027-01-15", "09:00").unwrap().to_string(),
            "2027-01-15T08:00:00Z"
        );
        assert_eq!(
            at("2027-07-15", "09:00").unwrap().to_string(),
            "2027-07-15T07:00:00Z"
        );
        // 02:30 is skipped on 28 March 2027; 02:30 on 31 October happens twice: the first.
        assert_eq!(at("2027-03-28", "02:30"), None);
        assert_eq!(
            at("2027-10-31", "02:30").unwrap().to_string(),
            "2027-10-31T00:30:00Z"
        );
    }
}
