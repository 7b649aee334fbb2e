//! The registrar's logic, sans-IO (RFC 3261 section 10, digest per RFC 8760): a REGISTER and the
//! time go in and are authenticated ([`Registrar::check`]); what it asks is then applied to the
//! bindings of its address of record ([`Register::apply`]) by whoever keeps them (a location
//! service), and the response comes out ([`Register::answer`]). Accounts come from a lookup the
//! caller provides; bindings, storage and sockets are the caller's.
//!
//! Unknown and known usernames get the same answers (a challenge, then 403), so the registrar
//! cannot be used to list extensions.

use crate::digest::{self, Algorithm};
use crate::message::{Message, StartLine};
use crate::route;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A line's credentials as the registrar needs them: HA1 per algorithm, never the password.
#[derive(Debug, Clone)]
pub struct Account {
    pub username: String,
    pub realm: String,
    pub ha1_md5: String,
    pub ha1_sha256: String,
    /// False for lines of disabled users and deleted lines: registrations are refused.
    pub enabled: bool,
}

/// Who asks to be authenticated, and how: `proxy` selects Proxy-Authorization and 407 (INVITE,
/// MESSAGE, SUBSCRIBE), otherwise Authorization and 401 (REGISTER); `user` is the username the
/// request must be for (REGISTER's To), `realm` the company's domain, `source` the IP the request
/// came from (its nonces are bound to it).
#[derive(Debug, Clone, Copy)]
pub struct Asking<'a> {
    pub proxy: bool,
    pub user: Option<&'a str>,
    pub realm: &'a str,
    pub source: &'a str,
}

/// Where the registrar finds accounts.
pub trait Accounts {
    fn find(&self, realm: &str, username: &str) -> Option<Account>;
}

#[derive(Debug, Clone)]
pub struct Config {
    pub min_expires: u32,
    pub max_expires: u32,
    pub default_expires: u32,
    /// How long a nonce may be used.
    pub nonce_ttl_ms: i64,
    /// Devices registered on one address of record at most, and Contacts in one REGISTER at
    /// most: a line's bindings are where its calls are sent, so without a bound one call could
    /// be made to fan out to thousands of addresses.
    pub max_bindings: usize,
    /// The server's own SIP URIs (`sip:ip:port`): besides the Request-URI, a digest `uri` may
    /// name the server itself, as SIPp writes it by default.
    pub own_uris: Vec<String>,
    /// The operator's edge proxies: a REGISTER from one of them may bring a Path (RFC 3327),
    /// and the device is then reached through it. Anyone else's Path is ignored.
    pub edge_proxies: Vec<std::net::IpAddr>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            min_expires: 60,
            max_expires: 3600,
            default_expires: 3600,
            nonce_ttl_ms: 300_000,
            max_bindings: 10,
            own_uris: Vec::new(),
            edge_proxies: Vec::new(),
        }
    }
}

/// One registered device of an address of record (`user@realm`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub contact: String,
    pub expires_at_ms: i64,
    pub call_id: String,
    pub cseq: u32,
    /// Where the REGISTER came from (`ip:port`), to reach a phone behind NAT.
    pub source: String,
    /// The Path it came through when that was an edge proxy (RFC 3327): the Route of every
    /// request sent to the device. Empty for a device that registered directly.
    pub path: Vec<String>,
    /// The phone's User-Agent header (what administrators see of the device); empty when absent.
    pub user_agent: String,
}

pub struct Registrar {
    cfg: Config,
    secret: [u8; 32],
    /// The highest nonce count seen per nonce: a repeated or older count is a replay.
    nonce_counts: HashMap<String, u32>,
    /// The same nonces oldest first (by when they were issued), so that expired ones leave in
    /// order, each at constant cost.
    nonce_order: std::collections::VecDeque<(i64, String)>,
    /// Nonces issued before this time are stale: their counts had to go to bound memory.
    nonce_floor_ms: i64,
    /// Nonces issued so far (their sequence numbers).
    issued: u32,
}

fn hex_ts(ms: i64) -> String {
    format!("{:012x}", ms.max(0))
}

/// The address in a Contact/To value: what is inside `<...>`, else up to the first `;`.
pub fn uri_of(v: &str) -> &str {
    match (v.find('<'), v.find('>')) {
        (Some(a), Some(b)) if a < b => &v[a + 1..b],
        _ => v.split(';').next().unwrap_or(v).trim(),
    }
}

/// `user` of a `sip:user@host` URI.
pub fn user_of(uri: &str) -> Option<&str> {
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))?;
    let (user, _) = rest.split_once('@')?;
    Some(user.split(';').next().unwrap_or(user))
}

/// The user and domain of a request's To URI: the address of record a REGISTER is about.
pub fn to_address(req: &Message) -> Option<(&str, &str)> {
    let to_uri = uri_of(req.header("to")?);
    let user = user_of(to_uri)?;
    let (_, host) = to_uri.split_once('@')?;
    Some((user, host.split([';', ':']).next().unwrap_or(host)))
}

pub fn param<'a>(v: &'a str, name: &str) -> Option<&'a str> {
    v.split(';').skip(1).find_map(|p| {
        let (k, val) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(name).then(|| val.trim())
    })
}

impl Registrar {
    pub fn new(cfg: Config, secret: [u8; 32]) -> Self {
        Self {
            cfg,
            secret,
            nonce_counts: HashMap::new(),
            nonce_order: std::collections::VecDeque::new(),
            nonce_floor_ms: i64::MIN,
            issued: 0,
        }
    }

    /// A fresh nonce for a request from `source`: issue time, a sequence number (so that two
    /// challenges in the same millisecond differ, and their nonce counts cannot be mistaken for
    /// replays), and a MAC over both and the source IP, so any node with the secret can check it
    /// without keeping state. Binding it to the source means an answer that uses it proves the
    /// sender receives what is sent to that address: a spoofed UDP source never sees its nonce,
    /// so its guesses cannot count as failures against an address it does not own.
    fn nonce(&mut self, now_ms: i64, source: &str) -> String {
        self.issued = self.issued.wrapping_add(1);
        let head = format!("{}{:08x}", hex_ts(now_ms), self.issued);
        format!("{head}{}", self.nonce_mac(head.as_bytes(), source))
    }

    /// HMAC-SHA-256 (RFC 2104) under the secret, over the nonce's head and the source IP.
    fn nonce_mac(&self, head: &[u8], source: &str) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        mac.update(head);
        mac.update(b"|");
        mac.update(source.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..12])
    }

    /// `Some(stale)` for a nonce we issued to `source`: stale when older than its lifetime.
    fn check_nonce(&self, nonce: &str, now_ms: i64, source: &str) -> Option<bool> {
        if nonce.len() != 44 || !nonce.is_ascii() {
            return None;
        }
        let ts = i64::from_str_radix(&nonce[..12], 16).ok()?;
        if !digest::same(
            &nonce[20..],
            &self.nonce_mac(&nonce.as_bytes()[..20], source),
        ) {
            return None;
        }
        Some(
            now_ms - ts > self.cfg.nonce_ttl_ms || ts > now_ms + 60_000 || ts < self.nonce_floor_ms,
        )
    }

    /// The most nonces whose counts are kept; past it the oldest go, and nonces as old as they
    /// are become stale (the phone is challenged again, which costs one round trip).
    const MAX_NONCES: usize = 200_000;

    /// Records nonce count `nc` for `nonce`; false when it is not higher than the last one seen.
    fn count_nonce(&mut self, nonce: &str, nc: u32, now_ms: i64) -> bool {
        match self.nonce_counts.get_mut(nonce) {
            Some(seen) if nc <= *seen => return false,
            Some(seen) => *seen = nc,
            None => {
                let ts = i64::from_str_radix(nonce.get(..12).unwrap_or(""), 16).unwrap_or(now_ms);
                self.nonce_counts.insert(nonce.to_owned(), nc);
                self.nonce_order.push_back((ts, nonce.to_owned()));
            }
        }
        // Counts of expired nonces are of no use: such nonces are refused as stale anyway.
        while let Some((ts, _)) = self.nonce_order.front() {
            let expired = now_ms - ts > self.cfg.nonce_ttl_ms;
            if !expired && self.nonce_order.len() <= Self::MAX_NONCES {
                break;
            }
            if !expired {
                self.nonce_floor_ms = self.nonce_floor_ms.max(ts + 1);
            }
            if let Some((_, n)) = self.nonce_order.pop_front() {
                self.nonce_counts.remove(&n);
            }
        }
        true
    }

    /// Whether `req` answers a challenge sent to `source` (its nonce is ours and was issued to
    /// that address, expired or not): its sender receives what is sent there, so a failure it
    /// causes may count against that address.
    pub fn proves_source(&self, req: &Message, proxy: bool, source: &str, now_ms: i64) -> bool {
        let header = if proxy {
            "proxy-authorization"
        } else {
            "authorization"
        };
        req.header(header)
            .and_then(digest::parse_credentials)
            .and_then(|a| self.check_nonce(&a.nonce, now_ms, source))
            .is_some()
    }

    /// Checks the digest credentials of `req` (RFC 3261 section 22): `Ok` with the account, or
    /// the answer to send (a challenge, or 403). Disabled accounts are refused only after their
    /// password was proven, so the answers for unknown, disabled and wrong-password users cannot
    /// be told apart by guessing. A 403 is only ever given to a source that received its nonce.
    ///
    /// Only `qop=auth` answers are taken (RFC 7616): without a nonce count a captured answer
    /// could be replayed for the nonce's whole life. The `uri` the answer covers must be the
    /// Request-URI (or the server's own address), so an answer cannot be lifted onto a request
    /// for another destination.
    pub fn authenticate(
        &mut self,
        req: &Message,
        who: Asking<'_>,
        now_ms: i64,
        accounts: &dyn Accounts,
    ) -> Result<Account, Message> {
        let Asking {
            proxy,
            user,
            realm,
            source,
        } = who;
        let header = if proxy {
            "proxy-authorization"
        } else {
            "authorization"
        };
        let Some(auth) = req.header(header).and_then(digest::parse_credentials) else {
            return Err(self.challenge(req, who, now_ms, false));
        };
        let stale = match self.check_nonce(&auth.nonce, now_ms, source) {
            None => return Err(self.challenge(req, who, now_ms, false)),
            Some(stale) => stale,
        };
        let with_qop = auth.qop.as_deref() == Some("auth") && auth.nc.is_some();
        if stale || !with_qop {
            return Err(self.challenge(req, who, now_ms, stale));
        }
        let alg = auth
            .algorithm
            .as_deref()
            .map(Algorithm::from_name)
            .unwrap_or(Some(Algorithm::Md5));
        let account = accounts
            .find(realm, &auth.username)
            .filter(|a| user.is_none_or(|u| a.username == u) && auth.realm == realm);
        let method = req.method().unwrap_or("");
        let ok = match (alg, &account) {
            (Some(alg), Some(a)) => {
                let ha1 = if alg == Algorithm::Md5 {
                    &a.ha1_md5
                } else {
                    &a.ha1_sha256
                };
                (req.uri().is_some_and(|u| same_uri(u, &auth.uri))
                    || self.cfg.own_uris.iter().any(|o| same_uri(o, &auth.uri)))
                    && digest::same(&digest::response(alg, ha1, method, &auth), &auth.response)
            }
            _ => false,
        };
        if !ok {
            return Err(reply(req, 403, "Forbidden", &[]));
        }
        // Replay protection: each nonce count is used once, in increasing order.
        if let Some(nc) = auth
            .nc
            .as_deref()
            .and_then(|n| u32::from_str_radix(n, 16).ok())
            && !self.count_nonce(&auth.nonce, nc, now_ms)
        {
            return Err(self.challenge(req, who, now_ms, true));
        }
        match account {
            Some(a) if a.enabled => Ok(a),
            _ => Err(reply(req, 403, "Forbidden", &[])),
        }
    }

    /// Authenticates one REGISTER received from `source` at `now_ms` and reads what it asks
    /// (RFC 3261 section 10.3, steps 1 to 7): `Ok` with the request to apply to its address of
    /// record's bindings, or the answer to send (a challenge, 403, 400, 423, 503). What it
    /// refuses changes no binding.
    pub fn check<'a>(
        &mut self,
        req: &'a Message,
        source: &'a str,
        now_ms: i64,
        accounts: &dyn Accounts,
    ) -> Result<Register<'a>, Message> {
        let Some((user, realm)) = to_address(req) else {
            return Err(reply(req, 400, "Bad To Header", &[]));
        };
        let source_ip = source
            .parse::<std::net::SocketAddr>()
            .map_or_else(|_| source.to_owned(), |a| a.ip().to_string());
        let who = Asking {
            proxy: false,
            user: Some(user),
            realm,
            source: &source_ip,
        };
        self.authenticate(req, who, now_ms, accounts)?;
        let edge_path = source_ip.parse().map_or(Ok(Vec::new()), |ip| {
            route::path_of(req, ip, &self.cfg.edge_proxies)
        });
        let path = match edge_path {
            Ok(p) => p,
            Err(bad) => return Err(reply(req, 400, bad.reason(), &[])),
        };
        let contacts: Vec<&str> = req
            .headers_named("contact")
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        let default = req
            .header("expires")
            .and_then(|e| e.parse::<u32>().ok())
            .unwrap_or(self.cfg.default_expires);
        if contacts.len() > self.cfg.max_bindings {
            return Err(reply(req, 503, "Too Many Contacts", &[]));
        }
        let wildcard = contacts == ["*"];
        if wildcard && default != 0 {
            return Err(reply(req, 400, "Wildcard Needs Expires 0", &[]));
        }
        let mut asked = Vec::with_capacity(contacts.len());
        for c in contacts.into_iter().filter(|c| *c != "*") {
            let expires = param(c, "expires")
                .and_then(|e| e.parse::<u32>().ok())
                .unwrap_or(default);
            if expires != 0 && expires < self.cfg.min_expires {
                let min = self.cfg.min_expires.to_string();
                return Err(reply(
                    req,
                    423,
                    "Interval Too Brief",
                    &[("Min-Expires", &min)],
                ));
            }
            asked.push((uri_of(c), expires.min(self.cfg.max_expires)));
        }
        Ok(Register {
            req,
            aor: format!("{user}@{realm}"),
            source,
            contacts: asked,
            wildcard,
            path,
            max_bindings: self.cfg.max_bindings,
        })
    }

    fn challenge(&mut self, req: &Message, who: Asking<'_>, now_ms: i64, stale: bool) -> Message {
        let Asking {
            proxy,
            realm,
            source,
            ..
        } = who;
        let nonce = self.nonce(now_ms, source);
        // MD5 first: older phones and SIPp read only the first challenge.
        let md5 = digest::challenge(Algorithm::Md5, realm, &nonce, stale);
        let sha = digest::challenge(Algorithm::Sha256, realm, &nonce, stale);
        let (code, reason, header) = if proxy {
            (407, "Proxy Authentication Required", "Proxy-Authenticate")
        } else {
            (401, "Unauthorized", "WWW-Authenticate")
        };
        if md5_only(req) {
            return reply(req, code, reason, &[(header, &md5)]);
        }
        reply(req, code, reason, &[(header, &md5), (header, &sha)])
    }
}

/// A REGISTER whose credentials were accepted: what it asks of the bindings of its address of
/// record, to be applied where they are kept.
#[derive(Debug)]
pub struct Register<'a> {
    req: &'a Message,
    aor: String,
    /// Where it came from (`ip:port`).
    source: &'a str,
    /// Each Contact URI with its expiry in seconds (0: remove), already capped.
    contacts: Vec<(&'a str, u32)>,
    /// `Contact: *` with `Expires: 0`: every binding goes.
    wildcard: bool,
    /// The Path it came through from an edge proxy (RFC 3327).
    path: Vec<String>,
    max_bindings: usize,
}

impl Register<'_> {
    /// The address of record (`user@realm`) whose bindings it changes.
    pub fn aor(&self) -> &str {
        &self.aor
    }

    /// The bindings of its address of record once it is applied to the `current` ones (RFC 3261
    /// section 10.3, step 8); the answer to send when that would make too many devices, in which
    /// case the current ones stand. Expired bindings are dropped.
    pub fn apply(&self, current: &[Binding], now_ms: i64) -> Result<Vec<Binding>, Message> {
        let mut list: Vec<Binding> = if self.wildcard {
            Vec::new()
        } else {
            current
                .iter()
                .filter(|b| b.expires_at_ms > now_ms)
                .cloned()
                .collect()
        };
        if self.contacts.is_empty() {
            return Ok(list);
        }
        let call_id = self.req.header("call-id").unwrap_or("");
        let user_agent: String = self
            .req
            .header("user-agent")
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        let cseq: u32 = self
            .req
            .header("cseq")
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        for (uri, expires) in &self.contacts {
            list.retain(|b| b.contact != *uri);
            if *expires > 0 {
                list.push(Binding {
                    contact: (*uri).to_owned(),
                    expires_at_ms: now_ms + i64::from(*expires) * 1000,
                    call_id: call_id.to_owned(),
                    cseq,
                    source: self.source.to_owned(),
                    path: self.path.clone(),
                    user_agent: user_agent.clone(),
                });
            }
        }
        if list.len() > self.max_bindings {
            return Err(reply(self.req, 503, "Too Many Registered Contacts", &[]));
        }
        Ok(list)
    }

    /// The 200 answer listing `bindings`, the ones its address of record has now, each with the
    /// seconds it has left.
    pub fn answer(&self, bindings: &[Binding], now_ms: i64) -> Message {
        let current: Vec<String> = bindings
            .iter()
            .map(|b| {
                format!(
                    "<{}>;expires={}",
                    b.contact,
                    (b.expires_at_ms - now_ms).max(0) / 1000
                )
            })
            .collect();
        let mut headers: Vec<(&str, &str)> =
            current.iter().map(|c| ("Contact", c.as_str())).collect();
        // The Path is echoed to a UA that supports it (RFC 3327 section 5.3).
        if route::supports(self.req, "path") {
            headers.extend(self.path.iter().map(|p| ("Path", p.as_str())));
        }
        reply(self.req, 200, "OK", &headers)
    }
}

/// Whether the `uri` of a digest answer names the Request-URI (RFC 3261 section 22.4): the
/// same text, or the same URI written with other letter case in its scheme and host.
fn same_uri(request_uri: &str, digest_uri: &str) -> bool {
    request_uri == digest_uri || request_uri.eq_ignore_ascii_case(digest_uri)
}

/// Clients whose digest code gives up on the whole answer when any challenge names an algorithm
/// other than MD5 (libre-based ones such as baresip 1.x fail with "Function not implemented"):
/// they get the MD5 challenge alone.
fn md5_only(req: &Message) -> bool {
    req.header("user-agent")
        .is_some_and(|ua| ua.to_ascii_lowercase().starts_with("baresip"))
}

/// A response to `req` (RFC 3261 section 8.2.6): Via, From, Call-ID and CSeq copied, a To tag added.
pub fn reply(req: &Message, code: u16, reason: &str, extra: &[(&str, &str)]) -> Message {
    let mut headers = Vec::new();
    for (n, v) in &req.headers {
        match n.as_str() {
            "via" | "from" | "call-id" | "cseq" => headers.push((n.clone(), v.clone())),
            "to" if v.contains(";tag=") => headers.push((n.clone(), v.clone())),
            "to" => {
                let tag = hex::encode(
                    &Sha256::digest(req.header("call-id").unwrap_or("").as_bytes())[..6],
                );
                headers.push((n.clone(), format!("{v};tag={tag}")));
            }
            _ => {}
        }
    }
    for (n, v) in extra {
        headers.push((n.to_ascii_lowercase(), (*v).to_owned()));
    }
    Message {
        start: StartLine::Response {
            code,
            reason: reason.to_owned(),
        },
        headers,
        body: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::parse;

    struct Book;
    impl Accounts for Book {
        fn find(&self, realm: &str, username: &str) -> Option<Account> {
            let enabled = match (realm, username) {
                ("acme.sip.test", "201") => true,
                ("acme.sip.test", "299") => false,
                _ => return None,
            };
            Some(Account {
                username: username.into(),
                realm: realm.into(),
                ha1_md5: digest::ha1(Algorithm::Md5, username, realm, "s3cret"),
                ha1_sha256: digest::ha1(Algorithm::Sha256, username, realm, "s3cret"),
                enabled,
            })
        }
    }

    const T: i64 = 1_795_000_000_000;

    /// The registrar with the bindings kept beside it in a map, the way a location service
    /// applies what it checked.
    struct Reg {
        r: Registrar,
        bound: HashMap<String, Vec<Binding>>,
    }

    impl Reg {
        fn new(cfg: Config, secret: [u8; 32]) -> Self {
            Reg {
                r: Registrar::new(cfg, secret),
                bound: HashMap::new(),
            }
        }

        fn handle(
            &mut self,
            req: &Message,
            source: &str,
            now: i64,
            book: &dyn Accounts,
        ) -> Message {
            let checked = match self.r.check(req, source, now, book) {
                Ok(c) => c,
                Err(answer) => return answer,
            };
            let current = self.bound.get(checked.aor()).map_or(&[][..], Vec::as_slice);
            match checked.apply(current, now) {
                Ok(list) => {
                    let answer = checked.answer(&list, now);
                    self.bound.insert(checked.aor().to_owned(), list);
                    answer
                }
                Err(answer) => answer,
            }
        }

        fn bindings(&self, aor: &str, now: i64) -> Vec<Binding> {
            let list = self.bound.get(aor).map_or(&[][..], Vec::as_slice);
            list.iter()
                .filter(|b| b.expires_at_ms > now)
                .cloned()
                .collect()
        }

        fn forget(&mut self, aor: &str) {
            self.bound.remove(aor);
        }
    }

    impl std::ops::Deref for Reg {
        type Target = Registrar;
        fn deref(&self) -> &Registrar {
            &self.r
        }
    }

    impl std::ops::DerefMut for Reg {
        fn deref_mut(&mut self) -> &mut Registrar {
            &mut self.r
        }
    }

    fn register(user: &str, extra: &str) -> Message {
        let text = format!(
            "REGISTER sip:acme.sip.test SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK1;rport\r\nTo: <sip:{user}@acme.sip.test>\r\nFrom: <sip:{user}@acme.sip.test>;tag=a1\r\nCall-ID: c1@192.0.2.10\r\nCSeq: 2 REGISTER\r\n{extra}Content-Length: 0\r\n\r\n"
        );
        parse(text.as_bytes()).unwrap()
    }

    fn code(m: &Message) -> u16 {
        match m.start {
            StartLine::Response { code, .. } => code,
            StartLine::Request { .. } => 0,
        }
    }

    fn nonce_of(m: &Message) -> String {
        let v = m.header("www-authenticate").unwrap();
        v.split("nonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    }

    fn authorized(
        user: &str,
        password: &str,
        alg: Algorithm,
        nonce: &str,
        nc: u32,
        extra: &str,
    ) -> Message {
        let mut c = digest::Credentials {
            username: user.into(),
            realm: "acme.sip.test".into(),
            nonce: nonce.into(),
            uri: "sip:acme.sip.test".into(),
            qop: Some("auth".into()),
            nc: Some(format!("{nc:08x}")),
            cnonce: Some("abc".into()),
            ..Default::default()
        };
        let ha1 = digest::ha1(alg, user, "acme.sip.test", password);
        c.response = digest::response(alg, &ha1, "REGISTER", &c);
        let auth = format!(
            "Authorization: Digest username=\"{user}\", realm=\"acme.sip.test\", nonce=\"{nonce}\", uri=\"sip:acme.sip.test\", response=\"{}\", algorithm={}, qop=auth, nc={:08x}, cnonce=\"abc\"\r\n",
            c.response,
            alg.name(),
            nc
        );
        register(user, &format!("{auth}{extra}"))
    }

    #[test]
    fn register_is_challenged_then_bound_with_md5_or_sha256() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let first = r.handle(
            &register("201", "Contact: <sip:201@192.0.2.10:5062>\r\n"),
            "192.0.2.10:5062",
            T,
            &Book,
        );
        assert_eq!(code(&first), 401);
        let challenges: Vec<&str> = first.headers_named("www-authenticate").collect();
        assert!(
            challenges[0].contains("algorithm=MD5") && challenges[1].contains("algorithm=SHA-256"),
            "MD5 first"
        );
        assert!(first.header("to").unwrap().contains(";tag="));
        let nonce = nonce_of(&first);
        for (i, alg) in [Algorithm::Md5, Algorithm::Sha256].into_iter().enumerate() {
            let ok = r.handle(
                &authorized(
                    "201",
                    "s3cret",
                    alg,
                    &nonce,
                    i as u32 + 1,
                    "Contact: <sip:201@192.0.2.10:5062>;expires=600\r\n",
                ),
                "192.0.2.10:5062",
                T,
                &Book,
            );
            assert_eq!(code(&ok), 200, "{alg:?}");
            assert_eq!(
                ok.header("contact"),
                Some("<sip:201@192.0.2.10:5062>;expires=600")
            );
        }
        let b = r.bindings("201@acme.sip.test", T);
        assert_eq!((b.len(), b[0].source.as_str()), (1, "192.0.2.10:5062"));
        assert!(
            r.bindings("201@acme.sip.test", T + 601_000).is_empty(),
            "bindings expire"
        );
    }

    #[test]
    fn a_binding_keeps_the_user_agent_the_phone_registered_with() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book));
        let ua =
            "Contact: <sip:201@192.0.2.10:5062>\r\nUser-Agent: Yealink SIP-T54W 96.86.0.100\r\n";
        let ok = r.handle(
            &authorized("201", "s3cret", Algorithm::Md5, &nonce, 1, ua),
            "192.0.2.10:5062",
            T,
            &Book,
        );
        assert_eq!(code(&ok), 200);
        let b = r.bindings("201@acme.sip.test", T);
        assert_eq!(b[0].user_agent, "Yealink SIP-T54W 96.86.0.100");
    }

    #[test]
    fn phones_challenged_in_the_same_millisecond_get_their_own_nonces() {
        // Found under load: a nonce made of the time alone was shared, and the second phone's
        // first nonce count looked like a replay of the first phone's.
        let mut r = Reg::new(Config::default(), [7; 32]);
        let a = nonce_of(&r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book));
        let b = nonce_of(&r.handle(&register("201", ""), "192.0.2.11:5062", T, &Book));
        assert_ne!(a, b);
        for (nonce, src) in [(a, "192.0.2.10:5062"), (b, "192.0.2.11:5062")] {
            let ok = r.handle(
                &authorized("201", "s3cret", Algorithm::Md5, &nonce, 1, ""),
                src,
                T,
                &Book,
            );
            assert_eq!(code(&ok), 200);
        }
    }

    #[test]
    fn challenges_offer_md5_then_sha256_except_to_md5_only_clients() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let both = r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book);
        let algs: Vec<&str> = both.headers_named("www-authenticate").collect();
        assert_eq!(algs.len(), 2);
        assert!(algs[0].contains("algorithm=MD5") && algs[1].contains("algorithm=SHA-256"));
        let baresip = register("201", "User-Agent: baresip v1.0.0 (x86_64/linux)\r\n");
        let one = r.handle(&baresip, "192.0.2.10:5062", T, &Book);
        let algs: Vec<&str> = one.headers_named("www-authenticate").collect();
        assert_eq!(algs.len(), 1);
        assert!(algs[0].contains("algorithm=MD5"));
    }

    #[test]
    fn wrong_passwords_unknown_users_and_disabled_lines_get_the_same_403() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "a", T, &Book));
        let wrong = r.handle(
            &authorized("201", "guess", Algorithm::Md5, &nonce, 1, ""),
            "a",
            T,
            &Book,
        );
        let unknown = r.handle(
            &authorized("555", "guess", Algorithm::Md5, &nonce, 1, ""),
            "a",
            T,
            &Book,
        );
        let disabled = r.handle(
            &authorized("299", "s3cret", Algorithm::Md5, &nonce, 1, ""),
            "a",
            T,
            &Book,
        );
        assert_eq!(
            (code(&wrong), code(&unknown), code(&disabled)),
            (403, 403, 403)
        );
        assert_eq!(
            code(&r.handle(&register("555", ""), "a", T, &Book)),
            401,
            "unknown users are challenged like known ones"
        );
    }

    #[test]
    fn nonce_counts_stay_bounded_and_nonces_whose_count_was_dropped_are_stale() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let first = r.nonce(T, "192.0.2.10");
        assert!(r.count_nonce(&first, 1, T));
        for i in 0..Registrar::MAX_NONCES {
            let n = r.nonce(T + 1 + i as i64 / 1000, "192.0.2.10");
            assert!(r.count_nonce(&n, 1, T + 200));
        }
        assert_eq!(r.nonce_counts.len(), Registrar::MAX_NONCES);
        assert_eq!(r.nonce_order.len(), Registrar::MAX_NONCES);
        // The oldest count went, so its nonce can no longer be checked for replays: stale.
        assert_eq!(r.check_nonce(&first, T + 200, "192.0.2.10"), Some(true));
        let recent = r.nonce(T + 300, "192.0.2.10");
        assert_eq!(r.check_nonce(&recent, T + 300, "192.0.2.10"), Some(false));
        // Expired ones leave as time passes.
        let later = T + Config::default().nonce_ttl_ms + 1_000;
        let fresh = r.nonce(later, "192.0.2.10");
        assert!(r.count_nonce(&fresh, 1, later));
        assert!(r.nonce_counts.len() < 10, "{}", r.nonce_counts.len());
    }

    #[test]
    fn stale_forged_and_replayed_nonces_are_challenged_again() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "a", T, &Book));
        let late = r.handle(
            &authorized("201", "s3cret", Algorithm::Md5, &nonce, 1, ""),
            "a",
            T + 301_000,
            &Book,
        );
        assert_eq!(code(&late), 401);
        assert!(
            late.header("www-authenticate")
                .unwrap()
                .contains("stale=true")
        );
        let forged = format!("{}{}", &nonce[..12], "0".repeat(24));
        assert_eq!(
            code(&r.handle(
                &authorized("201", "s3cret", Algorithm::Md5, &forged, 1, ""),
                "a",
                T,
                &Book
            )),
            401
        );
        assert_eq!(
            code(&r.handle(
                &authorized("201", "s3cret", Algorithm::Md5, &nonce, 5, ""),
                "a",
                T,
                &Book
            )),
            200
        );
        assert_eq!(
            code(&r.handle(
                &authorized("201", "s3cret", Algorithm::Md5, &nonce, 5, ""),
                "a",
                T,
                &Book
            )),
            401,
            "replayed nc"
        );
    }

    #[test]
    fn expiry_bounds_several_devices_queries_and_removal() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "a", T, &Book));
        let brief = r.handle(
            &authorized(
                "201",
                "s3cret",
                Algorithm::Md5,
                &nonce,
                1,
                "Contact: <sip:201@10.0.0.1>;expires=30\r\n",
            ),
            "a",
            T,
            &Book,
        );
        assert_eq!(
            (code(&brief), brief.header("min-expires")),
            (423, Some("60"))
        );
        r.handle(
            &authorized(
                "201",
                "s3cret",
                Algorithm::Md5,
                &nonce,
                2,
                "Contact: <sip:201@10.0.0.1>\r\n",
            ),
            "a",
            T,
            &Book,
        );
        r.handle(
            &authorized(
                "201",
                "s3cret",
                Algorithm::Md5,
                &nonce,
                3,
                "Contact: <sip:201@10.0.0.2>;expires=99999\r\n",
            ),
            "a",
            T,
            &Book,
        );
        let query = r.handle(
            &authorized("201", "s3cret", Algorithm::Md5, &nonce, 4, ""),
            "a",
            T,
            &Book,
        );
        let listed: Vec<&str> = query.headers_named("contact").collect();
        assert_eq!(
            listed,
            vec![
                "<sip:201@10.0.0.1>;expires=3600",
                "<sip:201@10.0.0.2>;expires=3600"
            ],
            "no Contact lists the bindings; expiry capped"
        );
        r.handle(
            &authorized(
                "201",
                "s3cret",
                Algorithm::Md5,
                &nonce,
                5,
                "Contact: <sip:201@10.0.0.1>;expires=0\r\n",
            ),
            "a",
            T,
            &Book,
        );
        assert_eq!(r.bindings("201@acme.sip.test", T).len(), 1);
        let all = r.handle(
            &authorized(
                "201",
                "s3cret",
                Algorithm::Md5,
                &nonce,
                6,
                "Contact: *\r\nExpires: 0\r\n",
            ),
            "a",
            T,
            &Book,
        );
        assert_eq!(code(&all), 200);
        assert!(r.bindings("201@acme.sip.test", T).is_empty());
    }
    #[test]
    fn a_nonce_carries_an_hmac_of_its_head_and_the_source_under_the_secret() {
        use hmac::Mac;
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book));
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&[7; 32]).unwrap();
        mac.update(&nonce.as_bytes()[..20]);
        mac.update(b"|192.0.2.10");
        assert_eq!(nonce[20..], hex::encode(&mac.finalize().into_bytes()[..12]));
    }

    #[test]
    fn a_nonce_proves_only_the_address_it_was_sent_to() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book));
        // A spoofed source never saw a nonce of its own: even a right password from there is
        // challenged afresh (not 403, which the guard would count against that address).
        let contact = "Contact: <sip:201@192.0.2.10:5062>\r\n";
        let elsewhere = authorized("201", "s3cret", Algorithm::Md5, &nonce, 1, contact);
        assert_eq!(
            code(&r.handle(&elsewhere, "198.51.100.9:5060", T, &Book)),
            401
        );
        let wrong = authorized("201", "guess", Algorithm::Md5, &nonce, 2, contact);
        assert_eq!(code(&r.handle(&wrong, "198.51.100.9:5060", T, &Book)), 401);
        // The same IP from another port (a NAT, a new TCP connection) is the same address.
        let ok = authorized("201", "s3cret", Algorithm::Md5, &nonce, 3, contact);
        assert_eq!(code(&r.handle(&ok, "192.0.2.10:6000", T, &Book)), 200);
    }

    #[test]
    fn answers_without_a_nonce_count_or_for_another_uri_are_not_taken() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book));
        // RFC 2069 style, no qop: replayable for the nonce's life, so challenged again.
        let mut c = digest::Credentials {
            username: "201".into(),
            realm: "acme.sip.test".into(),
            nonce: nonce.clone(),
            uri: "sip:acme.sip.test".into(),
            ..Default::default()
        };
        let ha1 = digest::ha1(Algorithm::Md5, "201", "acme.sip.test", "s3cret");
        c.response = digest::response(Algorithm::Md5, &ha1, "REGISTER", &c);
        let bare = format!(
            "Authorization: Digest username=\"201\", realm=\"acme.sip.test\", nonce=\"{nonce}\", uri=\"sip:acme.sip.test\", response=\"{}\"\r\n",
            c.response
        );
        assert_eq!(
            code(&r.handle(&register("201", &bare), "192.0.2.10:5062", T, &Book)),
            401
        );
        // A right answer computed for another Request-URI is refused.
        let good = authorized("201", "s3cret", Algorithm::Md5, &nonce, 1, "");
        let mut other = good.clone();
        if let StartLine::Request { uri, .. } = &mut other.start {
            *uri = "sip:other.sip.test".into();
        }
        assert_eq!(code(&r.handle(&other, "192.0.2.10:5062", T, &Book)), 403);
        assert_eq!(code(&r.handle(&good, "192.0.2.10:5062", T, &Book)), 200);
    }

    #[test]
    fn a_path_is_stored_and_echoed_only_for_registrations_through_an_edge_proxy() {
        let cfg = Config {
            edge_proxies: vec!["198.51.100.7".parse().unwrap()],
            ..Config::default()
        };
        let mut r = Reg::new(cfg, [7; 32]);
        let path = "Supported: path\r\nPath: <sip:198.51.100.7:5070;lr>\r\nContact: <sip:201@10.0.0.5:5062>\r\n";
        let send = |r: &mut Reg, from: &str, nc: u32| {
            let nonce = nonce_of(&r.handle(&register("201", ""), from, T, &Book));
            let m = authorized("201", "s3cret", Algorithm::Md5, &nonce, nc, path);
            r.handle(&m, from, T, &Book)
        };
        let ok = send(&mut r, "198.51.100.7:5060", 1);
        assert_eq!(code(&ok), 200);
        assert_eq!(ok.header("path"), Some("<sip:198.51.100.7:5070;lr>"));
        let b = r.bindings("201@acme.sip.test", T);
        assert_eq!(b[0].path, ["<sip:198.51.100.7:5070;lr>"]);
        // The same REGISTER straight from a phone: its Path is not believed nor echoed.
        r.forget("201@acme.sip.test");
        let direct = send(&mut r, "203.0.113.9:5062", 1);
        assert_eq!((code(&direct), direct.header("path")), (200, None));
        assert!(r.bindings("201@acme.sip.test", T)[0].path.is_empty());
        // An edge's malformed Path is refused and binds nothing.
        r.forget("201@acme.sip.test");
        let nonce = nonce_of(&r.handle(&register("201", ""), "198.51.100.7:5060", T, &Book));
        let bad = "Path: sip:198.51.100.7;lr\r\nContact: <sip:201@10.0.0.5:5062>\r\n";
        let m = authorized("201", "s3cret", Algorithm::Md5, &nonce, 1, bad);
        assert_eq!(code(&r.handle(&m, "198.51.100.7:5060", T, &Book)), 400);
        assert!(r.bindings("201@acme.sip.test", T).is_empty());
    }

    #[test]
    fn a_line_has_at_most_ten_devices_and_a_refused_register_changes_nothing() {
        let mut r = Reg::new(Config::default(), [7; 32]);
        let nonce = nonce_of(&r.handle(&register("201", ""), "192.0.2.10:5062", T, &Book));
        let contacts = |from: u16, n: u16| -> String {
            (from..from + n)
                .map(|p| format!("Contact: <sip:201@192.0.2.10:{p}>\r\n"))
                .collect()
        };
        let send = |r: &mut Reg, nc: u32, extra: &str| {
            let m = authorized("201", "s3cret", Algorithm::Md5, &nonce, nc, extra);
            code(&r.handle(&m, "192.0.2.10:5062", T, &Book))
        };
        assert_eq!(
            send(&mut r, 1, &contacts(6000, 11)),
            503,
            "11 in one REGISTER"
        );
        assert!(r.bindings("201@acme.sip.test", T).is_empty());
        assert_eq!(send(&mut r, 2, &contacts(6000, 8)), 200);
        // Three more would make 11: refused whole, the 8 stay as they were.
        assert_eq!(send(&mut r, 3, &contacts(7000, 3)), 503);
        assert_eq!(r.bindings("201@acme.sip.test", T).len(), 8);
        // Refreshing the same devices is not growth.
        assert_eq!(send(&mut r, 4, &contacts(6000, 8)), 200);
        assert_eq!(send(&mut r, 5, &contacts(7000, 2)), 200);
        assert_eq!(r.bindings("201@acme.sip.test", T).len(), 10);
    }
}
