//! REGISTER (RFC 3261 section 10) and the answers to non-INVITE requests kept for their
//! retransmissions (section 17.2.2).

use super::*;

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
    let company = looked_up.as_ref().map(|(_, co)| co.clone());
    let found = Found(looked_up.map(|(a, _)| a));
    let now = engine.now_ms();
    let aor = format!("{user}@{domain}");
    let (answer, stored) = {
        let mut reg = engine.reg.lock();
        let answer = reg.handle(msg, &from.to_string(), now, &found);
        let stored = match (&answer.start, company) {
            (StartLine::Response { code: 200, .. }, Some(company)) => {
                // Counting walks every binding: at most ten times a second.
                let mut last = *engine.counted_at.lock();
                if now - last >= 100 {
                    last = now;
                    let count = u64::try_from(reg.binding_count(now)).unwrap_or(u64::MAX);
                    engine.registrations.store(count, Ordering::Relaxed);
                    *engine.counted_at.lock() = last;
                }
                Some((company, reg.bindings(&aor, now)))
            }
            _ => None,
        };
        (answer, stored)
    };
    engine.judge(from, username.as_deref(), &domain, answer.code());
    if let Some((company, list)) = stored
        && engine.needs_writing(&aor, &list)
    {
        let devices = list.len();
        let (done, stored) = tokio::sync::oneshot::channel();
        let job = PersistJob {
            aor: aor.clone(),
            company,
            bindings: list,
            done,
        };
        if engine.persist.send(job).is_ok() {
            let _ = stored.await;
        }
        if devices > 0 {
            // Messages kept while the line had no device go out now.
            messaging::flush(engine.clone(), domain.clone(), user.clone());
        }
    }
    answer
}
