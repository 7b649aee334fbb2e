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
use sb_domain::csv::{cell as csv_cell, push_cell};
use sb_domain::model::AuditKind;
use sb_domain::query::AuditFilter;

type S = State<AppState>;

// The route table names every handler here.
pub use crate::branding::*;
pub use crate::reports::*;
pub type Created<T> = (StatusCode, Json<T>);

fn created<T>(v: T) -> Created<T> {
    (StatusCode::CREATED, Json(v))
}

// ---- auth ------------------------------------------------------------------------------------

pub async fn login(
    State(s): S,
    ClientIp(ip): ClientIp,
    Body(b): Body<LoginInput>,
) -> ApiResult<Json<LoginOutput>> {
    Ok(Json(s.app.login(b, ip.as_deref()).await?))
}
pub async fn logout(State(s): S, EnrolAuth(a): EnrolAuth) -> ApiResult<StatusCode> {
    s.app.logout(&a.actor, &a.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn reauth(
    State(s): S,
    a: Auth,
    Body(b): Body<ReauthInput>,
) -> ApiResult<Json<ReauthOutput>> {
    Ok(Json(
        s.app
            .reauth(&a.actor, b.password, b.code.as_deref())
            .await?,
    ))
}
pub async fn first_login(
    State(s): S,
    ClientIp(ip): ClientIp,
    Body(b): Body<FirstLoginInput>,
) -> ApiResult<Json<LoginOutput>> {
    Ok(Json(s.app.complete_link(b, ip.as_deref()).await?))
}
pub async fn enrol_two_factor(
    State(s): S,
    EnrolAuth(a): EnrolAuth,
) -> ApiResult<(StatusCode, Json<sb_app::twofactor::TwoFactorEnrolment>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.enrol_two_factor(&a.actor).await?),
    ))
}
pub async fn confirm_two_factor(
    State(s): S,
    EnrolAuth(a): EnrolAuth,
    Body(b): Body<sb_app::twofactor::TwoFactorCodeInput>,
) -> ApiResult<Json<sb_app::twofactor::RecoveryCodesView>> {
    Ok(Json(s.app.confirm_two_factor(&a.actor, b).await?))
}
pub async fn remove_two_factor(State(s): S, a: Auth) -> ApiResult<StatusCode> {
    s.app.remove_two_factor(&a.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn me(State(s): S, a: Auth) -> ApiResult<Json<MeView>> {
    Ok(Json(s.app.me(&a.actor).await?))
}
pub async fn change_password(
    State(s): S,
    a: Auth,
    Body(b): Body<ChangePasswordInput>,
) -> ApiResult<StatusCode> {
    s.app.change_own_password(&a.actor, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn change_passcode(
    State(s): S,
    a: Auth,
    Body(b): Body<PasscodeInput>,
) -> ApiResult<StatusCode> {
    s.app.change_passcode(&a.actor, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- resellers and packages ------------------------------------------------------------------

pub async fn list_resellers(
    State(s): S,
    a: Auth,
    Paging(p): Paging,
) -> ApiResult<Json<ListPage<ResellerView>>> {
    Ok(Json(s.app.list_resellers(&a.actor, p).await?))
}
pub async fn create_reseller(
    State(s): S,
    a: Auth,
    Body(b): Body<ResellerInput>,
) -> ApiResult<Created<ResellerView>> {
    Ok(created(s.app.create_reseller(&a.actor, b).await?))
}
pub async fn get_reseller(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ResellerView>> {
    Ok(Json(s.app.get_reseller(&a.actor, &id).await?))
}
pub async fn update_reseller(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ResellerInput>,
) -> ApiResult<Json<ResellerView>> {
    Ok(Json(s.app.rename_reseller(&a.actor, &id, b).await?))
}
pub async fn delete_reseller(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_reseller(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn create_reseller_admin(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<ResellerAdminInput>,
) -> ApiResult<Created<UserView>> {
    Ok(created(
        s.app.create_reseller_admin(&a.actor, &id, b).await?,
    ))
}
pub async fn list_reseller_admins(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<UserView>>> {
    Ok(Json(All {
        items: s.app.list_reseller_admins(&a.actor, &id).await?,
    }))
}
pub async fn list_system_admins(State(s): S, a: Auth) -> ApiResult<Json<All<UserView>>> {
    Ok(Json(All {
        items: s.app.list_system_admins(&a.actor).await?,
    }))
}
pub async fn create_system_admin(
    State(s): S,
    a: Auth,
    Body(b): Body<ResellerAdminInput>,
) -> ApiResult<Created<UserView>> {
    Ok(created(s.app.create_system_admin(&a.actor, b).await?))
}
pub async fn list_packages(State(s): S, a: Auth) -> ApiResult<Json<ListPage<PackageView>>> {
    Ok(Json(ListPage {
        items: s.app.list_packages(&a.actor).await?,
        next_cursor: None,
    }))
}
pub async fn create_package(
    State(s): S,
    a: Auth,
    Body(b): Body<PackageInput>,
) -> ApiResult<Created<PackageView>> {
    Ok(created(s.app.create_package(&a.actor, b).await?))
}
pub async fn get_package(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<PackageView>> {
    Ok(Json(s.app.get_package(&a.actor, &id).await?))
}
pub async fn update_package(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<PackagePatch>,
) -> ApiResult<Json<PackageView>> {
    Ok(Json(s.app.update_package(&a.actor, &id, b).await?))
}
pub async fn delete_package(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_package(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- companies -------------------------------------------------------------------------------

pub async fn list_companies(
    State(s): S,
    a: Auth,
    Paging(p): Paging,
) -> ApiResult<Json<ListPage<CompanyView>>> {
    Ok(Json(s.app.list_companies(&a.actor, p).await?))
}
pub async fn create_company(
    State(s): S,
    a: Auth,
    Body(b): Body<CompanyInput>,
) -> ApiResult<Created<CompanyView>> {
    Ok(created(s.app.create_company(&a.actor, b).await?))
}
pub async fn get_company(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CompanyView>> {
    Ok(Json(s.app.get_company(&a.actor, &id).await?))
}
pub async fn update_company(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<CompanyPatch>,
) -> ApiResult<Json<CompanyView>> {
    Ok(Json(s.app.update_company(&a.actor, &id, b).await?))
}
pub async fn delete_company(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_company(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn set_subscription(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<SubscriptionInput>,
) -> ApiResult<Json<CompanyView>> {
    Ok(Json(s.app.set_subscription(&a.actor, &id, b).await?))
}
pub async fn set_packages(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<OfferedPackagesInput>,
) -> ApiResult<Json<CompanyView>> {
    Ok(Json(s.app.set_offered_packages(&a.actor, &id, b).await?))
}
pub async fn company_bill(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<BillView>> {
    Ok(Json(s.app.company_bill(&a.actor, &id).await?))
}

// ---- departments -----------------------------------------------------------------------------

pub async fn list_departments(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ListPage<DepartmentView>>> {
    Ok(Json(s.app.list_departments(&a.actor, &id).await?))
}
/// Each department's calls in progress now, as the SIP engine counts them.
pub async fn department_calls(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ListPage<sb_app::person::DepartmentCallsView>>> {
    Ok(Json(ListPage {
        items: s.app.department_calls(&a.actor, &id).await?,
        next_cursor: None,
    }))
}
pub async fn create_department(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<DepartmentInput>,
) -> ApiResult<Created<DepartmentView>> {
    Ok(created(s.app.create_department(&a.actor, &id, b).await?))
}
pub async fn get_department(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DepartmentView>> {
    Ok(Json(s.app.get_department(&a.actor, &id).await?))
}
pub async fn update_department(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<DepartmentPatch>,
) -> ApiResult<Json<DepartmentView>> {
    Ok(Json(s.app.update_department(&a.actor, &id, b).await?))
}
pub async fn delete_department(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_department(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- users -----------------------------------------------------------------------------------

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

// ---- lines and numbers -----------------------------------------------------------------------

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

// ---- call handling -------------------------------------------------------------------------

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

// ---- audit -----------------------------------------------------------------------------------

/// Reads `user_id`, `kind`, `from`, `to` (RFC 3339) and `order` (`oldest`, the default, or
/// `newest`) of the audit routes.
fn audit_filter(parts: &Parts) -> ApiResult<(AuditFilter, bool)> {
    let mut f = AuditFilter::default();
    let mut csv = false;
    let time =
        |field: &str, v: &str| -> ApiResult<i64> { Ok(parse_time(field, v)?.as_millisecond()) };
    for (k, v) in query_pairs(parts) {
        match k.as_str() {
            "user_id" if sb_domain::ids::looks_like_id(&v) => {
                f.user = Some(sb_domain::ids::UserId::from_raw(v))
            }
            "user_id" => {
                return Err(AppError::invalid(
                    "invalid_user_id",
                    "user_id",
                    "This is not a user id.",
                )
                .into());
            }
            "kind" => {
                f.kind = Some(AuditKind::from_text(&v).ok_or_else(|| -> ApiError {
                    AppError::invalid("invalid_kind", "kind", "Unknown audit kind.").into()
                })?)
            }
            "from" => f.from_ms = Some(time("from", &v)?),
            "to" => f.to_ms = Some(time("to", &v)?),
            "order" if v == "newest" => f.newest_first = true,
            "order" if v == "oldest" => {}
            "order" => {
                return Err(AppError::invalid(
                    "invalid_order",
                    "order",
                    "order is newest or oldest.",
                )
                .into());
            }
            "format" if v == "csv" => csv = true,
            "format" if v == "json" => {}
            "format" => {
                return Err(AppError::invalid(
                    "invalid_format",
                    "format",
                    "format is json or csv.",
                )
                .into());
            }
            _ => {}
        }
    }
    Ok((f, csv))
}

/// The company audit as JSON pages, or all of it as streamed CSV with `?format=csv`.
pub async fn list_audit(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    audit_answer(s, a, Some(sb_domain::ids::CompanyId::from_raw(id)), parts).await
}

/// The installation's audit for the system administrator, a reseller's for its administrators.
pub async fn list_installation_audit(State(s): S, a: Auth, parts: Parts) -> ApiResult<Response> {
    audit_answer(s, a, None, parts).await
}

async fn audit_answer(
    s: AppState,
    a: Auth,
    company: Option<sb_domain::ids::CompanyId>,
    parts: Parts,
) -> ApiResult<Response> {
    let (filter, csv) = audit_filter(&parts)?;
    if !csv {
        let page = crate::extract::page_from(&parts)?;
        let list = s
            .app
            .list_audit(&a.actor, company.as_ref(), filter, page)
            .await?;
        return Ok(Json(list).into_response());
    }
    // Check access (and fail with a proper status) before the streaming starts.
    let first = s
        .app
        .list_audit(
            &a.actor,
            company.as_ref(),
            filter.clone(),
            sb_domain::query::Page::first(500),
        )
        .await?;
    let header_row =
        "id,at,kind,actor_id,actor_name,source_ip,target_type,target_id,summary\r\n".to_string();
    let state = (Some(first), s, a.actor, company, filter, Some(header_row));
    let stream = futures_util::stream::unfold(
        state,
        |(pending, s, actor, company, filter, head)| async move {
            if let Some(h) = head {
                return Some((
                    Ok::<_, std::io::Error>(h),
                    (pending, s, actor, company, filter, None),
                ));
            }
            let page = pending?;
            let mut out = String::new();
            for e in &page.items {
                let row = [
                    e.id.clone(),
                    e.at.clone(),
                    e.kind.as_str().to_owned(),
                    e.actor_id.clone().unwrap_or_default(),
                    e.actor_name.clone(),
                    e.source_ip.clone().unwrap_or_default(),
                    e.target_type.clone(),
                    e.target_id.clone().unwrap_or_default(),
                    e.summary.to_string(),
                ];
                out.push_str(
                    &row.iter()
                        .map(|c| csv_cell(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push_str(CRLF);
            }
            let next = match page.next_cursor {
                Some(c) => {
                    let p = sb_domain::query::Page {
                        after: Some(c),
                        limit: 500,
                    };
                    s.app
                        .list_audit(&actor, company.as_ref(), filter.clone(), p)
                        .await
                        .ok()
                }
                None => None,
            };
            Some((Ok(out), (next, s, actor, company, filter, None)))
        },
    );
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

pub async fn list_line_messages(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Paging(p): Paging,
) -> ApiResult<Json<ListPage<MessageView>>> {
    Ok(Json(s.app.line_messages(&a.actor, &id, p).await?))
}

// ---- voicemail ---------------------------------------------------------------------------------

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

pub async fn list_voicemails(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    let csv = wants_csv(&query_pairs(&parts))?;
    let items = s.app.voicemails(&a.actor, &id).await?;
    Ok(all_or_csv(
        items,
        csv,
        "id,received_at,caller_number,caller_name,duration_secs,heard",
        |v| {
            format!(
                "{},{},{},{},{},{}",
                v.id,
                v.received_at,
                csv_cell(&v.caller_number),
                csv_cell(v.caller_name.as_deref().unwrap_or("")),
                v.duration_secs,
                v.heard
            )
        },
    ))
}

/// A small collection as `{"items": [...]}`, or with `csv` as CSV under `header`, a row per
/// item (an inbox holds at most a few hundred: one chunk).
fn all_or_csv<T: serde::Serialize>(
    items: Vec<T>,
    csv: bool,
    header: &str,
    row: impl Fn(&T) -> String,
) -> Response {
    if !csv {
        return Json(All { items }).into_response();
    }
    let mut out = format!("{header}{CRLF}");
    for item in &items {
        out.push_str(&row(item));
        out.push_str(CRLF);
    }
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
}

/// `?format=csv` (true), `json` or none (false); anything else is a 422.
fn wants_csv(pairs: &[(String, String)]) -> ApiResult<bool> {
    match pairs
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str())
    {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => {
            Err(AppError::invalid("invalid_format", "format", "format is json or csv.").into())
        }
    }
}

pub async fn get_notifications(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<NotificationsDoc>> {
    Ok(Json(s.app.notifications(&a.actor, &id).await?))
}

pub async fn set_notifications(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<NotificationsDoc>,
) -> ApiResult<Json<NotificationsDoc>> {
    Ok(Json(s.app.set_notifications(&a.actor, &id, b).await?))
}

pub async fn get_voicemail_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<VoicemailSettingsDoc>> {
    Ok(Json(s.app.voicemail_settings(&a.actor, &id).await?))
}

pub async fn set_voicemail_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<VoicemailSettingsDoc>,
) -> ApiResult<Json<VoicemailSettingsDoc>> {
    Ok(Json(s.app.set_voicemail_settings(&a.actor, &id, b).await?))
}

/// The uploaded file is the body itself (any media type: the content decides).
pub async fn set_voicemail_greeting(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<Json<GreetingView>> {
    let bytes = audio_upload(body).await?;
    Ok(Json(
        s.app.set_voicemail_greeting(&a.actor, &id, bytes).await?,
    ))
}

/// An uploaded audio file, refused (413) past the upload limit.
async fn audio_upload(body: axum::body::Body) -> ApiResult<Vec<u8>> {
    let limit = sb_app::audio::MAX_UPLOAD_BYTES;
    let bytes = axum::body::to_bytes(body, limit + 1).await.map_err(|_| {
        crate::error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "The file is larger than 10 MB; send a shorter recording.",
            Some("file".into()),
        )
    })?;
    Ok(bytes.to_vec())
}

pub async fn unlock_voice_pin(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.unlock_voice_pin(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_voicemail_greeting(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let wav = s.app.voicemail_greeting(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}

pub async fn delete_voicemail_greeting(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_voicemail_greeting(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn voicemail_audio(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let wav = s.app.voicemail_audio(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}

pub async fn update_voicemail(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<VoicemailPatch>,
) -> ApiResult<Json<VoicemailView>> {
    Ok(Json(s.app.update_voicemail(&a.actor, &id, b).await?))
}

pub async fn delete_voicemail(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_voicemail(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- trunks and emergency calls ----------------------------------------------------------------

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

use sb_app::call_log::CallsOf;
use sb_app::emergency::AddressOwner;
use sb_app::voicemail::{
    GreetingView, NotificationsDoc, VoicemailPatch, VoicemailSettingsDoc, VoicemailView,
};

pub async fn get_line_e911(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<E911AddressDoc>> {
    Ok(Json(
        s.app
            .e911_address(&a.actor, AddressOwner::Line, &id)
            .await?,
    ))
}
pub async fn set_line_e911(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<E911AddressDoc>,
) -> ApiResult<Json<E911AddressDoc>> {
    Ok(Json(
        s.app
            .set_e911_address(&a.actor, AddressOwner::Line, &id, b)
            .await?,
    ))
}
pub async fn delete_line_e911(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app
        .clear_e911_address(&a.actor, AddressOwner::Line, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn get_number_e911(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<E911AddressDoc>> {
    Ok(Json(
        s.app
            .e911_address(&a.actor, AddressOwner::Number, &id)
            .await?,
    ))
}
pub async fn set_number_e911(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<E911AddressDoc>,
) -> ApiResult<Json<E911AddressDoc>> {
    Ok(Json(
        s.app
            .set_e911_address(&a.actor, AddressOwner::Number, &id, b)
            .await?,
    ))
}
pub async fn delete_number_e911(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app
        .clear_e911_address(&a.actor, AddressOwner::Number, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- call log --------------------------------------------------------------------------------

/// A line's call log as JSON pages, or all of it as streamed CSV with `?format=csv`.
pub async fn list_line_calls(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    calls_answer(s, a, CallsOf::Line(id), parts).await
}

/// A company's calls as JSON pages or streamed CSV.
pub async fn list_company_calls(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    calls_answer(s, a, CallsOf::Company(id), parts).await
}

async fn calls_answer(s: AppState, a: Auth, of: CallsOf, parts: Parts) -> ApiResult<Response> {
    let pairs = query_pairs(&parts);
    let filter = sb_app::call_log::filter_from(&pairs)?;
    let csv = wants_csv(&pairs)?;
    if !csv {
        let page = crate::extract::page_from(&parts)?;
        return Ok(Json(s.app.calls(&a.actor, &of, filter, page).await?).into_response());
    }
    const CHUNK: i64 = 5000;
    // Access is checked (and fails with a proper status) before the streaming starts.
    let mut out = String::from(
        "id,line_id,direction,other_number,other_name,started_at,duration_secs,device,status\r\n",
    );
    let page = sb_domain::query::Page::first(CHUNK);
    let next = calls_csv(&s, &a.actor, &of, &filter, &page, &mut out).await?;
    let state = (Some(out), next, s, a.actor, of, filter);
    let stream =
        futures_util::stream::unfold(state, |(ready, next, s, actor, of, filter)| async move {
            if let Some(chunk) = ready {
                return Some((Ok(chunk), (None, next, s, actor, of, filter)));
            }
            let page = sb_domain::query::Page {
                after: Some(next?),
                limit: CHUNK,
            };
            let mut out = String::new();
            match calls_csv(&s, &actor, &of, &filter, &page, &mut out).await {
                Ok(next) => Some((Ok(out), (None, next, s, actor, of, filter))),
                // The status line is gone: a cut body is all that can tell the client.
                Err(e) => Some((
                    Err(std::io::Error::other(e.message().to_owned())),
                    (None, None, s, actor, of, filter),
                )),
            }
        });
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

/// Appends one page of call records to `out` as CSV rows, written from the database row as it
/// is read; returns the next cursor.
async fn calls_csv(
    s: &AppState,
    actor: &sb_app::Actor,
    of: &CallsOf,
    filter: &sb_domain::query::CallFilter,
    page: &sb_domain::query::Page,
    out: &mut String,
) -> Result<Option<String>, AppError> {
    out.reserve(usize::try_from(page.limit).unwrap_or(0) * 140);
    let mut n = [0; 21];
    s.app
        .calls_each(actor, of, filter, page, |r| {
            for cell in [r.id, r.line_id, r.direction, r.other_number] {
                push_cell(out, cell);
                out.push(',');
            }
            push_cell(out, r.other_name.unwrap_or(""));
            out.push(',');
            sb_domain::clock::push_rfc3339(out, r.started_at);
            out.push(',');
            out.push_str(int(&mut n, r.duration_secs));
            out.push(',');
            push_cell(out, r.device.unwrap_or(""));
            out.push(',');
            out.push_str(int(&mut n, r.status));
            out.push_str(CRLF);
        })
        .await
}

/// An integer's decimal text, written into `buf`.
fn int(buf: &mut [u8; 21], v: i64) -> &str {
    let mut u = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// How every CSV row ends (RFC 4180 section 2).
const CRLF: &str = "\r\n";

// ---- call recording ----------------------------------------------------------------------------

use sb_app::recordings::RecordingSettingsDoc;

pub async fn get_recording_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<RecordingSettingsDoc>> {
    Ok(Json(s.app.recording_settings(&a.actor, &id).await?))
}
pub async fn set_recording_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<RecordingSettingsDoc>,
) -> ApiResult<Json<RecordingSettingsDoc>> {
    Ok(Json(s.app.set_recording_settings(&a.actor, &id, b).await?))
}
pub async fn list_recordings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    let csv = wants_csv(&query_pairs(&parts))?;
    let items = s.app.recordings(&a.actor, &id).await?;
    Ok(all_or_csv(
        items,
        csv,
        "id,started_at,direction,other_number,other_name,duration_secs",
        |r| {
            format!(
                "{},{},{},{},{},{}",
                r.id,
                r.started_at,
                r.direction.as_str(),
                csv_cell(&r.other_number),
                csv_cell(r.other_name.as_deref().unwrap_or("")),
                r.duration_secs
            )
        },
    ))
}
pub async fn recording_audio(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let wav = s.app.recording_audio(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}
pub async fn update_recording(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::recordings::RecordingPatch>,
) -> ApiResult<Json<sb_app::recordings::RecordingView>> {
    Ok(Json(s.app.update_recording(&a.actor, &id, b).await?))
}
pub async fn delete_recording(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_recording(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- queues ------------------------------------------------------------------------------------

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
) -> ApiResult<Json<sb_app::queues::QueueBoardView>> {
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

// ---- conferences -------------------------------------------------------------------------------

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

// ---- call barring (toll fraud) --------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    #[test]
    fn csv_integers_are_written_like_display() {
        let mut b = [0; 21];
        for v in [0, 7, 10, 599, -1, -42, i64::MAX, i64::MIN] {
            assert_eq!(super::int(&mut b, v), v.to_string());
        }
    }
}
