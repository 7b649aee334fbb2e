//! The one place where use-case errors become HTTP answers.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sb_app::AppError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable snake_case code for scripts.
    pub code: String,
    /// A sentence a person understands.
    pub message: String,
    /// The offending field, when one is to blame (`name`, `offered.2`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer: a status and an [`ErrorBody`].
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &str,
        message: impl Into<String>,
        field: Option<String>,
    ) -> Self {
        Self {
            status,
            body: ErrorBody {
                code: code.into(),
                message: message.into(),
                field,
            },
            retry_after: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated
            | AppError::InvalidCredentials
            | AppError::TwoFactorRequired => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::TwoFactorEnrolmentRequired => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Locked => StatusCode::LOCKED,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let retry_after = match &e {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let mut out = ApiError::new(status, e.code(), e.message(), e.field().map(str::to_owned));
        out.retry_after = retry_after;
        out
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
                None,
            ),
            JsonRejection::JsonSyntaxError(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "The body is not valid JSON.",
                None,
            ),
            JsonRejection::JsonDataError(e) => {
                // axum reports "<prefix>: <path>: <serde message>"; the path names the field.
                let text = e.body_text();
                let detail = text
                    .split_once("target type: ")
                    .map(|(_, d)| d)
                    .unwrap_or(&text);
                let (field, why) = match detail.split_once(": ") {
                    Some((f, w)) if !f.contains(' ') => (Some(f.to_owned()), w),
                    _ => (missing_field(detail), detail),
                };
                let why = why.split(" at line ").next().unwrap_or(why);
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    format!("The body does not fit: {why}."),
                    field,
                )
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "The body is too large.",
                None,
            ),
            other => ApiError::new(other.status(), "bad_request", other.body_text(), None),
        }
    }
}

fn missing_field(detail: &str) -> Option<String> {
    let rest = detail.split_once("missing field `")?.1;
    Some(rest.split('`').next()?.to_owned())
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_query",
            r.body_text(),
            None,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}
