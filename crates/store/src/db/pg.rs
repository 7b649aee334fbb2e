//! The PostgreSQL side of the executor, through sqlx: connections and transactions from its
//! pool, and rows read whole into the engine-neutral [`Row`].

use super::{Conn, Epochs, Inner, Row, Tx, Value};
use crate::{Result, StoreError};
use futures_util::TryStreamExt;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::{Column, Row as _, TypeInfo};
use std::sync::Arc;

pub(crate) fn pg_err(e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error()
        && db.is_unique_violation()
    {
        return StoreError::Conflict(db.message().to_owned());
    }
    StoreError::Db(e.to_string())
}

pub(crate) async fn pg_conn(pool: &PgPool, epoch: &Arc<Epochs>) -> Result<Conn> {
    let inner = Inner::Pg(pool.acquire().await.map_err(pg_err)?);
    Ok(Conn::new(inner, epoch))
}

pub(crate) async fn pg_begin(pool: &PgPool, epoch: &Arc<Epochs>) -> Result<Tx> {
    let inner = Inner::PgTx(Some(pool.begin().await.map_err(pg_err)?));
    Ok(Tx(Conn::new(inner, epoch)))
}

pub(super) async fn pg_exec(
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
