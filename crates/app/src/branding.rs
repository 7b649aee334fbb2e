//! Branding per reseller and per company: a product name, two colours and a logo, shown on
//! every portal page of the tenant and in the mail sent for it. A company's own fields override
//! its reseller's ([`sb_domain::branding::Effective`]). Resellers brand themselves (and the
//! provider brands them); a company's administrators, its reseller and the provider brand a
//! company. Logos are sanitised on upload ([`crate::logo`]).

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::views::nullable;
use crate::{App, AppError, AppResult};
use base64::Engine;
use sb_domain::branding::{Brand, Colour, Effective, LogoKind, Owner};
use sb_domain::ids::{CompanyId, ResellerId};
use sb_domain::model::AuditKind;
use sb_domain::values::Name;
use sb_store::Conn;
use sb_store::branding;
use sb_store::tenancy::Company;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whose branding a request is about.
#[derive(Debug, Clone, Copy)]
pub enum BrandOwner<'a> {
    Reseller(&'a str),
    Company(&'a str),
}

/// A kind of owner as a type, for the front doors' handlers: one handler, generic over it,
/// serves the routes of both kinds ([`kind::Company`] and [`kind::Reseller`]).
pub trait OwnerKind: 'static {
    fn owner(id: &str) -> BrandOwner<'_>;
}

/// The two kinds of [`OwnerKind`].
pub mod kind {
    use super::{BrandOwner, OwnerKind};

    pub enum Company {}
    pub enum Reseller {}

    impl OwnerKind for Company {
        fn owner(id: &str) -> BrandOwner<'_> {
            BrandOwner::Company(id)
        }
    }
    impl OwnerKind for Reseller {
        fn owner(id: &str) -> BrandOwner<'_> {
            BrandOwner::Reseller(id)
        }
    }
}

/// A tenant's own branding (not what it inherits).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct BrandingView {
    pub product_name: Option<String>,
    /// `#rrggbb`: the header, buttons and the mail's banner.
    pub primary_colour: Option<String>,
    /// `#rrggbb`: the header's buttons and the current page's mark.
    pub accent_colour: Option<String>,
    /// `image/png` or `image/svg+xml` when a logo is set.
    pub logo_type: Option<String>,
    /// Changes with every save.
    pub version: i64,
}

/// A change of branding: an absent field stays as it is, `null` or an empty string clears it.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct BrandingInput {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub product_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub primary_colour: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub accent_colour: Option<Option<String>>,
}

fn view(b: &Brand) -> BrandingView {
    BrandingView {
        product_name: b.product_name.clone(),
        primary_colour: b.primary.clone(),
        accent_colour: b.accent.clone(),
        logo_type: b.logo.map(|k| k.content_type().to_owned()),
        version: b.version,
    }
}

/// The tenant a branding belongs to, once permission is granted.
struct Owned {
    id: String,
    reseller: ResellerId,
    company: Option<CompanyId>,
}

/// `Some(new)` when the field is in the change, checked by `parse`.
fn changed(
    field: Option<Option<String>>,
    parse: impl Fn(&str) -> Result<String, sb_domain::Invalid>,
) -> AppResult<Option<Option<String>>> {
    Ok(match field {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) if v.trim().is_empty() => Some(None),
        Some(Some(v)) => Some(Some(parse(v.trim())?)),
    })
}

/// A logo as a page or a mail receives it.
#[derive(Debug, Clone)]
pub struct Logo {
    pub kind: LogoKind,
    pub file: Vec<u8>,
}

impl App {
    async fn brand_owner(
        &self,
        c: &mut Conn,
        actor: &Actor,
        owner: BrandOwner<'_>,
    ) -> AppResult<Owned> {
        Ok(match owner {
            BrandOwner::Reseller(id) => {
                let r = self.reseller_for(c, actor, id, Need::Provide).await?;
                Owned {
                    id: r.id.to_string(),
                    reseller: r.id,
                    company: None,
                }
            }
            BrandOwner::Company(id) => {
                let co = self.company_for(c, actor, id, Need::Administer).await?;
                Owned {
                    id: co.id.to_string(),
                    reseller: co.reseller_id,
                    company: Some(co.id),
                }
            }
        })
    }

    /// A tenant's own branding.
    pub async fn branding(&self, actor: &Actor, owner: BrandOwner<'_>) -> AppResult<BrandingView> {
        let mut c = self.store.conn().await?;
        let o = self.brand_owner(&mut c, actor, owner).await?;
        let b = branding::get(&mut c, &o.id).await?.unwrap_or_default();
        Ok(view(&b))
    }

    /// Changes the product name and colours.
    pub async fn set_branding(
        &self,
        actor: &Actor,
        owner: BrandOwner<'_>,
        input: BrandingInput,
    ) -> AppResult<BrandingView> {
        let name = changed(input.product_name, |v| {
            Name::parse("product_name", v).map(Name::into_string)
        })?;
        let colour =
            |field: &'static str| move |v: &str| Colour::parse(field, v).map(Colour::into_string);
        let primary = changed(input.primary_colour, colour("primary_colour"))?;
        let accent = changed(input.accent_colour, colour("accent_colour"))?;
        self.change_brand(actor, owner, None, |b| {
            if let Some(v) = name {
                b.product_name = v;
            }
            if let Some(v) = primary {
                b.primary = v;
            }
            if let Some(v) = accent {
                b.accent = v;
            }
        })
        .await
    }

    /// Replaces the logo with the sanitised `file` (PNG or SVG).
    pub async fn set_logo(
        &self,
        actor: &Actor,
        owner: BrandOwner<'_>,
        file: &[u8],
    ) -> AppResult<BrandingView> {
        // Another tenant's logo is not found before the file is even looked at.
        let mut c = self.store.conn().await?;
        self.brand_owner(&mut c, actor, owner).await?;
        drop(c);
        let (kind, clean) = crate::logo::sanitise(file)?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(clean);
        self.change_brand(actor, owner, Some(Some(&encoded)), |b| b.logo = Some(kind))
            .await
    }

    /// Removes the logo; the reseller's shows again, if it has one.
    pub async fn remove_logo(
        &self,
        actor: &Actor,
        owner: BrandOwner<'_>,
    ) -> AppResult<BrandingView> {
        self.change_brand(actor, owner, Some(None), |b| b.logo = None)
            .await
    }

    /// Removes the tenant's branding altogether.
    pub async fn reset_branding(&self, actor: &Actor, owner: BrandOwner<'_>) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let o = self.brand_owner(&mut tx, actor, owner).await?;
        if !branding::delete(&mut tx, &o.id).await? {
            return Err(AppError::NotFound);
        }
        self.audit_brand(
            &mut tx,
            actor,
            &o,
            now,
            serde_json::json!({ "reset": true }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The skeleton of every change: permission, the change, the save, the audit.
    async fn change_brand(
        &self,
        actor: &Actor,
        owner: BrandOwner<'_>,
        logo: Option<Option<&str>>,
        change: impl FnOnce(&mut Brand),
    ) -> AppResult<BrandingView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let o = self.brand_owner(&mut tx, actor, owner).await?;
        let mut b = branding::get(&mut tx, &o.id).await?.unwrap_or_default();
        let before = view(&b);
        change(&mut b);
        // Strictly increasing, so that two saves in one millisecond still change the URLs.
        b.version = now.max(b.version + 1);
        branding::save(&mut tx, &o.id, &b, logo).await?;
        let after = view(&b);
        let summary = serde_json::json!({ "before": before, "after": after });
        self.audit_brand(&mut tx, actor, &o, now, summary).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn audit_brand(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        o: &Owned,
        now: i64,
        summary: serde_json::Value,
    ) -> AppResult<()> {
        let rec = Record::new(AuditKind::Changed, "branding", &o.id)
            .tenant(Some(&o.reseller), o.company.as_ref())
            .summary(summary);
        audit::write(tx, now, actor.into(), rec).await?;
        Ok(())
    }

    /// A tenant's own logo (for its branding page's preview and the API).
    pub async fn brand_logo(&self, actor: &Actor, owner: BrandOwner<'_>) -> AppResult<Logo> {
        let mut c = self.store.conn().await?;
        let o = self.brand_owner(&mut c, actor, owner).await?;
        read_logo(&mut c, &o.id).await?.ok_or(AppError::NotFound)
    }

    /// The logo the actor's pages show.
    pub async fn my_logo(&self, actor: &Actor) -> AppResult<Logo> {
        let mut c = self.store.conn().await?;
        let company = match &actor.company_id {
            Some(id) => sb_store::tenancy::get_company(&mut c, id).await?,
            None => None,
        };
        let e = brand_of(&mut c, company.as_ref(), actor.reseller_id.as_ref()).await?;
        let owner = match e.and_then(|e| e.logo) {
            Some((_, Owner::Company)) => company.as_ref().map(|co| co.id.to_string()),
            Some((_, Owner::Reseller)) => match &company {
                Some(co) => Some(co.reseller_id.to_string()),
                None => actor.reseller_id.as_ref().map(ToString::to_string),
            },
            None => None,
        };
        let Some(owner) = owner else {
            return Err(AppError::NotFound);
        };
        read_logo(&mut c, &owner).await?.ok_or(AppError::NotFound)
    }

    /// The branding of the mail sent for a company, and its logo when the logo is a PNG (mail
    /// readers do not show SVG). For the outbox, which has no actor.
    pub async fn mail_brand(&self, company: &str) -> AppResult<Option<(Effective, Option<Logo>)>> {
        let mut c = self.store.conn().await?;
        let Some(co) =
            sb_store::tenancy::get_company(&mut c, &CompanyId::from_raw(company)).await?
        else {
            return Ok(None);
        };
        let Some(e) = brand_of(&mut c, Some(&co), None).await? else {
            return Ok(None);
        };
        let logo = match e.logo {
            Some((LogoKind::Png, Owner::Company)) => read_logo(&mut c, co.id.as_str()).await?,
            Some((LogoKind::Png, Owner::Reseller)) => {
                read_logo(&mut c, co.reseller_id.as_str()).await?
            }
            _ => None,
        };
        Ok(Some((e, logo)))
    }
}

/// The branding of a company's people (over its reseller's), else of a reseller's.
pub(crate) async fn brand_of(
    c: &mut Conn,
    company: Option<&Company>,
    reseller: Option<&ResellerId>,
) -> AppResult<Option<Effective>> {
    Ok(match (company, reseller) {
        (Some(co), _) => {
            let (own, above) =
                branding::of_company(c, co.id.as_str(), co.reseller_id.as_str()).await?;
            Effective::of(own.as_ref(), above.as_ref())
        }
        (None, Some(r)) => Effective::of(None, branding::get(c, r.as_str()).await?.as_ref()),
        (None, None) => None,
    })
}

async fn read_logo(c: &mut Conn, tenant: &str) -> AppResult<Option<Logo>> {
    let Some((kind, b64)) = branding::logo(c, tenant).await? else {
        return Ok(None);
    };
    let file = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| AppError::Internal(format!("stored logo: {e}")))?;
    Ok(Some(Logo { kind, file }))
}
