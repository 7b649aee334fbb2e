//! Service packages: name, features and monthly price. The system administrator defines the
//! installation's, a reseller its own; each may change and delete (when unused) those it owns.

use super::{
    Done, PROVIDERS, Pairs, alerted, cents, done, error_status, error_text, failed, gate,
    gate_form, not_found, price,
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
use sb_app::views::{PackageInput, PackagePatch, PackageView};
use sb_domain::model::{Feature, Role};

pub const LIST: &str = "/admin/packages";

/// A package as the list shows it.
pub struct Row {
    id: String,
    name: String,
    /// Text key: the installation's or the reseller's own.
    owner: &'static str,
    /// Text keys of the features.
    features: Vec<String>,
    price: String,
    editable: bool,
}

/// The fields of a package form, kept when it is refused.
#[derive(Default)]
pub struct Draft {
    name: String,
    features: Vec<Feature>,
    price: String,
}

impl Draft {
    fn of(p: &PackageView) -> Self {
        Self {
            name: p.name.clone(),
            features: p.features.clone(),
            price: price(p.monthly_price_cents),
        }
    }
    fn from_form(f: &Pairs) -> Self {
        Self {
            name: f.get("name").to_owned(),
            features: f
                .all("feature")
                .iter()
                .filter_map(|v| Feature::from_text(v))
                .collect(),
            price: f.get("price").to_owned(),
        }
    }
    /// Each feature with its text key and whether it is ticked.
    fn boxes(&self) -> Vec<(&'static str, String, bool)> {
        Feature::ALL
            .iter()
            .map(|f| {
                (
                    f.as_str(),
                    format!("pv_feature_{}", f.as_str()),
                    self.features.contains(f),
                )
            })
            .collect()
    }
}

fn may_edit(session: &Session, p: &PackageView) -> bool {
    match session.actor.role {
        Role::SystemAdmin => true,
        _ => {
            p.reseller_id.is_some()
                && p.reseller_id.as_deref()
                    == session.actor.reseller_id.as_ref().map(|r| r.as_str())
        }
    }
}

#[derive(Template)]
#[template(path = "provider_packages.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
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
    let mut c = Chrome::signed_in(session, t(lang, "pv_packages"), LIST);
    done.apply(&mut c);
    let list = match s.app.list_packages(&session.actor).await {
        Ok(l) => l,
        Err(e) => return failed(c, &e),
    };
    let rows = list
        .iter()
        .map(|p| Row {
            editable: may_edit(session, p),
            id: p.id.clone(),
            name: p.name.clone(),
            owner: if p.reseller_id.is_some() {
                "pv_owner_reseller"
            } else {
                "pv_owner_installation"
            },
            features: p
                .features
                .iter()
                .map(|f| format!("pv_feature_{}", f.as_str()))
                .collect(),
            price: price(p.monthly_price_cents),
        })
        .collect();
    let status = alerted(&mut c, alert);
    render(status, &ListPage { c, rows, draft })
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Response {
    match gate(&s, &headers, PROVIDERS, LIST).await {
        Ok(session) => list_page(&s, &session, Draft::default(), None, &done).await,
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let session = match gate_form(&s, &headers, f.get("csrf"), PROVIDERS, LIST).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let draft = Draft::from_form(&f);
    let made = match cents("price", &draft.price) {
        Ok(monthly_price_cents) => {
            let input = PackageInput {
                name: draft.name.clone(),
                features: draft.features.clone(),
                monthly_price_cents,
                reseller_id: None,
            };
            s.app.create_package(&session.actor, input).await
        }
        Err(e) => Err(e),
    };
    match made {
        Ok(_) => done(LIST, "package_created"),
        Err(e) => list_page(&s, &session, draft, Some(&e), &Done::default()).await,
    }
}

#[derive(Template)]
#[template(path = "provider_package.html")]
struct EditPage {
    c: Chrome,
    id: String,
    draft: Draft,
}

async fn edit_page(
    s: &WebState,
    session: &Session,
    id: &str,
    draft: Option<Draft>,
    alert: Option<&AppError>,
    done: &Done,
) -> Response {
    let here = format!("{LIST}/{id}");
    let p = match s.app.get_package(&session.actor, id).await {
        Ok(p) if may_edit(session, &p) => p,
        _ => return not_found(session, &here),
    };
    let mut c = Chrome::signed_in(session, &p.name, &here);
    done.apply(&mut c);
    let status = match alert {
        Some(e) => {
            c.alert = Some(error_text(session.me.language, e));
            error_status(e)
        }
        None => StatusCode::OK,
    };
    let draft = draft.unwrap_or_else(|| Draft::of(&p));
    render(status, &EditPage { c, id: p.id, draft })
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let here = format!("{LIST}/{id}");
    match gate(&s, &headers, PROVIDERS, &here).await {
        Ok(session) => edit_page(&s, &session, &id, None, None, &done).await,
        Err(r) => r,
    }
}

pub async fn update(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, f.get("csrf"), PROVIDERS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let draft = Draft::from_form(&f);
    let changed = match cents("price", &draft.price) {
        Ok(c) => {
            let patch = PackagePatch {
                name: Some(draft.name.clone()),
                features: Some(draft.features.clone()),
                monthly_price_cents: Some(c),
            };
            s.app.update_package(&session.actor, &id, patch).await
        }
        Err(e) => Err(e),
    };
    match changed {
        Ok(_) => done(&here, "package_saved"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => edit_page(&s, &session, &id, Some(draft), Some(&e), &Done::default()).await,
    }
}

pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, f.get("csrf"), PROVIDERS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.delete_package(&session.actor, &id).await {
        Ok(()) => done(LIST, "package_deleted"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => edit_page(&s, &session, &id, None, Some(&e), &Done::default()).await,
    }
}
