//! The reseller's customers, also open to the system administrator: the list
//! with search and paging, a new customer, and a customer's page with its profile, its
//! subscription keys (users and lines used and allowed; only here can they change), the packages
//! offered to it (Offer / Default boxes), its call barring, and deleting it once the consequence
//! is confirmed. The company administrator's pages of the customer (users...) are under
//! `/admin/companies/{id}/...`.

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{
    Done, PROVIDERS, Pairs, alerted, done, error_status, error_text, failed, gate, gate_form,
    not_found, number, price, ticked,
};
use crate::session::Session;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use sb_app::views::{
    CompanyInput, CompanyView, OfferedPackagesInput, ResellerView, SubscriptionInput,
};
use sb_app::{AppError, Page};
use sb_domain::barring::Bars;
use sb_domain::model::{Language, Role};
use serde::Deserialize;

pub const LIST: &str = "/admin/customers";

/// The customers' routes.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/customers", get(list).post(create))
        .route("/admin/customers/{id}", get(show))
        .route("/admin/customers/{id}/subscription", post(set_subscription))
        .route("/admin/customers/{id}/packages", post(set_packages))
        .route("/admin/customers/{id}/barring", post(set_barring))
        .route("/admin/customers/{id}/delete", post(delete))
}

/// Customers per page of the list.
const PAGE: i64 = 25;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    after: String,
    done: String,
}

/// The new-customer form, kept when it is refused.
#[derive(Deserialize, Clone)]
#[serde(default)]
pub struct CustomerForm {
    csrf: String,
    reseller_id: String,
    name: String,
    country: String,
    time_zone: String,
    first_language: String,
    second_language: String,
    max_users: String,
    max_lines: String,
}

impl Default for CustomerForm {
    fn default() -> Self {
        Self {
            csrf: String::new(),
            reseller_id: String::new(),
            name: String::new(),
            country: String::new(),
            time_zone: String::new(),
            first_language: "en".into(),
            second_language: String::new(),
            max_users: "10".into(),
            max_lines: "10".into(),
        }
    }
}

fn language(field: &str, code: &str) -> Result<Language, AppError> {
    Language::from_text(code)
        .ok_or_else(|| AppError::invalid("unknown_language", field, "Choose a language."))
}

fn language_name(l: Language) -> &'static str {
    crate::layout::LANGUAGES
        .iter()
        .find(|(code, _)| *code == l.as_str())
        .map_or("", |(_, name)| name)
}

impl CustomerForm {
    fn input(&self) -> Result<CompanyInput, AppError> {
        let second_language = match self.second_language.as_str() {
            "" => None,
            code => Some(language("second_language", code)?),
        };
        Ok(CompanyInput {
            reseller_id: Some(self.reseller_id.clone()).filter(|r| !r.is_empty()),
            name: self.name.clone(),
            country: self.country.trim().to_uppercase(),
            time_zone: self.time_zone.trim().to_owned(),
            first_language: language("first_language", &self.first_language)?,
            second_language,
            max_users: number("max_users", &self.max_users)?,
            max_lines: number("max_lines", &self.max_lines)?,
        })
    }
}

#[derive(Template)]
#[template(path = "reseller_customers.html")]
struct ListPage {
    c: Chrome,
    q: String,
    customers: Vec<CompanyView>,
    next: Option<String>,
    paged: bool,
    form: CustomerForm,
    /// The resellers a system administrator chooses from; None for a reseller.
    resellers: Option<Vec<ResellerView>>,
}

async fn list_page(
    s: &WebState,
    session: &Session,
    q: &ListQuery,
    form: CustomerForm,
    alert: Option<&AppError>,
) -> Response {
    let lang = session.me.language;
    let mut c = Chrome::signed_in(session, t(lang, "pv_customers"), LIST);
    Done {
        done: q.done.clone(),
    }
    .apply(&mut c);
    let page = Page {
        after: Some(q.after.clone()).filter(|a| !a.is_empty()),
        limit: PAGE,
    };
    let found = s.app.search_companies(&session.actor, &q.q, page).await;
    let list = match found {
        Ok(l) => l,
        Err(e) => return failed(c, &e),
    };
    let resellers = if session.actor.role == Role::SystemAdmin {
        let all = Page {
            after: None,
            limit: 500,
        };
        s.app
            .list_resellers(&session.actor, all)
            .await
            .ok()
            .map(|l| l.items)
    } else {
        None
    };
    let status = alerted(&mut c, alert);
    let page = ListPage {
        c,
        q: q.q.clone(),
        customers: list.items,
        next: list.next_cursor,
        paged: !q.after.is_empty(),
        form,
        resellers,
    };
    render(status, &page)
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    match gate(&s, &headers, PROVIDERS, LIST).await {
        Ok(session) => list_page(&s, &session, &q, CustomerForm::default(), None).await,
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<CustomerForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, PROVIDERS, LIST).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let made = match f.input() {
        Ok(input) => s.app.create_company(&session.actor, input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(co) => done(&format!("{LIST}/{}", co.id), "customer_created"),
        Err(e) => list_page(&s, &session, &ListQuery::default(), f, Some(&e)).await,
    }
}

/// A package as a company's Offer / Default table shows it (`offer_default.html`, on the
/// reseller's customer page and on the company profile).
pub struct PackageRow {
    pub id: String,
    pub name: String,
    pub price: String,
    pub features: Vec<String>,
    pub offered: bool,
    pub default: bool,
}

pub fn package_rows(all: Vec<sb_app::profile::OfferablePackage>) -> Vec<PackageRow> {
    all.into_iter()
        .map(|o| PackageRow {
            offered: o.offered,
            default: o.default,
            price: price(o.package.monthly_price_cents),
            features: o
                .package
                .features
                .iter()
                .map(|f| format!("pv_feature_{}", f.as_str()))
                .collect(),
            id: o.package.id,
            name: o.package.name,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reseller_customer.html")]
struct CustomerPage {
    c: Chrome,
    co: CompanyView,
    /// The customer's languages, each named in itself.
    first_language: &'static str,
    second_language: Option<&'static str>,
    packages: Vec<PackageRow>,
    packages_action: String,
    bars: Option<Bars>,
}

async fn customer_page(
    s: &WebState,
    session: &Session,
    id: &str,
    alert: Option<&AppError>,
    done: &Done,
) -> Response {
    let here = format!("{LIST}/{id}");
    let Ok(co) = s.app.get_company(&session.actor, id).await else {
        return not_found(session, &here);
    };
    let mut c = Chrome::signed_in(session, &co.name, &here);
    done.apply(&mut c);
    let packages = package_rows(
        s.app
            .offerable_packages(&session.actor, id)
            .await
            .unwrap_or_default(),
    );
    let bars = s
        .app
        .company_barring(&session.actor, id)
        .await
        .ok()
        .map(|b| b.barred);
    let status = match alert {
        Some(e) => {
            c.alert = Some(error_text(session.me.language, e));
            error_status(e)
        }
        None => StatusCode::OK,
    };
    render(
        status,
        &CustomerPage {
            c,
            first_language: language_name(co.first_language),
            second_language: co.second_language.map(language_name),
            co,
            packages,
            packages_action: format!("{LIST}/{id}/packages"),
            bars,
        },
    )
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let here = format!("{LIST}/{id}");
    match gate(&s, &headers, PROVIDERS, &here).await {
        Ok(session) => customer_page(&s, &session, &id, None, &done).await,
        Err(r) => r,
    }
}

/// After a change of a customer: its page with a notice, or with the refusal.
async fn after_change<T>(
    s: &WebState,
    session: &Session,
    id: &str,
    outcome: Result<T, AppError>,
    what: &str,
) -> Response {
    let here = format!("{LIST}/{id}");
    match outcome {
        Ok(_) => done(&here, what),
        Err(AppError::NotFound) => not_found(session, &here),
        Err(e) => customer_page(s, session, id, Some(&e), &Done::default()).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KeysForm {
    csrf: String,
    max_users: String,
    max_lines: String,
}

pub async fn set_subscription(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<KeysForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, PROVIDERS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let outcome = match (
        number("max_users", &f.max_users),
        number("max_lines", &f.max_lines),
    ) {
        (Ok(max_users), Ok(max_lines)) => {
            let input = SubscriptionInput {
                max_users,
                max_lines,
            };
            s.app.set_subscription(&session.actor, &id, input).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    after_change(&s, &session, &id, outcome, "subscription_saved").await
}

pub async fn set_packages(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, f.get("csrf"), PROVIDERS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let input = OfferedPackagesInput {
        offered: f.all("offer"),
        default: Some(f.get("default").to_owned()).filter(|d| !d.is_empty()),
    };
    let outcome = s.app.set_offered_packages(&session.actor, &id, input).await;
    after_change(&s, &session, &id, outcome, "packages_saved").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BarsForm {
    csrf: String,
    international: Option<String>,
    premium: Option<String>,
    all_outside: Option<String>,
}

pub async fn set_barring(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<BarsForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, PROVIDERS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let bars = Bars {
        international: ticked(&f.international),
        premium: ticked(&f.premium),
        all_outside: ticked(&f.all_outside),
    };
    let outcome = s.app.set_company_barring(&session.actor, &id, bars).await;
    after_change(&s, &session, &id, outcome, "barring_saved").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    csrf: String,
    /// The box saying the consequence was read: without it nothing is deleted.
    confirm: Option<String>,
}

/// Deletes the customer and everything it owns, once the consequence is confirmed.
pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DeleteForm>,
) -> Response {
    let here = format!("{LIST}/{id}");
    let session = match gate_form(&s, &headers, &f.csrf, PROVIDERS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let outcome = if ticked(&f.confirm) {
        s.app.delete_company(&session.actor, &id).await
    } else {
        Err(AppError::invalid(
            "confirm_required",
            "confirm",
            "Tick the box to confirm the deletion.",
        ))
    };
    match outcome {
        Ok(()) => done(LIST, "customer_deleted"),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => customer_page(&s, &session, &id, Some(&e), &Done::default()).await,
    }
}
