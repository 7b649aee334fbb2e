//! Registration to carriers: a trunk with `register` set is kept registered with its
//! credentials (RFC 3261 section 10), so the carrier knows where to send the company's calls.
//! Each trunk is refreshed at half its granted expiry; a changed trunk (address or
//! credentials) registers again at once; a failure is retried a minute later.

use crate::client::{self, Client};
use crate::ids::token;
use sb_app::AppResult;
use sb_app::trunks::Trunk;
use sb_sip::Message;
use sb_sip::digest;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

#[cfg(test)]
mod tests;

/// What registering to carriers asks of the rest of Switchboard: sending REGISTERs (as client
/// transactions, from our own address) and the trunks as the business layer has them now.
/// [`Engine`](crate::Engine) is the real one.
pub(crate) trait Carriers: Client {
    /// Every trunk (`App::trunks_for_engine`); those with `register` set are kept registered.
    fn trunks(&self) -> impl Future<Output = AppResult<Arc<Vec<Trunk>>>> + Send;
}

impl Carriers for crate::Engine {
    fn trunks(&self) -> impl Future<Output = AppResult<Arc<Vec<Trunk>>>> + Send {
        self.app.trunks_for_engine()
    }
}

/// What Switchboard asks carriers for.
const EXPIRES: u32 = 600;

struct State {
    /// address, username, password: a change means registering again.
    signature: String,
    due: Instant,
}

pub async fn keep_registered<C: Carriers>(engine: Arc<C>) {
    let mut state: HashMap<String, State> = HashMap::new();
    loop {
        let trunks = engine.trunks().await.unwrap_or_default();
        let wanted: Vec<&Trunk> = trunks.iter().filter(|t| t.register).collect();
        state.retain(|id, _| wanted.iter().any(|t| t.id.as_str() == id));
        for t in wanted {
            let signature = format!(
                "{}|{}|{}",
                t.address,
                t.username.as_deref().unwrap_or(""),
                t.password.as_deref().unwrap_or("")
            );
            let due = state
                .get(t.id.as_str())
                .is_none_or(|s| s.signature != signature || s.due <= Instant::now());
            if !due {
                continue;
            }
            let next = match register(engine.as_ref(), t).await {
                Some(granted) => {
                    tracing::info!(trunk = %t.name, expires = granted, "registered to the carrier");
                    Duration::from_secs(u64::from(granted.max(60) / 2))
                }
                None => {
                    tracing::warn!(trunk = %t.name, "carrier registration failed; retrying in a minute");
                    Duration::from_secs(60)
                }
            };
            state.insert(
                t.id.to_string(),
                State {
                    signature,
                    due: Instant::now() + next,
                },
            );
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// One registration, answering one digest challenge; the expiry granted on success.
async fn register<C: Carriers>(engine: &C, t: &Trunk) -> Option<u32> {
    let addr: SocketAddr = t.address.parse().ok()?;
    let user = t.username.clone()?;
    let password = t.password.clone()?;
    let call_id = format!("{}-reg", token());
    let tag = token();
    let request = |cseq: u32, auth: Option<(&str, String)>| {
        let mut headers = vec![
            ("via", engine.via(&format!("z9hG4bK{}", token()), addr)),
            ("max-forwards", "70".to_owned()),
            ("from", format!("<sip:{user}@{addr}>;tag={tag}")),
            ("to", format!("<sip:{user}@{addr}>")),
            ("call-id", call_id.clone()),
            ("cseq", format!("{cseq} REGISTER")),
            ("contact", format!("<sip:{user}@{}>", engine.local())),
            ("expires", EXPIRES.to_string()),
        ];
        if let Some((name, value)) = auth {
            headers.push((name, value));
        }
        Message::request("REGISTER", &format!("sip:{addr}"), headers, Vec::new())
    };
    let mut answer = client::transact(engine, request(1, None), addr).await;
    if let Some(m) = &answer
        && matches!(m.code(), Some(401 | 407))
    {
        let (challenge, header) = if m.code() == Some(407) {
            ("proxy-authenticate", "proxy-authorization")
        } else {
            ("www-authenticate", "authorization")
        };
        let uri = format!("sip:{addr}");
        let credentials = m
            .headers_named(challenge)
            .filter_map(digest::parse_challenge)
            .find_map(|c| digest::answer(&c, "REGISTER", &uri, &user, &password, &token()));
        answer = match credentials {
            Some(c) => client::transact(engine, request(2, Some((header, c))), addr).await,
            None => None,
        };
    }
    let m = answer.filter(|m| m.code() == Some(200))?;
    let granted = m
        .header("contact")
        .and_then(|c| sb_sip::registrar::param(c, "expires"))
        .or_else(|| m.header("expires"))
        .and_then(|e| e.trim().parse().ok())
        .unwrap_or(EXPIRES);
    Some(granted)
}
