//! Who may start a call, and how many at once: carriers recognised in a way a stranger cannot
//! fake, call caps per trunk, company and line, and the bound on how hard calls to one line may
//! make Switchboard send.
//!
//! A UDP source address proves nothing: anyone can write a carrier's address into their
//! packets. So a carrier's call is taken as one only on a TCP or TLS connection from the
//! trunk's IP (a connection needs the handshake's answer), or, in the trunk's `secret` mode,
//! with the trunk's shared key in the Request-URI (`;key=...`). Anything else must prove a
//! line with digest credentials like any phone.

use super::Engine;
use crate::ports::Signalling;
use crate::upstream::Carriers;
use parking_lot::Mutex;
use sb_app::AppResult;
use sb_app::trunks::Trunk;
use sb_domain::ids::{CompanyId, LineId};
use sb_sip::Message;
use sb_sip::guard::{self, Guard};
use sb_sip::registrar;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// What a call holds while it lasts: one slot under each of these caps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Slot {
    Trunk(String),
    Company(CompanyId),
    Line(LineId),
}

/// Who may start what, with its own state: the guard against floods and password guessing,
/// the calls holding a slot under each cap, and the devices rung per line.
pub(super) struct Admission {
    guard: Mutex<Guard>,
    /// Calls holding a slot under each cap (trunk, company, line).
    load: Mutex<HashMap<Slot, i64>>,
    /// Devices rung per line, bounded per second.
    fanout: Mutex<guard::Fanout>,
}

impl Admission {
    pub(super) fn new(guard: Guard) -> Self {
        Admission {
            guard: Mutex::new(guard),
            load: Mutex::new(HashMap::new()),
            // Ten devices per line: three calls to a full line at once, then one a second.
            fanout: Mutex::new(guard::Fanout::new(30, 10)),
        }
    }

    /// Whether a request from `ip` is taken at all (not blocked, not flooding).
    pub(super) fn admit(&self, ip: IpAddr, now_ms: i64) -> bool {
        self.guard.lock().admit(ip, now_ms)
    }

    /// Whether `username` may try to authenticate from `ip` (not blocked for that address).
    pub(super) fn may_try(&self, ip: IpAddr, username: &str, now_ms: i64) -> bool {
        self.guard.lock().may_try(ip, username, now_ms)
    }

    /// Counts an authentication outcome (`code` 200 or 403); the blocks it starts.
    pub(super) fn judge(
        &self,
        ip: IpAddr,
        username: Option<&str>,
        code: Option<u16>,
        now_ms: i64,
    ) -> Vec<guard::Blocked> {
        let mut g = self.guard.lock();
        match (code, username) {
            (Some(200), Some(u)) => {
                g.succeeded(ip, u);
                Vec::new()
            }
            (Some(403), u) => g.failed(ip, u, now_ms),
            _ => Vec::new(),
        }
    }

    /// Trusts the trunks' and edge proxies' addresses: never limited or blocked, so a carrier
    /// sending many calls, or a proxy speaking for many phones, is not taken for a flood.
    pub(super) fn trust(&self, trunks: &[Trunk], edge_proxies: &[IpAddr]) {
        let ips: Vec<_> = trunks
            .iter()
            .filter_map(|t| t.address.parse::<SocketAddr>().ok())
            .map(|a| a.ip())
            .chain(edge_proxies.iter().copied())
            .collect();
        self.guard.lock().trust(ips);
    }

    /// Takes a slot under `slot`'s cap; false (nothing taken) when the cap is reached.
    fn take_slot(&self, slot: &Slot, max: i64) -> bool {
        let mut load = self.load.lock();
        let n = load.entry(slot.clone()).or_insert(0);
        if max > 0 && *n >= max {
            if *n == 0 {
                load.remove(slot);
            }
            return false;
        }
        *n += 1;
        true
    }

    /// The calls holding `slot` now.
    pub(super) fn held(&self, slot: &Slot) -> i64 {
        self.load.lock().get(slot).copied().unwrap_or(0)
    }

    /// Gives slots back when a call ends.
    fn give_slots(&self, slots: &[Slot]) {
        let mut load = self.load.lock();
        for s in slots {
            if let Some(n) = load.get_mut(s) {
                *n -= 1;
                if *n <= 0 {
                    load.remove(s);
                }
            }
        }
    }
}

impl Engine {
    /// Takes a slot under `slot`'s cap; false (nothing taken) when the cap is reached.
    pub(super) fn take_slot(&self, slot: &Slot, max: i64) -> bool {
        self.admission.take_slot(slot, max)
    }

    /// Gives slots back when a call ends.
    pub(super) fn give_slots(&self, slots: &[Slot]) {
        self.admission.give_slots(slots);
    }

    /// Whether calls to `aor` may ring `devices` more devices now.
    pub(super) fn may_ring(&self, aor: &str, devices: usize) -> bool {
        let now = self.now_ms();
        self.admission.fanout.lock().take(aor, devices, now)
    }
}

/// Keeps the guard's list of carrier and edge-proxy addresses (never limited or blocked)
/// current.
pub(super) async fn keep_trunks_trusted(engine: Arc<Engine>) {
    loop {
        if let Ok(trunks) = engine.app.trunks_for_engine().await {
            let edge = &engine.settings.edge_proxies;
            engine.admission.trust(&trunks, edge);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// Whether an INVITE from `from` is the carrier of `trunk` calling: from the trunk's IP (any
/// port: a TCP connection comes from a port of its own), and either over TCP/TLS or, in
/// `secret` mode, with the trunk's key in the Request-URI.
fn is_from<S: Signalling>(ctx: &S, trunk: &Trunk, msg: &Message, from: SocketAddr) -> bool {
    let Ok(at) = trunk.address.parse::<SocketAddr>() else {
        return false;
    };
    if at.ip() != from.ip() {
        return false;
    }
    match (trunk.inbound.as_str(), &trunk.inbound_secret) {
        ("secret", Some(secret)) => msg
            .uri()
            .and_then(|u| registrar::param(u, "key"))
            .is_some_and(|k| sb_sip::digest::same(k, secret)),
        _ => ctx.on_stream(from),
    }
}

/// A carrier's caller as shown inside the company: a number that can only be an outside one (7
/// to 15 digits, with or without `+`). Anything shorter or stranger could pass for one of the
/// company's extensions ("201" calling from outside), so such a caller is anonymous.
pub(super) fn outside_number(raw: Option<&str>) -> String {
    let Some(raw) = raw else {
        return "anonymous".to_owned();
    };
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        raw.to_owned()
    } else {
        "anonymous".to_owned()
    }
}

/// A carrier's call: who is calling through which trunk, for the call to take as its caller.
pub(super) struct Carrier {
    pub(super) company: CompanyId,
    /// The caller's number, or `anonymous`.
    pub(super) number: String,
    pub(super) name: Option<String>,
    /// The trunk's slot and its cap.
    pub(super) trunk: (Slot, i64),
}

/// A call from a carrier: the INVITE comes from a trunk (see [`is_from`]) and is for one of
/// the numbers of the trunk's company (or of any company, for an installation trunk). The
/// trunk's slot is taken here; `None` when it is not a carrier's call.
pub(super) async fn from_trunk(
    engine: &Engine,
    msg: &Message,
    from: SocketAddr,
) -> Option<Carrier> {
    carrier_of(engine, msg, from).await
}

/// What recognising a carrier asks: the trunks ([`Carriers`]), whether a peer is on a TCP or
/// TLS connection ([`Signalling`]), and the company a dialled number belongs to.
pub(crate) trait Numbers: Carriers + Signalling {
    /// The company a carrier's call for `number` belongs to (`App::company_of_number`).
    fn company_of_number(
        &self,
        number: &str,
        trunk_company: Option<&CompanyId>,
    ) -> impl Future<Output = AppResult<Option<CompanyId>>> + Send;
}

impl Numbers for Engine {
    fn company_of_number(
        &self,
        number: &str,
        trunk_company: Option<&CompanyId>,
    ) -> impl Future<Output = AppResult<Option<CompanyId>>> + Send {
        self.app.company_of_number(number, trunk_company)
    }
}

/// [`from_trunk`] over the [`Numbers`] port.
async fn carrier_of<C: Numbers>(ctx: &C, msg: &Message, from: SocketAddr) -> Option<Carrier> {
    let trunks = ctx.trunks().await.ok()?;
    let trunk = trunks.iter().find(|t| is_from(ctx, t, msg, from))?;
    let dialled = msg.uri().and_then(registrar::user_of)?;
    let company = ctx
        .company_of_number(dialled, trunk.company_id.as_ref())
        .await
        .ok()??;
    let from_header = msg.header("from").unwrap_or_default();
    let number = outside_number(registrar::user_of(registrar::uri_of(from_header)));
    let name = from_header
        .split_once('"')
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(n, _)| n.to_owned())
        .filter(|n| !n.is_empty());
    Some(Carrier {
        company,
        number,
        name,
        trunk: (Slot::Trunk(trunk.id.to_string()), trunk.max_calls),
    })
}

#[cfg(test)]
mod tests;
