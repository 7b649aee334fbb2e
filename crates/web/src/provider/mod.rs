//! The provider's (system administrator's) pages: resellers and their administrators
//! (`resellers.rs`), service packages, also a reseller's own (`packages.rs`), installation and
//! emergency trunks (`trunks.rs`), system administrators with the installation's two-factor
//! policy, and the installation's health (here). Also what these pages and the reseller's
//! (`crate::reseller`) share: the role gate, the not-found page, error and done messages.

pub mod audit;
pub mod packages;
pub mod resellers;
pub mod trunks;

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::views::{ResellerAdminInput, UserView};
use sb_domain::model::{Language, Role};
use serde::Deserialize;
use std::sync::atomic::Ordering;

/// The provider's routes (and the packages', which resellers use too).
pub fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/admin/resellers",
            get(resellers::list).post(resellers::create),
        )
        .route(
            "/admin/resellers/{id}",
            get(resellers::show).post(resellers::rename),
        )
        .route(
            "/admin/resellers/{id}/admins",
            post(resellers::create_admin),
        )
        .route(
            "/admin/resellers/{id}/admins/{user}",
            post(resellers::admin_account),
        )
        .route("/admin/resellers/{id}/delete", post(resellers::delete))
        .route(
            "/admin/packages",
            get(packages::list).post(packages::create),
        )
        .route(
            "/admin/packages/{id}",
            get(packages::show).post(packages::update),
        )
        .route("/admin/packages/{id}/delete", post(packages::delete))
        .route("/admin/trunks", get(trunks::list).post(trunks::create))
        .route("/admin/trunks/{id}", get(trunks::show).post(trunks::update))
        .route("/admin/trunks/{id}/delete", post(trunks::delete))
        .route(ADMINS, get(system_admins).post(create_system_admin))
        .route("/admin/system-admins/{id}", post(system_admin_account))
        .route("/admin/two-factor-policy", post(set_two_factor_policy))
        .route(HEALTH, get(health))
        .route(audit::PATH, get(audit::show))
}

/// A page with nothing but the layout: its title, an alert or a notice, and a way back.
#[derive(Template)]
#[template(path = "provider_message.html")]
pub struct MessagePage {
    pub c: Chrome,
    pub back: &'static str,
}

/// The page of a thing that does not exist or belongs to another tenant (the same answer).
pub fn not_found(s: &Session, here: &str) -> Response {
    let c = Chrome::signed_in(s, t(s.me.language, "pv_not_found_title"), here);
    let alert = c.t("not_found");
    let c = c.with_alert(alert);
    render(StatusCode::NOT_FOUND, &MessagePage { c, back: "/admin" })
}

/// The signed-in person on a page of these `roles`; anyone else is told it does not exist
/// (what a role may not do is absent).
pub async fn gate(
    s: &WebState,
    headers: &HeaderMap,
    roles: &[Role],
    here: &str,
) -> Result<Session, Response> {
    let session = signed_in(s, headers).await?;
    if roles.contains(&session.actor.role) {
        Ok(session)
    } else {
        Err(not_found(&session, here))
    }
}

/// `/admin/{page}` for a company administrator: their own company's
/// `/admin/companies/{id}/{page}`. Nobody else has one, so for them it does not exist.
pub async fn own_company_page(
    s: &WebState,
    headers: &HeaderMap,
    here: &str,
    page: &str,
) -> Response {
    let session = match gate(s, headers, &[Role::CompanyAdmin], here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match &session.me.company {
        Some(co) => Redirect::to(&format!("/admin/companies/{}/{page}", co.id)).into_response(),
        None => not_found(&session, here),
    }
}

/// Like [`gate`] for a form: the CSRF token first (403), then the session and role.
pub async fn gate_form(
    s: &WebState,
    headers: &HeaderMap,
    csrf: &str,
    roles: &[Role],
    here: &str,
) -> Result<Session, Response> {
    let session = session::changing(s, headers, csrf, false).await?;
    if roles.contains(&session.actor.role) {
        Ok(session)
    } else {
        Err(not_found(&session, here))
    }
}

pub const PROVIDERS: &[Role] = &[Role::SystemAdmin, Role::ResellerAdmin];
pub const SYSTEM: &[Role] = &[Role::SystemAdmin];

/// A refused change as the person reads it: the label of the field at fault, then the text of
/// its code when this table has one (`pv_err_<code>`) or another does (`i18n::errors`), else the
/// use case's own sentence.
pub fn error_text(lang: Language, e: &AppError) -> String {
    let key = format!("pv_err_{}", e.code());
    let text = t(lang, &key);
    let sentence = if text != key {
        text.to_owned()
    } else if let Some(text) = crate::i18n::errors::by_code(lang, e) {
        text.to_owned()
    } else {
        match lang {
            Language::En => e.message(),
            Language::Fr => format!("{} {}", t(lang, "pv_err_detail"), e.message()),
        }
    };
    match e.field().and_then(|f| field_label(lang, f)) {
        // French puts a space before the colon.
        Some(label) if lang == Language::Fr => format!("{label} : {sentence}"),
        Some(label) => format!("{label}: {sentence}"),
        None => sentence,
    }
}

/// The label a form shows for a use case's field name, when the form has that field.
fn field_label(lang: Language, field: &str) -> Option<&'static str> {
    let key: &'static str = match field {
        "name" => "name",
        "username" => "username",
        "password" => "password",
        "email" => "email",
        "country" => "pv_country",
        "time_zone" => "pv_time_zone",
        "first_language" => "pv_first_language",
        "second_language" => "pv_second_language",
        "max_users" => "pv_max_users",
        "max_lines" => "pv_max_lines",
        "address" => "pv_address",
        "max_calls" => "pv_max_calls",
        "default" => "pv_default",
        "inbound_secret" => "pv_inbound_key",
        "price" | "monthly_price_cents" => "pv_monthly_price",
        "assistant_name" => "cp_assistant_name",
        "assistant_email" => "cp_assistant_email",
        "admin_phone" => "cp_admin_phone",
        "product_name" => "br_product_name",
        "primary_colour" => "br_primary",
        "accent_colour" => "br_accent",
        "logo" => "br_logo",
        _ => return None,
    };
    Some(t(lang, key))
}

/// The page that could not be shown for `e`: the layout with its alert and a way back.
pub fn failed(c: Chrome, e: &AppError) -> Response {
    let alert = error_text(c.lang, e);
    let c = c.with_alert(alert);
    render(error_status(e), &MessagePage { c, back: "/admin" })
}

/// A page showing a refused change: the alert in `c`, and the status it answers with.
pub fn alerted(c: &mut Chrome, alert: Option<&AppError>) -> StatusCode {
    match alert {
        Some(e) => {
            c.alert = Some(error_text(c.lang, e));
            error_status(e)
        }
        None => StatusCode::OK,
    }
}

/// The status of a page showing a refused change.
pub fn error_status(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) | AppError::BadRequest { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `?done=` after a change: which notice the page shows (only texts named `pv_done_...`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    pub done: String,
}

impl Done {
    pub fn apply(&self, c: &mut Chrome) {
        if self.done.is_empty()
            || !self
                .done
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_')
        {
            return;
        }
        let key = format!("pv_done_{}", self.done);
        let text = c.t(&key);
        if text != key {
            c.info = Some(text.to_owned());
        }
    }
}

/// Where a successful form goes: the page, with its notice.
pub fn done(path: &str, what: &str) -> Response {
    Redirect::to(&format!("{path}?done={what}")).into_response()
}

/// A whole number typed in a form, or the refusal naming its field.
pub fn number(field: &str, text: &str) -> Result<i64, AppError> {
    text.trim()
        .parse()
        .map_err(|_| AppError::invalid("not_a_number", field, "Type a whole number."))
}

/// A form with nothing but its CSRF token (delete buttons).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf: String,
}

/// A checkbox of a form: sent (with any value) when ticked.
pub fn ticked(v: &Option<String>) -> bool {
    v.is_some()
}

/// A form with repeated fields (checkboxes of one name), as its name and value pairs.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A price typed as units and cents ("15", "15.5", "15,50"), in cents.
pub fn cents(field: &str, text: &str) -> Result<i64, AppError> {
    let bad = || AppError::invalid("not_a_price", field, "Type a price like 15.00.");
    let text = text.trim().replace(',', ".");
    let (units, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let all_digits = |s: &str| s.chars().all(|ch| ch.is_ascii_digit());
    if units.is_empty() || !all_digits(units) || !all_digits(fraction) || fraction.len() > 2 {
        return Err(bad());
    }
    let units: i64 = units.parse().map_err(|_| bad())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    units
        .checked_mul(100)
        .and_then(|u| u.checked_add(fraction))
        .ok_or_else(bad)
}

/// Cents as the price people read and type ("15.00").
pub fn price(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What an administrator's row button does: disable, enable or unlock the account.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    pub csrf: String,
    pub action: String,
}

/// Runs the row button's use case on an administrator `id` found in `list` (else 404); answers
/// the notice's name.
pub async fn account_action(
    s: &WebState,
    session: &Session,
    list: &[UserView],
    id: &str,
    action: &str,
) -> Result<&'static str, AppError> {
    if !list.iter().any(|u| u.id == id) {
        return Err(AppError::NotFound);
    }
    let actor = &session.actor;
    match action {
        "disable" => s
            .app
            .disable_user(actor, id)
            .await
            .map(|_| "admin_disabled"),
        "enable" => s.app.enable_user(actor, id).await.map(|_| "admin_enabled"),
        "unlock" => s.app.unlock_user(actor, id).await.map(|_| "admin_unlocked"),
        _ => Err(AppError::invalid(
            "unknown_action",
            "action",
            "Choose disable, enable or unlock.",
        )),
    }
}

// ---- system administrators -------------------------------------------------------------------

pub const ADMINS: &str = "/admin/system-admins";

/// The fields of a new administrator (system or reseller), kept when the form is refused.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AdminForm {
    pub csrf: String,
    pub name: String,
    pub username: String,
    pub email: String,
    pub password: String,
}

impl AdminForm {
    pub fn input(&self) -> ResellerAdminInput {
        ResellerAdminInput {
            name: self.name.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            email: Some(self.email.clone()).filter(|e| !e.trim().is_empty()),
        }
    }
    /// What the form shows again: never the password.
    pub fn shown(mut self) -> Self {
        self.password.clear();
        self
    }
}

#[derive(Template)]
#[template(path = "provider_admins.html")]
struct AdminsPage {
    c: Chrome,
    admins: Vec<UserView>,
    /// The signed-in person's id: no buttons on their own row.
    me: String,
    form: AdminForm,
    /// The installation's two-factor policy for system and reseller administrators.
    two_factor: Option<bool>,
}

async fn admins_page(
    s: &WebState,
    session: &Session,
    form: AdminForm,
    alert: Option<(String, StatusCode)>,
    done: &Done,
) -> Response {
    let mut c = Chrome::signed_in(session, t(session.me.language, "pv_system_admins"), ADMINS);
    done.apply(&mut c);
    let admins = match s.app.list_system_admins(&session.actor).await {
        Ok(v) => v,
        Err(e) => return render(error_status(&e), &MessagePage { c, back: "/admin" }),
    };
    let two_factor = s
        .app
        .installation_two_factor_policy(&session.actor)
        .await
        .ok()
        .map(|p| p.required);
    let status = match alert {
        Some((text, status)) => {
            c.alert = Some(text);
            status
        }
        None => StatusCode::OK,
    };
    let form = form.shown();
    render(
        status,
        &AdminsPage {
            c,
            admins,
            me: session.actor.user_id.to_string(),
            form,
            two_factor,
        },
    )
}

pub async fn system_admins(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Response {
    match gate(&s, &headers, SYSTEM, ADMINS).await {
        Ok(session) => admins_page(&s, &session, AdminForm::default(), None, &done).await,
        Err(r) => r,
    }
}

pub async fn create_system_admin(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<AdminForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, ADMINS).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.create_system_admin(&session.actor, f.input()).await {
        Ok(_) => done(ADMINS, "admin_created"),
        Err(e) => {
            let alert = (error_text(session.me.language, &e), error_status(&e));
            admins_page(&s, &session, f, Some(alert), &Done::default()).await
        }
    }
}

/// Disable, enable or unlock another system administrator.
pub async fn system_admin_account(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AccountForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, ADMINS).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let list = s
        .app
        .list_system_admins(&session.actor)
        .await
        .unwrap_or_default();
    match account_action(&s, &session, &list, &id, &f.action).await {
        Ok(what) => done(ADMINS, what),
        Err(AppError::NotFound) => not_found(&session, ADMINS),
        Err(e) => {
            let alert = (error_text(session.me.language, &e), error_status(&e));
            admins_page(
                &s,
                &session,
                AdminForm::default(),
                Some(alert),
                &Done::default(),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PolicyForm {
    csrf: String,
    required: Option<String>,
}

pub async fn set_two_factor_policy(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<PolicyForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, SYSTEM, ADMINS).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let policy = sb_app::twofactor::TwoFactorPolicy {
        required: ticked(&f.required),
    };
    match s
        .app
        .set_installation_two_factor_policy(&session.actor, policy)
        .await
    {
        Ok(_) => done(ADMINS, "policy_saved"),
        Err(e) => {
            let alert = (error_text(session.me.language, &e), error_status(&e));
            admins_page(
                &s,
                &session,
                AdminForm::default(),
                Some(alert),
                &Done::default(),
            )
            .await
        }
    }
}

// ---- health ----------------------------------------------------------------------------------

pub const HEALTH: &str = "/admin/health";

#[derive(Template)]
#[template(path = "provider_health.html")]
struct HealthPage {
    c: Chrome,
    database: bool,
    mail_configured: bool,
    outbox: i64,
    registrations: u64,
    calls: u64,
    requests: u64,
}

/// The installation's health from the same figures as `/metrics`.
pub async fn health(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let session = match gate(&s, &headers, SYSTEM, HEALTH).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let c = Chrome::signed_in(&session, t(session.me.language, "pv_health"), HEALTH);
    match s.app.installation_health(&session.actor).await {
        Ok(h) => render(
            StatusCode::OK,
            &HealthPage {
                c,
                database: h.database,
                mail_configured: h.mail_configured,
                outbox: h.mail_outbox,
                registrations: s.registrations.load(Ordering::Relaxed),
                calls: s.calls.load(Ordering::Relaxed),
                requests: s.requests.load(Ordering::Relaxed),
            },
        ),
        Err(e) => {
            let alert = error_text(session.me.language, &e);
            render(
                error_status(&e),
                &MessagePage {
                    c: c.with_alert(alert),
                    back: "/admin",
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_in_units_and_cents_and_written_back_the_same() {
        assert_eq!(cents("p", "15").unwrap(), 1500);
        assert_eq!(cents("p", "15.5").unwrap(), 1550);
        assert_eq!(cents("p", " 15,05 ").unwrap(), 1505);
        assert_eq!(cents("p", "0.99").unwrap(), 99);
        for bad in [
            "",
            "-1",
            "1.234",
            "abc",
            ".5",
            "1e3",
            "99999999999999999999",
        ] {
            assert!(cents("p", bad).is_err(), "{bad}");
        }
        assert_eq!(price(1505), "15.05");
        assert_eq!(price(0), "0.00");
    }

    /// Keys built at run time, which the template test cannot see, exist in both languages.
    #[test]
    fn every_feature_has_its_text() {
        let features = sb_domain::model::Feature::ALL
            .iter()
            .map(|f| format!("pv_feature_{}", f.as_str()));
        for key in features {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(t(lang, &key), key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn a_refusal_names_the_field_at_fault_in_the_persons_language() {
        let e = AppError::invalid("invalid_time_zone", "time_zone", "Unknown.");
        assert_eq!(
            error_text(Language::Fr, &e),
            "Fuseau horaire : Ce fuseau horaire est inconnu ; utilisez un nom comme Europe/Paris."
        );
        let e = AppError::invalid("whatever", "inbound_secret", "Bad key.");
        assert_eq!(error_text(Language::En, &e), "Shared key: Bad key.");
        let e = AppError::conflict("reseller_has_companies", "x", None);
        assert!(error_text(Language::En, &e).starts_with("This reseller still has customers"));
    }

    #[test]
    fn only_done_texts_become_notices() {
        let keys = ["pv_done_customer_created", "pv_done_admin_created"];
        for k in keys {
            assert_ne!(t(Language::Fr, k), k);
        }
        assert_eq!(t(Language::En, "pv_done_nonsense"), "pv_done_nonsense");
    }
}
