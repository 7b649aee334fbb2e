//! A person's speed dials: codes dialled after `*0` from any of their lines.

use crate::Result;
use crate::db::{Conn, query};
use sb_domain::ids::UserId;

/// One speed dial as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeedDial {
    pub code: String,
    pub name: String,
    pub number: String,
}

/// The person's speed dials, by code.
pub async fn list(c: &mut Conn, user: &UserId) -> Result<Vec<SpeedDial>> {
    let rows = query("SELECT code, name, number FROM speed_dials WHERE user_id = $1 ORDER BY code")
        .bind(user.as_str())
        .fetch_all(c)
        .await?;
    rows.into_iter()
        .map(|mut r| {
            Ok(SpeedDial {
                code: r.get("code")?,
                name: r.get("name")?,
                number: r.get("number")?,
            })
        })
        .collect()
}

/// Replaces the person's speed dials with `dials`.
pub async fn replace(c: &mut Conn, user: &UserId, dials: &[SpeedDial]) -> Result<()> {
    query("DELETE FROM speed_dials WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    for d in dials {
        query("INSERT INTO speed_dials (user_id, code, name, number) VALUES ($1, $2, $3, $4)")
            .bind(user.as_str())
            .bind(d.code.as_str())
            .bind(d.name.as_str())
            .bind(d.number.as_str())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// The number behind one of the person's codes.
pub async fn number_for(c: &mut Conn, user: &UserId, code: &str) -> Result<Option<String>> {
    Ok(
        query("SELECT number FROM speed_dials WHERE user_id = $1 AND code = $2")
            .bind(user.as_str())
            .bind(code)
            .scalars(c)
            .await?
            .into_iter()
            .next(),
    )
}
