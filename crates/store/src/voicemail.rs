//! Voicemail: the messages callers leave in a line's mailbox. A message's
//! audio is kept apart from its description so that listing a mailbox never reads audio.

use crate::audio::{AudioRef, audio_ref};
use crate::db::{Row, query};
use crate::{Conn, Result, col, flag};
use sb_domain::ids::{CompanyId, LineId, VoicemailId};

/// A message, without its audio.
#[derive(Debug, Clone, PartialEq)]
pub struct Voicemail {
    pub id: VoicemailId,
    pub company_id: CompanyId,
    pub line_id: LineId,
    pub caller_number: String,
    pub caller_name: Option<String>,
    pub received_at: i64,
    pub duration_ms: i64,
    pub heard: bool,
}

const COLUMNS: &str =
    "id, company_id, line_id, caller_number, caller_name, received_at, duration_ms, heard";

fn voicemail(mut r: Row) -> Result<Voicemail> {
    Ok(Voicemail {
        id: VoicemailId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        line_id: LineId::from_raw(col::<String>(&mut r, "line_id")?),
        caller_number: col(&mut r, "caller_number")?,
        caller_name: col(&mut r, "caller_name")?,
        received_at: col(&mut r, "received_at")?,
        duration_ms: col(&mut r, "duration_ms")?,
        heard: col::<i64>(&mut r, "heard")? != 0,
    })
}

/// Stores a message with the reference of its audio file, written before.
pub async fn insert(c: &mut Conn, v: &Voicemail, audio: &AudioRef) -> Result<()> {
    query(
        "INSERT INTO voicemails (id, company_id, line_id, caller_number, caller_name,
            received_at, duration_ms, heard, audio, audio_ref, audio_size, audio_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $11)",
    )
    .operational()
    .bind(v.id.as_str())
    .bind(v.company_id.as_str())
    .bind(v.line_id.as_str())
    .bind(&v.caller_number)
    .bind(v.caller_name.clone())
    .bind(v.received_at)
    .bind(v.duration_ms)
    .bind(flag(v.heard))
    .bind(audio.key.as_str())
    .bind(audio.size)
    .bind(audio.sha256.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// A line's messages, newest first (a mailbox holds at most a few hundred).
pub async fn list(c: &mut Conn, line: &LineId) -> Result<Vec<Voicemail>> {
    let sql = format!("SELECT {COLUMNS} FROM voicemails WHERE line_id = $1 ORDER BY id DESC");
    crate::db::query_owned(sql)
        .bind(line.as_str())
        .fetch_all(c)
        .await?
        .into_iter()
        .map(voicemail)
        .collect()
}

pub async fn get(c: &mut Conn, id: &VoicemailId) -> Result<Option<Voicemail>> {
    let sql = format!("SELECT {COLUMNS} FROM voicemails WHERE id = $1");
    crate::db::query_owned(sql)
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(voicemail)
        .transpose()
}

/// Where the message's audio is (none when there is no such message).
pub async fn audio(c: &mut Conn, id: &VoicemailId) -> Result<Option<AudioRef>> {
    let row = query("SELECT audio_ref, audio_size, audio_sha256 FROM voicemails WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    match row {
        Some(mut r) => audio_ref(&mut r, "audio"),
        None => Ok(None),
    }
}

pub async fn set_heard(c: &mut Conn, id: &VoicemailId, heard: bool) -> Result<()> {
    query("UPDATE voicemails SET heard = $1 WHERE id = $2")
        .bind(flag(heard))
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: &VoicemailId) -> Result<()> {
    query("DELETE FROM voicemails WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// New (unheard) and old messages of a line, for message-waiting lamps.
pub async fn counts(c: &mut Conn, line: &LineId) -> Result<(i64, i64)> {
    let new: i64 = query("SELECT COUNT(*) FROM voicemails WHERE line_id = $1 AND heard = 0")
        .bind(line.as_str())
        .scalar(c)
        .await?;
    let all: i64 = query("SELECT COUNT(*) FROM voicemails WHERE line_id = $1")
        .bind(line.as_str())
        .scalar(c)
        .await?;
    Ok((new, all - new))
}

/// Where a line's new messages are mailed, and whether the mailbox keeps them too.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Settings {
    pub email_to: Vec<String>,
    pub keep_after_email: bool,
}

pub async fn settings(c: &mut Conn, line: &LineId) -> Result<Settings> {
    let row = query("SELECT email_to, keep_after_email FROM voicemail_settings WHERE line_id = $1")
        .bind(line.as_str())
        .fetch_optional(c)
        .await?;
    let Some(mut r) = row else {
        return Ok(Settings {
            email_to: Vec::new(),
            keep_after_email: true,
        });
    };
    let to: String = col(&mut r, "email_to")?;
    Ok(Settings {
        email_to: to.lines().map(str::to_owned).collect(),
        keep_after_email: col::<i64>(&mut r, "keep_after_email")? != 0,
    })
}

pub async fn save_settings(c: &mut Conn, line: &LineId, s: &Settings) -> Result<()> {
    query("DELETE FROM voicemail_settings WHERE line_id = $1")
        .bind(line.as_str())
        .execute(c)
        .await?;
    query(
        "INSERT INTO voicemail_settings (line_id, email_to, keep_after_email) VALUES ($1, $2, $3)",
    )
    .bind(line.as_str())
    .bind(s.email_to.join("\n"))
    .bind(flag(s.keep_after_email))
    .execute(c)
    .await?;
    Ok(())
}

/// Where a line's own greeting is, if it recorded or uploaded one.
pub async fn greeting(c: &mut Conn, line: &LineId) -> Result<Option<AudioRef>> {
    let row = query(
        "SELECT audio_ref, audio_size, audio_sha256 FROM voicemail_greetings WHERE line_id = $1",
    )
    .bind(line.as_str())
    .fetch_optional(c)
    .await?;
    match row {
        Some(mut r) => audio_ref(&mut r, "audio"),
        None => Ok(None),
    }
}

/// Gives a line a new greeting; the previous one's file (if any) is the caller's to remove
/// once this commits.
pub async fn set_greeting(c: &mut Conn, line: &LineId, audio: &AudioRef, now: i64) -> Result<()> {
    delete_greeting(c, line).await?;
    query(
        "INSERT INTO voicemail_greetings (line_id, audio, updated_at, audio_ref, audio_size,
            audio_sha256) VALUES ($1, '', $2, $3, $4, $5)",
    )
    .bind(line.as_str())
    .bind(now)
    .bind(audio.key.as_str())
    .bind(audio.size)
    .bind(audio.sha256.as_str())
    .execute(c)
    .await?;
    Ok(())
}

pub async fn delete_greeting(c: &mut Conn, line: &LineId) -> Result<bool> {
    let done = query("DELETE FROM voicemail_greetings WHERE line_id = $1")
        .bind(line.as_str())
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Whether a line's user is mailed about its missed calls, new voicemail and new faxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Notifications {
    pub missed_calls: bool,
    pub new_voicemail: bool,
    pub new_fax: bool,
}

pub async fn notifications(c: &mut Conn, line: &LineId) -> Result<Notifications> {
    let row = query(
        "SELECT missed_calls, new_voicemail, new_fax FROM line_notifications WHERE line_id = $1",
    )
    .bind(line.as_str())
    .fetch_optional(c)
    .await?;
    let Some(mut r) = row else {
        return Ok(Notifications::default());
    };
    Ok(Notifications {
        missed_calls: col::<i64>(&mut r, "missed_calls")? != 0,
        new_voicemail: col::<i64>(&mut r, "new_voicemail")? != 0,
        new_fax: col::<i64>(&mut r, "new_fax")? != 0,
    })
}

pub async fn save_notifications(c: &mut Conn, line: &LineId, n: Notifications) -> Result<()> {
    query("DELETE FROM line_notifications WHERE line_id = $1")
        .bind(line.as_str())
        .execute(c)
        .await?;
    query(
        "INSERT INTO line_notifications (line_id, missed_calls, new_voicemail, new_fax)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(line.as_str())
    .bind(flag(n.missed_calls))
    .bind(flag(n.new_voicemail))
    .bind(flag(n.new_fax))
    .execute(c)
    .await?;
    Ok(())
}
