//! Switchboard's REST API: `/api/v1/...`, `/healthz`, `/metrics` and the OpenAPI document.

pub mod branding;
pub mod error;
pub mod extract;
pub mod handlers;
mod openapi;
pub mod routes;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use sb_app::App;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use openapi::openapi_json;

/// The largest JSON body the API reads (413 above).
pub use sb_http::MAX_BODY;

/// State shared by every handler. Handlers, extractors and middleware clone it on every
/// request, so it is one `Arc` (as the portals' `WebState` is).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
pub struct Shared {
    pub app: App,
    pub requests: Arc<AtomicU64>,
    pub started_ms: i64,
    pub pages: PageCache,
    /// Registered SIP devices, kept current by the SIP front door.
    pub registrations: Arc<AtomicU64>,
    /// Calls in progress, kept current by the SIP engine.
    pub calls: Arc<AtomicU64>,
    /// Reverse proxies whose `X-Forwarded-For` tells the client's address (`--trusted-proxies`).
    pub trusted_proxies: Arc<Vec<extract::IpNet>>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl sb_http::TrustedProxies for AppState {
    fn trusted_proxies(&self) -> &[extract::IpNet] {
        &self.trusted_proxies
    }
}

impl AppState {
    pub fn new(app: App, started_ms: i64, trusted_proxies: Vec<extract::IpNet>) -> Self {
        AppState(Arc::new(Shared {
            app,
            requests: Arc::new(AtomicU64::new(0)),
            started_ms,
            pages: PageCache::default(),
            registrations: Arc::default(),
            calls: Arc::default(),
            trusted_proxies: Arc::new(trusted_proxies),
        }))
    }
}

/// Serialized answers of the user lists that portals read all day, reused while the store's
/// account epoch is unchanged (no user was written through this process since) and for at most
/// [`PageCache::TTL_MS`], which bounds how long a change made on another node of a cluster can go
/// unseen. Permission is checked on every request before the cache is consulted.
#[derive(Default)]
pub struct PageCache {
    map: parking_lot::Mutex<std::collections::HashMap<String, (u64, i64, axum::body::Bytes)>>,
}

impl PageCache {
    pub const TTL_MS: i64 = 2_000;
    const MAX: usize = 10_000;

    pub fn get(&self, key: &str, epoch: u64, now: i64) -> Option<axum::body::Bytes> {
        let map = self.map.lock();
        let (e, at, body) = map.get(key)?;
        (*e == epoch && now - *at < Self::TTL_MS).then(|| body.clone())
    }

    pub fn put(&self, key: String, epoch: u64, now: i64, body: axum::body::Bytes) {
        let mut map = self.map.lock();
        if map.len() >= Self::MAX {
            map.retain(|_, (e, at, _)| *e == epoch && now - *at < Self::TTL_MS);
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        map.insert(key, (epoch, now, body));
    }
}

/// The API router: every route of the table, plus health, metrics and the document.
pub fn router(state: AppState) -> Router {
    let mut r: Router<AppState> = Router::new();
    for route in routes::routes() {
        r = r.route(route.path, (route.handler)());
    }
    let doc = openapi_json();
    r.route(
        "/api/v1/openapi.json",
        get(move || async move { ([("content-type", "application/json")], doc.clone()) }),
    )
    .route("/healthz", get(healthz))
    .route("/metrics", get(metrics))
    .fallback_service(Router::new().fallback(not_found).with_state(()))
    .layer(axum::middleware::from_fn_with_state(state.clone(), count))
    .layer(DefaultBodyLimit::max(MAX_BODY))
    .with_state(state)
}

/// The content security policy of every answer: nothing but this server's own stylesheet and
/// forms; no script, no inline style, no framing (the portal has no script and no inline style).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every answer, the API's and the portal's (issue 14). `https`:
/// whether the public URL is HTTPS, which adds Strict-Transport-Security.
pub async fn security_headers(
    State(https): State<bool>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set("content-security-policy", CONTENT_SECURITY_POLICY);
    set("x-frame-options", "DENY");
    set("x-content-type-options", "nosniff");
    // First-login and reset links carry their token in the URL: never pass it on.
    set("referrer-policy", "no-referrer");
    set("cross-origin-opener-policy", "same-origin");
    if https {
        set("strict-transport-security", "max-age=31536000");
    }
    res
}

async fn count(
    State(s): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    s.requests.fetch_add(1, Ordering::Relaxed);
    next.run(req).await
}

async fn not_found() -> error::ApiError {
    error::ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no such page or route.",
        None,
    )
}

async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    let db = s.app.healthy().await;
    let outbox = s.app.outbox_depth().await.unwrap_or(-1);
    let body = serde_json::json!({
        "status": if db { "ok" } else { "unavailable" },
        "database": db,
        "mail": if s.app.config().smtp_configured { "configured" } else { "not configured: mail waits in the outbox" },
        "mail_outbox": outbox,
        "version": env!("CARGO_PKG_VERSION"),
    });
    (
        if db {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(body),
    )
}

async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    let outbox = s.app.outbox_depth().await.unwrap_or(-1);
    let text = format!(
        "# HELP switchboard_http_requests_total HTTP requests served.\n# TYPE switchboard_http_requests_total counter\nswitchboard_http_requests_total {}\n\
         # HELP switchboard_mail_outbox_depth Mails waiting to be sent.\n# TYPE switchboard_mail_outbox_depth gauge\nswitchboard_mail_outbox_depth {outbox}\n\
         # HELP switchboard_sip_registrations Current SIP registrations.\n# TYPE switchboard_sip_registrations gauge\nswitchboard_sip_registrations {}\n\
         # HELP switchboard_active_calls Calls in progress.\n# TYPE switchboard_active_calls gauge\nswitchboard_active_calls {}\n",
        s.requests.load(Ordering::Relaxed),
        s.registrations.load(Ordering::Relaxed),
        s.calls.load(Ordering::Relaxed)
    );
    ([("content-type", "text/plain; version=0.0.4")], text)
}
