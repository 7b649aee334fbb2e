//! Texts with outside numbers through a company's trunk, as SIP MESSAGE (RFC 3428): a
//! carrier's MESSAGE for one of the company's numbers (admitted as a carrier's INVITE is, see
//! `admission::from_trunk`) goes to the line the number rings; a line's text to an outside
//! number goes to the carrier, whose answer (after one digest challenge answered with the
//! trunk's credentials, as for calls) says whether it was sent.

use super::{Engine, admission, client, messaging};
use crate::ids::token;
use sb_app::outside_texts::OutsideText;
use sb_sip::Message;
use sb_sip::registrar::{self, reply};
use std::net::SocketAddr;
use std::sync::Arc;

/// A new MESSAGE: a carrier's, for one of a company's numbers, else a phone's (authenticated
/// as its line by `messaging::receive`).
pub(crate) async fn receive(
    engine: &Arc<Engine>,
    msg: Message,
    from: SocketAddr,
) -> Option<Message> {
    let signed =
        msg.header("authorization").is_some() || msg.header("proxy-authorization").is_some();
    if !signed && let Some(carrier) = admission::from_trunk(engine, &msg, from).await {
        return Some(from_carrier(engine, &msg, &carrier.company, &carrier.number).await);
    }
    messaging::receive(engine, msg, from).await
}

/// A carrier's text: kept for the line, answered, and handed to the line's phones.
async fn from_carrier(
    engine: &Arc<Engine>,
    msg: &Message,
    company: &sb_domain::ids::CompanyId,
    sender: &str,
) -> Message {
    let Some(to) = msg.uri().and_then(registrar::user_of) else {
        return reply(msg, 416, "Unsupported URI Scheme", &[]);
    };
    let content_type = msg.header("content-type").unwrap_or("text/plain");
    let accepted = engine
        .app
        .accept_outside_text(company, sender, to, content_type, &msg.body)
        .await;
    match accepted {
        Ok(Some(out)) => {
            tokio::spawn(messaging::deliver(engine.clone(), out.into()));
            reply(msg, 202, "Accepted", &[])
        }
        Ok(None) => reply(msg, 404, "Not Found", &[]),
        Err(e) => refusal(msg, e.code()).unwrap_or_else(|| {
            tracing::warn!(error = %e, "could not keep a carrier's text");
            reply(msg, 500, "Server Error", &[])
        }),
    }
}

/// The answer to a text refused for `code` (RFC 3428 section 7), if it is one of the refusals.
fn refusal(msg: &Message, code: &str) -> Option<Message> {
    Some(match code {
        "no_sms_mms_in_package" => reply(msg, 403, "Forbidden", &[]),
        "too_large" => reply(msg, 413, "Message Too Large", &[]),
        "too_many_waiting" => reply(msg, 480, "Temporarily Unavailable", &[]),
        "not_text" => reply(
            msg,
            415,
            "Unsupported Media Type",
            &[("Accept", "text/plain")],
        ),
        _ => return None,
    })
}

/// The MESSAGE carrying `t` to its carrier, with `auth` (a digest answer's header and value).
fn request(t: &OutsideText, engine: &Engine, cseq: u32, auth: Option<(&str, String)>) -> Message {
    let addr = t.trunk.address;
    let ruri = format!("sip:{}@{addr}", t.to);
    let mut headers = vec![
        ("via", engine.via(&format!("z9hG4bK{}", token()), addr)),
        ("max-forwards", "70".to_owned()),
        (
            "from",
            format!("<sip:{}@{}>;tag={}", t.from, t.domain, t.message.id),
        ),
        ("to", format!("<sip:{}@{addr}>", t.to)),
        ("call-id", format!("{}-t", t.message.id)),
        ("cseq", format!("{cseq} MESSAGE")),
        // As for calls (RFC 3325): the number the company's calls present.
        (
            "p-asserted-identity",
            format!("<sip:{}@{}>", t.from, t.domain),
        ),
        ("content-type", t.message.content_type.clone()),
    ];
    headers.extend(auth);
    Message::request(
        "MESSAGE",
        &ruri,
        headers,
        t.message.body.clone().into_bytes(),
    )
}

/// A text sent through the API or a portal goes at once to the recipient's phones, or to its
/// carrier for an outside number, each in a task of its own (a phone that never answers holds
/// only its own transaction).
pub(crate) fn follow_posted(engine: &Arc<Engine>) {
    let messenger = engine.clone();
    super::follow(engine.app.posted_messages(), move |out| {
        tokio::spawn(messaging::deliver(messenger.clone(), out.into()));
        std::future::ready(())
    });
    let carrier = engine.clone();
    super::follow(engine.app.posted_outside_texts(), move |t| {
        tokio::spawn(send(carrier.clone(), t));
        std::future::ready(())
    });
}

/// Hands a text to its carrier and records whether it took it.
pub(crate) async fn send(engine: Arc<Engine>, t: OutsideText) {
    let addr = t.trunk.address;
    let mut answer = client::transact(&*engine, request(&t, &engine, 1, None), addr).await;
    if let Some(m) = &answer
        && matches!(m.code(), Some(401 | 407))
        && let Some(auth) = digest_answer(&t, m)
    {
        answer = client::transact(&*engine, request(&t, &engine, 2, Some(auth)), addr).await;
    }
    let recorded = match answer.as_ref().and_then(|m| m.code().map(|c| (c, m))) {
        Some((200..=299, _)) => engine.app.text_sent(&t.message.id).await,
        Some((code, m)) => {
            let why = format!("{code} {}", m.reason().unwrap_or_default());
            engine.app.text_failed(&t.message.id, why.trim()).await
        }
        None => {
            let why = "no answer from the carrier";
            engine.app.text_failed(&t.message.id, why).await
        }
    };
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not record a text's delivery");
    }
}

/// The trunk's answer to the carrier's digest challenge `m` (401 or 407), when it has
/// credentials.
fn digest_answer(t: &OutsideText, m: &Message) -> Option<(&'static str, String)> {
    let (user, password) = t.trunk.credentials.as_ref()?;
    let (asked, header) = if m.code() == Some(407) {
        ("proxy-authenticate", "proxy-authorization")
    } else {
        ("www-authenticate", "authorization")
    };
    let ruri = format!("sip:{}@{}", t.to, t.trunk.address);
    let answer = m
        .headers_named(asked)
        .filter_map(sb_sip::digest::parse_challenge)
        .find_map(|ch| sb_sip::digest::answer(&ch, "MESSAGE", &ruri, user, password, &token()))?;
    Some((header, answer))
}
