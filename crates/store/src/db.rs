//! A thin executor with one query API over two engines: SQLite through rusqlite (statements run
//! in place and return their rows whole; only those that may wait for a lock go to a blocking
//! thread) and PostgreSQL through sqlx.
//!
//! Why not sqlx for both: sqlx's SQLite driver hands every result row from its worker thread to
//! the async side one at a time; on a portal page of 50 rows that thread ping-pong cost several
//! times the query itself (measured in bench/api). Here a statement is one hand-off, however many
//! rows it returns. The SQL text is the same for both engines, with `$1`, `$2`, ... parameters.

use crate::{Result, StoreError};
use futures_util::TryStreamExt;
use parking_lot::Mutex;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Column, Postgres, Row as _, TypeInfo};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A value going in or coming out. The schema uses only text and 64-bit integers.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Already moved out of its row by [`Row::get`].
    Taken,
    Null,
    /// A null bound for an integer column (PostgreSQL types every parameter).
    NullInt,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
/// A type that can be bound, with the null of its kind.
pub trait Bindable: Into<Value> {
    const NULL: Value;
}
impl Bindable for i64 {
    const NULL: Value = Value::NullInt;
}
impl Bindable for String {
    const NULL: Value = Value::Null;
}
impl Bindable for &str {
    const NULL: Value = Value::Null;
}
impl Bindable for &String {
    const NULL: Value = Value::Null;
}
impl<T: Bindable> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(T::NULL, Into::into)
    }
}

/// A column value borrowed from the row being read (see [`Query::for_each`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl<'a> Cell<'a> {
    pub fn text(self) -> Option<&'a str> {
        match self {
            Cell::Text(t) => Some(t),
            _ => None,
        }
    }
    pub fn int(self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(n),
            _ => None,
        }
    }
}

impl Value {
    fn cell(&self) -> Cell<'_> {
        match self {
            Value::Int(n) => Cell::Int(*n),
            Value::Text(t) => Cell::Text(t),
            Value::Null | Value::NullInt | Value::Taken => Cell::Null,
        }
    }
}

/// A result row: column names shared by all rows of a result, and the values.
#[derive(Debug, Clone)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

/// Conversion of a column value into a Rust type, taking the value (no copy of text).
pub trait FromValue: Sized {
    fn from_value(v: Value) -> Option<Self>;
}
impl FromValue for i64 {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Option<Self> {
        match v {
            Value::Null | Value::NullInt => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl Row {
    /// Moves a column's value out of the row; reading the same column twice is an error.
    pub fn get<T: FromValue>(&mut self, name: &str) -> Result<T> {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| StoreError::Corrupt(format!("{name}: no such column")))?;
        let v = std::mem::replace(&mut self.values[i], Value::Taken);
        if v == Value::Taken {
            return Err(StoreError::Corrupt(format!("{name}: read twice")));
        }
        T::from_value(v).ok_or_else(|| StoreError::Corrupt(format!("{name}: unexpected type")))
    }
    fn first<T: FromValue>(mut self) -> Result<T> {
        let v = self
            .values
            .first_mut()
            .map(|v| std::mem::replace(v, Value::Taken))
            .unwrap_or(Value::Taken);
        T::from_value(v).ok_or_else(|| StoreError::Corrupt("scalar: unexpected type".into()))
    }
}

/// The SQLite side: a bounded set of connections to one file.
pub(crate) struct SqlitePool {
    path: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
    slots: Arc<Semaphore>,
}

impl SqlitePool {
    pub(crate) fn open(path: &str, max: usize) -> Result<Arc<Self>> {
        let pool = Arc::new(Self {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(max)),
        });
        // Open one now so that a bad path fails at start-up, not at the first request.
        let c = pool.new_connection()?;
        pool.put(c);
        Ok(pool)
    }

    fn new_connection(&self) -> Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open(&self.path).map_err(sqlite_err)?;
        // WAL lets readers run beside the writer; the busy timeout makes writers queue instead
        // of failing; SQLite leaves foreign keys off unless asked.
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(sqlite_err)?;
        c.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sqlite_err)?;
        c.set_prepared_statement_cache_capacity(128);
        Ok(c)
    }

    fn take(&self) -> Result<rusqlite::Connection> {
        let idle = self.idle.lock().pop();
        match idle {
            Some(c) => Ok(c),
            None => self.new_connection(),
        }
    }

    fn put(&self, c: rusqlite::Connection) {
        self.idle.lock().push(c);
    }

    pub(crate) fn close(&self) {
        self.idle.lock().clear();
    }
}

fn sqlite_err(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, msg) = &e
        && f.code == rusqlite::ErrorCode::ConstraintViolation
        && (f.extended_code == 2067 || f.extended_code == 1555)
    {
        return StoreError::Conflict(msg.clone().unwrap_or_else(|| "unique".into()));
    }
    StoreError::Db(e.to_string())
}

pub(crate) fn pg_err(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error()
        && db.is_unique_violation()
    {
        return StoreError::Conflict(db.message().to_owned());
    }
    StoreError::Db(e.to_string())
}

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

pub(crate) async fn sqlite_conn(pool: &Arc<SqlitePool>, epoch: &Arc<Epochs>) -> Result<Conn> {
    let slot = pool
        .slots
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| StoreError::Db(e.to_string()))?;
    let c = pool.take()?;
    let inner = Inner::Sqlite {
        conn: Some(c),
        pool: pool.clone(),
        _slot: slot,
    };
    Ok(Conn {
        inner,
        open_tx: false,
        epoch: epoch.clone(),
        touched: false,
        changed: false,
    })
}

pub(crate) async fn pg_conn(pool: &PgPool, epoch: &Arc<Epochs>) -> Result<Conn> {
    let inner = Inner::Pg(pool.acquire().await.map_err(pg_err)?);
    Ok(Conn {
        inner,
        open_tx: false,
        epoch: epoch.clone(),
        touched: false,
        changed: false,
    })
}

pub(crate) async fn sqlite_begin(pool: &Arc<SqlitePool>, epoch: &Arc<Epochs>) -> Result<Tx> {
    let mut c = sqlite_conn(pool, epoch).await?;
    // Take the write lock up front: a deferred transaction that reads first and writes later
    // fails at once with "database is locked" when another writer committed in between,
    // whereas an immediate one waits its turn under the busy timeout.
    c.run_sqlite("BEGIN IMMEDIATE".into(), Vec::new(), false)
        .await?;
    c.open_tx = true;
    Ok(Tx(c))
}

pub(crate) async fn pg_begin(pool: &PgPool, epoch: &Arc<Epochs>) -> Result<Tx> {
    let inner = Inner::PgTx(Some(pool.begin().await.map_err(pg_err)?));
    Ok(Tx(Conn {
        inner,
        open_tx: false,
        epoch: epoch.clone(),
        touched: false,
        changed: false,
    }))
}

impl Conn {
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

    /// Runs one statement on SQLite; returns its rows (when `rows`) or the number of rows changed.
    ///
    /// Only statements that can wait go to a blocking thread: `BEGIN IMMEDIATE` (it queues for
    /// the write lock under the busy timeout) and `COMMIT` (it may checkpoint the WAL). Reads in
    /// WAL mode and writes inside a transaction that already holds the lock never wait, and take
    /// microseconds, so they run in place rather than paying two thread hand-offs each.
    async fn run_sqlite(
        &mut self,
        sql: String,
        args: Vec<Value>,
        rows: bool,
    ) -> Result<(Vec<Row>, u64)> {
        self.run_sqlite_then(sql, args, rows, None).await
    }

    /// [`Conn::run_sqlite`], counting `after` once the statement succeeded.
    async fn run_sqlite_then(
        &mut self,
        sql: String,
        args: Vec<Value>,
        rows: bool,
        after: Option<Counted>,
    ) -> Result<(Vec<Row>, u64)> {
        let Inner::Sqlite { conn, .. } = &mut self.inner else {
            return Err(StoreError::Db("not a SQLite connection".into()));
        };
        let may_wait = sql.starts_with("BEGIN") || sql == "COMMIT";
        if !may_wait {
            let c = conn
                .as_ref()
                .ok_or_else(|| StoreError::Db("connection lost".into()))?;
            let out = sqlite_exec(c, &sql, &args, rows);
            if let (Ok(_), Some(a)) = (&out, after) {
                a.count();
            }
            return out;
        }
        let c = conn
            .take()
            .ok_or_else(|| StoreError::Db("connection lost".into()))?;
        let (c, out) = tokio::task::spawn_blocking(move || {
            let out = sqlite_exec(&c, &sql, &args, rows);
            if let (Ok(_), Some(a)) = (&out, after) {
                a.count();
            }
            (c, out)
        })
        .await
        .map_err(|e| StoreError::Db(e.to_string()))?;
        *conn = Some(c);
        out
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

fn sqlite_exec(
    c: &rusqlite::Connection,
    sql: &str,
    args: &[Value],
    rows: bool,
) -> Result<(Vec<Row>, u64)> {
    let mut stmt = c.prepare_cached(sql).map_err(sqlite_err)?;
    bind_sqlite(&mut stmt, args)?;
    if !rows {
        let n = stmt.raw_execute().map_err(sqlite_err)?;
        return Ok((Vec::new(), n as u64));
    }
    let names: Arc<[String]> = stmt
        .column_names()
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let width = names.len();
    let mut out = Vec::new();
    let mut rs = stmt.raw_query();
    while let Some(r) = rs.next().map_err(sqlite_err)? {
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(match r.get_ref(i).map_err(sqlite_err)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(n) => Value::Int(n),
                rusqlite::types::ValueRef::Real(f) => Value::Int(f as i64),
                rusqlite::types::ValueRef::Text(t) => Value::Text(text(t)),
                rusqlite::types::ValueRef::Blob(b) => Value::Text(text(b)),
            });
        }
        out.push(Row {
            names: names.clone(),
            values,
        });
    }
    Ok((out, 0))
}

fn bind_sqlite(stmt: &mut rusqlite::CachedStatement<'_>, args: &[Value]) -> Result<()> {
    for (i, v) in args.iter().enumerate() {
        // Bind by name: SQLite numbers `$n` parameters in order of first appearance.
        let Some(idx) = stmt
            .parameter_index(&format!("${}", i + 1))
            .map_err(sqlite_err)?
        else {
            continue;
        };
        let r = match v {
            Value::Null | Value::NullInt | Value::Taken => {
                stmt.raw_bind_parameter(idx, rusqlite::types::Null)
            }
            Value::Int(n) => stmt.raw_bind_parameter(idx, n),
            Value::Text(s) => stmt.raw_bind_parameter(idx, s.as_str()),
        };
        r.map_err(sqlite_err)?;
    }
    Ok(())
}

/// [`Query::for_each`] on SQLite: each row's cells borrowed from the statement, so reading a row
/// allocates nothing but its list of cells (text that is not UTF-8 is copied, made valid).
fn sqlite_each(
    c: &rusqlite::Connection,
    sql: &str,
    args: &[Value],
    f: &mut dyn FnMut(&[Cell<'_>]),
) -> Result<usize> {
    let mut stmt = c.prepare_cached(sql).map_err(sqlite_err)?;
    bind_sqlite(&mut stmt, args)?;
    let width = stmt.column_count();
    let mut rs = stmt.raw_query();
    let mut n = 0;
    while let Some(r) = rs.next().map_err(sqlite_err)? {
        let mut lossy: Vec<String> = Vec::new();
        for i in 0..width {
            if let rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) =
                r.get_ref(i).map_err(sqlite_err)?
                && std::str::from_utf8(t).is_err()
            {
                lossy.push(String::from_utf8_lossy(t).into_owned());
            }
        }
        let mut lossy = lossy.iter();
        let mut cells = Vec::with_capacity(width);
        for i in 0..width {
            cells.push(match r.get_ref(i).map_err(sqlite_err)? {
                rusqlite::types::ValueRef::Null => Cell::Null,
                rusqlite::types::ValueRef::Integer(n) => Cell::Int(n),
                rusqlite::types::ValueRef::Real(x) => Cell::Int(x as i64),
                rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                    match std::str::from_utf8(t) {
                        Ok(s) => Cell::Text(s),
                        Err(_) => Cell::Text(lossy.next().map_or("", String::as_str)),
                    }
                }
            });
        }
        f(&cells);
        n += 1;
    }
    Ok(n)
}

/// Column text as a String: the fast validating copy for UTF-8 (all Switchboard writes), the
/// lossy one for anything else.
fn text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    }
}

async fn pg_exec(
    c: &mut sqlx::PgConnection,
    sql: &str,
    args: Vec<Value>,
    rows: bool,
) -> Result<(Vec<Row>, u64)> {
    let mut q = sqlx::query(sql);
    for v in args {
        q = match v {
            Value::Null | Value::Taken => q.bind(Option::<String>::None),
            Value::NullInt => q.bind(Option::<i64>::None),
            Value::Int(n) => q.bind(n),
            Value::Text(s) => q.bind(s),
        };
    }
    if !rows {
        let r = q.execute(c).await.map_err(pg_err)?;
        return Ok((Vec::new(), r.rows_affected()));
    }
    let pg_rows: Vec<PgRow> = q.fetch(c).try_collect().await.map_err(pg_err)?;
    let Some(first) = pg_rows.first() else {
        return Ok((Vec::new(), 0));
    };
    let names: Arc<[String]> = first
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    let kinds: Vec<bool> = first
        .columns()
        .iter()
        .map(|c| matches!(c.type_info().name(), "INT8" | "INT4" | "INT2" | "BOOL"))
        .collect();
    let mut out = Vec::with_capacity(pg_rows.len());
    for r in &pg_rows {
        let mut values = Vec::with_capacity(kinds.len());
        for (i, is_int) in kinds.iter().enumerate() {
            let v = if *is_int {
                let ty = r.columns()[i].type_info().name().to_owned();
                let n: Option<i64> = match ty.as_str() {
                    "INT4" => r.try_get::<Option<i32>, _>(i).map(|o| o.map(i64::from)),
                    "INT2" => r.try_get::<Option<i16>, _>(i).map(|o| o.map(i64::from)),
                    "BOOL" => r.try_get::<Option<bool>, _>(i).map(|o| o.map(i64::from)),
                    _ => r.try_get::<Option<i64>, _>(i),
                }
                .map_err(pg_err)?;
                n.map_or(Value::Null, Value::Int)
            } else {
                r.try_get::<Option<String>, _>(i)
                    .map_err(pg_err)?
                    .map_or(Value::Null, Value::Text)
            };
            values.push(v);
        }
        out.push(Row {
            names: names.clone(),
            values,
        });
    }
    Ok((out, 0))
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
