//! Resellers, service packages, companies (with subscription keys, offered packages and the
//! bill) and departments.

use crate::audit::{self, Record, diff};
use crate::authz::{self, Actor, Need, Tenant};
use crate::directory::*;
use crate::views::*;
use crate::{App, AppError, AppResult, secrets};
use sb_domain::ids::{CompanyId, PackageId, ResellerId};
use sb_domain::model::{AuditKind, Feature, Role};
use sb_domain::values::{Country, Name, TimeZoneName};
use sb_store::accounts;
use sb_store::tenancy::{self as store, Company, Package, Reseller};
use sb_store::{Conn, Page};

const MAX_SUBSCRIPTION: i64 = 1_000_000;

fn check_caps(max_users: i64, max_lines: i64) -> AppResult<()> {
    for (field, v) in [("max_users", max_users), ("max_lines", max_lines)] {
        if !(0..=MAX_SUBSCRIPTION).contains(&v) {
            return Err(AppError::invalid(
                "out_of_range",
                field,
                format!("Must be from 0 to {MAX_SUBSCRIPTION}."),
            ));
        }
    }
    Ok(())
}

fn slug(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s.trim_matches('-');
    let s: String = s.chars().take(24).collect();
    if s.is_empty() {
        "company".into()
    } else {
        s.trim_end_matches('-').to_owned()
    }
}

impl App {
    /// The installation's starting packages, so a new company has something to offer.
    pub(crate) async fn seed_installation_packages(&self, c: &mut Conn, now: i64) -> AppResult<()> {
        use Feature::*;
        let sets: [(&str, &[Feature], i64); 3] = [
            ("Basic", &[Voicemail], 1000),
            (
                "Professional",
                &[
                    UserPortal,
                    Voicemail,
                    VoicemailToEmail,
                    CallForwarding,
                    Conferencing,
                    Queues,
                ],
                2000,
            ),
            ("Premium", Feature::ALL, 3000),
        ];
        for (i, (name, features, price)) in sets.into_iter().enumerate() {
            let p = Package {
                id: PackageId::new(now + i as i64),
                reseller_id: None,
                name: name.into(),
                features: features.to_vec(),
                monthly_price_cents: price,
                created_at: now,
            };
            store::insert_package(c, &p).await?;
        }
        Ok(())
    }

    // ---- resellers -------------------------------------------------------------------------

    pub async fn create_reseller(
        &self,
        actor: &Actor,
        input: ResellerInput,
    ) -> AppResult<ResellerView> {
        authz::check(actor, &Tenant::installation(), Need::Operate)?;
        let name = Name::parse("name", &input.name)?;
        let now = self.now_ms();
        let r = Reseller {
            id: ResellerId::new(now),
            name: name.into_string(),
            created_at: now,
        };
        let mut tx = self.store.begin().await?;
        store::insert_reseller(&mut tx, &r).await?;
        let rec = Record::new(AuditKind::Created, "reseller", &r.id)
            .tenant(Some(&r.id), None)
            .summary(serde_json::json!({"name": r.name}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(reseller_view(&r))
    }

    pub async fn list_resellers(
        &self,
        actor: &Actor,
        page: Page,
    ) -> AppResult<ListPage<ResellerView>> {
        let mut c = self.store.conn().await?;
        match (actor.role, &actor.reseller_id) {
            (Role::SystemAdmin, _) => {
                let (items, next_cursor) = store::list_resellers(&mut c, &page).await?;
                Ok(ListPage {
                    items: items.iter().map(reseller_view).collect(),
                    next_cursor,
                })
            }
            (Role::ResellerAdmin, Some(r)) => {
                let own = store::get_reseller(&mut c, r).await?;
                Ok(ListPage {
                    items: own.iter().map(reseller_view).collect(),
                    next_cursor: None,
                })
            }
            _ => Err(AppError::forbidden("Only providers can list resellers.")),
        }
    }

    pub(crate) async fn reseller_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<Reseller> {
        let id = ResellerId::from_raw(id_or_404(id)?);
        let r = store::get_reseller(c, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        authz::check(actor, &Tenant::reseller(&r.id), need)?;
        Ok(r)
    }

    pub async fn get_reseller(&self, actor: &Actor, id: &str) -> AppResult<ResellerView> {
        let mut c = self.store.conn().await?;
        Ok(reseller_view(
            &self.reseller_for(&mut c, actor, id, Need::See).await?,
        ))
    }

    pub async fn rename_reseller(
        &self,
        actor: &Actor,
        id: &str,
        input: ResellerInput,
    ) -> AppResult<ResellerView> {
        let name = Name::parse("name", &input.name)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut r = self.reseller_for(&mut tx, actor, id, Need::Operate).await?;
        let before = serde_json::json!({"name": r.name});
        r.name = name.into_string();
        store::rename_reseller(&mut tx, &r.id, &r.name).await?;
        let rec = Record::new(AuditKind::Changed, "reseller", &r.id)
            .tenant(Some(&r.id), None)
            .summary(diff(&before, &serde_json::json!({"name": r.name})));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(reseller_view(&r))
    }

    pub async fn delete_reseller(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let r = self.reseller_for(&mut tx, actor, id, Need::Operate).await?;
        if store::count_companies_of(&mut tx, &r.id).await? > 0 {
            return Err(AppError::conflict(
                "reseller_has_companies",
                "Delete or move this reseller's companies first.",
                None,
            ));
        }
        store::delete_reseller(&mut tx, &r.id).await?;
        let rec = Record::new(AuditKind::Deleted, "reseller", &r.id)
            .summary(serde_json::json!({"name": r.name}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates an administrator of a reseller (system administrators, or that reseller's own).
    pub async fn create_reseller_admin(
        &self,
        actor: &Actor,
        id: &str,
        input: ResellerAdminInput,
    ) -> AppResult<UserView> {
        let admin = self.new_admin(input).await?;
        let mut tx = self.store.begin().await?;
        let r = self.reseller_for(&mut tx, actor, id, Need::Provide).await?;
        let view = self
            .insert_admin(&mut tx, actor, Some(&r.id), admin)
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    // ---- packages --------------------------------------------------------------------------

    pub async fn create_package(
        &self,
        actor: &Actor,
        input: PackageInput,
    ) -> AppResult<PackageView> {
        if matches!(actor.role, Role::CompanyAdmin | Role::EndUser) {
            return Err(AppError::forbidden(
                "Only your service provider can define service packages.",
            ));
        }
        let name = Name::parse("name", &input.name)?;
        if !(0..=100_000_000).contains(&input.monthly_price_cents) {
            return Err(AppError::invalid(
                "out_of_range",
                "monthly_price_cents",
                "The price is out of range.",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let owner = match (&input.reseller_id, actor.role) {
            (Some(r), _) => Some(
                self.reseller_for(&mut tx, actor, body_id("reseller_id", r)?, Need::Provide)
                    .await
                    .map_err(|e| match e {
                        AppError::NotFound => AppError::invalid(
                            "unknown_reference",
                            "reseller_id",
                            "There is no such reseller.",
                        ),
                        other => other,
                    })?
                    .id,
            ),
            (None, Role::ResellerAdmin) => actor.reseller_id.clone(),
            (None, _) => {
                authz::check(actor, &Tenant::installation(), Need::Operate)?;
                None
            }
        };
        let p = Package {
            id: PackageId::new(now),
            reseller_id: owner,
            name: name.into_string(),
            features: input.features,
            monthly_price_cents: input.monthly_price_cents,
            created_at: now,
        };
        store::insert_package(&mut tx, &p).await?;
        let rec = Record::new(AuditKind::Created, "package", &p.id)
            .tenant(p.reseller_id.as_ref(), None)
            .summary(serde_json::json!({"name": p.name, "features": p.features}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(package_view(&p))
    }

    /// Packages the actor can see: all for the system, the installation's and their own for a
    /// reseller, the offered ones for a company's people.
    pub async fn list_packages(&self, actor: &Actor) -> AppResult<Vec<PackageView>> {
        let mut c = self.store.conn().await?;
        let list = match actor.role {
            Role::SystemAdmin => store::list_packages(&mut c, None).await?,
            Role::ResellerAdmin => match &actor.reseller_id {
                Some(r) => store::list_packages(&mut c, Some(r)).await?,
                None => Vec::new(),
            },
            Role::CompanyAdmin | Role::EndUser => {
                let Some(co) = &actor.company_id else {
                    return Ok(Vec::new());
                };
                let offered = store::offered_packages(&mut c, co).await?;
                let mut v = Vec::new();
                for id in offered {
                    if let Some(p) = store::get_package(&mut c, &id).await? {
                        v.push(p);
                    }
                }
                v
            }
        };
        Ok(list.iter().map(package_view).collect())
    }

    async fn package_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<Package> {
        let p = store::get_package(c, &PackageId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let tenant = match &p.reseller_id {
            Some(r) => Tenant::reseller(r),
            None => Tenant::installation(),
        };
        // Installation packages are readable by every provider; changing them is the system's.
        if need == Need::See && p.reseller_id.is_none() && actor.role == Role::ResellerAdmin {
            return Ok(p);
        }
        if actor.role == Role::CompanyAdmin || actor.role == Role::EndUser {
            let offered = match &actor.company_id {
                Some(co) => store::offered_packages(c, co).await?,
                None => Vec::new(),
            };
            if !offered.contains(&p.id) {
                return Err(AppError::NotFound);
            }
            return if need == Need::See {
                Ok(p)
            } else {
                Err(AppError::forbidden(
                    "Only your service provider can change packages.",
                ))
            };
        }
        authz::check(actor, &tenant, need)?;
        Ok(p)
    }

    pub async fn get_package(&self, actor: &Actor, id: &str) -> AppResult<PackageView> {
        let mut c = self.store.conn().await?;
        Ok(package_view(
            &self.package_for(&mut c, actor, id, Need::See).await?,
        ))
    }

    pub async fn update_package(
        &self,
        actor: &Actor,
        id: &str,
        patch: PackagePatch,
    ) -> AppResult<PackageView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut p = self.package_for(&mut tx, actor, id, Need::Provide).await?;
        if p.reseller_id.is_none() {
            authz::check(actor, &Tenant::installation(), Need::Operate)?;
        }
        let before = serde_json::json!({"name": p.name, "features": p.features, "monthly_price_cents": p.monthly_price_cents});
        if let Some(n) = patch.name {
            p.name = Name::parse("name", &n)?.into_string();
        }
        if let Some(f) = patch.features {
            p.features = f;
        }
        if let Some(c) = patch.monthly_price_cents {
            if !(0..=100_000_000).contains(&c) {
                return Err(AppError::invalid(
                    "out_of_range",
                    "monthly_price_cents",
                    "The price is out of range.",
                ));
            }
            p.monthly_price_cents = c;
        }
        store::update_package(&mut tx, &p).await?;
        let after = serde_json::json!({"name": p.name, "features": p.features, "monthly_price_cents": p.monthly_price_cents});
        let rec = Record::new(AuditKind::Changed, "package", &p.id)
            .tenant(p.reseller_id.as_ref(), None)
            .summary(diff(&before, &after));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(package_view(&p))
    }

    pub async fn delete_package(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let p = self.package_for(&mut tx, actor, id, Need::Provide).await?;
        if p.reseller_id.is_none() {
            authz::check(actor, &Tenant::installation(), Need::Operate)?;
        }
        if store::package_in_use(&mut tx, &p.id).await? {
            return Err(AppError::conflict(
                "package_in_use",
                "Companies offer or users have this package.",
                None,
            ));
        }
        store::delete_package(&mut tx, &p.id).await?;
        let rec =
            Record::new(AuditKind::Deleted, "package", &p.id).tenant(p.reseller_id.as_ref(), None);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- companies -------------------------------------------------------------------------

    pub async fn create_company(
        &self,
        actor: &Actor,
        input: CompanyInput,
    ) -> AppResult<CompanyView> {
        let name = Name::parse("name", &input.name)?;
        let country = Country::parse("country", &input.country)?;
        let tz = TimeZoneName::parse("time_zone", &input.time_zone)?;
        check_caps(input.max_users, input.max_lines)?;
        if input.second_language == Some(input.first_language) {
            return Err(AppError::invalid(
                "same_language",
                "second_language",
                "The second language must differ from the first.",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let reseller = match (&input.reseller_id, actor.role) {
            (Some(r), _) => {
                let id = ResellerId::from_raw(body_id("reseller_id", r)?);
                let found = store::get_reseller(&mut tx, &id).await?;
                match found {
                    Some(r) if authz::visible(actor, &Tenant::reseller(&r.id)) => r.id,
                    _ => {
                        return Err(AppError::invalid(
                            "unknown_reference",
                            "reseller_id",
                            "There is no such reseller.",
                        ));
                    }
                }
            }
            (None, Role::ResellerAdmin) => actor.reseller_id.clone().ok_or(AppError::NotFound)?,
            (None, _) => {
                return Err(AppError::invalid(
                    "required",
                    "reseller_id",
                    "Choose the reseller of this company.",
                ));
            }
        };
        authz::check(actor, &Tenant::reseller(&reseller), Need::Provide)?;
        let id = CompanyId::new(now);
        let suffix = hex_suffix();
        let co = Company {
            sip_domain: format!(
                "{}-{suffix}.{}",
                slug(name.as_str()),
                self.cfg.sip_domain_suffix
            ),
            id,
            reseller_id: reseller.clone(),
            name: name.into_string(),
            country: country.into_string(),
            time_zone: tz.into_string(),
            first_language: input.first_language,
            second_language: input.second_language,
            max_users: input.max_users,
            max_lines: input.max_lines,
            default_package_id: None,
            created_at: now,
        };
        store::insert_company(&mut tx, &co).await?;
        // A new company offers the packages its reseller can sell; the first is the default.
        // New users default to the first package with the user portal, so they can sign in.
        let packages = store::list_packages(&mut tx, Some(&reseller)).await?;
        let offered: Vec<PackageId> = packages.iter().map(|p| p.id.clone()).collect();
        store::set_offered_packages(&mut tx, &co.id, &offered).await?;
        let mut co = co;
        co.default_package_id = packages
            .iter()
            .find(|p| p.features.contains(&Feature::UserPortal))
            .or(packages.first())
            .map(|p| p.id.clone());
        store::update_company(&mut tx, &co).await?;
        let rec = Record::new(AuditKind::Created, "company", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(company_audit(&co));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.company_view(&mut tx, &co).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub(crate) async fn company_view(&self, c: &mut Conn, co: &Company) -> AppResult<CompanyView> {
        Ok(CompanyView {
            id: co.id.to_string(),
            reseller_id: co.reseller_id.to_string(),
            name: co.name.clone(),
            country: co.country.clone(),
            time_zone: co.time_zone.clone(),
            first_language: co.first_language,
            second_language: co.second_language,
            sip_domain: co.sip_domain.clone(),
            max_users: co.max_users,
            max_lines: co.max_lines,
            users: accounts::count_users(c, &co.id).await?,
            lines: sb_store::lines::count_lines(c, &co.id).await?,
            offered_packages: store::offered_packages(c, &co.id)
                .await?
                .iter()
                .map(ToString::to_string)
                .collect(),
            default_package_id: co.default_package_id.as_ref().map(ToString::to_string),
            created_at: time(co.created_at),
        })
    }

    pub async fn list_companies(
        &self,
        actor: &Actor,
        page: Page,
    ) -> AppResult<ListPage<CompanyView>> {
        let mut c = self.store.conn().await?;
        let (items, next_cursor) = match (actor.role, &actor.reseller_id, &actor.company_id) {
            (Role::SystemAdmin, _, _) => store::list_companies(&mut c, None, &page).await?,
            (Role::ResellerAdmin, Some(r), _) => {
                store::list_companies(&mut c, Some(r), &page).await?
            }
            (_, _, Some(co)) => (
                store::get_company(&mut c, co).await?.into_iter().collect(),
                None,
            ),
            _ => (Vec::new(), None),
        };
        let mut views = Vec::with_capacity(items.len());
        for co in &items {
            views.push(self.company_view(&mut c, co).await?);
        }
        Ok(ListPage {
            items: views,
            next_cursor,
        })
    }

    /// Loads a company the actor may act on with `need`.
    pub(crate) async fn company_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<Company> {
        let co = self
            .company_or_404(c, &CompanyId::from_raw(id_or_404(id)?))
            .await?;
        authz::check(actor, &Tenant::company(&co.reseller_id, &co.id), need)?;
        Ok(co)
    }

    pub async fn get_company(&self, actor: &Actor, id: &str) -> AppResult<CompanyView> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, id, Need::See).await?;
        self.company_view(&mut c, &co).await
    }

    pub async fn update_company(
        &self,
        actor: &Actor,
        id: &str,
        patch: CompanyPatch,
    ) -> AppResult<CompanyView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut co = self
            .company_for(&mut tx, actor, id, Need::Administer)
            .await?;
        let before = company_audit(&co);
        let before_zone = co.time_zone.clone();
        if let Some(n) = patch.name {
            co.name = Name::parse("name", &n)?.into_string();
        }
        if let Some(v) = patch.country {
            co.country = Country::parse("country", &v)?.into_string();
        }
        if let Some(v) = patch.time_zone {
            co.time_zone = TimeZoneName::parse("time_zone", &v)?.into_string();
        }
        if let Some(l) = patch.first_language {
            co.first_language = l;
        }
        if let Some(l) = patch.second_language {
            co.second_language = l;
        }
        if co.second_language == Some(co.first_language) {
            return Err(AppError::invalid(
                "same_language",
                "second_language",
                "The second language must differ from the first.",
            ));
        }
        store::update_company(&mut tx, &co).await?;
        if co.time_zone != before_zone {
            crate::reports::follow_zone(&mut tx, &co, now).await?;
        }
        let rec = Record::new(AuditKind::Changed, "company", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(&before, &company_audit(&co)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.company_view(&mut tx, &co).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Subscription keys: only reseller and system administrators change them.
    pub async fn set_subscription(
        &self,
        actor: &Actor,
        id: &str,
        input: SubscriptionInput,
    ) -> AppResult<CompanyView> {
        check_caps(input.max_users, input.max_lines)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut co = self.company_for(&mut tx, actor, id, Need::Provide).await?;
        let before = company_audit(&co);
        co.max_users = input.max_users;
        co.max_lines = input.max_lines;
        store::update_company(&mut tx, &co).await?;
        let rec = Record::new(AuditKind::Changed, "company", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(&before, &company_audit(&co)));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.company_view(&mut tx, &co).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A company administrator chooses which packages are offered and the default.
    pub async fn set_offered_packages(
        &self,
        actor: &Actor,
        id: &str,
        input: OfferedPackagesInput,
    ) -> AppResult<CompanyView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let mut co = self
            .company_for(&mut tx, actor, id, Need::Administer)
            .await?;
        let available: Vec<PackageId> = store::list_packages(&mut tx, Some(&co.reseller_id))
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let mut offered = Vec::new();
        for (i, p) in input.offered.iter().enumerate() {
            let pid = PackageId::from_raw(p.as_str());
            if !available.contains(&pid) {
                return Err(AppError::invalid(
                    "unknown_reference",
                    &format!("offered.{i}"),
                    "There is no such package.",
                ));
            }
            if !offered.contains(&pid) {
                offered.push(pid);
            }
        }
        let default = match &input.default {
            Some(d) => {
                let pid = PackageId::from_raw(d.as_str());
                if !offered.contains(&pid) {
                    return Err(AppError::invalid(
                        "default_not_offered",
                        "default",
                        "The default package must be one of the offered packages.",
                    ));
                }
                Some(pid)
            }
            None => None,
        };
        let stranded: i64 = accounts::package_counts(&mut tx, &co.id)
            .await?
            .into_iter()
            .filter(|(p, _)| p.as_ref().is_some_and(|p| !offered.contains(p)))
            .map(|(_, n)| n)
            .sum();
        if stranded > 0 {
            return Err(AppError::conflict(
                "package_in_use",
                format!(
                    "{stranded} user(s) have a package that would no longer be offered; change their package first."
                ),
                Some("offered"),
            ));
        }
        let before = serde_json::json!({"offered": store::offered_packages(&mut tx, &co.id).await?, "default": co.default_package_id});
        store::set_offered_packages(&mut tx, &co.id, &offered).await?;
        co.default_package_id = default;
        store::update_company(&mut tx, &co).await?;
        let after = serde_json::json!({"offered": offered, "default": co.default_package_id});
        let rec = Record::new(AuditKind::Changed, "company", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(&before, &after));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.company_view(&mut tx, &co).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn delete_company(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self.company_for(&mut tx, actor, id, Need::Provide).await?;
        // Every audio row of the company goes with it; the files once that has committed.
        let audio = sb_store::audio::keys_of_company(&mut tx, &co.id).await?;
        store::delete_company(&mut tx, &co.id).await?;
        let rec = Record::new(AuditKind::Deleted, "company", &co.id)
            .tenant(Some(&co.reseller_id), None)
            .summary(serde_json::json!({"name": co.name}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.drop_audio(audio).await;
        Ok(())
    }

    /// The company bill: users per package at the package price. Needs a fresh re-authentication
    /// (the bill asks for the administrator password again).
    pub async fn company_bill(&self, actor: &Actor, id: &str) -> AppResult<BillView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, id, Need::Administer)
            .await?;
        crate::authz::elevated(actor)?;
        let mut lines = Vec::new();
        for (pid, users) in accounts::package_counts(&mut tx, &co.id).await? {
            let pkg = match &pid {
                Some(p) => store::get_package(&mut tx, p).await?,
                None => None,
            };
            let (name, price) = pkg
                .map(|p| (p.name, p.monthly_price_cents))
                .unwrap_or(("No package".into(), 0));
            lines.push(BillLine {
                package_id: pid.map(|p| p.to_string()),
                package_name: name,
                users,
                unit_price_cents: price,
                amount_cents: price * users,
            });
        }
        let total_cents = lines.iter().map(|l| l.amount_cents).sum();
        let rec = Record::new(AuditKind::BillViewed, "company", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(BillView {
            company_id: co.id.to_string(),
            lines,
            total_cents,
        })
    }
}

fn hex_suffix() -> String {
    let b = secrets::random_bytes::<3>();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_dns_safe() {
        assert_eq!(super::slug("Acme & Sons, Inc."), "acme-sons-inc");
        assert_eq!(super::slug("!!!"), "company");
    }
}
