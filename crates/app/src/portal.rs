//! The voice portal: a line reaches its mailbox by phone (`*97` for its own, `*98`
//! for any of the company's) with its 6-digit PIN. A line without a PIN has no access; too many
//! wrong PINs in a row lock the mailbox (audited) until an administrator or the line's user
//! unlocks it, or a new PIN is set.

use crate::audit::{self, By, Record};
use crate::authz::Actor;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{LineId, VoicemailId};
use sb_domain::model::AuditKind;
use sb_store::lines as store;
use sb_store::voicemail as vm;

/// Wrong PINs in a row that lock a mailbox.
pub const PIN_TRIES: i64 = 5;

/// What a PIN entry (or the first look at a mailbox) finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The line has no PIN: no voice-portal access.
    NoPin,
    Locked,
    /// A wrong PIN; the mailbox is still open to more tries.
    Wrong,
    Open,
}

impl App {
    /// Whether a mailbox can be signed in to at all.
    pub async fn portal_access(&self, line: &LineId) -> AppResult<Access> {
        let mut c = self.store.conn().await?;
        Ok(match store::pin_state(&mut c, line).await? {
            None => Access::NoPin,
            Some(s) if s.locked_at.is_some() => Access::Locked,
            Some(_) => Access::Open,
        })
    }

    /// Checks a PIN entered by phone from `source`; the fifth wrong one in a row locks.
    pub async fn portal_sign_in(
        &self,
        line: &LineId,
        pin: String,
        source: &str,
    ) -> AppResult<Access> {
        let state = {
            let mut c = self.store.conn().await?;
            store::pin_state(&mut c, line).await?
        };
        let Some(state) = state else {
            return Ok(Access::NoPin);
        };
        if state.locked_at.is_some() {
            return Ok(Access::Locked);
        }
        let right = crate::secrets::verify_password_async(pin, state.pin_hash).await;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if right {
            store::set_pin_failures(&mut tx, line, 0, None).await?;
            tx.commit().await?;
            return Ok(Access::Open);
        }
        let failures = state.failures + 1;
        let lock = failures >= PIN_TRIES;
        store::set_pin_failures(&mut tx, line, failures, lock.then_some(now)).await?;
        if lock {
            let summary = serde_json::json!({ "wrong_pins": failures });
            portal_audit(
                &mut tx,
                line,
                AuditKind::MailboxLocked,
                summary,
                source,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(if lock { Access::Locked } else { Access::Wrong })
    }

    /// Opens a locked mailbox again (the company's administrators, or the line's user).
    pub async fn unlock_voice_pin(&self, actor: &Actor, line: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, false).await?;
        let state = store::pin_state(&mut tx, &l.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if state.locked_at.is_none() && state.failures == 0 {
            return Ok(());
        }
        store::set_pin_failures(&mut tx, &l.id, 0, None).await?;
        let rec = Record::new(AuditKind::MailboxUnlocked, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a line's mailbox is locked (for its PIN view).
    pub(crate) async fn pin_locked(
        &self,
        c: &mut sb_store::Conn,
        line: &LineId,
    ) -> AppResult<bool> {
        Ok(store::pin_state(c, line)
            .await?
            .is_some_and(|s| s.locked_at.is_some()))
    }

    /// A signed-in mailbox's new and saved (heard) messages, each oldest first.
    pub async fn portal_messages(
        &self,
        line: &LineId,
    ) -> AppResult<(Vec<VoicemailId>, Vec<VoicemailId>)> {
        let mut c = self.store.conn().await?;
        let mut list = vm::list(&mut c, line).await?;
        list.reverse();
        let (new, saved): (Vec<_>, Vec<_>) = list.into_iter().partition(|v| !v.heard);
        let ids = |l: Vec<vm::Voicemail>| l.into_iter().map(|v| v.id).collect();
        Ok((ids(new), ids(saved)))
    }

    /// A message's audio as 8 kHz samples.
    pub async fn portal_audio(&self, id: &VoicemailId) -> AppResult<Vec<i16>> {
        let mut c = self.store.conn().await?;
        let file = vm::audio(&mut c, id).await?.ok_or(AppError::NotFound)?;
        drop(c);
        self.audio_samples(&file, "message's audio").await
    }

    /// Saves (marks heard) or deletes a message of `line`'s mailbox heard by phone, from
    /// `source`; a deletion is audited. The lamp follows. Another mailbox's message is not found.
    pub async fn portal_keep(
        &self,
        line: &LineId,
        id: &VoicemailId,
        keep: bool,
        source: &str,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let v = vm::get(&mut tx, id)
            .await?
            .filter(|v| &v.line_id == line)
            .ok_or(AppError::NotFound)?;
        let mut orphans = Vec::new();
        if keep {
            vm::set_heard(&mut tx, &v.id, true).await?;
        } else {
            orphans.extend(vm::audio(&mut tx, &v.id).await?.map(|f| f.key));
            vm::delete(&mut tx, &v.id).await?;
            let summary = crate::voicemail::message_audit(&v);
            let rec = Record::new(AuditKind::Deleted, "voicemail", &v.id).summary(summary);
            audit::write_in(&mut tx, now, phone(source), &v.company_id, rec).await?;
        }
        tx.commit().await?;
        self.drop_audio(orphans).await;
        let _ = self.mailboxes.send(v.line_id.clone());
        Ok(())
    }

    /// A greeting recorded by phone, from `source`; audited.
    pub async fn portal_set_greeting(
        &self,
        line: &LineId,
        samples: &[i16],
        source: &str,
    ) -> AppResult<()> {
        let now = self.now_ms();
        // The file first, then the row (decision 16); the old file once the row has moved on.
        let file = self
            .put_audio("greeting", crate::audio::wav(samples))
            .await?;
        let saved = async {
            let mut tx = self.store.begin().await?;
            let old = vm::greeting(&mut tx, line).await?;
            vm::set_greeting(&mut tx, line, &file, now).await?;
            let secs = samples.len().div_ceil(8000);
            let summary = serde_json::json!({ "greeting": { "recorded_by_phone_secs": secs } });
            portal_audit(&mut tx, line, AuditKind::Changed, summary, source, now).await?;
            tx.commit().await?;
            AppResult::Ok(old)
        }
        .await;
        match saved {
            Ok(old) => {
                self.drop_audio(old.into_iter().map(|o| o.key).collect())
                    .await;
                Ok(())
            }
            Err(e) => {
                self.drop_audio(vec![file.key]).await;
                Err(e)
            }
        }
    }

    /// A new PIN chosen by phone (the same rules as on the web); audited.
    pub async fn portal_set_pin(&self, line: &LineId, pin: String, source: &str) -> AppResult<()> {
        sb_domain::values::check_pin("pin", &pin)?;
        let hash = crate::secrets::hash_password_async(pin).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let l = store::locate_line(&mut tx, line)
            .await?
            .ok_or(AppError::NotFound)?;
        store::set_pin(&mut tx, &l.company_id, &l.id, &hash, now).await?;
        let summary = serde_json::json!({ "voice_pin": "set by phone" });
        portal_audit(&mut tx, line, AuditKind::Changed, summary, source, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// An audit record of something done at the voice portal to `line`, from `source`.
async fn portal_audit(
    c: &mut sb_store::Conn,
    line: &LineId,
    kind: AuditKind,
    summary: serde_json::Value,
    source: &str,
    now: i64,
) -> AppResult<()> {
    let l = store::locate_line(c, line)
        .await?
        .ok_or(AppError::NotFound)?;
    let co = sb_store::tenancy::get_company(c, &l.company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rec = Record::new(kind, "line", &l.id)
        .tenant(Some(&co.reseller_id), Some(&co.id))
        .summary(summary);
    audit::write(c, now, phone(source), rec).await?;
    Ok(())
}

/// The voice portal as the actor of an audit record, called from `source`.
fn phone(source: &str) -> By<'_> {
    By {
        id: None,
        name: "voice portal",
        ip: Some(source),
    }
}
