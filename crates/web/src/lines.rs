//! Lines and numbers: a company's lines with search and paging, adding one (within the company's
//! line subscription keys), and what the line, number and reset pages share (`page`,
//! `numbers`, and the E911 form of both in `e911`). For the company's administrators and for its reseller or the provider acting for
//! it, under the "Acting for" banner. Every change goes through the use cases of
//! `/api/v1/companies/{id}/lines` and `/api/v1/lines/{id}`.

mod e911;
mod numbers;
mod page;

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{error_text, gate, gate_form, own_company_page};
use crate::session::Session;
use crate::users::{Place, company_place, enc, error_page};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::devices::LineEntry;
use sb_app::user_list::UserListFilter;
use sb_app::views::{LineInput, LineView};
use sb_domain::model::{Language, Role};
use serde::Deserialize;

/// Who may use these pages; the use cases decide which company.
pub const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

/// Lines per page of the list.
const PAGE_SIZE: i64 = 50;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/lines", get(own))
        .route("/admin/numbers", get(numbers::own))
        .route("/admin/companies/{id}/lines", get(list).post(create))
        .route("/admin/companies/{id}/lines/{line}", get(page::show))
        .route(
            "/admin/companies/{id}/lines/{line}/{form}",
            post(page::save),
        )
        .route(
            "/admin/companies/{id}/lines/{line}/reset",
            get(page::reset_page).post(page::reset),
        )
        .route("/admin/companies/{id}/numbers", get(numbers::list))
        .route(
            "/admin/companies/{id}/numbers/{number}",
            get(numbers::show).post(numbers::route),
        )
        .route(
            "/admin/companies/{id}/numbers/{number}/{form}",
            post(numbers::save),
        )
}

pub fn lines_path(id: &str) -> String {
    format!("/admin/companies/{id}/lines")
}

/// The messages a finished change may show after its redirect (`?done=`); anything else shows
/// nothing.
const DONE: &[&str] = &[
    "saved",
    "added",
    "assigned",
    "unassigned",
    "e911_saved",
    "e911_removed",
    "routed",
    "fax_saved",
    "reset",
];

/// `?done=` of a page: its notice, when it is one of [`DONE`].
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    pub done: String,
}

impl Done {
    pub fn apply(&self, c: &mut Chrome) {
        if DONE.contains(&self.done.as_str()) {
            c.info = Some(c.t(&format!("ln_done_{}", self.done)).to_owned());
        }
    }
}

/// A refused change as the alert says it: this area's text for the use case's code when it has
/// one (with the field's label), else the provider pages' wording.
pub fn refusal(lang: Language, e: &AppError) -> String {
    let key = format!("ln_err_{}", e.code());
    let text = t(lang, &key);
    if text == key {
        return error_text(lang, e);
    }
    let label = e.field().and_then(field_key).map(|k| t(lang, k));
    match (label, lang) {
        (Some(l), Language::Fr) => format!("{l} : {text}"),
        (Some(l), Language::En) => format!("{l}: {text}"),
        (None, _) => text.to_owned(),
    }
}

/// The label of a use case's field on these pages, when they have that field.
fn field_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "extension" => "ln_extension",
        "default_number" => "ln_default_number",
        "presentation_number" => "ln_presentation_number",
        "calling_name" => "ln_calling_name",
        "account_name" => "ln_account_name",
        "user" | "user_id" => "ln_user",
        _ => return None,
    })
}

/// The alert of a refused change on `c`, and the status the page answers with.
pub fn alert(c: &mut Chrome, e: &AppError) -> StatusCode {
    c.alert = Some(refusal(c.lang, e));
    crate::provider::error_status(e)
}

/// The company `id`'s line `line`; a line of another company is not found.
pub async fn line_of(
    s: &WebState,
    session: &Session,
    place: &Place,
    line: &str,
) -> Result<LineView, AppError> {
    let l = s.app.get_line(&session.actor, line).await?;
    if l.company_id != place.id {
        return Err(AppError::NotFound);
    }
    Ok(l)
}

/// The user of the company typed in a form (exact username, e-mail or full name, any case);
/// `None` for an empty field.
pub async fn user_named(
    s: &WebState,
    session: &Session,
    place: &Place,
    typed: &str,
) -> Result<Option<String>, AppError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let filter = UserListFilter {
        text: Some(typed.to_owned()),
        ..UserListFilter::default()
    };
    let found = s
        .app
        .search_users(&session.actor, &place.id, filter, sb_app::Page::first(50))
        .await?;
    let same = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(typed));
    let mut hits =
        found.items.into_iter().map(|e| e.user).filter(|u| {
            same(u.username.as_deref()) || same(u.email.as_deref()) || same(Some(&u.name))
        });
    match (hits.next(), hits.next()) {
        (Some(u), None) => Ok(Some(u.id)),
        _ => Err(AppError::invalid(
            "no_such_user",
            "user",
            "There is no such user in this company.",
        )),
    }
}

/// The company's line with extension `ext` (exactly); `None` for an empty field.
pub async fn line_with_extension(
    s: &WebState,
    session: &Session,
    place: &Place,
    ext: &str,
) -> Result<Option<String>, AppError> {
    let ext = ext.trim();
    if ext.is_empty() {
        return Ok(None);
    }
    let found = s
        .app
        .search_lines(&session.actor, &place.id, ext, sb_app::Page::first(50))
        .await?;
    found
        .items
        .into_iter()
        .find(|e| e.line.extension == ext)
        .map(|e| Some(e.line.id))
        .ok_or_else(|| {
            AppError::invalid(
                "no_such_extension",
                "extension",
                "There is no line with this extension.",
            )
        })
}

// ---- the list ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    after: String,
    done: String,
}

/// The add-line form, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddForm {
    csrf: String,
    extension: String,
    user: String,
    calling_name: String,
}

#[derive(Template)]
#[template(path = "company_lines.html")]
struct ListPage {
    c: Chrome,
    place: Place,
    q: String,
    rows: Vec<LineEntry>,
    next: Option<String>,
    first: Option<String>,
    form: AddForm,
}

/// `/admin/lines`: a company administrator's own company's lines.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/lines", "lines").await
}

async fn list_page(
    s: &WebState,
    session: &Session,
    id: &str,
    q: ListQuery,
    form: AddForm,
    refused: Option<&AppError>,
) -> Response {
    let here = lines_path(id);
    let place = match company_place(s, session, id).await {
        Ok(p) => p,
        Err(e) => return error_page(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, t(session.me.language, "ln_lines"), &here);
    Done { done: q.done }.apply(&mut c);
    let mut status = refused.map_or(StatusCode::OK, |e| alert(&mut c, e));
    let page = sb_app::Page {
        after: Some(q.after.clone()).filter(|a| !a.is_empty()),
        limit: PAGE_SIZE,
    };
    let (rows, next) = match s.app.search_lines(&session.actor, id, &q.q, page).await {
        Ok(found) => {
            let next = found
                .next_cursor
                .map(|n| format!("{here}?q={}&after={}", enc(&q.q), enc(&n)));
            (found.items, next)
        }
        Err(e) => {
            status = alert(&mut c, &e);
            (Vec::new(), None)
        }
    };
    let first = (!q.after.is_empty()).then(|| format!("{here}?q={}", enc(&q.q)));
    let page = ListPage {
        c,
        place,
        q: q.q,
        rows,
        next,
        first,
        form,
    };
    render(status, &page)
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    match gate(&s, &headers, ADMINS, &lines_path(&id)).await {
        Ok(session) => list_page(&s, &session, &id, q, AddForm::default(), None).await,
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AddForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &lines_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        let place = company_place(&s, &session, &id).await?;
        let input = LineInput {
            extension: f.extension.trim().to_owned(),
            user_id: user_named(&s, &session, &place, &f.user).await?,
            account_name: None,
            calling_name: Some(f.calling_name.trim().to_owned()).filter(|n| !n.is_empty()),
            default_number: None,
            presentation_number: None,
        };
        s.app.create_line(&session.actor, &id, input).await
    }
    .await;
    match result {
        Ok(l) => Redirect::to(&format!("{}/{}?done=added", lines_path(&id), l.id)).into_response(),
        Err(AppError::NotFound) => error_page(&session, &lines_path(&id), &AppError::NotFound),
        Err(e) => list_page(&s, &session, &id, ListQuery::default(), f, Some(&e)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys the lines pages' Rust code asks for (titles, notices, errors) exist in both
    /// languages: the template test reads only templates.
    #[test]
    fn every_key_the_lines_modules_ask_for_exists_in_both_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut keys: Vec<String> = DONE.iter().map(|d| format!("ln_done_{d}")).collect();
        for file in [
            "lines.rs",
            "lines/page.rs",
            "lines/numbers.rs",
            "lines/e911.rs",
            "device.rs",
        ] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            for key in text
                .split("\"ln_")
                .skip(1)
                .map(|r| r.split('"').next().unwrap())
            {
                if !key.is_empty() && !key.ends_with('_') && !key.contains('{') {
                    keys.push(format!("ln_{key}"));
                }
            }
        }
        assert!(keys.len() > 12, "the modules were read: {keys:?}");
        for key in keys {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(t(lang, &key), key, "{key}");
            }
        }
    }

    #[test]
    fn a_refusal_names_the_field_in_the_pages_language_and_falls_back_to_the_use_cases_words() {
        let taken = AppError::conflict(
            "extension_taken",
            "Another line of this company has this extension.",
            Some("extension"),
        );
        assert_eq!(
            refusal(Language::Fr, &taken),
            "Poste : Une autre ligne de cette entreprise a déjà ce poste."
        );
        let keys = AppError::conflict("subscription_limit", "All 10 used.", None);
        assert!(refusal(Language::En, &keys).contains("subscription keys"));
        let other = AppError::invalid("some_new_code", "x", "Plain words.");
        assert!(refusal(Language::En, &other).ends_with("Plain words."));
    }
}
