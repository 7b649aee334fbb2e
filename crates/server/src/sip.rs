//! The SIP front door over UDP: datagrams in, the sans-IO registrar's answers out, to the address
//! the request came from (rport, RFC 3581) so phones behind NAT hear back. INVITE and the other
//! dialog methods are not served yet and answer 501.

use sb_domain::clock::Clock;
use sb_sip::digest::{self, Algorithm};
use sb_sip::registrar::{self, Account, Accounts, Binding, Registrar};
use sb_sip::{Message, StartLine};
use sb_store::Store;
use sb_store::registrations::{self, Registration};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::UdpSocket;

/// The one account a REGISTER can be about, looked up before the registrar runs.
struct Found(Option<Account>);

impl Accounts for Found {
    fn find(&self, realm: &str, username: &str) -> Option<Account> {
        self.0
            .clone()
            .filter(|a| a.realm == realm && a.username == username)
    }
}

async fn lookup(store: &Store, m: &Message) -> Option<(Account, sb_domain::ids::CompanyId)> {
    let (_, domain) = registrar::to_address(m)?;
    let domain = domain.to_owned();
    let username = m
        .header("authorization")
        .and_then(digest::parse_credentials)?
        .username;
    let mut c = store.conn().await.ok()?;
    let (line, in_service) = sb_store::lines::sip_account(&mut c, &domain, &username)
        .await
        .ok()??;
    let account = Account {
        ha1_md5: digest::ha1(
            Algorithm::Md5,
            &line.sip_username,
            &domain,
            &line.sip_password,
        ),
        ha1_sha256: digest::ha1(
            Algorithm::Sha256,
            &line.sip_username,
            &domain,
            &line.sip_password,
        ),
        username: line.sip_username,
        realm: domain,
        enabled: in_service,
    };
    Some((account, line.company_id))
}

/// Writes the current devices of `aor` through to the database.
async fn persist(
    store: &Store,
    reg: &mut Registrar,
    aor: &str,
    company: &sb_domain::ids::CompanyId,
    now: i64,
) {
    let list: Vec<Registration> = reg
        .bindings(aor, now)
        .into_iter()
        .map(|b| Registration {
            aor: aor.to_owned(),
            contact: b.contact,
            company_id: company.clone(),
            expires_at: b.expires_at_ms,
            source: b.source,
            call_id: b.call_id,
            cseq: i64::from(b.cseq),
        })
        .collect();
    let result = match store.begin().await {
        Ok(mut tx) => match registrations::save(&mut tx, aor, &list).await {
            Ok(()) => tx.commit().await,
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not store a registration");
    }
}

/// Registrations kept in the database from before this start.
async fn restore(store: &Store, reg: &mut Registrar, now: i64) {
    let loaded = match store.conn().await {
        Ok(mut c) => registrations::load(&mut c, now).await,
        Err(e) => Err(e),
    };
    match loaded {
        Ok(list) => {
            for r in list {
                let binding = Binding {
                    contact: r.contact,
                    expires_at_ms: r.expires_at,
                    call_id: r.call_id,
                    cseq: u32::try_from(r.cseq).unwrap_or(0),
                    source: r.source,
                };
                reg.restore(&r.aor, binding);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not load stored registrations"),
    }
}

/// Serves SIP on `socket` until the task is stopped.
pub async fn run(
    socket: UdpSocket,
    store: Store,
    clock: Arc<dyn Clock>,
    registrations: Arc<std::sync::atomic::AtomicU64>,
) {
    let secret = sb_app::secrets::random_bytes::<32>();
    let mut reg = Registrar::new(registrar::Config::default(), secret);
    let started = clock.now().as_millisecond();
    restore(&store, &mut reg, started).await;
    registrations.store(
        u64::try_from(reg.binding_count(started)).unwrap_or(0),
        std::sync::atomic::Ordering::Relaxed,
    );
    let mut buf = vec![0u8; sb_sip::message::MAX_MESSAGE];
    loop {
        let (n, from) = match socket.recv_from(&mut buf).await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "SIP receive failed");
                continue;
            }
        };
        let Ok(msg) = sb_sip::parse(&buf[..n]) else {
            // Not SIP at all (or hostile): dropped, as RFC 3261 section 18.3 allows for UDP.
            continue;
        };
        let reply = match msg.method() {
            Some("REGISTER") => {
                let looked_up = lookup(&store, &msg).await;
                let company = looked_up.as_ref().map(|(_, co)| co.clone());
                let found = Found(looked_up.map(|(a, _)| a));
                let now = clock.now().as_millisecond();
                let answer = reg.handle(&msg, &from.to_string(), now, &found);
                if let (
                    StartLine::Response { code: 200, .. },
                    Some(company),
                    Some((user, domain)),
                ) = (&answer.start, &company, registrar::to_address(&msg))
                {
                    persist(&store, &mut reg, &format!("{user}@{domain}"), company, now).await;
                }
                let count = u64::try_from(reg.binding_count(now)).unwrap_or(u64::MAX);
                registrations.store(count, std::sync::atomic::Ordering::Relaxed);
                Some(answer)
            }
            Some("OPTIONS") => Some(registrar::reply(
                &msg,
                200,
                "OK",
                &[("Allow", "REGISTER, OPTIONS")],
            )),
            Some("ACK") => None,
            Some(_) => Some(registrar::reply(&msg, 501, "Not Implemented", &[])),
            None => None,
        };
        if let Some(r) = reply {
            send(&socket, &r, from).await;
        }
    }
}

async fn send(socket: &UdpSocket, m: &Message, to: SocketAddr) {
    if let StartLine::Response { .. } = m.start
        && let Err(e) = socket.send_to(&m.to_bytes(), to).await
    {
        tracing::warn!(error = %e, "SIP send failed");
    }
}
