//! Voicemail (seeds 000, 001, 004): the SIP engine deposits what a caller said; the line's user
//! and the company's administrators list, play, mark heard and delete the messages. Every change
//! is announced on [`App::mailbox_changes`] so that message-waiting lamps follow.

use crate::authz::Actor;
use crate::views::time;
use crate::{App, AppError, AppResult};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sb_domain::ids::{CompanyId, LineId, VoicemailId};
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

/// A change to a message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoicemailPatch {
    pub heard: bool,
}

fn view(v: Voicemail) -> VoicemailView {
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
    /// Stores a message the engine recorded and lights the line's lamp.
    pub async fn deposit_voicemail(&self, d: Deposit, wav: Vec<u8>) -> AppResult<VoicemailId> {
        let now = self.now_ms();
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
        let mut c = self.store.conn().await?;
        store::insert(&mut c, &v, &STANDARD.encode(wav)).await?;
        let _ = self.mailboxes.send(d.line_id);
        Ok(v.id)
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
        Ok(store::list(&mut c, &l.id)
            .await?
            .into_iter()
            .map(view)
            .collect())
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
        // Not the actor's line: the same 404 as a message that does not exist.
        match self
            .handling_line(c, actor, v.line_id.as_str(), write)
            .await
        {
            Ok(_) => Ok(v),
            Err(AppError::Forbidden(_)) => Err(AppError::NotFound),
            Err(e) => Err(e),
        }
    }

    /// A message's audio as a WAV file.
    pub async fn voicemail_audio(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        let mut c = self.store.conn().await?;
        let v = self.own_voicemail(&mut c, actor, id, false).await?;
        let text = store::audio(&mut c, &v.id)
            .await?
            .ok_or(AppError::NotFound)?;
        STANDARD
            .decode(text)
            .map_err(|_| AppError::Internal("a stored message's audio is damaged".into()))
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
        let mut c = self.store.conn().await?;
        let v = self.own_voicemail(&mut c, actor, id, false).await?;
        store::delete(&mut c, &v.id).await?;
        let _ = self.mailboxes.send(v.line_id);
        Ok(())
    }
}
