//! Request extractors: the signed-in actor, JSON bodies and list paging, each mapping its
//! failures to the documented error answers.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use sb_app::{Actor, AppError};
use serde::de::DeserializeOwned;

pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 50;

pub use sb_http::{ClientIp, IpNet, client_ip, parse_trusted_proxies};

/// The client's address as text, for the use cases (see [`client_ip`]).
pub fn source_ip(parts: &Parts, state: &AppState) -> Option<String> {
    sb_http::source_ip(parts, &state.trusted_proxies)
}

/// The bearer token of a request's Authorization header. (The portals use their own session
/// cookie, read by the web crate; the API takes only the header, so no cross-site form can call it.)
pub fn bearer(parts: &Parts) -> Option<String> {
    if let Some(v) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return v.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    None
}

/// The signed-in actor and the token it came with.
pub struct Auth {
    pub actor: Actor,
    pub token: String,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(AppError::Unauthenticated)?;
        let ip = source_ip(parts, state);
        let actor = state.app.authenticate(&token, ip.as_deref()).await?;
        // A token restricted to two-factor enrolment opens only the routes that take
        // [`EnrolAuth`]: a new route is closed to it unless it says otherwise.
        sb_app::authz::full_session(&actor)?;
        Ok(Auth { actor, token })
    }
}

/// The signed-in actor, whose token may be one restricted to two-factor enrolment (a policy
/// covers the user, who has no second factor yet): only enrolment and sign-out take it.
pub struct EnrolAuth(pub Auth);

impl FromRequestParts<AppState> for EnrolAuth {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or(AppError::Unauthenticated)?;
        let ip = source_ip(parts, state);
        let actor = state.app.authenticate(&token, ip.as_deref()).await?;
        Ok(EnrolAuth(Auth { actor, token }))
    }
}

/// A JSON body whose failures answer 400, 413, 415 or 422 with the error body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Body(v))
    }
}

/// `?limit=&cursor=` of list routes.
pub struct Paging(pub sb_domain::query::Page);

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        page_from(parts).map(Paging)
    }
}

/// Reads `?limit=&cursor=`: limit 1 to 500 (default 50), cursor as given by a previous page.
pub fn page_from(parts: &Parts) -> Result<sb_domain::query::Page, ApiError> {
    {
        let q = query_pairs(parts);
        let limit = match q.iter().find(|(k, _)| k == "limit") {
            None => DEFAULT_LIMIT,
            Some((_, v)) => match v.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(AppError::invalid(
                        "invalid_limit",
                        "limit",
                        format!("limit is a number from 1 to {MAX_LIMIT}."),
                    )
                    .into());
                }
            },
        };
        let after = match q.into_iter().find(|(k, _)| k == "cursor") {
            None => None,
            Some((_, v)) if sb_domain::ids::looks_like_id(&v) => Some(v),
            Some(_) => {
                return Err(AppError::invalid(
                    "invalid_cursor",
                    "cursor",
                    "This cursor does not come from a list answer.",
                )
                .into());
            }
        };
        Ok(sb_domain::query::Page { after, limit })
    }
}

/// The decoded query pairs of a request.
pub fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    pairs_of(parts.uri.query().unwrap_or(""))
}

/// The decoded name/value pairs of a query string.
pub fn pairs_of(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decoding of a query component (`+` is a space).
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 3 <= b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
