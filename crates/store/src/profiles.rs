//! What a company's profile holds beyond its name and languages: the virtual
//! assistant that signs the mail its users get, the administrator's phone number, and the
//! telephony provider's and PBX provisioning credentials, kept sealed (the caller seals them:
//! this module stores text).

use crate::db::query;
use crate::{Conn, Result, col};
use sb_domain::ids::CompanyId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyProfile {
    pub assistant_name: Option<String>,
    pub assistant_email: Option<String>,
    pub admin_phone: Option<String>,
    /// Sealed; never read back out of the application.
    pub provider_credentials: Option<String>,
    /// Sealed; never read back out of the application.
    pub pbx_credentials: Option<String>,
    /// The company's own mail server, when it has one.
    pub mail_access: Option<StoredMailAccess>,
}

/// A company's SMTP server as stored: the password sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMailAccess {
    pub host: String,
    pub port: i64,
    /// `starttls`, `tls` or `none`.
    pub security: String,
    pub username: Option<String>,
    /// Sealed; only the outbox worker and the check on save open it.
    pub password: Option<String>,
}

/// The mail access columns of a `company_profiles` row (absent when no host is set).
pub(crate) fn mail_access_of(r: &mut crate::db::Row) -> Result<Option<StoredMailAccess>> {
    let host: Option<String> = col(r, "mail_host")?;
    let Some(host) = host else { return Ok(None) };
    Ok(Some(StoredMailAccess {
        host,
        port: col::<Option<i64>>(r, "mail_port")?.unwrap_or(25),
        security: col::<Option<String>>(r, "mail_security")?.unwrap_or_default(),
        username: col(r, "mail_username")?,
        password: col(r, "mail_password")?,
    }))
}

/// The company's profile; empty when nothing was ever saved.
pub async fn get(c: &mut Conn, company: &CompanyId) -> Result<CompanyProfile> {
    let row = query("SELECT * FROM company_profiles WHERE company_id = $1")
        .bind(company.as_str())
        .fetch_optional(c)
        .await?;
    let Some(mut r) = row else {
        return Ok(CompanyProfile::default());
    };
    Ok(CompanyProfile {
        assistant_name: col(&mut r, "assistant_name")?,
        assistant_email: col(&mut r, "assistant_email")?,
        admin_phone: col(&mut r, "admin_phone")?,
        provider_credentials: col(&mut r, "provider_credentials")?,
        pbx_credentials: col(&mut r, "pbx_credentials")?,
        mail_access: mail_access_of(&mut r)?,
    })
}

/// Replaces the company's profile.
pub async fn save(c: &mut Conn, company: &CompanyId, p: &CompanyProfile) -> Result<()> {
    let m = p.mail_access.as_ref();
    query("DELETE FROM company_profiles WHERE company_id = $1")
        .bind(company.as_str())
        .execute(&mut *c)
        .await?;
    query(
        "INSERT INTO company_profiles (company_id, assistant_name, assistant_email, admin_phone,
            provider_credentials, pbx_credentials, mail_host, mail_port, mail_security,
            mail_username, mail_password)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(company.as_str())
    .bind(p.assistant_name.clone())
    .bind(p.assistant_email.clone())
    .bind(p.admin_phone.clone())
    .bind(p.provider_credentials.clone())
    .bind(p.pbx_credentials.clone())
    .bind(m.map(|m| m.host.clone()))
    .bind(m.map(|m| m.port))
    .bind(m.map(|m| m.security.clone()))
    .bind(m.and_then(|m| m.username.clone()))
    .bind(m.and_then(|m| m.password.clone()))
    .execute(c)
    .await?;
    Ok(())
}

/// Every stored credential, sealed (for the start-up check of the operator's key).
pub async fn sealed_values(c: &mut Conn) -> Result<Vec<String>> {
    let rows = query(
        "SELECT provider_credentials AS v FROM company_profiles WHERE provider_credentials IS NOT NULL
         UNION SELECT pbx_credentials AS v FROM company_profiles WHERE pbx_credentials IS NOT NULL
         UNION SELECT mail_password AS v FROM company_profiles WHERE mail_password IS NOT NULL",
    )
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| col::<String>(&mut r, "v"))
        .collect()
}
