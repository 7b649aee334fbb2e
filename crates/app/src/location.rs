//! What the SIP registrar asks of the business layer: a line's SIP account (digest HA1 only:
//! the password is sealed with the operator's key, which the engine never holds), and the
//! registrations it keeps across restarts (RFC 3261 section 10: the location service). One node
//! keeps them in memory and writes them here; several nodes will share them through this port.

use crate::{App, AppResult};
use sb_domain::ids::CompanyId;
use sb_store::{lines, registrations};

/// A line's SIP account as the registrar checks a digest against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipAccount {
    pub username: String,
    pub ha1_md5: String,
    pub ha1_sha256: String,
    /// False when the line has no enabled user: its REGISTERs and calls are refused.
    pub enabled: bool,
    pub company: CompanyId,
}

/// One device registered on an address of record, as kept across restarts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBinding {
    pub aor: String,
    pub company: CompanyId,
    pub contact: String,
    pub expires_at_ms: i64,
    /// `ip:port` the REGISTER came from.
    pub source: String,
    pub call_id: String,
    pub cseq: u32,
    /// The Path entries it came through (RFC 3327), in order.
    pub path: Vec<String>,
    /// Empty when the phone sent no User-Agent.
    pub user_agent: String,
}

impl App {
    /// The SIP account `username` of the company whose SIP domain is `domain`.
    pub async fn sip_account(&self, domain: &str, username: &str) -> AppResult<Option<SipAccount>> {
        let mut c = self.store.conn().await?;
        let found = lines::sip_account(&mut c, domain, username).await?;
        Ok(found.map(|(line, in_service)| SipAccount {
            username: line.sip_username,
            ha1_md5: line.sip_ha1_md5,
            ha1_sha256: line.sip_ha1_sha256,
            enabled: in_service,
            company: line.company_id,
        }))
    }

    /// Replaces the devices of each address of record in `batch` (an empty list: none left),
    /// in one transaction (a burst of REGISTERs costs one commit).
    pub async fn save_registrations(&self, batch: &[(&str, Vec<StoredBinding>)]) -> AppResult<()> {
        let mut tx = self.store.begin().await?;
        for (aor, bindings) in batch {
            let list: Vec<registrations::Registration> = bindings
                .iter()
                .map(|b| registrations::Registration {
                    aor: b.aor.clone(),
                    contact: b.contact.clone(),
                    company_id: b.company.clone(),
                    expires_at: b.expires_at_ms,
                    source: b.source.clone(),
                    call_id: b.call_id.clone(),
                    cseq: i64::from(b.cseq),
                    path: b.path.clone(),
                    user_agent: b.user_agent.clone(),
                })
                .collect();
            registrations::save(&mut tx, aor, &list).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The registrations stored before this start that have not expired by `now` (expired ones
    /// are removed).
    pub async fn stored_registrations(&self, now: i64) -> AppResult<Vec<StoredBinding>> {
        let mut c = self.store.conn().await?;
        let list = registrations::load(&mut c, now).await?;
        Ok(list
            .into_iter()
            .map(|r| StoredBinding {
                aor: r.aor,
                company: r.company_id,
                contact: r.contact,
                expires_at_ms: r.expires_at,
                source: r.source,
                call_id: r.call_id,
                cseq: u32::try_from(r.cseq).unwrap_or(0),
                path: r.path,
                user_agent: r.user_agent,
            })
            .collect())
    }
}
