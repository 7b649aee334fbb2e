//! The handlers of the branding routes (`sb_app::branding`): thin, like every other.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sb_app::branding::{BrandingInput, BrandingView, OwnerKind};
use sb_http::logo_answer;

type S = State<AppState>;

// Each handler serves a company's route and a reseller's: the route table names the kind.

pub async fn get_branding<K: OwnerKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<BrandingView>> {
    Ok(Json(s.app.branding(&a.actor, K::owner(&id)).await?))
}
pub async fn set_branding<K: OwnerKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<BrandingInput>,
) -> ApiResult<Json<BrandingView>> {
    Ok(Json(s.app.set_branding(&a.actor, K::owner(&id), b).await?))
}
pub async fn reset_branding<K: OwnerKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.reset_branding(&a.actor, K::owner(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn get_logo<K: OwnerKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let logo = s.app.brand_logo(&a.actor, K::owner(&id)).await?;
    Ok(logo_answer(logo))
}
pub async fn set_logo<K: OwnerKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<Json<BrandingView>> {
    let file = logo_upload(body).await?;
    Ok(Json(s.app.set_logo(&a.actor, K::owner(&id), &file).await?))
}
pub async fn delete_logo<K: OwnerKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<BrandingView>> {
    Ok(Json(s.app.remove_logo(&a.actor, K::owner(&id)).await?))
}

/// An uploaded logo, refused (413) past the limit.
async fn logo_upload(body: axum::body::Body) -> ApiResult<Vec<u8>> {
    let limit = sb_app::logo::MAX_LOGO_BYTES;
    let bytes = axum::body::to_bytes(body, limit + 1).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "A logo is at most 256 KiB.",
            Some("logo".into()),
        )
    })?;
    Ok(bytes.to_vec())
}
