//! The values that go into a statement and come out of it, and the rows that carry them: one
//! shape for both engines, so the queries of every area read rows the same way.

use crate::{Result, StoreError};
use std::sync::Arc;

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

/// A column value borrowed from the row being read (see [`Query::for_each`](super::Query::for_each)).
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
    pub(super) fn cell(&self) -> Cell<'_> {
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
    pub(super) names: Arc<[String]>,
    pub(super) values: Vec<Value>,
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
    pub(super) fn first<T: FromValue>(mut self) -> Result<T> {
        let v = self
            .values
            .first_mut()
            .map(|v| std::mem::replace(v, Value::Taken))
            .unwrap_or(Value::Taken);
        T::from_value(v).ok_or_else(|| StoreError::Corrupt("scalar: unexpected type".into()))
    }
}
