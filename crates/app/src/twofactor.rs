//! Two-factor sign-in with a time-based one-time password (TOTP, RFC 6238: HMAC-SHA-1, 6 digits,
//! 30-second steps, the step before and after accepted for clock drift).
//!
//! A user enrols with an elevated token (`/auth/reauth`): Switchboard makes a 160-bit secret and
//! shows it as an `otpauth://` URI and a QR code; the first code from the authenticator confirms
//! the enrolment and yields ten recovery codes, shown once and kept only as SHA-256 hashes, each
//! usable once in place of a code. From then on sign-in needs the code after the password; a
//! wrong code counts toward the lock-out like a wrong password, and each code works only once.

use crate::audit::{self, By, Record};
use crate::authz::{self, Actor, Need, Tenant};
use crate::sealed;
use crate::secrets::{self, token_hash};
use crate::{App, AppError, AppResult};
use sb_domain::model::{AuditKind, Role};
use sb_store::Conn;
use sb_store::accounts::User;
use sb_store::totp::{self as store, Totp};
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Secret, TOTP};
use utoipa::ToSchema;

/// Seconds per step (RFC 6238 section 5.2 recommends 30).
const STEP: i64 = 30;
const RECOVERY_CODES: usize = 10;

/// What an enrolment shows: the secret for the authenticator, once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorEnrolment {
    /// Base32 of the secret, for typing into an authenticator.
    pub secret: String,
    /// `otpauth://totp/...`, what the QR code holds.
    pub otpauth_uri: String,
    /// The QR code of `otpauth_uri` as an SVG image.
    pub qr_svg: String,
}

/// A code from the authenticator (6 digits), or a recovery code where the route allows one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorCodeInput {
    pub code: String,
}

/// The recovery codes, shown once when two-factor sign-in is switched on.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodesView {
    pub recovery_codes: Vec<String>,
}

fn totp_of(secret_b32: &str) -> AppResult<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|e| AppError::Internal(format!("totp secret: {e:?}")))?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP as u64, bytes)
        .map_err(|e| AppError::Internal(format!("totp: {e:?}")))
}

/// The step whose code `code` is, among the current one and its neighbours.
fn matching_step(t: &TOTP, code: &str, now_ms: i64) -> Option<i64> {
    let now_step = now_ms.div_euclid(1000) / STEP;
    (now_step - 1..=now_step + 1).find(|s| {
        let expected = t.generate(u64::try_from(s * STEP).unwrap_or(0));
        expected.len() == code.len()
            && expected
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |a, (x, y)| a | (x ^ y))
                == 0
    })
}

fn recovery_code() -> String {
    const A: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let b = secrets::random_bytes::<10>();
    let s: String = b
        .iter()
        .map(|x| A[usize::from(*x) % A.len()] as char)
        .collect();
    format!("{}-{}", &s[..5], &s[5..])
}

fn normalise_recovery(code: &str) -> String {
    code.trim().to_ascii_lowercase()
}

fn qr_svg(uri: &str) -> AppResult<String> {
    let code =
        qrcode::QrCode::new(uri.as_bytes()).map_err(|e| AppError::Internal(format!("qr: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build())
}

impl App {
    /// The code generator of a stored enrolment, its secret opened with the operator's key.
    fn totp_of(&self, t: &Totp) -> AppResult<TOTP> {
        let context = sealed::totp_context(t.user_id.as_str());
        let secret = match sealed::key_id_of(&t.secret) {
            None => t.secret.clone(),
            Some(_) => self
                .cfg
                .secret_key
                .open(&context, &t.secret)
                .map_err(|e| AppError::Internal(format!("two-factor secret: {e}")))?,
        };
        totp_of(&secret)
    }

    /// Starts enrolment (elevated token needed): a new secret, replacing any earlier one; sign-in
    /// needs codes only once a first code has confirmed it.
    /// A token restricted to enrolment (it came from the password just now) may enrol while the
    /// user has no confirmed second factor.
    pub async fn enrol_two_factor(&self, actor: &Actor) -> AppResult<TwoFactorEnrolment> {
        let first = actor.enrol_only && !self.two_factor_on(&actor.user_id).await?;
        if !first {
            authz::elevated(actor)?;
        }
        let now = self.now_ms();
        let secret = Secret::Raw(secrets::random_bytes::<20>().to_vec())
            .to_encoded()
            .to_string();
        let mut tx = self.store.begin().await?;
        let t = Totp {
            user_id: actor.user_id.clone(),
            secret: self
                .cfg
                .secret_key
                .seal(&sealed::totp_context(actor.user_id.as_str()), &secret)?,
            confirmed: false,
            last_step: 0,
            created_at: now,
        };
        store::start(&mut tx, &t).await?;
        tx.commit().await?;
        let otpauth_uri = format!(
            "otpauth://totp/Switchboard:{name}?secret={secret}&issuer=Switchboard&algorithm=SHA1&digits=6&period={STEP}",
            name = actor.name
        );
        Ok(TwoFactorEnrolment {
            qr_svg: qr_svg(&otpauth_uri)?,
            secret,
            otpauth_uri,
        })
    }

    /// Confirms enrolment with a first code; switches two-factor sign-in on and hands out the
    /// recovery codes, once.
    pub async fn confirm_two_factor(
        &self,
        actor: &Actor,
        input: TwoFactorCodeInput,
    ) -> AppResult<RecoveryCodesView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let Some(t) = store::get(&mut tx, &actor.user_id).await? else {
            return Err(AppError::conflict(
                "two_factor_not_enrolled",
                "Start the enrolment first (POST /api/v1/me/two-factor).",
                None,
            ));
        };
        let step = matching_step(&self.totp_of(&t)?, input.code.trim(), now);
        let fresh = match step {
            Some(s) => store::use_step(&mut tx, &actor.user_id, s).await?,
            None => false,
        };
        if !fresh {
            return Err(wrong_code());
        }
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
        let hashes: Vec<String> = codes.iter().map(|c| token_hash(c)).collect();
        store::confirm(&mut tx, &actor.user_id, &hashes).await?;
        let rec = Record::new(AuditKind::TwoFactorEnabled, "user", &actor.user_id)
            .tenant(actor.reseller_id.as_ref(), actor.company_id.as_ref())
            .about(&actor.user_id);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(RecoveryCodesView {
            recovery_codes: codes,
        })
    }

    /// Switches two-factor sign-in off (elevated token needed).
    pub async fn remove_two_factor(&self, actor: &Actor) -> AppResult<()> {
        authz::full_session(actor)?;
        authz::elevated(actor)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        store::remove(&mut tx, &actor.user_id).await?;
        let rec = Record::new(AuditKind::TwoFactorDisabled, "user", &actor.user_id)
            .tenant(actor.reseller_id.as_ref(), actor.company_id.as_ref())
            .about(&actor.user_id);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The second factor at sign-in, in the sign-in's transaction, after the right password.
    /// `Ok(None)`: nothing more needed; `Ok(Some(e))`: answer with `e` (a wrong code has been
    /// counted toward the lock and audited).
    pub(crate) async fn second_factor(
        &self,
        tx: &mut Conn,
        user: &User,
        code: Option<&str>,
        by: By<'_>,
        now: i64,
    ) -> AppResult<Option<AppError>> {
        let Some(t) = store::get(tx, &user.id).await?.filter(|t| t.confirmed) else {
            return Ok(None);
        };
        let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(Some(AppError::TwoFactorRequired));
        };
        let accepted = if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            match matching_step(&self.totp_of(&t)?, code, now) {
                Some(s) => store::use_step(tx, &user.id, s).await?,
                None => false,
            }
        } else {
            let h = token_hash(&normalise_recovery(code));
            let spent = store::spend_recovery_code(tx, &user.id, &h, now).await?;
            if spent {
                let left = store::recovery_codes_left(tx, &user.id).await?;
                let rec = Record::new(AuditKind::RecoveryCodeUsed, "user", &user.id)
                    .tenant(user.reseller_id.as_ref(), user.company_id.as_ref())
                    .about(&user.id)
                    .summary(serde_json::json!({"left": left}));
                audit::write(tx, now, by, rec).await?;
            }
            spent
        };
        if accepted {
            return Ok(None);
        }
        let e = self
            .count_wrong_password(tx, user, by, now, Some("two_factor"))
            .await?;
        Ok(Some(match e {
            AppError::Locked => AppError::Locked,
            _ => wrong_code(),
        }))
    }

    /// Whether the user has two-factor sign-in on (for views).
    pub async fn two_factor_on(&self, user: &sb_domain::ids::UserId) -> AppResult<bool> {
        let mut c = self.store.conn().await?;
        Ok(store::get(&mut c, user).await?.is_some_and(|t| t.confirmed))
    }
}

/// Whether a two-factor policy is on: a company's for its administrators, or the installation's
/// for system and reseller administrators.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorPolicy {
    pub required: bool,
}

impl App {
    /// Whether a policy covers `user` and they have no confirmed second factor yet: then a
    /// sign-in gives a token that may only enrol.
    pub(crate) async fn enrolment_required(&self, c: &mut Conn, user: &User) -> AppResult<bool> {
        let covered = match (user.role, &user.company_id) {
            (Role::CompanyAdmin, Some(co)) => store::policy(c, co.as_str()).await?,
            (Role::SystemAdmin | Role::ResellerAdmin, _) => {
                store::policy(c, store::INSTALLATION).await?
            }
            _ => false,
        };
        Ok(covered && !store::get(c, &user.id).await?.is_some_and(|t| t.confirmed))
    }

    /// The company's policy "two-factor sign-in required for administrators".
    pub async fn company_two_factor_policy(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<TwoFactorPolicy> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, id, Need::See).await?;
        let required = store::policy(&mut c, co.id.as_str()).await?;
        Ok(TwoFactorPolicy { required })
    }

    /// Sets the company's policy: its administrators, its reseller or the system administrator.
    pub async fn set_company_two_factor_policy(
        &self,
        actor: &Actor,
        id: &str,
        input: TwoFactorPolicy,
    ) -> AppResult<TwoFactorPolicy> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, id, Need::Administer)
            .await?;
        store::set_policy(&mut tx, co.id.as_str(), input.required, now).await?;
        let rec = Record::new(AuditKind::TwoFactorPolicyChanged, "company", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"required": input.required}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(input)
    }

    /// The installation's policy "two-factor sign-in required for providers and resellers".
    pub async fn installation_two_factor_policy(
        &self,
        actor: &Actor,
    ) -> AppResult<TwoFactorPolicy> {
        authz::check(actor, &Tenant::installation(), Need::Operate)?;
        let mut c = self.store.conn().await?;
        let required = store::policy(&mut c, store::INSTALLATION).await?;
        Ok(TwoFactorPolicy { required })
    }

    /// Sets the installation's policy (system administrators only).
    pub async fn set_installation_two_factor_policy(
        &self,
        actor: &Actor,
        input: TwoFactorPolicy,
    ) -> AppResult<TwoFactorPolicy> {
        authz::check(actor, &Tenant::installation(), Need::Operate)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        store::set_policy(&mut tx, store::INSTALLATION, input.required, now).await?;
        let rec = Record::new(AuditKind::TwoFactorPolicyChanged, "installation", "-")
            .summary(serde_json::json!({"required": input.required}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(input)
    }

    /// Switches off another user's second factor (a lost phone), with the permission rules of
    /// unlocking the account; a policy that covers the user makes them enrol again at sign-in.
    pub async fn reset_user_two_factor(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.user_for(&mut tx, actor, id, Need::Administer).await?;
        if u.id == actor.user_id {
            return Err(AppError::conflict(
                "cannot_change_self",
                "You cannot do this to your own account.",
                None,
            ));
        }
        store::remove(&mut tx, &u.id).await?;
        let rec = Record::new(AuditKind::TwoFactorReset, "user", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn wrong_code() -> AppError {
    AppError::invalid(
        "invalid_two_factor_code",
        "code",
        "This code is not right, or was already used. Use the current code of your authenticator or an unused recovery code.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", T = 59 s: 94287082 (8 digits).
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        let t = totp_of(&secret).unwrap();
        assert_eq!(t.generate(59), "287082");
        assert_eq!(matching_step(&t, "287082", 59_000), Some(1));
        assert_eq!(
            matching_step(&t, "287082", 89_000),
            Some(1),
            "one step of drift"
        );
        assert_eq!(matching_step(&t, "287082", 150_000), None, "too old");
    }

    #[test]
    fn recovery_codes_are_distinct_and_readable() {
        let a = recovery_code();
        assert_eq!(a.len(), 11);
        assert_ne!(a, recovery_code());
        assert_eq!(normalise_recovery(&format!(" {} ", a.to_uppercase())), a);
    }
}
