//! "Send SMS": texts to colleagues and outside numbers from one of the person's own lines, and
//! the line's messages sent and received, newest first; through the use cases of `GET` and
//! `POST /api/v1/lines/{id}/messages`. A text goes to the colleague's phones at once (as SIP
//! MESSAGE) and waits for those offline; one to an outside number goes through the company's
//! trunk. Sending needs SMS/MMS in the person's package. With `with`, only the conversation
//! with that party is shown (the inbox links here), which marks its received texts seen.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::my_call_log::{has_portal, own_line};
use crate::session::{self, Session, signed_in};
use crate::users::Choice;
use crate::zone::Zone;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::views::{MeView, MessageView, SendMessageInput};
use sb_domain::model::Feature;
use serde::Deserialize;

pub const PATH: &str = "/my/messages";

/// Messages shown, newest first.
const SHOWN: i64 = 50;

#[derive(Deserialize, Default)]
pub struct TextsQuery {
    line: Option<String>,
    /// Only the conversation with this party (an extension or number), oldest first; opening
    /// it marks its received texts seen.
    with: Option<String>,
    done: Option<String>,
}

/// The send form as typed.
#[derive(Deserialize, Default)]
pub struct SendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    line: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    body: String,
}

/// A message as a row: who, when, what, and whether it reached a phone.
struct Row {
    sent: bool,
    other: String,
    at: String,
    body: String,
    /// Its delivery state's text key.
    state: &'static str,
    /// Why the carrier refused it.
    failure: String,
}

/// One of the person's lines and its messages.
struct Texts {
    line_id: String,
    extension: String,
    lines: Vec<Choice>,
    rows: Vec<Row>,
    /// Whether the person's package lets them send.
    may_send: bool,
    /// The other party when only one conversation is shown.
    with: Option<String>,
}

#[derive(Template)]
#[template(path = "my_texts.html")]
struct Page {
    c: Chrome,
    texts: Option<Texts>,
    typed: SendForm,
    /// The field a refusal belongs to (`to` or `body`) and its text.
    problem: Option<(&'static str, String)>,
}

impl Page {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, t)| t.as_str())
    }
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "tx_title");
    Chrome::signed_in(session, title, PATH)
}

/// `GET /my/messages?line=`: the line's messages and the send form.
pub async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<TextsQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut c = chrome(&session);
    if q.done.as_deref() == Some("sent") {
        c.info = Some(c.t("tx_sent").to_owned());
    }
    let with = q.with.filter(|w| !w.is_empty());
    let typed = SendForm {
        line: q.line.unwrap_or_default(),
        to: with.clone().unwrap_or_default(),
        ..SendForm::default()
    };
    show(&s, &session, c, typed, with, None).await
}

/// The page for the line of `typed`, with `problem` by its field.
async fn show(
    s: &WebState,
    session: &Session,
    mut c: Chrome,
    typed: SendForm,
    with: Option<String>,
    problem: Option<(&'static str, String)>,
) -> Response {
    let texts = match read(s, session, &typed.line, with).await {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            c.alert = Some(c.t("no_portal").to_owned());
            None
        }
        Err(e) => {
            let (status, alert) = crate::layout::refusal(&c, &e);
            c.alert = Some(alert);
            let page = Page {
                c,
                texts: None,
                typed,
                problem: None,
            };
            return render(status, &page);
        }
    };
    let status = match &problem {
        Some((_, text)) => {
            c.alert = Some(text.clone());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = Page {
        c,
        texts,
        typed,
        problem,
    };
    render(status, &page)
}

/// The person's line asked for (else their default, else their first) and its messages; `None`
/// without the portal. A line that is not theirs is not found.
async fn read(
    s: &WebState,
    session: &Session,
    asked: &str,
    with: Option<String>,
) -> Result<Option<Texts>, AppError> {
    let me: MeView = s.app.me(&session.actor).await?;
    if !has_portal(&me) {
        return Ok(None);
    }
    let (line, lines) = own_line(&me, Some(asked))?;
    let Some(line) = line else {
        return Err(AppError::NotFound);
    };
    let page = sb_app::Page {
        after: None,
        limit: SHOWN,
    };
    let items = match &with {
        Some(w) => s.app.conversation(&session.actor, &line.id, w).await?,
        None => {
            let found = s.app.line_messages(&session.actor, &line.id, page).await?;
            found.items
        }
    };
    let zone = Zone::named(me.company.as_ref().map_or("UTC", |c| c.time_zone.as_str()));
    Ok(Some(Texts {
        rows: items.into_iter().map(|m| row(m, &zone)).collect(),
        with,
        may_send: me.features.contains(&Feature::SmsMms),
        lines,
        line_id: line.id,
        extension: line.extension,
    }))
}

fn row(m: MessageView, zone: &Zone) -> Row {
    let sent = m.direction == "sent";
    Row {
        other: if sent {
            m.to_number.or(m.to_line_id).unwrap_or_default()
        } else {
            m.from_number
        },
        at: zone.local(&m.created_at),
        body: m.body,
        state: match m.state.as_str() {
            "delivered" => "tx_delivered",
            "sending" => "tx_sending",
            "sent" => "tx_sent_state",
            "failed" => "tx_failed",
            _ => "tx_waiting",
        },
        failure: m.failure.unwrap_or_default(),
        sent,
    }
}

/// `POST /my/messages`: sends the text; a refusal is shown by its field with what was typed.
pub async fn send(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<SendForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = SendMessageInput {
        to: f.to.clone(),
        body: f.body.clone(),
    };
    match s.app.send_message(&session.actor, &f.line, input).await {
        Ok(_) => {
            let to = format!("{PATH}?line={}&done=sent", crate::users::enc(&f.line));
            Redirect::to(&to).into_response()
        }
        Err(e @ AppError::Invalid(_)) => {
            let field = match &e {
                AppError::Invalid(i) if i.field == "to" => "to",
                AppError::Invalid(i) if i.field == "body" => "body",
                _ => "",
            };
            let text = crate::i18n::errors::refusal_text(session.me.language, &e);
            show(&s, &session, chrome(&session), f, None, Some((field, text))).await
        }
        Err(e) => {
            let mut c = chrome(&session);
            let (status, alert) = crate::layout::refusal(&c, &e);
            c.alert = Some(alert);
            let page = Page {
                c,
                texts: None,
                typed: f,
                problem: None,
            };
            render(status, &page)
        }
    }
}
