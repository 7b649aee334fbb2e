//! Branding pages: a reseller's (for itself and the provider) and a company's (for its
//! administrators, its reseller and the provider), each with the product name, two colours and
//! the logo; and what every signed-in page loads of the person's own branding: its stylesheet
//! of colours and its logo, both at URLs that change with the branding, so browsers keep them.

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{alerted, failed, gate, gate_form, not_found};
use crate::session::{self, Session, signed_in};
use crate::upload::{UploadError, parse_logo_form};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::branding::{BrandOwner, BrandingInput, BrandingView};
use sb_domain::model::Role;
use serde::Deserialize;

/// The person's own branding page: their company's, or their reseller's.
pub const OWN_PATH: &str = "/admin/branding";
/// The colours of the signed-in person's pages.
pub const CSS_PATH: &str = "/brand/style.css";
/// The logo of the signed-in person's pages.
pub const LOGO_PATH: &str = "/brand/logo";

const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

pub fn routes() -> Router<WebState> {
    let mut r = Router::new()
        .route(OWN_PATH, get(own))
        .route(CSS_PATH, get(stylesheet))
        .route(LOGO_PATH, get(my_logo));
    // The same pages for both kinds of owner, each path naming its kind.
    for kind in ["companies", "resellers"] {
        let base = format!("/admin/{kind}/{{id}}/branding");
        let upload = post(move |s: St, h: HeaderMap, p: Id, b: Body| upload(s, h, p, b, kind))
            .layer(DefaultBodyLimit::max(crate::upload::MAX_LOGO_FORM_BYTES));
        r = r
            .route(
                &base,
                get(move |s: St, h: HeaderMap, p: Id, q: Query<Saved>| show(s, h, p, q, kind))
                    .post(move |s: St, h: HeaderMap, p: Id, f: Form<BrandForm>| {
                        save(s, h, p, f, kind)
                    }),
            )
            .route(
                &format!("{base}/logo"),
                get(move |s: St, h: HeaderMap, p: Id| logo(s, h, p, kind)).merge(upload),
            )
            .route(
                &format!("{base}/logo/delete"),
                post(move |s: St, h: HeaderMap, p: Id, f: Form<CsrfOnly>| {
                    remove_logo(s, h, p, f, kind)
                }),
            )
            .route(
                &format!("{base}/reset"),
                post(move |s: St, h: HeaderMap, p: Id, f: Form<CsrfOnly>| reset(s, h, p, f, kind)),
            );
    }
    r
}

type St = State<WebState>;
type Id = Path<String>;
type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

/// `companies` or `resellers`, as the path names the owner.
fn owner<'a>(kind: &str, id: &'a str) -> Option<BrandOwner<'a>> {
    match kind {
        "companies" => Some(BrandOwner::Company(id)),
        "resellers" => Some(BrandOwner::Reseller(id)),
        _ => None,
    }
}

fn here(kind: &str, id: &str) -> String {
    format!("/admin/{kind}/{id}/branding")
}

/// A company administrator's or a reseller's own branding page.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let session = match gate(
        &s,
        &headers,
        &[Role::CompanyAdmin, Role::ResellerAdmin],
        OWN_PATH,
    )
    .await
    {
        Ok(v) => v,
        Err(r) => return r,
    };
    let a = &session.actor;
    let to = match (&a.company_id, &a.reseller_id) {
        (Some(co), _) => here("companies", co.as_str()),
        (None, Some(r)) => here("resellers", r.as_str()),
        (None, None) => return not_found(&session, OWN_PATH),
    };
    Redirect::to(&to).into_response()
}

#[derive(Template)]
#[template(path = "branding.html")]
struct BrandingPage {
    c: Chrome,
    action: String,
    b: BrandingView,
    /// A company's page: empty fields come from its reseller.
    company: bool,
    /// The colour pickers' values: the tenant's own, else the default look.
    primary: String,
    accent: String,
    logo_src: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

async fn page(
    s: &WebState,
    session: &Session,
    kind: &str,
    id: &str,
    alert: Option<&AppError>,
    saved: bool,
) -> Response {
    let lang = session.me.language;
    let path = here(kind, id);
    let Some(o) = owner(kind, id) else {
        return not_found(session, &path);
    };
    let title = t(lang, "br_title");
    let b = match s.app.branding(&session.actor, o).await {
        Ok(b) => b,
        Err(AppError::NotFound) => return not_found(session, &path),
        Err(e) => return failed(Chrome::signed_in(session, title, &path), &e),
    };
    let mut c = Chrome::signed_in(session, title, &path);
    let status = alerted(&mut c, alert);
    if saved && alert.is_none() {
        c.info = Some(t(lang, "br_saved").to_owned());
    }
    let logo_src = b
        .logo_type
        .as_ref()
        .map(|_| format!("{path}/logo?v={}", b.version));
    render(
        status,
        &BrandingPage {
            c,
            company: kind == "companies",
            primary: b.primary_colour.clone().unwrap_or("#1d3557".into()),
            accent: b.accent_colour.clone().unwrap_or("#457b9d".into()),
            logo_src,
            action: path,
            b,
        },
    )
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Id,
    Query(q): Query<Saved>,
    kind: &'static str,
) -> Response {
    match gate(&s, &headers, ADMINS, &here(kind, &id)).await {
        Ok(session) => page(&s, &session, kind, &id, None, q.saved == "1").await,
        Err(r) => r,
    }
}

/// After a form: the page again with its notice, or with the refusal (nothing saved).
async fn outcome<T>(
    s: &WebState,
    session: &Session,
    kind: &str,
    id: &str,
    result: Result<T, AppError>,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("{}?saved=1", here(kind, id))).into_response(),
        Err(AppError::NotFound) => not_found(session, &here(kind, id)),
        Err(e) => page(s, session, kind, id, Some(&e), false).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BrandForm {
    csrf: String,
    product_name: String,
    /// Unticked: no colours of its own (the reseller's or the default look).
    own_colours: String,
    primary_colour: String,
    accent_colour: String,
}

pub async fn save(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Id,
    Form(f): Form<BrandForm>,
    kind: &'static str,
) -> Response {
    let path = here(kind, &id);
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &path).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(o) = owner(kind, &id) else {
        return not_found(&session, &path);
    };
    let own = f.own_colours == "1";
    let colour = |v: String| Some(own.then_some(v));
    let input = BrandingInput {
        product_name: Some(Some(f.product_name)),
        primary_colour: colour(f.primary_colour),
        accent_colour: colour(f.accent_colour),
    };
    let result = s.app.set_branding(&session.actor, o, input).await;
    outcome(&s, &session, kind, &id, result).await
}

/// `POST …/branding/logo`: a PNG or SVG file from the browser's form; the CSRF field is checked
/// before anything is used, and a file that cannot be used changes nothing.
pub async fn upload(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Id,
    body: Body,
    kind: &'static str,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parsed = match body {
        Ok(body) => parse_logo_form(content_type, body),
        Err(_) => Err(UploadError::TooLarge),
    };
    let csrf = parsed.as_ref().map_or("", |f| f.csrf.as_str());
    let path = here(kind, &id);
    let session = match parsed {
        // Past the limit the form's token is not read: the page only says why.
        Err(UploadError::TooLarge) => signed_in(&s, &headers).await,
        _ => session::changing(&s, &headers, csrf, false).await,
    };
    let session = match session {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !ADMINS.contains(&session.actor.role) {
        return not_found(&session, &path);
    }
    let Some(o) = owner(kind, &id) else {
        return not_found(&session, &path);
    };
    let result = match parsed {
        Ok(f) if !f.file.is_empty() => s.app.set_logo(&session.actor, o, &f.file).await,
        Ok(_) => Err(AppError::invalid(
            "no_file",
            "logo",
            "Choose a PNG or SVG file.",
        )),
        Err(UploadError::TooLarge) => Err(AppError::invalid(
            "logo_too_large",
            "logo",
            "A logo is at most 256 KiB.",
        )),
        Err(UploadError::Malformed) => Err(AppError::invalid(
            "invalid_logo",
            "logo",
            "The form could not be read.",
        )),
    };
    outcome(&s, &session, kind, &id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn remove_logo(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Id,
    Form(f): Form<CsrfOnly>,
    kind: &'static str,
) -> Response {
    let path = here(kind, &id);
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &path).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(o) = owner(kind, &id) else {
        return not_found(&session, &path);
    };
    let result = s.app.remove_logo(&session.actor, o).await;
    outcome(&s, &session, kind, &id, result).await
}

pub async fn reset(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Id,
    Form(f): Form<CsrfOnly>,
    kind: &'static str,
) -> Response {
    let path = here(kind, &id);
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &path).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(o) = owner(kind, &id) else {
        return not_found(&session, &path);
    };
    // Nothing to reset is no failure: the page shows the default look either way.
    let result = match s.app.reset_branding(&session.actor, o).await {
        Err(AppError::NotFound) => s.app.branding(&session.actor, o).await.map(|_| ()),
        other => other,
    };
    outcome(&s, &session, kind, &id, result).await
}

/// A tenant's own logo, for its branding page.
pub async fn logo(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Id,
    kind: &'static str,
) -> Response {
    let Ok(session) = signed_in(&s, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(o) = owner(kind, &id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match s.app.brand_logo(&session.actor, o).await {
        Ok(l) => kept(sb_http::logo_answer(l)),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The logo of the signed-in person's pages.
pub async fn my_logo(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Ok(session) = signed_in(&s, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match s.app.my_logo(&session.actor).await {
        Ok(l) => kept(sb_http::logo_answer(l)),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The colours of the signed-in person's pages, as the variables `app.css` reads; each with
/// the text colour that reads on it.
pub async fn stylesheet(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Ok(session) = signed_in(&s, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut css = String::from(":root {");
    if let Some(b) = &session.me.brand {
        for (name, colour) in [("brand", &b.primary), ("accent", &b.accent)] {
            if let Some(c) = colour {
                // Both values are #rrggbb, checked when they were saved and again when read.
                css.push_str(&format!(
                    " --{name}: {}; --on-{name}: {};",
                    c.as_str(),
                    c.text_on().as_str()
                ));
            }
        }
    }
    css.push_str(" }\n");
    kept(([(header::CONTENT_TYPE, "text/css")], css).into_response())
}

/// An answer whose URL changes with the branding: the browser keeps it, for this person only.
fn kept(mut res: Response) -> Response {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    res
}
