//! "My Profile"'s picture: uploaded from the browser's form (a PNG, made safe and small by the
//! use case, never kept as sent), served to the person with the sandboxing of a logo, removed.

use crate::WebState;
use crate::my_profile::{PATH, PICTURE_PATH, chrome, problem, show};
use crate::session::{self, signed_in};
use crate::upload::{UploadError, parse_picture_form};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Form, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    let upload = post(upload).layer(DefaultBodyLimit::max(crate::upload::MAX_PICTURE_FORM_BYTES));
    Router::new()
        .route(PICTURE_PATH, get(picture).merge(upload))
        .route("/my/profile/picture/delete", post(remove))
}

/// The person's own picture. Its URL changes with each upload, so the browser may keep it, for
/// this person only.
pub async fn picture(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let Ok(session) = signed_in(&s, &headers).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let id = session.actor.user_id.to_string();
    match s.app.picture(&session.actor, &id).await {
        Ok(png) => {
            let mut res = sb_http::picture_answer(png);
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            );
            res
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

/// `POST /my/profile/picture`: the CSRF field is checked before anything is used, and a file
/// that cannot be used changes nothing and is refused by the file field.
pub async fn upload(State(s): State<WebState>, headers: HeaderMap, body: Body) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parsed = match body {
        Ok(body) => parse_picture_form(content_type, body),
        Err(_) => Err(UploadError::TooLarge),
    };
    let csrf = parsed.as_ref().map_or("", |f| f.csrf.as_str());
    let session = match parsed {
        // Past the limit the form's token is not read: the page only says why.
        Err(UploadError::TooLarge) => signed_in(&s, &headers).await,
        _ => session::changing(&s, &headers, csrf, false).await,
    };
    let session = match session {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = session.actor.user_id.to_string();
    let outcome = match parsed {
        Ok(f) if !f.file.is_empty() => s.app.set_picture(&session.actor, &id, f.file).await,
        Ok(_) => Err(AppError::invalid(
            "no_picture_file",
            "picture",
            "Choose a PNG file.",
        )),
        Err(UploadError::TooLarge) => Err(AppError::invalid(
            "picture_too_large",
            "picture",
            "A picture is at most 512 KiB.",
        )),
        Err(UploadError::Malformed) => Err(AppError::invalid(
            "picture_unreadable",
            "picture",
            "The form could not be read.",
        )),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("{PATH}?done=picture")).into_response(),
        Err(e) => {
            let p = problem(session.me.language, "picture", &e);
            show(&s, &session, chrome(&session), Some(p), None).await
        }
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
}

pub async fn remove(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<RemoveForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = session.actor.user_id.to_string();
    match s.app.remove_picture(&session.actor, &id).await {
        Ok(()) => Redirect::to(&format!("{PATH}?done=picture_removed")).into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            let p = problem(session.me.language, "picture", &e);
            show(&s, &session, chrome(&session), Some(p), None).await
        }
    }
}
