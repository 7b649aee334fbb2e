//! The provider's activity audit (`/admin/audit`): the installation's records for the system
//! administrator, the reseller's own and its customers' for a reseller; filtered by kind, a page
//! at a time. A company's own audit is among the company administrator's pages.

use super::{PROVIDERS, failed, gate};
use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sb_app::Page;
use sb_app::views::AuditView;
use sb_domain::model::AuditKind;
use serde::Deserialize;

pub const PATH: &str = "/admin/audit";
const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    kind: String,
    after: String,
}

/// A record as the table shows it; `kind` is a text key.
pub struct Row {
    at: String,
    kind: String,
    actor: String,
    target: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "provider_audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<Row>,
    /// Every kind: its value and text key, and whether it is the one shown.
    kinds: Vec<(&'static str, String, bool)>,
    kind: String,
    next: Option<String>,
    paged: bool,
}

fn row(v: AuditView) -> Row {
    let summary = match &v.summary {
        serde_json::Value::Null => String::new(),
        s => s.to_string(),
    };
    Row {
        at: v.at,
        kind: format!("pv_audit_{}", v.kind.as_str()),
        actor: v.actor_name,
        target: match v.target_id {
            Some(id) => format!("{} {id}", v.target_type),
            None => v.target_type,
        },
        summary,
    }
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let session = match gate(&s, &headers, PROVIDERS, PATH).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = session.me.language;
    let c = Chrome::signed_in(&session, t(lang, "pv_activity_audit"), PATH);
    let kind = AuditKind::from_text(&q.kind);
    let page = Page {
        after: Some(q.after.clone()).filter(|a| !a.is_empty()),
        limit: PAGE,
    };
    let list = match s.app.provider_audit(&session.actor, kind, page).await {
        Ok(l) => l,
        Err(e) => return failed(c, &e),
    };
    let kinds = AuditKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                format!("pv_audit_{}", k.as_str()),
                Some(*k) == kind,
            )
        })
        .collect();
    let page = AuditPage {
        c,
        rows: list.items.into_iter().map(row).collect(),
        kinds,
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        next: list.next_cursor,
        paged: !q.after.is_empty(),
    };
    render(StatusCode::OK, &page)
}
