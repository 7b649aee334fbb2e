//! Resellers, their administrators and packages, system administrators, companies and departments.

use super::*;

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
