//! Storage for Switchboard: one code path over SQLite (default, embedded) and PostgreSQL.
//!
//! Queries are written once with `$n` placeholders, which both engines accept, and run through
//! sqlx's `Any` driver. Functions take a connection (`&mut Conn`), so use cases compose several of
//! them, and the audit record of a change, in one transaction. Every function that reads a
//! company's data takes that company's id: tenant scoping is part of each query, not an
//! afterthought in the caller.

pub mod accounts;
pub mod audit;
pub mod lines;
mod migrations;
pub mod outbox;
pub mod tenancy;
pub mod testdb;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Connection, Executor};
use std::str::FromStr;
use std::time::Duration;

pub use migrations::MIGRATIONS;
/// The driver error, for callers that commit transactions.
pub use sqlx::Error as DbError;

/// A connection of either engine.
pub type Conn = sqlx::AnyConnection;
/// A transaction of either engine; derefs to [`Conn`].
pub type Tx = sqlx::Transaction<'static, Any>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the text names the rule (constraint or column list).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value that no version of Switchboard writes.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    fn from_write(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error()
            && db.is_unique_violation()
        {
            return StoreError::Conflict(db.message().to_owned());
        }
        StoreError::Db(e)
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the whole process.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens `sqlite://path` (created when missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Db(sqlx::Error::Configuration(
                "the database URL must start with sqlite:// or postgres://".into(),
            )));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; the busy timeout makes writers
                        // queue instead of failing; SQLite leaves foreign keys off unless asked.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies every migration not yet applied, each in its own transaction.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        let mut conn = self.pool.acquire().await?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
        )
        .await?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let mut tx = conn.begin().await?;
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            for s in m.statements {
                tx.execute(*s).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                .bind(m.version)
                .bind(m.name)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version = m.version, name = m.name, "applied migration");
            applied.push(m.version);
        }
        Ok(applied)
    }

    /// Begins a write transaction. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later fails at once with
    /// "database is locked" when another writer committed in between, whereas an immediate one
    /// waits its turn under the busy timeout.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// A pooled connection for reads that need no transaction.
    pub async fn conn(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// True when the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .is_ok()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads a required column, naming it when the row is not what the schema says.
pub(crate) fn col<'r, T>(row: &'r sqlx::any::AnyRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    use sqlx::Row;
    row.try_get::<T, _>(name)
        .map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))
}

/// Reads a text column holding one of an enum's values.
pub(crate) fn enum_col<T>(
    row: &sqlx::any::AnyRow,
    name: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T> {
    let s: String = col(row, name)?;
    parse(&s).ok_or_else(|| StoreError::Corrupt(format!("{name}: unknown value")))
}

/// A page of a list ordered by id: items after `after` (exclusive), at most `limit`.
#[derive(Debug, Clone)]
pub struct Page {
    pub after: Option<String>,
    pub limit: i64,
}

impl Page {
    pub fn first(limit: i64) -> Self {
        Self { after: None, limit }
    }
    pub(crate) fn after_text(&self) -> &str {
        self.after.as_deref().unwrap_or("")
    }
    /// Asks one more row than shown, to know whether a next page exists.
    pub(crate) fn probe(&self) -> i64 {
        self.limit + 1
    }
}

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
