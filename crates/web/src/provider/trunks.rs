//! Installation trunks (system administrators): the carriers serving companies without their
//! own, one of them marked for emergency calls. The password and the inbound key are
//! write-only: the forms never show them, and an empty field keeps the stored one.

use super::{
    CsrfForm, Done, SYSTEM, alerted, done, error_status, error_text, failed, gate, gate_form,
    not_found, number, ticked,
};
use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::session::Session;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sb_app::AppError;
use sb_app::views::{TrunkInbound, TrunkInput, TrunkView};
use serde::Deserialize;

pub const LIST: &str = "/admin/trunks";

/// The trunk form. `password` and `inbound_secret` are read, never shown again.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrunkForm {
    csrf: String,
    name: String,
    address: String,
    username: String,
    password: String,
    register: Option<String>,
    emergency: Option<String>,
    inbound: String,
    inbound_secret: String,
    max_calls: String,
}

/// What a trunk form shows: never a secret.
pub struct Draft {
    name: String,
    address: String,
    username: String,
    register: bool,
    emergency: bool,
    secret_mode: bool,
    max_calls: String,
    has_password: bool,
    has_inbound_secret: bool,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            name: String::new(),
            address: String::new(),
            username: String::new(),
            register: false,
            emergency: false,
            secret_mode: false,
            max_calls: "100".into(),
            has_password: false,
            has_inbound_secret: false,
        }
    }
}

impl Draft {
    fn of(t: &TrunkView) -> Self {
        Self {
            name: t.name.clone(),
            address: t.address.clone(),
            username: t.username.clone().unwrap_or_default(),
            register: t.register,
            emergency: t.emergency,
            secret_mode: t.inbound == TrunkInbound::Secret,
            max_calls: t.max_calls.to_string(),
            has_password: t.has_password,
            has_inbound_secret: t.has_inbound_secret,
        }
    }
    fn from_form(f: &TrunkForm, stored: Option<&TrunkView>) -> Self {
        Self {
            name: f.name.clone(),
            address: f.address.clone(),
            username: f.username.clone(),
            register: ticked(&f.register),
            emergency: ticked(&f.emergency),
            secret_mode: f.inbound == "secret",
            max_calls: f.max_calls.clone(),
            has_password: stored.is_some_and(|t| t.has_password),
            has_inbound_secret: stored.is_some_and(|t| t.has_inbound_secret),
        }
    }
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|v| !v.is_empty())
}

fn input(f: &TrunkForm) -> Result<TrunkInput, AppError> {
    Ok(TrunkInput {
        name: f.name.clone(),
        address: f.address.clone(),
        username: some(&f.username),
        password: some(&f.password),
        register: ticked(&f.register),
        emergency: ticked(&f.emergency),
        inbound: if f.inbound == "secret" {
            TrunkInbound::Secret
        } else {
            TrunkInbound::Tcp
        },
        inbound_secret: some(&f.inbound_secret),
        max_calls: Some(number("max_calls", &f.max_calls)?),
    })
}

#[derive(Template)]
#[template(path = "provider_trunks.html")]
struct ListPage {
    c: Chrome,
    trunks: Vec<TrunkView>,
    draft: Draft,
}

async fn list_page(
    s: &WebState,
    session: &Session,
    draft: Draft,
    alert: Option<&AppError>,
    done: &Done,
) -> Response {
    let lang = session.me.language;
    let mut c = Chrome::signed_in(session, t(lang, "pv_trunks"), LIST);
    done.apply(&mut c);
    let trunks = match s.app.list_trunks(&session.actor, None).await {
        Ok(l) => l,
        Err(e) => return failed(c, &e),
    };
    let status = alerted(&mut c, alert);
    render(status, &ListPage { c, trunks, draft })
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Response {
    match gate(&s, &headers, SYSTEM, LIST).await {
        Ok(session) => list_page(&s, &session, Draft::default(), None, &done).await,
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<TrunkForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, LIST).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let made = match input(&f) {
        Ok(i) => s.app.create_trunk(&session.actor, None, i).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(_) => done(LIST, "trunk_created"),
        Err(e) => {
            let draft = Draft::from_form(&f, None);
            list_page(&s, &session, draft, Some(&e), &Done::default()).await
        }
    }
}

#[derive(Template)]
#[template(path = "provider_trunk.html")]
struct EditPage {
    c: Chrome,
    id: String,
    draft: Draft,
}

/// An installation trunk the actor may manage; a company's trunk is not on these pages.
async fn installation_trunk(
    s: &WebState,
    session: &Session,
    id: &str,
) -> Result<TrunkView, AppError> {
    match s.app.get_trunk(&session.actor, id).await {
        Ok(t) if t.company_id.is_none() => Ok(t),
        Ok(_) => Err(AppError::NotFound),
        Err(e) => Err(e),
    }
}

async fn edit_page(
    s: &WebState,
    session: &Session,
    id: &str,
    form: Option<&TrunkForm>,
    alert: Option<&AppError>,
    done: &Done,
) -> Response {
    let here = format!("{LIST}/{id}");
    let Ok(trunk) = installation_trunk(s, session, id).await else {
        return not_found(session, &here);
    };
    let mut c = Chrome::signed_in(session, &trunk.name, &here);
    done.apply(&mut c);
    let status = match alert {
        Some(e) => {
            c.alert = Some(error_text(session.me.language, e));
            error_status(e)
        }
        None => StatusCode::OK,
    };
    let draft = match form {
        Some(f) => Draft::from_form(f, Some(&trunk)),
        None => Draft::of(&trunk),
    };
    render(
        status,
        &EditPage {
            c,
            id: trunk.id,
            draft,
        },
    )
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let here = format!("{LIST}/{id}");
    match gate(&s, &headers, SYSTEM, &here).await {
        Ok(session) => edit_page(&s, &session, &id, None, None, &done).await,
        Err(r) => r,
    }
}

pub async fn update(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<TrunkForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if installation_trunk(&s, &session, &id).await.is_err() {
        return not_found(&session, &here);
    }
    let changed = match input(&f) {
        Ok(i) => s.app.update_trunk(&session.actor, &id, i).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(_) => done(&here, "trunk_saved"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => edit_page(&s, &session, &id, Some(&f), Some(&e), &Done::default()).await,
    }
}

pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if installation_trunk(&s, &session, &id).await.is_err() {
        return not_found(&session, &here);
    }
    match s.app.delete_trunk(&session.actor, &id).await {
        Ok(()) => done(LIST, "trunk_deleted"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => edit_page(&s, &session, &id, None, Some(&e), &Done::default()).await,
    }
}
