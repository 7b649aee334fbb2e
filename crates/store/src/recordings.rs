//! Call recording (issue: media services; the inbox holds "call recordings"): the lines
//! whose calls are recorded, and the recordings, whose audio is kept apart from their
//! description so that listing an inbox never reads audio.

use crate::audio::{AudioRef, audio_ref};
use crate::db::{Row, query, query_owned};
use crate::{Conn, Result, col, flag};
use sb_domain::ids::{CompanyId, LineId, RecordingId};

#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub id: RecordingId,
    pub company_id: CompanyId,
    pub line_id: LineId,
    /// `incoming` or `outgoing`, seen from the line.
    pub direction: String,
    pub other_number: String,
    pub other_name: Option<String>,
    pub started_at: i64,
    pub duration_ms: i64,
    /// Played (or marked so) by someone with access to the inbox.
    pub heard: bool,
}

const COLUMNS: &str = "id, company_id, line_id, direction, other_number, other_name, \
    started_at, duration_ms, heard";

fn recording(mut r: Row) -> Result<Recording> {
    Ok(Recording {
        id: RecordingId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        line_id: LineId::from_raw(col::<String>(&mut r, "line_id")?),
        direction: col(&mut r, "direction")?,
        other_number: col(&mut r, "other_number")?,
        other_name: col(&mut r, "other_name")?,
        started_at: col(&mut r, "started_at")?,
        duration_ms: col(&mut r, "duration_ms")?,
        heard: col::<i64>(&mut r, "heard")? != 0,
    })
}

/// Whether the line's calls are recorded.
pub async fn record_calls(c: &mut Conn, line: &LineId) -> Result<bool> {
    match query("SELECT record_calls FROM line_recording WHERE line_id = $1")
        .bind(line.as_str())
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => Ok(col::<i64>(&mut r, "record_calls")? != 0),
        None => Ok(false),
    }
}

pub async fn set_record_calls(c: &mut Conn, line: &LineId, on: bool) -> Result<()> {
    query(
        "INSERT INTO line_recording (line_id, record_calls) VALUES ($1, $2)
         ON CONFLICT (line_id) DO UPDATE SET record_calls = $2",
    )
    .bind(line.as_str())
    .bind(flag(on))
    .execute(c)
    .await?;
    Ok(())
}

/// Stores a recording with the reference of its audio file, written before.
pub async fn insert(c: &mut Conn, r: &Recording, audio: &AudioRef) -> Result<()> {
    query(
        "INSERT INTO recordings (id, company_id, line_id, direction, other_number, other_name,
            started_at, duration_ms, heard, audio, audio_ref, audio_size, audio_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11, $12)",
    )
    .operational()
    .bind(r.id.as_str())
    .bind(r.company_id.as_str())
    .bind(r.line_id.as_str())
    .bind(&r.direction)
    .bind(&r.other_number)
    .bind(r.other_name.clone())
    .bind(r.started_at)
    .bind(r.duration_ms)
    .bind(flag(r.heard))
    .bind(audio.key.as_str())
    .bind(audio.size)
    .bind(audio.sha256.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// A line's recordings, newest first.
pub async fn list(c: &mut Conn, line: &LineId) -> Result<Vec<Recording>> {
    let sql = format!("SELECT {COLUMNS} FROM recordings WHERE line_id = $1 ORDER BY id DESC");
    query_owned(sql)
        .bind(line.as_str())
        .fetch_all(c)
        .await?
        .into_iter()
        .map(recording)
        .collect()
}

pub async fn get(c: &mut Conn, id: &RecordingId) -> Result<Option<Recording>> {
    let sql = format!("SELECT {COLUMNS} FROM recordings WHERE id = $1");
    query_owned(sql)
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(recording)
        .transpose()
}

/// Where the recording's audio is (none when there is no such recording).
pub async fn audio(c: &mut Conn, id: &RecordingId) -> Result<Option<AudioRef>> {
    match query("SELECT audio_ref, audio_size, audio_sha256 FROM recordings WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => audio_ref(&mut r, "audio"),
        None => Ok(None),
    }
}

pub async fn set_heard(c: &mut Conn, id: &RecordingId, heard: bool) -> Result<()> {
    query("UPDATE recordings SET heard = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(flag(heard))
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: &RecordingId) -> Result<()> {
    query("DELETE FROM recordings WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}
