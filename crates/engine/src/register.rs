//! REGISTER (RFC 3261 section 10), the SIP accounts it is checked against (looked up through
//! sb-app and kept a few seconds), and the answers to non-INVITE requests kept for their
//! retransmissions (section 17.2.2).

use super::*;
use crate::location::Registered;

/// The one account a REGISTER can be about, looked up before the registrar runs.
pub(crate) struct Found(pub(crate) Option<Account>);

impl Accounts for Found {
    fn find(&self, realm: &str, username: &str) -> Option<Account> {
        self.0
            .clone()
            .filter(|a| a.realm == realm && a.username == username)
    }
}

/// How long a looked-up SIP account is trusted before the database is asked again: a changed
/// password or a disabled user takes effect within this time.
pub(crate) const ACCOUNT_TTL: std::time::Duration = std::time::Duration::from_secs(5);

pub(crate) type Looked = Option<(Account, sb_domain::ids::CompanyId)>;

/// Accounts by (domain, username), with when they were read.
pub(crate) type AccountCache = HashMap<(String, String), (Looked, tokio::time::Instant)>;

/// The account of `username` in the company of `domain`, from the business layer.
pub(crate) async fn lookup_account(app: &App, domain: &str, username: &str) -> Looked {
    let a = app.sip_account(domain, username).await.ok()??;
    let account = Account {
        ha1_md5: a.ha1_md5,
        ha1_sha256: a.ha1_sha256,
        username: a.username,
        realm: domain.to_owned(),
        enabled: a.enabled,
    };
    Some((account, a.company))
}

/// A request's server transaction: Call-ID, CSeq and the top Via's branch.
pub(crate) fn transaction_key(m: &Message) -> Option<String> {
    let via = m.header("via")?;
    let branch = registrar::param(via, "branch").unwrap_or("");
    Some(format!(
        "{}|{}|{branch}",
        m.header("call-id")?,
        m.header("cseq")?
    ))
}

pub(crate) enum Seen {
    New,
    Working,
    Answered(Vec<u8>),
}

/// Non-INVITE server transactions of the last few seconds. RFC 3261 keeps them for Timer J
/// (32 s); retransmissions come at 0.5, 1, 2 and 4 s, so 5 s catches them at a fraction of
/// the memory under load, and the count is capped.
#[derive(Default)]
pub(crate) struct Transactions {
    map: HashMap<String, (Option<Vec<u8>>, tokio::time::Instant)>,
    order: std::collections::VecDeque<(String, tokio::time::Instant)>,
}

impl Transactions {
    const KEEP: std::time::Duration = std::time::Duration::from_secs(5);
    const MAX: usize = 50_000;

    pub(crate) fn start(&mut self, key: &str) -> Seen {
        let now = tokio::time::Instant::now();
        while let Some((k, at)) = self.order.front() {
            if now.duration_since(*at) < Self::KEEP && self.order.len() < Self::MAX {
                break;
            }
            if self.map.get(k).is_some_and(|(_, t)| t == at) {
                self.map.remove(k);
            }
            self.order.pop_front();
        }
        match self.map.get(key) {
            Some((Some(bytes), _)) => Seen::Answered(bytes.clone()),
            Some((None, _)) => Seen::Working,
            None => {
                self.map.insert(key.to_owned(), (None, now));
                self.order.push_back((key.to_owned(), now));
                Seen::New
            }
        }
    }

    pub(crate) fn finish(&mut self, key: String, bytes: Vec<u8>) {
        if let Some(entry) = self.map.get_mut(&key) {
            entry.0 = Some(bytes);
        }
    }

    pub(crate) fn forget(&mut self, key: &str) {
        self.map.remove(key);
    }
}

pub(crate) async fn register(engine: &Arc<Engine>, msg: &Message, from: SocketAddr) -> Message {
    let Some((user, domain)) = registrar::to_address(msg) else {
        return registrar::reply(msg, 400, "Bad To Header", &[]);
    };
    let (user, domain) = (user.to_owned(), domain.to_owned());
    let username = msg
        .header("authorization")
        .and_then(digest::parse_credentials)
        .map(|c| c.username);
    if !engine.may_try(from, username.as_deref()) {
        // Still hammering a blocked username counts against the source, when the source is
        // proven: a UDP source may be somebody else's address.
        if engine.proven(msg, false, from) {
            engine.judge(from, None, &domain, Some(403));
        }
        return registrar::reply(msg, 403, "Forbidden", &[]);
    }
    let looked_up = engine.lookup(msg, &domain, "authorization").await;
    let (found, company) = match looked_up {
        Some((account, company)) => (Found(Some(account)), Some(company)),
        None => (Found(None), None),
    };
    let now = engine.now_ms();
    let source = from.to_string();
    let checked = engine.reg.lock().check(msg, &source, now, &found);
    // A REGISTER is accepted only for an account found, and every account has its company.
    let registered = match (checked, company) {
        (Ok(request), Some(company)) => engine.location.register(&request, &company, now),
        (Ok(_), None) => Registered::refused(registrar::reply(msg, 500, "Server Error", &[])),
        (Err(answer), _) => Registered::refused(answer),
    };
    let code = registered.answer.code();
    engine.judge(from, username.as_deref(), &domain, code);
    if code == Some(200) {
        engine.count_registrations(now);
    }
    if let Some(written) = registered.written {
        let _ = written.await;
        if registered.devices > 0 {
            // Messages kept while the line had no device go out now.
            messaging::flush(engine.clone(), domain, user);
        }
    }
    registered.answer
}
