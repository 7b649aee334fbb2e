//! The SIP front door over UDP: datagrams in, the sans-IO registrar's answers out, to the address
//! the request came from (rport, RFC 3581) so phones behind NAT hear back. INVITE and the other
//! dialog methods are not served yet and answer 501.

use sb_domain::clock::Clock;
use sb_sip::digest::{self, Algorithm};
use sb_sip::registrar::{self, Account, Accounts, Registrar};
use sb_sip::{Message, StartLine};
use sb_store::Store;
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

fn to_user_and_domain(m: &Message) -> Option<(String, String)> {
    let to = m.header("to")?;
    let uri = match (to.find('<'), to.find('>')) {
        (Some(a), Some(b)) if a < b => &to[a + 1..b],
        _ => to.split(';').next().unwrap_or(to),
    };
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))?;
    let (user, host) = rest.split_once('@')?;
    Some((
        user.to_owned(),
        host.split([';', ':']).next().unwrap_or(host).to_owned(),
    ))
}

async fn lookup(store: &Store, m: &Message) -> Option<Account> {
    let (_, domain) = to_user_and_domain(m)?;
    let username = m
        .header("authorization")
        .and_then(digest::parse_credentials)?
        .username;
    let mut c = store.conn().await.ok()?;
    let (line, in_service) = sb_store::lines::sip_account(&mut c, &domain, &username)
        .await
        .ok()??;
    Some(Account {
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
    })
}

/// Serves SIP on `socket` until the task is stopped.
pub async fn run(
    socket: UdpSocket,
    store: Store,
    clock: Arc<dyn Clock>,
    registrations: Arc<std::sync::atomic::AtomicU64>,
) {
    let mut secret = [0u8; 32];
    let _ = getrandom_fill(&mut secret);
    let mut reg = Registrar::new(registrar::Config::default(), secret);
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
                let found = Found(lookup(&store, &msg).await);
                let now = clock.now().as_millisecond();
                let answer = reg.handle(&msg, &from.to_string(), now, &found);
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

fn getrandom_fill(buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")?.read_exact(buf)
}
