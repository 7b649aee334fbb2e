//! Lines (extensions with SIP credentials) and the company's numbers (DIDs).

use crate::audit::{self, Record, diff};
use crate::authz::{self, Actor, Need};
use crate::directory::*;
use crate::sealed::SecretKey;
use crate::views::*;
use crate::{App, AppError, AppResult, at_rest};
use sb_domain::ids::{CompanyId, LineId, NumberId, UserId};
use sb_domain::model::{AuditKind, Feature};
use sb_domain::values::{E164, Extension, Name};
use sb_store::lines::{self as store, Line, Number};
use sb_store::tenancy::Company;
use sb_store::{Conn, Page, StoreError};

impl App {
    async fn owner_in(
        &self,
        c: &mut Conn,
        co: &Company,
        id: Option<&str>,
    ) -> AppResult<Option<UserId>> {
        let Some(id) = id else { return Ok(None) };
        let uid = UserId::from_raw(body_id("user_id", id)?);
        match sb_store::accounts::locate_user(c, &uid).await? {
            Some(u) if u.company_id.as_ref() == Some(&co.id) => Ok(Some(u.id)),
            _ => Err(AppError::invalid(
                "unknown_reference",
                "user_id",
                "There is no such user in this company.",
            )),
        }
    }

    /// A line's default or presentation number must be one of the company's numbers.
    async fn company_number(
        &self,
        c: &mut Conn,
        co: &CompanyId,
        field: &str,
        n: Option<&str>,
    ) -> AppResult<Option<String>> {
        let Some(n) = n.filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let e = E164::parse(field, n)?;
        if store::company_has_number(c, co, e.as_str()).await? {
            return Ok(Some(e.into_string()));
        }
        Err(AppError::invalid(
            "not_company_number",
            field,
            "Choose one of the company's numbers.",
        ))
    }

    async fn line_view_of(&self, c: &mut Conn, l: &Line) -> AppResult<LineView> {
        let nums = store::numbers_of_line(c, &l.company_id, &l.id).await?;
        Ok(line_view(l, nums))
    }

    pub async fn create_line(
        &self,
        actor: &Actor,
        company: &str,
        input: LineInput,
    ) -> AppResult<LineView> {
        let ext = Extension::parse("extension", &input.extension)?;
        let account_name = input
            .account_name
            .as_deref()
            .map(|n| Name::parse("account_name", n))
            .transpose()?;
        let calling_name = input
            .calling_name
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|n| Name::parse("calling_name", n))
            .transpose()?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        if store::count_lines(&mut tx, &co.id).await? >= co.max_lines {
            return Err(AppError::conflict(
                "subscription_limit",
                format!(
                    "The company has used all {} of its line subscription keys. Ask your service provider for more.",
                    co.max_lines
                ),
                None,
            ));
        }
        let user_id = self
            .owner_in(&mut tx, &co, input.user_id.as_deref())
            .await?;
        let default_number = self
            .company_number(
                &mut tx,
                &co.id,
                "default_number",
                input.default_number.as_deref(),
            )
            .await?;
        let presentation_number = self
            .company_number(
                &mut tx,
                &co.id,
                "presentation_number",
                input.presentation_number.as_deref(),
            )
            .await?;
        let id = LineId::new(now);
        let mut l = Line {
            sip_username: format!("{}{}", ext.as_str(), &id.as_str()[20..]),
            id,
            company_id: co.id.clone(),
            user_id,
            account_name: account_name
                .map(Name::into_string)
                .unwrap_or_else(|| ext.to_string()),
            extension: ext.into_string(),
            calling_name: calling_name.map(Name::into_string),
            sip_password_sealed: String::new(),
            sip_ha1_md5: String::new(),
            sip_ha1_sha256: String::new(),
            default_number,
            presentation_number,
            created_at: now,
        };
        at_rest::new_sip_password(&self.cfg.secret_key, &mut l, &co.sip_domain)?;
        store::insert_line(&mut tx, &l)
            .await
            .map_err(extension_conflict)?;
        let rec = Record::new(AuditKind::Created, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(line_audit(&l));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.line_view_of(&mut tx, &l).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn list_lines(
        &self,
        actor: &Actor,
        company: &str,
        page: Page,
    ) -> AppResult<ListPage<LineView>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let (items, next_cursor) = store::list_lines(&mut c, &co.id, &page).await?;
        let mut views = Vec::with_capacity(items.len());
        for l in &items {
            views.push(self.line_view_of(&mut c, l).await?);
        }
        Ok(ListPage {
            items: views,
            next_cursor,
        })
    }

    /// A line is visible to its user and to the company's administrators.
    pub(crate) async fn line_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<(Company, Line)> {
        let l = store::locate_line(c, &LineId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let own = need == Need::See && l.user_id.as_ref() == Some(&actor.user_id);
        let co = self
            .company_for(
                c,
                actor,
                l.company_id.as_str(),
                if own { Need::See } else { need },
            )
            .await?;
        Ok((co, l))
    }

    pub async fn get_line(&self, actor: &Actor, id: &str) -> AppResult<LineView> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.line_for(&mut c, actor, id, Need::See).await?;
        self.line_view_of(&mut c, &l).await
    }

    pub async fn update_line(
        &self,
        actor: &Actor,
        id: &str,
        patch: LinePatch,
    ) -> AppResult<LineView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, mut l) = self.line_for(&mut tx, actor, id, Need::Administer).await?;
        let before = line_audit(&l);
        if let Some(e) = patch.extension {
            l.extension = Extension::parse("extension", &e)?.into_string();
        }
        let mut handed_over = None;
        if let Some(u) = patch.user_id {
            let new_owner = self.owner_in(&mut tx, &co, u.as_deref()).await?;
            if new_owner != l.user_id {
                if let Some(old) = &l.user_id {
                    clear_default_line(&mut tx, old, &l.id).await?;
                }
                handed_over =
                    Some(hand_over(&mut tx, &self.cfg.secret_key, &mut l, &co.sip_domain).await?);
            }
            l.user_id = new_owner;
        }
        if let Some(n) = patch.account_name {
            l.account_name = Name::parse("account_name", &n)?.into_string();
        }
        if let Some(n) = patch.calling_name {
            l.calling_name = n
                .filter(|s| !s.is_empty())
                .map(|s| Name::parse("calling_name", &s))
                .transpose()?
                .map(Name::into_string);
        }
        if let Some(n) = patch.default_number {
            l.default_number = self
                .company_number(&mut tx, &co.id, "default_number", n.as_deref())
                .await?;
        }
        if let Some(n) = patch.presentation_number {
            l.presentation_number = self
                .company_number(&mut tx, &co.id, "presentation_number", n.as_deref())
                .await?;
        }
        store::update_line(&mut tx, &l)
            .await
            .map_err(extension_conflict)?;
        let mut summary = diff(&before, &line_audit(&l));
        let changed_hands = handed_over.is_some();
        if let Some(h) = handed_over {
            summary["handed_over"] = h;
        }
        let rec = Record::new(AuditKind::Changed, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(summary);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.line_view_of(&mut tx, &l).await?;
        tx.commit().await?;
        if changed_hands {
            self.credentials_changed(&l.sip_username, &co.sip_domain);
        }
        Ok(view)
    }

    pub async fn delete_line(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.line_for(&mut tx, actor, id, Need::Administer).await?;
        // Its messages, greeting and recordings go with it (foreign keys), their files after.
        let audio = sb_store::audio::keys_of_line(&mut tx, &l.id).await?;
        store::delete_line(&mut tx, &co.id, &l.id).await?;
        let rec = Record::new(AuditKind::Deleted, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(line_audit(&l));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.drop_audio(audio).await;
        Ok(())
    }

    /// The line's SIP credentials. The password lets a phone act as the line, so reading it needs
    /// an elevated token (the administrator confirmed their password just now) and every read is
    /// audited.
    pub async fn line_credentials(&self, actor: &Actor, id: &str) -> AppResult<SipCredentialsView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.line_for(&mut tx, actor, id, Need::Administer).await?;
        authz::elevated(actor)?;
        let sip_password = at_rest::open_sip_password(&self.cfg.secret_key, &l)?;
        let rec = Record::new(AuditKind::CredentialsRead, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"sip_username": l.sip_username}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(SipCredentialsView {
            sip_username: l.sip_username,
            sip_password,
            sip_domain: co.sip_domain,
        })
    }

    /// Gives the line a new SIP password; phones must be re-provisioned. The answer carries the
    /// password, so this too needs an elevated token.
    pub async fn reset_line_credentials(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<SipCredentialsView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, mut l) = self.line_for(&mut tx, actor, id, Need::Administer).await?;
        authz::elevated(actor)?;
        let sip_password = at_rest::new_sip_password(&self.cfg.secret_key, &mut l, &co.sip_domain)?;
        store::update_line(&mut tx, &l).await?;
        let rec = Record::new(AuditKind::Changed, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"sip_password": "reset"}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.credentials_changed(&l.sip_username, &co.sip_domain);
        Ok(SipCredentialsView {
            sip_username: l.sip_username,
            sip_password,
            sip_domain: co.sip_domain,
        })
    }

    // ---- numbers ---------------------------------------------------------------------------

    async fn line_in(
        &self,
        c: &mut Conn,
        co: &Company,
        id: Option<&str>,
    ) -> AppResult<Option<LineId>> {
        let Some(id) = id else { return Ok(None) };
        let lid = LineId::from_raw(body_id("line_id", id)?);
        match store::locate_line(c, &lid).await? {
            Some(l) if l.company_id == co.id => Ok(Some(l.id)),
            _ => Err(AppError::invalid(
                "unknown_reference",
                "line_id",
                "There is no such line in this company.",
            )),
        }
    }

    pub async fn create_number(
        &self,
        actor: &Actor,
        company: &str,
        input: NumberInput,
    ) -> AppResult<NumberView> {
        let e = E164::parse("number", &input.number)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        // Numbers come from the provider's carriers: providers and resellers give them to a
        // company; the company's administrators only route them to lines.
        let co = self
            .company_for(&mut tx, actor, company, Need::Provide)
            .await?;
        let line_id = self.line_in(&mut tx, &co, input.line_id.as_deref()).await?;
        let n = Number {
            id: NumberId::new(now),
            company_id: co.id.clone(),
            e164: e.into_string(),
            line_id,
            fax: false,
            created_at: now,
        };
        store::insert_number(&mut tx, &n)
            .await
            .map_err(|e| match e {
                // One answer wherever the number is, so that it says nothing of other tenants.
                StoreError::Conflict(_) => AppError::invalid(
                    "number_unavailable",
                    "number",
                    "This number cannot be assigned.",
                ),
                other => other.into(),
            })?;
        let view = number_view(&n);
        let rec = Record::new(AuditKind::Created, "number", &n.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::to_value(&view).unwrap_or_default());
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn list_numbers(
        &self,
        actor: &Actor,
        company: &str,
        page: Page,
    ) -> AppResult<ListPage<NumberView>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let (items, next_cursor) = store::list_numbers(&mut c, &co.id, &page).await?;
        Ok(ListPage {
            items: items.iter().map(number_view).collect(),
            next_cursor,
        })
    }

    pub(crate) async fn number_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<(Company, Number)> {
        let n = store::locate_number(c, &NumberId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let co = self
            .company_for(c, actor, n.company_id.as_str(), need)
            .await?;
        Ok((co, n))
    }

    pub async fn get_number(&self, actor: &Actor, id: &str) -> AppResult<NumberView> {
        let mut c = self.store.conn().await?;
        Ok(number_view(
            &self
                .number_for(&mut c, actor, id, Need::Administer)
                .await?
                .1,
        ))
    }

    pub async fn update_number(
        &self,
        actor: &Actor,
        id: &str,
        patch: NumberPatch,
    ) -> AppResult<NumberView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, mut n) = self
            .number_for(&mut tx, actor, id, Need::Administer)
            .await?;
        let before = serde_json::to_value(number_view(&n)).unwrap_or_default();
        let moved = patch.line_id.is_some();
        if let Some(l) = patch.line_id {
            n.line_id = self.line_in(&mut tx, &co, l.as_deref()).await?;
        }
        if let Some(fax) = patch.fax {
            n.fax = fax;
        }
        // A fax number is a line's: one taken off its line is no longer one.
        n.fax &= n.line_id.is_some();
        if patch.fax == Some(true) || (n.fax && moved) {
            self.check_fax_line(&mut tx, n.line_id.as_ref()).await?;
        }
        store::update_number(&mut tx, &n).await?;
        let view = number_view(&n);
        let rec = Record::new(AuditKind::Changed, "number", &n.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(
                &before,
                &serde_json::to_value(&view).unwrap_or_default(),
            ));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A fax number needs a line whose user's package has `fax`.
    async fn check_fax_line(&self, c: &mut Conn, line: Option<&LineId>) -> AppResult<()> {
        let no_fax = || {
            AppError::invalid(
                "no_fax_in_package",
                "fax",
                "Receiving faxes needs a line whose user's service package has fax.",
            )
        };
        let Some(line) = line else {
            return Err(no_fax());
        };
        let line = store::locate_line(c, line).await?.ok_or_else(no_fax)?;
        if self.line_has_feature(c, &line, Feature::Fax).await? {
            Ok(())
        } else {
            Err(no_fax())
        }
    }

    pub async fn delete_number(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, n) = self.number_for(&mut tx, actor, id, Need::Provide).await?;
        store::delete_number(&mut tx, &co.id, &n.id).await?;
        let rec = Record::new(AuditKind::Deleted, "number", &n.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"number": n.e164}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn extension_conflict(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::conflict(
            "extension_taken",
            "Another line of this company has this extension.",
            Some("extension"),
        ),
        other => other.into(),
    }
}

/// A line that changes hands (another user, or a reset) starts clean: a new SIP password, so that
/// the previous person's phones can no longer register or call as it, and no voicemail mail
/// targets, which name the previous person's addresses. Gives what changed, for the audit.
pub(crate) async fn hand_over(
    c: &mut Conn,
    key: &SecretKey,
    l: &mut Line,
    realm: &str,
) -> AppResult<serde_json::Value> {
    at_rest::new_sip_password(key, l, realm)?;
    let mut vm = sb_store::voicemail::settings(c, &l.id).await?;
    let cleared = vm.email_to.len();
    if cleared > 0 {
        vm.email_to.clear();
        sb_store::voicemail::save_settings(c, &l.id, &vm).await?;
    }
    Ok(serde_json::json!({ "sip_password": "reset", "voicemail_email_to_cleared": cleared }))
}

async fn clear_default_line(c: &mut Conn, user: &UserId, line: &LineId) -> AppResult<()> {
    if let Some(mut u) = sb_store::accounts::locate_user(c, user).await?
        && u.default_line_id.as_ref() == Some(line)
    {
        u.default_line_id = None;
        sb_store::accounts::update_user(c, &u).await?;
    }
    Ok(())
}
