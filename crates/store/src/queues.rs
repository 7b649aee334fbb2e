//! Call queues: their settings, their agents (lines, in order, each logged in
//! or out) and each caller's passage, from which the historical figures are counted.

use crate::audio::{AudioRef, audio_ref};
use crate::db::{Row, query, query_owned};
use crate::{Conn, Result, col, flag};
use sb_domain::ids::{CompanyId, LineId, QueueCallId, QueueId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    pub id: QueueId,
    pub company_id: CompanyId,
    pub name: String,
    pub extension: String,
    /// A `QueueStrategy` as text.
    pub strategy: String,
    pub ring_secs: i64,
    pub delay_secs: i64,
    pub max_wait_secs: i64,
    /// A `QueueOverflow` as text.
    pub overflow: String,
    pub overflow_line_id: Option<LineId>,
    /// What call-in agents dial to take calls.
    pub call_in_extension: Option<String>,
    /// `music` or `silence`: what call-in agents hear between calls.
    pub call_in_hold: String,
    /// Whether call-in agents hear a beep when a caller is put through.
    pub call_in_beep: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub line_id: LineId,
    /// `normal` or `call_in`.
    pub kind: String,
    pub logged_in: bool,
}

const COLUMNS: &str = "id, company_id, name, extension, strategy, ring_secs, delay_secs, \
    max_wait_secs, overflow, overflow_line_id, call_in_extension, call_in_hold, call_in_beep, \
    created_at";

fn queue(mut r: Row) -> Result<Queue> {
    Ok(Queue {
        id: QueueId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        name: col(&mut r, "name")?,
        extension: col(&mut r, "extension")?,
        strategy: col(&mut r, "strategy")?,
        ring_secs: col(&mut r, "ring_secs")?,
        delay_secs: col(&mut r, "delay_secs")?,
        max_wait_secs: col(&mut r, "max_wait_secs")?,
        overflow: col(&mut r, "overflow")?,
        overflow_line_id: col::<Option<String>>(&mut r, "overflow_line_id")?.map(LineId::from_raw),
        call_in_extension: col(&mut r, "call_in_extension")?,
        call_in_hold: col(&mut r, "call_in_hold")?,
        call_in_beep: col::<i64>(&mut r, "call_in_beep")? != 0,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert(c: &mut Conn, q: &Queue) -> Result<()> {
    query(
        "INSERT INTO queues (id, company_id, name, extension, strategy, ring_secs, delay_secs,
            max_wait_secs, overflow, overflow_line_id, call_in_extension, call_in_hold,
            call_in_beep, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(q.id.as_str())
    .bind(q.company_id.as_str())
    .bind(&q.name)
    .bind(&q.extension)
    .bind(&q.strategy)
    .bind(q.ring_secs)
    .bind(q.delay_secs)
    .bind(q.max_wait_secs)
    .bind(&q.overflow)
    .bind(q.overflow_line_id.as_ref().map(|l| l.as_str().to_owned()))
    .bind(q.call_in_extension.clone())
    .bind(&q.call_in_hold)
    .bind(flag(q.call_in_beep))
    .bind(q.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update(c: &mut Conn, q: &Queue) -> Result<()> {
    query(
        "UPDATE queues SET name = $2, extension = $3, strategy = $4, ring_secs = $5,
            delay_secs = $6, max_wait_secs = $7, overflow = $8, overflow_line_id = $9,
            call_in_extension = $10, call_in_hold = $11, call_in_beep = $12
         WHERE id = $1",
    )
    .bind(q.id.as_str())
    .bind(&q.name)
    .bind(&q.extension)
    .bind(&q.strategy)
    .bind(q.ring_secs)
    .bind(q.delay_secs)
    .bind(q.max_wait_secs)
    .bind(&q.overflow)
    .bind(q.overflow_line_id.as_ref().map(|l| l.as_str().to_owned()))
    .bind(q.call_in_extension.clone())
    .bind(&q.call_in_hold)
    .bind(flag(q.call_in_beep))
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, id: &QueueId) -> Result<Option<Queue>> {
    let sql = format!("SELECT {COLUMNS} FROM queues WHERE id = $1");
    query_owned(sql)
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(queue)
        .transpose()
}

pub async fn list(c: &mut Conn, company: &CompanyId) -> Result<Vec<Queue>> {
    let sql = format!("SELECT {COLUMNS} FROM queues WHERE company_id = $1 ORDER BY name, id");
    query_owned(sql)
        .bind(company.as_str())
        .fetch_all(c)
        .await?
        .into_iter()
        .map(queue)
        .collect()
}

pub async fn by_extension(
    c: &mut Conn,
    company: &CompanyId,
    extension: &str,
) -> Result<Option<Queue>> {
    let sql = format!("SELECT {COLUMNS} FROM queues WHERE company_id = $1 AND extension = $2");
    query_owned(sql)
        .bind(company.as_str())
        .bind(extension)
        .fetch_optional(c)
        .await?
        .map(queue)
        .transpose()
}

/// The queues a line is an agent of, by name: (queue, the line's membership).
pub async fn memberships(c: &mut Conn, line: &LineId) -> Result<Vec<(Queue, Agent)>> {
    let sql = format!(
        "SELECT {cols}, a.kind AS agent_kind, a.logged_in AS agent_logged_in
         FROM queues q JOIN queue_agents a ON a.queue_id = q.id
         WHERE a.line_id = $1 ORDER BY q.name, q.id",
        cols = COLUMNS
            .split(", ")
            .map(|c| format!("q.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = query_owned(sql).bind(line.as_str()).fetch_all(c).await?;
    rows.into_iter()
        .map(|mut r| {
            let kind: String = col(&mut r, "agent_kind")?;
            let logged_in = col::<i64>(&mut r, "agent_logged_in")? != 0;
            Ok((
                queue(r)?,
                Agent {
                    line_id: line.clone(),
                    kind,
                    logged_in,
                },
            ))
        })
        .collect()
}

/// Whether `user` is an agent (through one of their lines) of a queue whose callers overflow
/// to `mailbox`'s voicemail: the queue's group inbox.
pub async fn shares_inbox(c: &mut Conn, mailbox: &LineId, user: &UserId) -> Result<bool> {
    let found = query(
        "SELECT 1 FROM queues q JOIN queue_agents a ON a.queue_id = q.id
         JOIN lines l ON l.id = a.line_id
         WHERE q.overflow = 'voicemail' AND q.overflow_line_id = $1 AND l.user_id = $2 LIMIT 1",
    )
    .bind(mailbox.as_str())
    .bind(user.as_str())
    .fetch_optional(c)
    .await?;
    Ok(found.is_some())
}

/// The company's queue whose call-in agents dial `extension`.
pub async fn by_call_in_extension(
    c: &mut Conn,
    company: &CompanyId,
    extension: &str,
) -> Result<Option<Queue>> {
    let sql =
        format!("SELECT {COLUMNS} FROM queues WHERE company_id = $1 AND call_in_extension = $2");
    query_owned(sql)
        .bind(company.as_str())
        .bind(extension)
        .fetch_optional(c)
        .await?
        .map(queue)
        .transpose()
}

pub async fn delete(c: &mut Conn, id: &QueueId) -> Result<()> {
    query("DELETE FROM queues WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// The queue's agents in order.
pub async fn agents(c: &mut Conn, id: &QueueId) -> Result<Vec<Agent>> {
    let rows = query(
        "SELECT line_id, kind, logged_in FROM queue_agents WHERE queue_id = $1 ORDER BY position",
    )
    .bind(id.as_str())
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            Ok(Agent {
                line_id: LineId::from_raw(col::<String>(&mut r, "line_id")?),
                kind: col(&mut r, "kind")?,
                logged_in: col::<i64>(&mut r, "logged_in")? != 0,
            })
        })
        .collect()
}

/// Replaces the agent list, keeping each remaining agent's log-in state.
pub async fn set_agents(c: &mut Conn, id: &QueueId, agents: &[Agent]) -> Result<()> {
    query("DELETE FROM queue_agents WHERE queue_id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    for (i, a) in agents.iter().enumerate() {
        query(
            "INSERT INTO queue_agents (queue_id, line_id, position, kind, logged_in)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.as_str())
        .bind(a.line_id.as_str())
        .bind(i as i64)
        .bind(&a.kind)
        .bind(flag(a.logged_in))
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

/// Logs an agent in or out; false when the line is not an agent of the queue.
pub async fn set_logged_in(c: &mut Conn, id: &QueueId, line: &LineId, on: bool) -> Result<bool> {
    let n = query("UPDATE queue_agents SET logged_in = $3 WHERE queue_id = $1 AND line_id = $2")
        .bind(id.as_str())
        .bind(line.as_str())
        .bind(flag(on))
        .execute(c)
        .await?;
    Ok(n.rows_affected() > 0)
}

/// Where the queue's own music on hold is, if it has one (none: the built-in tune).
pub async fn music(c: &mut Conn, id: &QueueId) -> Result<Option<AudioRef>> {
    match query("SELECT music_ref, music_size, music_sha256 FROM queues WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => audio_ref(&mut r, "music"),
        None => Ok(None),
    }
}

/// Sets or clears the queue's own music; the previous file (if any) is the caller's to
/// remove once this commits.
pub async fn set_music(c: &mut Conn, id: &QueueId, music: Option<&AudioRef>) -> Result<()> {
    query(
        "UPDATE queues SET music = NULL, music_ref = $2, music_size = $3, music_sha256 = $4
         WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(music.map(|m| m.key.clone()))
    .bind(music.map(|m| m.size))
    .bind(music.map(|m| m.sha256.clone()))
    .execute(c)
    .await?;
    Ok(())
}

/// One caller's passage through a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueCall {
    pub id: QueueCallId,
    pub queue_id: QueueId,
    pub caller_number: String,
    pub entered_at: i64,
    pub waited_ms: i64,
    /// `answered`, `abandoned` or `overflowed`.
    pub outcome: String,
    pub agent_line_id: Option<LineId>,
}

pub async fn insert_call(c: &mut Conn, q: &QueueCall) -> Result<()> {
    query(
        "INSERT INTO queue_calls (id, queue_id, caller_number, entered_at, waited_ms, outcome,
            agent_line_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .operational()
    .bind(q.id.as_str())
    .bind(q.queue_id.as_str())
    .bind(&q.caller_number)
    .bind(q.entered_at)
    .bind(q.waited_ms)
    .bind(&q.outcome)
    .bind(q.agent_line_id.as_ref().map(|l| l.as_str().to_owned()))
    .execute(c)
    .await?;
    Ok(())
}

/// Counts per outcome of the callers who entered between `from` and `to` (ms), with the
/// total and longest wait: (outcome, count, total wait, longest wait).
pub async fn call_figures(
    c: &mut Conn,
    id: &QueueId,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64, i64, i64)>> {
    let rows = query(
        "SELECT outcome, COUNT(*) AS n, CAST(SUM(waited_ms) AS BIGINT) AS total, MAX(waited_ms) AS longest
         FROM queue_calls WHERE queue_id = $1 AND entered_at >= $2 AND entered_at < $3
         GROUP BY outcome",
    )
    .bind(id.as_str())
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            Ok((
                col(&mut r, "outcome")?,
                col(&mut r, "n")?,
                col::<Option<i64>>(&mut r, "total")?.unwrap_or(0),
                col::<Option<i64>>(&mut r, "longest")?.unwrap_or(0),
            ))
        })
        .collect()
}
