//! A company's mail access: its own SMTP server, through which the mail sent for the company
//! (voicemail, notifications, invitations, reports) goes out. It is checked by a real connection
//! when saved (the [`MailCheck`] port the server gives the application at start-up); the password
//! is sealed with the operator's key and written only.
//!
//! Security `none` carries a user name and password only to a loopback host: elsewhere they
//! would cross the network in clear text, so such a setting is refused.

use crate::{App, AppError, AppResult};
use sb_store::profiles::StoredMailAccess;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use utoipa::ToSchema;

/// How the connection to the company's mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MailSecurity {
    /// STARTTLS required (RFC 3207): no mail at all when the server does not offer it.
    Starttls,
    /// TLS from the first byte (RFC 8314).
    Tls,
    /// Clear text: for a relay on the same machine.
    None,
}

impl MailSecurity {
    fn as_str(self) -> &'static str {
        match self {
            MailSecurity::Starttls => "starttls",
            MailSecurity::Tls => "tls",
            MailSecurity::None => "none",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "starttls" => Some(MailSecurity::Starttls),
            "tls" => Some(MailSecurity::Tls),
            "none" => Some(MailSecurity::None),
            _ => None,
        }
    }
}

/// A company's mail server with its password in clear: only for the check and the outbox.
#[derive(Clone, PartialEq, Eq)]
pub struct MailAccess {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    /// User name and password for AUTH (RFC 4954), when the server wants them.
    pub auth: Option<(String, String)>,
}

impl std::fmt::Debug for MailAccess {
    // The password never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailAccess")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.auth.as_ref().map(|a| &a.0))
            .finish()
    }
}

/// The mail access as it is set: the password may be left out to keep the stored one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailAccessInput {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    #[serde(default)]
    pub username: Option<String>,
    /// Write-only; absent or empty keeps the stored password for the same user name.
    #[serde(default)]
    pub password: Option<String>,
}

/// The mail access as it is shown: the password only as whether one is set.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq, Clone)]
pub struct MailAccessView {
    pub host: String,
    pub port: i64,
    pub security: String,
    pub username: Option<String>,
    pub password_set: bool,
}

/// The view of a stored mail access.
pub fn view(m: &StoredMailAccess) -> MailAccessView {
    MailAccessView {
        host: m.host.clone(),
        port: m.port,
        security: m.security.clone(),
        username: m.username.clone(),
        password_set: m.password.is_some(),
    }
}

/// The port through which a mail access is tried before it is saved: connect, EHLO, STARTTLS or
/// TLS as chosen, AUTH when a user is given, QUIT. The error is a sentence for the person.
pub trait MailCheck: Send + Sync {
    fn check<'a>(
        &'a self,
        access: &'a MailAccess,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Where the application finds its [`MailCheck`], given once at start-up.
pub(crate) type MailCheckSlot = Arc<OnceLock<Arc<dyn MailCheck>>>;

const FIELD: &str = "mail_access";
const PASSWORD_CONTEXT: &str = "mail_access.password";

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid("invalid_mail_access", FIELD, message)
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn checked_text(what: &str, v: &str) -> AppResult<()> {
    if v.is_empty() || v.len() > 256 || v.chars().any(char::is_control) {
        return Err(invalid(format!(
            "The {what} is 1 to 256 characters, without control characters."
        )));
    }
    Ok(())
}

/// The access an input asks for, checked for its form; `stored_password` (in clear) is kept when
/// the input leaves the password out for the same user name.
fn access_of(
    input: &MailAccessInput,
    stored: Option<(&str, String)>,
) -> AppResult<(MailAccess, bool)> {
    let host = input.host.trim();
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c));
    if !host_ok {
        return Err(invalid("The host is a name or an IP address."));
    }
    if input.port == 0 {
        return Err(invalid("The port is 1 to 65535."));
    }
    let username = input.username.as_deref().map(str::trim).unwrap_or("");
    let password = input.password.as_deref().unwrap_or("");
    let mut new_password = false;
    let auth = if username.is_empty() {
        None
    } else {
        checked_text("user name", username)?;
        let password = if !password.is_empty() {
            new_password = true;
            password.to_owned()
        } else {
            match stored {
                Some((user, pw)) if user == username => pw,
                _ => return Err(invalid("A user name needs its password.")),
            }
        };
        checked_text("password", &password)?;
        Some((username.to_owned(), password))
    };
    if auth.is_some() && input.security == MailSecurity::None && !is_loopback(host) {
        return Err(invalid(
            "A user name and password would cross the network in clear text: choose STARTTLS or TLS.",
        ));
    }
    let access = MailAccess {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port: input.port,
        security: input.security,
        auth,
    };
    Ok((access, new_password))
}

impl App {
    /// Gives the application the way it tries a company's mail server (once, at start-up).
    pub fn set_mail_check(&self, check: Arc<dyn MailCheck>) {
        let _ = self.mail_check.set(check);
    }

    /// Checks a new mail access by a real connection and returns it as stored (password sealed)
    /// with whether the password changed; nothing is returned when the server refuses.
    pub(crate) async fn checked_mail_access(
        &self,
        company: &sb_domain::ids::CompanyId,
        input: &MailAccessInput,
        stored: Option<&StoredMailAccess>,
    ) -> AppResult<(StoredMailAccess, bool)> {
        let stored_pw = stored.and_then(|s| {
            let user = s.username.as_deref()?;
            Some((
                user,
                self.open_mail_password(company.as_str(), s.password.as_deref()?)?,
            ))
        });
        let (access, new_password) = access_of(input, stored_pw)?;
        let check = self
            .mail_check
            .get()
            .ok_or_else(|| invalid("This installation cannot try mail servers."))?;
        check
            .check(&access)
            .await
            .map_err(|reason| invalid(format!("The mail server refused: {reason}")))?;
        let context = crate::sealed::company_context(company.as_str(), PASSWORD_CONTEXT);
        let password = match &access.auth {
            Some((_, pw)) => Some(self.cfg.secret_key.seal(&context, pw)?),
            None => None,
        };
        let saved = StoredMailAccess {
            host: access.host,
            port: i64::from(access.port),
            security: access.security.as_str().to_owned(),
            username: access.auth.map(|a| a.0),
            password,
        };
        Ok((saved, new_password))
    }

    fn open_mail_password(&self, company: &str, sealed: &str) -> Option<String> {
        let context = crate::sealed::company_context(company, PASSWORD_CONTEXT);
        self.cfg.secret_key.open(&context, sealed).ok()
    }

    /// A stored mail access with its password opened, for the outbox worker; `None` when it
    /// cannot be used (unknown security, or a password this key did not seal).
    pub fn open_mail_access(&self, company: &str, m: &StoredMailAccess) -> Option<MailAccess> {
        let auth = match (&m.username, &m.password) {
            (Some(user), Some(sealed)) => {
                Some((user.clone(), self.open_mail_password(company, sealed)?))
            }
            _ => None,
        };
        Some(MailAccess {
            host: m.host.clone(),
            port: u16::try_from(m.port).ok()?,
            security: MailSecurity::parse(&m.security)?,
            auth,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(host: &str, security: MailSecurity, user: Option<&str>) -> MailAccessInput {
        MailAccessInput {
            host: host.into(),
            port: 25,
            security,
            username: user.map(Into::into),
            password: user.map(|_| "s3cret".into()),
        }
    }

    #[test]
    fn credentials_in_clear_text_are_refused_except_to_a_loopback_host() {
        let far = input("mail.example.com", MailSecurity::None, Some("u"));
        assert!(access_of(&far, None).is_err());
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            let near = input(host, MailSecurity::None, Some("u"));
            assert!(access_of(&near, None).is_ok(), "{host}");
        }
        let tls = input("mail.example.com", MailSecurity::Starttls, Some("u"));
        assert!(access_of(&tls, None).is_ok());
    }

    #[test]
    fn a_left_out_password_keeps_the_stored_one_only_for_the_same_user() {
        let mut i = input("mail.example.com", MailSecurity::Tls, Some("u"));
        i.password = None;
        let (a, new) = access_of(&i, Some(("u", "old".into()))).unwrap();
        assert_eq!((a.auth.unwrap().1.as_str(), new), ("old", false));
        assert!(access_of(&i, Some(("other", "old".into()))).is_err());
        assert!(access_of(&i, None).is_err());
    }

    #[test]
    fn a_bad_host_or_port_is_refused() {
        assert!(access_of(&input("", MailSecurity::Tls, None), None).is_err());
        assert!(access_of(&input("a b", MailSecurity::Tls, None), None).is_err());
        let mut i = input("mx", MailSecurity::Tls, None);
        i.port = 0;
        assert!(access_of(&i, None).is_err());
    }

    #[test]
    fn the_password_is_not_in_the_debug_text() {
        let (a, _) = access_of(&input("mx", MailSecurity::Tls, Some("u")), None).unwrap();
        assert!(!format!("{a:?}").contains("s3cret"));
    }
}
