//! Emergency-call settings (Kari's Law): who is notified by e-mail when someone dials
//! an emergency number, and the dispatchable (E911) address of each line or number.

use crate::db::query;
use crate::{Conn, Result, col};
use sb_domain::ids::CompanyId;

/// The notification recipients of a company, as stored (a JSON array of addresses).
pub async fn recipients(c: &mut Conn, company: &CompanyId) -> Result<Option<String>> {
    match query("SELECT recipients FROM emergency_settings WHERE company_id = $1")
        .bind(company.as_str())
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => Ok(Some(col(&mut r, "recipients")?)),
        None => Ok(None),
    }
}

pub async fn set_recipients(c: &mut Conn, company: &CompanyId, json: &str, now: i64) -> Result<()> {
    query(
        "INSERT INTO emergency_settings (company_id, recipients, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (company_id) DO UPDATE SET recipients = $2, updated_at = $3",
    )
    .bind(company.as_str())
    .bind(json)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// The E911 address of a line or number (by its id), as stored (JSON).
pub async fn address(c: &mut Conn, owner: &str) -> Result<Option<String>> {
    match query("SELECT address FROM e911_addresses WHERE owner_id = $1")
        .bind(owner)
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => Ok(Some(col(&mut r, "address")?)),
        None => Ok(None),
    }
}

pub async fn set_address(
    c: &mut Conn,
    company: &CompanyId,
    owner: &str,
    json: &str,
    now: i64,
) -> Result<()> {
    query(
        "INSERT INTO e911_addresses (owner_id, company_id, address, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (owner_id) DO UPDATE SET address = $3, updated_at = $4",
    )
    .bind(owner)
    .bind(company.as_str())
    .bind(json)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn clear_address(c: &mut Conn, owner: &str) -> Result<()> {
    query("DELETE FROM e911_addresses WHERE owner_id = $1")
        .bind(owner)
        .execute(c)
        .await?;
    Ok(())
}
