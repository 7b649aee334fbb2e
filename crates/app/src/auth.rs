//! Sign-in, sessions, re-authentication, one-time links and the first system administrator.

use crate::audit::{self, By, Record};
use crate::authz::Actor;
use crate::extension::SignedInExtension;
use crate::recent::Recent;
use crate::secrets::{self, token_hash};
use crate::views::{
    ChangePasswordInput, FirstLoginInput, LinkView, LoginOutput, PasscodeInput, ReauthOutput, time,
};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{LineId, UserId};
use sb_domain::model::{AuditKind, Role};
use sb_domain::values::Username;
use sb_store::Conn;
use sb_store::accounts::{self, OneTimeLink, Session, User};

pub(crate) const SESSION: &str = "session";
pub(crate) const ELEVATED: &str = "elevated";
pub(crate) const FIRST_LOGIN: &str = "first_login";
pub(crate) const PASSWORD_RESET: &str = "password_reset";
/// A sign-in restricted to two-factor enrolment (a policy covers the user, who has none yet).
pub(crate) const ENROL_ONLY: &str = "two_factor_enrolment";
/// How long a restricted token lives: long enough to install an authenticator.
pub(crate) const ENROL_ONLY_TTL_SECS: i64 = 900;

/// The outcome of creating the first system administrator.
#[derive(Debug)]
pub struct Bootstrap {
    pub username: String,
    /// Set when the password was generated (it is printed once, then only its hash remains).
    pub generated_password: Option<String>,
}

impl App {
    /// Creates the system administrator on an empty installation; does nothing otherwise.
    pub async fn bootstrap_admin(
        &self,
        username: &str,
        password: Option<&str>,
    ) -> AppResult<Option<Bootstrap>> {
        let mut tx = self.store.begin().await?;
        if accounts::count_system_admins(&mut tx).await? > 0 {
            return Ok(None);
        }
        // The operator names this account (INTERFACES: `admin` by default), so only the character
        // rule applies; the six-character minimum is for names people choose themselves.
        if username.is_empty()
            || username.len() > 64
            || !username.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(AppError::invalid(
                "username_invalid_characters",
                "SWITCHBOARD_ADMIN_USERNAME",
                "The admin username may contain only letters and digits.",
            ));
        }
        let (password, generated) = match password {
            Some(p) => (p.to_owned(), None),
            None => {
                let p = secrets::generated_password();
                (p.clone(), Some(p))
            }
        };
        // The operator's own choice for the first start meets the product's rules; the stricter
        // rules for passwords people choose (length, common ones) only warn here, so that an
        // installation script written for those rules still starts.
        const FIELD: &str = "SWITCHBOARD_ADMIN_PASSWORD";
        sb_domain::values::check_password(FIELD, &password)?;
        if let Err(e) = self.check_new_password(FIELD, &password) {
            tracing::warn!(reason = %e, "the first administrator's password is weak: change it after signing in");
        }
        let now = self.now_ms();
        let user = User {
            id: UserId::new(now),
            role: Role::SystemAdmin,
            reseller_id: None,
            company_id: None,
            department_id: None,
            package_id: None,
            name: "System administrator".into(),
            email: None,
            language: None,
            username: Some(username.to_owned()),
            password_hash: Some(secrets::hash_password_async(password).await?),
            enabled: true,
            failed_logins: 0,
            locked: false,
            locked_until: None,
            lockouts: 0,
            default_line_id: None,
            created_at: now,
            updated_at: now,
        };
        accounts::insert_user(&mut tx, &user).await?;
        self.seed_installation_packages(&mut tx, now).await?;
        let by = By {
            id: None,
            name: "switchboard",
            ip: None,
        };
        audit::write(
            &mut tx,
            now,
            by,
            Record::new(AuditKind::Created, "user", &user.id).about(&user.id),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Bootstrap {
            username: username.to_owned(),
            generated_password: generated,
        }))
    }

    pub(crate) async fn new_session(
        &self,
        c: &mut Conn,
        user: &UserId,
        kind: &str,
        ttl: i64,
        now: i64,
        line: Option<&LineId>,
    ) -> AppResult<(String, i64)> {
        let token = secrets::new_token();
        let expires_at = now + ttl * 1000;
        let s = Session {
            token_hash: token_hash(&token),
            user_id: user.clone(),
            kind: kind.into(),
            expires_at,
            created_at: now,
            line_id: line.cloned(),
        };
        accounts::insert_session(c, &s).await?;
        Ok((token, expires_at))
    }

    /// Turns a bearer token into the actor it belongs to.
    pub async fn authenticate(&self, token: &str, ip: Option<&str>) -> AppResult<Actor> {
        if token.len() != 64 {
            return Err(AppError::Unauthenticated);
        }
        let now = self.now_ms();
        let hash = token_hash(token);
        let epoch = self.store.account_epoch();
        if let Some(mut actor) = self.sessions.get(&hash, now, epoch) {
            actor.source_ip = ip.map(str::to_owned);
            return Ok(actor);
        }
        let mut c = self.store.conn().await?;
        let Some(s) = accounts::get_session(&mut c, &hash).await? else {
            return Err(AppError::Unauthenticated);
        };
        if s.expires_at <= now {
            accounts::delete_session(&mut c, &s.token_hash).await?;
            return Err(AppError::Unauthenticated);
        }
        let Some(u) = accounts::locate_user(&mut c, &s.user_id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if !u.enabled || crate::lockout::locked_at(&u, now) {
            return Err(AppError::Unauthenticated);
        }
        let actor = Actor {
            name: u.username.clone().unwrap_or_else(|| u.name.clone()),
            user_id: u.id,
            role: u.role,
            reseller_id: u.reseller_id,
            company_id: u.company_id,
            source_ip: ip.map(str::to_owned),
            elevated: s.kind == ELEVATED,
            enrol_only: s.kind == ENROL_ONLY,
            line_id: s.line_id,
        };
        self.sessions.put(hash, &actor, s.expires_at, now, epoch);
        Ok(actor)
    }

    pub async fn logout(&self, actor: &Actor, token: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        accounts::delete_session(&mut tx, &token_hash(token)).await?;
        let rec = Record::new(AuditKind::Logout, "user", &actor.user_id)
            .tenant(actor.reseller_id.as_ref(), actor.company_id.as_ref())
            .about(&actor.user_id);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Confirms the password again (and the second factor, when the user has one) and gives a
    /// short-lived elevated token for sensitive actions.
    pub async fn reauth(
        &self,
        actor: &Actor,
        password: String,
        code: Option<&str>,
    ) -> AppResult<ReauthOutput> {
        crate::lockout::check_sign_in_sizes("", &password)?;
        let now = self.now_ms();
        if let Err(retry) = self
            .user_limiter
            .take(&format!("reauth:{}", actor.user_id), now)
        {
            return Err(AppError::RateLimited {
                retry_after_secs: retry,
            });
        }
        let mut c = self.store.conn().await?;
        let user = accounts::locate_user(&mut c, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        drop(c);
        let hash = user
            .password_hash
            .clone()
            .unwrap_or_else(|| secrets::dummy_hash().into());
        if !secrets::verify_password_async(password, hash).await {
            let ip = actor.source_ip.as_deref();
            return Err(self.wrong_password_of(&user, ip, "reauth").await?);
        }
        let mut tx = self.store.begin().await?;
        // With two-factor sign-in on, an elevated token (which can switch it off) needs the code.
        if let Some(e) = self
            .second_factor(&mut tx, &user, code, actor.into(), now)
            .await?
        {
            tx.commit().await?;
            return Err(e);
        }
        // A policy that covers a user without a second factor restricts this token too.
        let (kind, ttl) = if self.enrolment_required(&mut tx, &user).await? {
            (ENROL_ONLY, ENROL_ONLY_TTL_SECS)
        } else {
            (ELEVATED, self.cfg.elevated_ttl_secs)
        };
        // The elevated token stays on the extension the person signed in to.
        let line = actor.line_id.as_ref();
        let (token, expires) = self
            .new_session(&mut tx, &user.id, kind, ttl, now, line)
            .await?;
        let rec = Record::new(AuditKind::Reauthenticated, "user", &user.id)
            .tenant(user.reseller_id.as_ref(), user.company_id.as_ref())
            .about(&user.id);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(ReauthOutput {
            token,
            expires_at: time(expires),
        })
    }

    /// Changing one's own password needs the current one; it ends the user's other sessions.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        input: ChangePasswordInput,
    ) -> AppResult<()> {
        self.check_new_password("new_password", &input.new_password)?;
        let user = self
            .verify_current_password(actor, input.current_password)
            .await?;
        self.store_new_password(actor, user, input.new_password)
            .await
    }

    /// Change passcode: the voicemail PIN, the login password, or both, after the
    /// current password; what is not given stays as it is.
    pub async fn change_passcode(&self, actor: &Actor, input: PasscodeInput) -> AppResult<()> {
        if input.new_password.is_none() && input.new_pin.is_none() {
            return Err(AppError::invalid(
                "nothing_to_change",
                "new_password",
                "Give a new password, a new PIN or both.",
            ));
        }
        if let Some(p) = &input.new_password {
            self.check_new_password("new_password", p)?;
        }
        if let Some(p) = &input.new_pin {
            sb_domain::values::check_pin("new_pin", p)?;
        }
        let user = self
            .verify_current_password(actor, input.current_password)
            .await?;
        if let Some(pin) = input.new_pin {
            let line = match input
                .line_id
                .or_else(|| user.default_line_id.as_ref().map(ToString::to_string))
            {
                Some(l) => l,
                None => {
                    return Err(AppError::invalid(
                        "required",
                        "line_id",
                        "Choose the line whose PIN changes.",
                    ));
                }
            };
            self.set_voice_pin(actor, &line, Some(pin))
                .await
                .map_err(|e| match e {
                    AppError::NotFound => AppError::invalid(
                        "unknown_reference",
                        "line_id",
                        "There is no such line of yours.",
                    ),
                    other => other,
                })?;
        }
        if let Some(p) = input.new_password {
            self.store_new_password(actor, user, p).await?;
        }
        Ok(())
    }

    /// Checks the signed-in user's password (rate-limited per user) and returns the account.
    async fn verify_current_password(&self, actor: &Actor, password: String) -> AppResult<User> {
        crate::lockout::check_sign_in_sizes("", &password)?;
        let now = self.now_ms();
        if let Err(retry) = self
            .user_limiter
            .take(&format!("password:{}", actor.user_id), now)
        {
            return Err(AppError::RateLimited {
                retry_after_secs: retry,
            });
        }
        let mut c = self.store.conn().await?;
        let user = accounts::locate_user(&mut c, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        drop(c);
        let hash = user
            .password_hash
            .clone()
            .unwrap_or_else(|| secrets::dummy_hash().into());
        if !secrets::verify_password_async(password, hash).await {
            let ip = actor.source_ip.as_deref();
            if let AppError::Locked = self.wrong_password_of(&user, ip, "password_change").await? {
                return Err(AppError::Locked);
            }
            return Err(AppError::invalid(
                "wrong_current_password",
                "current_password",
                "The current password is not correct.",
            ));
        }
        Ok(user)
    }

    /// Stores a new password and ends the user's sessions.
    async fn store_new_password(
        &self,
        actor: &Actor,
        mut user: User,
        password: String,
    ) -> AppResult<()> {
        let now = self.now_ms();
        user.password_hash = Some(secrets::hash_password_async(password).await?);
        user.updated_at = now;
        let mut tx = self.store.begin().await?;
        accounts::update_user(&mut tx, &user).await?;
        accounts::delete_sessions_of(&mut tx, &user.id).await?;
        accounts::void_links_of(&mut tx, &user.id).await?;
        let rec = Record::new(AuditKind::PasswordChanged, "user", &user.id)
            .tenant(user.reseller_id.as_ref(), user.company_id.as_ref())
            .about(&user.id);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues a single-use link for `purpose`, e-mailed when mail is configured and the user has
    /// an address, else returned so the administrator can hand it over.
    pub(crate) async fn issue_link(
        &self,
        c: &mut Conn,
        user: &User,
        purpose: &str,
        now: i64,
    ) -> AppResult<LinkView> {
        let token = secrets::new_token();
        let expires_at = now + self.cfg.link_ttl_secs * 1000;
        let link = OneTimeLink {
            token_hash: token_hash(&token),
            user_id: user.id.clone(),
            purpose: purpose.into(),
            expires_at,
            used_at: None,
            created_at: now,
        };
        accounts::insert_link(c, &link).await?;
        let url = format!(
            "{}/first-login?token={token}",
            self.cfg.public_url.trim_end_matches('/')
        );
        if let (true, Some(email)) = (self.cfg.smtp_configured, user.email.as_ref()) {
            let m = crate::mail_texts::user_mail(c, user).await?;
            let until = m.time(expires_at);
            let texts = crate::mail_texts::account_link(m.lang, &user.name, &until, &url);
            let mail = sb_store::outbox::Mail {
                id: sb_domain::ids::new_id_text(now),
                recipient: email.clone(),
                subject: texts.subject,
                body: texts.body,
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
                attachment: None,
            };
            sb_store::outbox::enqueue(c, &mail).await?;
            return Ok(LinkView {
                url: None,
                expires_at: time(expires_at),
                emailed: true,
            });
        }
        Ok(LinkView {
            url: Some(url),
            expires_at: time(expires_at),
            emailed: false,
        })
    }

    /// Completes a one-time link: the user chooses (or, for a reset, re-chooses) username and
    /// password. The link works once and only before it expires.
    pub async fn complete_link(
        &self,
        input: FirstLoginInput,
        ip: Option<&str>,
    ) -> AppResult<LoginOutput> {
        let now = self.now_ms();
        if let Err(retry) = self.ip_limiter.take(ip.unwrap_or("-"), now) {
            return Err(AppError::RateLimited {
                retry_after_secs: retry,
            });
        }
        let uname = Username::parse("username", &input.username)?;
        self.check_new_password("password", &input.password)?;
        let hash = secrets::hash_password_async(input.password).await?;
        let mut tx = self.store.begin().await?;
        let th = token_hash(&input.token);
        let bad = || {
            AppError::invalid(
                "invalid_link",
                "token",
                "This link is not valid any more. Ask your administrator for a new one.",
            )
        };
        let link = accounts::get_link(&mut tx, &th).await?.ok_or_else(bad)?;
        if link.used_at.is_some()
            || link.expires_at <= now
            || !accounts::consume_link(&mut tx, &th, now).await?
        {
            return Err(bad());
        }
        let mut user = accounts::locate_user(&mut tx, &link.user_id)
            .await?
            .ok_or_else(bad)?;
        let same_name =
            user.username.as_deref().map(str::to_ascii_lowercase) == Some(uname.folded());
        if !same_name && accounts::username_taken(&mut tx, uname.as_str()).await? {
            return Err(AppError::conflict(
                "username_taken",
                "This username is already taken.",
                Some("username"),
            ));
        }
        user.username = Some(uname.into_string());
        user.password_hash = Some(hash);
        user.failed_logins = 0;
        user.locked = false;
        user.locked_until = None;
        user.lockouts = 0;
        user.updated_at = now;
        accounts::update_user(&mut tx, &user).await?;
        accounts::clear_sign_in_failures(&mut tx, &user.id).await?;
        accounts::delete_sessions_of(&mut tx, &user.id).await?;
        accounts::void_links_of(&mut tx, &user.id).await?;
        let (token, expires, restricted, extension) =
            self.sign_in_session(&mut tx, &user, now).await?;
        let by = By {
            id: Some(&user.id),
            name: user.username.as_deref().unwrap_or(&user.name),
            ip,
        };
        let rec = Record::new(AuditKind::PasswordChanged, "user", &user.id)
            .tenant(user.reseller_id.as_ref(), user.company_id.as_ref())
            .about(&user.id)
            .summary(serde_json::json!({ "via": link.purpose }));
        audit::write(&mut tx, now, by, rec).await?;
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

    /// The session of a successful sign-in: a full one, or one restricted to enrolment when a
    /// two-factor policy covers the user and they have no second factor yet.
    pub(crate) async fn sign_in_session(
        &self,
        c: &mut Conn,
        user: &User,
        now: i64,
    ) -> AppResult<(String, i64, bool, SignedInExtension)> {
        let restricted = self.enrolment_required(c, user).await?;
        let (kind, ttl) = if restricted {
            (ENROL_ONLY, ENROL_ONLY_TTL_SECS)
        } else {
            (SESSION, self.cfg.session_ttl_secs)
        };
        let extension = self.sign_in_extension(c, user).await?;
        let line = extension
            .extension
            .as_ref()
            .map(|e| LineId::from_raw(e.line_id.clone()));
        let (token, expires) = self
            .new_session(c, &user.id, kind, ttl, now, line.as_ref())
            .await?;
        Ok((token, expires, restricted, extension))
    }
}

/// Recently checked sessions, so that a request costs no database round trip to learn who is
/// asking. An entry is used only while no account or session change has committed since it was
/// filled (the store's account epoch), before the session itself expires, and for at most
/// [`SESSION_CACHE_TTL_MS`]: that bounds how long a change made through another node of a cluster
/// can go unseen here.
#[derive(Default)]
pub(crate) struct SessionCache(Recent<String, (Actor, i64), SESSION_CACHE_TTL_MS, 100_000>);

/// How long a checked session is served from memory at most.
pub(crate) const SESSION_CACHE_TTL_MS: i64 = 5_000;

impl SessionCache {
    fn get(&self, hash: &str, now: i64, epoch: u64) -> Option<Actor> {
        let (actor, expires_at) = self.0.get(hash, (epoch, 0), now)?;
        (expires_at > now).then_some(actor)
    }

    fn put(&self, hash: String, actor: &Actor, expires_at: i64, now: i64, epoch: u64) {
        self.0
            .put(hash, (epoch, 0), now, (actor.clone(), expires_at));
    }
}

#[cfg(test)]
mod session_cache_tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            user_id: sb_domain::ids::UserId::from_raw("u1"),
            name: "ulf".into(),
            role: Role::EndUser,
            reseller_id: None,
            company_id: None,
            source_ip: None,
            elevated: false,
            enrol_only: false,
            line_id: None,
        }
    }

    #[test]
    fn a_checked_session_is_served_while_accounts_stand_before_it_expires_and_five_seconds_at_most()
    {
        let cache = SessionCache::default();
        cache.put("h".into(), &actor(), 60_000, 1_000, 7);
        assert_eq!(cache.get("h", 5_999, 7).map(|a| a.name), Some("ulf".into()));
        assert!(cache.get("h", 2_000, 8).is_none(), "an account changed");
        assert!(
            cache.get("h", 6_000, 7).is_none(),
            "kept five seconds at most"
        );
        cache.put("s".into(), &actor(), 2_000, 1_000, 7);
        assert!(
            cache.get("s", 2_000, 7).is_none(),
            "the session itself expired"
        );
    }
}
