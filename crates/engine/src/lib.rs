//! The SIP front door over UDP: datagrams in, answers out to the address the request came from
//! (rport, RFC 3581) so phones behind NAT hear back. REGISTER goes to the sans-IO registrar;
//! a new INVITE is authenticated and becomes a call task ([`call`]), which every later message
//! of that call (by Call-ID, on either leg) is handed to.

mod admission;
mod batch;
mod call;
mod carrier_texts;
mod click;
// The media the engine drives, under the names its modules have always used.
pub use sb_media::endpoint as media;
pub use sb_media::{hold, recorder, relay};
mod client;
mod ids;
mod line_state;
mod location;
mod register;
mod settings;
mod table;
mod transport;
use register::*;
pub use settings::{Caps, Gauges, Settings, Streams};
use transport::{Transport, Transports};
pub mod conference;
#[cfg(test)]
mod fake;
mod messaging;
mod portal;
mod ports;
mod presence;
pub mod stream;
mod upstream;

use parking_lot::Mutex;
use sb_app::App;
use sb_app::call_log::NewCallRecord;
use sb_app::switch::{LiveState, SipLine};
use sb_domain::clock::Clock;
use sb_domain::ids::DepartmentId;
use sb_sip::Message;
use sb_sip::digest;
use sb_sip::guard::{self, Guard};
use sb_sip::registrar::{self, Account, Accounts, Binding, Registrar};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// What every call task shares: the services with their own state (transports, registrar,
/// admission, the call table, presence), the media, and live counters.
pub struct Engine {
    /// UDP and the TCP and TLS connections: how every peer is reached.
    transport: Transports,
    /// The address put in Via and Contact.
    local: SocketAddr,
    app: App,
    clock: Arc<dyn Clock>,
    settings: Settings,
    /// REGISTER and digest authentication, where devices are, the answers kept for
    /// retransmissions.
    registrations: Registrations,
    /// Floods, password guessing, call caps and fan-out.
    admission: admission::Admission,
    /// Which call task each Call-ID goes to, and the calls' shared bookkeeping.
    table: table::CallTable,
    /// Subscriptions and what each watched line is doing.
    presence: presence::Presence,
    /// Our requests outside calls (NOTIFY, MESSAGE, REGISTER) waiting for their final answer.
    pending: client::Pending,
    ports: Arc<relay::Ports>,
    /// Calls in progress, for /metrics.
    pub active_calls: Arc<AtomicU64>,
    /// Finished calls' records, for the call-log writer.
    call_log: mpsc::UnboundedSender<Vec<NewCallRecord>>,
    /// Conference rooms with someone in them.
    conferences: Arc<conference::Conferences>,
    /// Music on hold for everyone waiting, from one clock.
    hold: Arc<hold::Hold>,
    /// Call-in agents dialled in to their queues.
    call_in: call::queue::CallInPool,
    /// The in-process caller legs of click-to-call calls.
    click_legs: click::Legs,
}

impl LiveState for Engine {
    fn department_calls(&self, id: &DepartmentId) -> i64 {
        self.table.department_calls(id)
    }

    fn registered_devices(&self, aor: &str) -> u32 {
        u32::try_from(self.devices(aor).len()).unwrap_or(u32::MAX)
    }

    /// The calls holding the line's slot: each call it placed or that reached it.
    fn line_calls(&self, line: &sb_domain::ids::LineId) -> i64 {
        self.admission.held(&admission::Slot::Line(line.clone()))
    }
}

impl Engine {
    fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }

    /// The registered devices of an address of record.
    fn devices(&self, aor: &str) -> Vec<Binding> {
        self.registrations.devices(aor, self.now_ms())
    }

    /// Whether `to` is a phone on a TCP or TLS connection (a reliable transport: nothing is
    /// repeated towards it).
    fn on_stream(&self, to: SocketAddr) -> bool {
        click::Legs::inside(to) || self.transport.reliable(to)
    }

    async fn send_bytes(&self, bytes: &[u8], to: SocketAddr) {
        if click::Legs::inside(to) {
            self.click_legs.deliver(bytes, to);
            return;
        }
        self.transport.send(bytes, to).await;
    }

    /// Our Contact towards a party at `to`.
    fn contact_for(&self, to: SocketAddr) -> String {
        self.transport.contact_for(to)
    }

    /// A Via header for a request sent to `to`, naming the transport it goes over.
    fn via(&self, branch: &str, to: SocketAddr) -> String {
        self.transport.via(branch, to)
    }

    /// Routes later messages with `call_id` to a call task.
    fn attach(&self, call_id: &str, tx: &mpsc::UnboundedSender<(Message, SocketAddr)>) {
        self.table.attach(call_id, tx);
    }

    fn detach(&self, call_id: &str) {
        self.table.detach(call_id);
    }

    /// Counts a call in these departments; `delta` is +1 when it starts and -1 when it ends.
    fn count(&self, departments: &[DepartmentId], delta: i64) {
        self.table.count(departments, delta);
    }

    /// Where to send requests for a registered device: the address its REGISTER came from
    /// (behind NAT the Contact names a private address; a TCP phone is reached on its
    /// connection), or the Contact's port when it names that same host. Never another host a
    /// Contact names: a line could otherwise register a victim's address many times over and
    /// have every call to it sent there.
    ///
    /// A device behind an edge proxy is reached through its Path's first hop when that is an
    /// edge proxy's address, else at the proxy the REGISTER came from.
    fn device_address(&self, b: &Binding) -> Option<SocketAddr> {
        let source: SocketAddr = b.source.parse().ok()?;
        if self.on_stream(source) {
            return Some(source);
        }
        if !b.path.is_empty() {
            let hop = sb_sip::route::first_hop(&b.path, &self.settings.edge_proxies);
            return Some(hop.unwrap_or(source));
        }
        match contact_address(&b.contact) {
            Some(c) if c.ip() == source.ip() => Some(c),
            _ => Some(source),
        }
    }

    /// Whether `username` may try to authenticate from `from` (not blocked for that address).
    fn may_try(&self, from: SocketAddr, username: Option<&str>) -> bool {
        let now = self.now_ms();
        match username {
            Some(u) => self.admission.may_try(from.ip(), u, now),
            None => true,
        }
    }

    /// Whether `msg` shows its sender receives what is sent to `from`: it came over a
    /// connection, or it answers a challenge sent to that address.
    fn proven(&self, msg: &Message, proxy: bool, from: SocketAddr) -> bool {
        let now = self.now_ms();
        self.on_stream(from)
            || self
                .registrations
                .proves_source(msg, proxy, &from.ip().to_string(), now)
    }

    /// Counts an authentication outcome (`code` 200 or 403), and audits any block it starts.
    fn judge(&self, from: SocketAddr, username: Option<&str>, domain: &str, code: Option<u16>) {
        let now = self.now_ms();
        for b in self.admission.judge(from.ip(), username, code, now) {
            let app = self.app.clone();
            let source = from.ip().to_string();
            let domain = domain.to_owned();
            tracing::warn!(?b, %source, "SIP authentication failures: temporary block");
            tokio::spawn(async move {
                let user = match &b {
                    guard::Blocked::Username(u) => Some(u.as_str()),
                    guard::Blocked::Source(_) => None,
                };
                if let Err(e) = app.audit_sip_block(&source, user, Some(&domain), 15).await {
                    tracing::warn!(error = %e, "could not audit a SIP block");
                }
            });
        }
    }

    /// Marks a new INVITE or MESSAGE as being set up; false when it already is.
    fn begin_setup(&self, call_id: &str) -> bool {
        self.table.begin_setup(call_id)
    }

    fn end_setup(&self, call_id: &str) {
        self.table.end_setup(call_id);
    }

    /// The account named by the credentials of `m` (header `auth`) in the company of `domain`.
    async fn lookup(&self, m: &Message, domain: &str, auth: &str) -> Looked {
        self.registrations.lookup(&self.app, m, domain, auth).await
    }

    /// Drops every registered device of `aor`, in memory and in storage.
    async fn forget_bindings(&self, aor: String) {
        self.registrations.forget(&aor).await;
    }

    /// Records what a line is doing and tells its busy-lamp watchers when that changed.
    /// Whether the line is in an answered call.
    fn on_a_call(&self, line: &sb_domain::ids::LineId) -> bool {
        self.presence.line_state(line) == line_state::LineState::Confirmed
    }

    /// The agent a round-robin queue offers its next caller to first.
    fn queue_next(&self, queue: &sb_domain::ids::QueueId) -> usize {
        self.table.queue_next(queue)
    }

    fn set_queue_next(&self, queue: &sb_domain::ids::QueueId, agent: usize) {
        self.table.set_queue_next(queue, agent);
    }

    fn set_line_state(
        self: &Arc<Self>,
        line: &sb_domain::ids::LineId,
        state: line_state::LineState,
    ) {
        let changed = self.presence.set_line_state(line, state);
        let activity = match state {
            line_state::LineState::Idle => None,
            line_state::LineState::Early => Some(sb_app::queue_board::LineActivity::Ringing),
            line_state::LineState::Confirmed => Some(sb_app::queue_board::LineActivity::OnACall),
        };
        self.app.waiting_board().set_line(line, activity);
        if changed {
            let engine = self.clone();
            let line = line.clone();
            tokio::spawn(async move { presence::line_changed(&engine, &line).await });
        }
    }

    fn task_for(&self, call_id: &str) -> Option<mpsc::UnboundedSender<(Message, SocketAddr)>> {
        self.table.task_for(call_id)
    }
}

/// The `ip:port` of a SIP URI whose host is an IP address (port 5060 when absent).
fn contact_address(uri: &str) -> Option<SocketAddr> {
    let rest = uri.strip_prefix("sip:")?;
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split(';').next()?;
    if let Ok(a) = host.parse::<SocketAddr>() {
        return Some(a);
    }
    host.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, 5060))
}

/// Runs `on` for every change `changes` announces, in order, until the announcer is gone
/// (one more than 1,024 changes behind skips those it missed).
fn follow<T, F, Fut>(mut changes: tokio::sync::broadcast::Receiver<T>, on: F)
where
    T: Clone + Send + 'static,
    F: Fn(T) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    use tokio::sync::broadcast::error::RecvError;
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => on(change).await,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// The addresses a client may write for a listening address: itself, and on every address
/// (`0.0.0.0`, `::`) the loopback one, the only one documented to work there (phones on the
/// same machine, which name it in their digest `uri`).
fn own_addresses(listen: SocketAddr) -> Vec<SocketAddr> {
    let mut out = vec![listen];
    match listen.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            out.push(SocketAddr::from(([127, 0, 0, 1], listen.port())));
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            out.push(SocketAddr::from((
                std::net::Ipv6Addr::LOCALHOST,
                listen.port(),
            )));
        }
        _ => {}
    }
    out
}

/// Serves SIP on `socket` until the task is stopped.
pub async fn run(
    socket: UdpSocket,
    app: App,
    clock: Arc<dyn Clock>,
    gauges: Gauges,
    settings: Settings,
    streams: Streams,
) {
    let Gauges {
        registrations,
        active_calls,
    } = gauges;
    let Ok(local) = socket.local_addr() else {
        return;
    };
    let secret = app.sip_nonce_secret();
    let tls_local = streams
        .tls
        .as_ref()
        .and_then(|(listener, _)| listener.local_addr().ok());
    let own_uris = std::iter::once(local)
        .chain(tls_local)
        .flat_map(own_addresses)
        .map(|a| format!("sip:{a}"))
        .collect();
    let cfg = registrar::Config {
        own_uris,
        edge_proxies: settings.edge_proxies.clone(),
        ..registrar::Config::default()
    };
    let started = clock.now().as_millisecond();
    let location = location::Memory::open(&app, started).await;
    let registrations = Registrations::new(
        Registrar::new(cfg, secret),
        Box::new(location),
        registrations,
    );
    registrations.count(started);
    let media_ip = if local.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        local.ip()
    };
    let (call_log_tx, call_log_rx) = mpsc::unbounded_channel();
    tokio::spawn(call_log_writer(app.clone(), call_log_rx));
    let engine = Arc::new(Engine {
        transport: Transports::new(socket, local, tls_local),
        local,
        app,
        clock: clock.clone(),
        registrations,
        admission: admission::Admission::new(Guard::new(settings.guard.clone())),
        table: table::CallTable::default(),
        presence: presence::Presence::default(),
        pending: client::Pending::default(),
        ports: relay::Ports::new(media_ip, settings.rtp_ports, settings.media_reach.clone()),
        active_calls,
        call_log: call_log_tx,
        settings,
        conferences: Arc::default(),
        hold: Arc::default(),
        call_in: call::queue::CallInPool::default(),
        click_legs: click::Legs::default(),
    });
    let live: Arc<dyn LiveState> = engine.clone();
    engine.app.attach_live(Arc::downgrade(&live));
    if let Some(listener) = streams.tcp {
        tokio::spawn(stream::serve_tcp(engine.clone(), listener));
    }
    if let Some((listener, acceptor)) = streams.tls {
        tokio::spawn(stream::serve_tls(engine.clone(), listener, acceptor));
    }
    tokio::spawn(upstream::keep_registered(engine.clone()));
    tokio::spawn(admission::keep_trunks_trusted(engine.clone()));
    // A line whose SIP password changed loses its registrations at once.
    let forgetting = engine.clone();
    follow(engine.app.credential_changes(), move |aor| {
        let engine = forgetting.clone();
        async move { engine.forget_bindings(aor).await }
    });
    carrier_texts::follow_posted(&engine);
    click::serve(&engine);
    // Message-waiting lamps follow every change to a mailbox, wherever it was made.
    let lamps = engine.clone();
    follow(engine.app.mailbox_changes(), move |line| {
        let engine = lamps.clone();
        async move { presence::mailbox_changed(&engine, &line).await }
    });
    tokio::spawn(keep_counting(engine.clone()));
    let mut buf = vec![0u8; sb_sip::message::MAX_MESSAGE];
    loop {
        let (n, from) = match engine.transport.socket().recv_from(&mut buf).await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "SIP receive failed");
                continue;
            }
        };
        handle(&engine, &buf[..n], from).await;
    }
}

/// The registration count also follows expiries and registrations counted in between.
async fn keep_counting(engine: Arc<Engine>) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        engine.registrations.count(engine.now_ms());
    }
}

/// One message from `from`, over either transport.
async fn handle(engine: &Arc<Engine>, bytes: &[u8], from: SocketAddr) {
    let Ok(msg) = sb_sip::parse(bytes) else {
        // Not SIP at all (or hostile): dropped, as RFC 3261 section 18.3 allows for UDP.
        return;
    };
    if msg.method().is_some() {
        // Requests from blocked or flooding sources, and from scanners, get no answer.
        let now = engine.now_ms();
        let admitted = engine.admission.admit(from.ip(), now);
        if !admitted || (!engine.settings.answer_scanners && guard::is_scanner(&msg)) {
            return;
        }
    }
    // The answer to one of our requests outside calls, found by its transaction.
    if msg.method().is_none() && engine.pending.answer(&msg) {
        return;
    }
    // Every later message of a call, on either leg, goes to its task.
    if let Some(task) = msg.header("call-id").and_then(|id| engine.task_for(id)) {
        let _ = task.send((msg, from));
        return;
    }
    if msg.method().is_none() {
        // A response to nothing we wait for: a stray, or a repeat of an answer already taken.
        return;
    }
    // New transactions may wait on the database; they run beside the receive loop so that one
    // slow lookup does not hold up every other phone. A retransmitted INVITE or MESSAGE that
    // arrives while its first copy is still being set up is dropped.
    let new_dialog = matches!(msg.method(), Some("INVITE" | "MESSAGE")) && msg.tag("to").is_none();
    let call_id = msg.header("call-id").unwrap_or_default().to_owned();
    if new_dialog && !engine.begin_setup(&call_id) {
        return;
    }
    // A retransmitted REGISTER, MESSAGE or OPTIONS gets the answer its first copy got (or none
    // while that is still being worked out), never a second run (RFC 3261 section 17.2.2).
    let txn = match msg.method() {
        Some("INVITE" | "ACK") | None => None,
        Some(_) => transaction_key(&msg),
    };
    if let Some(key) = &txn {
        let seen = engine.registrations.seen(key);
        match seen {
            Seen::New => {}
            Seen::Working => return,
            Seen::Answered(bytes) => {
                engine.send_bytes(&bytes, from).await;
                return;
            }
        }
    }
    let engine = engine.clone();
    tokio::spawn(async move {
        let reply = match msg.method() {
            Some("REGISTER") => Some(register(&engine, &msg, from).await),
            Some("OPTIONS") => Some(registrar::reply(&msg, 200, "OK", &[("Allow", call::ALLOW)])),
            Some("INVITE") if new_dialog => invite(&engine, msg, from).await,
            Some("MESSAGE") if new_dialog => carrier_texts::receive(&engine, msg, from).await,
            Some("SUBSCRIBE") => presence::subscribe(&engine, msg, from).await,
            Some("ACK") => None,
            Some("BYE" | "CANCEL" | "INVITE" | "UPDATE" | "INFO" | "PRACK") => Some(
                registrar::reply(&msg, 481, "Call/Transaction Does Not Exist", &[]),
            ),
            Some(_) => Some(registrar::reply(&msg, 501, "Not Implemented", &[])),
            None => None,
        };
        if new_dialog {
            engine.end_setup(&call_id);
        }
        if let Some(r) = reply {
            let bytes = r.to_bytes();
            if let Some(key) = txn {
                engine.registrations.answered(key, bytes.clone());
            }
            engine.send_bytes(&bytes, from).await;
        } else if let Some(key) = txn {
            engine.registrations.unanswered(&key);
        }
    });
}

/// A new INVITE: the caller proves who they are (a line's credentials, RFC 3261 section 22.3),
/// then a call task takes it.
async fn invite(engine: &Arc<Engine>, msg: Message, from: SocketAddr) -> Option<Message> {
    if msg.header("proxy-authorization").is_none()
        && let Some(carrier) = admission::from_trunk(engine, &msg, from).await
    {
        let caller = call::Caller {
            line: None,
            company: carrier.company,
            number: carrier.number,
            name: carrier.name,
            departments: Vec::new(),
            trunk: Some(carrier.trunk),
        };
        return start_call(engine, msg, from, caller);
    }
    match authenticate_line(engine, &msg, from).await {
        Ok(caller) => start_call(engine, msg, from, call::Caller::of_line(caller)),
        Err(answer) => Some(answer),
    }
}

/// The company domain a request comes from (its From URI's host).
/// The host part of a header's or the Request-URI's address, without port or parameters.
fn host_of(uri: &str) -> Option<&str> {
    let (_, host) = uri.split_once('@')?;
    let host = host.split([';', '>', '?']).next().unwrap_or(host);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    (!host.is_empty()).then_some(host)
}

/// The SIP domain a line's request authenticates in: its From's. A phone withholding its
/// identity the standard way sends RFC 3323's `sip:anonymous@anonymous.invalid` instead (section
/// 4.1.1.3), which names no company, so then the realm is the one its credentials answered (the
/// digest proves it), else the domain it calls in: the Request-URI's host, or the To's, when that
/// is a name rather than an address.
fn caller_realm(msg: &Message, realm_answered: Option<&str>) -> Option<String> {
    let from = msg
        .header("from")
        .map(registrar::uri_of)
        .and_then(host_of)?;
    if !from.eq_ignore_ascii_case("anonymous.invalid") {
        return Some(from.to_owned());
    }
    let named = |h: &&str| h.parse::<std::net::IpAddr>().is_err() && !h.starts_with('[');
    realm_answered
        .filter(|r| !r.is_empty())
        .or_else(|| msg.uri().and_then(host_of).filter(named))
        .or_else(|| {
            msg.header("to")
                .map(registrar::uri_of)
                .and_then(host_of)
                .filter(named)
        })
        .map(str::to_owned)
}

/// The line a request (INVITE, MESSAGE, SUBSCRIBE) comes from, proven by digest credentials in
/// Proxy-Authorization (RFC 3261 section 22.3); otherwise the answer to send (407, 403, ...).
async fn authenticate_line(
    engine: &Engine,
    msg: &Message,
    from: SocketAddr,
) -> Result<SipLine, Message> {
    let credentials = msg
        .header("proxy-authorization")
        .and_then(digest::parse_credentials);
    let Some(domain) = caller_realm(msg, credentials.as_ref().map(|c| c.realm.as_str())) else {
        return Err(registrar::reply(msg, 400, "Bad From Header", &[]));
    };
    let username = credentials.map(|c| c.username);
    if !engine.may_try(from, username.as_deref()) {
        if engine.proven(msg, true, from) {
            engine.judge(from, None, &domain, Some(403));
        }
        return Err(registrar::reply(msg, 403, "Forbidden", &[]));
    }
    let looked_up = engine.lookup(msg, &domain, "proxy-authorization").await;
    let found = Found(looked_up.map(|(a, _)| a));
    let now = engine.now_ms();
    let source = from.ip().to_string();
    let who = registrar::Asking {
        proxy: true,
        user: None,
        realm: &domain,
        source: &source,
    };
    let verdict = engine.registrations.authenticate(msg, who, now, &found);
    let code = match &verdict {
        Ok(_) => Some(200),
        Err(answer) => answer.code(),
    };
    engine.judge(from, username.as_deref(), &domain, code);
    let account = verdict?;
    match engine
        .app
        .sip_line_by_account(&account.realm, &account.username)
        .await
    {
        Ok(Some(l)) => Ok(l),
        Ok(None) => Err(registrar::reply(msg, 403, "Forbidden", &[])),
        Err(e) => {
            tracing::warn!(error = %e, "could not load the calling line");
            Err(registrar::reply(msg, 500, "Server Error", &[]))
        }
    }
}

fn start_call(
    engine: &Arc<Engine>,
    msg: Message,
    from: SocketAddr,
    caller: call::Caller,
) -> Option<Message> {
    let call_id = msg.header("call-id")?.to_owned();
    let (tx, rx) = mpsc::unbounded_channel();
    engine.attach(&call_id, &tx);
    tokio::spawn(call::run(engine.clone(), msg, from, caller, tx, rx));
    None
}

/// Writes the call log in groups: the records of every call that ended while the last commit
/// ran go into the next one, so a busy minute costs a few transactions instead of one per call
/// (and the calls never wait for them).
async fn call_log_writer(app: App, mut rx: mpsc::UnboundedReceiver<Vec<NewCallRecord>>) {
    while let Some(calls) = batch::next_batch(&mut rx).await {
        let records: Vec<NewCallRecord> = calls.into_iter().flatten().collect();
        if let Err(e) = app.record_call(&records).await {
            tracing::warn!(error = %e, records = records.len(), "could not write the call log");
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_contact_names_its_host_and_port() {
        use super::contact_address;
        assert_eq!(
            contact_address("sip:201@192.168.1.20:5062;transport=udp"),
            "192.168.1.20:5062".parse().ok()
        );
        assert_eq!(
            contact_address("sip:10.0.0.1"),
            "10.0.0.1:5060".parse().ok()
        );
        assert_eq!(contact_address("sip:201@phone.example.com"), None);
    }

    fn invite(uri: &str, from: &str, to: &str) -> sb_sip::Message {
        let text = format!(
            "INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n\
             From: {from};tag=1\r\nTo: {to}\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
             Content-Length: 0\r\n\r\n"
        );
        sb_sip::message::parse(text.as_bytes()).expect("a request")
    }

    #[test]
    fn a_line_authenticates_in_the_domain_of_its_from() {
        let m = invite(
            "sip:201@pbx.example.com",
            "<sip:ulf@acme.example.com:5060>",
            "<sip:201@pbx.example.com>",
        );
        assert_eq!(
            super::caller_realm(&m, Some("other.example.com")).as_deref(),
            Some("acme.example.com")
        );
    }

    #[test]
    fn an_rfc_3323_anonymous_from_authenticates_in_the_domain_it_calls_or_answered() {
        let anonymous = "\"Anonymous\" <sip:anonymous@anonymous.invalid>";
        let m = invite(
            "sip:201@acme.example.com",
            anonymous,
            "<sip:201@acme.example.com>",
        );
        assert_eq!(
            super::caller_realm(&m, None).as_deref(),
            Some("acme.example.com")
        );
        assert_eq!(
            super::caller_realm(&m, Some("acme.example.com")).as_deref(),
            Some("acme.example.com")
        );
        // A Request-URI naming an address gives no realm: the To's name does.
        let m = invite(
            "sip:201@10.0.0.1:5060",
            anonymous,
            "<sip:201@acme.example.com>",
        );
        assert_eq!(
            super::caller_realm(&m, None).as_deref(),
            Some("acme.example.com")
        );
        let m = invite("sip:201@[::1]", anonymous, "<sip:201@10.0.0.1>");
        assert_eq!(super::caller_realm(&m, None), None);
    }
}
