//! SIP MESSAGE between lines (RFC 3428): an authenticated line's message is kept, answered
//! 202 Accepted, and handed to every registered device of the recipient; devices that are
//! offline get it when they register. Retransmitted over UDP until a device answers.

use super::call::token;
use super::{Engine, authenticate_line, client};
use sb_app::messages::Outgoing;
use sb_sip::Message;
use sb_sip::registrar::{self, reply};
use std::net::SocketAddr;
use std::sync::Arc;

/// A MESSAGE from a phone: checked, kept, answered, and sent on.
pub async fn receive(engine: &Arc<Engine>, msg: Message, from: SocketAddr) -> Option<Message> {
    let sender = match authenticate_line(engine, &msg, from).await {
        Ok(l) => l,
        Err(answer) => return Some(answer),
    };
    let Some(to) = msg.uri().and_then(registrar::user_of) else {
        return Some(reply(&msg, 416, "Unsupported URI Scheme", &[]));
    };
    let content_type = msg.header("content-type").unwrap_or("text/plain");
    match engine
        .app
        .accept_message(&sender, to, content_type, &msg.body)
        .await
    {
        Ok(Some(out)) => {
            tokio::spawn(deliver(engine.clone(), out));
            Some(reply(&msg, 202, "Accepted", &[]))
        }
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
pub fn flush(engine: Arc<Engine>, domain: String, username: String) {
    tokio::spawn(async move {
        match engine.app.waiting_messages(&domain, &username).await {
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
pub(crate) async fn deliver(engine: Arc<Engine>, out: Outgoing) {
    let devices = engine.devices(&out.to.aor);
    if devices.is_empty() {
        return;
    }
    let domain = out.to.sip_domain.clone();
    let from_number = out.message.from_number.clone();
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
            ("to", format!("<sip:{}@{domain}>", out.to.extension)),
            ("call-id", call_id.clone()),
            ("cseq", "1 MESSAGE".into()),
            ("content-type", out.message.content_type.clone()),
        ]);
        let body = out.message.body.clone().into_bytes();
        let m = Message::request("MESSAGE", &d.contact, headers, body);
        // One transaction per device, all at once: the first 2xx marks it delivered.
        let engine = engine.clone();
        offers.spawn(async move { client::transact(&engine, m, target).await });
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
            if let Err(e) = engine.app.message_delivered(&out.message.id).await {
                tracing::warn!(error = %e, "could not mark a message delivered");
            }
        }
    }
}
