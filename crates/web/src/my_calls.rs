//! "My homepage"'s call controls: presence changed in one click, "Forward all calls" per line
//! with the person's saved numbers, and what came in since (new voicemail, missed calls).

use crate::WebState;
use crate::session::{self, Session};
use crate::zone::Zone;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::call_log::CallsOf;
use sb_app::views::{CallDirection, MeView, PresenceView, SavedNumbersDoc};
use sb_domain::query::CallFilter;
use sb_domain::routing::Presence;
use serde::Deserialize;

/// How many missed calls the home page lists, newest first.
const MISSED_SHOWN: usize = 5;

/// One of the presence buttons; `pressed` for the status in force.
pub struct PresenceButton {
    pub value: &'static str,
    pub pressed: bool,
}

/// A line's "Forward all calls" box: where its calls go now, and what was typed when a
/// change was refused (with the reason).
pub struct ForwardRow {
    pub line_id: String,
    pub extension: String,
    pub to: Option<String>,
    pub typed: String,
    pub error: Option<String>,
}

/// A line's new (unheard) voicemail.
pub struct LineNews {
    pub extension: String,
    pub new_messages: i64,
}

/// A missed call as the person's company's clock shows it.
pub struct MissedRow {
    pub when: String,
    pub number: String,
    pub name: String,
    pub extension: String,
}

/// Everything of the call controls the home page shows.
pub struct CallsBox {
    pub presence: Vec<PresenceButton>,
    pub forward: Vec<ForwardRow>,
    pub saved: Vec<String>,
    pub news: Vec<LineNews>,
    pub missed: Vec<MissedRow>,
}

/// A refused "Forward all calls": the line, what was typed and why.
pub struct Refusal {
    pub line_id: String,
    pub typed: String,
    pub text: String,
}

const PRESENCES: [Presence; 4] = [
    Presence::Available,
    Presence::Away,
    Presence::Busy,
    Presence::DoNotDisturb,
];

/// Reads the call controls of `me`'s lines; a part that cannot be read is left out rather
/// than failing the home page.
pub async fn load(
    s: &WebState,
    session: &Session,
    me: &MeView,
    refusal: Option<Refusal>,
) -> CallsBox {
    let me_id = session.actor.user_id.to_string();
    let saved = s
        .app
        .saved_numbers(&session.actor, &me_id)
        .await
        .map(|d| d.numbers)
        .unwrap_or_default();
    let mut forward = Vec::with_capacity(me.lines.len());
    let mut news = Vec::with_capacity(me.lines.len());
    for l in &me.lines {
        let to = match s.app.get_call_handling(&session.actor, &l.id).await {
            Ok(doc) => doc.forward_all,
            Err(_) => continue,
        };
        let (typed, error) = match &refusal {
            Some(r) if r.line_id == l.id => (r.typed.clone(), Some(r.text.clone())),
            _ => (String::new(), None),
        };
        forward.push(ForwardRow {
            line_id: l.id.clone(),
            extension: l.extension.clone(),
            to,
            typed,
            error,
        });
        // One of the person's own lines (`me`), so the count is theirs to see.
        let line = sb_domain::ids::LineId::from_raw(l.id.clone());
        if let Ok((new_messages, _)) = s.app.voicemail_counts(&line).await {
            news.push(LineNews {
                extension: l.extension.clone(),
                new_messages,
            });
        }
    }
    CallsBox {
        presence: PRESENCES
            .iter()
            .map(|p| PresenceButton {
                value: p.as_str(),
                pressed: *p == me.presence,
            })
            .collect(),
        forward,
        saved,
        news,
        missed: missed(s, session, me).await,
    }
}

/// The newest missed calls over all of `me`'s lines.
async fn missed(s: &WebState, session: &Session, me: &MeView) -> Vec<MissedRow> {
    let zone = Zone::named(me.company.as_ref().map_or("UTC", |c| c.time_zone.as_str()));
    let filter = CallFilter {
        direction: Some(CallDirection::Missed.as_str().to_owned()),
        ..CallFilter::default()
    };
    let mut all = Vec::new();
    for l in &me.lines {
        let of = CallsOf::Line(l.id.clone());
        let page = sb_app::Page::first(MISSED_SHOWN as i64);
        if let Ok(p) = s.app.calls(&session.actor, &of, filter.clone(), page).await {
            all.extend(p.items.into_iter().map(|r| (r, l.extension.clone())));
        }
    }
    // RFC 3339 in UTC sorts as text in time order.
    all.sort_by(|a, b| b.0.started_at.cmp(&a.0.started_at));
    all.into_iter()
        .take(MISSED_SHOWN)
        .map(|(r, extension)| MissedRow {
            when: zone.local(&r.started_at),
            number: r.other_number,
            name: r.other_name.unwrap_or_default(),
            extension,
        })
        .collect()
}

#[derive(Deserialize)]
pub struct PresenceForm {
    #[serde(default)]
    csrf: String,
    status: String,
}

/// "Presence" in one click; do not disturb sends the next caller to the busy handling.
pub async fn presence(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PresenceForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(status) = Presence::from_text(&f.status) else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    let me = session.actor.user_id.to_string();
    match s
        .app
        .set_presence(&session.actor, &me, PresenceView { status })
        .await
    {
        Ok(_) => Redirect::to("/my?done=presence").into_response(),
        Err(e) => refused(&session, &e),
    }
}

#[derive(Deserialize)]
pub struct ForwardForm {
    #[serde(default)]
    pub(crate) csrf: String,
    line_id: String,
    #[serde(default)]
    number: String,
    /// "on" forwards to `number`; "off" stops forwarding.
    action: String,
    /// Add the number to the saved numbers.
    #[serde(default)]
    save: Option<String>,
}

/// What became of a "Forward all calls" form.
pub enum ForwardOutcome {
    /// Changed; the home page's notice key for it.
    Done(&'static str),
    NotFound,
    /// Neither "on" nor "off".
    BadAction,
    Refused(Refusal),
}

/// "Forward all calls to" a number, or stop forwarding: the line's call-handling document
/// changed in that one field, under the same checks as the API's.
pub async fn change_forward(s: &WebState, session: &Session, f: ForwardForm) -> ForwardOutcome {
    let number = f.number.trim().to_owned();
    let to = match f.action.as_str() {
        "on" => Some(number.clone()),
        "off" => None,
        _ => return ForwardOutcome::BadAction,
    };
    let outcome = set_forward(s, session, &f.line_id, to.clone()).await;
    let outcome = match (outcome, &f.save) {
        (Ok(()), Some(_)) if to.is_some() => save_number(s, session, &number).await,
        (o, _) => o,
    };
    match outcome {
        Ok(()) if to.is_some() => ForwardOutcome::Done("forward"),
        Ok(()) => ForwardOutcome::Done("unforward"),
        Err(AppError::NotFound) => ForwardOutcome::NotFound,
        Err(e) => ForwardOutcome::Refused(Refusal {
            line_id: f.line_id,
            typed: number,
            text: crate::i18n::errors::refusal_text(session.me.language, &e),
        }),
    }
}

async fn set_forward(
    s: &WebState,
    session: &Session,
    line: &str,
    to: Option<String>,
) -> Result<(), AppError> {
    let mut doc = s.app.get_call_handling(&session.actor, line).await?;
    doc.forward_all = to;
    s.app
        .put_call_handling(&session.actor, line, doc)
        .await
        .map(|_| ())
}

/// Adds `number` to the person's saved numbers, after those kept (the use case drops a
/// number already there and checks the limit).
async fn save_number(s: &WebState, session: &Session, number: &str) -> Result<(), AppError> {
    let me = session.actor.user_id.to_string();
    let mut saved = s.app.saved_numbers(&session.actor, &me).await?.numbers;
    saved.push(number.to_owned());
    s.app
        .set_saved_numbers(&session.actor, &me, SavedNumbersDoc { numbers: saved })
        .await
        .map(|_| ())
}

fn refused(session: &Session, e: &AppError) -> Response {
    match e {
        AppError::NotFound => StatusCode::NOT_FOUND.into_response(),
        e => {
            let text = crate::i18n::errors::refusal_text(session.me.language, e);
            (StatusCode::UNPROCESSABLE_ENTITY, text).into_response()
        }
    }
}
