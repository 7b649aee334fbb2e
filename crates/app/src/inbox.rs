//! A person's inbox: everything that arrived for them in one list, newest first: the messages,
//! call recordings, faxes and text conversations of each of their own lines, and the group inbox
//! of each queue one of their lines is an agent of. Each line is checked once, with the check
//! each part's own use case makes (`handling_line`, as `voicemails`, `recordings`, `faxes` and
//! `conversations` do), and its parts read under it; the group inboxes through `queue_inbox`.

use crate::authz::Actor;
use crate::conversations::ConversationView;
use crate::faxes::FaxView;
use crate::recordings::RecordingView;
use crate::voicemail::VoicemailView;
use crate::{App, AppError, AppResult};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an item of the inbox comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// A message left on one of the person's lines.
    Voicemail,
    /// A recorded call of one of the person's lines.
    Recording,
    /// A message left in the mailbox a queue they answer for overflows to.
    GroupInbox,
    /// A fax received on one of the person's lines' fax number.
    Fax,
    /// The texts between one of the person's lines and one other party.
    Conversation,
}

impl InboxKind {
    pub const ALL: [InboxKind; 5] = [
        InboxKind::Voicemail,
        InboxKind::Recording,
        InboxKind::GroupInbox,
        InboxKind::Fax,
        InboxKind::Conversation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Voicemail => "voicemail",
            InboxKind::Recording => "recording",
            InboxKind::GroupInbox => "group_inbox",
            InboxKind::Fax => "fax",
            InboxKind::Conversation => "conversation",
        }
    }

    pub fn from_text(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether its audio, state and deletion are a voicemail's (a group inbox holds messages).
    pub fn is_message(self) -> bool {
        matches!(self, InboxKind::Voicemail | InboxKind::GroupInbox)
    }
}

/// One item of a person's inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxItem {
    pub kind: InboxKind,
    /// The message's or recording's id.
    pub id: String,
    /// Where it arrived: the line's extension, or the queue's name for its group inbox.
    pub place: String,
    /// The caller's or other party's number (`anonymous` when withheld).
    pub number: String,
    pub name: Option<String>,
    /// When it arrived (RFC 3339): a message's deposit, a recorded call's answer.
    pub at: String,
    pub duration_secs: i64,
    /// Marked heard (a recording: kept as saved; a fax: seen).
    pub heard: bool,
    /// A fax's pages (none for audio).
    pub pages: Option<i64>,
    /// A conversation's line, how many of its received texts are new, and the start of its
    /// latest text (none for other kinds).
    pub line_id: Option<String>,
    pub unread: Option<i64>,
    pub text: Option<String>,
}

impl InboxItem {
    fn message(kind: InboxKind, place: &str, m: VoicemailView) -> Self {
        Self {
            kind,
            id: m.id,
            place: place.to_owned(),
            number: m.caller_number,
            name: m.caller_name,
            at: m.received_at,
            duration_secs: m.duration_secs,
            heard: m.heard,
            pages: None,
            line_id: None,
            unread: None,
            text: None,
        }
    }

    fn recording(place: &str, r: RecordingView) -> Self {
        Self {
            kind: InboxKind::Recording,
            id: r.id,
            place: place.to_owned(),
            number: r.other_number,
            name: r.other_name,
            at: r.started_at,
            duration_secs: r.duration_secs,
            heard: r.heard,
            pages: None,
            line_id: None,
            unread: None,
            text: None,
        }
    }

    fn fax(place: &str, f: FaxView) -> Self {
        Self {
            kind: InboxKind::Fax,
            id: f.id,
            place: place.to_owned(),
            number: f.caller_number,
            name: f.caller_name.or(f.remote_ident),
            at: f.received_at,
            duration_secs: 0,
            heard: f.seen,
            pages: Some(f.pages),
            line_id: None,
            unread: None,
            text: None,
        }
    }

    /// A conversation, its id the line's and the other party's (`{line}~{with}`; ids never
    /// hold `~`), seen when none of its received texts is new.
    fn conversation(place: &str, c: ConversationView) -> Self {
        Self {
            kind: InboxKind::Conversation,
            id: format!("{}~{}", c.line_id, c.with),
            place: place.to_owned(),
            number: c.with,
            name: None,
            at: c.latest_at,
            duration_secs: 0,
            heard: c.unread == 0,
            pages: None,
            line_id: Some(c.line_id),
            unread: Some(c.unread),
            text: Some(c.latest),
        }
    }

    /// A conversation item's line and other party.
    pub fn conversation_of(&self) -> Option<(&str, &str)> {
        (self.kind == InboxKind::Conversation)
            .then(|| self.id.split_once('~'))
            .flatten()
    }
}

/// The parts as one list, newest first (the later id first between equal times); an item
/// reached twice (a queue overflowing to one of the person's own lines) is kept once, as the
/// first part gave it, so the person's own mailbox wins over the group's.
pub(crate) fn merged(parts: Vec<InboxItem>) -> Vec<InboxItem> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<InboxItem> = parts
        .into_iter()
        .filter(|i| seen.insert(i.id.clone()))
        .collect();
    // Each time read once, not at every comparison: an inbox holds hundreds of items.
    out.sort_by_cached_key(|i| {
        std::cmp::Reverse((i.at.parse::<jiff::Timestamp>().ok(), i.id.clone()))
    });
    out
}

impl App {
    /// The signed-in person's inbox of `kind` (every kind when none), newest first.
    pub async fn inbox(&self, actor: &Actor, kind: Option<InboxKind>) -> AppResult<Vec<InboxItem>> {
        let wants = |k: InboxKind| kind.is_none_or(|x| x == k);
        let mut parts = Vec::new();
        let me = actor.user_id.to_string();
        let mut c = self.store.conn().await?;
        for l in self.lines_of_user(actor, &me).await? {
            // The check each part's own use case makes, once for the line.
            let (_, line) = self.handling_line(&mut c, actor, &l.id, false).await?;
            let (id, ext) = (&line.id, &l.extension);
            if wants(InboxKind::Voicemail) {
                for m in self.voicemails_of(&mut c, id).await? {
                    parts.push(InboxItem::message(InboxKind::Voicemail, ext, m));
                }
            }
            if wants(InboxKind::Recording) {
                for r in self.recordings_of(&mut c, id).await? {
                    parts.push(InboxItem::recording(ext, r));
                }
            }
            if wants(InboxKind::Fax) {
                for f in self.faxes_of(&mut c, id).await? {
                    parts.push(InboxItem::fax(ext, f));
                }
            }
            if wants(InboxKind::Conversation) {
                for v in self.conversations_of(&mut c, id).await? {
                    parts.push(InboxItem::conversation(ext, v));
                }
            }
        }
        drop(c);
        if wants(InboxKind::GroupInbox) {
            parts.extend(self.group_inboxes(actor).await?);
        }
        Ok(merged(parts))
    }

    /// The messages of the group inbox of each queue the person answers for, each queue once
    /// however many of their lines are its agents.
    async fn group_inboxes(&self, actor: &Actor) -> AppResult<Vec<InboxItem>> {
        let mut out = Vec::new();
        let mut queues: Vec<(String, String)> = self
            .my_queues(actor)
            .await?
            .into_iter()
            .map(|q| (q.queue_id, q.queue_name))
            .collect();
        queues.sort();
        queues.dedup();
        for (id, name) in queues {
            for m in self.queue_inbox(actor, &id).await? {
                out.push(InboxItem::message(InboxKind::GroupInbox, &name, m));
            }
        }
        Ok(out)
    }

    /// One item of the person's own inbox, of `kind`; anybody else's (even one an
    /// administrator may reach elsewhere) is not found.
    pub async fn inbox_item(&self, actor: &Actor, kind: &str, id: &str) -> AppResult<InboxItem> {
        let kind = InboxKind::from_text(kind).ok_or(AppError::NotFound)?;
        self.inbox(actor, Some(kind))
            .await?
            .into_iter()
            .find(|i| i.id == id)
            .ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: InboxKind, id: &str, at: &str) -> InboxItem {
        InboxItem {
            kind,
            id: id.into(),
            place: "201".into(),
            number: "+15550100".into(),
            name: None,
            at: at.into(),
            duration_secs: 1,
            heard: false,
            pages: None,
            line_id: None,
            unread: None,
            text: None,
        }
    }

    fn ids(items: &[InboxItem]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn the_inbox_is_newest_first_across_every_kind() {
        let out = merged(vec![
            item(InboxKind::Voicemail, "v1", "2030-01-01T09:00:00.000Z"),
            item(InboxKind::Voicemail, "v2", "2030-01-03T09:00:00.000Z"),
            item(InboxKind::Recording, "r1", "2030-01-02T09:00:00.000Z"),
            item(InboxKind::GroupInbox, "g1", "2030-01-04T09:00:00.000Z"),
        ]);
        assert_eq!(ids(&out), ["g1", "v2", "r1", "v1"]);
        assert_eq!(out[2].kind, InboxKind::Recording, "each keeps its kind");
    }

    #[test]
    fn times_are_compared_as_instants_and_the_later_id_wins_a_tie() {
        let out = merged(vec![
            item(InboxKind::Voicemail, "a", "2030-01-01T09:00:00Z"),
            item(InboxKind::Recording, "b", "2030-01-01T09:00:00.500Z"),
            item(InboxKind::Voicemail, "c", "2030-01-01T09:00:00Z"),
        ]);
        assert_eq!(ids(&out), ["b", "c", "a"]);
    }

    #[test]
    fn a_message_of_the_persons_own_mailbox_is_not_repeated_as_the_groups() {
        let out = merged(vec![
            item(InboxKind::Voicemail, "v1", "2030-01-01T09:00:00Z"),
            item(InboxKind::GroupInbox, "v1", "2030-01-01T09:00:00Z"),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, InboxKind::Voicemail);
    }

    #[test]
    fn only_the_five_kinds_are_read_and_a_group_inbox_holds_messages() {
        for k in InboxKind::ALL {
            assert_eq!(InboxKind::from_text(k.as_str()), Some(k));
        }
        assert_eq!(InboxKind::from_text("sms"), None);
        assert!(!InboxKind::Fax.is_message(), "a fax has no audio");
        assert_eq!(InboxKind::from_text(""), None);
        assert!(InboxKind::GroupInbox.is_message() && InboxKind::Voicemail.is_message());
        assert!(!InboxKind::Recording.is_message());
    }
}
