//! Texts (SIP MESSAGE): between lines, from an outside number to a line, and from a line to an
//! outside number. Those for a line are kept until a registered device of the line takes them,
//! so a phone that was offline gets them when it registers; those to an outside number until
//! the carrier takes or refuses them.

use crate::db::{Row, query};
use crate::{Conn, Page, Result, col, finish_page, flag, ostr};
use sb_domain::ids::{CompanyId, LineId, MessageId};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    pub id: MessageId,
    pub company_id: CompanyId,
    pub from_line_id: Option<LineId>,
    pub from_number: String,
    /// The line it is for; none for a text to an outside number.
    pub to_line_id: Option<LineId>,
    /// The outside number it is for.
    pub to_number: Option<String>,
    pub content_type: String,
    pub body: String,
    pub created_at: i64,
    /// When a device of the line (or the carrier, for an outside number) took it.
    pub delivered_at: Option<i64>,
    /// Why the carrier did not take a text to an outside number.
    pub failure: Option<String>,
    /// The recipient line's user opened it (or marked it).
    pub seen: bool,
}

fn message(mut r: Row) -> Result<StoredMessage> {
    Ok(StoredMessage {
        id: MessageId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        from_line_id: col::<Option<String>>(&mut r, "from_line_id")?.map(LineId::from_raw),
        from_number: col(&mut r, "from_number")?,
        to_line_id: col::<Option<String>>(&mut r, "to_line_id")?.map(LineId::from_raw),
        to_number: col(&mut r, "to_number")?,
        content_type: col(&mut r, "content_type")?,
        body: col(&mut r, "body")?,
        created_at: col(&mut r, "created_at")?,
        delivered_at: col(&mut r, "delivered_at")?,
        failure: col(&mut r, "failure")?,
        seen: col::<i64>(&mut r, "seen")? != 0,
    })
}

pub async fn insert(c: &mut Conn, m: &StoredMessage) -> Result<()> {
    query(
        "INSERT INTO sip_messages (id, company_id, from_line_id, from_number, to_line_id,
            to_number, content_type, body, created_at, delivered_at, failure, seen)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .operational()
    .bind(m.id.as_str())
    .bind(m.company_id.as_str())
    .bind(ostr(&m.from_line_id))
    .bind(&m.from_number)
    .bind(ostr(&m.to_line_id))
    .bind(m.to_number.clone())
    .bind(&m.content_type)
    .bind(&m.body)
    .bind(m.created_at)
    .bind(m.delivered_at)
    .bind(m.failure.clone())
    .bind(flag(m.seen))
    .execute(c)
    .await?;
    Ok(())
}

/// How many messages wait for a device of line `to` (one its user deleted no longer waits).
pub async fn undelivered_count(c: &mut Conn, to: &LineId) -> Result<i64> {
    query("SELECT COUNT(*) FROM sip_messages WHERE to_line_id = $1 AND delivered_at IS NULL AND to_hidden = 0")
        .bind(to.as_str())
        .scalar(c)
        .await
}

/// Messages for a line that no device has taken yet, oldest first; not those its user deleted.
pub async fn undelivered(c: &mut Conn, to: &LineId) -> Result<Vec<StoredMessage>> {
    query("SELECT * FROM sip_messages WHERE to_line_id = $1 AND delivered_at IS NULL AND to_hidden = 0 ORDER BY id LIMIT 100")
        .bind(to.as_str())
        .fetch_all(c)
        .await?
        .into_iter()
        .map(message)
        .collect()
}

pub async fn mark_delivered(c: &mut Conn, id: &MessageId, now: i64) -> Result<()> {
    query("UPDATE sip_messages SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL")
        .operational()
        .bind(id.as_str())
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// A text to an outside number the carrier refused (or never answered), with why.
pub async fn mark_failed(c: &mut Conn, id: &MessageId, failure: &str) -> Result<()> {
    query("UPDATE sip_messages SET failure = $2 WHERE id = $1 AND delivered_at IS NULL")
        .operational()
        .bind(id.as_str())
        .bind(failure)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn get(c: &mut Conn, id: &MessageId) -> Result<Option<StoredMessage>> {
    query("SELECT * FROM sip_messages WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(message)
        .transpose()
}

/// A line's messages, sent and received, newest first.
pub async fn list(
    c: &mut Conn,
    line: &LineId,
    page: &Page,
) -> Result<(Vec<StoredMessage>, Option<String>)> {
    let rows = query(
        "SELECT * FROM sip_messages
         WHERE ((to_line_id = $1 AND to_hidden = 0) OR (from_line_id = $1 AND from_hidden = 0))
            AND ($2 = '' OR id < $2)
         ORDER BY id DESC LIMIT $3",
    )
    .bind(line.as_str())
    .bind(page.after_text())
    .bind(page.probe())
    .fetch_all(c)
    .await?;
    let items = rows.into_iter().map(message).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |m| m.id.to_string()))
}

/// The most texts of one line read to make its conversations.
pub const CONVERSATION_SCAN: i64 = 5000;

/// A line's texts still shown to it, newest first (at most [`CONVERSATION_SCAN`]), each with
/// the extension of the line it went to (when it went to one), which names the other party of
/// a text this line sent to a colleague.
pub async fn of_line_with_extensions(
    c: &mut Conn,
    line: &LineId,
) -> Result<Vec<(StoredMessage, Option<String>)>> {
    query(
        "SELECT m.*, t.extension AS to_extension FROM sip_messages m
            LEFT JOIN lines t ON t.id = m.to_line_id
         WHERE (m.to_line_id = $1 AND m.to_hidden = 0) OR (m.from_line_id = $1 AND m.from_hidden = 0)
         ORDER BY m.id DESC LIMIT $2",
    )
    .bind(line.as_str())
    .bind(CONVERSATION_SCAN)
    .fetch_all(c)
    .await?
    .into_iter()
    .map(|mut r| {
        let ext = col::<Option<String>>(&mut r, "to_extension")?;
        Ok((message(r)?, ext))
    })
    .collect()
}

pub async fn set_seen(c: &mut Conn, id: &MessageId, seen: bool) -> Result<()> {
    query("UPDATE sip_messages SET seen = $1 WHERE id = $2")
        .bind(flag(seen))
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// Marks seen every text `line` received from `from` (the sender's extension or number).
pub async fn set_conversation_seen(c: &mut Conn, line: &LineId, from: &str) -> Result<()> {
    query(
        "UPDATE sip_messages SET seen = 1 WHERE to_line_id = $1 AND from_number = $2 AND seen = 0",
    )
    .bind(line.as_str())
    .bind(from)
    .execute(c)
    .await?;
    Ok(())
}

/// Deletes, for `line` only, its conversation with `with` (an extension of `company` or an
/// outside number): the texts it received from it and sent to it are hidden from this line,
/// and those no line shows any more are deleted.
pub async fn hide_conversation(
    c: &mut Conn,
    company: &CompanyId,
    line: &LineId,
    with: &str,
) -> Result<()> {
    query("UPDATE sip_messages SET to_hidden = 1 WHERE to_line_id = $1 AND from_number = $2")
        .bind(line.as_str())
        .bind(with)
        .execute(&mut *c)
        .await?;
    query(
        "UPDATE sip_messages SET from_hidden = 1 WHERE from_line_id = $1
            AND (to_number = $2 OR to_line_id IN
                (SELECT id FROM lines WHERE company_id = $3 AND extension = $2))",
    )
    .bind(line.as_str())
    .bind(with)
    .bind(company.as_str())
    .execute(&mut *c)
    .await?;
    query(
        "DELETE FROM sip_messages WHERE (from_line_id = $1 OR to_line_id = $1)
            AND (from_line_id IS NULL OR from_hidden = 1)
            AND (to_line_id IS NULL OR to_hidden = 1)",
    )
    .bind(line.as_str())
    .execute(c)
    .await?;
    Ok(())
}
