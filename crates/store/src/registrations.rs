//! SIP registrations, written through by the registrar so that a restart (or another node)
//! knows where every phone is.

use crate::db::{Row, query};
use crate::{Conn, Result, col};
use sb_domain::ids::CompanyId;

/// One registered device of an address of record (`user@domain`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub aor: String,
    pub contact: String,
    pub company_id: CompanyId,
    pub expires_at: i64,
    pub source: String,
    pub call_id: String,
    pub cseq: i64,
    /// The Path entries it came through (RFC 3327), in order.
    pub path: Vec<String>,
    /// The phone's User-Agent header; empty when it sent none.
    pub user_agent: String,
}

/// Replaces the devices of `aor` with `list` (empty when the last one unregistered).
pub async fn save(c: &mut Conn, aor: &str, list: &[Registration]) -> Result<()> {
    query("DELETE FROM registrations WHERE aor = $1")
        .operational()
        .bind(aor)
        .execute(&mut *c)
        .await?;
    for r in list {
        query(
            "INSERT INTO registrations
               (aor, contact, company_id, expires_at, source, call_id, cseq, path, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .operational()
        .bind(r.aor.as_str())
        .bind(r.contact.as_str())
        .bind(r.company_id.as_str())
        .bind(r.expires_at)
        .bind(r.source.as_str())
        .bind(r.call_id.as_str())
        .bind(r.cseq)
        // SIP header values hold no line breaks: one entry per line.
        .bind(r.path.join("\n"))
        .bind(r.user_agent.as_str())
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Every registration still valid at `now`; expired ones are deleted on the way.
pub async fn load(c: &mut Conn, now: i64) -> Result<Vec<Registration>> {
    query("DELETE FROM registrations WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *c)
        .await?;
    let rows = query("SELECT * FROM registrations ORDER BY aor, contact")
        .fetch_all(c)
        .await?;
    rows.into_iter().map(registration).collect()
}

/// The devices of `aor` in `company` still registered at `now`, by contact. Expired rows stay
/// for the registrar's next sweep: this is a read.
pub async fn of_aor(
    c: &mut Conn,
    company: &CompanyId,
    aor: &str,
    now: i64,
) -> Result<Vec<Registration>> {
    let rows = query(
        "SELECT * FROM registrations WHERE company_id = $1 AND aor = $2 AND expires_at > $3
         ORDER BY contact",
    )
    .bind(company.as_str())
    .bind(aor)
    .bind(now)
    .fetch_all(c)
    .await?;
    rows.into_iter().map(registration).collect()
}

fn registration(mut r: Row) -> Result<Registration> {
    Ok(Registration {
        aor: col(&mut r, "aor")?,
        contact: col(&mut r, "contact")?,
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        expires_at: col(&mut r, "expires_at")?,
        source: col(&mut r, "source")?,
        call_id: col(&mut r, "call_id")?,
        cseq: col(&mut r, "cseq")?,
        path: col::<String>(&mut r, "path")?
            .lines()
            .map(str::to_owned)
            .collect(),
        user_agent: col(&mut r, "user_agent")?,
    })
}
