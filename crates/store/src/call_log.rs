//! The call log: one record per line per call, written by the SIP engine when a
//! call ends, read newest first.

use crate::db::{Row, query, query_owned};
use crate::{Conn, Page, Result, col, finish_page};
use sb_domain::ids::{CallRecordId, CompanyId, LineId};

#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    pub id: CallRecordId,
    pub company_id: CompanyId,
    pub line_id: LineId,
    /// `missed`, `dialled`, `received` or `rejected`.
    pub direction: String,
    /// The other party's number or extension (`anonymous` when withheld).
    pub other_number: String,
    pub other_name: Option<String>,
    pub started_at: i64,
    /// Seconds talked (0 when nobody answered).
    pub duration_secs: i64,
    /// The device that answered or placed the call.
    pub device: Option<String>,
    /// The SIP status the call ended with for this line (200 when answered).
    pub status: i64,
    /// The same for every record of one call.
    pub call_ref: String,
}

fn record(mut r: Row) -> Result<CallRecord> {
    Ok(CallRecord {
        id: CallRecordId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        line_id: LineId::from_raw(col::<String>(&mut r, "line_id")?),
        direction: col(&mut r, "direction")?,
        other_number: col(&mut r, "other_number")?,
        other_name: col(&mut r, "other_name")?,
        started_at: col(&mut r, "started_at")?,
        duration_secs: col(&mut r, "duration_secs")?,
        device: col(&mut r, "device")?,
        status: col(&mut r, "status")?,
        call_ref: col(&mut r, "call_ref")?,
    })
}

pub async fn insert(c: &mut Conn, r: &CallRecord) -> Result<()> {
    query(
        "INSERT INTO call_records (id, company_id, line_id, direction, other_number, other_name,
            started_at, duration_secs, device, status, call_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .operational()
    .bind(r.id.as_str())
    .bind(r.company_id.as_str())
    .bind(r.line_id.as_str())
    .bind(&r.direction)
    .bind(&r.other_number)
    .bind(r.other_name.clone())
    .bind(r.started_at)
    .bind(r.duration_secs)
    .bind(r.device.clone())
    .bind(r.status)
    .bind(&r.call_ref)
    .execute(c)
    .await?;
    Ok(())
}

pub use sb_domain::query::CallFilter;

/// Which records: one line's, or a whole company's.
#[derive(Debug, Clone)]
pub enum CallScope {
    Line(LineId),
    Company(CompanyId),
}

/// The query for a page of records newest first, `columns` of each; the cursor is the last id
/// of the page before.
fn select(columns: &str, scope: &CallScope, f: &CallFilter, page: &Page) -> crate::db::Query {
    // The text is built for the filters given, so that the database walks the (scope, id) index
    // from the cursor down: an `($n = '' OR id < $n)` form would make every page scan from the
    // top, and a large export quadratic.
    let (column, owner) = match scope {
        CallScope::Line(l) => ("line_id", l.as_str()),
        CallScope::Company(co) => ("company_id", co.as_str()),
    };
    let mut sql = format!("SELECT {columns} FROM call_records WHERE {column} = $1");
    let mut n = 1;
    let mut next = |sql: &mut String, cond: &str| {
        n += 1;
        sql.push_str(&cond.replace('?', &format!("${n}")));
    };
    if page.after.is_some() {
        next(&mut sql, " AND id < ?");
    }
    if f.direction.is_some() {
        next(&mut sql, " AND direction = ?");
    }
    if f.from_ms.is_some() {
        next(&mut sql, " AND started_at >= ?");
    }
    if f.to_ms.is_some() {
        next(&mut sql, " AND started_at <= ?");
    }
    next(&mut sql, " ORDER BY id DESC LIMIT ?");
    let mut q = query_owned(sql).bind(owner);
    if let Some(a) = &page.after {
        q = q.bind(a.as_str());
    }
    if let Some(d) = &f.direction {
        q = q.bind(d.as_str());
    }
    if let Some(t) = f.from_ms {
        q = q.bind(t);
    }
    if let Some(t) = f.to_ms {
        q = q.bind(t);
    }
    q.bind(page.probe())
}

/// Records newest first; the cursor is the last id of the page before.
pub async fn list(
    c: &mut Conn,
    scope: &CallScope,
    f: &CallFilter,
    page: &Page,
) -> Result<(Vec<CallRecord>, Option<String>)> {
    let rows = select("*", scope, f, page).fetch_all(c).await?;
    let items = rows.into_iter().map(record).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |r| r.id.to_string()))
}

/// A record as read, borrowed from the database row, for exports.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    pub id: &'a str,
    pub line_id: &'a str,
    pub direction: &'a str,
    pub other_number: &'a str,
    pub other_name: Option<&'a str>,
    pub started_at: i64,
    pub duration_secs: i64,
    pub device: Option<&'a str>,
    pub status: i64,
}

const EXPORTED: &str =
    "id, line_id, direction, other_number, other_name, started_at, duration_secs, device, status";

/// The page [`list`] would return, each record handed to `each` as it is read instead of
/// collected (a million-row export allocates nothing per record); returns the next cursor.
pub async fn each(
    c: &mut Conn,
    scope: &CallScope,
    f: &CallFilter,
    page: &Page,
    mut each: impl FnMut(&RecordRef<'_>),
) -> Result<Option<String>> {
    let limit = usize::try_from(page.limit).unwrap_or(0);
    let (mut seen, mut last, mut bad) = (0usize, String::new(), false);
    select(EXPORTED, scope, f, page)
        .for_each(c, |cells| {
            seen += 1;
            // The probe row past the page only says there is more.
            if seen > limit || bad {
                return;
            }
            let text = |i: usize| cells.get(i).and_then(|c| c.text());
            let int = |i: usize| cells.get(i).and_then(|c| c.int());
            let r = (|| {
                Some(RecordRef {
                    id: text(0)?,
                    line_id: text(1)?,
                    direction: text(2)?,
                    other_number: text(3)?,
                    other_name: text(4),
                    started_at: int(5)?,
                    duration_secs: int(6)?,
                    device: text(7),
                    status: int(8)?,
                })
            })();
            match r {
                Some(r) => {
                    last.clear();
                    last.push_str(r.id);
                    each(&r);
                }
                None => bad = true,
            }
        })
        .await?;
    if bad {
        return Err(crate::StoreError::Corrupt(
            "call_records: unexpected column type".into(),
        ));
    }
    Ok((seen > limit).then_some(last))
}
