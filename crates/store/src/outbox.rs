//! The persistent mail outbox: mail is written in the transaction that caused it and sent later,
//! so no message is lost when the SMTP server is down.

use crate::db::query;
use crate::{Conn, Result, col};
use sb_domain::ids::{CompanyId, UserId};

/// Who caused a mail: its company, and the person when there is one (for the mail limits).
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub company: &'a CompanyId,
    pub user: Option<&'a UserId>,
}

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

/// Queues a mail that no one person or company caused (links, emergency notifications).
pub async fn enqueue(c: &mut Conn, m: &Mail) -> Result<()> {
    insert(c, m, None).await
}

/// Queues a mail that `from` caused; [`sent_since`] counts it.
pub async fn enqueue_from(c: &mut Conn, m: &Mail, from: Sender<'_>) -> Result<()> {
    insert(c, m, Some(from)).await
}

async fn insert(c: &mut Conn, m: &Mail, from: Option<Sender<'_>>) -> Result<()> {
    query(
        "INSERT INTO mail_outbox (id, recipient, subject, body, created_at, attempts, next_attempt_at,
            attachment_name, attachment_type, attachment, company_id, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
    .bind(from.map(|f| f.company.as_str()))
    .bind(from.and_then(|f| f.user).map(UserId::as_str))
    .execute(c)
    .await?;
    Ok(())
}

/// Mails queued since `since` (ms) that `from`'s company caused, and that `from`'s person caused
/// (0 without one).
pub async fn sent_since(c: &mut Conn, from: Sender<'_>, since: i64) -> Result<(i64, i64)> {
    let company =
        query("SELECT COUNT(*) FROM mail_outbox WHERE company_id = $1 AND created_at >= $2")
            .bind(from.company.as_str())
            .bind(since)
            .scalar(c)
            .await?;
    let user = match from.user {
        Some(u) => {
            query("SELECT COUNT(*) FROM mail_outbox WHERE user_id = $1 AND created_at >= $2")
                .bind(u.as_str())
                .bind(since)
                .scalar(c)
                .await?
        }
        None => 0,
    };
    Ok((company, user))
}

/// A mail due for sending, with the virtual assistant of the company it was sent for (its
/// profile's name and address), who signs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub mail: Mail,
    pub assistant_name: Option<String>,
    pub assistant_email: Option<String>,
    /// The company the mail was sent for (none for sign-in links and emergency notifications).
    pub company_id: Option<String>,
    /// That company's own mail server, when it has one (its password sealed).
    pub mail_access: Option<crate::profiles::StoredMailAccess>,
}

pub async fn due(c: &mut Conn, now: i64, limit: i64) -> Result<Vec<Due>> {
    let rows = query(
        "SELECT m.*, p.assistant_name, p.assistant_email, p.mail_host, p.mail_port,
            p.mail_security, p.mail_username, p.mail_password FROM mail_outbox m
         LEFT JOIN company_profiles p ON p.company_id = m.company_id
         WHERE m.sent_at IS NULL AND m.next_attempt_at <= $1 ORDER BY m.id LIMIT $2",
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
            let mail = Mail {
                attachment,
                id: col(&mut r, "id")?,
                recipient: col(&mut r, "recipient")?,
                subject: col(&mut r, "subject")?,
                body: col(&mut r, "body")?,
                created_at: col(&mut r, "created_at")?,
                attempts: col(&mut r, "attempts")?,
                next_attempt_at: col(&mut r, "next_attempt_at")?,
            };
            Ok(Due {
                mail,
                assistant_name: col(&mut r, "assistant_name")?,
                assistant_email: col(&mut r, "assistant_email")?,
                company_id: col(&mut r, "company_id")?,
                mail_access: crate::profiles::mail_access_of(&mut r)?,
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
