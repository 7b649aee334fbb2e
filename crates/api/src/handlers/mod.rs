//! One thin handler per route: read the request, call the use case, shape the answer.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body, ClientIp, EnrolAuth, Paging, query_pairs};
use axum::Json;
use axum::body::Body as HttpBody;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sb_app::AppError;
use sb_app::views::*;
use sb_app::voicemail::{
    GreetingView, NotificationsDoc, VoicemailPatch, VoicemailSettingsDoc, VoicemailView,
};
use sb_domain::csv::{cell as csv_cell, push_cell};
use sb_domain::model::AuditKind;
use sb_domain::query::AuditFilter;

type S = State<AppState>;

// The route table names every handler here.
pub use crate::branding::*;
pub use reports::*;
pub type Created<T> = (StatusCode, Json<T>);

fn created<T>(v: T) -> Created<T> {
    (StatusCode::CREATED, Json(v))
}

mod audit;
mod reports;
/// Every item of a small collection.
#[derive(serde::Serialize)]
pub struct All<T> {
    items: Vec<T>,
}

impl<T> All<T> {
    pub fn of(items: Vec<T>) -> Self {
        Self { items }
    }
}

mod auth;
mod call_log;
mod callcentre;
mod contacts;
mod lines;
mod tenancy;
mod trunks;
mod users;
mod voicemail;

pub use audit::*;
pub use auth::*;
pub use call_log::*;
pub use callcentre::*;
pub use contacts::*;
pub use lines::*;
pub use tenancy::*;
pub use trunks::*;
pub use users::*;
pub use voicemail::*;
