//! Who is signed in, the cookies that say so, and the CSRF check every state change passes.
//!
//! The session cookie holds the same kind of token the API hands out. CSRF is a double submit: a
//! random `sb_csrf` cookie and the same value in the form's `csrf` field, or, for htmx requests,
//! in the `X-CSRF-Token` header the layout sets through `hx-headers`.

use crate::WebState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::Actor;
use sb_app::person::PersonView;
use sb_domain::model::{Language, Role};

pub const SESSION: &str = "sb_session";
pub const CSRF: &str = "sb_csrf";
/// The header htmx requests carry the CSRF token in (set on `<body>` by the layout).
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

pub fn new_csrf() -> String {
    sb_app::secrets::new_token()
}

/// The language of a page before sign-in: `?lang=`, else Accept-Language, else English.
pub fn guest_lang(headers: &HeaderMap, q: Option<&str>) -> Language {
    if let Some(l) = q.and_then(Language::from_text) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().starts_with("fr") {
        Language::Fr
    } else {
        Language::En
    }
}

/// Cookie attributes: never readable by scripts, never sent from other sites, and only over
/// HTTPS when the portal is served over HTTPS.
fn cookie_attrs(s: &WebState) -> &'static str {
    if s.app.config().public_url.starts_with("https://") {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

/// Adds a `Set-Cookie`; an empty value removes the cookie.
pub fn set_cookie(s: &WebState, mut res: Response, name: &str, value: &str) -> Response {
    let expiry = if value.is_empty() { "; Max-Age=0" } else { "" };
    let line = format!("{name}={value}; {}{expiry}", cookie_attrs(s));
    if let Ok(v) = HeaderValue::from_str(&line) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The token a form or an htmx request sent matches the cookie, compared in constant time.
pub fn csrf_ok(headers: &HeaderMap, form_value: &str) -> bool {
    let sent = if form_value.is_empty() {
        headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    } else {
        form_value
    };
    match cookie(headers, CSRF) {
        Some(c) => {
            !c.is_empty()
                && c.len() == sent.len()
                && c.bytes()
                    .zip(sent.bytes())
                    .fold(0u8, |a, (x, y)| a | (x ^ y))
                    == 0
        }
        None => false,
    }
}

pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::EndUser => "/my",
        _ => "/admin",
    }
}

/// The session behind the cookie, restricted to enrolment or not.
pub async fn any_actor(s: &WebState, headers: &HeaderMap) -> Option<Actor> {
    let token = cookie(headers, SESSION)?;
    let ip = headers.get(SOURCE).and_then(|v| v.to_str().ok());
    s.app.authenticate(&token, ip).await.ok()
}

/// Where the portal keeps a request's source address (the peer, or the client a trusted proxy
/// names), so that changes made from a page are audited with it like the API's. Whatever a
/// client sends under this name is removed first ([`source_address`]).
const SOURCE: &str = "x-switchboard-source-address";

/// Puts the request's source address where [`any_actor`] reads it.
pub async fn source_address(
    axum::extract::State(s): axum::extract::State<WebState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    parts.headers.remove(SOURCE);
    if let Some(ip) = sb_http::source_ip(&parts, &s.trusted_proxies)
        .and_then(|ip| axum::http::HeaderValue::from_str(&ip).ok())
    {
        parts.headers.insert(SOURCE, ip);
    }
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// A signed-in person on a portal page, with what the layout shows of them.
pub struct Session {
    pub actor: Actor,
    pub me: PersonView,
    pub csrf: String,
}

/// The signed-in person for a page, or where to send them instead: sign-in without a session,
/// two-factor enrolment when a policy restricts the session to that.
pub async fn signed_in(s: &WebState, headers: &HeaderMap) -> Result<Session, Response> {
    let session = any_session(s, headers).await?;
    if session.actor.enrol_only {
        return Err(Redirect::to(crate::nav::SECURITY).into_response());
    }
    Ok(session)
}

/// Where someone without a session goes: the sign-in page. An htmx request (a live board
/// polling, a partial form) would follow a redirect and put the sign-in page inside the part it
/// replaces; it is told to load the sign-in page as a whole instead (`HX-Redirect`).
fn to_sign_in(headers: &HeaderMap) -> Response {
    if headers.get("hx-request").is_some_and(|v| v == "true") {
        return ([("hx-redirect", "/")], "").into_response();
    }
    Redirect::to("/").into_response()
}

/// Like [`signed_in`], but a session restricted to enrolment is accepted (the security page).
pub async fn any_session(s: &WebState, headers: &HeaderMap) -> Result<Session, Response> {
    let to_sign_in = || to_sign_in(headers);
    let actor = any_actor(s, headers).await.ok_or_else(to_sign_in)?;
    let me = s.app.person(&actor).await.map_err(|_| to_sign_in())?;
    let csrf = cookie(headers, CSRF).unwrap_or_else(new_csrf);
    Ok(Session { actor, me, csrf })
}

/// Who sends a state-changing form: its CSRF token checked first (403 otherwise), then the
/// session as [`signed_in`] gives it, or as [`any_session`] when `enrolling` (the security page,
/// which a session restricted to enrolment may use).
pub async fn changing(
    s: &WebState,
    headers: &HeaderMap,
    csrf: &str,
    enrolling: bool,
) -> Result<Session, Response> {
    if !csrf_ok(headers, csrf) {
        return Err((StatusCode::FORBIDDEN, "CSRF").into_response());
    }
    if enrolling {
        any_session(s, headers).await
    } else {
        signed_in(s, headers).await
    }
}

/// A path of this site to go back to after a form; anything else is the home page.
pub fn local_path(back: &str) -> &str {
    let local = back.starts_with('/') && !back.starts_with("//") && !back.contains('\\');
    if local { back } else { "/" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_is_taken_from_the_form_else_from_the_htmx_header() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("sb_csrf=abc"));
        assert!(csrf_ok(&h, "abc"));
        assert!(!csrf_ok(&h, "abd"));
        assert!(!csrf_ok(&h, ""), "neither form value nor header");
        h.insert(CSRF_HEADER, HeaderValue::from_static("abc"));
        assert!(csrf_ok(&h, ""));
        assert!(
            !csrf_ok(&h, "xyz"),
            "a wrong form value is not rescued by the header"
        );
    }

    #[test]
    fn only_local_paths_are_followed_back() {
        assert_eq!(local_path("/my"), "/my");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
    }
}
