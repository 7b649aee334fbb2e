//! SIP trunks: where calls to outside numbers go, where calls to the company's numbers come
//! from, and the emergency route. A trunk belongs to one company, or (no company) to the whole
//! installation, serving every company without a trunk of its own.

use crate::db::{Row, query};
use crate::{Conn, Result, col, flag, ostr};
use sb_domain::ids::{CompanyId, TrunkId};

#[derive(Debug, Clone, PartialEq)]
pub struct Trunk {
    pub id: TrunkId,
    pub company_id: Option<CompanyId>,
    pub name: String,
    /// `ip:port` of the carrier's SIP side: calls go there, and calls from there are accepted.
    pub address: String,
    /// Credentials for the carrier's challenges (and registration), when it asks.
    pub username: Option<String>,
    pub password: Option<String>,
    /// Register to the carrier with the credentials.
    pub register: bool,
    /// Emergency calls go through this trunk.
    pub emergency: bool,
    /// How the carrier's own calls are told from a stranger's: `tcp` or `secret`.
    pub inbound: String,
    /// The key a carrier's calls carry in `secret` mode.
    pub inbound_secret: Option<String>,
    /// Calls through the trunk at once, either way, at most.
    pub max_calls: i64,
    pub created_at: i64,
}

fn trunk(mut r: Row) -> Result<Trunk> {
    Ok(Trunk {
        id: TrunkId::from_raw(col::<String>(&mut r, "id")?),
        company_id: col::<Option<String>>(&mut r, "company_id")?.map(CompanyId::from_raw),
        name: col(&mut r, "name")?,
        address: col(&mut r, "address")?,
        username: col(&mut r, "username")?,
        password: col(&mut r, "password")?,
        register: col::<i64>(&mut r, "register")? != 0,
        emergency: col::<i64>(&mut r, "emergency")? != 0,
        inbound: col(&mut r, "inbound")?,
        inbound_secret: col(&mut r, "inbound_secret")?,
        max_calls: col(&mut r, "max_calls")?,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert(c: &mut Conn, t: &Trunk) -> Result<()> {
    query(
        "INSERT INTO trunks (id, company_id, name, address, username, password, register, emergency,
            inbound, inbound_secret, max_calls, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(t.id.as_str())
    .bind(ostr(&t.company_id))
    .bind(&t.name)
    .bind(&t.address)
    .bind(t.username.clone())
    .bind(t.password.clone())
    .bind(flag(t.register))
    .bind(flag(t.emergency))
    .bind(&t.inbound)
    .bind(t.inbound_secret.clone())
    .bind(t.max_calls)
    .bind(t.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update(c: &mut Conn, t: &Trunk) -> Result<()> {
    query(
        "UPDATE trunks SET name = $2, address = $3, username = $4, password = $5, register = $6,
            emergency = $7, inbound = $8, inbound_secret = $9, max_calls = $10 WHERE id = $1",
    )
    .bind(t.id.as_str())
    .bind(&t.name)
    .bind(&t.address)
    .bind(t.username.clone())
    .bind(t.password.clone())
    .bind(flag(t.register))
    .bind(flag(t.emergency))
    .bind(&t.inbound)
    .bind(t.inbound_secret.clone())
    .bind(t.max_calls)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, id: &TrunkId) -> Result<Option<Trunk>> {
    query("SELECT * FROM trunks WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(trunk)
        .transpose()
}

/// A company's trunks, or the installation's (`None`).
pub async fn list(c: &mut Conn, company: Option<&CompanyId>) -> Result<Vec<Trunk>> {
    let rows = match company {
        Some(co) => {
            query("SELECT * FROM trunks WHERE company_id = $1 ORDER BY id")
                .bind(co.as_str())
                .fetch_all(c)
                .await?
        }
        None => {
            query("SELECT * FROM trunks WHERE company_id IS NULL ORDER BY id")
                .fetch_all(c)
                .await?
        }
    };
    rows.into_iter().map(trunk).collect()
}

/// Every trunk, for the SIP engine (inbound sources, registrations).
pub async fn all(c: &mut Conn) -> Result<Vec<Trunk>> {
    query("SELECT * FROM trunks ORDER BY id")
        .fetch_all(c)
        .await?
        .into_iter()
        .map(trunk)
        .collect()
}

/// Whether a trunk other than `except` has `address`.
pub async fn address_taken(c: &mut Conn, address: &str, except: Option<&TrunkId>) -> Result<bool> {
    let n: i64 = query("SELECT COUNT(*) FROM trunks WHERE address = $1 AND id <> $2")
        .bind(address)
        .bind(except.map_or("", TrunkId::as_str))
        .scalar(c)
        .await?;
    Ok(n > 0)
}

pub async fn delete(c: &mut Conn, id: &TrunkId) -> Result<()> {
    query("DELETE FROM trunks WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}
