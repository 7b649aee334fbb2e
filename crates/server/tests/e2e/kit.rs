//! Test kit: a real server on a free port, a small HTTP client, and a seeded world of two
//! tenants (reseller, company, admins, user, department, line, number each).

use reqwest::{Client, Method, StatusCode};
use sb_app::AppConfig;
use serde_json::{Value, json};
use switchboard::Running;
use switchboard::config::{Config, Flags};

pub const ADMIN_PW: &str = "Adm1n-Pass!";
pub const PW: &str = "Sesame-42!";

pub struct Srv {
    pub base: String,
    pub http: Client,
    pub running: Option<Running>,
}

pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {}", self.text))
            .to_owned()
    }
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

pub async fn start() -> Srv {
    start_with(
        sb_store::testdb::fresh_sqlite_url("e2e").unwrap(),
        AppConfig::default(),
    )
    .await
}

pub async fn start_with(url: String, app_cfg: AppConfig) -> Srv {
    launch(url, None, Some(app_cfg), &|_| {}).await
}

/// A server whose flags `tune` adjusts.
pub async fn start_tuned(tune: &dyn Fn(&mut Flags)) -> Srv {
    launch(
        sb_store::testdb::fresh_sqlite_url("e2e").unwrap(),
        None,
        Some(AppConfig::default()),
        tune,
    )
    .await
}

/// A server on the database at `url` with these application settings (`None`: as `serve` derives
/// them from the configuration) and flags.
pub async fn start_configured(
    url: String,
    app_cfg: Option<AppConfig>,
    tune: &dyn Fn(&mut Flags),
) -> Srv {
    launch(url, None, app_cfg, tune).await
}

/// Starts a server on a fresh data directory and a free port; without `app_cfg`, the
/// application settings follow from the configuration as in `switchboard serve`.
async fn launch(
    url: String,
    smtp_url: Option<&str>,
    app_cfg: Option<AppConfig>,
    tune: &dyn Fn(&mut Flags),
) -> Srv {
    let dir = std::env::temp_dir().join(format!("sbe2e-{}", sb_domain::ids::new_id_text(0)));
    let flags = Flags {
        data_dir: Some(dir),
        database_url: Some(url),
        http_listen: Some("127.0.0.1:0".into()),
        sip_listen: Some("127.0.0.1:0".into()),
        smtp_url: smtp_url.map(str::to_owned),
        // The tests' phones are on loopback, which is otherwise never sent media unasked.
        media_trusted_networks: Some("127.0.0.0/8".into()),
        ..Default::default()
    };
    let mut flags = flags;
    tune(&mut flags);
    let cfg = Config::load(&flags).unwrap();
    let app_cfg = app_cfg.unwrap_or_else(|| switchboard::app_config(&cfg, None).unwrap());
    let started = switchboard::start(cfg, app_cfg, "admin", Some(ADMIN_PW))
        .await
        .unwrap();
    let base = format!("http://{}", started.running.http_addr);
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Srv {
        base,
        http,
        running: Some(started.running),
    }
}

impl Srv {
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut rb = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            text,
            headers,
        }
    }
    /// The Prometheus text of `/metrics`.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.raw(Method::GET, path, Some(token), None).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.raw(Method::POST, path, Some(token), Some(body)).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.raw(Method::PATCH, path, Some(token), Some(body)).await
    }
    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.raw(Method::PUT, path, Some(token), Some(body)).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.raw(Method::DELETE, path, Some(token), None).await
    }
    pub async fn login_resp(&self, username: &str, password: &str) -> Resp {
        self.raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": password})),
        )
        .await
    }
    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self.login_resp(username, password).await;
        assert_eq!(r.status, 200, "login {username}: {}", r.text);
        r.body["token"].as_str().unwrap().to_owned()
    }
    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PW).await
    }
    /// An elevated token for the signed-in person (their password confirmed again): the test
    /// world gives every account `PW`, the operator `ADMIN_PW`.
    pub async fn elevate(&self, token: &str) -> String {
        let me = self.get("/api/v1/me", token).await;
        let pw = if me.body["user"]["username"] == "admin" {
            ADMIN_PW
        } else {
            PW
        };
        let r = self
            .post("/api/v1/auth/reauth", token, json!({"password": pw}))
            .await;
        assert_eq!(r.status, 200, "reauth: {}", r.text);
        r.body["token"].as_str().unwrap().to_owned()
    }
    /// A line's SIP credentials, read as administrators must: with an elevated token.
    pub async fn sip_credentials(&self, line_id: &str, token: &str) -> Resp {
        let elevated = self.elevate(token).await;
        self.get(
            &format!("/api/v1/lines/{line_id}/sip-credentials"),
            &elevated,
        )
        .await
    }
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}

/// One tenant of the world: a reseller with one company and its people and things.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub reseller_id: String,
    pub reseller_token: String,
    pub package_id: String,
    pub company_id: String,
    pub company_name: String,
    pub admin_id: String,
    pub admin_token: String,
    pub user_id: String,
    pub user_token: String,
    pub department_id: String,
    pub line_id: String,
    pub number_id: String,
    /// A company trunk, made by the reseller.
    pub trunk_id: String,
    /// A conference Ulf scheduled, with Ada invited.
    pub conference_id: String,
    /// A queue with Ulf's line as its agent.
    pub queue_id: String,
    /// A daily audit report mailed to Ada.
    pub report_id: String,
}

impl Tenant {
    /// A route's path with `{id}` replaced by this tenant's object of the route's kind.
    pub fn path_of(&self, route_path: &str) -> String {
        let kind = route_path
            .trim_start_matches("/api/v1/")
            .split('/')
            .next()
            .unwrap_or("");
        let id = match kind {
            "companies" => &self.company_id,
            "users" => &self.user_id,
            "lines" => &self.line_id,
            "numbers" => &self.number_id,
            "departments" => &self.department_id,
            "resellers" => &self.reseller_id,
            "packages" => &self.package_id,
            "trunks" => &self.trunk_id,
            "conferences" => &self.conference_id,
            // No message is seeded: bodies are checked before the message is looked up.
            "voicemails" | "recordings" | "faxes" | "contacts" | "group-contacts" | "messages" => {
                "0000000000000000000000000000"
            }
            "queues" => &self.queue_id,
            "reports" => &self.report_id,
            _ if !route_path.contains("{id}") => return route_path.to_owned(),
            other => panic!("add the id of a /{other} object to Tenant::path_of"),
        };
        route_path.replace("{id}", id)
    }
}

pub struct World {
    pub srv: Srv,
    pub sys: String,
    pub t1: Tenant,
    pub t2: Tenant,
}

pub async fn world() -> World {
    world_on(start().await).await
}

/// The two tenants on a server started otherwise.
pub async fn world_on(srv: Srv) -> World {
    let sys = srv.admin().await;
    let t1 = tenant(&srv, &sys, "one").await;
    let t2 = tenant(&srv, &sys, "two").await;
    World { srv, sys, t1, t2 }
}

/// A package of the tenant's reseller with `features`, offered to the company and given to its
/// user Ulf, as the reseller does it: the package's id.
pub async fn ulf_gets_package(srv: &Srv, t: &Tenant, name: &str, features: &[&str]) -> String {
    let p = srv
        .post(
            "/api/v1/packages",
            &t.reseller_token,
            json!({"name": name, "features": features, "monthly_price_cents": 100}),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.text);
    let company = format!("/api/v1/companies/{}", t.company_id);
    let co = srv.get(&company, &t.reseller_token).await.body;
    let mut offered = co["offered_packages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    offered.push(json!(p.id()));
    let r = srv
        .put(
            &format!("{company}/packages"),
            &t.reseller_token,
            json!({"offered": offered, "default": co["default_package_id"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.reseller_token,
            json!({"package_id": p.id()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    p.id()
}

pub async fn tenant(srv: &Srv, sys: &str, tag: &str) -> Tenant {
    let reseller_id = srv
        .post(
            "/api/v1/resellers",
            sys,
            json!({"name": format!("Reseller {tag}")}),
        )
        .await
        .id();
    let r = srv
        .post(
            &format!("/api/v1/resellers/{reseller_id}/admins"),
            sys,
            json!({"name": "Rita", "username": format!("rita{tag}"), "password": PW}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let reseller_token = srv.login(&format!("rita{tag}"), PW).await;
    let package_id = srv
        .post("/api/v1/packages", &reseller_token, json!({"name": format!("Gold {tag}"), "features": ["user_portal", "voicemail", "queues", "sms_mms"], "monthly_price_cents": 1500}))
        .await
        .id();
    let company_name = format!("Company {tag}");
    let c = srv
        .post(
            "/api/v1/companies",
            &reseller_token,
            json!({"name": company_name, "country": "US", "time_zone": "America/New_York", "first_language": "en", "max_users": 10, "max_lines": 10}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    let company_id = c.id();
    let department_id = srv
        .post(
            &format!("/api/v1/companies/{company_id}/departments"),
            &reseller_token,
            json!({"name": "Sales"}),
        )
        .await
        .id();
    let admin = srv
        .post(
            &format!("/api/v1/companies/{company_id}/users"),
            &reseller_token,
            json!({"name": "Ada", "username": format!("ada{tag}"), "password": PW, "role": "company_admin", "email": format!("ada@{tag}.example.com")}),
        )
        .await;
    assert_eq!(admin.status, 201, "{}", admin.text);
    let admin_id = admin.body["user"]["id"].as_str().unwrap().to_owned();
    let admin_token = srv.login(&format!("ada{tag}"), PW).await;
    let user = srv
        .post(
            &format!("/api/v1/companies/{company_id}/users"),
            &admin_token,
            json!({"name": "Ulf", "username": format!("ulf{tag}"), "password": PW, "department_id": department_id}),
        )
        .await;
    assert_eq!(user.status, 201, "{}", user.text);
    let user_id = user.body["user"]["id"].as_str().unwrap().to_owned();
    let user_token = srv.login(&format!("ulf{tag}"), PW).await;
    let num = if tag == "one" {
        "+15550000001"
    } else {
        "+15550000002"
    };
    let number_id = srv
        .post(
            &format!("/api/v1/companies/{company_id}/numbers"),
            &reseller_token,
            json!({"number": num}),
        )
        .await
        .id();
    let l = srv
        .post(
            &format!("/api/v1/companies/{company_id}/lines"),
            &admin_token,
            json!({"extension": "201", "user_id": user_id, "calling_name": "Ulf", "presentation_number": num}),
        )
        .await;
    assert_eq!(l.status, 201, "{}", l.text);
    let line_id = l.id();
    let r = srv
        .patch(
            &format!("/api/v1/numbers/{number_id}"),
            &admin_token,
            json!({"line_id": line_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let trunk = srv
        .post(
            &format!("/api/v1/companies/{company_id}/trunks"),
            &reseller_token,
            json!({"name": "Carrier", "address": format!("192.0.2.77:{}", next_trunk_port())}),
        )
        .await;
    assert_eq!(trunk.status, 201, "{}", trunk.text);
    let trunk_id = trunk.id();
    let conf = srv
        .post(
            &format!("/api/v1/companies/{company_id}/conferences"),
            &user_token,
            json!({"title": format!("Plans {tag}"), "starts_at": "2099-01-01T10:00:00Z", "duration_minutes": 30,
                "participants": [{"user_id": admin_id}]}),
        )
        .await;
    assert_eq!(conf.status, 201, "{}", conf.text);
    let conference_id = conf.id();
    let queue = srv
        .post(
            &format!("/api/v1/companies/{company_id}/queues"),
            &admin_token,
            json!({"name": format!("Help {tag}"), "extension": "600", "strategy": "ring_all",
                "agents": [{"line_id": line_id}]}),
        )
        .await;
    assert_eq!(queue.status, 201, "{}", queue.text);
    let queue_id = queue.id();
    let report = srv
        .post(
            &format!("/api/v1/companies/{company_id}/reports"),
            &admin_token,
            json!({"name": format!("Audit {tag}"), "kind": "audit", "frequency": "daily", "time": "07:00",
                "recipients": [format!("ada@{tag}.example.com")]}),
        )
        .await;
    assert_eq!(report.status, 201, "{}", report.text);
    let report_id = report.id();
    Tenant {
        reseller_id,
        reseller_token,
        package_id,
        company_id,
        company_name,
        admin_id,
        admin_token,
        user_id,
        user_token,
        department_id,
        line_id,
        number_id,
        trunk_id,
        conference_id,
        queue_id,
        report_id,
    }
}

/// A real SMTP server (aiosmtpd) on a free loopback port that prints what it receives.
pub struct SmtpSink {
    child: std::process::Child,
    out: std::path::PathBuf,
    pub url: String,
}

impl SmtpSink {
    /// Starts the sink; `None` when aiosmtpd is not installed (an error in CI, where it must be).
    pub async fn start() -> Option<Self> {
        let have = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .status()
            .is_ok_and(|s| s.success());
        if !have {
            assert!(
                std::env::var("SWITCHBOARD_REQUIRE_SMTP_SINK").as_deref() != Ok("1"),
                "aiosmtpd is required: pip install aiosmtpd"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = std::env::temp_dir().join(format!("sbsmtp-{port}.txt"));
        let file = std::fs::File::create(&out).unwrap();
        let child = std::process::Command::new("python3")
            .args([
                "-u",
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Debugging",
                "stdout",
            ])
            .stdout(file)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Some(Self {
            child,
            out,
            url: format!("smtp://127.0.0.1:{port}"),
        })
    }

    /// Waits until a received message contains `needle` and has been printed whole (the sink
    /// writes as it reads), and returns everything received.
    pub async fn wait_for(&self, needle: &str) -> String {
        for _ in 0..200 {
            let text = std::fs::read_to_string(&self.out).unwrap_or_default();
            if let Some(at) = text.find(needle)
                && text[at..].contains("END MESSAGE")
            {
                return text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "no mail with {needle:?} arrived: {}",
            std::fs::read_to_string(&self.out).unwrap_or_default()
        );
    }
}

/// An aiosmtpd server that speaks TLS, either from the first byte (`implicit`, SMTPS) or after
/// STARTTLS (required before anything else), and that takes mail only from `mailer`/`s3cret`
/// over TLS; it prints what it receives like [`SmtpSink`].
const TLS_SINK: &str = r#"
import ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Debugging
from aiosmtpd.smtp import AuthResult, LoginPassword
mode, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login == b"mailer" and data.password == b"s3cret"
    return AuthResult(success=ok)
kw = dict(hostname="127.0.0.1", port=port, authenticator=check, auth_required=True)
if mode == "implicit":
    # The whole connection is TLS; aiosmtpd's auth_require_tls only knows STARTTLS.
    c = Controller(Debugging(sys.stdout), ssl_context=ctx, auth_require_tls=False, **kw)
else:
    c = Controller(Debugging(sys.stdout), tls_context=ctx, require_starttls=True,
                   auth_require_tls=True, **kw)
c.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

impl SmtpSink {
    /// A TLS sink (see [`TLS_SINK`]) with a certificate for 127.0.0.1 from a CA made here by
    /// openssl; gives the sink and the CA's PEM file. `None` when aiosmtpd is not installed.
    pub async fn start_tls(implicit: bool) -> Option<(Self, std::path::PathBuf)> {
        Self::start().await?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("sbsmtps-{port}"));
        std::fs::create_dir_all(&dir).unwrap();
        let f = |n: &str| dir.join(n).to_string_lossy().into_owned();
        std::fs::write(
            f("leaf.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let openssl = |args: &[&str]| {
            let out = std::process::Command::new("openssl")
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "openssl {args:?}: {out:?}");
        };
        let (ca_key, ca, key, csr, cert) = (
            f("ca.key"),
            f("ca.pem"),
            f("leaf.key"),
            f("leaf.csr"),
            f("leaf.pem"),
        );
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &ca_key,
            "-out",
            &ca,
            "-days",
            "1",
            "-subj",
            "/CN=Test mail CA",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-out",
            &cert,
            "-days",
            "1",
            "-extfile",
            &f("leaf.ext"),
        ]);
        let out = std::env::temp_dir().join(format!("sbsmtp-{port}.txt"));
        let mode = if implicit { "implicit" } else { "starttls" };
        let child = std::process::Command::new("python3")
            .args(["-u", "-c", TLS_SINK, mode, &port.to_string(), &cert, &key])
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if std::fs::read_to_string(&out)
                .unwrap_or_default()
                .contains("ready")
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let url = if implicit {
            format!("smtps://mailer:s3cret@127.0.0.1:{port}")
        } else {
            format!("smtp://mailer:s3cret@127.0.0.1:{port}?tls=required")
        };
        Some((Self { child, out, url }, std::path::PathBuf::from(ca)))
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first attachment in `text` (mail as the sink printed it), decoded: the base64 lines
/// after its headers, up to the closing boundary.
pub fn first_attachment(text: &str) -> Vec<u8> {
    let start = text
        .find("Content-Disposition: attachment")
        .expect("an attachment");
    let body = &text[start..];
    let body = &body[body.find("\n\n").or_else(|| body.find("\r\n\r\n")).unwrap()..];
    let end = body.find("--=_switchboard_").unwrap();
    let b64: String = body[..end].chars().filter(|c| !c.is_whitespace()).collect();
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("the attachment is base64")
}

/// A server that sends mail to `smtp_url`.
pub async fn start_with_smtp(smtp_url: &str) -> Srv {
    start_with_smtp_tuned(smtp_url, &|_| {}).await
}

/// A server that sends mail to `smtp_url`, with flags that `tune` adjusts.
pub async fn start_with_smtp_tuned(smtp_url: &str, tune: &dyn Fn(&mut Flags)) -> Srv {
    launch(
        sb_store::testdb::fresh_sqlite_url("e2e").unwrap(),
        Some(smtp_url),
        None,
        tune,
    )
    .await
}

/// A port for the next seeded tenant's trunk: each carrier address belongs to one trunk.
fn next_trunk_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(5060);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
