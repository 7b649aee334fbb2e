//! The persistent mail outbox: mail is written in the transaction that caused it and sent later,
//! so no message is lost when the SMTP server is down.

use crate::db::query;
use crate::{Conn, Result, col};

#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub attachment: Option<Attachment>,
}

/// A file sent with a mail (a voicemail message's audio).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    /// The file, base64.
    pub base64: String,
}

pub async fn enqueue(c: &mut Conn, m: &Mail) -> Result<()> {
    query(
        "INSERT INTO mail_outbox (id, recipient, subject, body, created_at, attempts, next_attempt_at,
            attachment_name, attachment_type, attachment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .operational()
    .bind(&m.id)
    .bind(&m.recipient)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(m.created_at)
    .bind(m.attempts)
    .bind(m.next_attempt_at)
    .bind(m.attachment.as_ref().map(|a| a.name.as_str()))
    .bind(m.attachment.as_ref().map(|a| a.content_type.as_str()))
    .bind(m.attachment.as_ref().map(|a| a.base64.as_str()))
    .execute(c)
    .await?;
    Ok(())
}

pub async fn due(c: &mut Conn, now: i64, limit: i64) -> Result<Vec<Mail>> {
    let rows = query(
        "SELECT * FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            let name: Option<String> = col(&mut r, "attachment_name")?;
            let content_type: Option<String> = col(&mut r, "attachment_type")?;
            let base64: Option<String> = col(&mut r, "attachment")?;
            let attachment = match (name, content_type, base64) {
                (Some(name), Some(content_type), Some(base64)) => Some(Attachment {
                    name,
                    content_type,
                    base64,
                }),
                _ => None,
            };
            Ok(Mail {
                attachment,
                id: col(&mut r, "id")?,
                recipient: col(&mut r, "recipient")?,
                subject: col(&mut r, "subject")?,
                body: col(&mut r, "body")?,
                created_at: col(&mut r, "created_at")?,
                attempts: col(&mut r, "attempts")?,
                next_attempt_at: col(&mut r, "next_attempt_at")?,
            })
        })
        .collect()
}

pub async fn mark_sent(c: &mut Conn, id: &str, now: i64) -> Result<()> {
    query("UPDATE mail_outbox SET sent_at = $1 WHERE id = $2")
        .operational()
        .bind(now)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn mark_failed(c: &mut Conn, id: &str, next_attempt_at: i64, error: &str) -> Result<()> {
    query(
        "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3",
    )
    .operational()
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

/// Messages not yet sent (the health page and /metrics show it).
pub async fn depth(c: &mut Conn) -> Result<i64> {
    query("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
        .scalar(c)
        .await
}
