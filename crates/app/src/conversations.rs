//! A line's texts as conversations: one per other party (a colleague's extension or an outside
//! number), newest first by its latest text, with how many of its received texts are still
//! new. A received text is new until the line's own user opens the conversation or marks it;
//! deleting a conversation hides it from this line only, since a text between two lines is one
//! row both of them show.

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::messages::view;
use crate::views::{MessageView, time};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{LineId, MessageId};
use sb_domain::model::AuditKind;
use sb_store::messages::{self as store, StoredMessage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most characters of the latest text a conversation shows.
const PREVIEW: usize = 80;

/// One conversation of a line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationView {
    pub line_id: String,
    /// The other party: a colleague's extension or an outside number.
    pub with: String,
    /// When its latest text was sent or received (RFC 3339).
    pub latest_at: String,
    /// The start of its latest text.
    pub latest: String,
    /// Whether the latest text was `sent` or `received` by the line.
    pub latest_direction: String,
    /// How many texts it holds (of the newest the line keeps).
    pub messages: i64,
    /// How many received texts are still new.
    pub unread: i64,
}

/// A change to a received text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagePatch {
    pub seen: bool,
}

/// The other party of a text of `line`: who sent it to the line, or where the line sent it
/// (`to_extension` is the extension of the line it went to).
fn other_party(line: &LineId, m: &StoredMessage, to_extension: Option<&str>) -> String {
    if m.to_line_id.as_ref() == Some(line) {
        m.from_number.clone()
    } else {
        m.to_number
            .clone()
            .or_else(|| to_extension.map(str::to_owned))
            .unwrap_or_default()
    }
}

/// The texts of `line`, newest first, as its conversations, newest first by their latest text.
pub(crate) fn grouped(
    line: &LineId,
    rows: &[(StoredMessage, Option<String>)],
) -> Vec<ConversationView> {
    let mut out: Vec<ConversationView> = Vec::new();
    for (m, ext) in rows {
        let with = other_party(line, m, ext.as_deref());
        let received = m.to_line_id.as_ref() == Some(line);
        let unread = i64::from(received && !m.seen);
        match out.iter_mut().find(|c| c.with == with) {
            Some(c) => {
                c.messages += 1;
                c.unread += unread;
            }
            None => out.push(ConversationView {
                line_id: line.to_string(),
                with,
                latest_at: time(m.created_at),
                latest: m.body.chars().take(PREVIEW).collect(),
                latest_direction: if received { "received" } else { "sent" }.into(),
                messages: 1,
                unread,
            }),
        }
    }
    out
}

impl App {
    /// A line's conversations, newest first: its user reads them, as do the company's
    /// administrators.
    pub async fn conversations(
        &self,
        actor: &Actor,
        line: &str,
    ) -> AppResult<Vec<ConversationView>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        self.conversations_of(&mut c, &l.id).await
    }

    /// [`App::conversations`] of a line already checked (the inbox checks each line once).
    pub(crate) async fn conversations_of(
        &self,
        c: &mut sb_store::Conn,
        line: &sb_domain::ids::LineId,
    ) -> AppResult<Vec<ConversationView>> {
        let rows = store::of_line_with_extensions(c, line).await?;
        Ok(grouped(line, &rows))
    }

    /// The texts of a line's conversation with `with`, oldest first. Its own user opening it
    /// marks its received texts seen (an administrator reading it does not).
    pub async fn conversation(
        &self,
        actor: &Actor,
        line: &str,
        with: &str,
    ) -> AppResult<Vec<MessageView>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        let rows = store::of_line_with_extensions(&mut c, &l.id).await?;
        let mut out: Vec<MessageView> = rows
            .into_iter()
            .filter(|(m, ext)| other_party(&l.id, m, ext.as_deref()) == with)
            .map(|(m, _)| view(m, &l.id))
            .collect();
        out.reverse();
        if l.user_id.as_ref() == Some(&actor.user_id) {
            store::set_conversation_seen(&mut c, &l.id, with).await?;
        }
        Ok(out)
    }

    /// Marks every received text of a conversation seen.
    pub async fn mark_conversation_seen(
        &self,
        actor: &Actor,
        line: &str,
        with: &str,
    ) -> AppResult<()> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, true).await?;
        Ok(store::set_conversation_seen(&mut c, &l.id, with).await?)
    }

    /// Deletes a conversation for this line (the other line, if any, keeps its side).
    pub async fn delete_conversation(
        &self,
        actor: &Actor,
        line: &str,
        with: &str,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        let rows = store::of_line_with_extensions(&mut tx, &l.id).await?;
        let count = rows
            .iter()
            .filter(|(m, ext)| other_party(&l.id, m, ext.as_deref()) == with)
            .count();
        if count == 0 {
            return Err(AppError::NotFound);
        }
        store::hide_conversation(&mut tx, &co.id, &l.id, with).await?;
        let rec = Record::new(AuditKind::Deleted, "conversation", &l.id)
            .summary(serde_json::json!({ "line_id": l.id, "with": with, "messages": count }));
        audit::write_in(&mut tx, now, actor.into(), &co.id, rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a text the actor's line received seen, or new again. Only the recipient's side
    /// has this state: a text the line sent is refused.
    pub async fn update_message(
        &self,
        actor: &Actor,
        id: &str,
        patch: MessagePatch,
    ) -> AppResult<MessageView> {
        let mut c = self.store.conn().await?;
        let id = MessageId::from_raw(crate::directory::id_or_404(id)?);
        let mut m = store::get(&mut c, &id).await?.ok_or(AppError::NotFound)?;
        let Some(to) = m.to_line_id.clone() else {
            return Err(self.sent_only(&mut c, actor, &m).await);
        };
        if self
            .reach_line_item(&mut c, actor, &to, true)
            .await
            .is_err()
        {
            return Err(self.sent_only(&mut c, actor, &m).await);
        }
        store::set_seen(&mut c, &m.id, patch.seen).await?;
        m.seen = patch.seen;
        Ok(view(m, &to))
    }

    /// The refusal for marking a text the actor cannot mark: one its line sent is a clear
    /// error, anybody else's is not found.
    async fn sent_only(
        &self,
        c: &mut sb_store::Conn,
        actor: &Actor,
        m: &StoredMessage,
    ) -> AppError {
        match &m.from_line_id {
            Some(from) if self.reach_line_item(c, actor, from, true).await.is_ok() => {
                AppError::invalid(
                    "not_received",
                    "seen",
                    "Only the line that received a text marks it seen.",
                )
            }
            _ => AppError::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::ids::CompanyId;

    fn text(
        id: &str,
        from: (&str, Option<&str>),
        to: (Option<&str>, Option<&str>),
        seen: bool,
    ) -> StoredMessage {
        StoredMessage {
            id: MessageId::from_raw(id),
            company_id: CompanyId::from_raw("c"),
            from_line_id: from.1.map(LineId::from_raw),
            from_number: from.0.into(),
            to_line_id: to.0.map(LineId::from_raw),
            to_number: to.1.map(str::to_owned),
            content_type: "text/plain".into(),
            body: format!("text {id}"),
            created_at: 1_900_000_000_000,
            delivered_at: None,
            failure: None,
            seen,
        }
    }

    #[test]
    fn texts_make_one_conversation_per_other_party_newest_first_with_unread_counts() {
        let me = LineId::from_raw("me");
        let rows = vec![
            // Newest first, as the store reads them.
            (
                text("5", ("+15550100", None), (Some("me"), None), false),
                None,
            ),
            (
                text("4", ("201", Some("me")), (Some("bob"), None), false),
                Some("202".into()),
            ),
            (
                text("3", ("201", Some("me")), (None, Some("+15550100")), false),
                None,
            ),
            (
                text("2", ("202", Some("bob")), (Some("me"), None), true),
                None,
            ),
            (
                text("1", ("+15550100", None), (Some("me"), None), false),
                None,
            ),
        ];
        let out = grouped(&me, &rows);
        let got: Vec<(&str, i64, i64, &str)> = out
            .iter()
            .map(|c| (c.with.as_str(), c.messages, c.unread, c.latest.as_str()))
            .collect();
        assert_eq!(
            got,
            [("+15550100", 3, 2, "text 5"), ("202", 2, 0, "text 4")]
        );
        assert_eq!(
            out[1].latest_direction, "sent",
            "a text the line sent is never new to it"
        );
    }
}
