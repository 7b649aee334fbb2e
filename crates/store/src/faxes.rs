//! Faxes received on a line's fax number. A fax's PDF is a file the row names by reference and
//! checksum (decision 16), kept apart from its description so that listing an inbox never
//! reads documents.

use crate::audio::{AudioRef, audio_ref};
use crate::db::{Row, query, query_owned};
use crate::{Conn, Result, col, flag};
use sb_domain::ids::{CompanyId, FaxId, LineId};

/// A received fax, without its document.
#[derive(Debug, Clone, PartialEq)]
pub struct Fax {
    pub id: FaxId,
    pub company_id: CompanyId,
    pub line_id: LineId,
    pub caller_number: String,
    pub caller_name: Option<String>,
    /// What the sending machine called itself (its T.30 TSI), when it said.
    pub remote_ident: Option<String>,
    pub received_at: i64,
    pub pages: i64,
    /// The pages' bit rate, bits a second.
    pub bit_rate: i64,
    /// Opened (or marked so) by someone with access to the inbox.
    pub seen: bool,
}

const COLUMNS: &str = "id, company_id, line_id, caller_number, caller_name, remote_ident, \
    received_at, pages, bit_rate, seen";

fn fax(mut r: Row) -> Result<Fax> {
    Ok(Fax {
        id: FaxId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        line_id: LineId::from_raw(col::<String>(&mut r, "line_id")?),
        caller_number: col(&mut r, "caller_number")?,
        caller_name: col(&mut r, "caller_name")?,
        remote_ident: col(&mut r, "remote_ident")?,
        received_at: col(&mut r, "received_at")?,
        pages: col(&mut r, "pages")?,
        bit_rate: col(&mut r, "bit_rate")?,
        seen: col::<i64>(&mut r, "seen")? != 0,
    })
}

/// Stores a fax with the reference of its PDF file, written before.
pub async fn insert(c: &mut Conn, f: &Fax, document: &AudioRef) -> Result<()> {
    query(
        "INSERT INTO faxes (id, company_id, line_id, caller_number, caller_name, remote_ident,
            received_at, pages, bit_rate, seen, document_ref, document_size, document_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .operational()
    .bind(f.id.as_str())
    .bind(f.company_id.as_str())
    .bind(f.line_id.as_str())
    .bind(&f.caller_number)
    .bind(f.caller_name.clone())
    .bind(f.remote_ident.clone())
    .bind(f.received_at)
    .bind(f.pages)
    .bind(f.bit_rate)
    .bind(flag(f.seen))
    .bind(document.key.as_str())
    .bind(document.size)
    .bind(document.sha256.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// A line's faxes, newest first.
pub async fn list(c: &mut Conn, line: &LineId) -> Result<Vec<Fax>> {
    let sql = format!("SELECT {COLUMNS} FROM faxes WHERE line_id = $1 ORDER BY id DESC");
    query_owned(sql)
        .bind(line.as_str())
        .fetch_all(c)
        .await?
        .into_iter()
        .map(fax)
        .collect()
}

pub async fn get(c: &mut Conn, id: &FaxId) -> Result<Option<Fax>> {
    let sql = format!("SELECT {COLUMNS} FROM faxes WHERE id = $1");
    query_owned(sql)
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(fax)
        .transpose()
}

/// Where the fax's PDF is (none when there is no such fax).
pub async fn document(c: &mut Conn, id: &FaxId) -> Result<Option<AudioRef>> {
    let row = query("SELECT document_ref, document_size, document_sha256 FROM faxes WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    match row {
        Some(mut r) => audio_ref(&mut r, "document"),
        None => Ok(None),
    }
}

pub async fn set_seen(c: &mut Conn, id: &FaxId, seen: bool) -> Result<()> {
    query("UPDATE faxes SET seen = $1 WHERE id = $2")
        .bind(flag(seen))
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: &FaxId) -> Result<()> {
    query("DELETE FROM faxes WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}
