//! "Choose your extension": the extension this sign-in is for. A person with several lines and
//! no default is sent here after signing in; anyone with several lines may come back to sign in
//! to another one. Their own pages then open on it (`MeView::signed_in_line_id`). Through the use
//! cases of `GET` and `POST /api/v1/auth/extension`.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, SESSION, Session, signed_in};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sb_app::AppError;
use sb_app::extension::{ExtensionInput, SignedInExtension};
use sb_domain::model::Role;
use serde::Deserialize;

pub use crate::nav::EXTENSION as PATH;

pub fn routes() -> Router<WebState> {
    Router::new().route(PATH, get(page).post(choose))
}

#[derive(Deserialize)]
pub struct ChooseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    line_id: String,
}

#[derive(Template)]
#[template(path = "my_extension.html")]
struct Page {
    c: Chrome,
    now: Option<SignedInExtension>,
    /// The refusal of the choice sent, shown by the list.
    problem: Option<String>,
}

impl Page {
    fn is_current(&self, line: &str) -> bool {
        self.now
            .as_ref()
            .and_then(|n| n.extension.as_ref())
            .is_some_and(|e| e.line_id == line)
    }
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "ex_title");
    Chrome::signed_in(session, title, PATH)
}

/// `GET /my/extension`: the person's extensions, the one signed in to checked.
async fn page(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    show(&s, &session, StatusCode::OK, None).await
}

async fn show(
    s: &WebState,
    session: &Session,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let mut c = chrome(session);
    let now = match s.app.signed_in_extension(&session.actor).await {
        Ok(n) => Some(n),
        Err(e) => {
            let (status, alert) = crate::layout::refusal(&c, &e);
            c.alert = Some(alert);
            return render(
                status,
                &Page {
                    c,
                    now: None,
                    problem,
                },
            );
        }
    };
    if now.as_ref().is_some_and(|n| n.extension_choice_required) && problem.is_none() {
        c.info = Some(c.t("ex_choose_first").to_owned());
    }
    render(status, &Page { c, now, problem })
}

/// `POST /my/extension`: signs this session in to the extension chosen, then the home page.
async fn choose(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<ChooseForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(token) = session::cookie(&headers, SESSION) else {
        return Redirect::to("/").into_response();
    };
    let input = ExtensionInput { line_id: f.line_id };
    match s.app.choose_extension(&session.actor, &token, input).await {
        Ok(_) if session.actor.role == Role::EndUser => {
            Redirect::to("/my?done=extension").into_response()
        }
        Ok(_) => Redirect::to(session::home_of(session.actor.role)).into_response(),
        Err(AppError::Invalid(_)) => {
            let text = crate::i18n::t(session.me.language, "ex_not_yours").to_owned();
            show(&s, &session, StatusCode::UNPROCESSABLE_ENTITY, Some(text)).await
        }
        Err(e) => {
            let mut c = chrome(&session);
            let (status, alert) = crate::layout::refusal(&c, &e);
            c.alert = Some(alert);
            render(
                status,
                &Page {
                    c,
                    now: None,
                    problem: None,
                },
            )
        }
    }
}
