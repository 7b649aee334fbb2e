//! The voice portal by phone: `*97` reaches the caller's own mailbox, `*98` any
//! mailbox of the company (the caller keys in its extension). After the PIN (RFC 4733 digits),
//! a menu: hear new or saved messages (7 deletes, 9 saves, 6 goes on), record the greeting,
//! change the PIN. The rules (PIN tries, lock, audit) are the application's; this is the dialogue.

use super::media::{Ended, HungUp, Limits, Prompts, beep};
use sb_app::portal::Access;
use sb_app::{App, AppResult};
use sb_domain::ids::{CompanyId, LineId, VoicemailId};
use sb_media::dialogue::{Endpoint, choose_language};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Whose mailbox the caller asked for.
pub enum Mailbox {
    /// `*97`: the calling line's own.
    Own(LineId),
    /// `*98`: one of this company's, by extension.
    Any(CompanyId),
}

/// What the voice portal asks of the business layer, whose rules these are (PIN tries, the
/// lock, the audit). `App` is the real one; the dialogue's tests give a fake.
pub trait Mailboxes: Send + Sync {
    /// The line of a company's extension (`*98`).
    fn line_by_extension(
        &self,
        company: &CompanyId,
        extension: &str,
    ) -> impl Future<Output = Option<LineId>> + Send;
    /// Whether the mailbox can be signed in to at all.
    fn access(&self, line: &LineId) -> impl Future<Output = AppResult<Access>> + Send;
    /// A PIN keyed in from `source`.
    fn sign_in(
        &self,
        line: &LineId,
        pin: String,
        source: &str,
    ) -> impl Future<Output = AppResult<Access>> + Send;
    /// The new and the saved messages, each oldest first.
    fn messages(
        &self,
        line: &LineId,
    ) -> impl Future<Output = AppResult<(Vec<VoicemailId>, Vec<VoicemailId>)>> + Send;
    /// A message's audio.
    fn audio(&self, id: &VoicemailId) -> impl Future<Output = AppResult<Vec<i16>>> + Send;
    /// Saves (true) or deletes a message of `line`'s mailbox.
    fn keep(
        &self,
        line: &LineId,
        id: &VoicemailId,
        keep: bool,
        source: &str,
    ) -> impl Future<Output = AppResult<()>> + Send;
    /// The greeting recorded by phone.
    fn set_greeting(
        &self,
        line: &LineId,
        samples: &[i16],
        source: &str,
    ) -> impl Future<Output = AppResult<()>> + Send;
    /// A new PIN keyed in by phone.
    fn set_pin(
        &self,
        line: &LineId,
        pin: String,
        source: &str,
    ) -> impl Future<Output = AppResult<()>> + Send;
}

impl Mailboxes for App {
    async fn line_by_extension(&self, company: &CompanyId, extension: &str) -> Option<LineId> {
        let line = self.sip_line_by_extension(company, extension).await;
        line.ok().flatten().map(|l| l.id)
    }
    fn access(&self, line: &LineId) -> impl Future<Output = AppResult<Access>> + Send {
        self.portal_access(line)
    }
    fn sign_in(
        &self,
        line: &LineId,
        pin: String,
        source: &str,
    ) -> impl Future<Output = AppResult<Access>> + Send {
        self.portal_sign_in(line, pin, source)
    }
    fn messages(
        &self,
        line: &LineId,
    ) -> impl Future<Output = AppResult<(Vec<VoicemailId>, Vec<VoicemailId>)>> + Send {
        self.portal_messages(line)
    }
    fn audio(&self, id: &VoicemailId) -> impl Future<Output = AppResult<Vec<i16>>> + Send {
        self.portal_audio(id)
    }
    fn keep(
        &self,
        line: &LineId,
        id: &VoicemailId,
        keep: bool,
        source: &str,
    ) -> impl Future<Output = AppResult<()>> + Send {
        self.portal_keep(line, id, keep, source)
    }
    fn set_greeting(
        &self,
        line: &LineId,
        samples: &[i16],
        source: &str,
    ) -> impl Future<Output = AppResult<()>> + Send {
        self.portal_set_greeting(line, samples, source)
    }
    fn set_pin(
        &self,
        line: &LineId,
        pin: String,
        source: &str,
    ) -> impl Future<Output = AppResult<()>> + Send {
        self.portal_set_pin(line, pin, source)
    }
}

/// How long the portal waits for a key.
const WAIT: Duration = Duration::from_secs(8);

struct Portal<'a, E, M> {
    io: &'a mut E,
    app: &'a M,
    prompts: &'a Prompts,
    lang: &'a str,
    /// Where the call comes from, for the audit trail.
    source: String,
}

/// Runs the dialogue until the caller hangs up or is done, in the company's first language or
/// the second one if the caller takes it (`langs`).
pub async fn run(
    io: &mut impl Endpoint,
    app: &impl Mailboxes,
    prompts: Arc<Prompts>,
    langs: (String, Option<String>),
    mailbox: Mailbox,
    source: String,
) {
    let Ok(lang) = choose_language(io, &prompts, &langs.0, langs.1.as_deref()).await else {
        return;
    };
    let mut p = Portal {
        io,
        app,
        prompts: &prompts,
        lang: &lang,
        source,
    };
    // Err means the caller hung up: nothing more to say.
    let _ = p.session(mailbox).await;
}

impl<E: Endpoint, M: Mailboxes> Portal<'_, E, M> {
    fn p(&self, name: &str) -> Arc<[i16]> {
        self.prompts.get(self.lang, name)
    }

    async fn say(&mut self, names: &[&str]) -> Result<(), HungUp> {
        let parts: Vec<Arc<[i16]>> = names.iter().map(|n| self.p(n)).collect();
        self.io.say(&parts).await
    }

    fn count(n: usize) -> String {
        if n <= 20 {
            format!("n{n}")
        } else {
            "more-than-twenty".to_owned()
        }
    }

    async fn session(&mut self, mailbox: Mailbox) -> Result<(), HungUp> {
        let line = match mailbox {
            Mailbox::Own(l) => l,
            Mailbox::Any(company) => match self.ask_mailbox(&company).await? {
                Some(l) => l,
                None => return self.say(&["goodbye"]).await,
            },
        };
        match self.app.access(&line).await {
            Ok(Access::NoPin) => return self.say(&["no-access", "goodbye"]).await,
            Ok(Access::Locked) => return self.say(&["mailbox-locked", "goodbye"]).await,
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
        if !self.sign_in(&line).await? {
            return Ok(());
        }
        loop {
            let (new, saved) = self.app.messages(&line).await.unwrap_or_default();
            let (n, s) = (Self::count(new.len()), Self::count(saved.len()));
            self.say(&[
                "you-have",
                &n,
                "new-messages",
                &s,
                "saved-messages",
                "main-menu",
            ])
            .await?;
            match self.io.key(WAIT).await? {
                Some('1') => self.listen(&line, new).await?,
                Some('2') => self.listen(&line, saved).await?,
                Some('3') => self.record_greeting(&line).await?,
                Some('4') => self.change_pin(&line).await?,
                Some('*') | None => return self.say(&["goodbye"]).await,
                Some(_) => {}
            }
        }
    }

    async fn ask_mailbox(&mut self, company: &CompanyId) -> Result<Option<LineId>, HungUp> {
        for _ in 0..3 {
            self.say(&["enter-mailbox"]).await?;
            let ext = self.io.collect(10, WAIT).await?;
            if let Some(l) = self.app.line_by_extension(company, &ext).await {
                return Ok(Some(l));
            }
            self.say(&["no-such-mailbox"]).await?;
        }
        Ok(None)
    }

    /// Three PIN tries per call; the application counts them across calls and locks.
    async fn sign_in(&mut self, line: &LineId) -> Result<bool, HungUp> {
        for _ in 0..3 {
            self.say(&["enter-pin"]).await?;
            let pin = self.io.collect(12, WAIT).await?;
            match self.app.sign_in(line, pin, &self.source).await {
                Ok(Access::Open) => return Ok(true),
                Ok(Access::Wrong) => self.say(&["wrong-pin"]).await?,
                Ok(Access::Locked) => {
                    self.say(&["mailbox-locked", "goodbye"]).await?;
                    return Ok(false);
                }
                Ok(Access::NoPin) | Err(_) => return Ok(false),
            }
        }
        self.say(&["goodbye"]).await?;
        Ok(false)
    }

    /// Plays each message; a key during or after it decides: 7 deletes, 9 or 6 (or nothing)
    /// keeps it as saved, `*` goes back to the menu.
    async fn listen(&mut self, line: &LineId, list: Vec<VoicemailId>) -> Result<(), HungUp> {
        for id in list {
            let Ok(audio) = self.app.audio(&id).await else {
                continue;
            };
            self.io.play(&audio, true).await?;
            self.say(&["message-menu"]).await?;
            let key = self.io.key(WAIT).await?;
            let _ = self
                .app
                .keep(line, &id, key != Some('7'), &self.source)
                .await;
            if key == Some('*') {
                return Ok(());
            }
        }
        self.say(&["no-more-messages"]).await
    }

    async fn record_greeting(&mut self, line: &LineId) -> Result<(), HungUp> {
        self.say(&["record-greeting"]).await?;
        self.io.play(&beep(), false).await?;
        let limits = Limits {
            max: Duration::from_secs(120),
            silence: Duration::from_secs(5),
        };
        let r = self.io.record(limits).await;
        if r.voiced && r.samples.len() >= 8000 {
            let _ = self.app.set_greeting(line, &r.samples, &self.source).await;
            if r.ended != Ended::HungUp {
                self.say(&["greeting-saved"]).await?;
            }
        }
        if r.ended == Ended::HungUp {
            return Err(HungUp);
        }
        Ok(())
    }

    async fn change_pin(&mut self, line: &LineId) -> Result<(), HungUp> {
        self.say(&["enter-new-pin"]).await?;
        let pin = self.io.collect(12, WAIT).await?;
        match self.app.set_pin(line, pin, &self.source).await {
            Ok(()) => self.say(&["pin-changed"]).await,
            Err(_) => self.say(&["pin-rejected"]).await,
        }
    }
}

#[cfg(test)]
mod tests;
