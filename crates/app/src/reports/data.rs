//! Reading what a report is made of: the company's lines, users, departments and numbers, its
//! calls summed per line, its queues' callers, its audit.

use super::contents::{self, Csv, Directory, QueueSums};
use crate::{App, AppResult};
use sb_domain::reports::ReportKind;
use sb_store::audit::{AuditFilter, AuditScope};
use sb_store::tenancy::Company;
use sb_store::{Conn, Page};
use std::collections::HashMap;

/// The most audit records one report lists.
const MAX_AUDIT_ROWS: usize = 50_000;
/// Rows read per query while walking a list.
const CHUNK: i64 = 1000;

impl App {
    /// The CSV of a `kind` report on `co` for `from` (inclusive) to `to` (exclusive).
    pub(crate) async fn report_csv(
        &self,
        c: &mut Conn,
        co: &Company,
        kind: ReportKind,
        from: i64,
        to: i64,
    ) -> AppResult<Csv> {
        Ok(match kind {
            ReportKind::NumberUsage | ReportKind::LineVolume | ReportKind::DepartmentVolume => {
                let dir = directory(c, co).await?;
                let calls: HashMap<_, _> = sb_store::reports::calls_per_line(c, &co.id, from, to)
                    .await?
                    .into_iter()
                    .collect();
                match kind {
                    ReportKind::NumberUsage => contents::number_usage(&dir, &calls),
                    ReportKind::LineVolume => contents::line_volume(&dir, &calls),
                    _ => contents::department_volume(&dir, &calls),
                }
            }
            ReportKind::QueueFigures => {
                let queues = sb_store::queues::list(c, &co.id).await?;
                let mut sums: HashMap<String, QueueSums> = HashMap::new();
                for (q, outcome, n, total, longest) in
                    sb_store::reports::queue_calls(c, &co.id, from, to).await?
                {
                    let s = sums.entry(q.to_string()).or_default();
                    s.offered += n;
                    s.total_wait_ms += total;
                    s.longest_wait_ms = s.longest_wait_ms.max(longest);
                    match outcome.as_str() {
                        "answered" => s.answered += n,
                        "abandoned" => s.abandoned += n,
                        _ => s.overflowed += n,
                    }
                }
                contents::queue_figures(&queues, &sums)
            }
            ReportKind::Audit => {
                let filter = AuditFilter {
                    from_ms: Some(from),
                    to_ms: Some(to - 1),
                    ..AuditFilter::default()
                };
                let scope = AuditScope::Company(co.id.clone());
                let mut events = Vec::new();
                let mut page = Page::first(CHUNK);
                loop {
                    let (items, next) =
                        sb_store::audit::list_events(c, &scope, &filter, &page).await?;
                    events.extend(items);
                    match next {
                        Some(n) if events.len() < MAX_AUDIT_ROWS => page.after = Some(n),
                        _ => break,
                    }
                }
                events.truncate(MAX_AUDIT_ROWS);
                contents::audit(&events)
            }
        })
    }
}

/// Every line, user, department and number of the company.
async fn directory(c: &mut Conn, co: &Company) -> AppResult<Directory> {
    let mut dir = Directory {
        departments: sb_store::tenancy::list_departments(c, &co.id).await?,
        ..Directory::default()
    };
    let mut page = Page::first(CHUNK);
    loop {
        let (items, next) = sb_store::lines::list_lines(c, &co.id, &page).await?;
        dir.lines.extend(items);
        match next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    let mut page = Page::first(CHUNK);
    loop {
        let (items, next) = sb_store::lines::list_numbers(c, &co.id, &page).await?;
        dir.numbers.extend(items);
        match next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    let mut page = Page::first(CHUNK);
    loop {
        let (items, next) = sb_store::accounts::list_users(c, &co.id, &page).await?;
        dir.users
            .extend(items.into_iter().map(|u| (u.id.clone(), u)));
        match next {
            Some(n) => page.after = Some(n),
            None => break,
        }
    }
    Ok(dir)
}
