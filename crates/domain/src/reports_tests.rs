use super::*;

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn sched(frequency: Frequency, h: u8, m: u8) -> Schedule {
    Schedule {
        frequency,
        at: HhMm::new(h, m).unwrap(),
    }
}

/// Every run from `from` (exclusive) up to `to`, in order.
fn runs(s: &Schedule, zone: &TimeZone, from: &str, to: &str) -> Vec<String> {
    let (mut t, end) = (at(from), at(to));
    let mut out = Vec::new();
    while let Some(next) = s.next_after(t, zone) {
        if next > end {
            break;
        }
        out.push(next.to_string());
        t = next;
    }
    out
}

#[test]
fn a_daily_report_runs_at_the_same_local_time_in_winter_and_in_summer() {
    let s = sched(Frequency::Daily, 8, 0);
    let paris = tz("Europe/Paris");
    assert_eq!(
        s.next_after(at("2026-01-10T12:00:00Z"), &paris),
        Some(at("2026-01-11T07:00:00Z"))
    );
    assert_eq!(
        s.next_after(at("2026-07-10T05:00:00Z"), &paris),
        Some(at("2026-07-10T06:00:00Z"))
    );
    // Exactly at a run: the next one is the day after.
    assert_eq!(
        s.next_after(at("2026-07-10T06:00:00Z"), &paris),
        Some(at("2026-07-11T06:00:00Z"))
    );
}

#[test]
fn a_weekly_report_runs_on_its_weekday_only() {
    let s = sched(Frequency::Weekly(Weekday::Monday), 8, 0);
    let ny = tz("America/New_York");
    // 2026-01-12 is a Monday; 08:00 EST is 13:00Z.
    assert_eq!(
        runs(&s, &ny, "2026-01-09T00:00:00Z", "2026-01-27T00:00:00Z"),
        [
            "2026-01-12T13:00:00Z",
            "2026-01-19T13:00:00Z",
            "2026-01-26T13:00:00Z"
        ]
    );
    assert_eq!(weekday_of(1), Some(Weekday::Monday));
    assert_eq!(weekday_of(7), Some(Weekday::Sunday));
    assert_eq!(weekday_of(0), None);
    assert_eq!(weekday_of(8), None);
}

#[test]
fn a_monthly_report_on_the_31st_runs_on_the_last_day_of_shorter_months() {
    let s = sched(Frequency::Monthly(31), 6, 0);
    let utc = TimeZone::UTC;
    assert_eq!(
        runs(&s, &utc, "2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z"),
        [
            "2026-01-31T06:00:00Z",
            "2026-02-28T06:00:00Z",
            "2026-03-31T06:00:00Z",
            "2026-04-30T06:00:00Z"
        ]
    );
    // A leap year's February has its 29th.
    assert_eq!(
        s.next_after(at("2028-02-01T00:00:00Z"), &utc),
        Some(at("2028-02-29T06:00:00Z"))
    );
    let mid = sched(Frequency::Monthly(15), 6, 0);
    assert_eq!(
        runs(&mid, &utc, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        ["2026-01-15T06:00:00Z", "2026-02-15T06:00:00Z"]
    );
}

#[test]
fn a_time_skipped_by_spring_forward_runs_once_just_after_the_gap() {
    // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    let s = sched(Frequency::Daily, 2, 30);
    assert_eq!(
        runs(
            &s,
            &tz("Europe/Paris"),
            "2026-03-27T12:00:00Z",
            "2026-03-30T12:00:00Z"
        ),
        [
            "2026-03-28T01:30:00Z",
            // 03:30 CEST, the first instant after the gap's 02:30.
            "2026-03-29T01:30:00Z",
            "2026-03-30T00:30:00Z"
        ]
    );
    // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT.
    assert_eq!(
        runs(
            &s,
            &tz("America/New_York"),
            "2026-03-07T12:00:00Z",
            "2026-03-09T12:00:00Z"
        ),
        ["2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z"]
    );
}

#[test]
fn a_time_repeated_by_fall_back_runs_once_at_its_first_instance() {
    // New York, 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
    let s = sched(Frequency::Daily, 1, 30);
    let ny = tz("America/New_York");
    assert_eq!(
        runs(&s, &ny, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z"),
        // 01:30 EDT (05:30Z) only, not 01:30 EST (06:30Z); then 01:30 EST the next day.
        ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
    );
    // Between the two 01:30s the next run is tomorrow's.
    assert_eq!(
        s.next_after(at("2026-11-01T06:00:00Z"), &ny),
        Some(at("2026-11-02T06:30:00Z"))
    );
    // Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    let s = sched(Frequency::Daily, 2, 30);
    assert_eq!(
        runs(
            &s,
            &tz("Europe/Paris"),
            "2026-10-24T12:00:00Z",
            "2026-10-26T12:00:00Z"
        ),
        ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
    );
}

#[test]
fn the_last_run_before_a_late_start_is_the_latest_one_missed() {
    let s = sched(Frequency::Daily, 8, 0);
    let paris = tz("Europe/Paris");
    // Down from the 10th to the 13th at noon: three runs missed, the 13th's is the last.
    assert_eq!(
        s.last_at_or_before(at("2026-01-13T11:00:00Z"), &paris),
        Some(at("2026-01-13T07:00:00Z"))
    );
    assert_eq!(
        s.last_at_or_before(at("2026-01-13T07:00:00Z"), &paris),
        Some(at("2026-01-13T07:00:00Z"))
    );
    assert_eq!(
        s.last_at_or_before(at("2026-01-13T06:59:59Z"), &paris),
        Some(at("2026-01-12T07:00:00Z"))
    );
    let monthly = sched(Frequency::Monthly(31), 6, 0);
    assert_eq!(
        monthly.last_at_or_before(at("2026-03-10T00:00:00Z"), &TimeZone::UTC),
        Some(at("2026-02-28T06:00:00Z"))
    );
}

#[test]
fn a_run_reports_on_whole_local_days_before_its_date() {
    let paris = tz("Europe/Paris");
    let run = at("2026-03-30T06:00:00Z");
    let daily = sched(Frequency::Daily, 8, 0)
        .period_for_run(run, &paris)
        .unwrap();
    // The 29th, a day of 23 hours (spring forward).
    assert_eq!(daily.from, at("2026-03-28T23:00:00Z"));
    assert_eq!(daily.to, at("2026-03-29T22:00:00Z"));
    let weekly = sched(Frequency::Weekly(Weekday::Monday), 8, 0)
        .period_for_run(run, &paris)
        .unwrap();
    assert_eq!(weekly.from, at("2026-03-22T23:00:00Z"));
    assert_eq!(weekly.to, at("2026-03-29T22:00:00Z"));
    let monthly = sched(Frequency::Monthly(1), 8, 0)
        .period_for_run(at("2026-03-01T07:00:00Z"), &paris)
        .unwrap();
    assert_eq!(monthly.from, at("2026-01-31T23:00:00Z"));
    assert_eq!(monthly.to, at("2026-02-28T23:00:00Z"));
}

#[test]
fn frequencies_need_their_weekday_or_day() {
    assert_eq!(
        Frequency::from_parts(FrequencyName::Daily, None, None),
        Some(Frequency::Daily)
    );
    assert_eq!(
        Frequency::from_parts(FrequencyName::Weekly, Some(3), None),
        Some(Frequency::Weekly(Weekday::Wednesday))
    );
    assert_eq!(
        Frequency::from_parts(FrequencyName::Weekly, None, None),
        None
    );
    assert_eq!(
        Frequency::from_parts(FrequencyName::Monthly, None, Some(0)),
        None
    );
    assert_eq!(
        Frequency::from_parts(FrequencyName::Monthly, None, Some(32)),
        None
    );
    assert_eq!(
        Frequency::from_parts(FrequencyName::Monthly, None, Some(31)),
        Some(Frequency::Monthly(31))
    );
    assert_eq!(
        ReportKind::from_text("number_usage"),
        Some(ReportKind::NumberUsage)
    );
}
