//! "My Profile": what a person changes of their own account that `update_user` keeps to their
//! administrators (their name), and their profile picture, which they and their administrators
//! may set and remove. The language, the default line, the password and the passcode have
//! use cases of their own (`update_user`, `change_own_password`, `change_passcode`).

use crate::audit::{self, Record, diff};
use crate::authz::{self, Actor, Need, Tenant};
use crate::directory::{user_audit, user_view};
use crate::views::UserView;
use crate::{App, AppError, AppResult};
use base64::Engine as _;
use sb_domain::ids::UserId;
use sb_domain::model::{AuditKind, Feature, Role};
use sb_domain::values::{Email, Name};
use sb_store::Conn;
use sb_store::accounts::{self, User};
use sb_store::pictures::{self, Picture};

/// The person's own details, as "Personal information" sends them.
#[derive(Debug, Clone, Default)]
pub struct OwnDetailsInput {
    pub name: String,
    /// Empty for none.
    pub email: String,
}

fn tenant_of(u: &User) -> Tenant {
    match (&u.reseller_id, &u.company_id) {
        (Some(r), Some(co)) => Tenant::company(r, co),
        (Some(r), None) => Tenant::reseller(r),
        _ => Tenant::installation(),
    }
}

impl App {
    /// The actor's own account, for a change they make to it: every role may change its own
    /// account, an end user only with the user portal in their package (as `update_user` asks
    /// of anyone changing their own account).
    async fn own_account(&self, c: &mut Conn, actor: &Actor) -> AppResult<User> {
        let u = accounts::locate_user(c, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        authz::check(actor, &tenant_of(&u), Need::See)?;
        if u.role == Role::EndUser && !self.user_has_feature(c, &u, Feature::UserPortal).await? {
            return Err(AppError::forbidden(
                "Your service package does not include the user portal; ask your administrator.",
            ));
        }
        Ok(u)
    }

    /// A user whose picture the actor may change: their own, or one they administer.
    async fn picture_owner(&self, c: &mut Conn, actor: &Actor, id: &str) -> AppResult<User> {
        if id == actor.user_id.as_str() {
            self.own_account(c, actor).await
        } else {
            self.user_for(c, actor, id, Need::Administer).await
        }
    }

    /// The person changes their own name and e-mail, with the checks of the API's user update;
    /// a refusal changes nothing.
    pub async fn update_own_details(
        &self,
        actor: &Actor,
        input: OwnDetailsInput,
    ) -> AppResult<UserView> {
        let name = Name::parse("name", &input.name)?.into_string();
        let email = Some(input.email.trim())
            .filter(|s| !s.is_empty())
            .map(|s| Email::parse("email", s))
            .transpose()?
            .map(Email::into_string);
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut u = self.own_account(&mut tx, actor).await?;
        let before = user_audit(&u);
        u.name = name;
        u.email = email;
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

    /// A user's picture, a PNG: their own, or one of a user the actor administers.
    pub async fn picture(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        let mut c = self.store.conn().await?;
        let u = self.user_for(&mut c, actor, id, Need::See).await?;
        let p = pictures::get(&mut c, &u.id)
            .await?
            .ok_or(AppError::NotFound)?;
        base64::engine::general_purpose::STANDARD
            .decode(p.png)
            .map_err(|e| AppError::Internal(format!("stored picture: {e}")))
    }

    /// The version of a user's picture (it names the picture's URL), or none.
    pub async fn picture_version(&self, actor: &Actor, id: &str) -> AppResult<Option<i64>> {
        let mut c = self.store.conn().await?;
        let u = self.user_for(&mut c, actor, id, Need::See).await?;
        Ok(pictures::version(&mut c, &u.id).await?)
    }

    /// Sets a user's picture from an uploaded file, kept only as `picture::sanitise` writes it
    /// anew; answers its version.
    pub async fn set_picture(&self, actor: &Actor, id: &str, file: Vec<u8>) -> AppResult<i64> {
        // Whose picture first: somebody out of reach learns nothing from the file's refusal.
        let mut c = self.store.conn().await?;
        self.picture_owner(&mut c, actor, id).await?;
        drop(c);
        let png = tokio::task::spawn_blocking(move || crate::picture::sanitise(&file))
            .await
            .map_err(|e| AppError::Internal(format!("picture task: {e}")))??;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.picture_owner(&mut tx, actor, id).await?;
        let version = match pictures::version(&mut tx, &u.id).await? {
            Some(v) if v >= now => v + 1,
            _ => now,
        };
        let stored = Picture {
            png: base64::engine::general_purpose::STANDARD.encode(&png),
            version,
        };
        pictures::save(&mut tx, &u.id, &stored).await?;
        let summary = serde_json::json!({ "picture": { "after": "set", "bytes": png.len() } });
        write_picture_audit(&mut tx, actor, &u, summary, now).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Removes a user's picture; not found when there is none.
    pub async fn remove_picture(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.picture_owner(&mut tx, actor, id).await?;
        if !pictures::remove(&mut tx, &u.id).await? {
            return Err(AppError::NotFound);
        }
        let summary = serde_json::json!({ "picture": { "after": "removed" } });
        write_picture_audit(&mut tx, actor, &u, summary, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn write_picture_audit(
    c: &mut Conn,
    actor: &Actor,
    u: &User,
    summary: serde_json::Value,
    now: i64,
) -> AppResult<()> {
    let id: &UserId = &u.id;
    let rec = Record::new(AuditKind::Changed, "user", id)
        .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
        .about(id)
        .summary(summary);
    audit::write(c, now, actor.into(), rec).await
}
