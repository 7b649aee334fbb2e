//! Users of a company: create, change, disable, delete, unlock, reset password; and `me`.

use crate::audit::{self, Record, diff};
use crate::auth::{FIRST_LOGIN, PASSWORD_RESET};
use crate::authz::{self, Actor, Need, Tenant};
use crate::directory::*;
use crate::views::*;
use crate::{App, AppError, AppResult, secrets};
use sb_domain::ids::{DepartmentId, LineId, PackageId, UserId};
use sb_domain::model::{AuditKind, Feature, Language, Role};
use sb_domain::values::{Email, Name, Username};
use sb_store::accounts::{self, User};
use sb_store::tenancy::{self, Company};
use sb_store::{Conn, Page};

fn company_role(field: &str, r: Role) -> AppResult<Role> {
    match r {
        Role::CompanyAdmin | Role::EndUser => Ok(r),
        _ => Err(AppError::invalid(
            "invalid_role",
            field,
            "A company's user is a company_admin or an end_user.",
        )),
    }
}

impl App {
    async fn department_in(
        &self,
        c: &mut Conn,
        co: &Company,
        id: Option<&str>,
    ) -> AppResult<Option<DepartmentId>> {
        let Some(id) = id else { return Ok(None) };
        let did = DepartmentId::from_raw(body_id("department_id", id)?);
        match tenancy::locate_department(c, &did).await? {
            Some(d) if d.company_id == co.id => Ok(Some(d.id)),
            _ => Err(AppError::invalid(
                "unknown_reference",
                "department_id",
                "There is no such department in this company.",
            )),
        }
    }

    async fn package_in(&self, c: &mut Conn, co: &Company, id: &str) -> AppResult<PackageId> {
        let pid = PackageId::from_raw(body_id("package_id", id)?);
        if tenancy::offered_packages(c, &co.id).await?.contains(&pid) {
            Ok(pid)
        } else {
            Err(AppError::invalid(
                "package_not_offered",
                "package_id",
                "The company does not offer this package.",
            ))
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "authorize, check every field, create the user with its first-login link and audit in one transaction"
    )]
    pub async fn create_user(
        &self,
        actor: &Actor,
        company: &str,
        input: UserInput,
    ) -> AppResult<CreatedUser> {
        let name = Name::parse("name", &input.name)?;
        let email = input
            .email
            .as_deref()
            .filter(|e| !e.is_empty())
            .map(|e| Email::parse("email", e))
            .transpose()?;
        let username = input
            .username
            .as_deref()
            .map(|u| Username::parse("username", u))
            .transpose()?;
        if let Some(p) = &input.password {
            if username.is_none() {
                return Err(AppError::invalid(
                    "username_required",
                    "username",
                    "Give a username with the password, or neither.",
                ));
            }
            self.check_new_password("password", p)?;
        }
        let role = company_role("role", input.role)?;
        let hash = match input.password {
            Some(p) => Some(secrets::hash_password_async(p).await?),
            None => None,
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        if accounts::count_users(&mut tx, &co.id).await? >= co.max_users {
            return Err(AppError::conflict(
                "subscription_limit",
                format!(
                    "The company has used all {} of its user subscription keys. Ask your service provider for more.",
                    co.max_users
                ),
                None,
            ));
        }
        if let Some(u) = &username
            && accounts::username_taken(&mut tx, u.as_str()).await?
        {
            return Err(AppError::conflict(
                "username_taken",
                "This username is already taken.",
                Some("username"),
            ));
        }
        let department_id = self
            .department_in(&mut tx, &co, input.department_id.as_deref())
            .await?;
        let package_id = match input.package_id.as_deref() {
            Some(p) => Some(self.package_in(&mut tx, &co, p).await?),
            None => co.default_package_id.clone(),
        };
        let has_password = hash.is_some();
        let u = User {
            id: UserId::new(now),
            role,
            reseller_id: Some(co.reseller_id.clone()),
            company_id: Some(co.id.clone()),
            department_id,
            package_id,
            name: name.into_string(),
            email: email.map(Email::into_string),
            language: input.language,
            username: username.map(Username::into_string),
            password_hash: hash,
            enabled: true,
            failed_logins: 0,
            locked: false,
            locked_until: None,
            lockouts: 0,
            default_line_id: None,
            created_at: now,
            updated_at: now,
        };
        accounts::insert_user(&mut tx, &u).await?;
        let first_login = if has_password {
            None
        } else {
            let purpose = if u.username.is_some() {
                PASSWORD_RESET
            } else {
                FIRST_LOGIN
            };
            Some(self.issue_link(&mut tx, &u, purpose, now).await?)
        };
        let rec = Record::new(AuditKind::Created, "user", &u.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .about(&u.id)
            .summary(user_audit(&u));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(CreatedUser {
            user: user_view(&u),
            first_login,
        })
    }

    /// Checks that the actor may list the company's users, without listing them.
    pub async fn authorize_user_list(&self, actor: &Actor, company: &str) -> AppResult<()> {
        let mut c = self.store.conn().await?;
        self.company_for(&mut c, actor, company, Need::Administer)
            .await
            .map(|_| ())
    }

    pub async fn list_users(
        &self,
        actor: &Actor,
        company: &str,
        page: Page,
    ) -> AppResult<ListPage<UserView>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let (items, next_cursor) = accounts::list_users(&mut c, &co.id, &page).await?;
        Ok(ListPage {
            items: items.into_iter().map(user_view_owned).collect(),
            next_cursor,
        })
    }

    /// Loads a user the actor may act on. A user always sees themself; otherwise the user's
    /// tenant decides (a company's users for its administrators and providers, a reseller's
    /// administrators for that reseller and the system).
    pub(crate) async fn user_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<User> {
        let u = accounts::locate_user(c, &UserId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        if u.id == actor.user_id && need == Need::See {
            return Ok(u);
        }
        let tenant = match (&u.reseller_id, &u.company_id) {
            (Some(r), Some(co)) => Tenant::company(r, co),
            (Some(r), None) => Tenant::reseller(r),
            _ => Tenant::installation(),
        };
        // A company's end users must not see each other's accounts.
        let need = if need == Need::See && u.id != actor.user_id {
            Need::Administer
        } else {
            need
        };
        let need = if u.company_id.is_none() && need == Need::Administer {
            Need::Provide
        } else {
            need
        };
        authz::check(actor, &tenant, need)?;
        Ok(u)
    }

    pub async fn get_user(&self, actor: &Actor, id: &str) -> AppResult<UserView> {
        let mut c = self.store.conn().await?;
        Ok(user_view(
            &self.user_for(&mut c, actor, id, Need::See).await?,
        ))
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one partial-update step per field of a user, each audited, in one transaction"
    )]
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: &str,
        patch: UserPatch,
    ) -> AppResult<UserView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut u = self.user_for(&mut tx, actor, id, Need::See).await?;
        let is_self = u.id == actor.user_id;
        let admin = match self.user_for(&mut tx, actor, id, Need::Administer).await {
            Ok(_) => true,
            Err(AppError::NotFound) if is_self => false,
            Err(AppError::Forbidden(_)) if is_self => false,
            Err(e) => return Err(e),
        };
        if !admin
            && (patch.role.is_some()
                || patch.department_id.is_some()
                || patch.package_id.is_some()
                || patch.name.is_some())
        {
            return Err(AppError::forbidden(
                "Only an administrator can change the name, role, department or package.",
            ));
        }
        if !admin
            && !self
                .user_has_feature(&mut tx, &u, Feature::UserPortal)
                .await?
        {
            return Err(AppError::forbidden(
                "Your service package does not include the user portal; ask your administrator.",
            ));
        }
        let before = user_audit(&u);
        if let Some(n) = patch.name {
            u.name = Name::parse("name", &n)?.into_string();
        }
        if let Some(e) = patch.email {
            u.email = e
                .filter(|s| !s.is_empty())
                .map(|s| Email::parse("email", &s))
                .transpose()?
                .map(Email::into_string);
        }
        if let Some(l) = patch.language {
            u.language = l;
        }
        if let Some(r) = patch.role {
            if u.company_id.is_none() {
                return Err(AppError::invalid(
                    "invalid_role",
                    "role",
                    "Provider accounts keep their role.",
                ));
            }
            let r = company_role("role", r)?;
            if is_self && r != u.role {
                return Err(AppError::conflict(
                    "cannot_change_own_role",
                    "You cannot change your own administrative privileges.",
                    Some("role"),
                ));
            }
            u.role = r;
        }
        let company = match &u.company_id {
            Some(co) => Some(
                tenancy::get_company(&mut tx, co)
                    .await?
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        if let (Some(d), Some(co)) = (patch.department_id, &company) {
            u.department_id = self.department_in(&mut tx, co, d.as_deref()).await?;
        }
        if let (Some(p), Some(co)) = (patch.package_id, &company) {
            u.package_id = Some(self.package_in(&mut tx, co, &p).await?);
        }
        if let Some(l) = patch.default_line_id {
            u.default_line_id = match (l, &u.company_id) {
                (None, _) => None,
                (Some(l), Some(co)) => {
                    let lid = LineId::from_raw(body_id("default_line_id", &l)?);
                    let mine = sb_store::lines::lines_of_user(&mut tx, co, &u.id).await?;
                    if !mine.iter().any(|x| x.id == lid) {
                        return Err(AppError::invalid(
                            "not_users_line",
                            "default_line_id",
                            "The default line must be one of the user's lines.",
                        ));
                    }
                    Some(lid)
                }
                (Some(_), None) => {
                    return Err(AppError::invalid(
                        "not_users_line",
                        "default_line_id",
                        "This account has no lines.",
                    ));
                }
            };
        }
        u.updated_at = now;
        accounts::update_user(&mut tx, &u).await?;
        let rec = Record::new(AuditKind::Changed, "user", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(diff(&before, &user_audit(&u)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(user_view(&u))
    }

    /// Disable, enable or unlock: one administrative switch on the account, audited.
    async fn admin_switch(
        &self,
        actor: &Actor,
        id: &str,
        kind: AuditKind,
        f: impl FnOnce(&mut User),
    ) -> AppResult<UserView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut u = self.user_for(&mut tx, actor, id, Need::Administer).await?;
        if u.id == actor.user_id {
            return Err(AppError::conflict(
                "cannot_change_self",
                "You cannot do this to your own account.",
                None,
            ));
        }
        let before = user_audit(&u);
        let was_locked = (u.locked, u.failed_logins, u.lockouts);
        f(&mut u);
        u.updated_at = now;
        accounts::update_user(&mut tx, &u).await?;
        // The sign-in counters have their own statement (update_user leaves them alone).
        if (u.locked, u.failed_logins, u.lockouts) == (false, 0, 0) && was_locked != (false, 0, 0) {
            accounts::clear_sign_in_failures(&mut tx, &u.id).await?;
        }
        if !u.enabled {
            accounts::delete_sessions_of(&mut tx, &u.id).await?;
        }
        let rec = Record::new(kind, "user", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(diff(&before, &user_audit(&u)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(user_view(&u))
    }

    /// A disabled user cannot sign in; their records and audit stay.
    pub async fn disable_user(&self, actor: &Actor, id: &str) -> AppResult<UserView> {
        self.admin_switch(actor, id, AuditKind::Changed, |u| u.enabled = false)
            .await
    }

    pub async fn enable_user(&self, actor: &Actor, id: &str) -> AppResult<UserView> {
        self.admin_switch(actor, id, AuditKind::Changed, |u| u.enabled = true)
            .await
    }

    /// Unlocks an account locked by wrong passwords.
    pub async fn unlock_user(&self, actor: &Actor, id: &str) -> AppResult<UserView> {
        self.admin_switch(actor, id, AuditKind::AccountUnlocked, |u| {
            u.locked = false;
            u.locked_until = None;
            u.lockouts = 0;
            u.failed_logins = 0;
        })
        .await
    }

    /// Deleting a user deletes the user's audit records too; disable to keep them.
    pub async fn delete_user(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.user_for(&mut tx, actor, id, Need::Administer).await?;
        if u.id == actor.user_id {
            return Err(AppError::conflict(
                "cannot_change_self",
                "You cannot delete your own account.",
                None,
            ));
        }
        audit::write(
            &mut tx,
            now,
            actor.into(),
            Record::new(AuditKind::Deleted, "user", &u.id)
                .tenant(u.reseller_id.as_ref(), u.company_id.as_ref()),
        )
        .await?;
        sb_store::audit::delete_about_user(&mut tx, &u.id).await?;
        accounts::delete_user(&mut tx, &u.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password given by the administrator, or issues a reset link.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: &str,
        input: ResetPasswordInput,
    ) -> AppResult<Option<LinkView>> {
        let hash = match &input.password {
            Some(p) => {
                self.check_new_password("password", p)?;
                Some(secrets::hash_password_async(p.clone()).await?)
            }
            None => None,
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut u = self.user_for(&mut tx, actor, id, Need::Administer).await?;
        let link = match hash {
            Some(h) if u.username.is_some() => {
                u.password_hash = Some(h);
                u.updated_at = now;
                accounts::update_user(&mut tx, &u).await?;
                accounts::delete_sessions_of(&mut tx, &u.id).await?;
                accounts::void_links_of(&mut tx, &u.id).await?;
                None
            }
            Some(_) => {
                return Err(AppError::invalid(
                    "username_required",
                    "password",
                    "This user has no username yet; send a first-login link instead.",
                ));
            }
            None => {
                let purpose = if u.username.is_some() {
                    PASSWORD_RESET
                } else {
                    FIRST_LOGIN
                };
                Some(self.issue_link(&mut tx, &u, purpose, now).await?)
            }
        };
        let rec = Record::new(AuditKind::PasswordChanged, "user", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"by": "administrator", "link": link.is_some()}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(link)
    }

    /// The features the user's service package grants: every feature check reads this, on the
    /// server. Provider accounts have no package and every feature.
    pub(crate) async fn features_of(&self, c: &mut Conn, u: &User) -> AppResult<Vec<Feature>> {
        Ok(match (&u.package_id, u.role) {
            (_, Role::SystemAdmin | Role::ResellerAdmin) => Feature::ALL.to_vec(),
            (Some(p), _) => tenancy::get_package(c, p)
                .await?
                .map(|p| p.features)
                .unwrap_or_default(),
            (None, _) => Vec::new(),
        })
    }

    pub(crate) async fn user_has_feature(
        &self,
        c: &mut Conn,
        u: &User,
        feature: Feature,
    ) -> AppResult<bool> {
        Ok(self.features_of(c, u).await?.contains(&feature))
    }

    /// Who is signed in: the account, company, language, features and lines.
    pub async fn me(&self, actor: &Actor) -> AppResult<MeView> {
        let mut c = self.store.conn().await?;
        let u = accounts::locate_user(&mut c, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let company = match &u.company_id {
            Some(co) => tenancy::get_company(&mut c, co).await?,
            None => None,
        };
        let features = self.features_of(&mut c, &u).await?;
        let records = match &company {
            Some(co) => sb_store::lines::lines_of_user(&mut c, &co.id, &u.id).await?,
            None => Vec::new(),
        };
        let mut lines = Vec::with_capacity(records.len());
        for l in &records {
            let nums = sb_store::lines::numbers_of_line(&mut c, &l.company_id, &l.id).await?;
            lines.push(line_view(l, nums));
        }
        let language = u
            .language
            .or(company.as_ref().map(|c| c.first_language))
            .unwrap_or(Language::En);
        let company = match &company {
            Some(co) => Some(self.company_view(&mut c, co).await?),
            None => None,
        };
        // The signed-in line, while it is still one of theirs.
        let signed_in = actor
            .line_id
            .as_ref()
            .filter(|id| records.iter().any(|l| &l.id == *id));
        let (working_hours, presence) =
            self.profile_extras(&mut c, &u, &records, signed_in).await?;
        Ok(MeView {
            signed_in_line_id: signed_in.map(ToString::to_string),
            working_hours,
            presence,
            role: u.role,
            default_line_id: u.default_line_id.as_ref().map(ToString::to_string),
            user: user_view(&u),
            company,
            language,
            features,
            lines,
        })
    }
}
