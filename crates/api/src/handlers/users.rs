//! A company's users, their two-factor policy, unlock and password reset.

use super::*;

pub async fn list_users(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Paging(p): Paging,
    uri: axum::http::Uri,
) -> ApiResult<Response> {
    let pairs = crate::extract::pairs_of(uri.query().unwrap_or(""));
    if let Some(f) = sb_app::user_list::UserListFilter::from_query(&pairs)? {
        // A narrowed list: the same use case as the portal's users page, not cached.
        let found = s.app.search_users(&a.actor, &id, f, p).await?;
        let page = ListPage {
            items: found.items.into_iter().map(|e| e.user).collect(),
            next_cursor: found.next_cursor,
        };
        return Ok(Json(page).into_response());
    }
    s.app.authorize_user_list(&a.actor, &id).await?;
    // The epoch is read before the list, so a write that lands meanwhile makes this entry stale.
    let epoch = s.app.account_epoch();
    let key = format!(
        "users/{id}/{}/{}",
        p.after.as_deref().unwrap_or(""),
        p.limit
    );
    let body = match s.pages.get(&key, epoch, s.app.now_ms()) {
        Some(body) => body,
        None => {
            let page = s.app.list_users(&a.actor, &id, p).await?;
            let body =
                axum::body::Bytes::from(serde_json::to_vec(&page).map_err(|e| {
                    ApiError::from(sb_app::AppError::Internal(format!("json: {e}")))
                })?);
            s.pages.put(key, epoch, s.app.now_ms(), body.clone());
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
pub async fn create_user(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<UserInput>,
) -> ApiResult<Created<CreatedUser>> {
    Ok(created(s.app.create_user(&a.actor, &id, b).await?))
}
pub async fn get_user(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.get_user(&a.actor, &id).await?))
}
pub async fn update_user(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<UserPatch>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.update_user(&a.actor, &id, b).await?))
}
pub async fn delete_user(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_user(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn disable_user(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.disable_user(&a.actor, &id).await?))
}
pub async fn enable_user(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.enable_user(&a.actor, &id).await?))
}
pub async fn reset_user_two_factor(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.reset_user_two_factor(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn company_two_factor_policy(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::twofactor::TwoFactorPolicy>> {
    Ok(Json(s.app.company_two_factor_policy(&a.actor, &id).await?))
}
pub async fn set_company_two_factor_policy(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::twofactor::TwoFactorPolicy>,
) -> ApiResult<Json<sb_app::twofactor::TwoFactorPolicy>> {
    Ok(Json(
        s.app
            .set_company_two_factor_policy(&a.actor, &id, b)
            .await?,
    ))
}
pub async fn installation_two_factor_policy(
    State(s): S,
    a: Auth,
) -> ApiResult<Json<sb_app::twofactor::TwoFactorPolicy>> {
    Ok(Json(s.app.installation_two_factor_policy(&a.actor).await?))
}
pub async fn set_installation_two_factor_policy(
    State(s): S,
    a: Auth,
    Body(b): Body<sb_app::twofactor::TwoFactorPolicy>,
) -> ApiResult<Json<sb_app::twofactor::TwoFactorPolicy>> {
    Ok(Json(
        s.app
            .set_installation_two_factor_policy(&a.actor, b)
            .await?,
    ))
}
pub async fn unlock_user(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.unlock_user(&a.actor, &id).await?))
}
pub async fn reset_password(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ResetPasswordInput>,
) -> ApiResult<Json<ResetPasswordOutput>> {
    let link = s.app.reset_password(&a.actor, &id, b).await?;
    Ok(Json(ResetPasswordOutput { link }))
}

/// A user's profile picture: a PNG written anew by the use case, sandboxed like a logo.
pub async fn get_user_picture(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(sb_http::picture_answer(s.app.picture(&a.actor, &id).await?))
}
pub async fn set_user_picture(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    body: HttpBody,
) -> ApiResult<StatusCode> {
    let limit = sb_app::picture::MAX_PICTURE_BYTES;
    let file = axum::body::to_bytes(body, limit + 1).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "A picture is at most 512 KiB.",
            Some("picture".into()),
        )
    })?;
    s.app.set_picture(&a.actor, &id, file.to_vec()).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn delete_user_picture(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.remove_picture(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
