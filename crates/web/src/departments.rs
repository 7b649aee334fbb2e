//! Services → Departments: a company's departments as a tree, adding one (name,
//! parent department, operator number, calls unlimited / incoming blocked / outgoing blocked /
//! both / limited to N), changing and deleting one, and on a department's page its group
//! contacts (seen by everyone in it and below it) listed, added and deleted after a confirmation.
//! For the company's administrators and for its reseller or the provider acting for it.

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{alerted, failed, gate, gate_form, not_found, own_company_page};
use crate::session::Session;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::contacts::ContactNumberView;
use sb_app::group_contacts::{GroupContactInput, GroupContactView};
use sb_app::views::{DepartmentInput, DepartmentPatch, DepartmentView};
use sb_domain::model::{CallPolicyKind, Role};
use serde::Deserialize;

const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/departments", get(own))
        .route("/admin/companies/{id}/departments", get(list).post(create))
        .route(
            "/admin/companies/{id}/departments/{dep}",
            get(edit).post(update),
        )
        .route(
            "/admin/companies/{id}/departments/{dep}/delete",
            post(delete),
        )
        .route(
            "/admin/companies/{id}/departments/{dep}/contacts",
            post(add_contact),
        )
        .route(
            "/admin/companies/{id}/departments/{dep}/contacts/{k}/delete",
            get(confirm_delete_contact).post(delete_contact),
        )
}

fn list_path(id: &str) -> String {
    format!("/admin/companies/{id}/departments")
}

/// A department in the tree: its depth under the roots, and its policy's text key.
pub struct Row {
    d: DepartmentView,
    depth: usize,
    policy: &'static str,
    /// Calls in progress now that count against it.
    calls: i64,
}

impl Row {
    /// The indentation class of its depth (styles stay in the stylesheet: strict CSP).
    pub fn indent(&self) -> String {
        format!("depth-{}", self.depth.min(6))
    }
}

/// Parents before their children, each under its parent in name order.
fn tree(all: Vec<DepartmentView>) -> Vec<Row> {
    fn place(all: &[DepartmentView], parent: Option<&str>, depth: usize, out: &mut Vec<Row>) {
        let mut here: Vec<&DepartmentView> = all
            .iter()
            .filter(|d| d.parent_id.as_deref() == parent)
            .collect();
        here.sort_by(|a, b| a.name.cmp(&b.name));
        for d in here {
            if out.iter().any(|r| r.d.id == d.id) || depth > 64 {
                continue;
            }
            out.push(Row {
                d: d.clone(),
                depth,
                policy: d.call_policy.as_str(),
                calls: 0,
            });
            place(all, Some(&d.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    place(&all, None, 0, &mut out);
    out
}

/// The fields of a department form, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DepartmentForm {
    csrf: String,
    name: String,
    parent_id: String,
    operator_number: String,
    call_policy: String,
    call_limit: String,
}

impl DepartmentForm {
    fn of(d: &DepartmentView) -> Self {
        Self {
            csrf: String::new(),
            name: d.name.clone(),
            parent_id: d.parent_id.clone().unwrap_or_default(),
            operator_number: d.operator_number.clone().unwrap_or_default(),
            call_policy: d.call_policy.as_str().to_owned(),
            call_limit: d.call_limit.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
    fn policy(&self) -> Result<CallPolicyKind, AppError> {
        CallPolicyKind::from_text(&self.call_policy).ok_or_else(|| {
            AppError::invalid(
                "invalid_call_policy",
                "call_policy",
                "Choose a listed policy.",
            )
        })
    }
    fn limit(&self) -> Result<Option<i64>, AppError> {
        match self.call_limit.trim() {
            "" => Ok(None),
            n => n.parse().map(Some).map_err(|_| {
                AppError::invalid("not_a_number", "call_limit", "Type a whole number.")
            }),
        }
    }
    fn optional(v: &str) -> Option<String> {
        Some(v.trim().to_owned()).filter(|v| !v.is_empty())
    }
    pub fn is_policy(&self, code: &str) -> bool {
        self.call_policy == code || (self.call_policy.is_empty() && code == "unlimited")
    }
}

#[derive(Template)]
#[template(path = "company_departments.html")]
struct ListPage {
    c: Chrome,
    id: String,
    rows: Vec<Row>,
    form: DepartmentForm,
    policies: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "company_department.html")]
struct EditPage {
    c: Chrome,
    id: String,
    dep: String,
    /// The other departments, which may be its parent.
    parents: Vec<Row>,
    form: DepartmentForm,
    policies: Vec<&'static str>,
    /// The department's group contacts.
    contacts: Vec<GroupContactView>,
    /// The group contact form as typed, and the field its refusal names.
    gc: GroupContactForm,
}

impl EditPage {
    /// The refusal of the group contact form when it belongs to this field.
    pub fn gc_error(&self, field: &str) -> Option<&str> {
        self.gc
            .problem
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, t)| t.as_str())
    }
}

/// The add form of a group contact, as typed (one number; more through the API).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GroupContactForm {
    csrf: String,
    name: String,
    company: String,
    email: String,
    number: String,
    /// The form field a refusal names, and its text.
    #[serde(skip)]
    problem: Option<(String, String)>,
}

impl GroupContactForm {
    fn input(&self) -> GroupContactInput {
        GroupContactInput {
            name: self.name.clone(),
            company: Some(self.company.clone()),
            email: Some(self.email.clone()),
            numbers: vec![ContactNumberView {
                label: String::new(),
                number: self.number.clone(),
            }],
        }
    }
}

/// The form field a refusal of a group contact names (`numbers.0.number` is `number`).
fn gc_field(e: &AppError) -> &'static str {
    match e {
        AppError::Invalid(i) if i.field == "name" => "name",
        AppError::Invalid(i) if i.field == "company" => "company",
        AppError::Invalid(i) if i.field == "email" => "email",
        AppError::Invalid(i) if i.field.starts_with("numbers") => "number",
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "company_department_contact_delete.html")]
struct ConfirmDeletePage {
    c: Chrome,
    id: String,
    dep: String,
    contact: GroupContactView,
}

fn policies() -> Vec<&'static str> {
    CallPolicyKind::ALL.iter().map(|p| p.as_str()).collect()
}

async fn list_page(
    s: &WebState,
    session: &Session,
    id: &str,
    form: DepartmentForm,
    alert: Option<&AppError>,
    saved: bool,
) -> Response {
    let lang = session.me.language;
    let here = list_path(id);
    let all = match s.app.list_departments(&session.actor, id).await {
        Ok(l) => l.items,
        Err(AppError::NotFound) => return not_found(session, &here),
        Err(e) => return failed(Chrome::signed_in(session, t(lang, "dp_title"), &here), &e),
    };
    let mut c = Chrome::signed_in(session, t(lang, "dp_title"), &here);
    let status = shown(&mut c, alert, saved);
    let live = s
        .app
        .department_calls(&session.actor, id)
        .await
        .unwrap_or_default();
    let mut rows = tree(all);
    for r in &mut rows {
        r.calls = live
            .iter()
            .find(|l| l.department_id == r.d.id)
            .map_or(0, |l| l.calls);
    }
    let page = ListPage {
        c,
        id: id.to_owned(),
        rows,
        form,
        policies: policies(),
    };
    render(status, &page)
}

/// The alert of a refused form, or the notice of a saved one; the status it answers with.
fn shown(c: &mut Chrome, alert: Option<&AppError>, saved: bool) -> StatusCode {
    if saved && alert.is_none() {
        c.info = Some(c.t("dp_saved").to_owned());
    }
    alerted(c, alert)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

/// A company administrator's own company's departments.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/departments", "departments").await
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => {
            let saved = q.saved == "1";
            list_page(&s, &session, &id, DepartmentForm::default(), None, saved).await
        }
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DepartmentForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        let input = DepartmentInput {
            name: f.name.clone(),
            parent_id: DepartmentForm::optional(&f.parent_id),
            operator_number: DepartmentForm::optional(&f.operator_number),
            call_policy: f.policy()?,
            call_limit: f.limit()?,
        };
        s.app.create_department(&session.actor, &id, input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}?saved=1", list_path(&id))).into_response(),
        Err(e) => list_page(&s, &session, &id, f, Some(&e), false).await,
    }
}

/// The department `dep` of company `id`, for someone who may see it; `None` for anything else
/// (another company's department under this company's path is not found either).
async fn department_of(
    s: &WebState,
    session: &Session,
    id: &str,
    dep: &str,
) -> Result<(DepartmentView, Vec<DepartmentView>), AppError> {
    let all = s.app.list_departments(&session.actor, id).await?.items;
    let d = all.iter().find(|d| d.id == dep).ok_or(AppError::NotFound)?;
    Ok((d.clone(), all))
}

async fn edit_page(
    s: &WebState,
    session: &Session,
    id: &str,
    dep: &str,
    form: Option<DepartmentForm>,
    alert: Option<&AppError>,
    gc: GroupContactForm,
) -> Response {
    let here = format!("{}/{dep}", list_path(id));
    let found = async {
        let v = department_of(s, session, id, dep).await?;
        let contacts = s.app.department_contacts(&session.actor, dep).await?;
        Ok::<_, AppError>((v, contacts))
    }
    .await;
    let ((d, all), contacts) = match found {
        Ok(v) => v,
        Err(AppError::NotFound) => return not_found(session, &here),
        Err(e) => {
            return failed(
                Chrome::signed_in(session, t(session.me.language, "dp_title"), &here),
                &e,
            );
        }
    };
    let mut c = Chrome::signed_in(session, &d.name, &here);
    let status = shown(&mut c, alert, false);
    let parents = tree(all).into_iter().filter(|r| r.d.id != d.id).collect();
    let page = EditPage {
        c,
        id: id.to_owned(),
        dep: dep.to_owned(),
        parents,
        form: form.unwrap_or_else(|| DepartmentForm::of(&d)),
        policies: policies(),
        contacts,
        gc,
    };
    render(status, &page)
}

pub async fn edit(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, dep)): Path<(String, String)>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => edit_page(&s, &session, &id, &dep, None, None, Default::default()).await,
        Err(r) => r,
    }
}

pub async fn update(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, dep)): Path<(String, String)>,
    Form(f): Form<DepartmentForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        department_of(&s, &session, &id, &dep).await?;
        let patch = DepartmentPatch {
            name: Some(f.name.clone()),
            parent_id: Some(DepartmentForm::optional(&f.parent_id)),
            operator_number: Some(DepartmentForm::optional(&f.operator_number)),
            call_policy: Some(f.policy()?),
            call_limit: Some(f.limit()?),
        };
        s.app.update_department(&session.actor, &dep, patch).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}?saved=1", list_path(&id))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => {
            edit_page(
                &s,
                &session,
                &id,
                &dep,
                Some(f),
                Some(&e),
                Default::default(),
            )
            .await
        }
    }
}

pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, dep)): Path<(String, String)>,
    Form(f): Form<crate::provider::CsrfForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        department_of(&s, &session, &id, &dep).await?;
        s.app.delete_department(&session.actor, &dep).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{}?saved=1", list_path(&id))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => edit_page(&s, &session, &id, &dep, None, Some(&e), Default::default()).await,
    }
}

fn department_page(id: &str, dep: &str) -> String {
    format!("{}/{dep}", list_path(id))
}

/// Adds a group contact to the department; a refusal is shown by its field with what was
/// typed, nothing added.
pub async fn add_contact(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, dep)): Path<(String, String)>,
    Form(mut f): Form<GroupContactForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        department_of(&s, &session, &id, &dep).await?;
        s.app
            .create_group_contact(&session.actor, &dep, f.input())
            .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}#gc-h", department_page(&id, &dep))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => {
            let text = crate::i18n::errors::refusal_text(session.me.language, &e);
            f.problem = Some((gc_field(&e).to_owned(), text));
            edit_page(&s, &session, &id, &dep, None, Some(&e), f).await
        }
    }
}

/// The group contact `k` of department `dep` of company `id`, or not found.
async fn contact_of(
    s: &WebState,
    session: &Session,
    id: &str,
    dep: &str,
    k: &str,
) -> Result<GroupContactView, AppError> {
    department_of(s, session, id, dep).await?;
    s.app
        .department_contacts(&session.actor, dep)
        .await?
        .into_iter()
        .find(|x| x.id == k)
        .ok_or(AppError::NotFound)
}

/// Asks to confirm the deletion of a group contact.
pub async fn confirm_delete_contact(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, dep, k)): Path<(String, String, String)>,
) -> Response {
    let session = match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let here = department_page(&id, &dep);
    match contact_of(&s, &session, &id, &dep, &k).await {
        Ok(contact) => {
            let c = Chrome::signed_in(&session, t(session.me.language, "dp_gc_delete"), &here);
            let page = ConfirmDeletePage {
                c,
                id,
                dep,
                contact,
            };
            render(StatusCode::OK, &page)
        }
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => failed(
            Chrome::signed_in(&session, t(session.me.language, "dp_title"), &here),
            &e,
        ),
    }
}

/// Deletes a group contact once confirmed.
pub async fn delete_contact(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, dep, k)): Path<(String, String, String)>,
    Form(f): Form<crate::provider::CsrfForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        contact_of(&s, &session, &id, &dep, &k).await?;
        s.app.delete_group_contact(&session.actor, &k).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{}#gc-h", department_page(&id, &dep))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => edit_page(&s, &session, &id, &dep, None, Some(&e), Default::default()).await,
    }
}
