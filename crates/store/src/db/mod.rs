//! A thin executor with one query API over two engines: SQLite through rusqlite (statements run
//! in place and return their rows whole; only those that may wait for a lock go to a blocking
//! thread) and PostgreSQL through sqlx.
//!
//! Why not sqlx for both: sqlx's SQLite driver hands every result row from its worker thread to
//! the async side one at a time; on a portal page of 50 rows that thread ping-pong cost several
//! times the query itself (measured in bench/api). Here a statement is one hand-off, however many
//! rows it returns. The SQL text is the same for both engines, with `$1`, `$2`, ... parameters.

mod pg;
mod sqlite;
mod value;

pub(crate) use pg::{pg_begin, pg_conn, pg_err};
pub(crate) use sqlite::{SqlitePool, sqlite_begin, sqlite_conn};
pub use value::{Bindable, Cell, FromValue, Row, Value};

use pg::pg_exec;
use sqlite::sqlite_each;

use crate::{Result, StoreError};
use sqlx::Postgres;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::OwnedSemaphorePermit;

enum Inner {
    Sqlite {
        conn: Option<rusqlite::Connection>,
        pool: Arc<SqlitePool>,
        _slot: OwnedSemaphorePermit,
    },
    Pg(sqlx::pool::PoolConnection<Postgres>),
    PgTx(Option<sqlx::Transaction<'static, Postgres>>),
}

/// A connection of either engine, inside or outside a transaction.
pub struct Conn {
    inner: Inner,
    /// SQLite only: a transaction is open and must be rolled back if not committed.
    open_tx: bool,
    /// Counts committed changes, so caches know when to drop.
    epoch: Arc<Epochs>,
    /// This transaction changed accounts or sessions: advance `epoch.accounts` when it commits.
    touched: bool,
    /// This transaction changed settings: advance `epoch.config` when it commits.
    changed: bool,
}

/// Counters of committed changes made through this process, for caches to know when to drop.
#[derive(Debug, Default)]
pub(crate) struct Epochs {
    /// Accounts and sessions (see [`Conn::touch`]).
    pub(crate) accounts: AtomicU64,
    /// Every write but operational records ([`Query::operational`]): what the SIP engine's
    /// routing facts are read from.
    pub(crate) config: AtomicU64,
}

/// What a committing transaction changed, to be counted in the epochs once it has committed.
struct Counted {
    epoch: Arc<Epochs>,
    touched: bool,
    changed: bool,
}

impl Counted {
    fn count(self) {
        if self.touched {
            self.epoch.accounts.fetch_add(1, Ordering::SeqCst);
        }
        if self.changed {
            self.epoch.config.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Whether a statement may change rows (anything that is not a plain read).
fn is_write(sql: &str) -> bool {
    let word = sql
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    !(word.eq_ignore_ascii_case("SELECT")
        || word.eq_ignore_ascii_case("BEGIN")
        || word.eq_ignore_ascii_case("COMMIT")
        || word.eq_ignore_ascii_case("ROLLBACK")
        || word.eq_ignore_ascii_case("PRAGMA"))
}

/// A transaction: derefs to [`Conn`]; rolled back when dropped without [`Tx::commit`].
pub struct Tx(Conn);

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}
impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

impl Tx {
    pub async fn commit(mut self) -> Result<()> {
        self.0.finish(true).await
    }
    pub async fn rollback(mut self) -> Result<()> {
        self.0.finish(false).await
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Inner::Sqlite { conn, pool, .. } = &mut self.inner
            && let Some(c) = conn.take()
        {
            if self.open_tx {
                // Dropped mid-transaction (an error or a cancelled request): undo, then reuse.
                // ROLLBACK never waits for a lock, so doing it here is brief.
                if c.execute_batch("ROLLBACK").is_err() {
                    return;
                }
            }
            pool.put(c);
        }
    }
}

impl Conn {
    /// A connection outside any transaction, which has changed nothing yet.
    fn new(inner: Inner, epoch: &Arc<Epochs>) -> Self {
        Conn {
            inner,
            open_tx: false,
            epoch: epoch.clone(),
            touched: false,
            changed: false,
        }
    }

    /// Notes a change to accounts or sessions: at once outside a transaction, at commit inside.
    pub(crate) fn touch(&mut self) {
        let in_tx = self.open_tx || matches!(self.inner, Inner::PgTx(_));
        if in_tx {
            self.touched = true;
        } else {
            self.epoch.accounts.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Notes a change to settings: at once outside a transaction, at commit inside.
    fn note_write(&mut self) {
        let in_tx = self.open_tx || matches!(self.inner, Inner::PgTx(_));
        if in_tx {
            self.changed = true;
        } else {
            self.epoch.config.fetch_add(1, Ordering::SeqCst);
        }
    }

    async fn finish(&mut self, commit: bool) -> Result<()> {
        let counted = Counted {
            epoch: self.epoch.clone(),
            touched: std::mem::take(&mut self.touched),
            changed: std::mem::take(&mut self.changed),
        };
        match &mut self.inner {
            Inner::Sqlite { .. } => {
                // The epochs advance on the blocking thread right after COMMIT: a caller that
                // stops waiting (a request dropped by its client) must not leave caches holding
                // what the commit replaced.
                let sql = if commit { "COMMIT" } else { "ROLLBACK" };
                let after = commit.then_some(counted);
                self.run_sqlite_then(sql.into(), Vec::new(), false, after)
                    .await?;
                self.open_tx = false;
            }
            Inner::PgTx(slot) => {
                if let Some(tx) = slot.take() {
                    if commit {
                        tx.commit().await.map_err(pg_err)?;
                        counted.count();
                    } else {
                        tx.rollback().await.map_err(pg_err)?;
                    }
                }
            }
            Inner::Pg(_) => {}
        }
        Ok(())
    }

    async fn run(&mut self, sql: &str, args: Vec<Value>, rows: bool) -> Result<(Vec<Row>, u64)> {
        match &mut self.inner {
            Inner::Sqlite { .. } => self.run_sqlite(sql.to_owned(), args, rows).await,
            Inner::Pg(c) => pg_exec(c, sql, args, rows).await,
            Inner::PgTx(Some(tx)) => pg_exec(tx, sql, args, rows).await,
            Inner::PgTx(None) => Err(StoreError::Db("the transaction has ended".into())),
        }
    }

    /// Runs a statement without parameters (schema changes).
    pub async fn execute_raw(&mut self, sql: &str) -> Result<()> {
        self.run(sql, Vec::new(), false).await?;
        if is_write(sql) {
            self.note_write();
        }
        Ok(())
    }
}

/// A statement with its arguments, built like sqlx's `query(...).bind(...)`.
pub struct Query {
    sql: &'static str,
    owned: Option<String>,
    args: Vec<Value>,
    /// Writes an operational record (a call, a registration, mail delivery), not a setting.
    operational: bool,
}

/// Starts a statement.
pub fn query(sql: &'static str) -> Query {
    Query {
        sql,
        owned: None,
        args: Vec::new(),
        operational: false,
    }
}

/// Starts a statement whose text is built at run time (from trusted parts only).
pub fn query_owned(sql: String) -> Query {
    Query {
        sql: "",
        owned: Some(sql),
        args: Vec::new(),
        operational: false,
    }
}

/// Outcome of a statement that returns no rows.
pub struct Done {
    affected: u64,
}
impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.affected
    }
}

impl Query {
    pub fn bind(mut self, v: impl Into<Value>) -> Self {
        self.args.push(v.into());
        self
    }
    /// Marks a write of an operational record (calls, registrations, messages, mail, audit): it
    /// leaves the caches of settings ([`crate::Store::config_epoch`]) alone, so that a busy
    /// phone system does not empty them with every call it logs.
    pub fn operational(mut self) -> Self {
        self.operational = true;
        self
    }
    fn text(&self) -> &str {
        self.owned.as_deref().unwrap_or(self.sql)
    }
    fn noted(&self, c: &mut Conn) {
        if !self.operational && is_write(self.text()) {
            c.note_write();
        }
    }
    pub async fn execute(self, c: &mut Conn) -> Result<Done> {
        let (_, affected) = c.run(self.text(), self.args.clone(), false).await?;
        self.noted(c);
        Ok(Done { affected })
    }
    pub async fn fetch_all(self, c: &mut Conn) -> Result<Vec<Row>> {
        let rows = c.run(self.text(), self.args.clone(), true).await?.0;
        self.noted(c);
        Ok(rows)
    }
    pub async fn fetch_optional(self, c: &mut Conn) -> Result<Option<Row>> {
        Ok(self.fetch_all(c).await?.into_iter().next())
    }
    pub async fn fetch_one(self, c: &mut Conn) -> Result<Row> {
        self.fetch_optional(c)
            .await?
            .ok_or_else(|| StoreError::Corrupt("no row".into()))
    }
    /// The first column of the first row.
    pub async fn scalar<T: FromValue>(self, c: &mut Conn) -> Result<T> {
        self.fetch_one(c).await?.first()
    }
    /// Hands each result row to `f` as cells in column order, as it is read, and returns how
    /// many there were. On SQLite nothing is copied (a read runs in place, like every other
    /// statement but BEGIN and COMMIT), which is what lets an export stream a million rows.
    pub async fn for_each(self, c: &mut Conn, mut f: impl FnMut(&[Cell<'_>])) -> Result<usize> {
        if let Inner::Sqlite { conn, .. } = &c.inner {
            let sc = conn
                .as_ref()
                .ok_or_else(|| StoreError::Db("connection lost".into()))?;
            return sqlite_each(sc, self.text(), &self.args, &mut f);
        }
        let rows = self.fetch_all(c).await?;
        for r in &rows {
            let cells: Vec<Cell<'_>> = r.values.iter().map(Value::cell).collect();
            f(&cells);
        }
        Ok(rows.len())
    }

    /// The first column of every row.
    pub async fn scalars<T: FromValue>(self, c: &mut Conn) -> Result<Vec<T>> {
        self.fetch_all(c)
            .await?
            .into_iter()
            .map(Row::first)
            .collect()
    }
}
