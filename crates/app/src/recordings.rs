//! Call recording: a line whose user's service package includes `call_recording` can have its
//! calls recorded (both sides, mixed); each recording lands in the line's inbox, where the
//! line's user and the company's administrators list, play and delete it.

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::views::time;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, LineId, RecordingId};
use sb_domain::model::{AuditKind, Feature};
use sb_store::recordings::{self as store, Recording};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether a line's calls are recorded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingSettingsDoc {
    pub record_calls: bool,
}

/// Which way a recorded call went, seen from the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordedDirection {
    Incoming,
    Outgoing,
}

impl RecordedDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordedDirection::Incoming => "incoming",
            RecordedDirection::Outgoing => "outgoing",
        }
    }
}

/// One recording of a line's inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordingView {
    pub id: String,
    pub line_id: String,
    pub direction: RecordedDirection,
    /// The other party's number or extension (`anonymous` when withheld).
    pub other_number: String,
    pub other_name: Option<String>,
    /// When the call was answered (RFC 3339).
    pub started_at: String,
    /// Marked heard (kept as saved); new recordings are not.
    pub heard: bool,
    /// Its length in seconds (rounded up).
    pub duration_secs: i64,
    /// Where its audio is (`audio/wav`, 8 kHz).
    pub audio_url: String,
}

fn view(r: Recording) -> RecordingView {
    RecordingView {
        audio_url: format!("/api/v1/recordings/{}/audio", r.id),
        id: r.id.to_string(),
        line_id: r.line_id.to_string(),
        direction: if r.direction == "outgoing" {
            RecordedDirection::Outgoing
        } else {
            RecordedDirection::Incoming
        },
        other_number: r.other_number,
        other_name: r.other_name,
        started_at: time(r.started_at),
        duration_secs: (r.duration_ms + 999) / 1000,
        heard: r.heard,
    }
}

/// A change to a recording.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingPatch {
    pub heard: bool,
}

/// A call the SIP engine recorded for a line.
#[derive(Debug, Clone)]
pub struct NewRecording {
    pub company_id: CompanyId,
    pub line_id: LineId,
    pub direction: RecordedDirection,
    pub other_number: String,
    pub other_name: Option<String>,
    pub started_at_ms: i64,
}

impl App {
    /// Whether a line's calls are to be recorded: switched on, and allowed by its user's
    /// package (a package that lost the feature stops the recording at once).
    pub(crate) async fn records_calls(
        &self,
        c: &mut sb_store::Conn,
        line: &LineId,
        user: Option<&sb_store::accounts::User>,
    ) -> AppResult<bool> {
        let Some(user) = user else {
            return Ok(false);
        };
        Ok(store::record_calls(c, line).await?
            && self
                .user_has_feature(c, user, Feature::CallRecording)
                .await?)
    }

    pub async fn recording_settings(
        &self,
        actor: &Actor,
        line: &str,
    ) -> AppResult<RecordingSettingsDoc> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        Ok(RecordingSettingsDoc {
            record_calls: store::record_calls(&mut c, &l.id).await?,
        })
    }

    /// Switches recording on or off; on needs `call_recording` in the line's user's package.
    pub async fn set_recording_settings(
        &self,
        actor: &Actor,
        line: &str,
        doc: RecordingSettingsDoc,
    ) -> AppResult<RecordingSettingsDoc> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        if doc.record_calls {
            let user = match &l.user_id {
                Some(u) => sb_store::accounts::locate_user(&mut tx, u).await?,
                None => None,
            };
            let allowed = match &user {
                Some(u) => {
                    self.user_has_feature(&mut tx, u, Feature::CallRecording)
                        .await?
                }
                None => false,
            };
            if !allowed {
                return Err(AppError::forbidden(
                    "Call recording is not part of this line's service package.",
                ));
            }
        }
        let before = store::record_calls(&mut tx, &l.id).await?;
        store::set_record_calls(&mut tx, &l.id, doc.record_calls).await?;
        let rec = Record::new(AuditKind::Changed, "recording_settings", l.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({
                "record_calls": { "from": before, "to": doc.record_calls }
            }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(doc)
    }

    /// Stores what the engine recorded (8 kHz samples) in the line's inbox, unless the line's
    /// package no longer allows recording.
    pub async fn store_recording(
        &self,
        r: NewRecording,
        samples: &[i16],
    ) -> AppResult<Option<RecordingId>> {
        let now = self.now_ms();
        let mut c = self.store.conn().await?;
        let Some(line) = sb_store::lines::locate_line(&mut c, &r.line_id).await? else {
            return Ok(None);
        };
        let user = match &line.user_id {
            Some(u) => sb_store::accounts::locate_user(&mut c, u).await?,
            None => None,
        };
        if !self.records_calls(&mut c, &line.id, user.as_ref()).await? {
            return Ok(None);
        }
        let rec = Recording {
            id: RecordingId::new(now),
            company_id: r.company_id,
            line_id: r.line_id,
            direction: r.direction.as_str().to_owned(),
            other_number: r.other_number,
            other_name: r.other_name,
            started_at: r.started_at_ms,
            duration_ms: i64::try_from(samples.len() / 8).unwrap_or(i64::MAX),
            heard: false,
        };
        drop(c);
        // The file first (decision 16), then the row that names it.
        let file = self
            .put_audio("recording", crate::audio::wav(samples))
            .await?;
        let inserted = async {
            let mut c = self.store.conn().await?;
            store::insert(&mut c, &rec, &file).await?;
            AppResult::Ok(())
        }
        .await;
        if let Err(e) = inserted {
            self.drop_audio(vec![file.key]).await;
            return Err(e);
        }
        Ok(Some(rec.id))
    }

    /// A line's recordings, newest first: its user and the company's administrators read them.
    pub async fn recordings(&self, actor: &Actor, line: &str) -> AppResult<Vec<RecordingView>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        self.recordings_of(&mut c, &l.id).await
    }

    /// [`App::recordings`] of a line already checked (the inbox checks each line once).
    pub(crate) async fn recordings_of(
        &self,
        c: &mut sb_store::Conn,
        line: &sb_domain::ids::LineId,
    ) -> AppResult<Vec<RecordingView>> {
        Ok(store::list(c, line).await?.into_iter().map(view).collect())
    }

    /// A recording the actor may reach, through its line.
    async fn own_recording(
        &self,
        c: &mut sb_store::Conn,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Recording> {
        let r = store::get(c, &RecordingId::from_raw(crate::directory::id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        self.reach_line_item(c, actor, &r.line_id, false).await?;
        Ok(r)
    }

    /// A recording's audio as a WAV file.
    pub async fn recording_audio(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        let mut c = self.store.conn().await?;
        let r = self.own_recording(&mut c, actor, id).await?;
        let file = store::audio(&mut c, &r.id)
            .await?
            .ok_or(AppError::NotFound)?;
        drop(c);
        self.read_audio(&file, "recording").await
    }

    /// Marks a recording heard (saved) or new again.
    pub async fn update_recording(
        &self,
        actor: &Actor,
        id: &str,
        patch: RecordingPatch,
    ) -> AppResult<RecordingView> {
        let mut c = self.store.conn().await?;
        let mut r = self.own_recording(&mut c, actor, id).await?;
        store::set_heard(&mut c, &r.id, patch.heard).await?;
        r.heard = patch.heard;
        Ok(view(r))
    }

    pub async fn delete_recording(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let r = self.own_recording(&mut tx, actor, id).await?;
        let file = store::audio(&mut tx, &r.id).await?;
        store::delete(&mut tx, &r.id).await?;
        let rec = Record::new(AuditKind::Deleted, "recording", &r.id).summary(serde_json::json!({
            "line_id": r.line_id,
            "direction": r.direction,
            "other_number": r.other_number,
            "started_at": time(r.started_at),
        }));
        audit::write_in(&mut tx, now, actor.into(), &r.company_id, rec).await?;
        tx.commit().await?;
        self.drop_audio(file.into_iter().map(|f| f.key).collect())
            .await;
        Ok(())
    }
}
