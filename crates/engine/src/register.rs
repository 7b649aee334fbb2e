//! REGISTER (RFC 3261 section 10), the SIP accounts it is checked against (looked up through
//! sb-app and kept a few seconds), and the answers to non-INVITE requests kept for their
//! retransmissions (section 17.2.2).

use super::*;
use crate::location::{Locator, Registered};
use std::future::Future;
use std::sync::atomic::AtomicI64;

/// The registrar service's own state: digest challenges and nonce counts, where devices are,
/// the accounts looked up lately, the answers kept for retransmissions and the registrations
/// gauge.
pub(crate) struct Registrations {
    /// Digest challenges and nonce counts (RFC 8760), for REGISTER and every other request.
    reg: Mutex<Registrar>,
    /// Where registered devices are.
    location: Box<dyn Locator>,
    /// SIP accounts looked up lately, by (domain, username); unknown ones too. Valid while the
    /// store's account epoch (bumped by every write to users and lines) stays where it was.
    accounts: Mutex<(u64, AccountCache)>,
    /// Answers to non-INVITE requests, by transaction, to repeat for retransmissions.
    answered: Mutex<Transactions>,
    /// When the registration count was last taken (ms).
    counted_at: AtomicI64,
    /// Devices registered, for /metrics.
    gauge: Arc<AtomicU64>,
}

impl Registrations {
    pub(crate) fn new(reg: Registrar, location: Box<dyn Locator>, gauge: Arc<AtomicU64>) -> Self {
        Registrations {
            reg: Mutex::new(reg),
            location,
            accounts: Mutex::new((0, HashMap::new())),
            answered: Mutex::new(Transactions::default()),
            counted_at: AtomicI64::new(0),
            gauge,
        }
    }

    /// The registered devices of an address of record.
    pub(crate) fn devices(&self, aor: &str, now_ms: i64) -> Vec<Binding> {
        self.location.lookup(aor, now_ms)
    }

    /// Counts the registered devices into the gauge.
    pub(crate) fn count(&self, now_ms: i64) {
        let count = u64::try_from(self.location.count(now_ms)).unwrap_or(u64::MAX);
        self.gauge.store(count, Ordering::Relaxed);
    }

    /// Brings the gauge up to date, at most ten times a second (counting walks every binding).
    fn count_soon(&self, now_ms: i64) {
        let last = self.counted_at.load(Ordering::Relaxed);
        let due = now_ms - last >= 100
            && self
                .counted_at
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        if due {
            self.count(now_ms);
        }
    }

    /// Drops every registered device of `aor`, in memory and in storage.
    pub(crate) async fn forget(&self, aor: &str) {
        if let Some(written) = self.location.forget(aor) {
            let _ = written.await;
        }
    }

    /// Whether `msg` answers a challenge sent to `source` (see [`Registrar::proves_source`]).
    pub(crate) fn proves_source(
        &self,
        msg: &Message,
        proxy: bool,
        source: &str,
        now_ms: i64,
    ) -> bool {
        self.reg.lock().proves_source(msg, proxy, source, now_ms)
    }

    /// Checks the digest credentials of a request other than REGISTER.
    pub(crate) fn authenticate(
        &self,
        msg: &Message,
        who: registrar::Asking<'_>,
        now_ms: i64,
        found: &Found,
    ) -> Result<Account, Message> {
        self.reg.lock().authenticate(msg, who, now_ms, found)
    }

    /// Whether a request's transaction is new, still being answered, or answered already.
    pub(crate) fn seen(&self, key: &str) -> Seen {
        self.answered.lock().start(key)
    }

    /// Keeps the answer to a transaction for its retransmissions.
    pub(crate) fn answered(&self, key: String, bytes: Vec<u8>) {
        self.answered.lock().finish(key, bytes);
    }

    /// Forgets a transaction that got no answer (its task answers it).
    pub(crate) fn unanswered(&self, key: &str) {
        self.answered.lock().forget(key);
    }

    /// The account named by the credentials of `m` (header `auth`) in the company of `domain`.
    pub(crate) async fn lookup(&self, app: &App, m: &Message, domain: &str, auth: &str) -> Looked {
        let username = m.header(auth).and_then(digest::parse_credentials)?.username;
        let key = (domain.to_owned(), username);
        let epoch = app.account_epoch();
        let cached = {
            let mut a = self.accounts.lock();
            if a.0 != epoch {
                a.0 = epoch;
                a.1.clear();
            }
            a.1.get(&key)
                .filter(|(_, at)| at.elapsed() < ACCOUNT_TTL)
                .map(|(v, _)| v.clone())
        };
        if let Some(v) = cached {
            return v;
        }
        let found = lookup_account(app, &key.0, &key.1).await;
        let mut a = self.accounts.lock();
        if a.0 == epoch {
            if a.1.len() > 100_000 {
                // Many names in a few seconds (a guessing run): start over rather than sweep a
                // full table on every lookup.
                a.1.clear();
            }
            a.1.insert(key, (found.clone(), tokio::time::Instant::now()));
        }
        found
    }
}

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
///
/// Not `sb_sip::transaction::Transactions`, whose non-INVITE server transactions do the same
/// job by the book, because on this path (every REGISTER, MESSAGE, OPTIONS and SUBSCRIBE) that
/// table costs more: it keeps each answer as a `Message` (cloned into the transaction, one
/// allocation per header, and written out again for each retransmission) where this keeps the
/// bytes already sent; it holds every UDP transaction for Timer J's 32 s with no cap, over six
/// times the entries at the same rate; and its `poll` walks every entry to find the due ones,
/// where this drops the expired ones from the front of a queue in order of age.
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

/// What the registrar asks of the rest of the engine: its own state, the time, admission's
/// failure accounting (RFC 3261 section 26.3.2.4 leaves guessing to the server's policy), the
/// SIP account a REGISTER names, and the kept messages a device takes once it is registered.
/// [`Engine`] is the real one; `register/tests.rs` has a fake.
pub(crate) trait RegistrarContext: Send + Sync + 'static {
    /// Nonces, bindings and the answers kept for retransmissions.
    fn registrations(&self) -> &Registrations;
    fn now_ms(&self) -> i64;
    /// Whether `username` may try to authenticate from `from` (not blocked for that address).
    fn may_try(&self, from: SocketAddr, username: Option<&str>) -> bool;
    /// Whether `msg` shows its sender receives what is sent to `from`.
    fn proven(&self, msg: &Message, from: SocketAddr) -> bool;
    /// Counts an authentication outcome (200 or 403) for the guard.
    fn judge(&self, from: SocketAddr, username: Option<&str>, domain: &str, code: Option<u16>);
    /// The account the Authorization of `m` names in the company of `domain`.
    fn account(&self, m: &Message, domain: &str) -> impl Future<Output = Looked> + Send;
    /// Hands the messages kept for `user@domain` to its devices.
    fn flush(self: &Arc<Self>, domain: String, user: String);
}

impl RegistrarContext for Engine {
    fn registrations(&self) -> &Registrations {
        &self.registrations
    }
    fn now_ms(&self) -> i64 {
        Engine::now_ms(self)
    }
    fn may_try(&self, from: SocketAddr, username: Option<&str>) -> bool {
        Engine::may_try(self, from, username)
    }
    fn proven(&self, msg: &Message, from: SocketAddr) -> bool {
        Engine::proven(self, msg, false, from)
    }
    fn judge(&self, from: SocketAddr, username: Option<&str>, domain: &str, code: Option<u16>) {
        Engine::judge(self, from, username, domain, code);
    }
    fn account(&self, m: &Message, domain: &str) -> impl Future<Output = Looked> + Send {
        self.lookup(m, domain, "authorization")
    }
    fn flush(self: &Arc<Self>, domain: String, user: String) {
        messaging::flush(self.clone(), domain, user);
    }
}

/// A REGISTER (RFC 3261 section 10.3): challenged, checked against the account its
/// credentials name, applied to the location service; the outcome counted by the guard.
pub(crate) async fn register<R: RegistrarContext>(
    ctx: &Arc<R>,
    msg: &Message,
    from: SocketAddr,
) -> Message {
    let Some((user, domain)) = registrar::to_address(msg) else {
        return registrar::reply(msg, 400, "Bad To Header", &[]);
    };
    let (user, domain) = (user.to_owned(), domain.to_owned());
    let username = msg
        .header("authorization")
        .and_then(digest::parse_credentials)
        .map(|c| c.username);
    if !ctx.may_try(from, username.as_deref()) {
        // Still hammering a blocked username counts against the source, when the source is
        // proven: a UDP source may be somebody else's address.
        if ctx.proven(msg, from) {
            ctx.judge(from, None, &domain, Some(403));
        }
        return registrar::reply(msg, 403, "Forbidden", &[]);
    }
    let registered = apply(ctx.as_ref(), msg, from, &domain).await;
    let code = registered.answer.code();
    ctx.judge(from, username.as_deref(), &domain, code);
    if let Some(written) = registered.written {
        let _ = written.await;
        if registered.devices > 0 {
            // Messages kept while the line had no device go out now.
            ctx.flush(domain, user);
        }
    }
    registered.answer
}

/// Checks a REGISTER's credentials and applies it to the location service.
async fn apply<R: RegistrarContext>(
    ctx: &R,
    msg: &Message,
    from: SocketAddr,
    domain: &str,
) -> Registered {
    let (found, company) = match ctx.account(msg, domain).await {
        Some((account, company)) => (Found(Some(account)), Some(company)),
        None => (Found(None), None),
    };
    let now = ctx.now_ms();
    let source = from.to_string();
    let registrations = ctx.registrations();
    let checked = registrations.reg.lock().check(msg, &source, now, &found);
    // A REGISTER is accepted only for an account found, and every account has its company.
    let registered = match (checked, company) {
        (Ok(request), Some(company)) => registrations.location.register(&request, &company, now),
        (Ok(_), None) => Registered::refused(registrar::reply(msg, 500, "Server Error", &[])),
        (Err(answer), _) => Registered::refused(answer),
    };
    if registered.answer.code() == Some(200) {
        registrations.count_soon(now);
    }
    registered
}

#[cfg(test)]
mod tests;
