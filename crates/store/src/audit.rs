//! The activity audit: typed events written in the same transaction as the change.

use crate::db::{Row, query};
use crate::{Conn, Page, Result, col, enum_col, finish_page, ostr};
use sb_domain::ids::{AuditId, CompanyId, ResellerId, UserId};
use sb_domain::model::AuditKind;

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: AuditId,
    pub at: i64,
    pub reseller_id: Option<ResellerId>,
    pub company_id: Option<CompanyId>,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub source_ip: Option<String>,
    pub kind: AuditKind,
    /// What kind of object was touched: `user`, `company`, `department`, ...
    pub target_type: String,
    pub target_id: Option<String>,
    /// The user the record is about, so that deleting that user deletes it.
    pub subject_user_id: Option<UserId>,
    /// A JSON before/after summary, never holding a secret.
    pub summary: String,
}

fn event(mut r: Row) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: AuditId::from_raw(col::<String>(&mut r, "id")?),
        at: col(&mut r, "at")?,
        reseller_id: col::<Option<String>>(&mut r, "reseller_id")?.map(ResellerId::from_raw),
        company_id: col::<Option<String>>(&mut r, "company_id")?.map(CompanyId::from_raw),
        actor_id: col::<Option<String>>(&mut r, "actor_id")?.map(UserId::from_raw),
        actor_name: col(&mut r, "actor_name")?,
        source_ip: col(&mut r, "source_ip")?,
        kind: enum_col(&mut r, "kind", AuditKind::from_text)?,
        target_type: col(&mut r, "target_type")?,
        target_id: col(&mut r, "target_id")?,
        subject_user_id: col::<Option<String>>(&mut r, "subject_user_id")?.map(UserId::from_raw),
        summary: col(&mut r, "summary")?,
    })
}

pub async fn insert_event(c: &mut Conn, e: &AuditEvent) -> Result<()> {
    query(
        "INSERT INTO audit_events (id, at, reseller_id, company_id, actor_id, actor_name, source_ip,
            kind, target_type, target_id, subject_user_id, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .operational()
    .bind(e.id.as_str())
    .bind(e.at)
    .bind(ostr(&e.reseller_id))
    .bind(ostr(&e.company_id))
    .bind(ostr(&e.actor_id))
    .bind(&e.actor_name)
    .bind(e.source_ip.clone())
    .bind(e.kind.as_str())
    .bind(&e.target_type)
    .bind(e.target_id.clone())
    .bind(ostr(&e.subject_user_id))
    .bind(&e.summary)
    .execute(c)
    .await?;
    Ok(())
}

pub use sb_domain::query::AuditFilter;

/// Whose records a list covers.
#[derive(Debug, Clone)]
pub enum AuditScope {
    /// One company's records.
    Company(CompanyId),
    /// A reseller's records, its companies' included.
    Reseller(ResellerId),
    /// Every record of the installation.
    Installation,
}

pub async fn list_events(
    c: &mut Conn,
    scope: &AuditScope,
    f: &AuditFilter,
    page: &Page,
) -> Result<(Vec<AuditEvent>, Option<String>)> {
    let user = ostr(&f.user);
    let (company, reseller) = match scope {
        AuditScope::Company(co) => (co.as_str(), ""),
        AuditScope::Reseller(r) => ("", r.as_str()),
        AuditScope::Installation => ("", ""),
    };
    // Ids grow with time, so the cursor is the last id shown in either order.
    let sql = if f.newest_first {
        "SELECT * FROM audit_events WHERE ($1 = '' OR company_id = $1) AND ($2 = '' OR id < $2)
            AND ($3 = '' OR actor_id = $3 OR subject_user_id = $3)
            AND ($4 = '' OR kind = $4)
            AND at >= $5 AND at <= $6
            AND ($8 = '' OR reseller_id = $8)
         ORDER BY id DESC LIMIT $7"
    } else {
        "SELECT * FROM audit_events WHERE ($1 = '' OR company_id = $1) AND id > $2
            AND ($3 = '' OR actor_id = $3 OR subject_user_id = $3)
            AND ($4 = '' OR kind = $4)
            AND at >= $5 AND at <= $6
            AND ($8 = '' OR reseller_id = $8)
         ORDER BY id LIMIT $7"
    };
    let rows = query(sql)
        .bind(company)
        .bind(page.after_text())
        .bind(user.unwrap_or_default())
        .bind(f.kind.map(|k| k.as_str()).unwrap_or(""))
        .bind(f.from_ms.unwrap_or(i64::MIN))
        .bind(f.to_ms.unwrap_or(i64::MAX))
        .bind(page.probe())
        .bind(reseller)
        .fetch_all(c)
        .await?;
    let items = rows.into_iter().map(event).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |e| e.id.to_string()))
}

/// Deleting a user deletes every record about that user.
pub async fn delete_about_user(c: &mut Conn, user: &UserId) -> Result<u64> {
    Ok(
        query("DELETE FROM audit_events WHERE subject_user_id = $1 OR actor_id = $1")
            .bind(user.as_str())
            .execute(c)
            .await?
            .rows_affected(),
    )
}
