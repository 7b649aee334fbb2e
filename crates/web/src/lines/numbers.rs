//! The company's numbers (DIDs): every number with the line it reaches, routing it to a line by
//! extension or to none, and each number's E911 address. Numbers come from the provider's
//! carriers, so adding and deleting them stays with the reseller (`POST /api/v1/companies/{id}/numbers`).

use super::e911::{E911Form, e911_of};
use super::{ADMINS, Done, alert, line_with_extension};
use crate::WebState;
use crate::layout::{Chrome, render};
use crate::provider::{gate, gate_form, own_company_page};
use crate::session::Session;
use crate::users::{Fields, Place, company_place, enc, error_page};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::emergency::AddressOwner;
use sb_app::views::{NumberPatch, NumberView};
use serde::Deserialize;
use std::collections::HashMap;

/// Numbers per page of the list.
const PAGE_SIZE: i64 = 50;

fn numbers_path(id: &str) -> String {
    format!("/admin/companies/{id}/numbers")
}

/// Every number of the company, for the default and presentation number choices (a company's
/// numbers are at most a few thousand; the pages stop at 20,000).
pub async fn all_numbers(
    s: &WebState,
    session: &Session,
    company: &str,
) -> Result<Vec<NumberView>, AppError> {
    let mut all = Vec::new();
    let mut after = None;
    for _ in 0..20 {
        let page = sb_app::Page { after, limit: 1000 };
        let found = s.app.list_numbers(&session.actor, company, page).await?;
        all.extend(found.items);
        match found.next_cursor {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    all.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(all)
}

/// A number of the list with the extension of its line.
pub struct Row {
    pub n: NumberView,
    pub extension: String,
}

#[derive(Template)]
#[template(path = "company_numbers.html")]
struct ListPage {
    c: Chrome,
    place: Place,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    after: String,
    done: String,
}

/// `/admin/numbers`: a company administrator's own company's numbers.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/numbers", "numbers").await
}

/// The extensions of the lines `ids` reach, by line id.
async fn extensions(
    s: &WebState,
    session: &Session,
    ids: impl Iterator<Item = &String>,
) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    for id in ids {
        if !out.contains_key(id) {
            let l = s.app.get_line(&session.actor, id).await?;
            out.insert(l.id, l.extension);
        }
    }
    Ok(out)
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let here = numbers_path(&id);
    let session = match gate(&s, &headers, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let found = async {
        let place = company_place(&s, &session, &id).await?;
        let page = sb_app::Page {
            after: Some(q.after.clone()).filter(|a| !a.is_empty()),
            limit: PAGE_SIZE,
        };
        let found = s.app.list_numbers(&session.actor, &id, page).await?;
        let ext = extensions(
            &s,
            &session,
            found.items.iter().filter_map(|n| n.line_id.as_ref()),
        )
        .await?;
        Ok::<_, AppError>((place, found, ext))
    }
    .await;
    let (place, found, ext) = match found {
        Ok(v) => v,
        Err(e) => return error_page(&session, &here, &e),
    };
    let mut c = Chrome::signed_in(
        &session,
        crate::i18n::t(session.me.language, "ln_numbers"),
        &here,
    );
    Done { done: q.done }.apply(&mut c);
    let rows = found
        .items
        .into_iter()
        .map(|n| Row {
            extension: n
                .line_id
                .as_ref()
                .and_then(|l| ext.get(l).cloned())
                .unwrap_or_default(),
            n,
        })
        .collect();
    let page = ListPage {
        c,
        place,
        rows,
        next: found
            .next_cursor
            .map(|n| format!("{here}?after={}", enc(&n))),
        first: (!q.after.is_empty()).then(|| here.clone()),
    };
    render(StatusCode::OK, &page)
}

// ---- one number ----

#[derive(Template)]
#[template(path = "company_number.html")]
struct NumberPage {
    c: Chrome,
    place: Place,
    n: NumberView,
    extension: String,
    has_e911: bool,
    e911: E911Form,
}

async fn number_of(
    s: &WebState,
    session: &Session,
    place: &Place,
    number: &str,
) -> Result<NumberView, AppError> {
    let n = s.app.get_number(&session.actor, number).await?;
    if n.company_id != place.id {
        return Err(AppError::NotFound);
    }
    Ok(n)
}

async fn page(
    s: &WebState,
    session: &Session,
    company: &str,
    number: &str,
    typed: Option<&Fields>,
    refused: Option<&AppError>,
    done: Done,
) -> Response {
    let here = format!("{}/{number}", numbers_path(company));
    let found = async {
        let place = company_place(s, session, company).await?;
        let n = number_of(s, session, &place, number).await?;
        let ext = extensions(s, session, n.line_id.iter()).await?;
        let e911 = e911_of(s, session, AddressOwner::Number, &n.id).await?;
        Ok::<_, AppError>((place, n, ext, e911))
    }
    .await;
    let (place, n, ext, stored) = match found {
        Ok(v) => v,
        Err(e) => return error_page(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, &n.number, &here);
    done.apply(&mut c);
    let status = refused.map_or(StatusCode::OK, |e| alert(&mut c, e));
    let has = |k: &str| typed.is_some_and(|f| f.0.iter().any(|(n, _)| n == k));
    let extension = match typed {
        Some(f) if has("extension") => f.get("extension").to_owned(),
        _ => n
            .line_id
            .as_ref()
            .and_then(|l| ext.get(l).cloned())
            .unwrap_or_default(),
    };
    let page = NumberPage {
        extension,
        has_e911: stored.is_some(),
        e911: match (typed, &stored) {
            (Some(f), _) if has("street") => E911Form::typed(f),
            (_, Some(d)) => E911Form::of(d),
            _ => E911Form::default(),
        },
        c,
        place,
        n,
    };
    render(status, &page)
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, number)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Response {
    match gate(&s, &headers, ADMINS, &numbers_path(&id)).await {
        Ok(session) => page(&s, &session, &id, &number, None, None, done).await,
        Err(r) => r,
    }
}

/// `POST …/numbers/{number}`: route the number to the line with the typed extension, or to none.
pub async fn route(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, number)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    act(s, headers, id, number, "route".to_owned(), Fields(pairs)).await
}

/// `POST …/numbers/{number}/{form}`: the fax setting (`fax`) and the E911 forms (`e911`,
/// `e911-delete`).
pub async fn save(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, number, form)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    act(s, headers, id, number, form, Fields(pairs)).await
}

async fn act(
    s: WebState,
    headers: HeaderMap,
    id: String,
    number: String,
    form: String,
    f: Fields,
) -> Response {
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &numbers_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        let place = company_place(&s, &session, &id).await?;
        let n = number_of(&s, &session, &place, &number).await?;
        let a = &session.actor;
        match form.as_str() {
            "route" => {
                let line_id = line_with_extension(&s, &session, &place, f.get("extension")).await?;
                let patch = NumberPatch {
                    line_id: Some(line_id),
                    fax: None,
                };
                s.app.update_number(a, &n.id, patch).await?;
                Ok("routed")
            }
            "fax" => {
                let patch = NumberPatch {
                    line_id: None,
                    fax: Some(f.on("fax")),
                };
                s.app.update_number(a, &n.id, patch).await?;
                Ok("fax_saved")
            }
            "e911" => {
                let doc = E911Form::typed(&f).doc();
                s.app
                    .set_e911_address(a, AddressOwner::Number, &n.id, doc)
                    .await?;
                Ok("e911_saved")
            }
            "e911-delete" => {
                s.app
                    .clear_e911_address(a, AddressOwner::Number, &n.id)
                    .await?;
                Ok("e911_removed")
            }
            _ => Err(AppError::NotFound),
        }
    }
    .await;
    // The list's row forms come back to the list; the number page's to the number page.
    let back = if f.get("back") == "list" {
        numbers_path(&id)
    } else {
        format!("{}/{number}", numbers_path(&id))
    };
    match result {
        Ok(done) => Redirect::to(&format!("{back}?done={done}")).into_response(),
        Err(AppError::NotFound) => error_page(&session, &numbers_path(&id), &AppError::NotFound),
        Err(e) => {
            page(
                &s,
                &session,
                &id,
                &number,
                Some(&f),
                Some(&e),
                Done::default(),
            )
            .await
        }
    }
}
