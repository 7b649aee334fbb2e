//! Fresh, migrated databases for tests of this and other crates: a SQLite file in a new
//! temporary directory, and a new PostgreSQL database when `SWITCHBOARD_TEST_POSTGRES_URL` names a
//! server (the test script starts a throwaway one). With `SWITCHBOARD_REQUIRE_POSTGRES=1` a missing
//! PostgreSQL is an error rather than a skip, so CI cannot pass on SQLite alone.

use crate::{Result, Store, StoreError};
use sqlx::Connection;

/// The database URLs one test should run against: always SQLite, PostgreSQL when available.
pub async fn fresh_urls(label: &str) -> Result<Vec<String>> {
    let mut urls = vec![fresh_sqlite_url(label)?];
    if let Some(pg) = fresh_postgres_url(label).await? {
        urls.push(pg);
    }
    Ok(urls)
}

/// Fresh, migrated stores for every available back-end.
pub async fn fresh_stores(label: &str) -> Result<Vec<Store>> {
    let mut stores = Vec::new();
    for url in fresh_urls(label).await? {
        let s = Store::connect(&url).await?;
        s.migrate().await?;
        stores.push(s);
    }
    Ok(stores)
}

fn unique(label: &str) -> String {
    let clean: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(20)
        .collect();
    // The random part of a fresh id (its first 12 digits are the time, here zero).
    let id = sb_domain::ids::new_id_text(0);
    format!("{}_{}", clean.to_ascii_lowercase(), &id[12..])
}

pub fn fresh_sqlite_url(label: &str) -> Result<String> {
    let dir = std::env::temp_dir().join(format!("sbtest_{}", unique(label)));
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::Corrupt(format!("temp dir: {e}")))?;
    Ok(format!("sqlite://{}/switchboard.db", dir.display()))
}

pub async fn fresh_postgres_url(label: &str) -> Result<Option<String>> {
    let base = match std::env::var("SWITCHBOARD_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            if std::env::var("SWITCHBOARD_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                return Err(StoreError::Corrupt(
                    "SWITCHBOARD_REQUIRE_POSTGRES=1 but SWITCHBOARD_TEST_POSTGRES_URL is not set"
                        .into(),
                ));
            }
            return Ok(None);
        }
    };
    let name = format!("t_{}", unique(label));
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .map_err(crate::db::pg_err)?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .map_err(crate::db::pg_err)?;
    conn.close().await.map_err(crate::db::pg_err)?;
    let (prefix, _) = base.rsplit_once('/').unwrap_or((base.as_str(), ""));
    Ok(Some(format!("{prefix}/{name}")))
}
