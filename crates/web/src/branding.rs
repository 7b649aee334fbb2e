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
use sb_app::branding::{BrandOwner, BrandingInput, BrandingView, OwnerKind, kind};
use sb_domain::model::Role;
use serde::Deserialize;

use crate::nav::{BRAND_CSS as CSS_PATH, BRAND_LOGO as LOGO_PATH, BRANDING as OWN_PATH};

const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(OWN_PATH, get(own))
        .route(CSS_PATH, get(stylesheet))
        .route(LOGO_PATH, get(my_logo))
        .merge(owner_routes::<kind::Company>())
        .merge(owner_routes::<kind::Reseller>())
}

/// The same pages for both kinds of owner, each at its page's own path, axum's `{id}` standing
/// for the id.
fn owner_routes<K: OwnerKind>() -> Router<WebState> {
    let base = here(K::owner("{id}"));
    let upload = post(upload::<K>).layer(DefaultBodyLimit::max(crate::upload::MAX_LOGO_FORM_BYTES));
    Router::new()
        .route(&base, get(show::<K>).post(save::<K>))
        .route(&format!("{base}/logo"), get(logo::<K>).merge(upload))
        .route(&format!("{base}/logo/delete"), post(remove_logo::<K>))
        .route(&format!("{base}/reset"), post(reset::<K>))
}

type St = State<WebState>;
type Id = Path<String>;
type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

/// The branding page of `o`.
fn here(o: BrandOwner<'_>) -> String {
    match o {
        BrandOwner::Company(id) => format!("/admin/companies/{id}/branding"),
        BrandOwner::Reseller(id) => format!("/admin/resellers/{id}/branding"),
    }
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
        (Some(co), _) => here(BrandOwner::Company(co.as_str())),
        (None, Some(r)) => here(BrandOwner::Reseller(r.as_str())),
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
    o: BrandOwner<'_>,
    alert: Option<&AppError>,
    saved: bool,
) -> Response {
    let lang = session.me.language;
    let path = here(o);
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
            company: matches!(o, BrandOwner::Company(_)),
            primary: b.primary_colour.clone().unwrap_or("#1d3557".into()),
            accent: b.accent_colour.clone().unwrap_or("#457b9d".into()),
            logo_src,
            action: path,
            b,
        },
    )
}

pub async fn show<K: OwnerKind>(
    State(s): St,
    headers: HeaderMap,
    Path(id): Id,
    Query(q): Query<Saved>,
) -> Response {
    let o = K::owner(&id);
    match gate(&s, &headers, ADMINS, &here(o)).await {
        Ok(session) => page(&s, &session, o, None, q.saved == "1").await,
        Err(r) => r,
    }
}

/// After a form: the page again with its notice, or with the refusal (nothing saved).
async fn outcome<T>(
    s: &WebState,
    session: &Session,
    o: BrandOwner<'_>,
    result: Result<T, AppError>,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("{}?saved=1", here(o))).into_response(),
        Err(AppError::NotFound) => not_found(session, &here(o)),
        Err(e) => page(s, session, o, Some(&e), false).await,
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

pub async fn save<K: OwnerKind>(
    State(s): St,
    headers: HeaderMap,
    Path(id): Id,
    Form(f): Form<BrandForm>,
) -> Response {
    let own = f.own_colours == "1";
    let colour = |v: String| Some(own.then_some(v));
    let input = BrandingInput {
        product_name: Some(Some(f.product_name)),
        primary_colour: colour(f.primary_colour),
        accent_colour: colour(f.accent_colour),
    };
    change(&s, &headers, K::owner(&id), &f.csrf, Change::Fields(input)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn remove_logo<K: OwnerKind>(
    State(s): St,
    headers: HeaderMap,
    Path(id): Id,
    Form(f): Form<CsrfOnly>,
) -> Response {
    change(&s, &headers, K::owner(&id), &f.csrf, Change::RemoveLogo).await
}

pub async fn reset<K: OwnerKind>(
    State(s): St,
    headers: HeaderMap,
    Path(id): Id,
    Form(f): Form<CsrfOnly>,
) -> Response {
    change(&s, &headers, K::owner(&id), &f.csrf, Change::Reset).await
}

/// What a form of a branding page changes (the logo's upload aside: its token is in its body).
enum Change {
    Fields(BrandingInput),
    RemoveLogo,
    Reset,
}

/// A form of `o`'s page: the CSRF token and the role checked before anything changes.
async fn change(
    s: &WebState,
    headers: &HeaderMap,
    o: BrandOwner<'_>,
    csrf: &str,
    change: Change,
) -> Response {
    let session = match gate_form(s, headers, csrf, ADMINS, &here(o)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let a = &session.actor;
    let result = match change {
        Change::Fields(input) => s.app.set_branding(a, o, input).await.map(|_| ()),
        Change::RemoveLogo => s.app.remove_logo(a, o).await.map(|_| ()),
        // Nothing to reset is no failure: the page shows the default look either way.
        Change::Reset => match s.app.reset_branding(a, o).await {
            Err(AppError::NotFound) => s.app.branding(a, o).await.map(|_| ()),
            other => other,
        },
    };
    outcome(s, &session, o, result).await
}

/// `POST …/branding/logo`: a PNG or SVG file from the browser's form; the CSRF field is checked
/// before anything is used, and a file that cannot be used changes nothing.
pub async fn upload<K: OwnerKind>(
    State(s): St,
    headers: HeaderMap,
    Path(id): Id,
    body: Body,
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
    let o = K::owner(&id);
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
        return not_found(&session, &here(o));
    }
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
    outcome(&s, &session, o, result).await
}

/// A tenant's own logo, for its branding page.
pub async fn logo<K: OwnerKind>(State(s): St, headers: HeaderMap, Path(id): Id) -> Response {
    let Ok(session) = signed_in(&s, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match s.app.brand_logo(&session.actor, K::owner(&id)).await {
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
