//! Emergency calls (Kari's Law): the company's notification recipients, the E911
//! address on each line or number, and the mail sent through the persistent outbox when someone
//! dials an emergency number.

use crate::audit::{self, Record, diff};
use crate::authz::{Actor, Need};
use crate::switch::SipLine;
use crate::views::{E911AddressDoc, EmergencySettingsDoc};
use crate::{App, AppError, AppResult};
use sb_domain::model::AuditKind;
use sb_domain::values::{Country, Email};
use sb_store::emergency as store;
use sb_store::outbox::{self, Mail};

const MAX_RECIPIENTS: usize = 10;

fn check_address(a: &E911AddressDoc) -> AppResult<E911AddressDoc> {
    let field = |name: &str, v: &str, required: bool| -> AppResult<Option<String>> {
        let t = v.trim();
        if t.is_empty() {
            return if required {
                Err(AppError::invalid(
                    "required",
                    name,
                    "This part of the address is needed by emergency services.",
                ))
            } else {
                Ok(None)
            };
        }
        if t.chars().count() > 200 || t.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "invalid_address",
                name,
                "Address parts have at most 200 characters and no control characters.",
            ));
        }
        Ok(Some(t.to_owned()))
    };
    Ok(E911AddressDoc {
        street: field("street", &a.street, true)?.unwrap_or_default(),
        location: match &a.location {
            Some(l) => field("location", l, false)?,
            None => None,
        },
        city: field("city", &a.city, true)?.unwrap_or_default(),
        region: match &a.region {
            Some(r) => field("region", r, false)?,
            None => None,
        },
        postal_code: field("postal_code", &a.postal_code, true)?.unwrap_or_default(),
        country: Country::parse("country", &a.country)?.as_str().to_owned(),
    })
}

fn one_line(a: &E911AddressDoc) -> String {
    let mut parts = vec![a.street.clone()];
    parts.extend(a.location.clone());
    parts.push(a.city.clone());
    parts.extend(a.region.clone());
    parts.push(a.postal_code.clone());
    parts.push(a.country.clone());
    parts.join(", ")
}

/// Whose address: a line or a number.
#[derive(Debug, Clone, Copy)]
pub enum AddressOwner {
    Line,
    Number,
}

/// An [`AddressOwner`] as a type, for the REST handlers: one handler, generic over it, serves
/// the routes of lines and of numbers.
pub trait AddressKind: 'static {
    const OWNER: AddressOwner;
}

/// The two kinds of [`AddressKind`].
pub mod kind {
    use super::{AddressKind, AddressOwner};

    pub enum Line {}
    pub enum Number {}

    impl AddressKind for Line {
        const OWNER: AddressOwner = AddressOwner::Line;
    }
    impl AddressKind for Number {
        const OWNER: AddressOwner = AddressOwner::Number;
    }
}

impl App {
    pub async fn emergency_settings(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<EmergencySettingsDoc> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let recipients = match store::recipients(&mut c, &co.id).await? {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(EmergencySettingsDoc { recipients })
    }

    pub async fn set_emergency_settings(
        &self,
        actor: &Actor,
        company: &str,
        doc: EmergencySettingsDoc,
    ) -> AppResult<EmergencySettingsDoc> {
        if doc.recipients.len() > MAX_RECIPIENTS {
            return Err(AppError::invalid(
                "too_many",
                "recipients",
                "At most 10 people can be notified of emergency calls.",
            ));
        }
        let mut recipients = Vec::new();
        for (i, r) in doc.recipients.iter().enumerate() {
            let e = Email::parse(&format!("recipients.{i}"), r)?.into_string();
            if !recipients.contains(&e) {
                recipients.push(e);
            }
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        let before: Vec<String> = match store::recipients(&mut tx, &co.id).await? {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => Vec::new(),
        };
        let json =
            serde_json::to_string(&recipients).map_err(|e| AppError::Internal(e.to_string()))?;
        store::set_recipients(&mut tx, &co.id, &json, now).await?;
        let rec = Record::new(AuditKind::Changed, "emergency_settings", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(
                &serde_json::json!({ "recipients": before }),
                &serde_json::json!({ "recipients": recipients }),
            ));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(EmergencySettingsDoc { recipients })
    }

    async fn address_owner(
        &self,
        c: &mut sb_store::Conn,
        actor: &Actor,
        owner: AddressOwner,
        id: &str,
    ) -> AppResult<(sb_store::tenancy::Company, String)> {
        match owner {
            AddressOwner::Line => {
                let (co, l) = self.line_for(c, actor, id, Need::Administer).await?;
                Ok((co, l.id.to_string()))
            }
            AddressOwner::Number => {
                let (co, n) = self.number_for(c, actor, id, Need::Administer).await?;
                Ok((co, n.id.to_string()))
            }
        }
    }

    pub async fn e911_address(
        &self,
        actor: &Actor,
        owner: AddressOwner,
        id: &str,
    ) -> AppResult<E911AddressDoc> {
        let mut c = self.store.conn().await?;
        let (_, key) = self.address_owner(&mut c, actor, owner, id).await?;
        let json = store::address(&mut c, &key)
            .await?
            .ok_or(AppError::NotFound)?;
        serde_json::from_str(&json).map_err(|e| AppError::Internal(e.to_string()))
    }

    pub async fn set_e911_address(
        &self,
        actor: &Actor,
        owner: AddressOwner,
        id: &str,
        doc: E911AddressDoc,
    ) -> AppResult<E911AddressDoc> {
        let a = check_address(&doc)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, key) = self.address_owner(&mut tx, actor, owner, id).await?;
        let before = store::address(&mut tx, &key).await?;
        let json = serde_json::to_string(&a).map_err(|e| AppError::Internal(e.to_string()))?;
        store::set_address(&mut tx, &co.id, &key, &json, now).await?;
        let before: serde_json::Value = before
            .and_then(|b| serde_json::from_str(&b).ok())
            .unwrap_or_default();
        let rec = Record::new(AuditKind::Changed, "e911_address", &key)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(&before, &serde_json::to_value(&a).unwrap_or_default()));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(a)
    }

    pub async fn clear_e911_address(
        &self,
        actor: &Actor,
        owner: AddressOwner,
        id: &str,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, key) = self.address_owner(&mut tx, actor, owner, id).await?;
        store::clear_address(&mut tx, &key).await?;
        let rec = Record::new(AuditKind::Deleted, "e911_address", &key)
            .tenant(Some(&co.reseller_id), Some(&co.id));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tells the company's recipients that `line` dialled an emergency number, with the caller
    /// ID used and the E911 address on the line (else on its presentation number). The mail
    /// waits in the outbox until the SMTP server takes it. Returns how many were queued.
    pub async fn notify_emergency(
        &self,
        line: &SipLine,
        dialled: &str,
        caller_id: &str,
    ) -> AppResult<usize> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let recipients: Vec<String> = match store::recipients(&mut tx, &line.company_id).await? {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => Vec::new(),
        };
        let mut address = store::address(&mut tx, line.id.as_str()).await?;
        if address.is_none()
            && let Some(n) = &line.presentation_number
            && let Some(num) = sb_store::lines::number_by_e164(&mut tx, &line.company_id, n).await?
        {
            address = store::address(&mut tx, num.id.as_str()).await?;
        }
        let address = address
            .and_then(|a| serde_json::from_str::<E911AddressDoc>(&a).ok())
            .map(|a| one_line(&a));
        let co = crate::mail_texts::company_mail(&mut tx, &line.company_id).await?;
        let at = co.time(now);
        let call = crate::mail_texts::EmergencyCall {
            extension: line.extension.as_str(),
            name: line.calling_name.as_deref(),
            dialled,
            at: &at,
            caller_id,
            address: address.as_deref(),
        };
        let texts = crate::mail_texts::emergency(co.lang, &call);
        for r in &recipients {
            let mail = Mail {
                id: sb_domain::ids::new_id_text(now),
                recipient: r.clone(),
                subject: texts.subject.clone(),
                body: texts.body.clone(),
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
                attachment: None,
            };
            outbox::enqueue(&mut tx, &mail).await?;
        }
        tx.commit().await?;
        Ok(recipients.len())
    }
}
