//! Contacts: a person's own contacts (JSON, CSV or vCard), the company directory with presence,
//! favourites, and the group contacts of departments.

use super::*;
use sb_app::contacts::{
    ContactImportView, ContactInput, ContactView, DirectoryEntryView, FavouriteColleaguesDoc,
    FavouritesView,
};
use sb_app::contacts_files::{ContactFormat, MAX_IMPORT_BYTES};
use sb_app::group_contacts::{GroupContactInput, GroupContactPatch, GroupContactView};

pub async fn list_contacts(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    if wants_csv(&query_pairs(&parts))? {
        let csv = s
            .app
            .export_contacts(&a.actor, &id, ContactFormat::Csv)
            .await?;
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response());
    }
    Ok(Json(All::of(s.app.contacts(&a.actor, &id).await?)).into_response())
}
pub async fn export_contacts_vcard(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let vcf = s
        .app
        .export_contacts(&a.actor, &id, ContactFormat::VCard)
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/vcard; charset=utf-8")], vcf).into_response())
}
pub async fn create_contact(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ContactInput>,
) -> ApiResult<Created<ContactView>> {
    Ok(created(s.app.create_contact(&a.actor, &id, b).await?))
}
pub async fn import_contacts(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    body: HttpBody,
) -> ApiResult<Json<ContactImportView>> {
    let file = axum::body::to_bytes(body, MAX_IMPORT_BYTES + 1)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                "A contacts file is at most 1 MiB.",
                Some("file".into()),
            )
        })?;
    Ok(Json(s.app.import_contacts(&a.actor, &id, &file).await?))
}
pub async fn get_contact(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ContactView>> {
    Ok(Json(s.app.contact(&a.actor, &id).await?))
}
pub async fn update_contact(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ContactInput>,
) -> ApiResult<Json<ContactView>> {
    Ok(Json(s.app.update_contact(&a.actor, &id, b).await?))
}
pub async fn delete_contact(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_contact(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn company_directory(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Paging(p): Paging,
    parts: Parts,
) -> ApiResult<Json<ListPage<DirectoryEntryView>>> {
    let q = query_pairs(&parts)
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v);
    Ok(Json(s.app.company_directory(&a.actor, &id, q, p).await?))
}
pub async fn get_favourites(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<FavouritesView>> {
    Ok(Json(s.app.favourites(&a.actor, &id).await?))
}
pub async fn set_favourites(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<FavouriteColleaguesDoc>,
) -> ApiResult<Json<FavouritesView>> {
    Ok(Json(
        s.app.set_favourite_colleagues(&a.actor, &id, b).await?,
    ))
}
pub async fn list_department_contacts(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<GroupContactView>>> {
    Ok(Json(All::of(
        s.app.department_contacts(&a.actor, &id).await?,
    )))
}
pub async fn create_group_contact(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<GroupContactInput>,
) -> ApiResult<Created<GroupContactView>> {
    Ok(created(s.app.create_group_contact(&a.actor, &id, b).await?))
}
pub async fn update_group_contact(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<GroupContactPatch>,
) -> ApiResult<Json<GroupContactView>> {
    Ok(Json(s.app.update_group_contact(&a.actor, &id, b).await?))
}
pub async fn delete_group_contact(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_group_contact(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn list_group_contacts(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<GroupContactView>>> {
    Ok(Json(All::of(
        s.app.inherited_group_contacts(&a.actor, &id).await?,
    )))
}
