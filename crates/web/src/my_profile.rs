//! "My Profile" (issue 17; PORTALS.md, End user): the signed-in person's personal information,
//! picture, language, default extension, password and passcode, each form saved on its own.
//! This module shows the page and saves the details, the language and the default extension;
//! `my_passwords` changes the password and the passcode, `my_picture` the picture.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::own_profile::OwnDetailsInput;
use sb_app::views::{MeView, UserPatch};
use sb_domain::model::{Feature, Language, Role};
use serde::Deserialize;

pub const PATH: &str = "/my/profile";
/// The picture of the signed-in person; its URL carries the picture's version.
pub const PICTURE_PATH: &str = "/my/profile/picture";

pub fn routes() -> Router<WebState> {
    Router::new()
        .route(PATH, get(page))
        .route("/my/profile/details", post(save_details))
        .route("/my/profile/language", post(save_language))
        .route("/my/profile/default-line", post(save_default_line))
}

/// A refusal: the form it answers (`details`, `password`, …), the field it belongs to, its text.
pub struct Problem {
    pub form: &'static str,
    pub field: &'static str,
    pub text: String,
}

/// One of the person's lines, to choose the default from.
struct LineChoice {
    id: String,
    extension: String,
    numbers: String,
    default: bool,
}

/// What the page shows of the person; `name` and `email` as typed when a change was refused.
struct Profile {
    name: String,
    email: String,
    /// The account's own language, else the one the pages use.
    lang: &'static str,
    lines: Vec<LineChoice>,
    /// The extension whose voice portal PIN the passcode form changes.
    pin_extension: Option<String>,
    picture: Option<String>,
}

#[derive(Template)]
#[template(path = "my_profile.html")]
struct Page {
    c: Chrome,
    /// None when the person's package has no user portal.
    profile: Option<Profile>,
    problem: Option<Problem>,
}

impl Page {
    fn error_of(&self, form: &str, field: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.form == form && p.field == field)
            .map(|p| p.text.as_str())
    }

    fn is_lang(&self, code: &str) -> bool {
        self.profile.as_ref().is_some_and(|p| p.lang == code)
    }
}

/// The details as typed, kept in the form when they are refused.
#[derive(Default, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
}

/// The notice of the change a form made, by the `done` it sent back.
fn done_key(done: &str) -> Option<&'static str> {
    Some(match done {
        "details" => "mp_details_saved",
        "language" => "mp_language_saved",
        "default" => "mp_default_saved",
        "passcode" => "mp_passcode_saved",
        "picture" => "mp_picture_saved",
        "picture_removed" => "mp_picture_removed",
        _ => return None,
    })
}

pub async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut c = chrome(&session);
    c.info = q
        .done
        .as_deref()
        .and_then(done_key)
        .map(|k| c.t(k).to_owned());
    show(&s, &session, c, None, None).await
}

pub fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "my_profile");
    Chrome::signed_in(session, title, PATH)
}

fn profile_of(me: &MeView, picture: Option<i64>, typed: Option<DetailsForm>) -> Profile {
    let default = me.default_line_id.as_deref();
    let typed = typed.unwrap_or_else(|| DetailsForm {
        name: me.user.name.clone(),
        email: me.user.email.clone().unwrap_or_default(),
        ..DetailsForm::default()
    });
    Profile {
        name: typed.name,
        email: typed.email,
        lang: me.user.language.unwrap_or(me.language).as_str(),
        lines: me
            .lines
            .iter()
            .map(|l| LineChoice {
                id: l.id.clone(),
                extension: l.extension.clone(),
                numbers: l.numbers.join(", "),
                default: default == Some(l.id.as_str()),
            })
            .collect(),
        pin_extension: me
            .lines
            .iter()
            .find(|l| default == Some(l.id.as_str()))
            .map(|l| l.extension.clone()),
        picture: picture.map(|v| format!("{PICTURE_PATH}?v={v}")),
    }
}

/// The page, with a refused form's problem by its field (422) and, for the details, what was
/// typed; or the notice that the person's package has no portal.
pub async fn show(
    s: &WebState,
    session: &Session,
    mut c: Chrome,
    problem: Option<Problem>,
    typed: Option<DetailsForm>,
) -> Response {
    let me = match s.app.me(&session.actor).await {
        Ok(me) => me,
        Err(e) => {
            c.alert = Some(crate::i18n::errors::refusal_text(session.me.language, &e));
            let page = Page {
                c,
                profile: None,
                problem: None,
            };
            return render(StatusCode::INTERNAL_SERVER_ERROR, &page);
        }
    };
    if me.role == Role::EndUser && !me.features.contains(&Feature::UserPortal) {
        c.alert = Some(c.t("no_portal").to_owned());
        let page = Page {
            c,
            profile: None,
            problem: None,
        };
        return render(StatusCode::OK, &page);
    }
    let id = session.actor.user_id.to_string();
    let picture = s
        .app
        .picture_version(&session.actor, &id)
        .await
        .ok()
        .flatten();
    let status = match &problem {
        Some(p) => {
            c.alert = Some(p.text.clone());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = Page {
        c,
        profile: Some(profile_of(&me, picture, typed)),
        problem,
    };
    render(status, &page)
}

/// A refusal of `form` by the field the use case names, in the page's language: the texts of
/// this page for the refusals of a name and a line, else the portal's for the code.
pub fn problem(lang: Language, form: &'static str, e: &AppError) -> Problem {
    let (field, text) = match e {
        AppError::Invalid(i) => {
            let own = match i.field.as_str() {
                "name" => Some(format!("mp_err_name_{}", i.code)),
                "default_line_id" => Some(format!("mp_err_{}", i.code)),
                // Change passcode with no default line to take the PIN of.
                "line_id" => Some("mp_no_default_line".to_owned()),
                _ => None,
            };
            let text = own
                .map(|k| crate::i18n::t(lang, &k).to_owned())
                .filter(|t| !t.starts_with("mp_"))
                .unwrap_or_else(|| crate::i18n::errors::refusal_text(lang, e));
            (field_of(&i.field), text)
        }
        _ => ("", crate::i18n::errors::refusal_text(lang, e)),
    };
    Problem { form, field, text }
}

/// The form field a use case's field is shown by.
fn field_of(field: &str) -> &'static str {
    match field {
        "name" => "name",
        "email" => "email",
        "language" => "language",
        "default_line_id" => "default_line",
        "current_password" => "current_password",
        "new_password" => "new_password",
        "new_pin" | "line_id" => "new_pin",
        "picture" => "picture",
        _ => "",
    }
}

/// "Personal information": the person's full name and e-mail; a refusal keeps what was typed
/// and changes nothing.
pub async fn save_details(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<DetailsForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = OwnDetailsInput {
        name: f.name.clone(),
        email: f.email.clone(),
    };
    match s.app.update_own_details(&session.actor, input).await {
        Ok(_) => Redirect::to(&format!("{PATH}?done=details")).into_response(),
        Err(e) => {
            let p = problem(session.me.language, "details", &e);
            show(&s, &session, chrome(&session), Some(p), Some(f)).await
        }
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

/// "Preferences": the account's language, which the page answers in at once and the next
/// sign-in uses; the same use case as the layout's switch and the API's user update.
pub async fn save_language(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<LanguageForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(lang) = Language::from_text(&f.lang) else {
        let e = AppError::invalid("invalid_language", "language", "Choose English or French.");
        let p = problem(session.me.language, "language", &e);
        return show(&s, &session, chrome(&session), Some(p), None).await;
    };
    let patch = UserPatch {
        language: Some(Some(lang)),
        ..UserPatch::default()
    };
    change(&s, &session, "language", patch).await
}

#[derive(Deserialize)]
pub struct DefaultLineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    line: String,
}

/// "Default extension": one of the person's own lines.
pub async fn save_default_line(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<DefaultLineForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let patch = UserPatch {
        default_line_id: Some(Some(f.line)),
        ..UserPatch::default()
    };
    change(&s, &session, "default", patch).await
}

/// A change of the person's own account through the API's user update; `done` names both the
/// notice and the form a refusal is shown in.
async fn change(s: &WebState, session: &Session, done: &'static str, patch: UserPatch) -> Response {
    let id = session.actor.user_id.to_string();
    match s.app.update_user(&session.actor, &id, patch).await {
        Ok(_) => Redirect::to(&format!("{PATH}?done={done}")).into_response(),
        Err(e) => {
            // The language and default-line forms are named like their notices.
            let p = problem(session.me.language, done, &e);
            show(s, session, chrome(session), Some(p), None).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_name_reads_in_the_pages_language_by_its_field() {
        let e = AppError::invalid("required", "name", "Name is required.");
        let p = problem(Language::Fr, "details", &e);
        assert_eq!((p.form, p.field), ("details", "name"));
        assert_eq!(p.text, "Indiquez votre nom complet.");
        let e = AppError::invalid("invalid_email", "email", "Not an e-mail address.");
        let p = problem(Language::En, "details", &e);
        assert_eq!(p.field, "email");
        assert!(!p.text.starts_with("mp_") && !p.text.is_empty());
    }

    #[test]
    fn a_passcode_without_a_default_line_is_refused_by_the_pin_field() {
        let e = AppError::invalid("required", "line_id", "Choose the line whose PIN changes.");
        let p = problem(Language::En, "passcode", &e);
        assert_eq!(p.field, "new_pin");
        assert_eq!(p.text, "Choose a default extension to change its PIN here.");
    }
}
