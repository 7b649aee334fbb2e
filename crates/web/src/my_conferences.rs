//! "Conferencing", the person's own meetings: those they organise or are invited to, upcoming
//! first, how to join, scheduling one with colleagues and outside addresses, and moving or
//! cancelling (after a confirmation) the ones they organise. The company administrator's page
//! (`conferences`) lends its form, its rows and its templates; the use cases are the API's.

use crate::WebState;
use crate::conferences::{MeetingForm, Notice, Row, reason, row};
use crate::layout::{Chrome, render};
use crate::provider::{CsrfForm, Pairs};
use crate::session::{self, Session, signed_in};
use crate::zone::Zone;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sb_app::AppError;
use sb_app::conferences::InviteeView;
use sb_domain::model::{Feature, Role};

pub const PATH: &str = "/my/conferences";

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(PATH, get(list).post(schedule))
        .route("/my/conferences/{conf}", get(show).post(reschedule))
        .route(
            "/my/conferences/{conf}/cancel",
            get(confirm_cancel).post(cancel),
        )
}

#[derive(Template)]
#[template(path = "my_conferences.html")]
struct ListPage {
    c: Chrome,
    /// False when the person's package has no conferencing: the page is a notice.
    open: bool,
    base: &'static str,
    rows: Vec<Row>,
    users: Vec<InviteeView>,
    form: MeetingForm,
    zone: String,
    /// What a line of the company dials for the bridge.
    code: &'static str,
    bridge: Option<String>,
}

#[derive(Template)]
#[template(path = "my_conference.html")]
struct MeetingPage {
    c: Chrome,
    base: &'static str,
    row: Row,
    form: MeetingForm,
    zone: String,
    /// The person organises it: they may move and cancel it.
    mine: bool,
    /// Asking to confirm the cancellation.
    confirm: bool,
}

/// The person's company, when their package gives them conferencing (and, for an end user,
/// the user portal); else the answer to give instead: the notice, not found.
async fn company_of(s: &WebState, session: &Session) -> Result<String, Response> {
    let me = s.app.me(&session.actor).await.ok();
    let allowed = me.is_some_and(|m| {
        m.features.contains(&Feature::Conferencing)
            && (m.role != Role::EndUser || m.features.contains(&Feature::UserPortal))
    });
    match session.me.company.as_ref() {
        Some(co) if allowed => Ok(co.id.clone()),
        _ => Err(closed(session)),
    }
}

fn chrome(session: &Session, here: &str) -> Chrome {
    Chrome::signed_in(
        session,
        crate::i18n::t(session.me.language, "cf_my_title"),
        here,
    )
}

/// The notice a person without conferencing gets on every page of it.
fn closed(session: &Session) -> Response {
    let mut c = chrome(session, PATH);
    c.alert = Some(c.t("cf_my_no_feature").to_owned());
    let page = ListPage {
        c,
        open: false,
        base: PATH,
        rows: Vec::new(),
        users: Vec::new(),
        form: MeetingForm::default(),
        zone: String::new(),
        code: sb_app::conferences::BRIDGE_CODE,
        bridge: None,
    };
    render(StatusCode::NOT_FOUND, &page)
}

fn failure(session: &Session, here: &str, e: &AppError) -> Response {
    match e {
        AppError::NotFound => crate::provider::not_found(session, here),
        e => crate::provider::failed(chrome(session, here), e),
    }
}

/// The whole page, with a refused form kept as typed and its reason by its field (422).
async fn list_page(
    s: &WebState,
    session: &Session,
    company: &str,
    form: Option<MeetingForm>,
    notice: &Notice,
) -> Response {
    let a = &session.actor;
    let loaded = async {
        let zone = Zone::of_company(s, session, company).await?;
        let meetings = s.app.list_conferences(a, company, None).await?;
        let users = s.app.conference_invitees(a, company).await?;
        let bridge = s.app.conference_bridge(a, company).await?.number;
        Ok::<_, AppError>((zone, meetings, users, bridge))
    }
    .await;
    let (zone, meetings, users, bridge) = match loaded {
        Ok(l) => l,
        Err(e) => return failure(session, PATH, &e),
    };
    let mut c = chrome(session, PATH);
    notice.apply(&mut c);
    let refused = form
        .as_ref()
        .and_then(|f| f.error.as_ref().map(|e| e.1.clone()));
    let status = match refused {
        Some(text) => {
            c.alert = Some(text);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = ListPage {
        c,
        open: true,
        base: PATH,
        rows: meetings.into_iter().map(|v| row(v, &zone)).collect(),
        users,
        form: form.unwrap_or_else(|| MeetingForm::blank("")),
        zone: zone.name,
        code: sb_app::conferences::BRIDGE_CODE,
        bridge,
    };
    render(status, &page)
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(n): Query<Notice>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match company_of(&s, &session).await {
        Ok(co) => list_page(&s, &session, &co, None, &n).await,
        Err(r) => r,
    }
}

type Fields = Form<Vec<(String, String)>>;

/// A form's person and company, once its CSRF token and the package allow it.
async fn changing(
    s: &WebState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(Session, String), Response> {
    let session = session::changing(s, headers, csrf, false).await?;
    let co = company_of(s, &session).await?;
    Ok((session, co))
}

/// Schedules a meeting the person organises; the use case refuses anyone else as organiser.
pub async fn schedule(State(s): State<WebState>, headers: HeaderMap, Form(f): Fields) -> Response {
    let f = Pairs(f);
    let (session, co) = match changing(&s, &headers, f.get("csrf")).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut form = MeetingForm::posted(&f);
    form.organizer = String::new();
    let result = async {
        let zone = Zone::of_company(&s, &session, &co).await?;
        let input = form.input(&zone)?;
        s.app.create_conference(&session.actor, &co, input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{PATH}?done=scheduled")).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, PATH, &e),
        Err(e) => {
            form.refuse(session.me.language, &e);
            list_page(&s, &session, &co, Some(form), &Notice::default()).await
        }
    }
}

/// Meeting `conf` as the person may see it (organised by them or with them invited), in the
/// company's zone; any other is not found.
async fn meeting_of(
    s: &WebState,
    session: &Session,
    company: &str,
    conf: &str,
) -> Result<(Row, Zone), AppError> {
    let v = s.app.get_conference(&session.actor, conf).await?;
    if v.company_id != company {
        return Err(AppError::NotFound);
    }
    let zone = Zone::of_company(s, session, company).await?;
    Ok((row(v, &zone), zone))
}

async fn meeting_page(
    s: &WebState,
    session: &Session,
    company: &str,
    conf: &str,
    form: Option<MeetingForm>,
    alert: Option<String>,
    confirm: bool,
) -> Response {
    let here = format!("{PATH}/{conf}");
    let (row, zone) = match meeting_of(s, session, company, conf).await {
        Ok(v) => v,
        Err(e) => return failure(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, &row.v.title, &here);
    let refused = alert.or_else(|| form.as_ref().and_then(|f| f.error.clone().map(|e| e.1)));
    let status = match refused {
        Some(text) => {
            c.alert = Some(text);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = MeetingPage {
        c,
        base: PATH,
        mine: row.v.organizer_user_id == session.actor.user_id.as_str(),
        form: form.unwrap_or_else(|| MeetingForm::of(&row.v, &zone)),
        row,
        zone: zone.name,
        confirm,
    };
    render(status, &page)
}

async fn opened(s: &WebState, headers: &HeaderMap, conf: &str, confirm: bool) -> Response {
    let session = match signed_in(s, headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match company_of(s, &session).await {
        Ok(co) => meeting_page(s, &session, &co, conf, None, None, confirm).await,
        Err(r) => r,
    }
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(conf): Path<String>,
) -> Response {
    opened(&s, &headers, &conf, false).await
}

/// The cancellation asked again before it is done.
pub async fn confirm_cancel(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(conf): Path<String>,
) -> Response {
    opened(&s, &headers, &conf, true).await
}

pub async fn reschedule(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(conf): Path<String>,
    Form(f): Fields,
) -> Response {
    let f = Pairs(f);
    let (session, co) = match changing(&s, &headers, f.get("csrf")).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut form = MeetingForm::posted(&f);
    let result = async {
        let (_, zone) = meeting_of(&s, &session, &co, &conf).await?;
        let (starts_at, minutes) = (form.starts_at(&zone)?, form.duration()?);
        s.app
            .reschedule_conference(&session.actor, &conf, &starts_at, minutes)
            .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{PATH}?done=rescheduled")).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &format!("{PATH}/{conf}"), &e),
        Err(e) => {
            form.refuse(session.me.language, &e);
            meeting_page(&s, &session, &co, &conf, Some(form), None, false).await
        }
    }
}

pub async fn cancel(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(conf): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (session, co) = match changing(&s, &headers, &f.csrf).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        meeting_of(&s, &session, &co, &conf).await?;
        s.app.delete_conference(&session.actor, &conf).await
    }
    .await;
    let here = format!("{PATH}/{conf}");
    match result {
        Ok(()) => Redirect::to(&format!("{PATH}?done=cancelled")).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &here, &e),
        Err(e) => {
            let why = reason(session.me.language, &e);
            meeting_page(&s, &session, &co, &conf, None, Some(why), false).await
        }
    }
}
