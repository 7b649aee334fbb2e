//! Lines and numbers, and each line's call handling, voice PIN, presence and saved numbers.

use super::*;
use sb_app::speed_dials::SpeedDialsDoc;

pub async fn list_lines(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Paging(p): Paging,
) -> ApiResult<Json<ListPage<LineView>>> {
    Ok(Json(s.app.list_lines(&a.actor, &id, p).await?))
}
pub async fn create_line(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<LineInput>,
) -> ApiResult<Created<LineView>> {
    Ok(created(s.app.create_line(&a.actor, &id, b).await?))
}
pub async fn get_line(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Json<LineView>> {
    Ok(Json(s.app.get_line(&a.actor, &id).await?))
}
pub async fn update_line(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<LinePatch>,
) -> ApiResult<Json<LineView>> {
    Ok(Json(s.app.update_line(&a.actor, &id, b).await?))
}
pub async fn delete_line(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_line(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn line_credentials(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SipCredentialsView>> {
    Ok(Json(s.app.line_credentials(&a.actor, &id).await?))
}
pub async fn line_registrations(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<sb_app::devices::RegistrationView>>> {
    Ok(Json(All {
        items: s.app.line_registrations(&a.actor, &id).await?,
    }))
}
pub async fn reset_line_credentials(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SipCredentialsView>> {
    Ok(Json(s.app.reset_line_credentials(&a.actor, &id).await?))
}
pub async fn list_numbers(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Paging(p): Paging,
) -> ApiResult<Json<ListPage<NumberView>>> {
    Ok(Json(s.app.list_numbers(&a.actor, &id, p).await?))
}
pub async fn create_number(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<NumberInput>,
) -> ApiResult<Created<NumberView>> {
    Ok(created(s.app.create_number(&a.actor, &id, b).await?))
}
pub async fn get_number(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<NumberView>> {
    Ok(Json(s.app.get_number(&a.actor, &id).await?))
}
pub async fn update_number(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<NumberPatch>,
) -> ApiResult<Json<NumberView>> {
    Ok(Json(s.app.update_number(&a.actor, &id, b).await?))
}
pub async fn delete_number(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_number(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_call_handling(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CallHandlingDoc>> {
    Ok(Json(s.app.get_call_handling(&a.actor, &id).await?))
}
pub async fn put_call_handling(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<CallHandlingDoc>,
) -> ApiResult<Json<CallHandlingDoc>> {
    Ok(Json(s.app.put_call_handling(&a.actor, &id, b).await?))
}
pub async fn explain_call(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ExplainInput>,
) -> ApiResult<Json<ExplainView>> {
    Ok(Json(s.app.explain_call(&a.actor, &id, b).await?))
}

pub async fn get_voice_pin(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<VoicePinView>> {
    Ok(Json(s.app.voice_pin(&a.actor, &id).await?))
}
pub async fn set_voice_pin(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<VoicePinInput>,
) -> ApiResult<StatusCode> {
    s.app.set_voice_pin(&a.actor, &id, Some(b.pin)).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn delete_voice_pin(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.set_voice_pin(&a.actor, &id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn reset_line(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ResetLineInput>,
) -> ApiResult<Json<LineView>> {
    Ok(Json(s.app.reset_line(&a.actor, &id, b).await?))
}
pub async fn get_presence(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PresenceView>> {
    Ok(Json(s.app.presence(&a.actor, &id).await?))
}
pub async fn set_presence(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<PresenceView>,
) -> ApiResult<Json<PresenceView>> {
    Ok(Json(s.app.set_presence(&a.actor, &id, b).await?))
}

pub async fn get_saved_numbers(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SavedNumbersDoc>> {
    Ok(Json(s.app.saved_numbers(&a.actor, &id).await?))
}
pub async fn set_saved_numbers(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<SavedNumbersDoc>,
) -> ApiResult<Json<SavedNumbersDoc>> {
    Ok(Json(s.app.set_saved_numbers(&a.actor, &id, b).await?))
}

pub async fn get_speed_dials(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SpeedDialsDoc>> {
    Ok(Json(s.app.speed_dials(&a.actor, &id).await?))
}
pub async fn set_speed_dials(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<SpeedDialsDoc>,
) -> ApiResult<Json<SpeedDialsDoc>> {
    Ok(Json(s.app.set_speed_dials(&a.actor, &id, b).await?))
}
