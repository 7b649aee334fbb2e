//! Nothing acknowledged is lost: the server process is killed (SIGKILL, no chance to flush)
//! while API writes and REGISTERs are in flight, on SQLite and on PostgreSQL; after a restart on
//! the same database every write that was answered 2xx, and every registration answered 200, is
//! there. (`bench/durability` runs the same with hundreds of each.)

use crate::kit::ADMIN_PW;
use crate::sipclient::{Account, authenticated};
use sb_sip::Message;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// A server process, killed when dropped (a failing test must not leave it running).
struct Server(Child);

impl Server {
    /// SIGKILL: no chance to flush or finish anything.
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `switchboard serve` process on `data`/`url`, on the given ports.
fn serve(data: &std::path::Path, url: &str, http: u16, sip: u16) -> Server {
    let child = Command::new(BIN)
        .args(["serve", "--data-dir"])
        .arg(data)
        .args(["--database-url", url])
        .args(["--http-listen", &format!("127.0.0.1:{http}")])
        .args(["--sip-listen", &format!("127.0.0.1:{sip}")])
        .args(["--sip-per-source", "0"])
        .env("SWITCHBOARD_ADMIN_PASSWORD", ADMIN_PW)
        .env("SWITCHBOARD_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server(child)
}

async fn healthy(http: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn call(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<(u16, Value), reqwest::Error> {
    let mut rb = http.request(method, format!("{base}{path}"));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await?;
    let status = r.status().as_u16();
    let v = r.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, v))
}

/// A REGISTER of `a` from `sock` binding `contact`, or asking for the bindings without one.
async fn register(
    sock: &tokio::net::UdpSocket,
    sip: SocketAddr,
    a: &Account,
    contact: Option<&str>,
) -> Option<Message> {
    let headers = match contact {
        Some(c) => format!("Expires: 600\r\nContact: <{c}>\r\n"),
        None => String::new(),
    };
    authenticated(
        sock,
        sip,
        a,
        "REGISTER",
        &format!("sip:{}", a.domain),
        &headers,
    )
    .await
}

/// Sets up a company with `lines` lines on a fresh server; the admin token and the accounts.
async fn company(http: &reqwest::Client, base: &str, lines: usize) -> (String, Vec<Account>) {
    use reqwest::Method;
    let (_, login) = call(
        http,
        base,
        None,
        Method::POST,
        "/api/v1/auth/login",
        Some(json!({"username": "admin", "password": ADMIN_PW})),
    )
    .await
    .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let t = Some(token.as_str());
    let (_, r) = call(
        http,
        base,
        t,
        Method::POST,
        "/api/v1/resellers",
        Some(json!({"name": "Durable Telecom"})),
    )
    .await
    .unwrap();
    let (s, co) = call(http, base, t, Method::POST, "/api/v1/companies", Some(json!({
        "reseller_id": r["id"], "name": "Durable Dental", "country": "US",
        "time_zone": "America/New_York", "first_language": "en", "max_users": lines + 10, "max_lines": lines + 10})))
        .await
        .unwrap();
    assert_eq!(s, 201, "{co}");
    let company = co["id"].as_str().unwrap();
    // Reading SIP passwords needs the operator's password confirmed again.
    let (_, re) = call(
        http,
        base,
        t,
        Method::POST,
        "/api/v1/auth/reauth",
        Some(json!({"password": ADMIN_PW})),
    )
    .await
    .unwrap();
    let elevated = re["token"].as_str().unwrap().to_owned();
    let mut accounts = Vec::new();
    for i in 0..lines {
        let (s, u) = call(http, base, t, Method::POST, &format!("/api/v1/companies/{company}/users"),
            Some(json!({"name": format!("User {i}"), "username": format!("durable{i}{}", &co["id"].as_str().unwrap()[20..]), "password": crate::kit::PW}))).await.unwrap();
        assert_eq!(s, 201, "{u}");
        let (s, l) = call(
            http,
            base,
            t,
            Method::POST,
            &format!("/api/v1/companies/{company}/lines"),
            Some(json!({"extension": format!("{}", 300 + i), "user_id": u["user"]["id"]})),
        )
        .await
        .unwrap();
        assert_eq!(s, 201, "{l}");
        let (_, c) = call(
            http,
            base,
            Some(elevated.as_str()),
            Method::GET,
            &format!(
                "/api/v1/lines/{}/sip-credentials",
                l["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .unwrap();
        accounts.push(Account {
            user: c["sip_username"].as_str().unwrap().to_owned(),
            password: c["sip_password"].as_str().unwrap().to_owned(),
            domain: c["sip_domain"].as_str().unwrap().to_owned(),
        });
    }
    (token, accounts)
}

/// Kills the server in the middle of `writes` API writes and `phones` REGISTERs, restarts it
/// and checks that everything acknowledged is there.
async fn kill_during_writes(url: &str, writes: usize, phones: usize) {
    let data = std::env::temp_dir().join(format!("sbdur-{}", sb_domain::ids::new_id_text(0)));
    let (http_port, sip_port) = (crate::phones::free_port(), crate::phones::free_port());
    let base = format!("http://127.0.0.1:{http_port}");
    let sip: SocketAddr = format!("127.0.0.1:{sip_port}").parse().unwrap();
    let http = reqwest::Client::new();
    let mut server = serve(&data, url, http_port, sip_port);
    healthy(&http, &base).await;
    let (token, accounts) = company(&http, &base, phones).await;
    let acked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..writes {
        let (http, base, token, acked) = (http.clone(), base.clone(), token.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"name": format!("Reseller {i}")});
            let r = call(
                &http,
                &base,
                Some(&token),
                reqwest::Method::POST,
                "/api/v1/resellers",
                Some(body),
            )
            .await;
            match r {
                Ok((201, v)) => {
                    acked.fetch_add(1, Ordering::Relaxed);
                    Some(("reseller".to_owned(), v["id"].as_str().unwrap().to_owned()))
                }
                _ => None,
            }
        }));
    }
    for a in accounts.clone() {
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let contact = format!("sip:{}@{}", a.user, sock.local_addr().unwrap());
            let answer = register(&sock, sip, &a, Some(&contact)).await?;
            (answer.code() == Some(200)).then(|| {
                acked.fetch_add(1, Ordering::Relaxed);
                ("phone".to_owned(), a.user.clone())
            })
        }));
    }
    // Killed once part of the work is acknowledged, with the rest in flight.
    let half = (writes + phones) / 3;
    for _ in 0..400 {
        if acked.load(Ordering::Relaxed) >= half {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    let mut done = Vec::new();
    for t in tasks {
        if let Some(d) = t.await.unwrap() {
            done.push(d);
        }
    }
    assert!(
        !done.is_empty(),
        "something was acknowledged before the kill"
    );
    let total = writes + phones;
    eprintln!(
        "{url}: {} of {total} acknowledged before the kill",
        done.len()
    );
    let mut server = serve(&data, url, http_port, sip_port);
    healthy(&http, &base).await;
    let by_user: std::collections::HashMap<_, _> = accounts
        .iter()
        .map(|a| (a.user.clone(), a.clone()))
        .collect();
    let (_, login) = call(
        &http,
        &base,
        None,
        reqwest::Method::POST,
        "/api/v1/auth/login",
        Some(json!({"username": "admin", "password": ADMIN_PW})),
    )
    .await
    .unwrap();
    let t = login["token"].as_str().unwrap();
    for (kind, id) in &done {
        if kind == "reseller" {
            let (s, v) = call(
                &http,
                &base,
                Some(t),
                reqwest::Method::GET,
                &format!("/api/v1/resellers/{id}"),
                None,
            )
            .await
            .unwrap();
            assert_eq!(s, 200, "acknowledged reseller {id} lost: {v}");
        } else {
            // A REGISTER without Contact lists the line's bindings (RFC 3261 section 10.3).
            let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let answer = register(&sock, sip, &by_user[id], None).await.unwrap();
            assert!(
                answer.headers_named("contact").count() == 1,
                "acknowledged registration of {id} lost: {answer:?}"
            );
        }
    }
    server.kill();
}

#[tokio::test]
async fn what_was_acknowledged_before_a_kill_is_there_after_the_restart() {
    // bench/durability/run.sh asks for more of each.
    let n = |var: &str, default: usize| {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (writes, phones) = (n("SB_DURABILITY_WRITES", 40), n("SB_DURABILITY_PHONES", 20));
    for url in sb_store::testdb::fresh_urls("durable").await.unwrap() {
        kill_during_writes(&url, writes, phones).await;
    }
}
