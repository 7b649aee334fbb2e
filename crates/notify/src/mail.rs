//! The outbox worker and its SMTP client. Mail is taken from the persistent outbox, sent, and
//! marked; a failure leaves it there for a later attempt with exponential back-off, so nothing is
//! lost while the server is down.
//!
//! The SMTP conversation is lettre's (RFC 5321), over rustls: implicit TLS (`smtps://`, RFC 8314)
//! or STARTTLS (`smtp://…?tls=required`, RFC 3207), with the system's trusted roots plus an
//! optional CA file. Credentials are only ever used on a TLS connection: a URL with credentials
//! and no TLS is refused at start-up, and with STARTTLS required lettre stops before AUTH when
//! the server does not offer it (a man in the middle stripping STARTTLS learns nothing).

use crate::body::MailBrand;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sb_app::mail_access::{MailAccess, MailCheck, MailSecurity};
use sb_app::outbox::{DueMail, OutgoingMail};
use sb_domain::clock::Clock;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How the connection to the mail server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtp://host`: clear text; never with credentials.
    Plain,
    /// `smtp://host?tls=required`: STARTTLS, and no mail at all when the server does not offer it.
    StartTls,
    /// `smtps://host`: TLS from the first byte.
    Tls,
}

/// The operator's mail settings beside the URL.
#[derive(Clone, Debug, Default)]
pub struct SmtpOptions {
    /// Refuse a clear-text `smtp://` URL at start-up.
    pub tls_required: bool,
    /// A PEM file of CA certificates trusted beside the system's (a private mail relay's CA).
    pub ca_file: Option<PathBuf>,
    /// The name given in EHLO (see [`ehlo_name`]); empty: an address literal of loopback.
    pub hello_name: String,
}

/// The name Switchboard gives in EHLO. RFC 5321 section 4.1.1.1 asks for the client's fully
/// qualified domain name, or an address literal when it has none, and many servers refuse or
/// mark as spam a bare word: the public URL's host when it is a name with a dot, its address as
/// a literal when it is an IP address, else the domain mail is sent from, else `[127.0.0.1]`.
pub fn ehlo_name(public_url: &str, mail_from: &str) -> String {
    let fqdn = |d: &str| d.contains('.') && !d.ends_with('.') && !d.starts_with('.');
    match url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host().map(|h| h.to_owned()))
    {
        Some(url::Host::Domain(d)) if fqdn(&d) => return d,
        Some(url::Host::Ipv4(a)) if !a.is_loopback() && !a.is_unspecified() => {
            return format!("[{a}]");
        }
        Some(url::Host::Ipv6(a)) if !a.is_loopback() && !a.is_unspecified() => {
            return format!("[IPv6:{a}]");
        }
        _ => {}
    }
    let from = mail_from.trim().trim_end_matches('>');
    match from.rsplit_once('@') {
        Some((_, d)) if fqdn(d) => d.to_ascii_lowercase(),
        _ => "[127.0.0.1]".to_owned(),
    }
}

/// Where mail goes: `smtps://[user:pass@]host[:port]` (port 465),
/// `smtp://[user:pass@]host[:port]?tls=required` (STARTTLS, port 587) or `smtp://host[:port]`
/// (clear text, port 25, no credentials).
#[derive(Clone)]
pub struct SmtpTarget {
    host: String,
    port: u16,
    security: Security,
    auth: Option<(String, String)>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpTarget {
    pub fn parse(url: &str, opts: &SmtpOptions) -> Result<Self, String> {
        let u = url::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
        let tls = u
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        if u.query_pairs().any(|(k, _)| k != "tls") {
            return Err("the only URL option is ?tls=required".into());
        }
        let security = match (u.scheme(), tls.as_deref()) {
            ("smtps", None) => Security::Tls,
            ("smtp", Some("required")) => Security::StartTls,
            ("smtp", None) => Security::Plain,
            ("smtp" | "smtps", Some(other)) => {
                return Err(format!(
                    "tls={other} is not supported: use smtps:// or smtp://…?tls=required"
                ));
            }
            _ => return Err("only smtp:// and smtps:// URLs are supported".into()),
        };
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("missing host")?;
        // url keeps IPv6 literals in brackets; the socket and the certificate want them bare.
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = u.port().unwrap_or(match security {
            Security::Plain => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        });
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| "credentials are not UTF-8".to_string())
        };
        let auth = match (u.username(), u.password()) {
            ("", None) => None,
            (user, Some(pw)) => Some((decode(user)?, decode(pw)?)),
            (_, None) => return Err("credentials are user:password".into()),
        };
        if security == Security::Plain && auth.is_some() {
            return Err(
                "credentials would be sent in clear text: use smtps://… or smtp://…?tls=required"
                    .into(),
            );
        }
        if security == Security::Plain && opts.tls_required {
            return Err("smtp-tls-required is set: use smtps://… or smtp://…?tls=required".into());
        }
        let transport = transport(&host, port, security, auth.as_ref(), opts)?;
        Ok(Self {
            host,
            port,
            security,
            auth,
            transport,
        })
    }

    /// Whether mail travels in clear text (the operator is warned at start-up).
    pub fn is_plain(&self) -> bool {
        self.security == Security::Plain
    }

    /// [user@]host:port, for the log (never the password).
    pub fn server(&self) -> String {
        match &self.auth {
            Some((user, _)) => format!("{user}@{}:{}", self.host, self.port),
            None => format!("{}:{}", self.host, self.port),
        }
    }
}

fn transport(
    host: &str,
    port: u16,
    security: Security,
    auth: Option<&(String, String)>,
    opts: &SmtpOptions,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let tls = match security {
        Security::Plain => Tls::None,
        Security::StartTls => Tls::Required(tls_parameters(host, opts)?),
        Security::Tls => Tls::Wrapper(tls_parameters(host, opts)?),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .tls(tls)
        .hello_name(ClientId::Domain(if opts.hello_name.is_empty() {
            "[127.0.0.1]".to_owned()
        } else {
            opts.hello_name.clone()
        }))
        .timeout(Some(Duration::from_secs(20)));
    if let Some((user, password)) = auth {
        b = b.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(b.build())
}

fn tls_parameters(host: &str, opts: &SmtpOptions) -> Result<TlsParameters, String> {
    let mut b = TlsParameters::builder(host.to_owned());
    if let Some(path) = &opts.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read smtp-ca-file {}: {e}", path.display()))?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| format!("smtp-ca-file {}: {e}", path.display()))?;
        b = b.add_root_certificate(cert);
    }
    b.build_rustls().map_err(|e| format!("TLS settings: {e}"))
}

/// Who a mail says it is from: the installation's address, under the name of the virtual
/// assistant of the company it was sent for when it has one, with replies going to
/// the assistant's own address.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub address: &'a str,
    pub name: Option<&'a str>,
    pub reply_to: Option<&'a str>,
}

/// A display name as a header may carry it: quoted when it is plain ASCII, else an RFC 2047
/// encoded word, so that any name arrives intact.
fn display_name(name: &str) -> String {
    use base64::Engine;
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " .-'_".contains(c));
    if plain {
        format!("\"{name}\"")
    } else {
        let b64 = base64::engine::general_purpose::STANDARD.encode(name.as_bytes());
        format!("=?utf-8?B?{b64}?=")
    }
}

/// The From (and Reply-To) header lines of a mail signed by `s`.
fn from_headers(s: &Signer<'_>) -> String {
    let mut out = format!(
        "From: {} <{}>\r\n",
        display_name(s.name.unwrap_or("Switchboard")),
        s.address
    );
    if let Some(r) = s.reply_to {
        out.push_str(&format!("Reply-To: <{r}>\r\n"));
    }
    out
}

/// Sends one message: its plain UTF-8 text, with a branded HTML alternative when `brand` is
/// given.
pub async fn send(
    target: &SmtpTarget,
    signer: &Signer<'_>,
    m: &OutgoingMail,
    brand: Option<&MailBrand>,
    date: &str,
) -> Result<(), String> {
    let from = signer.address;
    let named = [signer.name, signer.reply_to];
    let mut addressed = [from, m.recipient.as_str()]
        .into_iter()
        .chain(named.into_iter().flatten());
    if m.subject.contains(['\r', '\n']) || addressed.any(|s| s.contains(['\r', '\n', '<', '>'])) {
        return Err("header values cannot contain line breaks".into());
    }
    let envelope = Envelope::new(
        Some(
            from.parse::<Address>()
                .map_err(|e| format!("sender {from:?}: {e}"))?,
        ),
        vec![
            m.recipient
                .parse::<Address>()
                .map_err(|e| format!("recipient {:?}: {e}", m.recipient))?,
        ],
    )
    .map_err(|e| e.to_string())?;
    let mut msg = format!(
        "{}To: <{}>\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{}@switchboard>\r\nMIME-Version: 1.0\r\n",
        from_headers(signer),
        m.recipient,
        m.subject,
        m.id
    );
    msg.push_str(&crate::body::entity(m, brand)?);
    target
        .transport
        .send_raw(&envelope, msg.trim_end_matches("\r\n").as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Delivers due mail every few seconds until the process stops. Mail sent for a company with
/// its own mail access goes through the company's server; the rest (sign-in links, emergency
/// notifications, mail of companies without one) through the installation's.
pub async fn run_outbox(
    app: sb_app::App,
    clock: Arc<dyn Clock>,
    target: SmtpTarget,
    from: String,
    opts: SmtpOptions,
) {
    let mut w = Worker {
        app,
        target,
        from,
        opts,
        companies: HashMap::new(),
    };
    loop {
        if let Err(e) = w.deliver_due(clock.as_ref()).await {
            tracing::warn!(error = %e, "mail outbox pass failed");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

struct Worker {
    app: sb_app::App,
    target: SmtpTarget,
    from: String,
    opts: SmtpOptions,
    /// Each company's transport, kept while its mail access stays the same.
    companies: HashMap<String, (MailAccess, SmtpTarget)>,
}

impl Worker {
    /// Where a mail goes: its company's server when the company has mail access.
    fn target_for(&mut self, d: &DueMail) -> Result<&SmtpTarget, String> {
        let access = match (&d.company_id, &d.mail_access) {
            (_, Err(e)) => return Err(e.clone()),
            (Some(company), Ok(Some(access))) => (company, access),
            _ => return Ok(&self.target),
        };
        let (company, access) = access;
        let fresh = self.companies.get(company).is_none_or(|(a, _)| a != access);
        if fresh {
            let t = SmtpTarget::for_company(access, &self.opts)?;
            self.companies.insert(company.clone(), (access.clone(), t));
        }
        Ok(&self.companies[company].1)
    }

    #[expect(
        clippy::cognitive_complexity,
        reason = "each due mail: its sender, its company's own server or ours, its branding, and what became of it"
    )]
    async fn deliver_due(&mut self, clock: &dyn Clock) -> sb_app::AppResult<()> {
        let now = clock.now();
        let due = self.app.due_mail(20).await?;
        let date = now.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
        // Each company's branding, read once a pass.
        let mut brands: HashMap<String, Option<MailBrand>> = HashMap::new();
        for d in due {
            let from = self.from.clone();
            let brand = match &d.company_id {
                Some(co) => {
                    if !brands.contains_key(co) {
                        // Unreadable branding costs the mail its looks, never its delivery.
                        let b = match self.app.mail_brand(co).await {
                            Ok(b) => b.map(|(e, logo)| MailBrand::of(&e, logo)),
                            Err(e) => {
                                tracing::warn!(company = %co, error = %e, "mail branding unreadable");
                                None
                            }
                        };
                        brands.insert(co.clone(), b);
                    }
                    brands[co].as_ref()
                }
                None => None,
            };
            // The assistant signs the company's mail; else its product's name.
            let signer = Signer {
                address: &from,
                name: d
                    .assistant_name
                    .as_deref()
                    .or(brand.map(|b| b.name.as_str())),
                reply_to: d.assistant_email.as_deref(),
            };
            let result = match self.target_for(&d) {
                Ok(target) => send(target, &signer, &d.mail, brand, &date).await,
                Err(e) => Err(e),
            };
            let m = d.mail;
            match result {
                Ok(()) => self.app.mail_sent(&m.id).await?,
                Err(e) => {
                    tracing::warn!(mail = %m.id, error = %e, "mail not sent; will retry");
                    self.app.mail_failed(&m.id, m.attempts, &e).await?;
                }
            }
        }
        Ok(())
    }
}

impl SmtpTarget {
    /// A company's own mail server. Clear text with credentials is refused unless the host is
    /// loopback (the application checked it); the operator's smtp-tls-required holds here too.
    pub fn for_company(a: &MailAccess, opts: &SmtpOptions) -> Result<Self, String> {
        let security = match a.security {
            MailSecurity::Starttls => Security::StartTls,
            MailSecurity::Tls => Security::Tls,
            MailSecurity::None => Security::Plain,
        };
        if security == Security::Plain && opts.tls_required {
            return Err("this installation requires TLS to mail servers".into());
        }
        let transport = transport(&a.host, a.port, security, a.auth.as_ref(), opts)?;
        Ok(Self {
            host: a.host.clone(),
            port: a.port,
            security,
            auth: a.auth.clone(),
            transport,
        })
    }
}

/// Tries a company's mail server with lettre before its access is saved: connect, EHLO,
/// STARTTLS or TLS, AUTH when a user is given, QUIT.
pub struct SmtpCheck {
    pub opts: SmtpOptions,
}

impl MailCheck for SmtpCheck {
    fn check<'a>(
        &'a self,
        access: &'a MailAccess,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            let t = SmtpTarget::for_company(access, &self.opts)?;
            let tried = tokio::time::timeout(CHECK_TIMEOUT, t.transport.test_connection()).await;
            match tried {
                Err(_) => Err(format!("no answer from {}:{} in time", t.host, t.port)),
                Ok(Ok(true)) => Ok(()),
                Ok(Ok(false)) => Err("the server closed the connection".into()),
                Ok(Err(e)) => Err(refusal(&t, &e)),
            }
        })
    }
}

const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a mail server refused, in words (never with the password: lettre's errors hold none).
fn refusal(t: &SmtpTarget, e: &lettre::transport::smtp::Error) -> String {
    let code = e.status().map(|c| c.to_string()).unwrap_or_default();
    if e.is_tls() {
        format!("the TLS connection failed ({e})")
    } else if t.auth.is_some() && ["530", "534", "535", "538"].contains(&code.as_str()) {
        format!("authentication refused ({e})")
    } else if e.is_permanent() || e.is_transient() || e.is_client() || e.is_response() {
        format!("{e}")
    } else {
        format!("cannot connect to {}:{} ({e})", t.host, t.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    #[test]
    fn the_ehlo_name_is_a_fully_qualified_name_or_an_address_literal() {
        let name = |url, from| ehlo_name(url, from);
        assert_eq!(
            name("https://pbx.example.com/", "x@localhost"),
            "pbx.example.com"
        );
        assert_eq!(name("http://192.0.2.7:8080", "x@localhost"), "[192.0.2.7]");
        assert_eq!(
            name("http://[2001:db8::5]:8080", "x@localhost"),
            "[IPv6:2001:db8::5]"
        );
        // A loopback or bare name says nothing about us: the sender's domain, if it is one.
        assert_eq!(
            name(
                "http://127.0.0.1:8080",
                "Switchboard <pbx@Mail.Example.org>"
            ),
            "mail.example.org"
        );
        assert_eq!(
            name("http://localhost:8080", "switchboard@localhost"),
            "[127.0.0.1]"
        );
        assert_eq!(name("not a url", "nobody"), "[127.0.0.1]");
    }

    fn opts() -> SmtpOptions {
        SmtpOptions::default()
    }

    #[test]
    fn smtp_urls_name_their_protection_and_port() {
        let t = SmtpTarget::parse("smtp://127.0.0.1:2525", &opts()).unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.security, t.auth.is_none()),
            ("127.0.0.1", 2525, Security::Plain, true)
        );
        let t = SmtpTarget::parse("smtps://u:p%40ss@mail.example.com", &opts()).unwrap();
        assert_eq!((t.port, t.security), (465, Security::Tls));
        assert_eq!(t.auth.unwrap(), ("u".to_string(), "p@ss".to_string()));
        let t = SmtpTarget::parse("smtp://u:p@mail.example.com?tls=required", &opts()).unwrap();
        assert_eq!((t.port, t.security), (587, Security::StartTls));
        for bad in [
            "http://x",
            "smtp://",
            "smtp://x?tls=opportunistic",
            "smtp://x?tls=required&y=1",
        ] {
            assert!(SmtpTarget::parse(bad, &opts()).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_are_refused_without_tls_and_clear_text_when_tls_is_required() {
        let e = SmtpTarget::parse("smtp://u:p@mail.example.com:25", &opts())
            .err()
            .unwrap();
        assert!(e.contains("clear text"), "{e}");
        let required = SmtpOptions {
            tls_required: true,
            ..SmtpOptions::default()
        };
        assert!(SmtpTarget::parse("smtp://mail.example.com", &required).is_err());
        assert!(SmtpTarget::parse("smtps://mail.example.com", &required).is_ok());
    }

    /// A mail server that offers AUTH but not STARTTLS (as when a man in the middle strips it),
    /// recording every line it is sent.
    async fn stripping_server() -> (u16, Arc<std::sync::Mutex<Vec<String>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = heard.clone();
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                let (rd, mut wr) = s.into_split();
                let mut rd = BufReader::new(rd);
                wr.write_all(b"220 mx ESMTP\r\n").await.unwrap();
                let mut line = String::new();
                while rd.read_line(&mut line).await.unwrap_or(0) > 0 {
                    log.lock().unwrap().push(line.clone());
                    let answer: &[u8] = if line.starts_with("EHLO") {
                        b"250-mx\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                    } else if line.starts_with("AUTH") {
                        b"235 ok\r\n"
                    } else if line.starts_with("QUIT") {
                        b"221 bye\r\n"
                    } else {
                        b"250 ok\r\n"
                    };
                    let _ = wr.write_all(answer).await;
                    line.clear();
                }
            }
        });
        (port, heard)
    }

    fn a_mail() -> OutgoingMail {
        OutgoingMail {
            id: "m1".into(),
            recipient: "bob@example.com".into(),
            subject: "Reset your password".into(),
            body: "https://pbx.example.com/first-login?token=abc\n".into(),
            attempts: 0,
            attachment: None,
        }
    }

    #[test]
    fn a_company_s_assistant_signs_its_mail_and_any_name_arrives_intact() {
        let plain = Signer {
            address: "pbx@example.com",
            name: None,
            reply_to: None,
        };
        assert_eq!(
            from_headers(&plain),
            "From: \"Switchboard\" <pbx@example.com>\r\n"
        );
        let assistant = Signer {
            name: Some("Zoé Réception"),
            reply_to: Some("accueil@acme.example"),
            ..plain
        };
        assert_eq!(
            from_headers(&assistant),
            "From: =?utf-8?B?Wm/DqSBSw6ljZXB0aW9u?= <pbx@example.com>\r\nReply-To: <accueil@acme.example>\r\n"
        );
        let ascii = Signer {
            name: Some("Front Desk"),
            ..plain
        };
        assert!(from_headers(&ascii).starts_with("From: \"Front Desk\" <"));
    }

    #[tokio::test]
    async fn auth_is_never_sent_on_a_clear_connection() {
        let (port, heard) = stripping_server().await;
        let t = SmtpTarget::parse(
            &format!("smtp://mailer:s3cret@127.0.0.1:{port}?tls=required"),
            &opts(),
        )
        .unwrap();
        let signer = Signer {
            address: "pbx@example.com",
            name: None,
            reply_to: None,
        };
        let sent = send(
            &t,
            &signer,
            &a_mail(),
            None,
            "Sun, 6 Dec 2026 04:00:00 +0000",
        )
        .await;
        assert!(sent.is_err(), "no STARTTLS offered: nothing may be sent");
        let heard = heard.lock().unwrap().join("");
        assert!(heard.starts_with("EHLO"), "{heard}");
        assert!(
            !heard.contains("AUTH"),
            "credentials went in clear: {heard}"
        );
        assert!(!heard.contains("MAIL FROM"), "mail went in clear: {heard}");
    }
}
