//! The outbox worker and a small SMTP client (RFC 5321, plain TCP with optional AUTH PLAIN).
//! Mail is taken from the persistent outbox, sent, and marked; a failure leaves it there for a
//! later attempt with exponential back-off, so nothing is lost while the server is down.

use sb_domain::clock::Clock;
use sb_store::{Store, outbox};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Where mail goes: host, port and optional credentials of `smtp://[user:pass@]host[:port]`.
#[derive(Clone)]
pub struct SmtpTarget {
    host: String,
    port: u16,
    auth: Option<(String, String)>,
}

impl SmtpTarget {
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("smtp://")
            .ok_or("only smtp:// URLs are supported")?;
        let rest = rest.trim_end_matches('/');
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((creds, hp)) => {
                let (u, p) = creds
                    .split_once(':')
                    .ok_or("credentials are user:password")?;
                (Some((u.to_owned(), p.to_owned())), hp)
            }
            None => (None, rest),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| "bad port")?),
            None => (hostport, 25),
        };
        if host.is_empty() {
            return Err("missing host".into());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
            auth,
        })
    }
}

async fn expect(
    r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    code: &str,
) -> Result<(), String> {
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(Duration::from_secs(20), r.read_line(&mut line))
            .await
            .map_err(|_| "SMTP server timed out".to_string())?
            .map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("SMTP server closed the connection".into());
        }
        if !line.starts_with(code) {
            return Err(format!("SMTP server answered {}", line.trim_end()));
        }
        // "250-..." continues a multi-line answer; "250 ..." ends it.
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(());
        }
    }
}

/// The AUTH PLAIN token (RFC 4616): authorisation identity empty, then user and password.
fn auth_plain(user: &str, password: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"))
}

/// Sends one message; the body is plain UTF-8 text.
pub async fn send(
    target: &SmtpTarget,
    from: &str,
    m: &outbox::Mail,
    date: &str,
) -> Result<(), String> {
    if [from, &m.recipient, &m.subject]
        .iter()
        .any(|s| s.contains(['\r', '\n']))
    {
        return Err("header values cannot contain line breaks".into());
    }
    let stream = tokio::time::timeout(
        Duration::from_secs(10),
        TcpStream::connect((target.host.as_str(), target.port)),
    )
    .await
    .map_err(|_| "connecting to the SMTP server timed out".to_string())?
    .map_err(|e| format!("cannot connect to the SMTP server: {e}"))?;
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::new(rd);
    expect(&mut rd, "220").await?;
    let mut cmd = async |line: String, code: &str, rd: &mut BufReader<_>| -> Result<(), String> {
        wr.write_all(line.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        expect(rd, code).await
    };
    cmd("EHLO switchboard\r\n".into(), "250", &mut rd).await?;
    if let Some((u, p)) = &target.auth {
        let token = auth_plain(u, p);
        cmd(format!("AUTH PLAIN {token}\r\n"), "235", &mut rd).await?;
    }
    cmd(format!("MAIL FROM:<{from}>\r\n"), "250", &mut rd).await?;
    cmd(format!("RCPT TO:<{}>\r\n", m.recipient), "250", &mut rd).await?;
    cmd("DATA\r\n".into(), "354", &mut rd).await?;
    let mut msg = format!(
        "From: Switchboard <{from}>\r\nTo: <{}>\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{}@switchboard>\r\nMIME-Version: 1.0\r\n",
        m.recipient, m.subject, m.id
    );
    let text_part =
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    // The boundary is the mail's id: it cannot occur in base64 or in our own text.
    let boundary = format!("=_switchboard_{}", m.id);
    match &m.attachment {
        None => msg.push_str(text_part),
        Some(a) => {
            if [&a.name, &a.content_type]
                .iter()
                .any(|s| s.contains(['\r', '\n', '"']))
            {
                return Err("attachment names cannot contain line breaks or quotes".into());
            }
            msg.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n{text_part}"
            ));
        }
    }
    for line in m.body.lines() {
        // Dot-stuffing (RFC 5321 section 4.5.2).
        if line.starts_with('.') {
            msg.push('.');
        }
        msg.push_str(line);
        msg.push_str("\r\n");
    }
    if let Some(a) = &m.attachment {
        msg.push_str(&format!(
            "\r\n--{boundary}\r\nContent-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment; filename=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            a.content_type, a.name, a.name
        ));
        // Base64 lines of 76 characters (RFC 2045); the text is ASCII.
        for chunk in a.base64.as_bytes().chunks(76) {
            msg.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            msg.push_str("\r\n");
        }
        msg.push_str(&format!("--{boundary}--\r\n"));
    }
    msg.push_str(".\r\n");
    cmd(msg, "250", &mut rd).await?;
    let _ = cmd("QUIT\r\n".into(), "221", &mut rd).await;
    Ok(())
}

/// Delivers due mail every few seconds until the process stops.
pub async fn run_outbox(store: Store, clock: Arc<dyn Clock>, target: SmtpTarget, from: String) {
    loop {
        if let Err(e) = deliver_due(&store, clock.as_ref(), &target, &from).await {
            tracing::warn!(error = %e, "mail outbox pass failed");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

async fn deliver_due(
    store: &Store,
    clock: &dyn Clock,
    target: &SmtpTarget,
    from: &str,
) -> Result<(), sb_store::StoreError> {
    let now = clock.now();
    let due = {
        let mut c = store.conn().await?;
        outbox::due(&mut c, now.as_millisecond(), 20).await?
    };
    let date = now.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string();
    for m in due {
        let result = send(target, from, &m, &date).await;
        let mut c = store.conn().await?;
        match result {
            Ok(()) => outbox::mark_sent(&mut c, &m.id, clock.now().as_millisecond()).await?,
            Err(e) => {
                let backoff = (30_000i64 << m.attempts.clamp(0, 7)).min(3_600_000);
                tracing::warn!(mail = %m.id, error = %e, "mail not sent; will retry");
                outbox::mark_failed(&mut c, &m.id, now.as_millisecond() + backoff, &e).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_parse_with_and_without_credentials() {
        let t = SmtpTarget::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.auth.is_none()),
            ("127.0.0.1", 2525, true)
        );
        let t = SmtpTarget::parse("smtp://u:p@mail.example.com").unwrap();
        assert_eq!((t.port, t.auth.unwrap().1), (25, "p".to_string()));
        assert!(SmtpTarget::parse("http://x").is_err());
        assert_eq!(auth_plain("u", "p"), "AHUAcA==");
    }
}
