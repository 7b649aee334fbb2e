//! Queues, conferences and call barring.

use super::*;

use sb_app::queues::{AgentStatusInput, QueueFiguresView, QueueInput, QueueView};

pub async fn list_queues(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ListPage<QueueView>>> {
    Ok(Json(ListPage {
        items: s.app.list_queues(&a.actor, &id).await?,
        next_cursor: None,
    }))
}
pub async fn create_queue(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<QueueInput>,
) -> ApiResult<Created<QueueView>> {
    Ok(created(s.app.create_queue(&a.actor, &id, b).await?))
}
pub async fn get_queue(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Json<QueueView>> {
    Ok(Json(s.app.get_queue(&a.actor, &id).await?))
}
pub async fn update_queue(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<QueueInput>,
) -> ApiResult<Json<QueueView>> {
    Ok(Json(s.app.update_queue(&a.actor, &id, b).await?))
}
pub async fn delete_queue(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_queue(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn set_agent_status(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<AgentStatusInput>,
) -> ApiResult<Json<QueueView>> {
    Ok(Json(s.app.set_agent_status(&a.actor, &id, b).await?))
}
pub async fn set_queue_music(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<Json<QueueView>> {
    let bytes = audio_upload(body).await?;
    Ok(Json(s.app.set_queue_music(&a.actor, &id, bytes).await?))
}
pub async fn delete_queue_music(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_queue_music(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn queue_inbox(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<VoicemailView>>> {
    Ok(Json(All {
        items: s.app.queue_inbox(&a.actor, &id).await?,
    }))
}
pub async fn queue_board(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::queue_board::QueueBoardView>> {
    Ok(Json(s.app.queue_board(&a.actor, &id).await?))
}
pub async fn queue_figures(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Json<QueueFiguresView>> {
    let q = query_pairs(&parts);
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    Ok(Json(
        s.app
            .queue_figures(&a.actor, &id, get("from"), get("to"))
            .await?,
    ))
}

use sb_app::conferences::{ConferenceBridgeDoc, ConferenceInput, ConferenceView};

pub async fn list_conferences(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Json<ListPage<ConferenceView>>> {
    let q = query_pairs(&parts);
    let user = q
        .iter()
        .find(|(k, _)| k == "user_id")
        .map(|(_, v)| v.as_str());
    Ok(Json(ListPage {
        items: s.app.list_conferences(&a.actor, &id, user).await?,
        next_cursor: None,
    }))
}
pub async fn create_conference(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ConferenceInput>,
) -> ApiResult<Created<ConferenceView>> {
    Ok(created(s.app.create_conference(&a.actor, &id, b).await?))
}
pub async fn get_conference(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ConferenceView>> {
    Ok(Json(s.app.get_conference(&a.actor, &id).await?))
}
pub async fn reschedule_conference(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::conferences::RescheduleInput>,
) -> ApiResult<Json<ConferenceView>> {
    Ok(Json(
        s.app
            .reschedule_conference(&a.actor, &id, &b.starts_at, b.duration_minutes)
            .await?,
    ))
}
pub async fn delete_conference(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_conference(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn get_conference_bridge(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ConferenceBridgeDoc>> {
    Ok(Json(s.app.conference_bridge(&a.actor, &id).await?))
}
pub async fn set_conference_bridge(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ConferenceBridgeDoc>,
) -> ApiResult<Json<ConferenceBridgeDoc>> {
    Ok(Json(s.app.set_conference_bridge(&a.actor, &id, b).await?))
}

pub async fn get_company_profile(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::profile::CompanyProfileView>> {
    Ok(Json(s.app.company_profile(&a.actor, &id).await?))
}
pub async fn set_company_profile(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::profile::CompanyProfileInput>,
) -> ApiResult<Json<sb_app::profile::CompanyProfileView>> {
    Ok(Json(s.app.set_company_profile(&a.actor, &id, b).await?))
}
pub async fn get_company_barring(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::barring::CallBarringView>> {
    Ok(Json(s.app.company_barring(&a.actor, &id).await?))
}
pub async fn set_company_barring(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_domain::barring::Bars>,
) -> ApiResult<Json<sb_app::barring::CallBarringView>> {
    Ok(Json(s.app.set_company_barring(&a.actor, &id, b).await?))
}
pub async fn get_department_barring(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::barring::CallBarringView>> {
    Ok(Json(s.app.department_barring(&a.actor, &id).await?))
}
pub async fn set_department_barring(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_domain::barring::Bars>,
) -> ApiResult<Json<sb_app::barring::CallBarringView>> {
    Ok(Json(s.app.set_department_barring(&a.actor, &id, b).await?))
}
