//! Storage for Switchboard: one code path over SQLite (default, embedded) and PostgreSQL.
//!
//! Queries are written once with `$n` placeholders, which both engines accept, and run through
//! the small executor in [`db`] (rusqlite for SQLite, sqlx for PostgreSQL). Functions take a connection (`&mut Conn`), so use cases compose several of
//! them, and the audit record of a change, in one transaction. Every function that reads a
//! company's data takes that company's id: tenant scoping is part of each query, not an
//! afterthought in the caller.

pub mod accounts;
pub mod audio;
pub mod audit;
pub mod barring;
pub mod branding;
pub mod call_log;
pub mod conferences;
pub mod contacts;
pub mod db;
pub mod emergency;
pub mod faxes;
pub mod group_contacts;
pub mod lines;
pub mod messages;
mod migrations;
pub mod outbox;
pub mod pictures;
pub mod profiles;
pub mod queues;
pub mod recordings;
pub mod registrations;
pub mod reports;
pub mod speed_dials;
pub mod tenancy;
pub mod testdb;
pub mod totp;
pub mod trunks;
pub mod voicemail;

use db::{FromValue, Row, SqlitePool};
use std::sync::Arc;
use std::time::Duration;

pub use db::{Conn, Tx};
pub use migrations::MIGRATIONS;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the text names the rule (constraint or column list).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value that no version of Switchboard writes.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
enum Engine {
    Sqlite(Arc<SqlitePool>),
    Postgres(sqlx::PgPool),
}

/// The database handle shared by the whole process.
#[derive(Clone)]
pub struct Store {
    engine: Engine,
    epoch: Arc<db::Epochs>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.backend())
    }
}

impl Store {
    /// Opens `sqlite://path` (created when missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(db::pg_err)?;
            return Ok(Self {
                engine: Engine::Postgres(pool),
                epoch: Arc::default(),
            });
        }
        let Some(rest) = url.strip_prefix("sqlite:") else {
            return Err(StoreError::Db(
                "the database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err(StoreError::Db("the SQLite URL names no file".into()));
        }
        let pool = tokio::task::spawn_blocking({
            let path = path.to_owned();
            move || SqlitePool::open(&path, 8)
        })
        .await
        .map_err(|e| StoreError::Db(e.to_string()))??;
        Ok(Self {
            engine: Engine::Sqlite(pool),
            epoch: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.engine {
            Engine::Sqlite(_) => Backend::Sqlite,
            Engine::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every migration not yet applied, each in its own transaction.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let mut conn = self.conn().await?;
        conn.execute_raw(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
        )
        .await?;
        drop(conn);
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let mut tx = self.begin().await?;
            let done = db::query("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut tx)
                .await?;
            if done.is_some() {
                continue;
            }
            for s in m.statements {
                tx.execute_raw(s).await?;
            }
            db::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                .bind(m.version)
                .bind(m.name)
                .execute(&mut tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "applied migration");
            applied.push(m.version);
        }
        Ok(applied)
    }

    /// Begins a write transaction (on SQLite it holds the write lock from the start).
    pub async fn begin(&self) -> Result<Tx> {
        match &self.engine {
            Engine::Sqlite(p) => db::sqlite_begin(p, &self.epoch).await,
            Engine::Postgres(p) => db::pg_begin(p, &self.epoch).await,
        }
    }

    /// A connection for reads that need no transaction.
    pub async fn conn(&self) -> Result<Conn> {
        match &self.engine {
            Engine::Sqlite(p) => db::sqlite_conn(p, &self.epoch).await,
            Engine::Postgres(p) => db::pg_conn(p, &self.epoch).await,
        }
    }

    /// Advances whenever a committed change made through this process touched users or
    /// sessions (every query writing those tables calls `touch`): a cache of sign-in sessions or
    /// of user lists is valid while the epoch it was filled at is current.
    pub fn account_epoch(&self) -> u64 {
        self.epoch
            .accounts
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Advances whenever a committed change made through this process wrote anything but an
    /// operational record (calls, registrations, mail delivery): a cache of settings (lines,
    /// users, departments, call handling, trunks) is valid while the epoch it was filled at is
    /// current. Changes made by another process are not counted: such caches also expire.
    pub fn config_epoch(&self) -> u64 {
        self.epoch.config.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        match self.conn().await {
            Ok(mut c) => db::query("SELECT 1").scalar::<i64>(&mut c).await.is_ok(),
            Err(_) => false,
        }
    }

    /// Rewrites the tables that hold secrets, so that values overwritten earlier (secrets an
    /// older version stored in clear) leave no copy behind in the database files: SQLite's free
    /// pages and write-ahead log, PostgreSQL's dead row versions. Takes the tables' write lock
    /// while it runs; meant for the one start-up after such values were sealed.
    pub async fn scrub(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        match self.engine {
            Engine::Sqlite(_) => {
                conn.execute_raw("VACUUM").await?;
                db::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .fetch_all(&mut conn)
                    .await?;
            }
            Engine::Postgres(_) => {
                conn.execute_raw("VACUUM FULL lines, user_totp, trunks")
                    .await?
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.engine {
            Engine::Sqlite(p) => p.close(),
            Engine::Postgres(p) => p.close().await,
        }
    }
}

/// Reads a required column, naming it when the row is not what the schema says.
pub(crate) fn col<T: FromValue>(row: &mut Row, name: &str) -> Result<T> {
    row.get(name)
}

/// Reads a text column holding one of an enum's values.
pub(crate) fn enum_col<T>(row: &mut Row, name: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    let s: String = col(row, name)?;
    parse(&s).ok_or_else(|| StoreError::Corrupt(format!("{name}: unknown value")))
}

pub use sb_domain::query::Page;

/// Cuts the probe row off a page and returns the next cursor when there is more.
pub fn finish_page<T>(
    mut rows: Vec<T>,
    page: &Page,
    id: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(page.limit).unwrap_or(0);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(&id);
        (rows, next)
    } else {
        (rows, None)
    }
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// An optional id (or any displayable value) as optional text for binding.
pub(crate) fn ostr<T: std::fmt::Display>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}
