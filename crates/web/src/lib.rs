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
mod company_profile;
mod departments;
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
        .route("/my", get(my::home))
        .route("/my/queues/{id}/agent", post(my::queue_status))
        .route(security::PATH, get(security::show))
        .route("/my/security/enrol", post(security::enrol))
        .route("/my/security/confirm", post(security::confirm))
        .route("/my/security/off", post(security::turn_off))
        // The reseller's customers and the provider's pages.
        .merge(reseller::routes())
        .merge(provider::routes())
        .merge(company_profile::routes())
        .merge(departments::routes())
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::HTMX_PATH, get(assets::htmx))
        // Forms are small: the same limit as the API's JSON bodies (issue 14, finding 6).
        .layer(axum::extract::DefaultBodyLimit::max(sb_api::MAX_BODY))
        .layer(axum::middleware::from_fn(assets::portal_headers))
        .with_state(state)
}
