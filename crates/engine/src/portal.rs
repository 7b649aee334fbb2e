//! The voice portal by phone: `*97` reaches the caller's own mailbox, `*98` any
//! mailbox of the company (the caller keys in its extension). After the PIN (RFC 4733 digits),
//! a menu: hear new or saved messages (7 deletes, 9 saves, 6 goes on), record the greeting,
//! change the PIN. The rules (PIN tries, lock, audit) are the application's; this is the dialogue.

use super::media::{Io, Limits, Prompts, beep};
use sb_app::App;
use sb_app::portal::Access;
use sb_app::portal::Voicemail;
use sb_domain::ids::{CompanyId, LineId};
use sb_media::dialogue::choose_language;
use std::sync::Arc;
use std::time::Duration;

/// Whose mailbox the caller asked for.
pub enum Mailbox {
    /// `*97`: the calling line's own.
    Own(LineId),
    /// `*98`: one of this company's, by extension.
    Any(CompanyId),
}

/// How long the portal waits for a key.
const WAIT: Duration = Duration::from_secs(8);

struct Portal<'a> {
    io: Io,
    app: &'a App,
    prompts: &'a Prompts,
    lang: &'a str,
    /// Where the call comes from, for the audit trail.
    source: String,
}

/// Runs the dialogue until the caller hangs up or is done, in the company's first language or
/// the second one if the caller takes it (`langs`).
pub async fn run(
    mut io: Io,
    app: App,
    prompts: Arc<Prompts>,
    langs: (String, Option<String>),
    mailbox: Mailbox,
    source: String,
) {
    let Ok(lang) = choose_language(&mut io, &prompts, &langs.0, langs.1.as_deref()).await else {
        return;
    };
    let mut p = Portal {
        io,
        app: &app,
        prompts: &prompts,
        lang: &lang,
        source,
    };
    // Err means the caller hung up: nothing more to say.
    let _ = p.session(mailbox).await;
}

impl Portal<'_> {
    fn p(&self, name: &str) -> Arc<[i16]> {
        self.prompts.get(self.lang, name)
    }

    async fn say(&mut self, names: &[&str]) -> Result<(), super::media::HungUp> {
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

    async fn session(&mut self, mailbox: Mailbox) -> Result<(), super::media::HungUp> {
        let line = match mailbox {
            Mailbox::Own(l) => l,
            Mailbox::Any(company) => match self.ask_mailbox(&company).await? {
                Some(l) => l,
                None => return self.say(&["goodbye"]).await,
            },
        };
        match self.app.portal_access(&line).await {
            Ok(Access::NoPin) => return self.say(&["no-access", "goodbye"]).await,
            Ok(Access::Locked) => return self.say(&["mailbox-locked", "goodbye"]).await,
            Ok(_) => {}
            Err(_) => return Ok(()),
        }
        if !self.sign_in(&line).await? {
            return Ok(());
        }
        loop {
            let (new, saved) = self.app.portal_messages(&line).await.unwrap_or_default();
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
                Some('1') => self.listen(new).await?,
                Some('2') => self.listen(saved).await?,
                Some('3') => self.record_greeting(&line).await?,
                Some('4') => self.change_pin(&line).await?,
                Some('*') | None => return self.say(&["goodbye"]).await,
                Some(_) => {}
            }
        }
    }

    async fn ask_mailbox(
        &mut self,
        company: &CompanyId,
    ) -> Result<Option<LineId>, super::media::HungUp> {
        for _ in 0..3 {
            self.say(&["enter-mailbox"]).await?;
            let ext = self.io.collect(10, WAIT).await?;
            if let Ok(Some(l)) = self.app.sip_line_by_extension(company, &ext).await {
                return Ok(Some(l.id));
            }
            self.say(&["no-such-mailbox"]).await?;
        }
        Ok(None)
    }

    /// Three PIN tries per call; the application counts them across calls and locks.
    async fn sign_in(&mut self, line: &LineId) -> Result<bool, super::media::HungUp> {
        for _ in 0..3 {
            self.say(&["enter-pin"]).await?;
            let pin = self.io.collect(12, WAIT).await?;
            match self.app.portal_sign_in(line, pin, &self.source).await {
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
    async fn listen(&mut self, list: Vec<Voicemail>) -> Result<(), super::media::HungUp> {
        for v in list {
            let Ok(audio) = self.app.portal_audio(&v.id).await else {
                continue;
            };
            self.io.play(&audio, true).await?;
            self.say(&["message-menu"]).await?;
            let key = self.io.key(WAIT).await?;
            let _ = self
                .app
                .portal_keep(&v, key != Some('7'), &self.source)
                .await;
            if key == Some('*') {
                return Ok(());
            }
        }
        self.say(&["no-more-messages"]).await
    }

    async fn record_greeting(&mut self, line: &LineId) -> Result<(), super::media::HungUp> {
        self.say(&["record-greeting"]).await?;
        self.io.play(&beep(), false).await?;
        let limits = Limits {
            max: Duration::from_secs(120),
            silence: Duration::from_secs(5),
        };
        let r = self.io.record(limits).await;
        if r.voiced && r.samples.len() >= 8000 {
            let _ = self
                .app
                .portal_set_greeting(line, &r.samples, &self.source)
                .await;
            if r.ended != super::media::Ended::HungUp {
                self.say(&["greeting-saved"]).await?;
            }
        }
        if r.ended == super::media::Ended::HungUp {
            return Err(super::media::HungUp);
        }
        Ok(())
    }

    async fn change_pin(&mut self, line: &LineId) -> Result<(), super::media::HungUp> {
        self.say(&["enter-new-pin"]).await?;
        let pin = self.io.collect(12, WAIT).await?;
        match self.app.portal_set_pin(line, pin, &self.source).await {
            Ok(()) => self.say(&["pin-changed"]).await,
            Err(_) => self.say(&["pin-rejected"]).await,
        }
    }
}
