//! Each reseller's and company's branding (product name, colours, logo), keyed by the tenant's
//! id. The logo is read apart from the rest: every page needs the rest, only the logo's own
//! route needs the file.

use crate::db::{Row, query};
use crate::{Conn, Result, col};
use sb_domain::branding::{Brand, LogoKind};

macro_rules! select_brand {
    ($where:literal) => {
        concat!(
            "SELECT tenant_id, product_name, primary_colour, accent_colour, logo_type, version
             FROM brandings WHERE ",
            $where
        )
    };
}

fn brand_of(r: &mut Row) -> Result<Brand> {
    let logo: Option<String> = col(r, "logo_type")?;
    Ok(Brand {
        product_name: col(r, "product_name")?,
        primary: col(r, "primary_colour")?,
        accent: col(r, "accent_colour")?,
        logo: logo.as_deref().and_then(LogoKind::from_content_type),
        version: col(r, "version")?,
    })
}

/// A tenant's own branding, without its logo file.
pub async fn get(c: &mut Conn, tenant: &str) -> Result<Option<Brand>> {
    match query(select_brand!("tenant_id = $1"))
        .bind(tenant)
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => Ok(Some(brand_of(&mut r)?)),
        None => Ok(None),
    }
}

/// The branding of a company and of its reseller, in one query.
pub async fn of_company(
    c: &mut Conn,
    company: &str,
    reseller: &str,
) -> Result<(Option<Brand>, Option<Brand>)> {
    let rows = query(select_brand!("tenant_id IN ($1, $2)"))
        .bind(company)
        .bind(reseller)
        .fetch_all(c)
        .await?;
    let (mut own, mut above) = (None, None);
    for mut r in rows {
        let id: String = col(&mut r, "tenant_id")?;
        let b = brand_of(&mut r)?;
        if id == company {
            own = Some(b);
        } else {
            above = Some(b);
        }
    }
    Ok((own, above))
}

/// A tenant's logo: its kind and the file, base64.
pub async fn logo(c: &mut Conn, tenant: &str) -> Result<Option<(LogoKind, String)>> {
    let row = query("SELECT logo_type, logo FROM brandings WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_optional(c)
        .await?;
    let Some(mut r) = row else { return Ok(None) };
    let kind: Option<String> = col(&mut r, "logo_type")?;
    let file: Option<String> = col(&mut r, "logo")?;
    Ok(
        match (kind.as_deref().and_then(LogoKind::from_content_type), file) {
            (Some(k), Some(f)) => Some((k, f)),
            _ => None,
        },
    )
}

/// Saves a tenant's branding; `logo` is `None` to keep the stored file, `Some(None)` to remove
/// it. The row is created on the first save.
pub async fn save(c: &mut Conn, tenant: &str, b: &Brand, logo: Option<Option<&str>>) -> Result<()> {
    let kept = match logo {
        Some(new) => new.map(str::to_owned),
        None => self::logo(c, tenant).await?.map(|(_, f)| f),
    };
    query("DELETE FROM brandings WHERE tenant_id = $1")
        .bind(tenant)
        .execute(&mut *c)
        .await?;
    query(
        "INSERT INTO brandings (tenant_id, product_name, primary_colour, accent_colour, logo,
            logo_type, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(b.product_name.clone())
    .bind(b.primary.clone())
    .bind(b.accent.clone())
    .bind(kept.clone())
    .bind(kept.and(b.logo.map(LogoKind::content_type)))
    .bind(b.version)
    .execute(c)
    .await?;
    Ok(())
}

/// Removes a tenant's branding altogether (its pages go back to the reseller's or the default).
pub async fn delete(c: &mut Conn, tenant: &str) -> Result<bool> {
    let done = query("DELETE FROM brandings WHERE tenant_id = $1")
        .bind(tenant)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}
