//! What the mail worker asks of the business layer: the mail due now, with who signs it and
//! the company server it goes through (its password opened), and what became of each. The
//! outbox is written in the transaction that caused each mail, so none is lost while the SMTP
//! server is down; the worker only sends and reports.

use crate::mail_access::MailAccess;
use crate::{App, AppResult};
use sb_store::outbox;

/// A mail waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    /// Plain UTF-8 text.
    pub body: String,
    /// Tries so far (each failure backs off longer).
    pub attempts: i64,
    pub attachment: Option<MailAttachment>,
}

/// A file sent with a mail (a voicemail message's audio, a report's CSV, an invitation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    pub name: String,
    pub content_type: String,
    /// The file, base64.
    pub base64: String,
}

/// A mail due now, with how it is to be sent (no `Debug`: it holds a password).
#[derive(Clone)]
pub struct DueMail {
    pub mail: OutgoingMail,
    /// The company's virtual assistant, who signs its mail and takes the replies.
    pub assistant_name: Option<String>,
    pub assistant_email: Option<String>,
    /// The company the mail was sent for (none for sign-in links and emergency notifications).
    pub company_id: Option<String>,
    /// That company's own mail server: `Ok(None)` when it has none, an error when its stored
    /// access cannot be opened with this key (the mail waits rather than leave another way).
    pub mail_access: Result<Option<MailAccess>, String>,
}

impl App {
    /// Up to `limit` mails whose time to be sent has come.
    pub async fn due_mail(&self, limit: i64) -> AppResult<Vec<DueMail>> {
        let mut c = self.store.conn().await?;
        let due = outbox::due(&mut c, self.now_ms(), limit).await?;
        Ok(due
            .into_iter()
            .map(|d| {
                let mail_access = match (&d.company_id, &d.mail_access) {
                    (Some(co), Some(stored)) => {
                        self.open_mail_access(co, stored).map(Some).ok_or_else(|| {
                            "the company's mail access cannot be opened with this key".to_owned()
                        })
                    }
                    _ => Ok(None),
                };
                let m = d.mail;
                DueMail {
                    mail: OutgoingMail {
                        id: m.id,
                        recipient: m.recipient,
                        subject: m.subject,
                        body: m.body,
                        attempts: m.attempts,
                        attachment: m.attachment.map(|a| MailAttachment {
                            name: a.name,
                            content_type: a.content_type,
                            base64: a.base64,
                        }),
                    },
                    assistant_name: d.assistant_name,
                    assistant_email: d.assistant_email,
                    company_id: d.company_id,
                    mail_access,
                }
            })
            .collect())
    }

    /// The mail went out.
    pub async fn mail_sent(&self, id: &str) -> AppResult<()> {
        let mut c = self.store.conn().await?;
        outbox::mark_sent(&mut c, id, self.now_ms()).await?;
        Ok(())
    }

    /// The mail could not be sent (`error` says why): it is tried again later, after a wait
    /// that doubles with each failure, from 30 s up to an hour.
    pub async fn mail_failed(&self, id: &str, attempts: i64, error: &str) -> AppResult<()> {
        let backoff = (30_000i64 << attempts.clamp(0, 7)).min(3_600_000);
        let mut c = self.store.conn().await?;
        outbox::mark_failed(&mut c, id, self.now_ms() + backoff, error).await?;
        Ok(())
    }

    /// Removes the sessions that have expired; how many.
    pub async fn purge_expired_sessions(&self) -> AppResult<u64> {
        let mut c = self.store.conn().await?;
        let n = sb_store::accounts::purge_expired_sessions(&mut c, self.now_ms()).await?;
        Ok(n)
    }
}
