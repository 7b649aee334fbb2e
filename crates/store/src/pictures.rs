//! Each person's profile picture, keyed by their user id: a PNG the use case wrote anew, stored
//! base64 with a version that changes on every upload. Removed with the user (`ON DELETE CASCADE`).

use crate::Result;
use crate::db::{Conn, query};
use sb_domain::ids::UserId;

/// A stored picture: the PNG file, base64, and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub png: String,
    pub version: i64,
}

/// The person's picture, if they have one.
pub async fn get(c: &mut Conn, user: &UserId) -> Result<Option<Picture>> {
    let row = query("SELECT png, version FROM user_pictures WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(c)
        .await?;
    let Some(mut r) = row else { return Ok(None) };
    Ok(Some(Picture {
        png: r.get("png")?,
        version: r.get("version")?,
    }))
}

/// The version of the person's picture without reading the file: every page that shows the
/// picture needs only its URL.
pub async fn version(c: &mut Conn, user: &UserId) -> Result<Option<i64>> {
    Ok(
        query("SELECT version FROM user_pictures WHERE user_id = $1")
            .bind(user.as_str())
            .scalars(c)
            .await?
            .into_iter()
            .next(),
    )
}

/// Saves the person's picture in place of any earlier one.
pub async fn save(c: &mut Conn, user: &UserId, p: &Picture) -> Result<()> {
    remove(c, user).await?;
    query("INSERT INTO user_pictures (user_id, png, version) VALUES ($1, $2, $3)")
        .bind(user.as_str())
        .bind(p.png.as_str())
        .bind(p.version)
        .execute(c)
        .await?;
    Ok(())
}

/// Removes the person's picture; whether there was one.
pub async fn remove(c: &mut Conn, user: &UserId) -> Result<bool> {
    let done = query("DELETE FROM user_pictures WHERE user_id = $1")
        .bind(user.as_str())
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}
