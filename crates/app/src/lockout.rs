//! Sign-in with username and password, and the lock-out that wrong passwords lead to.
//!
//! Five wrong passwords in a row lock an account (the product rule), but no longer for good: a lock lasts
//! [`AppConfig::lockout_secs`](crate::AppConfig), doubling with each lock in a row up to
//! `lockout_max_secs`, so that anyone who knows a username cannot keep its owner out for ever
//! An administrator's unlock, `switchboard unlock USER`, a new password through a
//! link and a successful sign-in after the lock end it. Wrong passwords given to `/auth/reauth`
//! and to the password change count the same as at sign-in. Each source address may fail only so
//! often (`login_fail_burst`, `login_fail_per_minute`), so one address cannot lock a whole
//! company. Counters are changed by atomic statements in the sign-in's transaction, never by
//! writing back a row read before the slow password check.

use crate::audit::{self, By, Record};
use crate::secrets;
use crate::views::{LoginInput, LoginOutput, time};
use crate::{App, AppError, AppResult};
use sb_domain::model::AuditKind;
use sb_store::Conn;
use sb_store::accounts::{self, User};
use std::collections::HashMap;
use std::hash::BuildHasher;

/// The longest username there is (the username rules); longer names are refused before anything
/// else, so they cost neither a lookup nor a place in a limiter (issue 14, finding 6).
pub const MAX_USERNAME_BYTES: usize = 64;
/// The longest password text read at sign-in: 256 characters of up to four bytes each.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Whether wrong passwords have `u` locked at `now`.
pub fn locked_at(u: &User, now: i64) -> bool {
    u.locked && u.locked_until.is_none_or(|t| t > now)
}

/// Refuses sign-in input that no account can have, with a clear error and before any work.
pub fn check_sign_in_sizes(username: &str, password: &str) -> AppResult<()> {
    if username.len() > MAX_USERNAME_BYTES {
        return Err(AppError::invalid(
            "username_too_long",
            "username",
            "A username has at most 64 characters.",
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::invalid(
            "password_too_long",
            "password",
            "The password can have at most 256 characters.",
        ));
    }
    Ok(())
}

fn limited(r: Result<(), u64>) -> AppResult<()> {
    r.map_err(|retry| AppError::RateLimited {
        retry_after_secs: retry,
    })
}

impl App {
    /// Signs in with username and password. Unknown users and wrong passwords get the same
    /// answer and cost the same time; five wrong passwords in a row lock the account for a while.
    pub async fn login(&self, input: LoginInput, ip: Option<&str>) -> AppResult<LoginOutput> {
        check_sign_in_sizes(&input.username, &input.password)?;
        let now = self.now_ms();
        let addr = ip.unwrap_or("-");
        limited(self.ip_limiter.take(addr, now))?;
        limited(self.fail_limiter.check(addr, now))?;
        let name = input.username.to_ascii_lowercase();
        limited(self.user_limiter.take(&name, now))?;
        let mut c = self.store.conn().await?;
        let found = accounts::find_by_username(&mut c, &name).await?;
        drop(c);
        let Some(user) = found else {
            return Err(self.unknown_user(&name, input.password, ip, now).await?);
        };
        let hash = user
            .password_hash
            .clone()
            .unwrap_or_else(|| secrets::dummy_hash().into());
        let ok = secrets::verify_password_async(input.password, hash).await;
        let mut tx = self.store.begin().await?;
        // Decide on the row as it is now: a disable, unlock or reset may have committed while
        // the password was being checked.
        let Some(user) = accounts::locate_user(&mut tx, &user.id).await? else {
            self.fail_limiter.take(addr, now).ok();
            return Err(AppError::InvalidCredentials);
        };
        let by = by_user(&user, ip);
        let rec = |kind| login_record(kind, &user);
        if locked_at(&user, now) {
            let why = serde_json::json!({"reason": "locked"});
            audit::write(&mut tx, now, by, rec(AuditKind::LoginFailed).summary(why)).await?;
            tx.commit().await?;
            return Err(AppError::Locked);
        }
        if !ok {
            let e = self
                .count_wrong_password(&mut tx, &user, by, now, None)
                .await?;
            tx.commit().await?;
            self.fail_limiter.take(addr, now).ok();
            return Err(e);
        }
        if !user.enabled {
            let why = serde_json::json!({"reason": "disabled"});
            audit::write(&mut tx, now, by, rec(AuditKind::LoginFailed).summary(why)).await?;
            tx.commit().await?;
            return Err(AppError::forbidden("This account is disabled."));
        }
        if let Some(e) = self
            .second_factor(&mut tx, &user, input.code.as_deref(), by, now)
            .await?
        {
            tx.commit().await?;
            if !matches!(e, AppError::TwoFactorRequired) {
                self.fail_limiter.take(addr, now).ok();
            }
            return Err(e);
        }
        if user.failed_logins != 0 || user.lockouts != 0 || user.locked {
            accounts::clear_sign_in_failures(&mut tx, &user.id).await?;
        }
        let (token, expires, restricted, extension) =
            self.sign_in_session(&mut tx, &user, now).await?;
        let why = serde_json::json!({"two_factor_enrolment_required": restricted});
        let ok = rec(AuditKind::LoginSucceeded);
        let ok = if restricted { ok.summary(why) } else { ok };
        audit::write(&mut tx, now, by, ok).await?;
        tx.commit().await?;
        Ok(LoginOutput {
            token,
            expires_at: time(expires),
            user: crate::directory::user_view(&user),
            two_factor_enrolment_required: restricted,
            extension: extension.extension,
            extension_choice_required: extension.extension_choice_required,
            extensions: extension.extensions,
        })
    }

    /// A sign-in under a name nobody has: the same password check, a transaction of the same
    /// shape as a real account's failure (an installation audit record), and a lock after as
    /// many tries as a real account, so neither the answer nor its time tells whether the name
    /// exists.
    async fn unknown_user(
        &self,
        name: &str,
        password: String,
        ip: Option<&str>,
        now: i64,
    ) -> AppResult<AppError> {
        secrets::verify_password_async(password, secrets::dummy_hash().into()).await;
        let mut tx = self.store.begin().await?;
        let found = accounts::find_by_username(&mut tx, name).await?;
        let locked = found.is_none() && self.phantoms.locked(name, now);
        let by = By { id: None, name, ip };
        let why = serde_json::json!({"reason": if locked { "locked" } else { "unknown_user" }});
        let rec = Record::new(AuditKind::LoginFailed, "user", "-").summary(why);
        audit::write(&mut tx, now, by, rec).await?;
        tx.commit().await?;
        if locked {
            return Ok(AppError::Locked);
        }
        self.fail_limiter.take(ip.unwrap_or("-"), now).ok();
        let tries = self.phantoms.fail(name, now, self.cfg.lockout_after, |n| {
            self.lock_length_ms(n)
        });
        Ok(if tries {
            AppError::Locked
        } else {
            AppError::InvalidCredentials
        })
    }

    /// How long the lock after `lockouts` earlier locks in a row lasts; `None`: until unlocked.
    pub(crate) fn lock_length_ms(&self, lockouts: i64) -> Option<i64> {
        if self.cfg.lockout_secs <= 0 {
            return None;
        }
        let base = self.cfg.lockout_secs;
        let cap = self.cfg.lockout_max_secs.max(base);
        let secs = base.saturating_mul(1_i64 << lockouts.clamp(0, 30)).min(cap);
        Some(secs.saturating_mul(1000))
    }

    /// Counts a wrong password of `user` in `tx` and locks the account when it was one too many;
    /// returns the error to answer with. `via` names the route when it is not the sign-in.
    pub(crate) async fn count_wrong_password(
        &self,
        tx: &mut Conn,
        user: &User,
        by: By<'_>,
        now: i64,
        via: Option<&str>,
    ) -> AppResult<AppError> {
        let counters = accounts::count_failed_login(tx, &user.id).await?;
        let summary = via.map_or(serde_json::Value::Null, |v| serde_json::json!({"via": v}));
        let failed = login_record(AuditKind::LoginFailed, user).summary(summary);
        audit::write(tx, now, by, failed).await?;
        if counters.failed_logins < self.cfg.lockout_after {
            return Ok(AppError::InvalidCredentials);
        }
        let until = self.lock_length_ms(counters.lockouts).map(|ms| now + ms);
        accounts::lock_account(tx, &user.id, until).await?;
        accounts::delete_sessions_of(tx, &user.id).await?;
        let lock = login_record(AuditKind::AccountLocked, user)
            .summary(serde_json::json!({"until": until.map(time)}));
        audit::write(tx, now, by, lock).await?;
        Ok(AppError::Locked)
    }

    /// The signed-in user gave a wrong password to a route that asks for it again (reauth, the
    /// password change): counts toward the lock like a wrong sign-in.
    pub(crate) async fn wrong_password_of(
        &self,
        user: &User,
        ip: Option<&str>,
        via: &str,
    ) -> AppResult<AppError> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let e = self
            .count_wrong_password(&mut tx, user, by_user(user, ip), now, Some(via))
            .await?;
        tx.commit().await?;
        if let Some(ip) = ip {
            self.fail_limiter.take(ip, now).ok();
        }
        Ok(e)
    }

    /// `switchboard unlock USER`: the operator ends a lock from the command line, audited as
    /// done by the operator. False when there is no such username.
    pub async fn operator_unlock(&self, username: &str) -> AppResult<bool> {
        if username.len() > MAX_USERNAME_BYTES {
            return Ok(false);
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let Some(user) = accounts::find_by_username(&mut tx, username).await? else {
            return Ok(false);
        };
        accounts::clear_sign_in_failures(&mut tx, &user.id).await?;
        let by = By {
            id: None,
            name: "operator (switchboard unlock)",
            ip: None,
        };
        audit::write(
            &mut tx,
            now,
            by,
            login_record(AuditKind::AccountUnlocked, &user),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Entries the sign-in limiters and the unknown-name counts hold now (tests, metrics).
    pub fn sign_in_state_entries(&self) -> usize {
        self.ip_limiter.len()
            + self.user_limiter.len()
            + self.fail_limiter.len()
            + self.phantoms.len()
    }
}

fn by_user<'a>(user: &'a User, ip: Option<&'a str>) -> By<'a> {
    By {
        id: Some(&user.id),
        name: user.username.as_deref().unwrap_or(&user.name),
        ip,
    }
}

fn login_record(kind: AuditKind, user: &User) -> Record<'_> {
    Record::new(kind, "user", &user.id)
        .tenant(user.reseller_id.as_ref(), user.company_id.as_ref())
        .about(&user.id)
}

/// Wrong-password counts of usernames that do not exist, so that they lock like real accounts.
/// Keyed by a seeded hash of the name and bounded in size, like the limiters.
#[derive(Default)]
pub(crate) struct Phantoms {
    seed: std::collections::hash_map::RandomState,
    map: parking_lot::Mutex<HashMap<u64, Phantom>>,
}

#[derive(Clone, Copy)]
struct Phantom {
    failed: i64,
    lockouts: i64,
    /// While locked: until when (`i64::MAX`: until the process restarts, as no one can unlock).
    until: Option<i64>,
}

impl Phantoms {
    const MAX: usize = 100_000;

    fn locked(&self, name: &str, now: i64) -> bool {
        let h = self.seed.hash_one(name);
        self.map
            .lock()
            .get(&h)
            .and_then(|p| p.until)
            .is_some_and(|t| t > now)
    }

    /// Counts one failure for `name`; true when it is the `after`th in a row, which locks the
    /// name for as long as `length` says.
    fn fail(&self, name: &str, now: i64, after: i64, length: impl Fn(i64) -> Option<i64>) -> bool {
        let h = self.seed.hash_one(name);
        let mut map = self.map.lock();
        if !map.contains_key(&h) && map.len() >= Self::MAX {
            map.retain(|_, p| p.until.is_some_and(|t| t > now));
            if map.len() >= Self::MAX {
                map.clear();
            }
        }
        let p = map.entry(h).or_insert(Phantom {
            failed: 0,
            lockouts: 0,
            until: None,
        });
        p.failed += 1;
        if p.failed < after {
            return false;
        }
        p.until = Some(length(p.lockouts).map_or(i64::MAX, |ms| now.saturating_add(ms)));
        p.lockouts += 1;
        p.failed = 0;
        true
    }

    fn len(&self) -> usize {
        self.map.lock().len()
    }
}
