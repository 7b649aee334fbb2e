//! Voicemail: the SIP engine deposits what a caller said; the line's user
//! and the company's administrators list, play, mark heard and delete the messages. Every change
//! is announced on [`App::mailbox_changes`] so that message-waiting lamps follow.

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::views::time;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, LineId, VoicemailId};
use sb_domain::model::{AuditKind, Feature};
use sb_domain::routing::mailbox::MailboxPlan;
use sb_domain::values::Email;
use sb_store::voicemail::{self as store, Voicemail};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One message of a mailbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoicemailView {
    pub id: String,
    pub line_id: String,
    /// The caller's number or extension (`anonymous` when withheld).
    pub caller_number: String,
    pub caller_name: Option<String>,
    /// When it was left (RFC 3339).
    pub received_at: String,
    /// Its length in seconds (rounded up).
    pub duration_secs: i64,
    pub heard: bool,
    /// Where its audio is (`audio/wav`, 8 kHz).
    pub audio_url: String,
}

/// Where a line's new messages are mailed: each with its audio attached, to up to
/// five addresses; with `keep_after_email` false the mailbox does not keep them.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoicemailSettingsDoc {
    #[serde(default)]
    pub email_to: Vec<String>,
    #[serde(default = "yes")]
    pub keep_after_email: bool,
}

fn yes() -> bool {
    true
}

const MAX_EMAIL_TO: usize = 5;

/// Mails one person may cause in an hour (invitations, voicemail, notifications), and the people
/// of one company together: the provider's mail relay is not for mass mailing. System mail
/// (sign-in links, emergency notifications) is not limited.
pub const MAIL_PER_USER_PER_HOUR: i64 = 100;
pub const MAIL_PER_COMPANY_PER_HOUR: i64 = 500;

/// Whether `n` more mails fit after `sent` (company, person) in the last hour.
pub(crate) fn within_mail_limits(sent: (i64, i64), n: usize) -> bool {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    sent.0.saturating_add(n) <= MAIL_PER_COMPANY_PER_HOUR
        && sent.1.saturating_add(n) <= MAIL_PER_USER_PER_HOUR
}

/// The refusal when a person's or company's mails of the last hour are used up.
pub(crate) fn mail_limit_reached() -> AppError {
    AppError::conflict(
        "mail_limit",
        format!(
            "Too much mail in the last hour (at most {MAIL_PER_USER_PER_HOUR} per person and \
             {MAIL_PER_COMPANY_PER_HOUR} per company). Try again later."
        ),
        None,
    )
}

/// Whether the line's user is mailed (at the user's e-mail address) about missed calls, new
/// voicemail and new faxes (Notifications; a fax's mail carries its PDF).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationsDoc {
    #[serde(default)]
    pub missed_calls: bool,
    #[serde(default)]
    pub new_voicemail: bool,
    #[serde(default)]
    pub new_fax: bool,
}

/// A line's own greeting, as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct GreetingView {
    /// Its length in seconds (rounded up).
    pub duration_secs: i64,
    /// Where its audio is (`audio/wav`, 8 kHz).
    pub audio_url: String,
}

/// A change to a message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoicemailPatch {
    pub heard: bool,
}

/// What the audit keeps of a deleted message (not its audio).
pub(crate) fn message_audit(v: &Voicemail) -> serde_json::Value {
    serde_json::json!({
        "line_id": v.line_id,
        "caller_number": v.caller_number,
        "received_at": time(v.received_at),
    })
}

pub(crate) fn view(v: Voicemail) -> VoicemailView {
    VoicemailView {
        audio_url: format!("/api/v1/voicemails/{}/audio", v.id),
        id: v.id.to_string(),
        line_id: v.line_id.to_string(),
        caller_number: v.caller_number,
        caller_name: v.caller_name,
        received_at: time(v.received_at),
        duration_secs: (v.duration_ms + 999) / 1000,
        heard: v.heard,
    }
}

/// What the SIP engine recorded for a line.
#[derive(Debug, Clone)]
pub struct Deposit {
    pub company_id: CompanyId,
    pub line_id: LineId,
    pub caller_number: String,
    pub caller_name: Option<String>,
    /// 16-bit samples at 8 kHz.
    pub samples: Vec<i16>,
}

impl App {
    /// What a call that reaches `line`'s mailbox hears and may leave: the one place a line's
    /// mailbox plan is made, for calls, queue overflows and explanations alike.
    pub(crate) async fn line_mailbox(
        &self,
        c: &mut sb_store::Conn,
        line: &LineId,
        language: &str,
        second_language: Option<&str>,
    ) -> AppResult<MailboxPlan> {
        let own = store::greeting(c, line).await?.is_some();
        Ok(MailboxPlan::of_line(own, language, second_language))
    }

    /// Names, on each voicemail step of an explained plan, the greeting the caller would hear
    /// and how long their message may be: the mailbox plan `route_call` gives the engine.
    pub(crate) async fn explain_mailbox(
        &self,
        line: &LineId,
        view: &mut crate::views::ExplainView,
    ) -> AppResult<()> {
        let steps: Vec<&mut crate::views::PlanStepView> = view
            .steps
            .iter_mut()
            .chain(view.on_busy.as_mut())
            .filter(|s| s.action == "voicemail")
            .collect();
        if steps.is_empty() {
            return Ok(());
        }
        let mut c = self.store.conn().await?;
        let Some(target) = self.target_fact(&mut c, line).await? else {
            return Ok(());
        };
        for s in steps {
            s.voicemail = Some(crate::views::MailboxPlanView::of(&target.mailbox));
        }
        Ok(())
    }
}

impl App {
    /// Stores a message the engine recorded, mails it where the line's settings say (through
    /// the outbox, in the same transaction, so neither is lost), and lights the line's lamp.
    pub async fn deposit_voicemail(&self, d: Deposit) -> AppResult<VoicemailId> {
        let now = self.now_ms();
        let wav = crate::audio::wav(&d.samples);
        // The file first (decision 16): the row that names it is inserted after, so no row
        // ever names a missing file. A message mailed and not kept needs no file: it is
        // removed once that is known.
        let file = self.put_audio("voicemail", wav.clone()).await?;
        match self.deposit_rows(d, wav, &file, now).await {
            Ok((id, true)) => Ok(id),
            Ok((id, false)) => {
                self.drop_audio(vec![file.key]).await;
                Ok(id)
            }
            Err(e) => {
                self.drop_audio(vec![file.key]).await;
                Err(e)
            }
        }
    }

    /// The rows of a deposit, in one transaction: the message naming its file (when the
    /// mailbox keeps it, which the answer says), its mails and the notification.
    #[expect(
        clippy::cognitive_complexity,
        reason = "a deposit's rows, mails and notification depend on three settings (keep, mail, notify) in one transaction"
    )]
    async fn deposit_rows(
        &self,
        d: Deposit,
        wav: Vec<u8>,
        file: &sb_store::audio::AudioRef,
        now: i64,
    ) -> AppResult<(VoicemailId, bool)> {
        let mut tx = self.store.begin().await?;
        let mut settings = store::settings(&mut tx, &d.line_id).await?;
        let line = sb_store::lines::locate_line(&mut tx, &d.line_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let from = sb_store::outbox::Sender {
            company: &line.company_id,
            user: line.user_id.as_ref(),
        };
        // Mailed out only while the line's user's package has voicemail_to_email (a package
        // that lost it stops the mail at once) and within the mail limits; else the mailbox
        // keeps the message.
        let mail_out = settings.email_to.is_empty()
            || (self
                .line_has_feature(&mut tx, &line, Feature::VoicemailToEmail)
                .await?
                && self
                    .mail_allowed(&mut tx, from, settings.email_to.len(), now)
                    .await?);
        if !mail_out {
            tracing::info!(line = %line.id, "voicemail kept, not mailed (package or mail limit)");
            settings.email_to.clear();
        }
        let seconds = d.samples.len().div_ceil(8000);
        let who = match &d.caller_name {
            Some(n) => format!("{n} <{}>", d.caller_number),
            None => d.caller_number.clone(),
        };
        let co = crate::mail_texts::company_mail(&mut tx, &line.company_id).await?;
        // The line's user reads these mails: in their language, else the company's.
        let user = match &line.user_id {
            Some(u) if !settings.email_to.is_empty() => {
                sb_store::accounts::locate_user(&mut tx, u).await?
            }
            _ => None,
        };
        let lang = user.and_then(|u| u.language).unwrap_or(co.lang);
        let texts = crate::mail_texts::voicemail(
            lang,
            &who,
            line.extension.as_str(),
            seconds,
            &co.time(now),
        );
        let audio = if settings.email_to.is_empty() {
            String::new()
        } else {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(&wav)
        };
        drop(wav);
        for to in &settings.email_to {
            let mail = sb_store::outbox::Mail {
                id: sb_domain::ids::new_id_text(now),
                recipient: to.clone(),
                subject: texts.subject.clone(),
                body: texts.body.clone(),
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
                attachment: Some(sb_store::outbox::Attachment {
                    name: format!("voicemail-{}.wav", time(now).replace(':', "-")),
                    content_type: "audio/wav".into(),
                    base64: audio.clone(),
                }),
            };
            sb_store::outbox::enqueue_from(&mut tx, &mail, from).await?;
        }
        let v = Voicemail {
            id: VoicemailId::new(now),
            company_id: d.company_id,
            line_id: d.line_id.clone(),
            caller_number: d.caller_number,
            caller_name: d.caller_name,
            received_at: now,
            duration_ms: i64::try_from(d.samples.len() / 8).unwrap_or(i64::MAX),
            heard: false,
        };
        // Mailed and not to be kept: the outbox holds it until it is sent.
        let keep = settings.keep_after_email || settings.email_to.is_empty();
        if keep {
            store::insert(&mut tx, &v, file).await?;
        }
        if store::notifications(&mut tx, &d.line_id)
            .await?
            .new_voicemail
        {
            let subject = format!("New voicemail from {who}");
            let body = format!(
                "{who} left you a voicemail of {seconds} s on extension {} at {}.\n",
                line.extension,
                time(now)
            );
            self.notify_user(&mut tx, &line, subject, body, now).await?;
        }
        tx.commit().await?;
        if keep {
            let _ = self.mailboxes.send(d.line_id);
        }
        Ok((v.id, keep))
    }

    /// Replaces a line's greeting with an uploaded WAV or MP3 file, converted to 8 kHz; a file
    /// that cannot be used is refused with the reason and the greeting stays as it was.
    pub async fn set_voicemail_greeting(
        &self,
        actor: &Actor,
        line: &str,
        file: Vec<u8>,
    ) -> AppResult<GreetingView> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, true).await?;
        // A greeting nobody would hear: callers reach no mailbox without voicemail.
        if !self
            .line_has_feature(&mut c, &l, Feature::Voicemail)
            .await?
        {
            return Err(AppError::invalid(
                "no_voicemail_in_package",
                "file",
                "Voicemail is not part of this line's user's service package.",
            ));
        }
        drop(c);
        // Decoding and resampling minutes of audio is not for the async workers.
        let samples = tokio::task::spawn_blocking(move || crate::audio::decode_upload(&file))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let now = self.now_ms();
        let file = self
            .put_audio("greeting", crate::audio::wav(&samples))
            .await?;
        let duration_secs = i64::try_from(samples.len().div_ceil(8000)).unwrap_or(i64::MAX);
        match self
            .replace_greeting(actor, line, &file, duration_secs, now)
            .await
        {
            Ok((old, view)) => {
                self.drop_audio(old.into_iter().map(|o| o.key).collect())
                    .await;
                Ok(view)
            }
            Err(e) => {
                self.drop_audio(vec![file.key]).await;
                Err(e)
            }
        }
    }

    /// Points the line at its new greeting's file; gives the previous one's, to remove once
    /// this has committed.
    async fn replace_greeting(
        &self,
        actor: &Actor,
        line: &str,
        file: &sb_store::audio::AudioRef,
        duration_secs: i64,
        now: i64,
    ) -> AppResult<(Option<sb_store::audio::AudioRef>, GreetingView)> {
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        let old = store::greeting(&mut tx, &l.id).await?;
        store::set_greeting(&mut tx, &l.id, file, now).await?;
        let rec = Record::new(AuditKind::Changed, "voicemail_greeting", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "greeting": { "uploaded_secs": duration_secs } }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        let view = GreetingView {
            duration_secs,
            audio_url: format!("/api/v1/lines/{}/voicemail-greeting", l.id),
        };
        Ok((old, view))
    }

    /// A line's greeting as a WAV file (404 while it uses the standard one).
    pub async fn voicemail_greeting(&self, actor: &Actor, line: &str) -> AppResult<Vec<u8>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        let file = store::greeting(&mut c, &l.id)
            .await?
            .ok_or(AppError::NotFound)?;
        drop(c);
        self.read_audio(&file, "greeting").await
    }

    /// Goes back to the standard greeting.
    pub async fn delete_voicemail_greeting(&self, actor: &Actor, line: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        let old = store::greeting(&mut tx, &l.id).await?;
        if !store::delete_greeting(&mut tx, &l.id).await? {
            return Err(AppError::NotFound);
        }
        let rec = Record::new(AuditKind::Changed, "voicemail_greeting", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "greeting": "standard" }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.drop_audio(old.into_iter().map(|o| o.key).collect())
            .await;
        Ok(())
    }

    /// The greeting callers of a line hear, as 8 kHz samples, when it has its own.
    pub async fn line_greeting(&self, line: &LineId) -> Option<Vec<i16>> {
        let mut c = self.store.conn().await.ok()?;
        let file = store::greeting(&mut c, line).await.ok()??;
        drop(c);
        match self.audio_samples(&file, "greeting").await {
            Ok(samples) => Some(samples),
            Err(e) => {
                // Callers hear the standard greeting; the log says why.
                tracing::warn!(line = %line, error = %e, "line greeting unreadable");
                None
            }
        }
    }

    /// Mails the line's user, when the user has an e-mail address and mail is configured.
    pub(crate) async fn notify_user(
        &self,
        c: &mut sb_store::Conn,
        line: &sb_store::lines::Line,
        subject: String,
        body: String,
        now: i64,
    ) -> AppResult<()> {
        if !self.cfg.smtp_configured {
            return Ok(());
        }
        let Some(user) = &line.user_id else {
            return Ok(());
        };
        let Some(email) = sb_store::accounts::locate_user(c, user)
            .await?
            .and_then(|u| u.email)
        else {
            return Ok(());
        };
        let from = sb_store::outbox::Sender {
            company: &line.company_id,
            user: Some(user),
        };
        if !self.mail_allowed(c, from, 1, now).await? {
            tracing::info!(line = %line.id, "notification not mailed: mail limit reached");
            return Ok(());
        }
        let mail = sb_store::outbox::Mail {
            id: sb_domain::ids::new_id_text(now),
            recipient: email,
            subject,
            body,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            attachment: None,
        };
        sb_store::outbox::enqueue_from(c, &mail, from).await?;
        Ok(())
    }

    /// Whether `from` may cause `n` more mails now (see [`MAIL_PER_USER_PER_HOUR`]).
    pub(crate) async fn mail_allowed(
        &self,
        c: &mut sb_store::Conn,
        from: sb_store::outbox::Sender<'_>,
        n: usize,
        now: i64,
    ) -> AppResult<bool> {
        let sent = sb_store::outbox::sent_since(c, from, now - 3_600_000).await?;
        Ok(within_mail_limits(sent, n))
    }

    /// Whether the package of the line's user grants `feature` (a line without a user has none).
    pub(crate) async fn line_has_feature(
        &self,
        c: &mut sb_store::Conn,
        line: &sb_store::lines::Line,
        feature: Feature,
    ) -> AppResult<bool> {
        let Some(id) = &line.user_id else {
            return Ok(false);
        };
        match sb_store::accounts::locate_user(c, id).await? {
            Some(u) => self.user_has_feature(c, &u, feature).await,
            None => Ok(false),
        }
    }

    /// A line's notification choices: its user and the company's administrators read them.
    pub async fn notifications(&self, actor: &Actor, line: &str) -> AppResult<NotificationsDoc> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        let n = store::notifications(&mut c, &l.id).await?;
        Ok(NotificationsDoc {
            missed_calls: n.missed_calls,
            new_voicemail: n.new_voicemail,
            new_fax: n.new_fax,
        })
    }

    pub async fn set_notifications(
        &self,
        actor: &Actor,
        line: &str,
        doc: NotificationsDoc,
    ) -> AppResult<NotificationsDoc> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        let before = store::notifications(&mut tx, &l.id).await?;
        let n = store::Notifications {
            missed_calls: doc.missed_calls,
            new_voicemail: doc.new_voicemail,
            new_fax: doc.new_fax,
        };
        store::save_notifications(&mut tx, &l.id, n).await?;
        let rec = Record::new(AuditKind::Changed, "notifications", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(audit::diff(
                &serde_json::json!({
                    "missed_calls": before.missed_calls,
                    "new_voicemail": before.new_voicemail,
                    "new_fax": before.new_fax,
                }),
                &serde_json::to_value(&doc).unwrap_or_default(),
            ));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// Where a line's messages are mailed: its user and the company's administrators read it.
    pub async fn voicemail_settings(
        &self,
        actor: &Actor,
        line: &str,
    ) -> AppResult<VoicemailSettingsDoc> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        let s = store::settings(&mut c, &l.id).await?;
        Ok(VoicemailSettingsDoc {
            email_to: s.email_to,
            keep_after_email: s.keep_after_email,
        })
    }

    /// Replaces where a line's messages are mailed (the user with the portal feature, or an
    /// administrator); addresses need `voicemail_to_email` in the line's user's package, as
    /// `queues` does for agents: refused on the field, 422 `no_voicemail_to_email_in_package`.
    pub async fn set_voicemail_settings(
        &self,
        actor: &Actor,
        line: &str,
        doc: VoicemailSettingsDoc,
    ) -> AppResult<VoicemailSettingsDoc> {
        if doc.email_to.len() > MAX_EMAIL_TO {
            return Err(AppError::invalid(
                "too_many",
                "email_to",
                format!("At most {MAX_EMAIL_TO} addresses."),
            ));
        }
        let mut to = Vec::new();
        for (i, e) in doc.email_to.iter().enumerate() {
            let e = Email::parse(&format!("email_to.{i}"), e)?.into_string();
            if !to.contains(&e) {
                to.push(e);
            }
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        if !to.is_empty()
            && !self
                .line_has_feature(&mut tx, &l, Feature::VoicemailToEmail)
                .await?
        {
            return Err(AppError::invalid(
                "no_voicemail_to_email_in_package",
                "email_to",
                "Mailing voicemail is not part of this line's user's service package.",
            ));
        }
        let before = store::settings(&mut tx, &l.id).await?;
        let s = store::Settings {
            email_to: to,
            keep_after_email: doc.keep_after_email,
        };
        store::save_settings(&mut tx, &l.id, &s).await?;
        let as_json = |s: &store::Settings| serde_json::json!({"email_to": s.email_to, "keep_after_email": s.keep_after_email});
        let rec = Record::new(AuditKind::Changed, "voicemail_settings", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(audit::diff(&as_json(&before), &as_json(&s)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(VoicemailSettingsDoc {
            email_to: s.email_to,
            keep_after_email: s.keep_after_email,
        })
    }

    /// New and old messages of a line (for its lamp).
    pub async fn voicemail_counts(&self, line: &LineId) -> AppResult<(i64, i64)> {
        let mut c = self.store.conn().await?;
        Ok(store::counts(&mut c, line).await?)
    }

    /// A line's mailbox, newest first: its user and the company's administrators read it.
    pub async fn voicemails(&self, actor: &Actor, line: &str) -> AppResult<Vec<VoicemailView>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        self.voicemails_of(&mut c, &l.id).await
    }

    /// [`App::voicemails`] of a line already checked (the inbox checks each line once).
    pub(crate) async fn voicemails_of(
        &self,
        c: &mut sb_store::Conn,
        line: &LineId,
    ) -> AppResult<Vec<VoicemailView>> {
        Ok(store::list(c, line).await?.into_iter().map(view).collect())
    }

    /// A message the actor may reach, through its line.
    async fn own_voicemail(
        &self,
        c: &mut sb_store::Conn,
        actor: &Actor,
        id: &str,
        write: bool,
    ) -> AppResult<Voicemail> {
        let v = store::get(c, &VoicemailId::from_raw(crate::directory::id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        match self.reach_line_item(c, actor, &v.line_id, write).await {
            Ok(()) => Ok(v),
            // A queue's group inbox: its agents share the mailbox its callers overflow to.
            Err(AppError::NotFound)
                if sb_store::queues::shares_inbox(c, &v.line_id, &actor.user_id).await? =>
            {
                Ok(v)
            }
            Err(e) => Err(e),
        }
    }

    /// A message's audio as a WAV file.
    pub async fn voicemail_audio(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        let mut c = self.store.conn().await?;
        let v = self.own_voicemail(&mut c, actor, id, false).await?;
        let file = store::audio(&mut c, &v.id)
            .await?
            .ok_or(AppError::NotFound)?;
        drop(c);
        self.read_audio(&file, "message's audio").await
    }

    /// Marks a message heard or new again.
    pub async fn update_voicemail(
        &self,
        actor: &Actor,
        id: &str,
        patch: VoicemailPatch,
    ) -> AppResult<VoicemailView> {
        let mut c = self.store.conn().await?;
        let mut v = self.own_voicemail(&mut c, actor, id, false).await?;
        store::set_heard(&mut c, &v.id, patch.heard).await?;
        v.heard = patch.heard;
        let _ = self.mailboxes.send(v.line_id.clone());
        Ok(view(v))
    }

    pub async fn delete_voicemail(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let v = self.own_voicemail(&mut tx, actor, id, false).await?;
        let file = store::audio(&mut tx, &v.id).await?;
        store::delete(&mut tx, &v.id).await?;
        let rec = Record::new(AuditKind::Deleted, "voicemail", &v.id).summary(message_audit(&v));
        audit::write_in(&mut tx, now, actor.into(), &v.company_id, rec).await?;
        tx.commit().await?;
        self.drop_audio(file.into_iter().map(|f| f.key).collect())
            .await;
        let _ = self.mailboxes.send(v.line_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_limits_count_each_person_and_the_whole_company() {
        assert!(within_mail_limits((0, 0), 100));
        assert!(!within_mail_limits((0, 0), 101), "one person, one hour");
        assert!(within_mail_limits((399, 99), 1));
        assert!(
            !within_mail_limits((399, 100), 1),
            "the person is at the limit"
        );
        assert!(
            !within_mail_limits((500, 0), 1),
            "the company is at the limit"
        );
        assert!(!within_mail_limits((0, 0), usize::MAX));
    }
}
