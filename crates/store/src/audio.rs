//! Where the audio of voicemails, greetings, recordings and queue music is (decision 16): each
//! row names a file kept outside the database (its key), with its size and SHA-256, so that a
//! row stays small whatever the length of the audio. The files themselves are app's business;
//! this module holds the references: the keys a deletion is about to orphan, every key still
//! in use (for the sweep of files no row names), and the one-time move of the base64 that
//! rows held before.

use crate::db::{Row, query, query_owned};
use crate::{Conn, Result, col};
use sb_domain::ids::{CompanyId, LineId, QueueId};

/// A row's audio file: its key in the audio store, its size in bytes and its SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioRef {
    pub key: String,
    pub size: i64,
    pub sha256: String,
}

/// The reference in the columns `prefix_ref`, `prefix_size`, `prefix_sha256` of a row; none
/// when the row has no file (a queue on the built-in music, or a row not moved yet).
pub(crate) fn audio_ref(r: &mut Row, prefix: &str) -> Result<Option<AudioRef>> {
    let key: Option<String> = col(r, &format!("{prefix}_ref"))?;
    let size: Option<i64> = col(r, &format!("{prefix}_size"))?;
    let sha256: Option<String> = col(r, &format!("{prefix}_sha256"))?;
    Ok(match (key, size, sha256) {
        (Some(key), Some(size), Some(sha256)) => Some(AudioRef { key, size, sha256 }),
        _ => None,
    })
}

/// The tables whose rows hold audio, with the columns that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Voicemails,
    Greetings,
    Recordings,
    QueueMusic,
}

impl Table {
    pub const ALL: [Table; 4] = [
        Table::Voicemails,
        Table::Greetings,
        Table::Recordings,
        Table::QueueMusic,
    ];

    /// (table, key column, base64 column, prefix of the reference columns)
    fn names(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Table::Voicemails => ("voicemails", "id", "audio", "audio"),
            Table::Greetings => ("voicemail_greetings", "line_id", "audio", "audio"),
            Table::Recordings => ("recordings", "id", "audio", "audio"),
            Table::QueueMusic => ("queues", "id", "music", "music"),
        }
    }

    /// What the rows of the table are, for file names and logs.
    pub fn kind(self) -> &'static str {
        match self {
            Table::Voicemails => "voicemail",
            Table::Greetings => "greeting",
            Table::Recordings => "recording",
            Table::QueueMusic => "music",
        }
    }
}

/// Every key a row names, for the sweep of files no row names.
pub async fn all_keys(c: &mut Conn) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for t in Table::ALL {
        let (table, _, _, prefix) = t.names();
        let sql = format!("SELECT {prefix}_ref FROM {table} WHERE {prefix}_ref IS NOT NULL");
        keys.extend(query_owned(sql).scalars::<String>(c).await?);
    }
    // Faxes' documents share the store (they never held base64, so they are no `Table`).
    keys.extend(
        query("SELECT document_ref FROM faxes")
            .scalars::<String>(c)
            .await?,
    );
    Ok(keys)
}

/// The keys of a line's messages, greeting and recordings: what deleting or resetting the
/// line leaves without a row.
pub async fn keys_of_line(c: &mut Conn, line: &LineId) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for t in [Table::Voicemails, Table::Greetings, Table::Recordings] {
        let (table, _, _, prefix) = t.names();
        let sql = format!(
            "SELECT {prefix}_ref FROM {table} WHERE line_id = $1 AND {prefix}_ref IS NOT NULL"
        );
        keys.extend(
            query_owned(sql)
                .bind(line.as_str())
                .scalars::<String>(c)
                .await?,
        );
    }
    keys.extend(
        query("SELECT document_ref FROM faxes WHERE line_id = $1")
            .bind(line.as_str())
            .scalars::<String>(c)
            .await?,
    );
    Ok(keys)
}

/// The keys of a company's audio of every kind: what deleting the company leaves without a row.
pub async fn keys_of_company(c: &mut Conn, company: &CompanyId) -> Result<Vec<String>> {
    const SQL: [&str; 5] = [
        "SELECT audio_ref FROM voicemails WHERE company_id = $1 AND audio_ref IS NOT NULL",
        "SELECT g.audio_ref FROM voicemail_greetings g JOIN lines l ON l.id = g.line_id
         WHERE l.company_id = $1 AND g.audio_ref IS NOT NULL",
        "SELECT audio_ref FROM recordings WHERE company_id = $1 AND audio_ref IS NOT NULL",
        "SELECT music_ref FROM queues WHERE company_id = $1 AND music_ref IS NOT NULL",
        "SELECT document_ref FROM faxes WHERE company_id = $1",
    ];
    let mut keys = Vec::new();
    for sql in SQL {
        keys.extend(
            query(sql)
                .bind(company.as_str())
                .scalars::<String>(c)
                .await?,
        );
    }
    Ok(keys)
}

/// The key of a queue's own music, if it has one.
pub async fn key_of_queue(c: &mut Conn, queue: &QueueId) -> Result<Option<String>> {
    let keys = query("SELECT music_ref FROM queues WHERE id = $1 AND music_ref IS NOT NULL")
        .bind(queue.as_str())
        .scalars::<String>(c)
        .await?;
    Ok(keys.into_iter().next())
}

/// Up to `limit` rows of `table` still holding base64 rather than a file, after the row
/// `after` (in key order, so that a row that cannot be moved is passed over, not retried).
pub async fn legacy_rows(
    c: &mut Conn,
    table: Table,
    after: &str,
    limit: i64,
) -> Result<Vec<String>> {
    let (name, id, text, prefix) = table.names();
    let sql = format!(
        "SELECT {id} FROM {name} WHERE {prefix}_ref IS NULL AND {text} IS NOT NULL
         AND {text} <> '' AND {id} > $1 ORDER BY {id} LIMIT $2"
    );
    query_owned(sql)
        .bind(after)
        .bind(limit)
        .scalars::<String>(c)
        .await
}

/// The base64 a row holds, if it still holds any.
pub async fn legacy_text(c: &mut Conn, table: Table, row: &str) -> Result<Option<String>> {
    let (name, id, text, prefix) = table.names();
    let sql = format!("SELECT {text} FROM {name} WHERE {id} = $1 AND {prefix}_ref IS NULL");
    let rows = query_owned(sql)
        .bind(row)
        .scalars::<Option<String>>(c)
        .await?;
    Ok(rows.into_iter().next().flatten().filter(|t| !t.is_empty()))
}

/// Points a row at the file its base64 was written to and empties the base64; false when the
/// row is gone or was moved meanwhile (the file is then the caller's to remove).
pub async fn moved(c: &mut Conn, table: Table, row: &str, file: &AudioRef) -> Result<bool> {
    let (name, id, text, prefix) = table.names();
    // `music` may be NULL; the other base64 columns are NOT NULL and become empty.
    let emptied = if table == Table::QueueMusic {
        "NULL"
    } else {
        "''"
    };
    let sql = format!(
        "UPDATE {name} SET {prefix}_ref = $2, {prefix}_size = $3, {prefix}_sha256 = $4,
         {text} = {emptied} WHERE {id} = $1 AND {prefix}_ref IS NULL"
    );
    let done = query_owned(sql)
        .operational()
        .bind(row)
        .bind(file.key.as_str())
        .bind(file.size)
        .bind(file.sha256.as_str())
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}
