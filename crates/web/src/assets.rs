//! The portal's own files, compiled into the binary, and the headers of every portal answer.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub const CSS_PATH: &str = "/static/app.css";
/// htmx from npm, version in the file name so that it can be cached for a year (decision 12).
pub const HTMX_PATH: &str = "/static/htmx-4.0.1.min.js";

/// Only this server's own scripts, styles and forms; images may also be `data:` (the two-factor
/// QR code). No inline script or style anywhere, so no `unsafe-inline`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; \
     form-action 'self'";

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}

pub async fn htmx() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        include_str!("../static/htmx-4.0.1.min.js"),
    )
}

/// The portal's policy replaces the API's stricter one (which allows no script at all); the
/// server adds the other security headers to every answer.
pub async fn portal_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // An answer with a stricter policy of its own (a logo) keeps it.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}
