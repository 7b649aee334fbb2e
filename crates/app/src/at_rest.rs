//! The stored secrets' form: a line's SIP password is kept as HA1 for each digest algorithm (what
//! the registrar and call authentication check) and sealed with the operator's key (what
//! provisioning and the one-time display need); a two-factor secret, a trunk's password and its
//! inbound key are kept sealed. Values stored before sealing existed are converted at start-up,
//! before anything is served.

use crate::sealed::{self, SecretKey};
use crate::{App, AppError, AppResult, secrets};
use sb_sip::digest::{self, Algorithm};
use sb_store::lines::{self as line_store, Line};
use sb_store::totp as totp_store;
use sb_store::trunks::{self as trunk_store, Trunk};

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

/// `t` as stored: its carrier password and inbound key sealed.
pub(crate) fn sealed_trunk(key: &SecretKey, t: &Trunk) -> AppResult<Trunk> {
    let seal = |field: &str, v: &Option<String>| {
        v.as_deref()
            .map(|v| key.seal(&sealed::trunk_context(t.id.as_str(), field), v))
            .transpose()
    };
    Ok(Trunk {
        password: seal("password", &t.password)?,
        inbound_secret: seal("inbound_secret", &t.inbound_secret)?,
        ..t.clone()
    })
}

/// `t` as read from the store, its secrets opened for the engine (which answers the carrier's
/// challenges and checks its key) and for keeping them across an update.
pub(crate) fn opened_trunk(key: &SecretKey, mut t: Trunk) -> AppResult<Trunk> {
    let open = |field: &str, v: &Option<String>| {
        v.as_deref()
            .map(|v| key.open(&sealed::trunk_context(t.id.as_str(), field), v))
            .transpose()
            .map_err(|e| {
                AppError::conflict(
                    "credentials_unreadable",
                    format!(
                        "Trunk {}: its {field} cannot be read ({e}); set it again.",
                        t.name
                    ),
                    None,
                )
            })
    };
    t.password = open("password", &t.password)?;
    t.inbound_secret = open("inbound_secret", &t.inbound_secret)?;
    Ok(t)
}

/// What the start-up sealing did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    pub sip_passwords: usize,
    pub two_factor_secrets: usize,
    pub trunks: usize,
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
        foreign.extend(
            sb_store::profiles::sealed_values(&mut tx)
                .await?
                .iter()
                .filter_map(|v| sealed::key_id_of(v).map(str::to_owned)),
        );
        let trunks = trunk_store::all(&mut tx).await?;
        foreign.extend(
            trunks
                .iter()
                .flat_map(|t| [&t.password, &t.inbound_secret])
                .flatten()
                .filter_map(|v| sealed::key_id_of(v).map(str::to_owned)),
        );
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
        for mut t in trunks {
            let id = t.id.clone();
            let mut in_clear = false;
            for (field, v) in [
                ("password", &mut t.password),
                ("inbound_secret", &mut t.inbound_secret),
            ] {
                if let Some(clear) = v.take_if(|v| sealed::key_id_of(v).is_none()) {
                    *v = Some(key.seal(&sealed::trunk_context(id.as_str(), field), &clear)?);
                    in_clear = true;
                }
            }
            if in_clear {
                trunk_store::update(&mut tx, &t).await?;
                done.trunks += 1;
            }
        }
        tx.commit().await?;
        if done != Sealed::default() {
            self.store.scrub().await?;
        }
        Ok(done)
    }
}
