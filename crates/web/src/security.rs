//! "Security" for everyone signed in: two-factor sign-in on and off, through the use cases of
//! `POST/DELETE /api/v1/me/two-factor`. Turning it on or off asks for the password again (the
//! portal's reauth): the elevated token it gives is used for the one change and ended at once.
//! A session a two-factor policy restricts to enrolment opens only this page, without the
//! password again (it was given a moment ago, at sign-in).

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, SESSION, Session, set_cookie};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use sb_app::twofactor::TwoFactorCodeInput;
use sb_app::{Actor, AppError};
use serde::Deserialize;

pub use crate::nav::SECURITY as PATH;

pub enum Step {
    Overview {
        on: bool,
        enrol_only: bool,
    },
    /// Scan (or type) the secret, then confirm with a first code.
    Confirm {
        qr: Option<String>,
        secret: Option<String>,
    },
    /// The recovery codes, shown this once.
    Codes {
        codes: Vec<String>,
        sign_in_again: bool,
    },
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage {
    c: Chrome,
    step: Step,
}

fn page(s: &Session, step: Step, alert: Option<&str>, status: StatusCode) -> Response {
    let title = crate::i18n::t(s.me.language, "security");
    let mut c = Chrome::signed_in(s, title, PATH);
    c.alert = alert.map(|key| c.t(key).to_owned());
    render(status, &SecurityPage { c, step })
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<Done>,
) -> Response {
    let session = match session::any_session(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let on = s
        .app
        .two_factor_on(&session.actor.user_id)
        .await
        .unwrap_or(false);
    let step = Step::Overview {
        on,
        enrol_only: session.actor.enrol_only,
    };
    let title = crate::i18n::t(session.me.language, "security");
    let mut c = Chrome::signed_in(&session, title, PATH);
    if q.done.as_deref() == Some("off") {
        c.info = Some(c.t("two_factor_now_off").to_owned());
    }
    render(StatusCode::OK, &SecurityPage { c, step })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub code: Option<String>,
}

/// The page for a refused password or code, and its status.
pub(crate) fn refused(e: &AppError) -> (&'static str, StatusCode) {
    match e {
        AppError::InvalidCredentials => ("bad_password", StatusCode::UNAUTHORIZED),
        AppError::TwoFactorRequired => ("two_factor_required", StatusCode::UNAUTHORIZED),
        AppError::Invalid(_) => ("bad_code", StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Locked => ("locked", StatusCode::LOCKED),
        AppError::RateLimited { .. } => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
        _ => ("error", StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// Runs `change` with a short-lived elevated session from the password (and code), then ends
/// that session so it cannot be used for anything else.
pub(crate) async fn elevated<T>(
    s: &WebState,
    actor: &Actor,
    password: &str,
    code: Option<&str>,
    change: impl AsyncFnOnce(&Actor) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let code = code.filter(|c| !c.trim().is_empty());
    let out = s.app.reauth(actor, password.to_owned(), code).await?;
    let elevated = s.app.authenticate(&out.token, None).await?;
    let result = change(&elevated).await;
    let _ = s.app.logout(&elevated, &out.token).await;
    result
}

fn qr_image(svg: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(svg);
    format!("data:image/svg+xml;base64,{b64}")
}

pub async fn enrol(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, true).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let started = if session.actor.enrol_only {
        s.app.enrol_two_factor(&session.actor).await
    } else {
        elevated(
            &s,
            &session.actor,
            &f.password,
            f.code.as_deref(),
            async |a: &Actor| s.app.enrol_two_factor(a).await,
        )
        .await
    };
    match started {
        Ok(e) => {
            let step = Step::Confirm {
                qr: Some(qr_image(&e.qr_svg)),
                secret: Some(e.secret),
            };
            page(&session, step, None, StatusCode::OK)
        }
        Err(e) => {
            let (key, status) = refused(&e);
            let step = Step::Overview {
                on: false,
                enrol_only: session.actor.enrol_only,
            };
            page(&session, step, Some(key), status)
        }
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    code: String,
}

pub async fn confirm(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, true).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = TwoFactorCodeInput { code: f.code };
    let codes = match s.app.confirm_two_factor(&session.actor, input).await {
        Ok(v) => v.recovery_codes,
        Err(e) => {
            let (key, status) = refused(&e);
            return page(
                &session,
                Step::Confirm {
                    qr: None,
                    secret: None,
                },
                Some(key),
                status,
            );
        }
    };
    // A session restricted to enrolment stays restricted: the person signs in again, now with
    // a code, for a full one.
    let sign_in_again = session.actor.enrol_only;
    let res = page(
        &session,
        Step::Codes {
            codes,
            sign_in_again,
        },
        None,
        StatusCode::OK,
    );
    if !sign_in_again {
        return res;
    }
    if let Some(token) = session::cookie(&headers, SESSION) {
        let _ = s.app.logout(&session.actor, &token).await;
    }
    set_cookie(&s, res, SESSION, "")
}

pub async fn turn_off(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match elevated(
        &s,
        &session.actor,
        &f.password,
        f.code.as_deref(),
        async |a: &Actor| s.app.remove_two_factor(a).await,
    )
    .await
    {
        Ok(()) => Redirect::to("/my/security?done=off").into_response(),
        Err(e) => {
            let (key, status) = refused(&e);
            page(
                &session,
                Step::Overview {
                    on: true,
                    enrol_only: false,
                },
                Some(key),
                status,
            )
        }
    }
}
