//! Subscriptions (RFC 6665): message-waiting (`message-summary`, RFC 3842) for a line's own
//! mailbox, and busy-lamp fields (`dialog`, RFC 4235) for another line of the company. A line
//! authenticates its SUBSCRIBE like an INVITE; Switchboard answers 200 and sends NOTIFYs in that
//! dialog: one at once, and for `dialog` one each time the watched line starts ringing, is
//! answered or goes idle.

use crate::client::{self, Client};
use crate::ids::token;
use crate::line_state::LineState;
use crate::ports::Lines;
use parking_lot::Mutex;
use sb_app::AppResult;
use sb_app::switch::SipLine;
use sb_domain::ids::{CompanyId, LineId};
use sb_sip::Message;
use sb_sip::registrar::{self, reply, uri_of};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

#[cfg(test)]
mod tests;

/// What the presence service asks of the rest of Switchboard: its own state, sending NOTIFYs
/// (as client transactions), the subscribing line proven, the watched line found by its
/// extension, and a mailbox's counts. [`Engine`](crate::Engine) is the real one.
pub(crate) trait PresenceContext: Client + Lines {
    /// The subscriptions and what each watched line is doing.
    fn presence(&self) -> &Presence;
    /// The line with this extension in the company (`App::sip_line_by_extension`).
    fn line_by_extension(
        &self,
        company: &CompanyId,
        extension: &str,
    ) -> impl Future<Output = AppResult<Option<SipLine>>> + Send;
    /// New and old messages in a line's mailbox (`App::voicemail_counts`).
    fn voicemail_counts(&self, line: &LineId)
    -> impl Future<Output = AppResult<(i64, i64)>> + Send;
}

impl PresenceContext for crate::Engine {
    fn presence(&self) -> &Presence {
        &self.presence
    }
    fn line_by_extension(
        &self,
        company: &CompanyId,
        extension: &str,
    ) -> impl Future<Output = AppResult<Option<SipLine>>> + Send {
        self.app.sip_line_by_extension(company, extension)
    }
    fn voicemail_counts(
        &self,
        line: &LineId,
    ) -> impl Future<Output = AppResult<(i64, i64)>> + Send {
        self.app.voicemail_counts(line)
    }
}

#[derive(Debug, Clone)]
enum Package {
    /// The subscriber's own mailbox.
    Mwi { account: String, line: LineId },
    /// Another line's calls.
    Dialog { line: LineId, entity: String },
}

/// One subscription: a dialog Switchboard sends NOTIFYs in.
#[derive(Debug, Clone)]
pub struct Subscription {
    call_id: String,
    our_tag: String,
    /// The subscriber's From (with its tag): our NOTIFYs' To.
    their_from: String,
    /// The subscriber's To: our NOTIFYs' From, with our tag.
    their_to: String,
    contact: String,
    target: SocketAddr,
    package: Package,
    /// The subscribing line.
    owner: LineId,
    cseq: u32,
    /// The highest CSeq of our NOTIFYs the subscriber answered 2xx.
    confirmed: u32,
    version: u32,
    expires: Instant,
}

/// The presence service's own state.
#[derive(Default)]
pub(crate) struct Presence {
    /// Subscriptions by their Call-ID.
    subscriptions: Mutex<HashMap<String, Subscription>>,
    /// What each line with a call is doing, for busy-lamp subscriptions.
    line_states: Mutex<HashMap<LineId, LineState>>,
}

impl Presence {
    /// What `line` is doing now.
    pub(crate) fn line_state(&self, line: &LineId) -> LineState {
        self.line_states
            .lock()
            .get(line)
            .copied()
            .unwrap_or(LineState::Idle)
    }

    /// Records what `line` is doing; whether that changed.
    pub(crate) fn set_line_state(&self, line: &LineId, state: LineState) -> bool {
        let mut m = self.line_states.lock();
        let before = if state == LineState::Idle {
            m.remove(line)
        } else {
            m.insert(line.clone(), state)
        };
        before.unwrap_or(LineState::Idle) != state
    }
}

const MAX_EXPIRES: u64 = 3600;

/// Subscriptions one line may hold (lamps for a whole attendant console fit).
const MAX_PER_LINE: usize = 100;

/// A SUBSCRIBE outside a dialog (a new subscription) or inside one (refresh or end).
#[expect(
    clippy::too_many_lines,
    reason = "RFC 6665 section 4.2's steps for a SUBSCRIBE: authenticate, find the watched line, refresh or end, answer"
)]
pub async fn subscribe<P: PresenceContext>(
    engine: &Arc<P>,
    msg: Message,
    from: SocketAddr,
) -> Option<Message> {
    let expires = msg
        .header("expires")
        .and_then(|e| e.trim().parse::<u64>().ok())
        .unwrap_or(MAX_EXPIRES)
        .min(MAX_EXPIRES);
    let call_id = msg.header("call-id")?.to_owned();
    if msg.tag("to").is_some() {
        // A refresh comes from the subscriber's host, inside its dialog: a Call-ID alone is
        // not enough to keep somebody's subscription alive or to end it.
        let known = engine
            .presence()
            .subscriptions
            .lock()
            .get(&call_id)
            .is_some_and(|s| {
                s.target.ip() == from.ip() && msg.tag("to") == Some(s.our_tag.as_str())
            });
        if !known {
            return Some(reply(&msg, 481, "Subscription Does Not Exist", &[]));
        }
        let answer = reply(&msg, 200, "OK", &[("Expires", &expires.to_string())]);
        engine.send(&answer, from).await;
        notify(engine, &call_id, Some(expires)).await;
        return None;
    }
    let line = match engine.authenticate_line(&msg, from).await {
        Ok(l) => l,
        Err(answer) => return Some(answer),
    };
    let event = msg
        .header("event")
        .map(|e| {
            e.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let package = match event.as_str() {
        "message-summary" => Package::Mwi {
            account: format!("sip:{}@{}", line.extension, line.sip_domain),
            line: line.id.clone(),
        },
        "dialog" => {
            let ext = msg.uri().and_then(registrar::user_of).unwrap_or("");
            match engine.line_by_extension(&line.company_id, ext).await {
                Ok(Some(watched)) => Package::Dialog {
                    entity: format!("sip:{}@{}", watched.extension, watched.sip_domain),
                    line: watched.id,
                },
                Ok(None) => return Some(reply(&msg, 404, "Not Found", &[])),
                Err(_) => return Some(reply(&msg, 500, "Server Error", &[])),
            }
        }
        _ => {
            return Some(reply(
                &msg,
                489,
                "Bad Event",
                &[("Allow-Events", "message-summary, dialog")],
            ));
        }
    };
    let answer = reply(
        &msg,
        200,
        "OK",
        &[
            ("Expires", &expires.to_string()),
            ("Contact", &engine.contact_for(from)),
        ],
    );
    let sub = Subscription {
        call_id: call_id.clone(),
        our_tag: answer.tag("to").unwrap_or_default().to_owned(),
        their_from: msg.header("from").unwrap_or_default().to_owned(),
        their_to: msg.header("to").unwrap_or_default().to_owned(),
        contact: msg
            .header("contact")
            .map(uri_of)
            .unwrap_or_default()
            .to_owned(),
        target: from,
        package,
        owner: line.id.clone(),
        cseq: 0,
        confirmed: 0,
        version: 0,
        expires: Instant::now() + Duration::from_secs(expires),
    };
    let room = {
        let mut subs = engine.presence().subscriptions.lock();
        subs.retain(|_, s| s.expires > Instant::now());
        let of_line = subs.values().filter(|s| s.owner == sub.owner).count();
        let room = subs.len() < 100_000 && of_line < MAX_PER_LINE;
        if room {
            subs.insert(call_id.clone(), sub);
        }
        room
    };
    if !room {
        return Some(reply(&msg, 403, "Too Many Subscriptions", &[]));
    }
    engine.send(&answer, from).await;
    notify(engine, &call_id, Some(expires)).await;
    None
}

/// Tells the watchers of `line` what it is doing now.
pub async fn line_changed<P: PresenceContext>(engine: &Arc<P>, line: &LineId) {
    let ids: Vec<String> = engine
        .presence()
        .subscriptions
        .lock()
        .values()
        .filter(|s| matches!(&s.package, Package::Dialog { line: l, .. } if l == line))
        .map(|s| s.call_id.clone())
        .collect();
    for id in ids {
        notify(engine, &id, None).await;
    }
}

/// Tells the subscribers to `line`'s mailbox how many messages it holds now.
pub async fn mailbox_changed<P: PresenceContext>(engine: &Arc<P>, line: &LineId) {
    let ids: Vec<String> = engine
        .presence()
        .subscriptions
        .lock()
        .values()
        .filter(|s| matches!(&s.package, Package::Mwi { line: l, .. } if l == line))
        .map(|s| s.call_id.clone())
        .collect();
    for id in ids {
        notify(engine, &id, None).await;
    }
}

/// Sends the current state in a subscription; `refresh` sets a new expiry first (0 ends the
/// subscription with this NOTIFY).
async fn notify<P: PresenceContext>(engine: &Arc<P>, call_id: &str, refresh: Option<u64>) {
    // A mailbox's counts come from the database, before the table is locked.
    let mailbox = engine
        .presence()
        .subscriptions
        .lock()
        .get(call_id)
        .and_then(|s| match &s.package {
            Package::Mwi { line, .. } => Some(line.clone()),
            Package::Dialog { .. } => None,
        });
    let (new, old) = match mailbox {
        Some(line) => engine.voicemail_counts(&line).await.unwrap_or((0, 0)),
        None => (0, 0),
    };
    let state = |line: &LineId| engine.presence().line_state(line);
    let sent = {
        let mut subs = engine.presence().subscriptions.lock();
        let Some(sub) = subs.get_mut(call_id) else {
            return;
        };
        if let Some(secs) = refresh {
            sub.expires = Instant::now() + Duration::from_secs(secs);
        }
        sub.cseq += 1;
        sub.version += 1;
        let left = sub
            .expires
            .saturating_duration_since(Instant::now())
            .as_secs();
        let (event, content_type, body) = match &sub.package {
            Package::Mwi { account, .. } => (
                "message-summary",
                "application/simple-message-summary",
                format!(
                    "Messages-Waiting: {}\r\nMessage-Account: {account}\r\nVoice-Message: {new}/{old} (0/0)\r\n",
                    if new > 0 { "yes" } else { "no" }
                ),
            ),
            Package::Dialog { line, entity } => {
                let dialog = match state(line) {
                    LineState::Idle => String::new(),
                    LineState::Early => format!(
                        "<dialog id=\"{line}\" direction=\"recipient\"><state>early</state></dialog>"
                    ),
                    LineState::Confirmed => {
                        format!("<dialog id=\"{line}\"><state>confirmed</state></dialog>")
                    }
                };
                (
                    "dialog",
                    "application/dialog-info+xml",
                    format!(
                        "<?xml version=\"1.0\"?>\r\n<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"{}\" state=\"full\" entity=\"{entity}\">{dialog}</dialog-info>\r\n",
                        sub.version - 1
                    ),
                )
            }
        };
        let subscription_state = if left == 0 {
            "terminated;reason=timeout".to_owned()
        } else {
            format!("active;expires={left}")
        };
        let branch = format!("z9hG4bK{}", token());
        let m = Message::request(
            "NOTIFY",
            &sub.contact,
            vec![
                ("via", engine.via(&branch, sub.target)),
                ("max-forwards", "70".into()),
                ("from", format!("{};tag={}", sub.their_to, sub.our_tag)),
                ("to", sub.their_from.clone()),
                ("call-id", sub.call_id.clone()),
                ("cseq", format!("{} NOTIFY", sub.cseq)),
                ("contact", engine.contact_for(sub.target)),
                ("event", event.to_owned()),
                ("subscription-state", subscription_state),
                ("content-type", content_type.to_owned()),
            ],
            body.into_bytes(),
        );
        let (target, our_tag, cseq) = (sub.target, sub.our_tag.clone(), sub.cseq);
        if left == 0 {
            subs.remove(call_id);
        }
        (m, target, our_tag, cseq)
    };
    let (m, target, our_tag, cseq) = sent;
    let notify = SentNotify {
        call_id: call_id.to_owned(),
        our_tag,
        cseq,
    };
    send_reliably(engine, m, target, notify).await;
}

/// Which NOTIFY of which subscription is waiting for its answer.
struct SentNotify {
    call_id: String,
    our_tag: String,
    cseq: u32,
}

/// Sends a NOTIFY as a non-INVITE client transaction (`client`: repeated over UDP until
/// answered, given up after Timer F). A subscriber that never answers, or answers 481 (it knows
/// no such subscription), loses the subscription (RFC 6665 section 4.2.2): busy lamps and
/// message-waiting stop going to a phone that is gone.
async fn send_reliably<P: PresenceContext>(
    engine: &Arc<P>,
    m: Message,
    target: SocketAddr,
    sent: SentNotify,
) {
    // The first copy goes out before this returns, so NOTIFYs leave in CSeq order.
    let Some(started) = client::start(engine.as_ref(), m, target).await else {
        return;
    };
    let engine = engine.clone();
    tokio::spawn(async move {
        let answer = started.answer(engine.as_ref()).await.and_then(|m| m.code());
        settle(engine.as_ref(), &sent, answer);
    });
}

/// Notes what became of a NOTIFY. A failure ends the subscription only if it is still the
/// one the NOTIFY was sent in (a new SUBSCRIBE may have reused the Call-ID) and no later NOTIFY
/// of it was taken (a lost NOTIFY during a blip says nothing once a later one got through).
fn settle<P: PresenceContext>(engine: &P, sent: &SentNotify, answer: Option<u16>) {
    let mut subs = engine.presence().subscriptions.lock();
    let Some(sub) = subs
        .get_mut(&sent.call_id)
        .filter(|s| s.our_tag == sent.our_tag)
    else {
        return;
    };
    match answer {
        Some(200..=299) => sub.confirmed = sub.confirmed.max(sent.cseq),
        None | Some(408 | 481) if sub.confirmed < sent.cseq => {
            tracing::info!(code = ?answer, "a subscriber did not take a NOTIFY: subscription ended");
            subs.remove(&sent.call_id);
        }
        _ => {}
    }
}
