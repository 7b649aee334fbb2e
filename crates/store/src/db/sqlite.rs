//! The SQLite side of the executor: a bounded pool of rusqlite connections to one file, and
//! statements run in place, or on a blocking thread when they may wait for the write lock.

use super::{Cell, Conn, Counted, Epochs, Inner, Row, Tx, Value};
use crate::{Result, StoreError};
use parking_lot::Mutex;
use std::sync::Arc;
use tokio::sync::Semaphore;

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

    pub(super) fn put(&self, c: rusqlite::Connection) {
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
    Ok(Conn::new(inner, epoch))
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

impl Conn {
    /// Runs one statement on SQLite; returns its rows (when `rows`) or the number of rows changed.
    ///
    /// Only statements that can wait go to a blocking thread: `BEGIN IMMEDIATE` (it queues for
    /// the write lock under the busy timeout) and `COMMIT` (it may checkpoint the WAL). Reads in
    /// WAL mode and writes inside a transaction that already holds the lock never wait, and take
    /// microseconds, so they run in place rather than paying two thread hand-offs each.
    pub(super) async fn run_sqlite(
        &mut self,
        sql: String,
        args: Vec<Value>,
        rows: bool,
    ) -> Result<(Vec<Row>, u64)> {
        self.run_sqlite_then(sql, args, rows, None).await
    }

    /// [`Conn::run_sqlite`], counting `after` once the statement succeeded.
    pub(super) async fn run_sqlite_then(
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
pub(super) fn sqlite_each(
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
