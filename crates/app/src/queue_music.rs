//! A queue's own music on hold: an uploaded WAV or MP3 file, kept as an audio file
//! (decision 16) that the SIP engine is handed as samples; without one, the built-in tune.

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::queues::QueueView;
use crate::{App, AppError, AppResult};
use sb_domain::ids::QueueId;
use sb_domain::model::AuditKind;
use sb_store::Conn;
use sb_store::queues as store;

impl App {
    /// The queue's uploaded music on hold as 8 kHz samples, if it has any; callers hear the
    /// built-in tune when its file cannot be read (the log says why).
    pub(crate) async fn queue_music(
        &self,
        c: &mut Conn,
        id: &QueueId,
    ) -> AppResult<Option<Vec<i16>>> {
        let Some(file) = store::music(c, id).await? else {
            return Ok(None);
        };
        match self.audio_samples(&file, "music on hold").await {
            Ok(samples) => Ok(Some(samples)),
            Err(e) => {
                tracing::warn!(queue = %id, error = %e, "queue music unreadable");
                Ok(None)
            }
        }
    }

    /// Replaces the music on hold with an uploaded WAV or MP3 file (converted to 8 kHz).
    pub async fn set_queue_music(
        &self,
        actor: &Actor,
        id: &str,
        file: Vec<u8>,
    ) -> AppResult<QueueView> {
        let mut c = self.store.conn().await?;
        self.queue_for(&mut c, actor, id, Need::Administer).await?;
        drop(c);
        let samples = tokio::task::spawn_blocking(move || crate::audio::decode_upload(&file))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let now = self.now_ms();
        // The file first, then the row (decision 16); the old file once the row has moved on.
        let file = self.put_audio("music", crate::audio::wav(&samples)).await?;
        let seconds = samples.len().div_ceil(8000);
        let saved = async {
            let mut tx = self.store.begin().await?;
            // Again inside the transaction: the queue may have gone while the file was converted.
            let (co, q) = self.queue_for(&mut tx, actor, id, Need::Administer).await?;
            let old = store::music(&mut tx, &q.id).await?;
            store::set_music(&mut tx, &q.id, Some(&file)).await?;
            let rec = Record::new(AuditKind::Changed, "queue", q.id.as_str())
                .tenant(Some(&co.reseller_id), Some(&co.id))
                .summary(serde_json::json!({ "music": { "uploaded_secs": seconds } }));
            audit::write(&mut tx, now, actor.into(), rec).await?;
            let view = self.queue_view(&mut tx, &q).await?;
            tx.commit().await?;
            AppResult::Ok((old, view))
        }
        .await;
        match saved {
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

    /// Back to the built-in music on hold.
    pub async fn delete_queue_music(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, q) = self.queue_for(&mut tx, actor, id, Need::Administer).await?;
        let old = store::music(&mut tx, &q.id).await?;
        store::set_music(&mut tx, &q.id, None).await?;
        let rec = Record::new(AuditKind::Changed, "queue", q.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "music": "built-in" }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.drop_audio(old.into_iter().map(|o| o.key).collect())
            .await;
        Ok(())
    }
}
