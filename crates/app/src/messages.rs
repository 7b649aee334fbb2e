//! Texts (SIP MESSAGE) of a company's lines: from an authenticated line (or the API and the
//! portal) to a colleague's extension, kept, handed to every registered device of the recipient,
//! and kept for devices that are offline; to and from outside numbers through the company's
//! trunk (`outside_texts.rs`).

use crate::authz::Actor;
use crate::plans::TrunkPlan;
use crate::switch::SipLine;
use crate::views::{ListPage, MessageView, SendMessageInput, time};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{LineId, MessageId};
use sb_domain::model::Feature;
use sb_store::lines as line_store;
use sb_store::messages::{self as store, StoredMessage};
use sb_store::tenancy;

/// The largest message body kept.
pub const MAX_BODY: usize = 16 * 1024;

/// Messages kept at most for a line none of whose devices has taken them: beyond it new ones
/// are refused, so nobody can fill the database through a line that is never online.
pub const MAX_WAITING: i64 = 200;

/// Sending from a line whose user's package has no SMS/MMS.
fn no_sms() -> AppError {
    AppError::invalid(
        "no_sms_mms_in_package",
        "line",
        "Sending messages is not part of this line's service package.",
    )
}

/// A message to hand to the recipient's devices.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub message: StoredMessage,
    pub to: SipLine,
    pub from_name: Option<String>,
}

/// A text to an outside number, for the engine to hand to the carrier.
#[derive(Debug, Clone)]
pub struct OutsideText {
    pub message: StoredMessage,
    /// The number it goes to, as the trunk's calls dial it.
    pub to: String,
    /// The number it shows as its sender: what the line's calls present.
    pub from: String,
    /// The company's SIP domain, the host of that sender's address.
    pub domain: String,
    pub trunk: TrunkPlan,
}

/// Where an accepted text goes.
#[derive(Debug, Clone)]
pub enum Accepted {
    /// To a line of the company: its phones.
    Line(Outgoing),
    /// To an outside number: the carrier.
    Outside(OutsideText),
}

pub(crate) fn view(m: StoredMessage, line: &LineId) -> MessageView {
    let state = match (&m.delivered_at, &m.failure, &m.to_number) {
        (Some(_), _, Some(_)) => "sent",
        (Some(_), _, None) => "delivered",
        (None, Some(_), _) => "failed",
        (None, None, Some(_)) => "sending",
        (None, None, None) => "waiting",
    };
    MessageView {
        direction: if m.to_line_id.as_ref() == Some(line) {
            "received".into()
        } else {
            "sent".into()
        },
        state: state.into(),
        id: m.id.to_string(),
        from_number: m.from_number,
        from_line_id: m.from_line_id.map(|l| l.to_string()),
        to_line_id: m.to_line_id.map(|l| l.to_string()),
        to_number: m.to_number,
        content_type: m.content_type,
        body: m.body,
        created_at: time(m.created_at),
        delivered_at: m.delivered_at.map(time),
        failure: m.failure,
        seen: m.seen,
    }
}

/// The body of a text, checked: at most [`MAX_BODY`] bytes of UTF-8.
pub(crate) fn text_body(body: &[u8]) -> AppResult<&str> {
    if body.len() > MAX_BODY {
        return Err(AppError::invalid(
            "too_large",
            "body",
            "The message is too long.",
        ));
    }
    std::str::from_utf8(body)
        .map_err(|_| AppError::invalid("not_text", "body", "Messages are UTF-8 text."))
}

/// Who a text kept for a line is from: a line of the company, or an outside number.
pub(crate) struct Kept {
    pub(crate) company: sb_domain::ids::CompanyId,
    pub(crate) from_line: Option<LineId>,
    pub(crate) from_number: String,
    pub(crate) from_name: Option<String>,
}

impl App {
    /// Keeps a message `from` sent to extension `to`; `None` when no line of the company has it.
    /// Sending needs the SMS/MMS feature in the package of `from`'s user.
    pub async fn accept_message(
        &self,
        from: &SipLine,
        to: &str,
        content_type: &str,
        body: &[u8],
    ) -> AppResult<Option<Outgoing>> {
        let text = text_body(body)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let sender = line_store::locate_line(&mut tx, &from.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self
            .line_has_feature(&mut tx, &sender, Feature::SmsMms)
            .await?
        {
            return Err(no_sms());
        }
        let Some(target) = line_store::line_by_extension(&mut tx, &from.company_id, to).await?
        else {
            return Ok(None);
        };
        let kept = Kept {
            company: from.company_id.clone(),
            from_line: Some(from.id.clone()),
            from_number: from.extension.clone(),
            from_name: from.calling_name.clone(),
        };
        self.keep_for_line(tx, kept, target, content_type, text, now)
            .await
            .map(Some)
    }

    /// Keeps a text for `target` in `tx` (refused while too many already wait for it), commits,
    /// and gives it with the line to hand it to: what a colleague's text and a carrier's share.
    pub(crate) async fn keep_for_line(
        &self,
        mut tx: sb_store::Tx,
        from: Kept,
        target: sb_store::lines::Line,
        content_type: &str,
        text: &str,
        now: i64,
    ) -> AppResult<Outgoing> {
        let co = tenancy::get_company(&mut tx, &from.company)
            .await?
            .ok_or(AppError::NotFound)?;
        if store::undelivered_count(&mut tx, &target.id).await? >= MAX_WAITING {
            return Err(AppError::conflict(
                "too_many_waiting",
                "Too many messages already wait for this line.",
                None,
            ));
        }
        let m = StoredMessage {
            id: MessageId::new(now),
            company_id: from.company,
            from_line_id: from.from_line,
            from_number: from.from_number,
            to_line_id: Some(target.id.clone()),
            to_number: None,
            content_type: content_type.chars().take(100).collect(),
            body: text.to_owned(),
            created_at: now,
            delivered_at: None,
            failure: None,
            seen: false,
        };
        store::insert(&mut tx, &m).await?;
        tx.commit().await?;
        let mut c = self.store.conn().await?;
        let to = self.sip_line_of(&mut c, &co, target).await?;
        Ok(Outgoing {
            message: m,
            to,
            from_name: from.from_name,
        })
    }

    /// A text sent from `line` by its own user (or an administrator of its company) through the
    /// API or the portal to a colleague's extension (kept like a phone's message and handed to
    /// the recipient's phones at once) or to an outside number (through the company's trunk). Sending needs the SMS/MMS feature in the line's user's
    /// package.
    pub async fn send_message(
        &self,
        actor: &Actor,
        line: &str,
        input: SendMessageInput,
    ) -> AppResult<MessageView> {
        let from = {
            let mut c = self.store.conn().await?;
            let (co, l) = self.handling_line(&mut c, actor, line, true).await?;
            self.sip_line_of(&mut c, &co, l).await?
        };
        if input.body.trim().is_empty() {
            return Err(AppError::invalid(
                "empty_message",
                "body",
                "Write the message.",
            ));
        }
        let sent = self
            .accept_text(&from, input.to.trim(), "text/plain", input.body.as_bytes())
            .await?;
        match sent {
            Some(Accepted::Line(out)) => {
                let view = view(out.message.clone(), &from.id);
                // Nobody listening (no SIP engine in this process) leaves it for the phones'
                // next registration, as for a phone that is offline.
                let _ = self.posted.send(out);
                Ok(view)
            }
            Some(Accepted::Outside(out)) => {
                let view = view(out.message.clone(), &from.id);
                self.post_outside_text(out);
                Ok(view)
            }
            None => Err(AppError::invalid(
                "unknown_extension",
                "to",
                "No line of the company has this extension.",
            )),
        }
    }

    /// Hands a text to an outside number to whoever sends texts to carriers (the SIP engine);
    /// with nobody listening it stays `sending`.
    pub fn post_outside_text(&self, t: OutsideText) {
        let _ = self.posted_outside.send(t);
    }

    /// Messages waiting for the line registered as `sip_username` in `sip_domain`.
    pub async fn waiting_messages(
        &self,
        sip_domain: &str,
        sip_username: &str,
    ) -> AppResult<Vec<Outgoing>> {
        let mut c = self.store.conn().await?;
        let Some((l, _)) = line_store::sip_account(&mut c, sip_domain, sip_username).await? else {
            return Ok(Vec::new());
        };
        let co = tenancy::get_company(&mut c, &l.company_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let waiting = store::undelivered(&mut c, &l.id).await?;
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let to = self.sip_line_of(&mut c, &co, l).await?;
        let mut out = Vec::new();
        for m in waiting {
            let from_name = match &m.from_line_id {
                Some(id) => line_store::locate_line(&mut c, id)
                    .await?
                    .and_then(|l| l.calling_name),
                None => None,
            };
            out.push(Outgoing {
                message: m,
                to: to.clone(),
                from_name,
            });
        }
        Ok(out)
    }

    pub async fn message_delivered(&self, id: &MessageId) -> AppResult<()> {
        let mut c = self.store.conn().await?;
        Ok(store::mark_delivered(&mut c, id, self.now_ms()).await?)
    }

    /// A line's messages, newest first: its user reads them, as do the company's administrators.
    pub async fn line_messages(
        &self,
        actor: &Actor,
        line: &str,
        page: sb_store::Page,
    ) -> AppResult<ListPage<MessageView>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        let (items, next_cursor) = store::list(&mut c, &l.id, &page).await?;
        Ok(ListPage {
            items: items.into_iter().map(|m| view(m, &l.id)).collect(),
            next_cursor,
        })
    }
}
