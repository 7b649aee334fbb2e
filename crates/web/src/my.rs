//! "My homepage": the person's profile, presence, lines, queues and working hours; the call
//! controls on it are `my_calls`.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::my_calls::{CallsBox, ForwardForm, ForwardOutcome, Refusal};
use crate::session::{self, Session, signed_in};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::queue_board::AgentQueueLive;
use sb_app::queues::{AgentKind, MyQueueView};
use sb_app::views::{DayDoc, DayRuleKind, MeView};
use sb_domain::model::{Feature, Role};
use serde::Deserialize;

struct LineRow {
    extension: String,
    default: bool,
    numbers: String,
    presentation: String,
}

/// A queue the person answers for; `status` and `button` are text keys, `next` what the button
/// asks for.
struct QueueRow {
    queue_id: String,
    name: String,
    extension: String,
    line_id: String,
    line_extension: String,
    status: &'static str,
    button: &'static str,
    next: bool,
    call_in_extension: Option<String>,
}

/// A weekday's availability: text keys, and the hours when unavailable between two times.
struct DayRow {
    day: &'static str,
    rule: &'static str,
    between: Option<String>,
}

struct Home {
    name: String,
    email: String,
    lines: Vec<LineRow>,
    /// The extension this sign-in is for, when there is one.
    signed_in: Option<String>,
    queues: Vec<QueueRow>,
    hours: Option<Vec<DayRow>>,
    calls: CallsBox,
    /// The live figures of the queues the person answers for.
    live: Vec<AgentQueueLive>,
}

#[derive(Template)]
#[template(path = "my_home.html")]
struct MyHome {
    c: Chrome,
    /// None when the person's package has no user portal.
    home: Option<Home>,
}

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn lines(me: &MeView) -> Vec<LineRow> {
    me.lines
        .iter()
        .map(|l| LineRow {
            extension: l.extension.clone(),
            default: me.default_line_id.as_deref() == Some(l.id.as_str()),
            numbers: l.numbers.join(", "),
            presentation: l.presentation_number.clone().unwrap_or_default(),
        })
        .collect()
}

/// A call-in agent is counted in while dialled in, so the page shows them in and how to dial.
fn queue_row(q: MyQueueView) -> QueueRow {
    let call_in = q.kind == AgentKind::CallIn;
    QueueRow {
        status: if q.logged_in || call_in {
            "logged_in"
        } else {
            "logged_out"
        },
        button: if q.logged_in { "log_out" } else { "log_in" },
        next: !q.logged_in,
        call_in_extension: q.call_in_extension.filter(|_| call_in),
        queue_id: q.queue_id,
        name: q.queue_name,
        extension: q.extension,
        line_id: q.line_id,
        line_extension: q.line_extension,
    }
}

fn day_row(day: &'static str, d: &DayDoc) -> DayRow {
    let (rule, between) = match d.rule {
        DayRuleKind::AvailableAllDay => ("available_all_day", None),
        DayRuleKind::UnavailableAllDay => ("unavailable_all_day", None),
        DayRuleKind::UnavailableBetween => (
            "unavailable_between",
            Some(format!(
                "{}–{}",
                d.from.as_deref().unwrap_or(""),
                d.to.as_deref().unwrap_or("")
            )),
        ),
    };
    DayRow { day, rule, between }
}

#[derive(Deserialize)]
pub struct HomeQuery {
    /// What the form before this page changed, for its notice.
    done: Option<String>,
}

pub async fn home(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<HomeQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    page(&s, &session, q.done.as_deref(), None).await
}

/// The notice of a change the home page's forms made, by the `done` the form sent back.
fn done_key(done: &str) -> Option<&'static str> {
    match done {
        "presence" => Some("my_presence_saved"),
        "forward" => Some("my_forward_saved"),
        "unforward" => Some("my_forward_stopped"),
        "extension" => Some("ex_done"),
        _ => None,
    }
}

/// "My homepage", with the notice of what was just changed or a refused forward kept in its
/// form (422).
pub(crate) async fn page(
    s: &WebState,
    session: &Session,
    done: Option<&str>,
    refusal: Option<Refusal>,
) -> Response {
    let title = crate::i18n::t(session.me.language, "my_profile");
    let mut c = Chrome::signed_in(session, title, "/my");
    let me = match s.app.me(&session.actor).await {
        Ok(me) => me,
        Err(_) => {
            c.alert = Some(c.t("error").to_owned());
            return render(StatusCode::INTERNAL_SERVER_ERROR, &MyHome { c, home: None });
        }
    };
    let me = &me;
    if me.role == Role::EndUser && !me.features.contains(&Feature::UserPortal) {
        c.alert = Some(c.t("no_portal").to_owned());
        return render(StatusCode::OK, &MyHome { c, home: None });
    }
    let status = if refusal.is_some() {
        c.alert = refusal.as_ref().map(|r| r.text.clone());
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        c.info = done.and_then(done_key).map(|k| c.t(k).to_owned());
        StatusCode::OK
    };
    let queues = s.app.my_queues(&session.actor).await.unwrap_or_default();
    let home = Home {
        name: me.user.name.clone(),
        email: me.user.email.clone().unwrap_or_default(),
        lines: lines(me),
        signed_in: me
            .lines
            .iter()
            .find(|l| me.signed_in_line_id.as_deref() == Some(l.id.as_str()))
            .map(|l| l.extension.clone()),
        queues: queues.into_iter().map(queue_row).collect(),
        hours: me
            .working_hours
            .as_ref()
            .map(|days| DAYS.iter().zip(days).map(|(n, d)| day_row(n, d)).collect()),
        calls: crate::my_calls::load(s, session, me, refusal).await,
        live: s
            .app
            .my_queue_live(&session.actor)
            .await
            .unwrap_or_default(),
    };
    render(
        status,
        &MyHome {
            c,
            home: Some(home),
        },
    )
}

/// "Forward all calls" on one line of the home page; a refusal shows the page again with the
/// number kept and the reason by it (422).
pub async fn forward(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<ForwardForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match crate::my_calls::change_forward(&s, &session, f).await {
        ForwardOutcome::Done(done) => Redirect::to(&format!("/my?done={done}")).into_response(),
        ForwardOutcome::NotFound => StatusCode::NOT_FOUND.into_response(),
        ForwardOutcome::BadAction => StatusCode::UNPROCESSABLE_ENTITY.into_response(),
        ForwardOutcome::Refused(r) => page(&s, &session, None, Some(r)).await,
    }
}

/// Where htmx polls the home page's live queue figures.
pub const LIVE_PATH: &str = "/my/queues/live";

/// The live queue figures alone, for htmx to swap in.
#[derive(Template)]
#[template(path = "my_queue_live.html")]
struct LiveFragment {
    c: Chrome,
    live: Vec<AgentQueueLive>,
}

pub async fn queues_live(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.my_queue_live(&session.actor).await {
        Ok(live) => {
            let c = Chrome::signed_in(&session, "", "/my");
            render(StatusCode::OK, &LiveFragment { c, live })
        }
        Err(e) => {
            let text = crate::i18n::errors::refusal_text(session.me.language, &e);
            (StatusCode::INTERNAL_SERVER_ERROR, text).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct AgentForm {
    #[serde(default)]
    csrf: String,
    line_id: String,
    logged_in: bool,
}

/// "My homepage": an agent logs in to or out of a queue. Back to the home page, which
/// htmx requests take the queue section of.
pub async fn queue_status(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AgentForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = sb_app::queues::AgentStatusInput {
        line_id: f.line_id,
        logged_in: f.logged_in,
    };
    match s.app.set_agent_status(&session.actor, &id, input).await {
        Ok(_) => Redirect::to("/my").into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            let text = crate::i18n::errors::refusal_text(session.me.language, &e);
            (StatusCode::UNPROCESSABLE_ENTITY, text).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    lang: String,
    #[serde(default)]
    back: String,
}

/// The layout's language switch for a signed-in person: their own language setting (which wins
/// over the company's), changed through the same use case as the API's user update.
pub async fn language(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<LanguageForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(lang) = sb_domain::model::Language::from_text(&f.lang) else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    let patch = sb_app::views::UserPatch {
        language: Some(Some(lang)),
        ..Default::default()
    };
    let id = session.actor.user_id.to_string();
    match s.app.update_user(&session.actor, &id, patch).await {
        Ok(_) => Redirect::to(crate::session::local_path(&f.back)).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.message()).into_response(),
    }
}
