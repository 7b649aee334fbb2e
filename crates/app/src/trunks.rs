//! SIP trunks: company trunks and installation trunks, managed by providers (the system
//! administrator for installation trunks, a company's reseller or the system for company ones).
//! Passwords are write-only in the API; the SIP engine reads them to answer carrier challenges.

use crate::audit::{self, Record, diff};
use crate::authz::{self, Actor, Need, Tenant};
use crate::directory::id_or_404;
use crate::views::{TrunkInbound, TrunkInput, TrunkView};
use crate::{App, AppError, AppResult, at_rest};
use sb_domain::ids::{CompanyId, TrunkId};
use sb_domain::model::AuditKind;
use sb_domain::values::Name;
use sb_store::Conn;
use sb_store::trunks as store;
/// A trunk with its credentials, as the SIP engine receives it (`trunks_for_engine`).
pub use sb_store::trunks::Trunk;

fn view(t: &Trunk) -> TrunkView {
    TrunkView {
        id: t.id.to_string(),
        company_id: t.company_id.as_ref().map(ToString::to_string),
        name: t.name.clone(),
        address: t.address.clone(),
        username: t.username.clone(),
        has_password: t.password.is_some(),
        register: t.register,
        emergency: t.emergency,
        inbound: if t.inbound == "secret" {
            TrunkInbound::Secret
        } else {
            TrunkInbound::Tcp
        },
        has_inbound_secret: t.inbound_secret.is_some(),
        max_calls: t.max_calls,
    }
}

/// A trunk document once checked.
struct Checked {
    name: String,
    address: String,
    username: Option<String>,
    password: Option<String>,
    inbound_secret: Option<String>,
    max_calls: i64,
}

/// The inbound key of `secret` mode: long enough not to be guessed, and safe in a SIP URI.
fn inbound_secret(i: &TrunkInput) -> AppResult<Option<String>> {
    let key = i
        .inbound_secret
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let fine = |k: &str| {
        (16..=128).contains(&k.len())
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
    };
    match key {
        Some(k) if !fine(k) => Err(AppError::invalid(
            "invalid_inbound_secret",
            "inbound_secret",
            "The key has 16 to 128 letters, digits, '-', '_', '.' or '~'.",
        )),
        None if i.inbound == TrunkInbound::Secret => Err(AppError::invalid(
            "inbound_secret_required",
            "inbound_secret",
            "Recognising the carrier by a shared key needs the key.",
        )),
        k => Ok(k.map(str::to_owned)),
    }
}

/// Checks a trunk document.
fn checked(i: &TrunkInput) -> AppResult<Checked> {
    let name = Name::parse("name", &i.name)?.as_str().to_owned();
    let addr: std::net::SocketAddr = i.address.trim().parse().map_err(|_| {
        AppError::invalid(
            "invalid_address",
            "address",
            "The trunk address is an IP address and port, like 192.0.2.10:5060.",
        )
    })?;
    if addr.port() == 0 || addr.ip().is_unspecified() {
        return Err(AppError::invalid(
            "invalid_address",
            "address",
            "The trunk address needs a real IP address and a port.",
        ));
    }
    let text = |field: &str, v: &Option<String>| -> AppResult<Option<String>> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) if s.len() > 128 || s.chars().any(|c| c.is_control() || c == '"') => {
                Err(AppError::invalid(
                    "invalid_credentials",
                    field,
                    "Credentials have at most 128 characters, without quotes or control characters.",
                ))
            }
            Some(s) => Ok(Some(s.to_owned())),
        }
    };
    let username = text("username", &i.username)?;
    let password = text("password", &i.password)?;
    if i.register && (username.is_none() || password.is_none()) {
        return Err(AppError::invalid(
            "credentials_required",
            "register",
            "Registering to the carrier needs a username and a password.",
        ));
    }
    let max_calls = i.max_calls.unwrap_or(100);
    if !(1..=10_000).contains(&max_calls) {
        return Err(AppError::invalid(
            "invalid_max_calls",
            "max_calls",
            "A trunk carries 1 to 10,000 calls at once.",
        ));
    }
    Ok(Checked {
        name,
        address: addr.to_string(),
        username,
        password,
        inbound_secret: inbound_secret(i)?,
        max_calls,
    })
}

impl App {
    /// Refuses an address another trunk has: a carrier's calls are recognised by the trunk's
    /// address, so two trunks there would make it a guess which company a call is for.
    async fn address_free(c: &mut Conn, address: &str, except: Option<&TrunkId>) -> AppResult<()> {
        if store::address_taken(c, address, except).await? {
            return Err(AppError::conflict(
                "address_taken",
                "Another trunk has this address; each carrier address belongs to one trunk.",
                Some("address"),
            ));
        }
        Ok(())
    }

    /// The tenant a trunk belongs to, checked for provider powers.
    async fn trunk_tenant(
        &self,
        c: &mut Conn,
        actor: &Actor,
        company: Option<&CompanyId>,
    ) -> AppResult<Option<(sb_domain::ids::ResellerId, CompanyId)>> {
        match company {
            Some(co) => {
                let co = self.company_or_404(c, co).await?;
                authz::check(
                    actor,
                    &Tenant::company(&co.reseller_id, &co.id),
                    Need::Provide,
                )?;
                Ok(Some((co.reseller_id, co.id)))
            }
            None => {
                authz::check(actor, &Tenant::installation(), Need::Operate)?;
                Ok(None)
            }
        }
    }

    async fn trunk_for(&self, c: &mut Conn, actor: &Actor, id: &str) -> AppResult<Trunk> {
        let t = store::get(c, &TrunkId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        self.trunk_tenant(c, actor, t.company_id.as_ref()).await?;
        Ok(t)
    }

    /// Adds a trunk to a company, or to the installation when `company` is `None`.
    pub async fn create_trunk(
        &self,
        actor: &Actor,
        company: Option<&str>,
        input: TrunkInput,
    ) -> AppResult<TrunkView> {
        let ok = checked(&input)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let company = company.map(|c| CompanyId::from_raw(c.to_owned()));
        let tenant = self.trunk_tenant(&mut tx, actor, company.as_ref()).await?;
        Self::address_free(&mut tx, &ok.address, None).await?;
        let t = Trunk {
            id: TrunkId::new(now),
            company_id: tenant.as_ref().map(|(_, co)| co.clone()),
            name: ok.name,
            address: ok.address,
            username: ok.username,
            password: ok.password,
            register: input.register,
            emergency: input.emergency,
            inbound: input.inbound.as_str().to_owned(),
            inbound_secret: ok.inbound_secret,
            max_calls: ok.max_calls,
            created_at: now,
        };
        store::insert(&mut tx, &at_rest::sealed_trunk(&self.cfg.secret_key, &t)?).await?;
        let v = view(&t);
        let rec = Record::new(AuditKind::Created, "trunk", &t.id)
            .tenant(
                tenant.as_ref().map(|(r, _)| r),
                tenant.as_ref().map(|(_, c)| c),
            )
            .summary(serde_json::to_value(&v).unwrap_or_default());
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(v)
    }

    pub async fn list_trunks(
        &self,
        actor: &Actor,
        company: Option<&str>,
    ) -> AppResult<Vec<TrunkView>> {
        let mut c = self.store.conn().await?;
        let company = match company {
            Some(id) => Some(CompanyId::from_raw(id_or_404(id)?)),
            None => None,
        };
        let tenant = self.trunk_tenant(&mut c, actor, company.as_ref()).await?;
        let list = store::list(&mut c, tenant.as_ref().map(|(_, co)| co)).await?;
        Ok(list.iter().map(view).collect())
    }

    pub async fn get_trunk(&self, actor: &Actor, id: &str) -> AppResult<TrunkView> {
        let mut c = self.store.conn().await?;
        Ok(view(&self.trunk_for(&mut c, actor, id).await?))
    }

    /// Replaces a trunk's settings; a password left out keeps the stored one.
    pub async fn update_trunk(
        &self,
        actor: &Actor,
        id: &str,
        input: TrunkInput,
    ) -> AppResult<TrunkView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let before = self.trunk_for(&mut tx, actor, id).await?;
        let before = at_rest::opened_trunk(&self.cfg.secret_key, before)?;
        let mut probe = input;
        if probe.password.is_none() {
            probe.password = before.password.clone();
        }
        if probe.inbound_secret.is_none() {
            probe.inbound_secret = before.inbound_secret.clone();
        }
        let ok = checked(&probe)?;
        Self::address_free(&mut tx, &ok.address, Some(&before.id)).await?;
        let after = Trunk {
            name: ok.name,
            address: ok.address,
            username: ok.username,
            password: ok.password,
            register: probe.register,
            emergency: probe.emergency,
            inbound: probe.inbound.as_str().to_owned(),
            inbound_secret: ok.inbound_secret,
            max_calls: ok.max_calls,
            ..before.clone()
        };
        store::update(
            &mut tx,
            &at_rest::sealed_trunk(&self.cfg.secret_key, &after)?,
        )
        .await?;
        let tenant = self
            .trunk_tenant(&mut tx, actor, after.company_id.as_ref())
            .await?;
        let as_json = |t: &Trunk| serde_json::to_value(view(t)).unwrap_or_default();
        let rec = Record::new(AuditKind::Changed, "trunk", &after.id)
            .tenant(
                tenant.as_ref().map(|(r, _)| r),
                tenant.as_ref().map(|(_, c)| c),
            )
            .summary(diff(&as_json(&before), &as_json(&after)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view(&after))
    }

    pub async fn delete_trunk(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let t = self.trunk_for(&mut tx, actor, id).await?;
        let tenant = self
            .trunk_tenant(&mut tx, actor, t.company_id.as_ref())
            .await?;
        store::delete(&mut tx, &t.id).await?;
        let rec = Record::new(AuditKind::Deleted, "trunk", &t.id)
            .tenant(
                tenant.as_ref().map(|(r, _)| r),
                tenant.as_ref().map(|(_, c)| c),
            )
            .summary(serde_json::to_value(view(&t)).unwrap_or_default());
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every trunk with its credentials, for the SIP engine only.
    pub async fn trunks_for_engine(&self) -> AppResult<std::sync::Arc<Vec<Trunk>>> {
        self.trunks_fact().await
    }
}
