//! The administrators' pages: the companies a provider or reseller sees, and a company's users
//! and departments.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{Session, signed_in};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::views::CompanyView;
use sb_app::{Actor, AppError};
use sb_domain::model::Role;

/// A user as the company's list shows them; `role` and `status` are text keys.
pub struct UserRow {
    name: String,
    username: String,
    role: &'static str,
    email: String,
    status: &'static str,
}

/// A department; `policy` is a text key, followed by the limit when there is one.
pub struct DepartmentRow {
    name: String,
    parent: String,
    operator: String,
    policy: &'static str,
    limit: Option<i64>,
}

pub struct CompanyTables {
    users: Vec<UserRow>,
    departments: Vec<DepartmentRow>,
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct AdminHome {
    c: Chrome,
    /// A company administrator's company: its name and SIP domain.
    company: Option<(String, String)>,
    companies: Option<Vec<CompanyView>>,
    tables: Option<CompanyTables>,
}

#[derive(Template)]
#[template(path = "admin_company.html")]
struct AdminCompany {
    c: Chrome,
    sip_domain: String,
    tables: Option<CompanyTables>,
}

fn all() -> sb_app::Page {
    sb_app::Page {
        after: None,
        limit: 500,
    }
}

async fn company_tables(
    s: &WebState,
    actor: &Actor,
    company: &str,
) -> Result<CompanyTables, AppError> {
    let users = s.app.list_users(actor, company, all()).await?;
    let deps = s.app.list_departments(actor, company).await?;
    let users = users
        .items
        .into_iter()
        .map(|u| UserRow {
            status: match (u.locked, u.enabled) {
                (true, _) => "locked_short",
                (false, true) => "enabled",
                (false, false) => "disabled_short",
            },
            role: u.role.as_str(),
            username: u.username.unwrap_or_default(),
            email: u.email.unwrap_or_default(),
            name: u.name,
        })
        .collect();
    let name_of = |id: &Option<String>| {
        id.as_ref()
            .and_then(|p| deps.items.iter().find(|d| &d.id == p))
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let departments = deps
        .items
        .iter()
        .map(|d| DepartmentRow {
            name: d.name.clone(),
            parent: name_of(&d.parent_id),
            operator: d.operator_number.clone().unwrap_or_default(),
            policy: if d.call_limit.is_some() {
                "limited"
            } else {
                d.call_policy.as_str()
            },
            limit: d.call_limit,
        })
        .collect();
    Ok(CompanyTables { users, departments })
}

pub async fn home(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match (session.actor.role, &session.me.company) {
        (Role::EndUser, _) => return Redirect::to("/my").into_response(),
        // A company administrator's home is their users ("All Lines → Users").
        (Role::CompanyAdmin, Some(co)) => {
            return Redirect::to(&format!("/admin/companies/{}/users", co.id)).into_response();
        }
        _ => {}
    }
    let title = crate::i18n::t(session.me.language, session.me.role.as_str());
    let mut page = AdminHome {
        c: Chrome::signed_in(&session, title, "/admin"),
        company: None,
        companies: None,
        tables: None,
    };
    let found = fill_home(&s, &session, &mut page).await;
    if found.is_err() {
        page.c.alert = Some(page.c.t("error").to_owned());
    }
    render(StatusCode::OK, &page)
}

/// A company administrator sees their company; providers and resellers the companies they serve.
async fn fill_home(s: &WebState, session: &Session, page: &mut AdminHome) -> Result<(), AppError> {
    if session.actor.role == Role::CompanyAdmin {
        if let Some(co) = &session.me.company {
            page.tables = Some(company_tables(s, &session.actor, &co.id).await?);
            page.company = Some((co.name.clone(), co.sip_domain.clone()));
        }
        return Ok(());
    }
    page.companies = Some(s.app.list_companies(&session.actor, all()).await?.items);
    Ok(())
}

pub async fn company(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{id}");
    let Ok(co) = s.app.get_company(&session.actor, &id).await else {
        let c = Chrome::signed_in(&session, "404", &here);
        let alert = c.t("not_found");
        let c = c.with_alert(alert);
        let page = AdminCompany {
            c,
            sip_domain: String::new(),
            tables: None,
        };
        return render(StatusCode::NOT_FOUND, &page);
    };
    let mut c = Chrome::signed_in(&session, &co.name, &here);
    let tables = company_tables(&s, &session.actor, &co.id).await.ok();
    if tables.is_none() {
        c.alert = Some(c.t("error").to_owned());
    }
    render(
        StatusCode::OK,
        &AdminCompany {
            c,
            sip_domain: co.sip_domain,
            tables,
        },
    )
}
