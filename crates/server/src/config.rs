//! Configuration in layers: defaults, then the TOML file, then environment, then flags (the last
//! two through clap, which reads `SWITCHBOARD_<NAME>` for every flag). Unknown file keys are
//! errors; secrets are redacted from `Debug`.

use clap::Args;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Args, Default, Clone)]
pub struct Flags {
    /// TOML configuration file (flags and environment override it).
    #[arg(long, env = "SWITCHBOARD_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory: the SQLite file, recordings, voicemail.
    #[arg(long, env = "SWITCHBOARD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER:PASS@HOST/DB.
    #[arg(long, env = "SWITCHBOARD_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// The key that encrypts SIP passwords and two-factor secrets in the database: a file of 64
    /// hex digits, created (mode 0600) on first start when missing (default
    /// <data-dir>/secret.key). Every node of one database needs the same file; back it up with
    /// the database.
    #[arg(long, env = "SWITCHBOARD_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// HTTP listen address (API, portals, provisioning).
    #[arg(long, env = "SWITCHBOARD_HTTP_LISTEN")]
    pub http_listen: Option<String>,
    /// SIP listen address (UDP and TCP).
    #[arg(long, env = "SWITCHBOARD_SIP_LISTEN")]
    pub sip_listen: Option<String>,
    /// SIP over TLS listen address (off unless set; needs --sip-tls-cert and --sip-tls-key).
    #[arg(long, env = "SWITCHBOARD_SIP_TLS_LISTEN")]
    pub sip_tls_listen: Option<String>,
    /// PEM file with the TLS certificate chain for SIP over TLS (server certificate first).
    #[arg(long, env = "SWITCHBOARD_SIP_TLS_CERT")]
    pub sip_tls_cert: Option<PathBuf>,
    /// PEM file with the private key of that certificate.
    #[arg(long, env = "SWITCHBOARD_SIP_TLS_KEY")]
    pub sip_tls_key: Option<PathBuf>,
    /// RTP port range, like 20000-29999.
    #[arg(long, env = "SWITCHBOARD_RTP_PORTS")]
    pub rtp_ports: Option<String>,
    /// Outgoing mail server: smtps://[user:pass@]host[:port] (TLS, port 465),
    /// smtp://[user:pass@]host[:port]?tls=required (STARTTLS, port 587) or smtp://host[:port]
    /// (clear text, no credentials); without it mail waits in the outbox.
    #[arg(long, env = "SWITCHBOARD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Refuse a clear-text smtp:// mail server: true or false (default false).
    #[arg(long, env = "SWITCHBOARD_SMTP_TLS_REQUIRED")]
    pub smtp_tls_required: Option<bool>,
    /// PEM file of CA certificates trusted for the mail server beside the system's.
    #[arg(long, env = "SWITCHBOARD_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Sender address of mail Switchboard sends.
    #[arg(long, env = "SWITCHBOARD_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The URL people reach the portal at, for links in mails (default: http://<http-listen>).
    #[arg(long, env = "SWITCHBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Sign-in attempts one source address may make at once (default 30; at least 20, since an
    /// office shares one address).
    #[arg(long, env = "SWITCHBOARD_LOGIN_BURST")]
    pub login_burst: Option<u32>,
    /// Sign-in attempts per minute one source address regains after its burst (default 30).
    #[arg(long, env = "SWITCHBOARD_LOGIN_PER_MINUTE")]
    pub login_per_minute: Option<u32>,
    /// Reverse proxies in front of the HTTP port, as addresses or networks (10.0.0.0/8),
    /// separated by commas: only from them is X-Forwarded-For believed (default: none).
    #[arg(long, env = "SWITCHBOARD_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Seconds the first lock after too many wrong passwords lasts; each further lock in a row
    /// lasts twice as long, up to --lockout-max-secs (default 900; 0: until an administrator
    /// unlocks).
    #[arg(long, env = "SWITCHBOARD_LOCKOUT_SECS")]
    pub lockout_secs: Option<u32>,
    /// The longest a lock lasts, in seconds (default 86400).
    #[arg(long, env = "SWITCHBOARD_LOCKOUT_MAX_SECS")]
    pub lockout_max_secs: Option<u32>,
    /// The shortest password people may choose, in characters (default 10; at least 6).
    #[arg(long, env = "SWITCHBOARD_PASSWORD_MIN_LENGTH")]
    pub password_min_length: Option<u32>,
    /// Seconds a client has to send the headers of a request, and ten times that for the whole
    /// request (default 10; against connections held open by slow senders).
    #[arg(long, env = "SWITCHBOARD_HTTP_HEADER_TIMEOUT")]
    pub http_header_timeout: Option<u32>,
    /// SIP requests per second one source address may send (default 200; 0 for no limit, as for
    /// a benchmark or a trusted session border controller in front).
    #[arg(long, env = "SWITCHBOARD_SIP_PER_SOURCE")]
    pub sip_per_source: Option<u32>,
    /// Calls in progress at most (default 2000; 0: no limit); a new call beyond it is answered
    /// 503 Service Unavailable with Retry-After, except emergency calls, which always go through.
    #[arg(long, env = "SWITCHBOARD_SIP_MAX_CALLS")]
    pub sip_max_calls: Option<u64>,
    /// Calls at once in one company (default 200; 0: no limit); emergency calls always go
    /// through.
    #[arg(long, env = "SWITCHBOARD_SIP_COMPANY_MAX_CALLS")]
    pub sip_company_max_calls: Option<u32>,
    /// Calls at once on one line, made and received (default 8; 0: no limit); a full line is
    /// busy.
    #[arg(long, env = "SWITCHBOARD_SIP_LINE_MAX_CALLS")]
    pub sip_line_max_calls: Option<u32>,
    /// Seconds a call may ring at most before its next step runs (default 180, RFC 3261's
    /// Timer C; 10 to 3600).
    #[arg(long, env = "SWITCHBOARD_SIP_MAX_RINGING")]
    pub sip_max_ringing: Option<u32>,
    /// Answer SIP scanners (friendly-scanner, sipvicious, ...) at all: true or false (default
    /// false: they get no answer).
    #[arg(long, env = "SWITCHBOARD_SIP_ANSWER_SCANNERS")]
    pub sip_answer_scanners: Option<bool>,
    /// A directory of recordings that replace the built-in prompts callers hear:
    /// `<language>/<name>.wav`, 16-bit PCM at 8 kHz (names in prompts/ of the source).
    #[arg(long, env = "SWITCHBOARD_PROMPTS_DIR")]
    pub prompts_dir: Option<PathBuf>,
    /// Networks media may be sent to before the far side has sent any, although they are
    /// private, loopback or Switchboard's own (a LAN of phones), as addresses or networks
    /// separated by commas (default: none; only public addresses).
    #[arg(long, env = "SWITCHBOARD_MEDIA_TRUSTED_NETWORKS")]
    pub media_trusted_networks: Option<String>,
    /// The IP addresses of the operator's SIP edge proxies, separated by commas (default:
    /// none). A registration through one of them keeps its Path (RFC 3327) and the phone is
    /// called through it; these addresses are never rate-limited or blocked.
    #[arg(long, env = "SWITCHBOARD_SIP_EDGE_PROXIES")]
    pub sip_edge_proxies: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    secret_key_file: Option<PathBuf>,
    http_listen: Option<String>,
    sip_listen: Option<String>,
    sip_tls_listen: Option<String>,
    sip_tls_cert: Option<PathBuf>,
    sip_tls_key: Option<PathBuf>,
    rtp_ports: Option<String>,
    smtp_url: Option<String>,
    smtp_tls_required: Option<bool>,
    smtp_ca_file: Option<PathBuf>,
    mail_from: Option<String>,
    public_url: Option<String>,
    login_burst: Option<u32>,
    login_per_minute: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    lockout_secs: Option<u32>,
    lockout_max_secs: Option<u32>,
    password_min_length: Option<u32>,
    http_header_timeout: Option<u32>,
    sip_per_source: Option<u32>,
    sip_max_calls: Option<u64>,
    sip_company_max_calls: Option<u32>,
    sip_line_max_calls: Option<u32>,
    sip_max_ringing: Option<u32>,
    sip_answer_scanners: Option<bool>,
    prompts_dir: Option<PathBuf>,
    media_trusted_networks: Option<Vec<String>>,
    sip_edge_proxies: Option<Vec<String>>,
}

/// The checked configuration the server runs with.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Where the key sealing stored secrets is (read, or created, at start).
    pub secret_key_file: PathBuf,
    pub http_listen: SocketAddr,
    pub sip_listen: SocketAddr,
    /// SIP over TLS: where, and the certificate chain and key files.
    pub sip_tls: Option<SipTls>,
    pub rtp_ports: (u16, u16),
    pub smtp_url: Option<String>,
    /// TLS demanded of the mail server, and extra trusted roots for it.
    pub smtp_options: sb_notify::mail::SmtpOptions,
    pub mail_from: String,
    pub public_url: String,
    pub login_burst: u32,
    pub login_per_minute: u32,
    pub http: HttpHardening,
    pub sip_per_source: u32,
    /// Calls in progress at most; 0 for no limit.
    pub sip_max_calls: u64,
    /// Calls at once per company and per line (0: no limit), and seconds of ringing at most.
    pub sip_company_max_calls: u32,
    pub sip_line_max_calls: u32,
    pub sip_max_ringing: u32,
    pub sip_answer_scanners: bool,
    pub prompts_dir: Option<PathBuf>,
    /// Inside networks media may be sent to before the far side has sent any.
    pub media_trusted_networks: Vec<sb_api::extract::IpNet>,
    /// The operator's SIP edge proxies (Path, RFC 3327).
    pub sip_edge_proxies: Vec<std::net::IpAddr>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("database", &redact_url(&self.database_url))
            .field("secret_key_file", &self.secret_key_file)
            .field("http_listen", &self.http_listen)
            .field("sip_listen", &self.sip_listen)
            .field("sip_tls", &self.sip_tls)
            .field("rtp_ports", &self.rtp_ports)
            .field("smtp", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_options", &self.smtp_options)
            .field("public_url", &self.public_url)
            .field("mail_from", &self.mail_from)
            .field("login_burst", &self.login_burst)
            .field("login_per_minute", &self.login_per_minute)
            .field("http", &self.http)
            .field("sip_per_source", &self.sip_per_source)
            .field("sip_max_calls", &self.sip_max_calls)
            .field("sip_company_max_calls", &self.sip_company_max_calls)
            .field("sip_line_max_calls", &self.sip_line_max_calls)
            .field("sip_max_ringing", &self.sip_max_ringing)
            .field("sip_answer_scanners", &self.sip_answer_scanners)
            .field("prompts_dir", &self.prompts_dir)
            .field("media_trusted_networks", &self.media_trusted_networks)
            .field("sip_edge_proxies", &self.sip_edge_proxies)
            .finish()
    }
}

/// The sign-in and HTTP settings of a server on a public address (issue 14).
#[derive(Debug, Clone)]
pub struct HttpHardening {
    pub trusted_proxies: Vec<sb_api::extract::IpNet>,
    pub lockout_secs: u32,
    pub lockout_max_secs: u32,
    pub password_min_length: u32,
    pub header_timeout_secs: u32,
}

impl HttpHardening {
    fn load(flags: &Flags, file: &FileConfig) -> Result<Self, String> {
        let trusted_proxies = networks(
            "trusted-proxies",
            &flags.trusted_proxies,
            &file.trusted_proxies,
        )?;
        let lockout_secs = flags.lockout_secs.or(file.lockout_secs).unwrap_or(900);
        let lockout_max_secs = flags
            .lockout_max_secs
            .or(file.lockout_max_secs)
            .unwrap_or(86_400);
        if lockout_secs > 0 && lockout_max_secs < lockout_secs {
            return Err("lockout-max-secs must be at least lockout-secs".into());
        }
        let password_min_length = flags
            .password_min_length
            .or(file.password_min_length)
            .unwrap_or(10);
        if !(6..=256).contains(&password_min_length) {
            return Err("password-min-length must be from 6 (the product's floor) to 256".into());
        }
        let header_timeout_secs = flags
            .http_header_timeout
            .or(file.http_header_timeout)
            .unwrap_or(10);
        if header_timeout_secs == 0 {
            return Err("http-header-timeout must be at least 1 second".into());
        }
        Ok(Self {
            trusted_proxies,
            lockout_secs,
            lockout_max_secs,
            password_min_length,
            header_timeout_secs,
        })
    }
}

/// A list of addresses or networks: the flag (or its environment variable) else the file's list;
/// none by default.
fn networks(
    name: &str,
    flag: &Option<String>,
    file: &Option<Vec<String>>,
) -> Result<Vec<sb_api::extract::IpNet>, String> {
    match (flag, file) {
        (Some(t), _) => sb_api::extract::parse_trusted_proxies(t),
        (None, Some(list)) => sb_api::extract::parse_trusted_proxies(&list.join(",")),
        (None, None) => Ok(Vec::new()),
    }
    .map_err(|e| format!("{name}: {e}"))
}

/// A list of IP addresses from the flag (comma-separated) or the file (a list).
fn addresses(
    name: &str,
    flag: &Option<String>,
    file: &Option<Vec<String>>,
) -> Result<Vec<std::net::IpAddr>, String> {
    let items: Vec<String> = match (flag, file) {
        (Some(t), _) => t.split(',').map(str::to_owned).collect(),
        (None, Some(list)) => list.clone(),
        (None, None) => Vec::new(),
    };
    items
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .map(|i| {
            i.parse()
                .map_err(|_| format!("{name}: {i:?} is not an IP address"))
        })
        .collect()
}

/// SIP over TLS settings.
#[derive(Debug, Clone)]
pub struct SipTls {
    pub listen: SocketAddr,
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A URL with any password replaced, safe to log.
pub fn redact_url(u: &str) -> String {
    match (u.find("://"), u.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &u[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{user}:***@{}", &u[..s], &u[at + 1..])
        }
        _ => u.to_owned(),
    }
}

impl Config {
    /// Layers the file under the flags and checks every value; the error is one line for stderr.
    #[expect(
        clippy::too_many_lines,
        reason = "one line per setting, each layered from flag, environment and file and checked"
    )]
    pub fn load(flags: &Flags) -> Result<Self, String> {
        let file = match &flags.config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read config file {}: {e}", p.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .map_err(|e| format!("config file {}: {}", p.display(), e.message()))?
            }
            None => FileConfig::default(),
        };
        let http = HttpHardening::load(flags, &file)?;
        let data_dir = flags
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./switchboard-data"));
        let database_url = flags
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}/switchboard.db", data_dir.display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err("database-url must start with sqlite:// or postgres://".into());
        }
        let secret_key_file = flags
            .secret_key_file
            .clone()
            .or(file.secret_key_file)
            .unwrap_or_else(|| data_dir.join("secret.key"));
        let addr = |name: &str, v: Option<String>, d: &str| -> Result<SocketAddr, String> {
            let v = v.unwrap_or_else(|| d.to_owned());
            v.parse()
                .map_err(|_| format!("{name} must be an address like 127.0.0.1:8080, not {v:?}"))
        };
        let http_listen = addr(
            "http-listen",
            flags.http_listen.clone().or(file.http_listen),
            "127.0.0.1:8080",
        )?;
        let sip_listen = addr(
            "sip-listen",
            flags.sip_listen.clone().or(file.sip_listen),
            "127.0.0.1:5060",
        )?;
        let tls_listen = flags.sip_tls_listen.clone().or(file.sip_tls_listen);
        let tls_cert = flags.sip_tls_cert.clone().or(file.sip_tls_cert);
        let tls_key = flags.sip_tls_key.clone().or(file.sip_tls_key);
        let sip_tls = match (tls_listen, tls_cert, tls_key) {
            (None, None, None) => None,
            (Some(l), Some(cert), Some(key)) => Some(SipTls {
                listen: addr("sip-tls-listen", Some(l), "")?,
                cert,
                key,
            }),
            _ => {
                return Err(
                    "sip-tls-listen, sip-tls-cert and sip-tls-key go together (all three or none)"
                        .into(),
                );
            }
        };
        let rtp = flags
            .rtp_ports
            .clone()
            .or(file.rtp_ports)
            .unwrap_or_else(|| "20000-29999".into());
        let rtp_ports = rtp
            .split_once('-')
            .and_then(|(a, b)| Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?)))
            .filter(|(a, b)| a < b && *a >= 1024)
            .ok_or_else(|| {
                format!("rtp-ports must be a range like 20000-29999 above 1023, not {rtp:?}")
            })?;
        let smtp_url = flags
            .smtp_url
            .clone()
            .or(file.smtp_url)
            .filter(|s| !s.is_empty());
        let mut smtp_options = sb_notify::mail::SmtpOptions {
            tls_required: flags
                .smtp_tls_required
                .or(file.smtp_tls_required)
                .unwrap_or(false),
            ca_file: flags.smtp_ca_file.clone().or(file.smtp_ca_file),
            hello_name: String::new(),
        };
        if let Some(s) = &smtp_url {
            sb_notify::mail::SmtpTarget::parse(s, &smtp_options)
                .map_err(|e| format!("smtp-url: {e}"))?;
        }
        let mail_from = flags
            .mail_from
            .clone()
            .or(file.mail_from)
            .unwrap_or_else(|| "switchboard@localhost".into());
        let public_url = flags
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{http_listen}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err("public-url must start with http:// or https://".into());
        }
        smtp_options.hello_name = sb_notify::mail::ehlo_name(&public_url, &mail_from);
        let login_burst = flags.login_burst.or(file.login_burst).unwrap_or(30);
        if login_burst < 20 {
            return Err("login-burst must be at least 20 (an office shares one address)".into());
        }
        let login_per_minute = flags
            .login_per_minute
            .or(file.login_per_minute)
            .unwrap_or(30);
        let sip_per_source = flags.sip_per_source.or(file.sip_per_source).unwrap_or(200);
        let sip_max_calls = flags.sip_max_calls.or(file.sip_max_calls).unwrap_or(2000);
        let sip_company_max_calls = flags
            .sip_company_max_calls
            .or(file.sip_company_max_calls)
            .unwrap_or(200);
        let sip_line_max_calls = flags
            .sip_line_max_calls
            .or(file.sip_line_max_calls)
            .unwrap_or(8);
        let sip_max_ringing = flags
            .sip_max_ringing
            .or(file.sip_max_ringing)
            .unwrap_or(180);
        if !(10..=3600).contains(&sip_max_ringing) {
            return Err("sip-max-ringing must be 10 to 3600 seconds".into());
        }
        let sip_answer_scanners = flags
            .sip_answer_scanners
            .or(file.sip_answer_scanners)
            .unwrap_or(false);
        let prompts_dir = flags.prompts_dir.clone().or(file.prompts_dir);
        let media_trusted_networks = networks(
            "media-trusted-networks",
            &flags.media_trusted_networks,
            &file.media_trusted_networks,
        )?;
        let sip_edge_proxies = addresses(
            "sip-edge-proxies",
            &flags.sip_edge_proxies,
            &file.sip_edge_proxies,
        )?;
        Ok(Config {
            media_trusted_networks,
            sip_edge_proxies,
            sip_per_source,
            sip_max_calls,
            sip_company_max_calls,
            sip_line_max_calls,
            sip_max_ringing,
            sip_answer_scanners,
            prompts_dir,
            data_dir,
            database_url,
            secret_key_file,
            http_listen,
            sip_listen,
            sip_tls,
            rtp_ports,
            smtp_url,
            smtp_options,
            mail_from,
            public_url,
            login_burst,
            login_per_minute,
            http,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_interface_contract() {
        let c = Config::load(&Flags::default()).unwrap();
        assert_eq!(c.http_listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.sip_listen.to_string(), "127.0.0.1:5060");
        assert_eq!(c.rtp_ports, (20000, 29999));
        assert_eq!(c.database_url, "sqlite://./switchboard-data/switchboard.db");
        assert!(c.smtp_url.is_none());
    }

    #[test]
    fn flags_override_the_file_and_bad_values_are_one_line_errors() {
        let dir = std::env::temp_dir().join(format!("sbcfg{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("c.toml");
        std::fs::write(
            &f,
            "http_listen = \"127.0.0.1:9000\"\nsip_listen = \"127.0.0.1:5070\"\n",
        )
        .unwrap();
        let flags = Flags {
            config: Some(f.clone()),
            http_listen: Some("127.0.0.1:9100".into()),
            ..Default::default()
        };
        let c = Config::load(&flags).unwrap();
        assert_eq!(c.http_listen.port(), 9100);
        assert_eq!(c.sip_listen.port(), 5070);
        std::fs::write(&f, "bogus = 1\n").unwrap();
        assert!(
            Config::load(&Flags {
                config: Some(f),
                ..Default::default()
            })
            .is_err()
        );
        let bad = Flags {
            rtp_ports: Some("30000-20000".into()),
            ..Default::default()
        };
        assert!(!Config::load(&bad).unwrap_err().contains('\n'));
    }

    #[test]
    fn sip_over_tls_needs_its_address_certificate_and_key_together() {
        let c = Config::load(&Flags::default()).unwrap();
        assert!(c.sip_tls.is_none(), "off by default");
        let only_cert = Flags {
            sip_tls_cert: Some("cert.pem".into()),
            ..Flags::default()
        };
        let err = Config::load(&only_cert).err().unwrap();
        assert!(err.contains("all three or none"), "{err}");
        let all = Flags {
            sip_tls_listen: Some("127.0.0.1:5061".into()),
            sip_tls_cert: Some("cert.pem".into()),
            sip_tls_key: Some("key.pem".into()),
            ..Flags::default()
        };
        let tls = Config::load(&all).unwrap().sip_tls.unwrap();
        assert_eq!(tls.listen.port(), 5061);
        let bad = Flags {
            sip_tls_listen: Some("port 5061".into()),
            ..all
        };
        let err = Config::load(&bad).err().unwrap();
        assert!(err.contains("sip-tls-listen"), "{err}");
    }

    #[test]
    fn trusted_proxies_come_from_flag_environment_or_file_and_are_checked() {
        assert!(
            Config::load(&Flags::default())
                .unwrap()
                .http
                .trusted_proxies
                .is_empty()
        );
        let flags = Flags {
            trusted_proxies: Some("127.0.0.1, 10.0.0.0/8".into()),
            ..Flags::default()
        };
        assert_eq!(Config::load(&flags).unwrap().http.trusted_proxies.len(), 2);
        let bad = Flags {
            trusted_proxies: Some("proxy.example.com".into()),
            ..Flags::default()
        };
        assert!(Config::load(&bad).unwrap_err().contains("trusted-proxies"));
        let dir = std::env::temp_dir().join(format!("sbcfgtp{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("c.toml");
        std::fs::write(&f, "trusted_proxies = [\"192.0.2.1\", \"::1\"]\n").unwrap();
        let from_file = Flags {
            config: Some(f),
            ..Flags::default()
        };
        assert_eq!(
            Config::load(&from_file).unwrap().http.trusted_proxies.len(),
            2
        );
    }

    #[test]
    fn edge_proxies_are_ip_addresses_from_flag_or_file_and_default_to_none() {
        let flags = |v: Option<&str>| Flags {
            sip_edge_proxies: v.map(str::to_owned),
            ..Flags::default()
        };
        assert!(
            Config::load(&flags(None))
                .unwrap()
                .sip_edge_proxies
                .is_empty()
        );
        let two = Config::load(&flags(Some("198.51.100.7, 2001:db8::5")))
            .unwrap()
            .sip_edge_proxies;
        assert_eq!(two.len(), 2);
        let err = Config::load(&flags(Some("10.0.0.0/8"))).err().unwrap();
        assert!(err.contains("sip-edge-proxies"), "{err}");
    }

    #[test]
    fn media_trusted_networks_come_from_flag_or_file_are_checked_and_default_to_none() {
        let none = Config::load(&Flags::default()).unwrap();
        assert!(none.media_trusted_networks.is_empty());
        let flags = Flags {
            media_trusted_networks: Some("127.0.0.0/8,10.20.0.0/16 192.168.1.7".into()),
            ..Flags::default()
        };
        assert_eq!(
            Config::load(&flags).unwrap().media_trusted_networks.len(),
            3
        );
        let bad = Flags {
            media_trusted_networks: Some("10.0.0.0/33".into()),
            ..Flags::default()
        };
        let err = Config::load(&bad).unwrap_err();
        assert!(err.contains("media-trusted-networks"), "{err}");
        let dir = std::env::temp_dir().join(format!("sbcfgmt{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("c.toml");
        std::fs::write(&f, "media_trusted_networks = [\"fd00::/8\"]\n").unwrap();
        let from_file = Flags {
            config: Some(f),
            ..Flags::default()
        };
        let nets = Config::load(&from_file).unwrap().media_trusted_networks;
        assert_eq!(nets, vec!["fd00::/8".parse().unwrap()]);
    }

    #[test]
    fn debug_output_hides_database_passwords() {
        assert_eq!(
            redact_url("postgres://sb:hunter2@db/sb"),
            "postgres://sb:***@db/sb"
        );
        let flags = Flags {
            database_url: Some("postgres://sb:hunter2@db/sb".into()),
            ..Default::default()
        };
        assert!(!format!("{:?}", Config::load(&flags).unwrap()).contains("hunter2"));
    }
}
