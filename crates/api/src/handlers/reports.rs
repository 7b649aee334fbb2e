//! The handlers of the scheduled reports' routes (`sb_app::reports`): thin, like every other.

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, Body};
use crate::handlers::{All, Created};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sb_app::reports::{ReportInput, ReportRunView, ReportView};

type S = State<AppState>;

pub async fn list_reports(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<ReportView>>> {
    Ok(Json(All::of(s.app.list_reports(&a.actor, &id).await?)))
}
pub async fn create_report(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ReportInput>,
) -> ApiResult<Created<ReportView>> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.create_report(&a.actor, &id, b).await?),
    ))
}
pub async fn get_report(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(s.app.get_report(&a.actor, &id).await?))
}
pub async fn update_report(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ReportInput>,
) -> ApiResult<Json<ReportView>> {
    Ok(Json(s.app.update_report(&a.actor, &id, b).await?))
}
pub async fn delete_report(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_report(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn run_report(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Created<ReportRunView>> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.run_report_now(&a.actor, &id).await?),
    ))
}
pub async fn report_runs(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<ReportRunView>>> {
    Ok(Json(All::of(s.app.report_runs(&a.actor, &id).await?)))
}
