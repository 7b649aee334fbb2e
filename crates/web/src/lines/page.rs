//! One line: its user (assign, unassign), caller ID (local calling name, default and
//! presentation number chosen from the company's numbers), E911 address, and "Reset line" with
//! every consequence listed before the administrator confirms.

use super::e911::{E911Form, e911_of};
use super::{ADMINS, Done, alert, line_of, lines_path, user_named};
use crate::WebState;
use crate::layout::{Chrome, render};
use crate::provider::{gate, gate_form};
use crate::session::Session;
use crate::users::{Fields, Place, company_place, error_page};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::devices::RegistrationView;
use sb_app::emergency::AddressOwner;
use sb_app::views::{LinePatch, LineView, ResetLineInput};

/// A number of the company's list, chosen or not.
pub struct NumberChoice {
    pub number: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "company_line.html")]
struct LinePage {
    c: Chrome,
    place: Place,
    line: LineView,
    user_name: Option<String>,
    user: String,
    calling_name: String,
    defaults: Vec<NumberChoice>,
    presentations: Vec<NumberChoice>,
    has_e911: bool,
    e911: E911Form,
}

fn line_path(place: &Place, line: &str) -> String {
    format!("{}/{line}", lines_path(&place.id))
}

/// What the page shows: the line's values, or what was typed in the form that was refused.
async fn page(
    s: &WebState,
    session: &Session,
    company: &str,
    line: &str,
    typed: Option<&Fields>,
    refused: Option<&AppError>,
    done: Done,
) -> Response {
    let here = format!("{}/{line}", lines_path(company));
    let found = async {
        let place = company_place(s, session, company).await?;
        let l = line_of(s, session, &place, line).await?;
        let numbers = super::numbers::all_numbers(s, session, &place.id).await?;
        let e911 = e911_of(s, session, AddressOwner::Line, &l.id).await?;
        let user_name = match &l.user_id {
            Some(u) => Some(s.app.get_user(&session.actor, u).await?.name),
            None => None,
        };
        Ok::<_, AppError>((place, l, numbers, e911, user_name))
    }
    .await;
    let (place, l, numbers, stored, user_name) = match found {
        Ok(v) => v,
        Err(e) => return error_page(session, &here, &e),
    };
    let title = format!("{} {}", session_t(session, "ln_extension"), l.extension);
    let mut c = Chrome::signed_in(session, &title, &here);
    done.apply(&mut c);
    let status = refused.map_or(StatusCode::OK, |e| alert(&mut c, e));
    let has = |k: &str| typed.is_some_and(|f| f.0.iter().any(|(n, _)| n == k));
    let value = |k: &str, stored: Option<&String>| match typed {
        Some(f) if has(k) => f.get(k).to_owned(),
        _ => stored.cloned().unwrap_or_default(),
    };
    let choices = |chosen: String| {
        numbers
            .iter()
            .map(|n| NumberChoice {
                selected: n.number == chosen,
                number: n.number.clone(),
            })
            .collect()
    };
    let page = LinePage {
        user: value("user", None),
        calling_name: value("calling_name", l.calling_name.as_ref()),
        defaults: choices(value("default_number", l.default_number.as_ref())),
        presentations: choices(value("presentation_number", l.presentation_number.as_ref())),
        has_e911: stored.is_some(),
        e911: match (typed, &stored) {
            (Some(f), _) if has("street") => E911Form::typed(f),
            (_, Some(d)) => E911Form::of(d),
            _ => E911Form::default(),
        },
        user_name,
        c,
        place,
        line: l,
    };
    render(status, &page)
}

fn session_t(session: &Session, key: &'static str) -> &'static str {
    crate::i18n::t(session.me.language, key)
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, line)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Response {
    match gate(&s, &headers, ADMINS, &lines_path(&id)).await {
        Ok(session) => page(&s, &session, &id, &line, None, None, done).await,
        Err(r) => r,
    }
}

fn optional(v: &str) -> Option<String> {
    Some(v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `POST …/lines/{line}/{form}`: one of the page's forms (`user`, `unassign`, `caller-id`,
/// `e911`, `e911-delete`).
pub async fn save(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, line, form)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &lines_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        let place = company_place(&s, &session, &id).await?;
        let l = line_of(&s, &session, &place, &line).await?;
        let a = &session.actor;
        match form.as_str() {
            "user" | "unassign" => {
                let typed = if form == "user" { f.get("user") } else { "" };
                let user_id = user_named(&s, &session, &place, typed).await?;
                let done = if user_id.is_some() {
                    "assigned"
                } else {
                    "unassigned"
                };
                let patch = LinePatch {
                    user_id: Some(user_id),
                    ..LinePatch::default()
                };
                s.app.update_line(a, &l.id, patch).await?;
                Ok(done)
            }
            "caller-id" => {
                let patch = LinePatch {
                    calling_name: Some(optional(f.get("calling_name"))),
                    default_number: Some(optional(f.get("default_number"))),
                    presentation_number: Some(optional(f.get("presentation_number"))),
                    ..LinePatch::default()
                };
                s.app.update_line(a, &l.id, patch).await?;
                Ok("saved")
            }
            "e911" => {
                let doc = E911Form::typed(&f).doc();
                s.app
                    .set_e911_address(a, AddressOwner::Line, &l.id, doc)
                    .await?;
                Ok("e911_saved")
            }
            "e911-delete" => {
                s.app
                    .clear_e911_address(a, AddressOwner::Line, &l.id)
                    .await?;
                Ok("e911_removed")
            }
            _ => Err(AppError::NotFound),
        }
    }
    .await;
    match result {
        Ok(done) => {
            Redirect::to(&format!("{}/{line}?done={done}", lines_path(&id))).into_response()
        }
        Err(AppError::NotFound) => error_page(&session, &lines_path(&id), &AppError::NotFound),
        Err(e) => {
            page(
                &s,
                &session,
                &id,
                &line,
                Some(&f),
                Some(&e),
                Done::default(),
            )
            .await
        }
    }
}

// ---- reset line ----

#[derive(Template)]
#[template(path = "company_line_reset.html")]
struct ResetPage {
    c: Chrome,
    place: Place,
    line: LineView,
    back: String,
    account_name: String,
    also_calling_name: bool,
    remove_from_groups: bool,
    devices: Vec<RegistrationView>,
}

async fn reset_form(
    s: &WebState,
    session: &Session,
    company: &str,
    line: &str,
    typed: Option<&Fields>,
    refused: Option<&AppError>,
) -> Response {
    let here = format!("{}/{line}/reset", lines_path(company));
    let found = async {
        let place = company_place(s, session, company).await?;
        let l = line_of(s, session, &place, line).await?;
        let devices = s.app.line_registrations(&session.actor, &l.id).await?;
        Ok::<_, AppError>((place, l, devices))
    }
    .await;
    let (place, l, devices) = match found {
        Ok(v) => v,
        Err(e) => return error_page(session, &here, &e),
    };
    let title = format!(
        "{} · {} {}",
        session_t(session, "ln_reset"),
        session_t(session, "ln_extension"),
        l.extension
    );
    let mut c = Chrome::signed_in(session, &title, &here);
    let status = refused.map_or(StatusCode::OK, |e| alert(&mut c, e));
    let page = ResetPage {
        back: line_path(&place, &l.id),
        account_name: typed.map_or_else(
            || l.account_name.clone(),
            |f| f.get("account_name").to_owned(),
        ),
        also_calling_name: typed.is_some_and(|f| f.on("also_calling_name")),
        remove_from_groups: typed.is_some_and(|f| f.on("remove_from_groups")),
        devices,
        c,
        place,
        line: l,
    };
    render(status, &page)
}

pub async fn reset_page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, line)): Path<(String, String)>,
) -> Response {
    match gate(&s, &headers, ADMINS, &lines_path(&id)).await {
        Ok(session) => reset_form(&s, &session, &id, &line, None, None).await,
        Err(r) => r,
    }
}

pub async fn reset(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, line)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &lines_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        let place = company_place(&s, &session, &id).await?;
        let l = line_of(&s, &session, &place, &line).await?;
        let input = ResetLineInput {
            account_name: f.get("account_name").trim().to_owned(),
            also_calling_name: f.on("also_calling_name"),
            remove_from_groups: f.on("remove_from_groups"),
        };
        s.app.reset_line(&session.actor, &l.id, input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}/{line}?done=reset", lines_path(&id))).into_response(),
        Err(AppError::NotFound) => error_page(&session, &lines_path(&id), &AppError::NotFound),
        Err(e) => reset_form(&s, &session, &id, &line, Some(&f), Some(&e)).await,
    }
}
