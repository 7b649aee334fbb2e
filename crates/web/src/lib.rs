//! The portals, rendered on the server from askama templates (`templates/`, decision 12). They
//! call the same use cases as the REST API.
//!
//! Modules, one per area: `session` (cookies, who is signed in, CSRF), `layout` (what every page
//! shares), `signin` (sign-in, sign-out, first login), `admin` (administrators' pages), `my`
//! (the person's own pages), `reseller` (the reseller's customers), `provider` (resellers,
//! packages, trunks, system administrators, health), `security` (two-factor sign-in), `assets` (the stylesheet, htmx, the portal's headers), `i18n` (every
//! text in English and French).

mod admin;
mod assets;
pub mod i18n;
mod layout;
mod my;
mod provider;
mod reseller;
mod security;
mod session;
mod signin;

use axum::Router;
use axum::routing::{get, post};
use sb_api::AppState;

pub use assets::CONTENT_SECURITY_POLICY;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(signin::sign_in_page))
        .route("/login", post(signin::sign_in))
        .route("/logout", post(signin::sign_out))
        .route(
            "/first-login",
            get(signin::first_login_page).post(signin::first_login),
        )
        .route("/language", post(my::language))
        .route("/admin", get(admin::home))
        .route("/admin/companies/{id}", get(admin::company))
        // The reseller's customers and the provider's pages (reseller.rs, provider/).
        .route(
            "/admin/customers",
            get(reseller::list).post(reseller::create),
        )
        .route("/admin/customers/{id}", get(reseller::show))
        .route(
            "/admin/customers/{id}/subscription",
            post(reseller::set_subscription),
        )
        .route(
            "/admin/customers/{id}/packages",
            post(reseller::set_packages),
        )
        .route("/admin/customers/{id}/barring", post(reseller::set_barring))
        .route(
            "/admin/resellers",
            get(provider::resellers::list).post(provider::resellers::create),
        )
        .route(
            "/admin/resellers/{id}",
            get(provider::resellers::show).post(provider::resellers::rename),
        )
        .route(
            "/admin/resellers/{id}/admins",
            post(provider::resellers::create_admin),
        )
        .route(
            "/admin/resellers/{id}/admins/{user}",
            post(provider::resellers::admin_account),
        )
        .route(
            "/admin/resellers/{id}/delete",
            post(provider::resellers::delete),
        )
        .route(
            "/admin/packages",
            get(provider::packages::list).post(provider::packages::create),
        )
        .route(
            "/admin/packages/{id}",
            get(provider::packages::show).post(provider::packages::update),
        )
        .route(
            "/admin/packages/{id}/delete",
            post(provider::packages::delete),
        )
        .route(
            "/admin/trunks",
            get(provider::trunks::list).post(provider::trunks::create),
        )
        .route(
            "/admin/trunks/{id}",
            get(provider::trunks::show).post(provider::trunks::update),
        )
        .route("/admin/trunks/{id}/delete", post(provider::trunks::delete))
        .route(
            provider::ADMINS,
            get(provider::system_admins).post(provider::create_system_admin),
        )
        .route(
            "/admin/system-admins/{id}",
            post(provider::system_admin_account),
        )
        .route(
            "/admin/two-factor-policy",
            post(provider::set_two_factor_policy),
        )
        .route(provider::HEALTH, get(provider::health))
        .route(provider::audit::PATH, get(provider::audit::show))
        .route("/my", get(my::home))
        .route("/my/queues/{id}/agent", post(my::queue_status))
        .route(security::PATH, get(security::show))
        .route("/my/security/enrol", post(security::enrol))
        .route("/my/security/confirm", post(security::confirm))
        .route("/my/security/off", post(security::turn_off))
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::HTMX_PATH, get(assets::htmx))
        // Forms are small: the same limit as the API's JSON bodies (issue 14, finding 6).
        .layer(axum::extract::DefaultBodyLimit::max(sb_api::MAX_BODY))
        .layer(axum::middleware::from_fn(assets::portal_headers))
        .with_state(state)
}
