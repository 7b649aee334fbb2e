//! Two-factor sign-in (RFC 6238): each user's shared secret and hashed recovery codes.

use crate::db::{Row, query};
use crate::{Conn, Result, col};
use sb_domain::ids::UserId;

/// A user's authenticator enrolment.
#[derive(Debug, Clone, PartialEq)]
pub struct Totp {
    pub user_id: UserId,
    /// Base32 of the shared secret, sealed with the operator's key (see `sb_app::sealed`); a
    /// value without the `sb1:` prefix is from before sealing and is sealed at start-up.
    pub secret: String,
    /// False until a first code proved the authenticator holds the secret.
    pub confirmed: bool,
    /// The last time step (Unix seconds / 30) whose code was accepted.
    pub last_step: i64,
    pub created_at: i64,
}

pub async fn get(c: &mut Conn, user: &UserId) -> Result<Option<Totp>> {
    let row = query("SELECT * FROM user_totp WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(c)
        .await?;
    row.map(totp).transpose()
}

fn totp(mut r: Row) -> Result<Totp> {
    Ok(Totp {
        user_id: UserId::from_raw(col::<String>(&mut r, "user_id")?),
        secret: col(&mut r, "secret")?,
        confirmed: col::<i64>(&mut r, "confirmed")? != 0,
        last_step: col(&mut r, "last_step")?,
        created_at: col(&mut r, "created_at")?,
    })
}

/// Starts an enrolment, replacing any earlier one and its recovery codes.
pub async fn start(c: &mut Conn, t: &Totp) -> Result<()> {
    remove(c, &t.user_id).await?;
    query(
        "INSERT INTO user_totp (user_id, secret, confirmed, last_step, created_at)
         VALUES ($1, $2, 0, $3, $4)",
    )
    .bind(t.user_id.as_str())
    .bind(&t.secret)
    .bind(t.last_step)
    .bind(t.created_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Accepts the code of time step `step` once: false when that step or a later one was already
/// used (a replayed code), in one statement so two requests cannot both use it.
pub async fn use_step(c: &mut Conn, user: &UserId, step: i64) -> Result<bool> {
    let n = query("UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
        .bind(step)
        .bind(user.as_str())
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Marks the enrolment confirmed and stores the recovery codes' hashes.
pub async fn confirm(c: &mut Conn, user: &UserId, code_hashes: &[String]) -> Result<()> {
    query("UPDATE user_totp SET confirmed = 1 WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    for h in code_hashes {
        query("INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)")
            .bind(user.as_str())
            .bind(h.as_str())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// Spends a recovery code; false when there is no such unused code.
pub async fn spend_recovery_code(
    c: &mut Conn,
    user: &UserId,
    code_hash: &str,
    now: i64,
) -> Result<bool> {
    let n = query(
        "UPDATE recovery_codes SET used_at = $1
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user.as_str())
    .bind(code_hash)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Recovery codes not used yet.
pub async fn recovery_codes_left(c: &mut Conn, user: &UserId) -> Result<i64> {
    query("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.as_str())
        .scalar(c)
        .await
}

/// Ends two-factor sign-in for the user.
pub async fn remove(c: &mut Conn, user: &UserId) -> Result<()> {
    query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    query("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// The scope of the installation's policy (system and reseller administrators).
pub const INSTALLATION: &str = "*";

/// Whether two-factor sign-in is required in `scope` (a company id, or [`INSTALLATION`]).
pub async fn policy(c: &mut Conn, scope: &str) -> Result<bool> {
    let row = query("SELECT required FROM two_factor_policy WHERE scope = $1")
        .bind(scope)
        .fetch_optional(c)
        .await?;
    match row {
        Some(mut r) => Ok(col::<i64>(&mut r, "required")? != 0),
        None => Ok(false),
    }
}

/// Sets the policy of `scope`.
pub async fn set_policy(c: &mut Conn, scope: &str, required: bool, now: i64) -> Result<()> {
    query(
        "INSERT INTO two_factor_policy (scope, required, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (scope) DO UPDATE SET required = $2, updated_at = $3",
    )
    .bind(scope)
    .bind(i64::from(required))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Enrolments whose secret is still stored in clear (from before sealing).
pub async fn unsealed(c: &mut Conn) -> Result<Vec<Totp>> {
    let rows = query("SELECT * FROM user_totp WHERE secret NOT LIKE 'sb1:%'")
        .fetch_all(c)
        .await?;
    rows.into_iter().map(totp).collect()
}

/// Replaces the stored form of a user's secret (the same secret, sealed).
pub async fn set_secret(c: &mut Conn, user: &UserId, secret: &str) -> Result<()> {
    query("UPDATE user_totp SET secret = $1 WHERE user_id = $2")
        .bind(secret)
        .bind(user.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// The ids of the keys that sealed the stored two-factor secrets.
pub async fn sealing_keys(c: &mut Conn) -> Result<Vec<String>> {
    let rows = query(
        "SELECT DISTINCT substr(secret, 5, 8) AS key_id FROM user_totp WHERE secret LIKE 'sb1:%'",
    )
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| col(&mut r, "key_id"))
        .collect()
}
