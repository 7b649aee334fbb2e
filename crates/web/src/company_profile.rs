//! The company profile for its administrators, and for a reseller or the provider
//! acting for the company: the company itself (name, country, time zone, languages), the
//! virtual assistant who signs the company's mail with the administrator's phone number, and the
//! telephony provider's and PBX provisioning credentials, which are written and never shown, the
//! packages its users may have (Offer / Default boxes) and who is e-mailed of emergency calls.
//! Each form saved on its own, so a refusal in one changes nothing of the others.

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{Pairs, alerted, failed, gate, gate_form, not_found, own_company_page};
use crate::reseller::{PackageRow, package_rows};
use crate::session::Session;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::mail_access::{MailAccessInput, MailSecurity};
use sb_app::profile::{CompanyProfileInput, CompanyProfileView, Credentials};
use sb_app::views::{CompanyPatch, CompanyView, EmergencySettingsDoc, OfferedPackagesInput};
use sb_domain::model::{Language, Role};
use serde::Deserialize;

const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/company-profile", get(own))
        .route("/admin/companies/{id}/profile", get(show))
        .route("/admin/companies/{id}/profile/company", post(save_company))
        .route(
            "/admin/companies/{id}/profile/assistant",
            post(save_assistant),
        )
        .route(
            "/admin/companies/{id}/profile/credentials",
            post(save_credentials),
        )
        .route("/admin/companies/{id}/profile/mail", post(save_mail_access))
        .route("/admin/companies/{id}/bill", get(bill_form).post(show_bill))
        .route(
            "/admin/companies/{id}/profile/packages",
            post(save_packages),
        )
        .route(
            "/admin/companies/{id}/profile/emergency",
            post(save_emergency),
        )
}

#[derive(Template)]
#[template(path = "company_bill.html")]
struct BillPage {
    c: Chrome,
    id: String,
    /// The bill, once the password was given again.
    bill: Option<sb_app::views::BillView>,
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

impl BillPage {
    fn money(&self, cents: &i64) -> String {
        money(*cents)
    }
}

fn bill_path(id: &str) -> String {
    format!("/admin/companies/{id}/bill")
}

/// The company bill asks for the password again first.
pub async fn bill_form(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let session = match gate(&s, &headers, ADMINS, &bill_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // Only someone who may see the bill gets the form (another tenant's: not found).
    if let Err(e) = s.app.get_company(&session.actor, &id).await {
        return match e {
            AppError::NotFound => not_found(&session, &bill_path(&id)),
            e => page(&s, &session, &id, Some(&e), false).await,
        };
    }
    let c = Chrome::signed_in(&session, t(session.me.language, "cp_bill"), &bill_path(&id));
    render(StatusCode::OK, &BillPage { c, id, bill: None })
}

/// The bill, shown with a short-lived elevated session from the password just given; a wrong
/// password shows the form again and no bill.
pub async fn show_bill(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<crate::security::PasswordForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &bill_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lang = session.me.language;
    let code = f.code.as_deref();
    let result = crate::security::elevated(&s, &session.actor, &f.password, code, async |a| {
        s.app.company_bill(a, &id).await
    })
    .await;
    let c = Chrome::signed_in(&session, t(lang, "cp_bill"), &bill_path(&id));
    match result {
        Ok(bill) => render(
            StatusCode::OK,
            &BillPage {
                c,
                id,
                bill: Some(bill),
            },
        ),
        Err(AppError::NotFound) => not_found(&session, &bill_path(&id)),
        Err(e) => {
            let (key, status) = crate::security::refused(&e);
            let c = c.with_alert(t(lang, key));
            render(status, &BillPage { c, id, bill: None })
        }
    }
}

fn here(id: &str) -> String {
    format!("/admin/companies/{id}/profile")
}

#[derive(Template)]
#[template(path = "company_profile.html")]
struct ProfilePage {
    c: Chrome,
    co: CompanyView,
    profile: CompanyProfileView,
    packages: Vec<PackageRow>,
    packages_action: String,
    /// The emergency-call recipients, one per line as the form edits them.
    recipients: String,
    /// Shown when someone else than the company's own administrator acts for it.
    acting_for: Option<String>,
    /// The mail access form's values (never its password).
    mail_host: String,
    mail_port: String,
    mail_security: String,
    mail_username: String,
}

impl ProfilePage {
    fn second_is(&self, code: &str) -> bool {
        self.co.second_language.map(Language::as_str).unwrap_or("") == code
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

async fn page(
    s: &WebState,
    session: &Session,
    id: &str,
    alert: Option<&AppError>,
    saved: bool,
) -> Response {
    let lang = session.me.language;
    let path = here(id);
    let loaded = match s.app.get_company(&session.actor, id).await {
        Ok(co) => s
            .app
            .company_profile(&session.actor, id)
            .await
            .map(|p| (co, p)),
        Err(e) => Err(e),
    };
    let (co, profile) = match loaded {
        Ok(v) => v,
        Err(AppError::NotFound) => return not_found(session, &path),
        Err(e) => return failed(Chrome::signed_in(session, t(lang, "cp_title"), &path), &e),
    };
    let mut c = Chrome::signed_in(session, t(lang, "cp_title"), &path);
    let status = alerted(&mut c, alert);
    if saved && alert.is_none() {
        c.info = Some(t(lang, "cp_saved").to_owned());
    }
    let own = session.me.company.as_ref().map(|x| x.id.as_str()) == Some(co.id.as_str());
    let acting_for = (!own).then(|| co.name.clone());
    let packages = package_rows(
        s.app
            .offerable_packages(&session.actor, id)
            .await
            .unwrap_or_default(),
    );
    let recipients = s
        .app
        .emergency_settings(&session.actor, id)
        .await
        .map(|d| d.recipients.join("\n"))
        .unwrap_or_default();
    let m = profile.mail_access.as_ref();
    render(
        status,
        &ProfilePage {
            mail_host: m.map(|m| m.host.clone()).unwrap_or_default(),
            mail_port: m.map(|m| m.port.to_string()).unwrap_or_default(),
            mail_security: m.map_or("starttls".into(), |m| m.security.clone()),
            mail_username: m.and_then(|m| m.username.clone()).unwrap_or_default(),
            c,
            packages,
            packages_action: format!("{path}/packages"),
            recipients,
            co,
            profile,
            acting_for,
        },
    )
}

/// A company administrator's own company profile.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/company-profile", "profile").await
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> Response {
    match gate(&s, &headers, ADMINS, &here(&id)).await {
        Ok(session) => page(&s, &session, &id, None, q.saved == "1").await,
        Err(r) => r,
    }
}

/// After a form: the page again with its notice, or with the refusal (nothing saved).
async fn outcome<T>(
    s: &WebState,
    session: &Session,
    id: &str,
    result: Result<T, AppError>,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("{}?saved=1", here(id))).into_response(),
        Err(e) => page(s, session, id, Some(&e), false).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompanyForm {
    csrf: String,
    name: String,
    country: String,
    time_zone: String,
    first_language: String,
    second_language: String,
}

fn language(field: &str, code: &str) -> Result<Language, AppError> {
    Language::from_text(code)
        .ok_or_else(|| AppError::invalid("unknown_language", field, "Choose a listed language."))
}

pub async fn save_company(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CompanyForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        let second = match f.second_language.as_str() {
            "" => None,
            code => Some(language("second_language", code)?),
        };
        let patch = CompanyPatch {
            name: Some(f.name.clone()),
            country: Some(f.country.trim().to_uppercase()),
            time_zone: Some(f.time_zone.trim().to_owned()),
            first_language: Some(language("first_language", &f.first_language)?),
            second_language: Some(second),
        };
        s.app.update_company(&session.actor, &id, patch).await
    }
    .await;
    outcome(&s, &session, &id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssistantForm {
    csrf: String,
    assistant_name: String,
    assistant_email: String,
    admin_phone: String,
}

pub async fn save_assistant(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AssistantForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    // An emptied field clears the value.
    let input = CompanyProfileInput {
        assistant_name: Some(Some(f.assistant_name)),
        assistant_email: Some(Some(f.assistant_email)),
        admin_phone: Some(Some(f.admin_phone)),
        ..CompanyProfileInput::default()
    };
    let result = s.app.set_company_profile(&session.actor, &id, input).await;
    outcome(&s, &session, &id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CredentialsForm {
    csrf: String,
    provider_username: String,
    provider_password: String,
    provider_clear: Option<String>,
    pbx_username: String,
    pbx_password: String,
    pbx_clear: Option<String>,
}

/// One system's credentials as the form changes them: cleared when ticked, replaced when both
/// fields are filled, kept when both are empty.
fn credentials_change(
    clear: bool,
    username: String,
    password: String,
) -> Option<Option<Credentials>> {
    if clear {
        Some(None)
    } else if username.is_empty() && password.is_empty() {
        None
    } else {
        Some(Some(Credentials { username, password }))
    }
}

pub async fn save_credentials(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CredentialsForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let input = CompanyProfileInput {
        provider_credentials: credentials_change(
            f.provider_clear.is_some(),
            f.provider_username,
            f.provider_password,
        ),
        pbx_credentials: credentials_change(f.pbx_clear.is_some(), f.pbx_username, f.pbx_password),
        ..CompanyProfileInput::default()
    };
    let result = s.app.set_company_profile(&session.actor, &id, input).await;
    outcome(&s, &session, &id, result).await
}

/// The Offer / Default boxes: the packages the company's users may have, and new users' one.
pub async fn save_packages(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &here(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let input = OfferedPackagesInput {
        offered: f.all("offer"),
        default: Some(f.get("default").to_owned()).filter(|d| !d.is_empty()),
    };
    let result = s.app.set_offered_packages(&session.actor, &id, input).await;
    outcome(&s, &session, &id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmergencyForm {
    csrf: String,
    recipients: String,
}

/// Who is e-mailed when someone of the company dials an emergency number: one address per line.
pub async fn save_emergency(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<EmergencyForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let doc = EmergencySettingsDoc {
        recipients: f
            .recipients
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let result = s.app.set_emergency_settings(&session.actor, &id, doc).await;
    outcome(&s, &session, &id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MailAccessForm {
    csrf: String,
    mail_host: String,
    mail_port: String,
    mail_security: String,
    mail_username: String,
    mail_password: String,
    mail_clear: Option<String>,
}

fn mail_access_change(f: MailAccessForm) -> Result<Option<MailAccessInput>, AppError> {
    if f.mail_clear.is_some() {
        return Ok(None);
    }
    let invalid = |m: &str| AppError::invalid("invalid_mail_access", "mail_access", m);
    let port = f
        .mail_port
        .trim()
        .parse::<u16>()
        .map_err(|_| invalid("The port is 1 to 65535."))?;
    let security = match f.mail_security.as_str() {
        "starttls" => MailSecurity::Starttls,
        "tls" => MailSecurity::Tls,
        "none" => MailSecurity::None,
        _ => return Err(invalid("Choose a listed security.")),
    };
    let some = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    Ok(Some(MailAccessInput {
        host: f.mail_host,
        port,
        security,
        username: some(f.mail_username),
        password: some(f.mail_password),
    }))
}

/// The mail access form: tried by a real connection before anything is saved; a refusal is
/// shown as the page's alert and nothing changes.
pub async fn save_mail_access(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<MailAccessForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = match mail_access_change(f) {
        Ok(change) => {
            let input = CompanyProfileInput {
                mail_access: Some(change),
                ..CompanyProfileInput::default()
            };
            s.app.set_company_profile(&session.actor, &id, input).await
        }
        Err(e) => Err(e),
    };
    outcome(&s, &session, &id, result).await
}
