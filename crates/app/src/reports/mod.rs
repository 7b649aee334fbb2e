//! Scheduled reports: a company's administrators (and its reseller and the provider) set up
//! reports (Phone Number Usage, call volume per line and per department, queue figures, the
//! audit) that run daily, weekly or monthly at a time of day in the company's time zone, and
//! are mailed as a CSV attachment to their recipients through the outbox. Each run is kept in
//! the report's history; "run now" sends one at once. The server calls
//! [`App::run_due_reports`] every minute and at start, so a report whose time passed while the
//! server was down runs once, for its latest period, not once per missed time.

pub mod contents;
mod data;
mod mail;

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::views::time;
use crate::{App, AppError, AppResult};
use jiff::tz::TimeZone;
use sb_domain::ids::{ReportId, new_id_text};
use sb_domain::model::AuditKind;
use sb_domain::reports::{Frequency, FrequencyName, ReportKind, Schedule};
use sb_domain::routing::HhMm;
use sb_domain::values::Email;
use sb_store::Conn;
use sb_store::outbox::{self, Mail};
use sb_store::reports::{self as store, Report, Run};
use sb_store::tenancy::Company;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most recipients a report is mailed to.
const MAX_RECIPIENTS: usize = 20;
/// How many runs the history shows.
const HISTORY: i64 = 50;
/// A run's `error` when the company's mail limit stopped it (the portal translates it by this).
pub const MAIL_LIMIT_REACHED: &str = "The company's hourly mail limit is reached.";

/// A report schedule as created or replaced.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// 1 to 100 characters.
    pub name: String,
    pub kind: ReportKind,
    pub frequency: FrequencyName,
    /// For weekly reports: 1 (Monday) to 7 (Sunday).
    #[serde(default)]
    pub weekday: Option<i64>,
    /// For monthly reports: 1 to 31; in a shorter month the report runs on its last day.
    #[serde(default)]
    pub day_of_month: Option<i64>,
    /// The time of day in the company's time zone, `HH:MM` (24-hour).
    pub time: String,
    /// 1 to 20 e-mail addresses.
    pub recipients: Vec<String>,
}

/// One run of a report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRunView {
    pub id: String,
    pub report_id: String,
    pub ran_at: String,
    /// When it ran on the company's wall clock, `YYYY-MM-DD HH:MM`.
    pub ran_at_local: String,
    /// The period reported on: from (inclusive) to (exclusive).
    pub period_from: String,
    pub period_to: String,
    /// The period's first and last day on the company's calendar, `YYYY-MM-DD`.
    pub first_day: String,
    pub last_day: String,
    /// `schedule` or `manual` (run now).
    pub trigger: String,
    /// `sent` (mailed through the outbox) or `failed` (see `error`).
    pub status: String,
    pub rows: i64,
    pub recipients: i64,
    pub error: Option<String>,
}

/// A report schedule with its next and last run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub kind: ReportKind,
    pub frequency: FrequencyName,
    pub weekday: Option<i64>,
    pub day_of_month: Option<i64>,
    /// `HH:MM` in the company's time zone.
    pub time: String,
    pub time_zone: String,
    pub recipients: Vec<String>,
    pub next_run_at: String,
    /// The next run on the company's wall clock, `YYYY-MM-DD HH:MM`.
    pub next_run_local: String,
    pub last_run: Option<ReportRunView>,
}

fn run_view(r: Run, tz: &TimeZone) -> ReportRunView {
    ReportRunView {
        id: r.id,
        report_id: r.report_id.to_string(),
        ran_at: time(r.ran_at),
        ran_at_local: local(r.ran_at, tz),
        first_day: day(r.period_from, tz),
        last_day: day(r.period_to - 1, tz),
        period_from: time(r.period_from),
        period_to: time(r.period_to),
        trigger: r.trigger,
        status: r.status,
        rows: r.rows,
        recipients: r.recipients,
        error: r.error,
    }
}

/// The company's zone (UTC for a name the time-zone database no longer knows).
fn zone_of(co: &Company) -> TimeZone {
    TimeZone::get(&co.time_zone).unwrap_or(TimeZone::UTC)
}

fn local(ms: i64, tz: &TimeZone) -> String {
    sb_domain::clock::from_ms(ms)
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn day(ms: i64, tz: &TimeZone) -> String {
    sb_domain::clock::from_ms(ms)
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%d")
        .to_string()
}

fn hhmm(at: i64) -> String {
    format!("{:02}:{:02}", at / 60, at % 60)
}

/// The schedule of a stored report.
fn schedule_of(r: &Report) -> AppResult<Schedule> {
    let frequency = FrequencyName::from_text(&r.frequency)
        .and_then(|f| Frequency::from_parts(f, r.weekday, r.month_day));
    let at = u16::try_from(r.at_minute).ok().filter(|m| *m < 1440);
    match (frequency, at) {
        (Some(frequency), Some(at)) => Ok(Schedule {
            frequency,
            at: HhMm(at),
        }),
        _ => Err(AppError::Internal(format!("report {}: bad schedule", r.id))),
    }
}

/// The checked fields of an input: (name, schedule, weekday, day, minute, recipients).
struct Checked {
    name: String,
    schedule: Schedule,
    weekday: Option<i64>,
    day: Option<i64>,
    minute: i64,
    recipients: Vec<String>,
}

fn check(input: &ReportInput) -> AppResult<Checked> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_name",
            "name",
            "A report's name has 1 to 100 characters and no control characters.",
        ));
    }
    let (weekday, day) = match input.frequency {
        FrequencyName::Daily => (None, None),
        FrequencyName::Weekly => (input.weekday, None),
        FrequencyName::Monthly => (None, input.day_of_month),
    };
    let frequency =
        Frequency::from_parts(input.frequency, weekday, day).ok_or_else(|| {
            match input.frequency {
                FrequencyName::Weekly => AppError::invalid(
                    "invalid_weekday",
                    "weekday",
                    "A weekly report names its weekday, 1 (Monday) to 7 (Sunday).",
                ),
                _ => AppError::invalid(
                    "invalid_day_of_month",
                    "day_of_month",
                    "A monthly report names its day, 1 to 31.",
                ),
            }
        })?;
    let at = parse_hhmm(&input.time).ok_or_else(|| {
        AppError::invalid(
            "invalid_time",
            "time",
            "The time of day is HH:MM, from 00:00 to 23:59.",
        )
    })?;
    if input.recipients.is_empty() || input.recipients.len() > MAX_RECIPIENTS {
        return Err(AppError::invalid(
            "invalid_recipients",
            "recipients",
            "A report has 1 to 20 recipients.",
        ));
    }
    let mut recipients: Vec<String> = Vec::new();
    for (i, r) in input.recipients.iter().enumerate() {
        let e = Email::parse(&format!("recipients.{i}"), r)?.into_string();
        if !recipients.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
            recipients.push(e);
        }
    }
    Ok(Checked {
        name: name.to_owned(),
        schedule: Schedule { frequency, at },
        weekday,
        day,
        minute: i64::from(at.0),
        recipients,
    })
}

/// `HH:MM` (or `H:MM`) as minutes after midnight.
fn parse_hhmm(s: &str) -> Option<HhMm> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    HhMm::new(h.parse().ok()?, m.parse().ok()?)
}

/// The next run strictly after `now`, in ms.
fn next_run(s: &Schedule, now: i64, tz: &TimeZone) -> AppResult<i64> {
    s.next_after(sb_domain::clock::from_ms(now), tz)
        .map(|t| t.as_millisecond())
        .ok_or_else(|| AppError::Internal("no next run for a report".into()))
}

/// After a company moves to another time zone, each of its reports runs next at its time in the
/// new zone (a report at 08:00 stays at 08:00 where the company is).
pub(crate) async fn follow_zone(c: &mut Conn, co: &Company, now: i64) -> AppResult<()> {
    let tz = zone_of(co);
    for mut r in store::list(c, &co.id).await? {
        r.next_run_at = next_run(&schedule_of(&r)?, now, &tz)?;
        store::update(c, &r).await?;
    }
    Ok(())
}

impl App {
    /// A report and its company, if the actor administers that company.
    async fn report_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(Company, Report)> {
        let id = ReportId::from_raw(crate::directory::id_or_404(id)?);
        let r = store::get(c, &id).await?.ok_or(AppError::NotFound)?;
        let co = self
            .company_for(c, actor, r.company_id.as_str(), Need::Administer)
            .await?;
        Ok((co, r))
    }

    async fn report_view(&self, c: &mut Conn, co: &Company, r: Report) -> AppResult<ReportView> {
        let tz = zone_of(co);
        let last = store::runs(c, &co.id, &r.id, 1)
            .await?
            .pop()
            .map(|run| run_view(run, &tz));
        let frequency = FrequencyName::from_text(&r.frequency).unwrap_or(FrequencyName::Daily);
        Ok(ReportView {
            id: r.id.to_string(),
            company_id: r.company_id.to_string(),
            name: r.name,
            kind: ReportKind::from_text(&r.kind).unwrap_or(ReportKind::NumberUsage),
            frequency,
            weekday: r.weekday,
            day_of_month: r.month_day,
            time: hhmm(r.at_minute),
            time_zone: co.time_zone.clone(),
            recipients: r.recipients,
            next_run_at: time(r.next_run_at),
            next_run_local: local(r.next_run_at, &tz),
            last_run: last,
        })
    }

    /// The company's report schedules, oldest first (its administrators and providers).
    pub async fn list_reports(&self, actor: &Actor, company: &str) -> AppResult<Vec<ReportView>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let mut out = Vec::new();
        for r in store::list(&mut c, &co.id).await? {
            out.push(self.report_view(&mut c, &co, r).await?);
        }
        Ok(out)
    }

    pub async fn get_report(&self, actor: &Actor, id: &str) -> AppResult<ReportView> {
        let mut c = self.store.conn().await?;
        let (co, r) = self.report_for(&mut c, actor, id).await?;
        self.report_view(&mut c, &co, r).await
    }

    /// Sets up a report; its first run is the schedule's next time after now.
    pub async fn create_report(
        &self,
        actor: &Actor,
        company: &str,
        input: ReportInput,
    ) -> AppResult<ReportView> {
        let ok = check(&input)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        let r = Report {
            id: ReportId::new(now),
            company_id: co.id.clone(),
            name: ok.name,
            kind: input.kind.as_str().to_owned(),
            frequency: input.frequency.as_str().to_owned(),
            weekday: ok.weekday,
            month_day: ok.day,
            at_minute: ok.minute,
            recipients: ok.recipients,
            next_run_at: next_run(&ok.schedule, now, &zone_of(&co))?,
            created_at: now,
            updated_at: now,
        };
        store::insert(&mut tx, &r).await?;
        let rec = Record::new(AuditKind::Created, "report", r.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(summary(&r));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.report_view(&mut tx, &co, r).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Replaces a report's settings; its next run follows the new schedule.
    pub async fn update_report(
        &self,
        actor: &Actor,
        id: &str,
        input: ReportInput,
    ) -> AppResult<ReportView> {
        let ok = check(&input)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, before) = self.report_for(&mut tx, actor, id).await?;
        let r = Report {
            name: ok.name,
            kind: input.kind.as_str().to_owned(),
            frequency: input.frequency.as_str().to_owned(),
            weekday: ok.weekday,
            month_day: ok.day,
            at_minute: ok.minute,
            recipients: ok.recipients,
            next_run_at: next_run(&ok.schedule, now, &zone_of(&co))?,
            updated_at: now,
            ..before.clone()
        };
        store::update(&mut tx, &r).await?;
        let rec = Record::new(AuditKind::Changed, "report", r.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(audit::diff(&summary(&before), &summary(&r)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.report_view(&mut tx, &co, r).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Deletes a report and its history.
    pub async fn delete_report(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, r) = self.report_for(&mut tx, actor, id).await?;
        store::delete(&mut tx, &co.id, &r.id).await?;
        let rec = Record::new(AuditKind::Deleted, "report", r.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "name": r.name, "kind": r.kind }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The report's runs, newest first (the last 50).
    pub async fn report_runs(&self, actor: &Actor, id: &str) -> AppResult<Vec<ReportRunView>> {
        let mut c = self.store.conn().await?;
        let (co, r) = self.report_for(&mut c, actor, id).await?;
        let runs = store::runs(&mut c, &co.id, &r.id, HISTORY).await?;
        let tz = zone_of(&co);
        Ok(runs.into_iter().map(|r| run_view(r, &tz)).collect())
    }

    /// Runs the report now, for the period a run today would cover, and mails it; the
    /// schedule's next run stays as it was. Audited, since it sends company data out.
    pub async fn run_report_now(&self, actor: &Actor, id: &str) -> AppResult<ReportRunView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, r) = self.report_for(&mut tx, actor, id).await?;
        let run = self.run_report(&mut tx, &co, &r, now, Some(actor)).await?;
        let rec = Record::new(AuditKind::Created, "report_run", &run.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({
                "report_id": r.id.as_str(),
                "status": run.status,
                "rows": run.rows,
                "recipients": run.recipients,
            }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(run_view(run, &zone_of(&co)))
    }

    /// Runs every report whose time has come, each once for its latest period however many
    /// times passed (a server down for three days sends one daily report, not three), and
    /// moves it to its next time. Returns how many ran. Several servers on one database send
    /// each run once: the first to move a report's next time runs it.
    pub async fn run_due_reports(&self) -> AppResult<usize> {
        let now = self.now_ms();
        let due = {
            let mut c = self.store.conn().await?;
            store::due(&mut c, now, 100).await?
        };
        let mut ran = 0;
        for r in due {
            let mut tx = self.store.begin().await?;
            let Some(co) = sb_store::tenancy::get_company(&mut tx, &r.company_id).await? else {
                continue;
            };
            let tz = zone_of(&co);
            let schedule = schedule_of(&r)?;
            if !store::claim(
                &mut tx,
                &r.id,
                r.next_run_at,
                next_run(&schedule, now, &tz)?,
            )
            .await?
            {
                continue;
            }
            let at = schedule
                .last_at_or_before(sb_domain::clock::from_ms(now), &tz)
                .map_or(now, |t| t.as_millisecond());
            self.run_report(&mut tx, &co, &r, at, None).await?;
            tx.commit().await?;
            ran += 1;
        }
        Ok(ran)
    }

    /// Builds the report for the period of a run at `at` and queues one mail per recipient
    /// with the CSV attached; records the run (failed when the company's mail limit is
    /// reached: nothing is queued then).
    async fn run_report(
        &self,
        c: &mut Conn,
        co: &Company,
        r: &Report,
        at: i64,
        actor: Option<&Actor>,
    ) -> AppResult<Run> {
        let now = self.now_ms();
        let tz = zone_of(co);
        let period = schedule_of(r)?
            .period_for_run(sb_domain::clock::from_ms(at), &tz)
            .ok_or_else(|| AppError::Internal("no period for a report".into()))?;
        let (from, to) = (period.from.as_millisecond(), period.to.as_millisecond());
        let kind = ReportKind::from_text(&r.kind)
            .ok_or_else(|| AppError::Internal(format!("report {}: bad kind", r.id)))?;
        let csv = self.report_csv(c, co, kind, from, to).await?;
        let sender = outbox::Sender {
            company: &co.id,
            user: actor.map(|a| &a.user_id),
        };
        let mut run = Run {
            id: new_id_text(now),
            report_id: r.id.clone(),
            company_id: co.id.clone(),
            ran_at: now,
            period_from: from,
            period_to: to,
            trigger: if actor.is_some() {
                "manual"
            } else {
                "schedule"
            }
            .to_owned(),
            status: "sent".to_owned(),
            rows: csv.rows as i64,
            recipients: r.recipients.len() as i64,
            error: None,
        };
        if self
            .mail_allowed(c, sender, r.recipients.len(), now)
            .await?
        {
            let period = (from, to);
            let mail = mail::report_mail(r, kind, &csv, period, (&tz, co.first_language), now);
            for to in &r.recipients {
                let m = Mail {
                    id: new_id_text(now),
                    recipient: to.clone(),
                    ..mail.clone()
                };
                outbox::enqueue_from(c, &m, sender).await?;
            }
        } else {
            run.status = "failed".to_owned();
            run.error = Some(MAIL_LIMIT_REACHED.to_owned());
        }
        store::insert_run(c, &run).await?;
        Ok(run)
    }
}

/// What the audit records of a report's settings (recipients are addresses the company chose
/// to send data to, so they are recorded).
fn summary(r: &Report) -> serde_json::Value {
    serde_json::json!({
        "name": r.name,
        "kind": r.kind,
        "frequency": r.frequency,
        "weekday": r.weekday,
        "day_of_month": r.month_day,
        "time": hhmm(r.at_minute),
        "recipients": r.recipients,
    })
}

#[cfg(test)]
mod tests;
