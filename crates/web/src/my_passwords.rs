//! "My Profile"'s password and "Change passcode" forms: the App's own use cases, which check
//! the current password with the rate limit and lockout every sign-in surface has. A new
//! password ends every session of the person, this one too: the browser goes to the sign-in
//! page with a notice rather than to a page it could no longer open.

use crate::WebState;
use crate::my_profile::{PATH, chrome, problem, show};
use crate::session::{self, SESSION, Session, set_cookie};
use axum::Router;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use sb_app::AppError;
use sb_app::views::{ChangePasswordInput, PasscodeInput};
use serde::Deserialize;

/// Where the person signs in again after a new password, told why.
pub const SIGN_IN_AGAIN: &str = "/?done=password";

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/my/profile/password", post(change_password))
        .route("/my/profile/passcode", post(change_passcode))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = ChangePasswordInput {
        current_password: f.current_password,
        new_password: f.new_password,
    };
    let outcome = s.app.change_own_password(&session.actor, input).await;
    answer(&s, &session, "password", outcome, true).await
}

#[derive(Deserialize)]
pub struct PasscodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_pin: String,
    #[serde(default)]
    new_password: String,
}

/// "Change passcode": the voice portal PIN of the default line, the password, or both; a field
/// left empty stays as it is.
pub async fn change_passcode(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PasscodeForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let given = |v: String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let new_password = Some(f.new_password).filter(|p| !p.is_empty());
    let password_changes = new_password.is_some();
    let input = PasscodeInput {
        current_password: f.current_password,
        new_password,
        new_pin: given(f.new_pin),
        line_id: None,
    };
    let outcome = s.app.change_passcode(&session.actor, input).await;
    answer(&s, &session, "passcode", outcome, password_changes).await
}

/// After a form: signed out to sign in again when the password changed, else back to the page;
/// a refusal shows the page with it by its field, nothing changed.
async fn answer(
    s: &WebState,
    session: &Session,
    form: &'static str,
    outcome: Result<(), AppError>,
    password_changed: bool,
) -> Response {
    match outcome {
        Ok(()) if password_changed => {
            set_cookie(s, Redirect::to(SIGN_IN_AGAIN).into_response(), SESSION, "")
        }
        Ok(()) => Redirect::to(&format!("{PATH}?done={form}")).into_response(),
        Err(e) => {
            let p = problem(session.me.language, form, &e);
            show(s, session, chrome(session), Some(p), None).await
        }
    }
}
