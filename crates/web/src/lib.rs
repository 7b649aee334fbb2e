//! The portals, rendered on the server from askama templates (`templates/`, decision 12). They
//! call the same use cases as the REST API.
//!
//! Modules, one per area: `session` (cookies, who is signed in, CSRF), `layout` (what every page
//! shares), `signin` (sign-in, sign-out, first login), `admin` (administrators' pages), `my`
//! (the person's own pages), `reseller` (the reseller's customers), `provider` (resellers,
//! packages, trunks, system administrators, health), `company_profile` (a company's profile and
//! bill), `company_audit` (a company's activity audit and its CSV), `departments` (a company's
//! departments), `reports` (a company's scheduled reports, run now and run history), `users` (a
//! company's users: the list, adding
//! one, what a user's pages share), `user_profile` (a user's Profile tab and the routes of every tab), `calls` (a
//! user's Calls tab), `mailbox` (a user's Notifications and Voicemail tabs), `messages`
//! (a user's Messages & calls tab: voicemails, call log, CSV, and what the person's own call log
//! shares of it), `my_call_log` (the person's own call log: kinds, paging, CSV, the presence of
//! colleagues called), `my_inbox` (the person's inbox: their lines' voicemails, recordings and faxes and
//! their queues' group inboxes, played, downloaded, marked and deleted), `my_texts` (Send SMS: texts
//! to colleagues from one of the person's lines and the line's messages), `my_services` (the
//! person's Services: how their calls are routed with the explain panel, notifications,
//! voicemail's message settings and greeting, the voice-portal PIN, on their own lines only),
//! `my_profile` (My Profile: the person's details, language and default extension),
//! `my_conferences` (Conferencing: the meetings the person organises or is invited to, scheduling
//! one with colleagues and outside addresses, moving and cancelling their own),
//! `my_extension` (Choose your extension: the one this sign-in is for),
//! `my_passwords` (its password and passcode forms), `my_picture` (its picture: upload, answer,
//! removal), `my_contacts` (Contacts: favourites with presence, the company directory, own
//! contacts added, deleted, imported and exported), `device` (a user's Device tab:
//! lines, their registered devices and SIP credentials behind the password again), `lines` (a
//! company's lines: list, search, adding one; `lines::page` one line: user, caller ID, E911
//! address, reset line; `lines::numbers` a company's numbers and their lines and E911 addresses),
//! `callcentre` (a company's queues: settings, agents, music on hold; `callcentre::board` the
//! queues' live board and figures), `nav` (each role's places and the paths pages share), `conferences` (a company's conference bridge number and
//! scheduled meetings), `branding` (a reseller's or a company's product name, colours and logo,
//! and the stylesheet and logo every signed-in page loads), `upload` (the multipart bodies of the
//! greeting and logo forms), `security` (two-factor sign-in), `assets` (the stylesheet, htmx, the
//! portal's headers), `i18n` (every text in English and French), `zone` (a company's time zone:
//! times shown and days typed in it).

mod admin;
mod assets;
mod branding;
mod callcentre;
mod calls;
mod company_audit;
mod company_profile;
mod conferences;
mod departments;
mod device;
pub mod i18n;
mod layout;
mod lines;
mod mailbox;
mod messages;
mod my;
mod my_call_log;
mod my_calls;
mod my_click;
mod my_conferences;
mod my_contacts;
mod my_extension;
mod my_inbox;
mod my_passwords;
mod my_picture;
mod my_profile;
mod my_services;
mod my_texts;
mod nav;
mod provider;
mod reports;
mod reseller;
mod security;
mod session;
mod signin;
mod speed_dials;
pub mod upload;
mod user_profile;
mod users;
mod zone;

use axum::Router;
use axum::routing::{get, post};
use sb_app::App;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

pub use assets::CONTENT_SECURITY_POLICY;

/// What every portal handler is given: the use cases, which proxies to believe about the
/// client's address, and the figures the installation's health page shows (shared with
/// /metrics). Handlers and middleware clone it on every request, so it is one `Arc`.
#[derive(Clone)]
pub struct WebState(Arc<Shared>);

/// The parts of [`WebState`].
pub struct Shared {
    pub app: App,
    /// `--trusted-proxies`: whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<Vec<sb_http::IpNet>>,
    /// HTTP requests served, counted by the REST API's middleware for every request.
    pub requests: Arc<AtomicU64>,
    /// Registered SIP devices, kept current by the SIP front door.
    pub registrations: Arc<AtomicU64>,
    /// Calls in progress, kept current by the SIP engine.
    pub calls: Arc<AtomicU64>,
}

impl WebState {
    pub fn new(shared: Shared) -> Self {
        WebState(Arc::new(shared))
    }
}

impl std::ops::Deref for WebState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl sb_http::TrustedProxies for WebState {
    fn trusted_proxies(&self) -> &[sb_http::IpNet] {
        &self.trusted_proxies
    }
}

pub fn router(state: WebState) -> Router {
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
        .route("/admin/users", get(users::own))
        .route(
            "/admin/companies/{id}/users",
            get(users::list).post(users::create),
        )
        .route("/admin/companies/{id}/users/new", get(users::new_form))
        .route(
            "/admin/companies/{id}/users/{user}",
            get(user_profile::user_root),
        )
        .route(
            "/admin/companies/{id}/users/{user}/{tab}",
            get(user_profile::tab).post(user_profile::act),
        )
        .route(
            "/admin/companies/{id}/users/{user}/voicemails/{voicemail}",
            get(messages::audio),
        )
        .route(
            "/admin/companies/{id}/users/{user}/voicemail/greeting",
            get(mailbox::greeting).post(mailbox::upload).layer(
                // The one route that takes a file: the greeting's limit, not the forms'.
                axum::extract::DefaultBodyLimit::max(upload::MAX_FORM_BYTES),
            ),
        )
        .route("/my", get(my::home))
        .route("/my/queues/{id}/agent", post(my::queue_status))
        .route(my::LIVE_PATH, get(my::queues_live))
        .route("/my/presence", post(my_calls::presence))
        .route("/my/forward", post(my::forward))
        .route(my_call_log::PATH, get(my_call_log::page))
        .route(my_call_log::CSV_PATH, get(my_call_log::csv))
        .route(my_click::PATH, post(my_click::place))
        .route(my_inbox::PATH, get(my_inbox::page))
        .route("/my/inbox/{kind}/{id}/audio", get(my_inbox::audio))
        .route("/my/inbox/{kind}/{id}/document", get(my_inbox::document))
        .route("/my/inbox/{kind}/{id}/download", get(my_inbox::download))
        .route("/my/inbox/{kind}/{id}/heard", post(my_inbox::mark))
        .route("/my/inbox/{kind}/{id}/delete", post(my_inbox::delete))
        .route(my_texts::PATH, get(my_texts::page).post(my_texts::send))
        .route(my_services::PATH, get(my_services::page))
        .route(
            my_services::GREETING_PATH,
            get(my_services::greeting).post(my_services::upload).layer(
                // The person's own greeting form: the greeting's limit, as on the user's tab.
                axum::extract::DefaultBodyLimit::max(upload::MAX_FORM_BYTES),
            ),
        )
        .route("/my/services/{action}", post(my_services::act))
        .route(
            speed_dials::PATH,
            get(speed_dials::page).post(speed_dials::add),
        )
        .route("/my/speed-dials/{code}/remove", post(speed_dials::remove))
        .route(security::PATH, get(security::show))
        .route("/my/security/enrol", post(security::enrol))
        .route("/my/security/confirm", post(security::confirm))
        .route("/my/security/off", post(security::turn_off))
        // The reseller's customers and the provider's pages.
        .merge(my_profile::routes())
        .merge(my_extension::routes())
        .merge(my_conferences::routes())
        .merge(my_passwords::routes())
        .merge(my_picture::routes())
        .merge(my_contacts::routes())
        .merge(reseller::routes())
        .merge(provider::routes())
        .merge(company_profile::routes())
        .merge(departments::routes())
        .merge(company_audit::routes())
        .merge(lines::routes())
        .merge(callcentre::routes())
        .merge(conferences::routes())
        .merge(reports::routes())
        .merge(branding::routes())
        .route(assets::CSS_PATH, get(assets::css))
        .route(assets::HTMX_PATH, get(assets::htmx))
        // Forms are small: the same limit as the API's JSON bodies (issue 14, finding 6).
        .layer(axum::extract::DefaultBodyLimit::max(sb_http::MAX_BODY))
        .layer(axum::middleware::from_fn(assets::portal_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::source_address,
        ))
        .with_state(state)
}
