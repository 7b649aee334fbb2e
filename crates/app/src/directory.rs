//! Lookups shared by the use cases, and the conversions from stored records to views.

use crate::views::*;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, looks_like_id};
use sb_store::Conn;
use sb_store::accounts::User;
use sb_store::lines::{Line, Number};
use sb_store::tenancy::{self, Company, Department, Package, Reseller};

/// Rejects path ids that cannot exist before any query runs.
pub(crate) fn id_or_404(s: &str) -> AppResult<&str> {
    if looks_like_id(s) {
        Ok(s)
    } else {
        Err(AppError::NotFound)
    }
}

/// Reads an id given in a request body; a malformed one is a 422 on that field.
pub(crate) fn body_id<'a>(field: &str, s: &'a str) -> AppResult<&'a str> {
    if looks_like_id(s) {
        Ok(s)
    } else {
        Err(AppError::invalid(
            "unknown_reference",
            field,
            "There is no such object.",
        ))
    }
}

impl App {
    pub(crate) async fn company_or_404(&self, c: &mut Conn, id: &CompanyId) -> AppResult<Company> {
        id_or_404(id.as_str())?;
        tenancy::get_company(c, id).await?.ok_or(AppError::NotFound)
    }
}

pub fn user_view(u: &User) -> UserView {
    user_view_owned(u.clone())
}

/// The view of a user, moving the record's text instead of copying it (lists).
pub fn user_view_owned(u: User) -> UserView {
    UserView {
        id: u.id.to_string(),
        role: u.role,
        reseller_id: u.reseller_id.map(|r| r.to_string()),
        company_id: u.company_id.map(|c| c.to_string()),
        department_id: u.department_id.map(|d| d.to_string()),
        package_id: u.package_id.map(|p| p.to_string()),
        name: u.name,
        email: u.email,
        language: u.language,
        username: u.username,
        enabled: u.enabled,
        locked: u.locked,
        locked_until: u.locked_until.filter(|_| u.locked).map(time),
        default_line_id: u.default_line_id.map(|l| l.to_string()),
        created_at: time(u.created_at),
    }
}

/// The non-secret fields of a user, for audit summaries.
pub(crate) fn user_audit(u: &User) -> serde_json::Value {
    serde_json::json!({
        "name": u.name, "email": u.email, "role": u.role.as_str(), "username": u.username,
        "department_id": u.department_id, "package_id": u.package_id, "enabled": u.enabled,
        "locked": u.locked, "language": u.language.map(|l| l.as_str()), "default_line_id": u.default_line_id,
    })
}

pub fn reseller_view(r: &Reseller) -> ResellerView {
    ResellerView {
        id: r.id.to_string(),
        name: r.name.clone(),
        created_at: time(r.created_at),
    }
}

pub fn package_view(p: &Package) -> PackageView {
    PackageView {
        id: p.id.to_string(),
        reseller_id: p.reseller_id.as_ref().map(ToString::to_string),
        name: p.name.clone(),
        features: p.features.clone(),
        monthly_price_cents: p.monthly_price_cents,
    }
}

pub(crate) fn company_audit(c: &Company) -> serde_json::Value {
    serde_json::json!({
        "name": c.name, "country": c.country, "time_zone": c.time_zone,
        "first_language": c.first_language.as_str(), "second_language": c.second_language.map(|l| l.as_str()),
        "max_users": c.max_users, "max_lines": c.max_lines, "default_package_id": c.default_package_id,
    })
}

pub fn department_view(d: &Department) -> DepartmentView {
    DepartmentView {
        id: d.id.to_string(),
        company_id: d.company_id.to_string(),
        parent_id: d.parent_id.as_ref().map(ToString::to_string),
        name: d.name.clone(),
        operator_number: d.operator_number.clone(),
        call_policy: d.call_policy,
        call_limit: d.call_limit,
    }
}

pub fn line_view(l: &Line, numbers: Vec<String>) -> LineView {
    LineView {
        id: l.id.to_string(),
        company_id: l.company_id.to_string(),
        user_id: l.user_id.as_ref().map(ToString::to_string),
        extension: l.extension.clone(),
        account_name: l.account_name.clone(),
        calling_name: l.calling_name.clone(),
        numbers,
        default_number: l.default_number.clone(),
        presentation_number: l.presentation_number.clone(),
        sip_username: l.sip_username.clone(),
    }
}

pub(crate) fn line_audit(l: &Line) -> serde_json::Value {
    serde_json::json!({
        "extension": l.extension, "user_id": l.user_id, "account_name": l.account_name,
        "calling_name": l.calling_name, "default_number": l.default_number,
        "presentation_number": l.presentation_number,
    })
}

pub fn number_view(n: &Number) -> NumberView {
    NumberView {
        id: n.id.to_string(),
        company_id: n.company_id.to_string(),
        number: n.e164.clone(),
        line_id: n.line_id.as_ref().map(ToString::to_string),
        fax: n.fax,
    }
}
