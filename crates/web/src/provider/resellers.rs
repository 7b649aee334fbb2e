//! Resellers (system administrators): the list, a new reseller, a reseller's page with its
//! name, its administrators (list, new one; disable, enable, unlock: disabling all of them is
//! how a reseller is disabled, there is no other use case for it) and delete (refused while it
//! has customers).

use super::{
    AccountForm, AdminForm, CsrfForm, Done, SYSTEM, account_action, alerted, done, error_status,
    error_text, failed, gate, gate_form, not_found,
};
use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::session::Session;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sb_app::views::{ResellerInput, ResellerView, UserView};
use sb_app::{AppError, Page};
use serde::Deserialize;

pub const LIST: &str = "/admin/resellers";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    csrf: String,
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    after: String,
    done: String,
}

#[derive(Template)]
#[template(path = "provider_resellers.html")]
struct ListPage {
    c: Chrome,
    resellers: Vec<ResellerView>,
    next: Option<String>,
    paged: bool,
    name: String,
}

async fn list_page(
    s: &WebState,
    session: &Session,
    after: &str,
    name: String,
    alert: Option<&AppError>,
    done: &Done,
) -> Response {
    let lang = session.me.language;
    let mut c = Chrome::signed_in(session, t(lang, "pv_resellers"), LIST);
    done.apply(&mut c);
    let page = Page {
        after: Some(after.to_owned()).filter(|a| !a.is_empty()),
        limit: 50,
    };
    let list = match s.app.list_resellers(&session.actor, page).await {
        Ok(l) => l,
        Err(e) => return failed(c, &e),
    };
    let status = alerted(&mut c, alert);
    let page = ListPage {
        c,
        resellers: list.items,
        next: list.next_cursor,
        paged: !after.is_empty(),
        name,
    };
    render(status, &page)
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    match gate(&s, &headers, SYSTEM, LIST).await {
        Ok(session) => {
            let done = Done { done: q.done };
            list_page(&s, &session, &q.after, String::new(), None, &done).await
        }
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<NameForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, LIST).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = ResellerInput {
        name: f.name.clone(),
    };
    match s.app.create_reseller(&session.actor, input).await {
        Ok(r) => done(&format!("{LIST}/{}", r.id), "reseller_created"),
        Err(e) => list_page(&s, &session, "", f.name, Some(&e), &Done::default()).await,
    }
}

#[derive(Template)]
#[template(path = "provider_reseller.html")]
struct ResellerPage {
    c: Chrome,
    r: ResellerView,
    admins: Vec<UserView>,
    /// The signed-in person's id: no buttons on their own row.
    me: String,
    form: AdminForm,
}

async fn reseller_page(
    s: &WebState,
    session: &Session,
    id: &str,
    form: AdminForm,
    alert: Option<&AppError>,
    done: &Done,
) -> Response {
    let here = format!("{LIST}/{id}");
    let (r, admins) = match (
        s.app.get_reseller(&session.actor, id).await,
        s.app.list_reseller_admins(&session.actor, id).await,
    ) {
        (Ok(r), Ok(a)) => (r, a),
        _ => return not_found(session, &here),
    };
    let mut c = Chrome::signed_in(session, &r.name, &here);
    done.apply(&mut c);
    let status = match alert {
        Some(e) => {
            c.alert = Some(error_text(session.me.language, e));
            error_status(e)
        }
        None => StatusCode::OK,
    };
    let form = form.shown();
    let me = session.actor.user_id.to_string();
    render(
        status,
        &ResellerPage {
            c,
            r,
            admins,
            me,
            form,
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
        Ok(session) => reseller_page(&s, &session, &id, AdminForm::default(), None, &done).await,
        Err(r) => r,
    }
}

pub async fn rename(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<NameForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = ResellerInput { name: f.name };
    match s.app.rename_reseller(&session.actor, &id, input).await {
        Ok(_) => done(&here, "reseller_renamed"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => {
            reseller_page(
                &s,
                &session,
                &id,
                AdminForm::default(),
                Some(&e),
                &Done::default(),
            )
            .await
        }
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
    match s.app.delete_reseller(&session.actor, &id).await {
        Ok(()) => done(LIST, "reseller_deleted"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => {
            reseller_page(
                &s,
                &session,
                &id,
                AdminForm::default(),
                Some(&e),
                &Done::default(),
            )
            .await
        }
    }
}

pub async fn create_admin(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AdminForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s
        .app
        .create_reseller_admin(&session.actor, &id, f.input())
        .await
    {
        Ok(_) => done(&here, "admin_created"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => reseller_page(&s, &session, &id, f, Some(&e), &Done::default()).await,
    }
}

/// Disable, enable or unlock one of the reseller's administrators.
pub async fn admin_account(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, user)): Path<(String, String)>,
    Form(f): Form<AccountForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(list) = s.app.list_reseller_admins(&session.actor, &id).await else {
        return not_found(&session, &here);
    };
    match account_action(&s, &session, &list, &user, &f.action).await {
        Ok(what) => done(&here, what),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => {
            reseller_page(
                &s,
                &session,
                &id,
                AdminForm::default(),
                Some(&e),
                &Done::default(),
            )
            .await
        }
    }
}
