//! "Speed dials": the person's codes, dialled after `*0` from any of their phones, added and
//! removed one at a time (the use case replaces the whole list, with its checks).

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::speed_dials::{SpeedDialView, SpeedDialsDoc};
use sb_domain::model::{Feature, Role};
use serde::Deserialize;

pub const PATH: &str = "/my/speed-dials";

/// The add form as typed, and the refusal next to its field.
#[derive(Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    number: String,
}

/// A refusal: the form field it belongs to (`code`, `name` or `number`) and its text.
struct Problem {
    field: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "my_speed_dials.html")]
struct Page {
    c: Chrome,
    /// None when the person's package has no user portal.
    items: Option<Vec<SpeedDialView>>,
    typed: AddForm,
    problem: Option<Problem>,
}

impl Page {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.field == field)
            .map(|p| p.text.as_str())
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
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
    c.info = match q.done.as_deref() {
        Some("added") => Some(c.t("sd_added").to_owned()),
        Some("removed") => Some(c.t("sd_removed").to_owned()),
        _ => None,
    };
    show(&s, &session, c, AddForm::default(), None).await
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "sd_title");
    Chrome::signed_in(session, title, PATH)
}

/// The page with the person's speed dials, or the notice that their package has no portal.
async fn show(
    s: &WebState,
    session: &Session,
    mut c: Chrome,
    typed: AddForm,
    problem: Option<Problem>,
) -> Response {
    let me = session.actor.user_id.to_string();
    let portal = match s.app.me(&session.actor).await {
        Ok(m) => m.role != Role::EndUser || m.features.contains(&Feature::UserPortal),
        Err(_) => false,
    };
    let items = match s.app.speed_dials(&session.actor, &me).await {
        Ok(d) if portal => Some(d.items),
        Ok(_) => {
            c.alert = Some(c.t("no_portal").to_owned());
            None
        }
        Err(e) => {
            c.alert = Some(crate::i18n::errors::refusal_text(session.me.language, &e));
            None
        }
    };
    let status = if problem.is_some() {
        c.alert = problem.as_ref().map(|p| p.text.clone());
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = Page {
        c,
        items,
        typed,
        problem,
    };
    render(status, &page)
}

/// The form field a refusal of the use case names (`items.3.number` is `number`).
fn field_of(e: &AppError) -> &'static str {
    match e {
        AppError::Invalid(i) if i.field.ends_with(".code") => "code",
        AppError::Invalid(i) if i.field.ends_with(".name") => "name",
        AppError::Invalid(i) if i.field.ends_with(".number") => "number",
        _ => "",
    }
}

/// Adds a speed dial; a code already taken, or any other refusal, is shown by its field with
/// what was typed, and changes nothing.
pub async fn add(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<AddForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = session.actor.user_id.to_string();
    let outcome = async {
        let mut doc = s.app.speed_dials(&session.actor, &me).await?;
        // The new one first, so a repeated code is refused on the new entry's field.
        doc.items.insert(
            0,
            SpeedDialView {
                code: f.code.clone(),
                name: f.name.clone(),
                number: f.number.clone(),
                dial: String::new(),
            },
        );
        s.app.set_speed_dials(&session.actor, &me, doc).await
    }
    .await;
    match outcome {
        Ok(_) => Redirect::to(&format!("{PATH}?done=added")).into_response(),
        Err(e) => {
            let problem = Problem {
                field: field_of(&e),
                text: crate::i18n::errors::refusal_text(session.me.language, &e),
            };
            show(&s, &session, chrome(&session), f, Some(problem)).await
        }
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
}

/// Removes the speed dial with `code`; 404 when there is none.
pub async fn remove(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = session.actor.user_id.to_string();
    let outcome = async {
        let doc = s.app.speed_dials(&session.actor, &me).await?;
        let before = doc.items.len();
        let items: Vec<_> = doc.items.into_iter().filter(|d| d.code != code).collect();
        if items.len() == before {
            return Err(AppError::NotFound);
        }
        let doc = SpeedDialsDoc { items };
        s.app.set_speed_dials(&session.actor, &me, doc).await
    }
    .await;
    match outcome {
        Ok(_) => Redirect::to(&format!("{PATH}?done=removed")).into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            let text = crate::i18n::errors::refusal_text(session.me.language, &e);
            show(
                &s,
                &session,
                chrome(&session).with_alert(text),
                AddForm::default(),
                None,
            )
            .await
        }
    }
}
