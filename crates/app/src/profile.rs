//! The company profile's extras: the virtual assistant whose name and e-mail sign
//! the mail the company's users get, the administrator's phone number, and the telephony
//! provider's and PBX provisioning credentials. The credentials are sealed with the operator's
//! key ([`crate::sealed`]) and written only: no answer, log line or audit record holds them.

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::views::nullable;
use crate::{App, AppResult};
use sb_domain::model::AuditKind;
use sb_domain::values::{E164, Email, Name};
use sb_store::profiles::{self, CompanyProfile};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A username and password for another system (write-only).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// A change of the profile: an absent field stays as it is, `null` clears it.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CompanyProfileInput {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub assistant_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub assistant_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub admin_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Credentials>)]
    pub provider_credentials: Option<Option<Credentials>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Credentials>)]
    pub pbx_credentials: Option<Option<Credentials>>,
    /// The company's own SMTP server, tried by a real connection before it is saved.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<crate::mail_access::MailAccessInput>)]
    pub mail_access: Option<Option<crate::mail_access::MailAccessInput>>,
}

/// The profile as it is shown: the credentials only as whether they are set.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct CompanyProfileView {
    pub assistant_name: Option<String>,
    pub assistant_email: Option<String>,
    pub admin_phone: Option<String>,
    pub provider_credentials_set: bool,
    pub pbx_credentials_set: bool,
    /// The company's own mail server; its password only as whether one is set.
    pub mail_access: Option<crate::mail_access::MailAccessView>,
}

fn view(p: &CompanyProfile) -> CompanyProfileView {
    CompanyProfileView {
        assistant_name: p.assistant_name.clone(),
        assistant_email: p.assistant_email.clone(),
        admin_phone: p.admin_phone.clone(),
        provider_credentials_set: p.provider_credentials.is_some(),
        pbx_credentials_set: p.pbx_credentials.is_some(),
        mail_access: p.mail_access.as_ref().map(crate::mail_access::view),
    }
}

/// `Some(new)` when the field is in the change: `new` checked by `parse`.
fn changed<T>(
    field: Option<Option<String>>,
    parse: impl Fn(&str) -> Result<T, sb_domain::Invalid>,
    into: impl Fn(T) -> String,
) -> AppResult<Option<Option<String>>> {
    Ok(match field {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) if v.trim().is_empty() => Some(None),
        Some(Some(v)) => Some(Some(into(parse(v.trim())?))),
    })
}

impl App {
    /// A company's profile extras (its administrators and providers).
    pub async fn company_profile(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<CompanyProfileView> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        Ok(view(&profiles::get(&mut c, &co.id).await?))
    }

    /// Changes the profile extras; credentials are sealed, and the audit says only which of
    /// them changed.
    pub async fn set_company_profile(
        &self,
        actor: &Actor,
        company: &str,
        input: CompanyProfileInput,
    ) -> AppResult<CompanyProfileView> {
        let now = self.now_ms();
        // The mail server is tried before the transaction: the conversation may take seconds.
        let mail_access = match &input.mail_access {
            Some(Some(m)) => {
                let mut c = self.store.conn().await?;
                let co = self
                    .company_for(&mut c, actor, company, Need::Administer)
                    .await?;
                let stored = profiles::get(&mut c, &co.id).await?.mail_access;
                drop(c);
                let checked = self.checked_mail_access(&co.id, m, stored.as_ref()).await?;
                Some(Some(checked))
            }
            Some(None) => Some(None),
            None => None,
        };
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        let mut p = profiles::get(&mut tx, &co.id).await?;
        let before = view(&p);
        let name = |v: &str| Name::parse("assistant_name", v);
        if let Some(v) = changed(input.assistant_name, name, Name::into_string)? {
            p.assistant_name = v;
        }
        let email = |v: &str| Email::parse("assistant_email", v);
        if let Some(v) = changed(input.assistant_email, email, Email::into_string)? {
            p.assistant_email = v;
        }
        let phone = |v: &str| E164::parse("admin_phone", v);
        if let Some(v) = changed(input.admin_phone, phone, E164::into_string)? {
            p.admin_phone = v;
        }
        let sealing = [
            ("provider_credentials", input.provider_credentials),
            ("pbx_credentials", input.pbx_credentials),
        ];
        let mut secrets_changed = Vec::new();
        for (field, change) in sealing {
            let Some(change) = change else { continue };
            let sealed = match change {
                None => None,
                Some(cred) => Some(self.seal_credentials(&co.id, field, &cred)?),
            };
            match field {
                "provider_credentials" => p.provider_credentials = sealed,
                _ => p.pbx_credentials = sealed,
            }
            secrets_changed.push(field);
        }
        if let Some(change) = mail_access {
            let new_password = match &change {
                Some((_, new)) => *new,
                None => p.mail_access.as_ref().is_some_and(|m| m.password.is_some()),
            };
            if new_password {
                secrets_changed.push("mail_access.password");
            }
            p.mail_access = change.map(|(m, _)| m);
        }
        profiles::save(&mut tx, &co.id, &p).await?;
        let after = view(&p);
        let summary = serde_json::json!({
            "before": before,
            "after": after,
            "credentials_changed": secrets_changed,
        });
        let rec = Record::new(AuditKind::Changed, "company_profile", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(summary);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(after)
    }

    fn seal_credentials(
        &self,
        company: &sb_domain::ids::CompanyId,
        field: &str,
        cred: &Credentials,
    ) -> AppResult<String> {
        let checked = |what: &str, v: &str| -> AppResult<()> {
            if v.is_empty() || v.len() > 256 || v.chars().any(char::is_control) {
                return Err(crate::AppError::invalid(
                    "invalid_credentials_field",
                    &format!("{field}.{what}"),
                    "1 to 256 characters, no control characters.",
                ));
            }
            Ok(())
        };
        checked("username", &cred.username)?;
        checked("password", &cred.password)?;
        let plain = serde_json::to_string(cred)
            .map_err(|e| crate::AppError::Internal(format!("credentials: {e}")))?;
        let context = crate::sealed::company_context(company.as_str(), field);
        self.cfg.secret_key.seal(&context, &plain)
    }
}

/// A package a company may offer its users, as its Offer / Default boxes show it.
#[derive(Debug)]
pub struct OfferablePackage {
    pub package: crate::views::PackageView,
    pub offered: bool,
    pub default: bool,
}

impl App {
    /// Every package the company may offer (the installation's and its reseller's own), each
    /// with whether it is offered and whether it is the default: for the company's
    /// administrators and its providers, who choose them (`set_offered_packages`).
    pub async fn offerable_packages(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<Vec<OfferablePackage>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let offered = sb_store::tenancy::offered_packages(&mut c, &co.id).await?;
        let all = sb_store::tenancy::list_packages(&mut c, Some(&co.reseller_id)).await?;
        Ok(all
            .iter()
            .map(|p| OfferablePackage {
                offered: offered.contains(&p.id),
                default: co.default_package_id.as_ref() == Some(&p.id),
                package: crate::directory::package_view(p),
            })
            .collect())
    }
}
