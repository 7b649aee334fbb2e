//! The provider's own use cases beside the tenancy ones: the installation's system
//! administrators (list, and creating another one besides the first), a reseller's
//! administrators, the customer search of the portals and the installation's health.

use crate::audit::{self, Record};
use crate::authz::{self, Actor, Need, Tenant};
use crate::directory::{user_audit, user_view, user_view_owned};
use crate::views::{AuditView, CompanyView, ListPage, ResellerAdminInput, UserView};
use crate::{App, AppError, AppResult, secrets};
use sb_domain::ids::{ResellerId, UserId};
use sb_domain::model::{AuditKind, Role};
use sb_domain::values::{Email, Name, Username};
use sb_store::Page;
use sb_store::accounts::{self, User};
use sb_store::audit::AuditFilter;
use sb_store::tenancy as store;

/// What the provider's health page shows that the database knows (the SIP engine's live counts
/// are the front door's, as on `/metrics`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstallationHealth {
    /// The database answers.
    pub database: bool,
    /// Mails waiting in the outbox.
    pub mail_outbox: i64,
    pub mail_configured: bool,
}

/// A new administrator account, checked: the fields of [`ResellerAdminInput`].
pub(crate) struct NewAdmin {
    name: String,
    username: String,
    email: Option<String>,
    hash: String,
}

impl App {
    /// Checks an administrator's fields and hashes the password (before any transaction).
    pub(crate) async fn new_admin(&self, input: ResellerAdminInput) -> AppResult<NewAdmin> {
        let name = Name::parse("name", &input.name)?;
        let username = Username::parse("username", &input.username)?;
        self.check_new_password("password", &input.password)?;
        let email = input
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| Email::parse("email", e))
            .transpose()?;
        Ok(NewAdmin {
            name: name.into_string(),
            username: username.into_string(),
            email: email.map(Email::into_string),
            hash: secrets::hash_password_async(input.password).await?,
        })
    }

    /// Stores an administrator of the installation (`reseller` None) or of a reseller, audited.
    pub(crate) async fn insert_admin(
        &self,
        tx: &mut sb_store::Conn,
        actor: &Actor,
        reseller: Option<&ResellerId>,
        a: NewAdmin,
    ) -> AppResult<UserView> {
        if accounts::username_taken(tx, &a.username).await? {
            return Err(AppError::conflict(
                "username_taken",
                "This username is already taken.",
                Some("username"),
            ));
        }
        let now = self.now_ms();
        let u = User {
            id: UserId::new(now),
            role: if reseller.is_some() {
                Role::ResellerAdmin
            } else {
                Role::SystemAdmin
            },
            reseller_id: reseller.cloned(),
            company_id: None,
            department_id: None,
            package_id: None,
            name: a.name,
            email: a.email,
            language: None,
            username: Some(a.username),
            password_hash: Some(a.hash),
            enabled: true,
            failed_logins: 0,
            locked: false,
            locked_until: None,
            lockouts: 0,
            default_line_id: None,
            created_at: now,
            updated_at: now,
        };
        accounts::insert_user(tx, &u).await?;
        let rec = Record::new(AuditKind::Created, "user", &u.id)
            .tenant(reseller, None)
            .about(&u.id)
            .summary(user_audit(&u));
        audit::write(tx, now, actor.into(), rec).await?;
        Ok(user_view(&u))
    }

    /// The installation's system administrators (system administrators only).
    pub async fn list_system_admins(&self, actor: &Actor) -> AppResult<Vec<UserView>> {
        authz::check(actor, &Tenant::installation(), Need::Operate)?;
        let mut c = self.store.conn().await?;
        let list = accounts::list_system_admins(&mut c).await?;
        Ok(list.into_iter().map(user_view_owned).collect())
    }

    /// Another system administrator, created by a system administrator (the first one is made
    /// at start, [`App::bootstrap_admin`]). Audited as the creator.
    pub async fn create_system_admin(
        &self,
        actor: &Actor,
        input: ResellerAdminInput,
    ) -> AppResult<UserView> {
        authz::check(actor, &Tenant::installation(), Need::Operate)?;
        let admin = self.new_admin(input).await?;
        let mut tx = self.store.begin().await?;
        let view = self.insert_admin(&mut tx, actor, None, admin).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A reseller's administrators (system administrators, or that reseller's own).
    pub async fn list_reseller_admins(&self, actor: &Actor, id: &str) -> AppResult<Vec<UserView>> {
        let mut c = self.store.conn().await?;
        let r = self.reseller_for(&mut c, actor, id, Need::Provide).await?;
        let list = accounts::list_reseller_admins(&mut c, &r.id).await?;
        Ok(list.into_iter().map(user_view_owned).collect())
    }

    /// The companies the actor serves whose name contains `needle` (any case); the same as
    /// [`App::list_companies`] when it is empty. Providers and resellers only.
    pub async fn search_companies(
        &self,
        actor: &Actor,
        needle: &str,
        page: Page,
    ) -> AppResult<ListPage<CompanyView>> {
        authz::full_session(actor)?;
        let reseller = match (actor.role, &actor.reseller_id) {
            (Role::SystemAdmin, _) => None,
            (Role::ResellerAdmin, Some(r)) => Some(r.clone()),
            _ => {
                return Err(AppError::forbidden(
                    "Only your service provider can list its customers.",
                ));
            }
        };
        let mut c = self.store.conn().await?;
        let (items, next_cursor) =
            store::search_companies(&mut c, reseller.as_ref(), needle.trim(), &page).await?;
        let mut views = Vec::with_capacity(items.len());
        for co in &items {
            views.push(self.company_view(&mut c, co).await?);
        }
        Ok(ListPage {
            items: views,
            next_cursor,
        })
    }

    /// The installation's health as the database sees it (system administrators only).
    pub async fn installation_health(&self, actor: &Actor) -> AppResult<InstallationHealth> {
        authz::check(actor, &Tenant::installation(), Need::Operate)?;
        Ok(InstallationHealth {
            database: self.healthy().await,
            mail_outbox: self.outbox_depth().await?,
            mail_configured: self.cfg.smtp_configured,
        })
    }

    /// The provider's activity audit (the installation's for the system, the reseller's own and
    /// its customers' for a reseller), of one kind or all, oldest first, a page at a time.
    pub async fn provider_audit(
        &self,
        actor: &Actor,
        kind: Option<AuditKind>,
        page: Page,
    ) -> AppResult<ListPage<AuditView>> {
        let filter = AuditFilter {
            kind,
            ..AuditFilter::default()
        };
        self.list_audit(actor, None, filter, page).await
    }
}
