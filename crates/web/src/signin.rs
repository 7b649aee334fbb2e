//! Sign-in, sign-out and the first-login wizard ("Don't have a username?").

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, CSRF, SESSION, csrf_ok, guest_lang, new_csrf, set_cookie};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::views::{FirstLoginInput, LoginInput, LoginOutput};
use sb_http::ClientIp;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    c: Chrome,
}

#[derive(Template)]
#[template(path = "first_login.html")]
struct FirstLoginPage {
    c: Chrome,
    token: String,
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
    /// `password` after a new password ended the session: the page says why.
    done: Option<String>,
}

/// A page before sign-in with a fresh CSRF token in its forms and cookie.
fn guest_page(s: &WebState, status: StatusCode, page: &impl Template, csrf: &str) -> Response {
    set_cookie(s, render(status, page), CSRF, csrf)
}

fn sign_in_form(
    s: &WebState,
    lang: sb_domain::model::Language,
    alert: Option<&str>,
    status: StatusCode,
) -> Response {
    let csrf = new_csrf();
    let mut c = Chrome::guest(lang, "sign_in", &csrf, "/");
    c.alert = alert.map(str::to_owned);
    guest_page(s, status, &SignInPage { c }, &csrf)
}

pub async fn sign_in_page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    if let Some(actor) = session::any_actor(&s, &headers)
        .await
        .filter(|a| !a.enrol_only)
    {
        return Redirect::to(session::home_of(actor.role)).into_response();
    }
    let lang = guest_lang(&headers, q.lang.as_deref());
    let csrf = new_csrf();
    let mut c = Chrome::guest(lang, "sign_in", &csrf, "/");
    if q.done.as_deref() == Some("password") {
        c.info = Some(crate::i18n::t(lang, "mp_password_changed").to_owned());
    }
    guest_page(&s, StatusCode::OK, &SignInPage { c }, &csrf)
}

/// After a successful sign-in: the session cookie, and off to the role's home.
fn enter(s: &WebState, out: &LoginOutput) -> Response {
    // A two-factor policy covers this person, who has no second factor yet: enrolment first.
    // Then a person with several lines and no default chooses the extension they sign in to.
    let target = if out.two_factor_enrolment_required {
        crate::security::PATH
    } else if out.extension_choice_required {
        crate::nav::EXTENSION
    } else {
        session::home_of(out.user.role)
    };
    let res = Redirect::to(target).into_response();
    set_cookie(s, res, SESSION, &out.token)
}

#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    /// The two-factor code, for accounts that have it.
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    csrf: String,
    /// The language the form was shown in, so that an error answers in it.
    #[serde(default)]
    lang: Option<String>,
}

/// What the sign-in page says for a refused sign-in, and with which status.
fn refusal(e: &AppError) -> (&'static str, StatusCode) {
    match e {
        AppError::Locked => ("locked", StatusCode::LOCKED),
        AppError::RateLimited { .. } => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
        AppError::Forbidden(_) => ("disabled", StatusCode::FORBIDDEN),
        AppError::InvalidCredentials => ("bad_credentials", StatusCode::UNAUTHORIZED),
        AppError::TwoFactorRequired => ("two_factor_required", StatusCode::UNAUTHORIZED),
        AppError::Invalid(i) if i.code == "invalid_two_factor_code" => {
            ("bad_code", StatusCode::UNPROCESSABLE_ENTITY)
        }
        // A name or password longer than any account has (issue 14, finding 6).
        AppError::Invalid(_) => ("bad_credentials", StatusCode::UNPROCESSABLE_ENTITY),
        _ => ("error", StatusCode::INTERNAL_SERVER_ERROR),
    }
}

pub async fn sign_in(
    State(s): State<WebState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = guest_lang(&headers, f.lang.as_deref());
    let fail = |key: &str, status| sign_in_form(&s, lang, Some(crate::i18n::t(lang, key)), status);
    if !csrf_ok(&headers, &f.csrf) {
        return fail("expired_form", StatusCode::FORBIDDEN);
    }
    let input = LoginInput {
        username: f.username,
        password: f.password,
        code: f.code.filter(|c| !c.trim().is_empty()),
    };
    match s.app.login(input, ip.as_deref()).await {
        Ok(out) => enter(&s, &out),
        Err(e) => {
            let (key, status) = refusal(&e);
            fail(key, status)
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session; without a valid CSRF token only the cookie goes (another site cannot end
/// a session, and the person is signed out in this browser either way).
pub async fn sign_out(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    if csrf_ok(&headers, &f.csrf)
        && let (Some(token), Some(actor)) = (
            session::cookie(&headers, SESSION),
            session::any_actor(&s, &headers).await,
        )
    {
        let _ = s.app.logout(&actor, &token).await;
    }
    set_cookie(&s, Redirect::to("/").into_response(), SESSION, "")
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
    lang: Option<String>,
}

fn first_login_form(
    s: &WebState,
    lang: sb_domain::model::Language,
    token: &str,
    alert: Option<String>,
    status: StatusCode,
) -> Response {
    let csrf = new_csrf();
    let mut c = Chrome::guest(lang, "choose_credentials", &csrf, "/first-login");
    // The link's token stays when the language changes; it is URL-safe by construction, and
    // anything else is dropped rather than escaped into a URL.
    if !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        c.keep_query = format!("token={token}&");
    }
    c.alert = alert;
    let page = FirstLoginPage {
        c,
        token: token.to_owned(),
    };
    guest_page(s, status, &page, &csrf)
}

pub async fn first_login_page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Response {
    let lang = guest_lang(&headers, q.lang.as_deref());
    first_login_form(
        &s,
        lang,
        q.token.as_deref().unwrap_or(""),
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct FirstLoginForm {
    #[serde(default)]
    csrf: String,
    token: String,
    username: String,
    password: String,
    #[serde(default)]
    lang: Option<String>,
}

pub async fn first_login(
    State(s): State<WebState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<FirstLoginForm>,
) -> Response {
    let lang = guest_lang(&headers, f.lang.as_deref());
    let token = f.token.clone();
    let fail = |msg: &str, status| first_login_form(&s, lang, &token, Some(msg.to_owned()), status);
    let t = |key| crate::i18n::t(lang, key);
    if !csrf_ok(&headers, &f.csrf) {
        return fail(t("expired_form"), StatusCode::FORBIDDEN);
    }
    let input = FirstLoginInput {
        token: f.token,
        username: f.username,
        password: f.password,
    };
    match s.app.complete_link(input, ip.as_deref()).await {
        Ok(out) => enter(&s, &out),
        Err(e @ AppError::Invalid(_)) | Err(e @ AppError::Conflict { .. }) => fail(
            &crate::i18n::errors::refusal_text(lang, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(AppError::RateLimited { .. }) => fail(t("rate_limited"), StatusCode::TOO_MANY_REQUESTS),
        Err(_) => fail(t("error"), StatusCode::INTERNAL_SERVER_ERROR),
    }
}
