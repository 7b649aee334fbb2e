//! Scheduled reports: each company's report schedules, their runs, and the sums the reports
//! are made of (calls per line, queue callers per queue). No call reads any of this, so every
//! write here is `operational` and leaves the SIP engine's routing facts alone.

use crate::db::{Row, query};
use crate::{Conn, Result, col};
use sb_domain::ids::{CompanyId, LineId, QueueId, ReportId};

/// A report schedule as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub company_id: CompanyId,
    pub name: String,
    /// A `sb_domain::reports::ReportKind`.
    pub kind: String,
    /// `daily`, `weekly` or `monthly`.
    pub frequency: String,
    /// 1 (Monday) to 7 (Sunday), for weekly reports.
    pub weekday: Option<i64>,
    /// 1 to 31, for monthly reports.
    pub month_day: Option<i64>,
    /// Minutes after local midnight.
    pub at_minute: i64,
    /// E-mail addresses.
    pub recipients: Vec<String>,
    pub next_run_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

fn report(mut r: Row) -> Result<Report> {
    let recipients: String = col(&mut r, "recipients")?;
    Ok(Report {
        id: ReportId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        name: col(&mut r, "name")?,
        kind: col(&mut r, "kind")?,
        frequency: col(&mut r, "frequency")?,
        weekday: col(&mut r, "weekday")?,
        month_day: col(&mut r, "month_day")?,
        at_minute: col(&mut r, "at_minute")?,
        recipients: recipients.lines().map(str::to_owned).collect(),
        next_run_at: col(&mut r, "next_run_at")?,
        created_at: col(&mut r, "created_at")?,
        updated_at: col(&mut r, "updated_at")?,
    })
}

pub async fn insert(c: &mut Conn, r: &Report) -> Result<()> {
    query(
        "INSERT INTO reports (id, company_id, name, kind, frequency, weekday, month_day,
            at_minute, recipients, next_run_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .operational()
    .bind(r.id.as_str())
    .bind(r.company_id.as_str())
    .bind(&r.name)
    .bind(&r.kind)
    .bind(&r.frequency)
    .bind(r.weekday)
    .bind(r.month_day)
    .bind(r.at_minute)
    .bind(r.recipients.join("\n"))
    .bind(r.next_run_at)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Saves a changed schedule of `r.company_id`.
pub async fn update(c: &mut Conn, r: &Report) -> Result<()> {
    query(
        "UPDATE reports SET name = $1, kind = $2, frequency = $3, weekday = $4, month_day = $5,
            at_minute = $6, recipients = $7, next_run_at = $8, updated_at = $9
         WHERE id = $10 AND company_id = $11",
    )
    .operational()
    .bind(&r.name)
    .bind(&r.kind)
    .bind(&r.frequency)
    .bind(r.weekday)
    .bind(r.month_day)
    .bind(r.at_minute)
    .bind(r.recipients.join("\n"))
    .bind(r.next_run_at)
    .bind(r.updated_at)
    .bind(r.id.as_str())
    .bind(r.company_id.as_str())
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, id: &ReportId) -> Result<Option<Report>> {
    query("SELECT * FROM reports WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(report)
        .transpose()
}

/// The company's reports, oldest first (a company has a handful).
pub async fn list(c: &mut Conn, company: &CompanyId) -> Result<Vec<Report>> {
    query("SELECT * FROM reports WHERE company_id = $1 ORDER BY id LIMIT 500")
        .bind(company.as_str())
        .fetch_all(c)
        .await?
        .into_iter()
        .map(report)
        .collect()
}

pub async fn delete(c: &mut Conn, company: &CompanyId, id: &ReportId) -> Result<()> {
    query("DELETE FROM reports WHERE id = $1 AND company_id = $2")
        .operational()
        .bind(id.as_str())
        .bind(company.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// Reports whose next run is at or before `now`, of every company, oldest due first.
pub async fn due(c: &mut Conn, now: i64, limit: i64) -> Result<Vec<Report>> {
    query("SELECT * FROM reports WHERE next_run_at <= $1 ORDER BY next_run_at, id LIMIT $2")
        .bind(now)
        .bind(limit)
        .fetch_all(c)
        .await?
        .into_iter()
        .map(report)
        .collect()
}

/// Moves a report's next run from `was` to `next`; false when another runner (another node
/// on the same database) moved it first, so each run is sent once.
pub async fn claim(c: &mut Conn, id: &ReportId, was: i64, next: i64) -> Result<bool> {
    let done = query("UPDATE reports SET next_run_at = $1 WHERE id = $2 AND next_run_at = $3")
        .operational()
        .bind(next)
        .bind(id.as_str())
        .bind(was)
        .execute(c)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One run of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub id: String,
    pub report_id: ReportId,
    pub company_id: CompanyId,
    pub ran_at: i64,
    pub period_from: i64,
    pub period_to: i64,
    /// `schedule` or `manual`.
    pub trigger: String,
    /// `sent` (queued in the outbox) or `failed`.
    pub status: String,
    pub rows: i64,
    pub recipients: i64,
    pub error: Option<String>,
}

fn run(mut r: Row) -> Result<Run> {
    Ok(Run {
        id: col(&mut r, "id")?,
        report_id: ReportId::from_raw(col::<String>(&mut r, "report_id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        ran_at: col(&mut r, "ran_at")?,
        period_from: col(&mut r, "period_from")?,
        period_to: col(&mut r, "period_to")?,
        trigger: col(&mut r, "trigger_kind")?,
        status: col(&mut r, "status")?,
        rows: col(&mut r, "row_count")?,
        recipients: col(&mut r, "recipient_count")?,
        error: col(&mut r, "error")?,
    })
}

pub async fn insert_run(c: &mut Conn, r: &Run) -> Result<()> {
    query(
        "INSERT INTO report_runs (id, report_id, company_id, ran_at, period_from, period_to,
            trigger_kind, status, row_count, recipient_count, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .operational()
    .bind(r.id.as_str())
    .bind(r.report_id.as_str())
    .bind(r.company_id.as_str())
    .bind(r.ran_at)
    .bind(r.period_from)
    .bind(r.period_to)
    .bind(&r.trigger)
    .bind(&r.status)
    .bind(r.rows)
    .bind(r.recipients)
    .bind(r.error.clone())
    .execute(c)
    .await?;
    Ok(())
}

/// A report's runs, newest first, at most `limit`.
pub async fn runs(
    c: &mut Conn,
    company: &CompanyId,
    report: &ReportId,
    limit: i64,
) -> Result<Vec<Run>> {
    query(
        "SELECT * FROM report_runs WHERE report_id = $1 AND company_id = $2
         ORDER BY id DESC LIMIT $3",
    )
    .bind(report.as_str())
    .bind(company.as_str())
    .bind(limit)
    .fetch_all(c)
    .await?
    .into_iter()
    .map(run)
    .collect()
}

/// One line's calls in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineCalls {
    /// Received, missed and rejected calls.
    pub calls_in: i64,
    pub calls_out: i64,
    pub missed: i64,
    pub secs_in: i64,
    pub secs_out: i64,
}

/// The company's calls between `from` (inclusive) and `to` (exclusive), summed per line.
pub async fn calls_per_line(
    c: &mut Conn,
    company: &CompanyId,
    from: i64,
    to: i64,
) -> Result<Vec<(LineId, LineCalls)>> {
    let rows = query(
        "SELECT line_id, direction, COUNT(*) AS n, CAST(SUM(duration_secs) AS BIGINT) AS secs
         FROM call_records WHERE company_id = $1 AND started_at >= $2 AND started_at < $3
         GROUP BY line_id, direction ORDER BY line_id",
    )
    .bind(company.as_str())
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    let mut out: Vec<(LineId, LineCalls)> = Vec::new();
    for mut r in rows {
        let line = LineId::from_raw(col::<String>(&mut r, "line_id")?);
        let direction: String = col(&mut r, "direction")?;
        let n: i64 = col(&mut r, "n")?;
        let secs = col::<Option<i64>>(&mut r, "secs")?.unwrap_or(0);
        if out.last().is_none_or(|(l, _)| *l != line) {
            out.push((line, LineCalls::default()));
        }
        let Some((_, sums)) = out.last_mut() else {
            continue;
        };
        if direction == "dialled" {
            sums.calls_out += n;
            sums.secs_out += secs;
        } else {
            sums.calls_in += n;
            sums.secs_in += secs;
            if direction == "missed" {
                sums.missed += n;
            }
        }
    }
    Ok(out)
}

/// Queue figures of every queue of the company for callers who entered in the period:
/// (queue, outcome, count, total wait ms, longest wait ms).
pub async fn queue_calls(
    c: &mut Conn,
    company: &CompanyId,
    from: i64,
    to: i64,
) -> Result<Vec<(QueueId, String, i64, i64, i64)>> {
    let rows = query(
        "SELECT qc.queue_id, qc.outcome, COUNT(*) AS n, CAST(SUM(qc.waited_ms) AS BIGINT) AS total,
            MAX(qc.waited_ms) AS longest
         FROM queue_calls qc JOIN queues q ON q.id = qc.queue_id
         WHERE q.company_id = $1 AND qc.entered_at >= $2 AND qc.entered_at < $3
         GROUP BY qc.queue_id, qc.outcome",
    )
    .bind(company.as_str())
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            Ok((
                QueueId::from_raw(col::<String>(&mut r, "queue_id")?),
                col(&mut r, "outcome")?,
                col(&mut r, "n")?,
                col::<Option<i64>>(&mut r, "total")?.unwrap_or(0),
                col::<Option<i64>>(&mut r, "longest")?.unwrap_or(0),
            ))
        })
        .collect()
}
