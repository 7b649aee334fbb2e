//! SIP MESSAGE between lines (RFC 3428): an authenticated line's message is kept, answered
//! 202 Accepted, and handed to every registered device of the recipient; devices that are
//! offline get it when they register. Retransmitted over UDP until a device answers.

use crate::client::{self, Client};
use crate::ids::token;
use crate::ports::{Devices, Lines};
use sb_app::AppResult;
use sb_app::messages::Outgoing;
use sb_app::switch::SipLine;
use sb_domain::ids::MessageId;
use sb_sip::Message;
use sb_sip::registrar::{self, reply};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

#[cfg(test)]
mod tests;

/// A message kept for a line, as delivering it to the line's devices needs it.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub(crate) id: MessageId,
    /// The recipient line's address of record, its SIP domain and extension.
    pub(crate) aor: String,
    pub(crate) domain: String,
    pub(crate) extension: String,
    /// Who sent it: a number (an extension or an outside number) and maybe a name.
    pub(crate) from_number: String,
    pub(crate) from_name: Option<String>,
    pub(crate) content_type: String,
    pub(crate) body: String,
}

impl From<Outgoing> for Text {
    fn from(out: Outgoing) -> Self {
        Text {
            id: out.message.id,
            aor: out.to.aor,
            domain: out.to.sip_domain,
            extension: out.to.extension,
            from_number: out.message.from_number,
            from_name: out.from_name,
            content_type: out.message.content_type,
            body: out.message.body,
        }
    }
}

/// Where a phone's text went once kept.
pub(crate) enum Kept {
    /// For a line of the company: to its devices.
    Line(Text),
    /// To an outside number: handed to the carrier.
    Carrier,
}

/// What the messaging service asks of the rest of Switchboard: sending MESSAGEs (as client
/// transactions), the sending line proven, the recipient's devices, and the business layer
/// keeping each message until a device takes it. [`Engine`](crate::Engine) is the real one.
pub(crate) trait MessagingContext: Client + Lines + Devices {
    /// Checks and keeps a line's message to `to` (`App::accept_text`): for a line of the
    /// company, or handed to the carrier for an outside number; `None` when it is neither.
    fn accept(
        &self,
        sender: &SipLine,
        to: &str,
        content_type: &str,
        body: &[u8],
    ) -> impl Future<Output = AppResult<Option<Kept>>> + Send;
    /// The messages kept for the line of this SIP account (`App::waiting_messages`).
    fn waiting(
        &self,
        domain: &str,
        username: &str,
    ) -> impl Future<Output = AppResult<Vec<Text>>> + Send;
    /// A device took the message (`App::message_delivered`).
    fn delivered(&self, id: &MessageId) -> impl Future<Output = AppResult<()>> + Send;
}

impl MessagingContext for crate::Engine {
    async fn accept(
        &self,
        sender: &SipLine,
        to: &str,
        content_type: &str,
        body: &[u8],
    ) -> AppResult<Option<Kept>> {
        use sb_app::outside_texts::Accepted;
        Ok(
            match self.app.accept_text(sender, to, content_type, body).await? {
                Some(Accepted::Line(out)) => Some(Kept::Line(out.into())),
                Some(Accepted::Outside(t)) => {
                    self.app.post_outside_text(t);
                    Some(Kept::Carrier)
                }
                None => None,
            },
        )
    }
    async fn waiting(&self, domain: &str, username: &str) -> AppResult<Vec<Text>> {
        let kept = self.app.waiting_messages(domain, username).await?;
        Ok(kept.into_iter().map(Text::from).collect())
    }
    fn delivered(&self, id: &MessageId) -> impl Future<Output = AppResult<()>> + Send {
        self.app.message_delivered(id)
    }
}

/// A MESSAGE from a phone: checked, kept, answered, and sent on.
pub async fn receive<M: MessagingContext>(
    engine: &Arc<M>,
    msg: Message,
    from: SocketAddr,
) -> Option<Message> {
    let sender = match engine.authenticate_line(&msg, from).await {
        Ok(l) => l,
        Err(answer) => return Some(answer),
    };
    let Some(to) = msg.uri().and_then(registrar::user_of) else {
        return Some(reply(&msg, 416, "Unsupported URI Scheme", &[]));
    };
    let content_type = msg.header("content-type").unwrap_or("text/plain");
    match engine.accept(&sender, to, content_type, &msg.body).await {
        Ok(Some(Kept::Line(out))) => {
            tokio::spawn(deliver(engine.clone(), out));
            Some(reply(&msg, 202, "Accepted", &[]))
        }
        // The carrier's answer is the text's state; the phone is told it was accepted.
        Ok(Some(Kept::Carrier)) => Some(reply(&msg, 202, "Accepted", &[])),
        Ok(None) => Some(reply(&msg, 404, "Not Found", &[])),
        // RFC 3428 section 7: the sender is not allowed to send messages.
        Err(e) if e.code() == "no_sms_mms_in_package" => Some(reply(&msg, 403, "Forbidden", &[])),
        Err(e) if e.code() == "too_large" => Some(reply(&msg, 413, "Message Too Large", &[])),
        Err(e) if e.code() == "too_many_waiting" => {
            Some(reply(&msg, 480, "Temporarily Unavailable", &[]))
        }
        Err(e) if e.code() == "not_text" => Some(reply(
            &msg,
            415,
            "Unsupported Media Type",
            &[("Accept", "text/plain")],
        )),
        Err(e) => {
            tracing::warn!(error = %e, "could not keep a message");
            Some(reply(&msg, 500, "Server Error", &[]))
        }
    }
}

/// Sends the messages kept for a line that just registered.
pub fn flush<M: MessagingContext>(engine: Arc<M>, domain: String, username: String) {
    tokio::spawn(async move {
        match engine.waiting(&domain, &username).await {
            Ok(list) => {
                for out in list {
                    deliver(engine.clone(), out).await;
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read waiting messages"),
        }
    });
}

/// Offers the message to every registered device; the first 2xx marks it delivered.
pub(crate) async fn deliver<M: MessagingContext>(engine: Arc<M>, out: Text) {
    let devices = engine.devices(&out.aor);
    if devices.is_empty() {
        return;
    }
    let domain = out.domain.clone();
    let from_number = out.from_number.clone();
    let name = out
        .from_name
        .clone()
        .unwrap_or_else(|| from_number.clone())
        .replace('"', "");
    let mut offers = tokio::task::JoinSet::new();
    for d in devices {
        let Some(target) = engine.device_address(&d) else {
            continue;
        };
        let call_id = format!("{}-m", token());
        let mut headers = vec![
            ("via", engine.via(&format!("z9hG4bK{}", token()), target)),
            ("max-forwards", "70".into()),
        ];
        // Through the edge proxy the phone registered by, when it did (RFC 3327).
        headers.extend(d.path.iter().map(|p| ("route", p.clone())));
        headers.extend([
            (
                "from",
                format!("\"{name}\" <sip:{from_number}@{domain}>;tag={}", token()),
            ),
            ("to", format!("<sip:{}@{domain}>", out.extension)),
            ("call-id", call_id.clone()),
            ("cseq", "1 MESSAGE".into()),
            ("content-type", out.content_type.clone()),
        ]);
        let body = out.body.clone().into_bytes();
        let m = Message::request("MESSAGE", &d.contact, headers, body);
        // One transaction per device, all at once: the first 2xx marks it delivered.
        let engine = engine.clone();
        offers.spawn(async move { client::transact(engine.as_ref(), m, target).await });
    }
    let mut delivered = false;
    while let Some(answer) = offers.join_next().await {
        let ok = answer
            .ok()
            .flatten()
            .and_then(|m| m.code())
            .is_some_and(|c| (200..300).contains(&c));
        if ok && !delivered {
            delivered = true;
            if let Err(e) = engine.delivered(&out.id).await {
                tracing::warn!(error = %e, "could not mark a message delivered");
            }
        }
    }
}
