//! Trunks and emergency calls (recipients, E911 addresses).

use super::*;
use sb_app::emergency::AddressKind;

pub async fn list_installation_trunks(
    State(s): S,
    a: Auth,
) -> ApiResult<Json<ListPage<TrunkView>>> {
    Ok(Json(ListPage {
        items: s.app.list_trunks(&a.actor, None).await?,
        next_cursor: None,
    }))
}
pub async fn create_installation_trunk(
    State(s): S,
    a: Auth,
    Body(b): Body<TrunkInput>,
) -> ApiResult<Created<TrunkView>> {
    Ok(created(s.app.create_trunk(&a.actor, None, b).await?))
}
pub async fn list_company_trunks(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ListPage<TrunkView>>> {
    Ok(Json(ListPage {
        items: s.app.list_trunks(&a.actor, Some(&id)).await?,
        next_cursor: None,
    }))
}
pub async fn create_company_trunk(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<TrunkInput>,
) -> ApiResult<Created<TrunkView>> {
    Ok(created(s.app.create_trunk(&a.actor, Some(&id), b).await?))
}
pub async fn get_trunk(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Json<TrunkView>> {
    Ok(Json(s.app.get_trunk(&a.actor, &id).await?))
}
pub async fn update_trunk(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<TrunkInput>,
) -> ApiResult<Json<TrunkView>> {
    Ok(Json(s.app.update_trunk(&a.actor, &id, b).await?))
}
pub async fn delete_trunk(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_trunk(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn get_emergency(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<EmergencySettingsDoc>> {
    Ok(Json(s.app.emergency_settings(&a.actor, &id).await?))
}
pub async fn set_emergency(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<EmergencySettingsDoc>,
) -> ApiResult<Json<EmergencySettingsDoc>> {
    Ok(Json(s.app.set_emergency_settings(&a.actor, &id, b).await?))
}

// Each handler serves a line's route and a number's: the route table names the kind.

pub async fn get_e911<K: AddressKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<E911AddressDoc>> {
    Ok(Json(s.app.e911_address(&a.actor, K::OWNER, &id).await?))
}
pub async fn set_e911<K: AddressKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<E911AddressDoc>,
) -> ApiResult<Json<E911AddressDoc>> {
    Ok(Json(
        s.app.set_e911_address(&a.actor, K::OWNER, &id, b).await?,
    ))
}
pub async fn delete_e911<K: AddressKind>(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.clear_e911_address(&a.actor, K::OWNER, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
