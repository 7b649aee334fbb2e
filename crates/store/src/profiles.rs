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
    })
}

/// Replaces the company's profile.
pub async fn save(c: &mut Conn, company: &CompanyId, p: &CompanyProfile) -> Result<()> {
    query("DELETE FROM company_profiles WHERE company_id = $1")
        .bind(company.as_str())
        .execute(&mut *c)
        .await?;
    query(
        "INSERT INTO company_profiles (company_id, assistant_name, assistant_email, admin_phone,
            provider_credentials, pbx_credentials)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(company.as_str())
    .bind(p.assistant_name.clone())
    .bind(p.assistant_email.clone())
    .bind(p.admin_phone.clone())
    .bind(p.provider_credentials.clone())
    .bind(p.pbx_credentials.clone())
    .execute(c)
    .await?;
    Ok(())
}

/// Every stored credential, sealed (for the start-up check of the operator's key).
pub async fn sealed_values(c: &mut Conn) -> Result<Vec<String>> {
    let rows = query(
        "SELECT provider_credentials AS v FROM company_profiles WHERE provider_credentials IS NOT NULL
         UNION SELECT pbx_credentials AS v FROM company_profiles WHERE pbx_credentials IS NOT NULL",
    )
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| col::<String>(&mut r, "v"))
        .collect()
}
