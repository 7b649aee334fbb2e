//! A line's voicemail box as one resource (`/api/v1/lines/{id}/voicemail`): where its messages
//! are mailed, which greeting callers hear, how many messages are new, and the messages
//! themselves. The parts stay reachable on their own paths (`voicemail-settings`,
//! `voicemail-greeting`, `voicemails`); this is the whole box in one read, and its settings in
//! one write.

use crate::authz::Actor;
use crate::voicemail::{GreetingView, VoicemailSettingsDoc, VoicemailView};
use crate::{App, AppResult};
use sb_store::voicemail as store;
use serde::Serialize;
use utoipa::ToSchema;

/// A line's voicemail box.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxView {
    pub line_id: String,
    /// Where new messages are mailed, and whether the box keeps them after mailing.
    pub settings: VoicemailSettingsDoc,
    /// The line's own greeting; none while callers hear the standard one.
    pub greeting: Option<GreetingView>,
    /// Messages nobody has listened to yet (what lights the phone's message lamp).
    pub new_messages: i64,
    /// Messages already heard and kept.
    pub heard_messages: i64,
    /// Every message, newest first.
    pub messages: Vec<VoicemailView>,
}

/// Seconds of audio in a WAV file of `size` bytes, as voicemail keeps it (8 kHz, 16-bit mono,
/// a 44-byte header), rounded up like a message's length.
fn wav_secs(size: i64) -> i64 {
    ((size - 44).max(0) + 15_999) / 16_000
}

impl App {
    /// The whole box: its user and the company's administrators read it.
    pub async fn mailbox(&self, actor: &Actor, line: &str) -> AppResult<MailboxView> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        let settings = store::settings(&mut c, &l.id).await?;
        let greeting = store::greeting(&mut c, &l.id)
            .await?
            .map(|file| GreetingView {
                duration_secs: wav_secs(file.size),
                audio_url: format!("/api/v1/lines/{}/voicemail-greeting", l.id),
            });
        let (new_messages, heard_messages) = store::counts(&mut c, &l.id).await?;
        let messages = store::list(&mut c, &l.id)
            .await?
            .into_iter()
            .map(crate::voicemail::view)
            .collect();
        Ok(MailboxView {
            line_id: l.id.to_string(),
            settings: VoicemailSettingsDoc {
                email_to: settings.email_to,
                keep_after_email: settings.keep_after_email,
            },
            greeting,
            new_messages,
            heard_messages,
            messages,
        })
    }

    /// Changes where the box's messages are mailed (the same rules as its settings alone) and
    /// gives the whole box back.
    pub async fn set_mailbox(
        &self,
        actor: &Actor,
        line: &str,
        settings: VoicemailSettingsDoc,
    ) -> AppResult<MailboxView> {
        self.set_voicemail_settings(actor, line, settings).await?;
        self.mailbox(actor, line).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_greetings_length_is_read_from_the_size_of_its_wav_file() {
        let second_and_a_bit = sb_media::codec::write_wav(&[0; 8001], 8000);
        let len = i64::try_from(second_and_a_bit.len()).unwrap_or(0);
        assert_eq!(super::wav_secs(len), 2);
        let empty = sb_media::codec::write_wav(&[], 8000);
        assert_eq!(super::wav_secs(i64::try_from(empty.len()).unwrap_or(0)), 0);
    }
}
