//! The stored secrets' form: a line's SIP password is kept as HA1 for each digest algorithm (what
//! the registrar and call authentication check) and sealed with the operator's key (what
//! provisioning and the one-time display need); a two-factor secret is kept sealed. Values stored
//! before sealing existed are converted at start-up, before anything is served.

use crate::sealed::{self, SecretKey};
use crate::{App, AppError, AppResult, secrets};
use sb_sip::digest::{self, Algorithm};
use sb_store::lines::{self as line_store, Line};
use sb_store::totp as totp_store;

/// Gives `l` a new random SIP password for the digest realm `realm` (its company's SIP domain);
/// returns it in clear, for the one answer that shows it.
pub(crate) fn new_sip_password(key: &SecretKey, l: &mut Line, realm: &str) -> AppResult<String> {
    let password = secrets::sip_password();
    set_sip_password(key, l, realm, &password)?;
    Ok(password)
}

fn set_sip_password(key: &SecretKey, l: &mut Line, realm: &str, password: &str) -> AppResult<()> {
    l.sip_password_sealed = key.seal(&sealed::line_context(l.id.as_str()), password)?;
    l.sip_ha1_md5 = digest::ha1(Algorithm::Md5, &l.sip_username, realm, password);
    l.sip_ha1_sha256 = digest::ha1(Algorithm::Sha256, &l.sip_username, realm, password);
    Ok(())
}

/// The line's SIP password in clear.
pub(crate) fn open_sip_password(key: &SecretKey, l: &Line) -> AppResult<String> {
    key.open(&sealed::line_context(l.id.as_str()), &l.sip_password_sealed)
        .map_err(|e| {
            AppError::conflict(
                "credentials_unreadable",
                format!(
                    "The line's SIP password cannot be read ({e}); reset the line's SIP \
                     credentials to give it a new one."
                ),
                None,
            )
        })
}

/// What the start-up sealing did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    pub sip_passwords: usize,
    pub two_factor_secrets: usize,
}

impl App {
    /// Seals every secret still stored in clear (rows from before sealing existed), in one
    /// transaction. Refuses, changing nothing, when stored values were sealed by another key than
    /// the configured one: serving with the wrong key would make those secrets unreadable.
    pub async fn seal_stored_secrets(&self) -> AppResult<Sealed> {
        let key = &self.cfg.secret_key;
        let mut tx = self.store.begin().await?;
        let mut foreign = line_store::sealing_keys(&mut tx).await?;
        foreign.extend(totp_store::sealing_keys(&mut tx).await?);
        foreign.retain(|id| id != key.id());
        if let Some(other) = foreign.first() {
            return Err(AppError::conflict(
                "secret_key_mismatch",
                format!(
                    "stored secrets were sealed with key {other}, but the configured secret key \
                     is {}: start with the key file that sealed them (--secret-key-file)",
                    key.id()
                ),
                None,
            ));
        }
        let mut done = Sealed::default();
        for (mut l, realm) in line_store::unsealed(&mut tx).await? {
            let password = std::mem::take(&mut l.sip_password_sealed);
            set_sip_password(key, &mut l, &realm, &password)?;
            line_store::update_line(&mut tx, &l).await?;
            done.sip_passwords += 1;
        }
        for t in totp_store::unsealed(&mut tx).await? {
            let sealed = key.seal(&sealed::totp_context(t.user_id.as_str()), &t.secret)?;
            totp_store::set_secret(&mut tx, &t.user_id, &sealed).await?;
            done.two_factor_secrets += 1;
        }
        tx.commit().await?;
        if done != Sealed::default() {
            self.store.scrub().await?;
        }
        Ok(done)
    }
}
