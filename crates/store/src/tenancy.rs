//! Resellers, service packages, companies and departments.

use crate::db::{Row, query, query_owned};
use crate::{Conn, Page, Result, col, enum_col, finish_page, ostr};
use sb_domain::ids::{CompanyId, DepartmentId, PackageId, ResellerId};
use sb_domain::model::{CallPolicyKind, Feature, Language, features_from_text, features_to_text};

#[derive(Debug, Clone, PartialEq)]
pub struct Reseller {
    pub id: ResellerId,
    pub name: String,
    pub created_at: i64,
}

fn reseller(mut r: Row) -> Result<Reseller> {
    Ok(Reseller {
        id: ResellerId::from_raw(col::<String>(&mut r, "id")?),
        name: col(&mut r, "name")?,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert_reseller(c: &mut Conn, r: &Reseller) -> Result<()> {
    query("INSERT INTO resellers (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(r.id.as_str())
        .bind(&r.name)
        .bind(r.created_at)
        .execute(c)
        .await?;
    Ok(())
}

pub async fn get_reseller(c: &mut Conn, id: &ResellerId) -> Result<Option<Reseller>> {
    let row = query("SELECT * FROM resellers WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(reseller).transpose()
}

pub async fn list_resellers(c: &mut Conn, page: &Page) -> Result<(Vec<Reseller>, Option<String>)> {
    let rows = query("SELECT * FROM resellers WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(page.after_text())
        .bind(page.probe())
        .fetch_all(c)
        .await?;
    let items = rows.into_iter().map(reseller).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |r| r.id.to_string()))
}

pub async fn rename_reseller(c: &mut Conn, id: &ResellerId, name: &str) -> Result<()> {
    query("UPDATE resellers SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn count_companies_of(c: &mut Conn, id: &ResellerId) -> Result<i64> {
    query("SELECT COUNT(*) FROM companies WHERE reseller_id = $1")
        .bind(id.as_str())
        .scalar(c)
        .await
}

pub async fn delete_reseller(c: &mut Conn, id: &ResellerId) -> Result<()> {
    // Its administrators go with it (cascade), and with them their sign-ins.
    c.touch();
    crate::branding::delete(c, id.as_str()).await?;
    query("DELETE FROM resellers WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// A service package. `reseller_id` is `None` for the installation's own packages, which every
/// reseller may offer; a reseller's packages are visible to that reseller's companies only.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub id: PackageId,
    pub reseller_id: Option<ResellerId>,
    pub name: String,
    pub features: Vec<Feature>,
    pub monthly_price_cents: i64,
    pub created_at: i64,
}

fn package(mut r: Row) -> Result<Package> {
    Ok(Package {
        id: PackageId::from_raw(col::<String>(&mut r, "id")?),
        reseller_id: col::<Option<String>>(&mut r, "reseller_id")?.map(ResellerId::from_raw),
        name: col(&mut r, "name")?,
        features: features_from_text(&col::<String>(&mut r, "features")?),
        monthly_price_cents: col(&mut r, "monthly_price_cents")?,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert_package(c: &mut Conn, p: &Package) -> Result<()> {
    query(
        "INSERT INTO packages (id, reseller_id, name, features, monthly_price_cents, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(p.id.as_str())
    .bind(ostr(&p.reseller_id))
    .bind(&p.name)
    .bind(features_to_text(&p.features))
    .bind(p.monthly_price_cents)
    .bind(p.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update_package(c: &mut Conn, p: &Package) -> Result<()> {
    query("UPDATE packages SET name = $1, features = $2, monthly_price_cents = $3 WHERE id = $4")
        .bind(&p.name)
        .bind(features_to_text(&p.features))
        .bind(p.monthly_price_cents)
        .bind(p.id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn get_package(c: &mut Conn, id: &PackageId) -> Result<Option<Package>> {
    let row = query("SELECT * FROM packages WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(package).transpose()
}

/// Packages visible to a reseller (its own and the installation's); all of them for `None`.
pub async fn list_packages(c: &mut Conn, reseller: Option<&ResellerId>) -> Result<Vec<Package>> {
    let rows =
        match reseller {
            Some(r) => query(
                "SELECT * FROM packages WHERE reseller_id IS NULL OR reseller_id = $1 ORDER BY id",
            )
            .bind(r.as_str())
            .fetch_all(c)
            .await?,
            None => {
                query("SELECT * FROM packages ORDER BY id")
                    .fetch_all(c)
                    .await?
            }
        };
    rows.into_iter().map(package).collect()
}

pub async fn package_in_use(c: &mut Conn, id: &PackageId) -> Result<bool> {
    let n: i64 = query(
        "SELECT (SELECT COUNT(*) FROM users WHERE package_id = $1)
              + (SELECT COUNT(*) FROM company_packages WHERE package_id = $1)",
    )
    .bind(id.as_str())
    .scalar(c)
    .await?;
    Ok(n > 0)
}

pub async fn delete_package(c: &mut Conn, id: &PackageId) -> Result<()> {
    query("DELETE FROM packages WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: CompanyId,
    pub reseller_id: ResellerId,
    pub name: String,
    pub country: String,
    pub time_zone: String,
    pub first_language: Language,
    pub second_language: Option<Language>,
    pub sip_domain: String,
    pub max_users: i64,
    pub max_lines: i64,
    pub default_package_id: Option<PackageId>,
    pub created_at: i64,
}

fn company(mut r: Row) -> Result<Company> {
    let second: Option<String> = col(&mut r, "second_language")?;
    Ok(Company {
        id: CompanyId::from_raw(col::<String>(&mut r, "id")?),
        reseller_id: ResellerId::from_raw(col::<String>(&mut r, "reseller_id")?),
        name: col(&mut r, "name")?,
        country: col(&mut r, "country")?,
        time_zone: col(&mut r, "time_zone")?,
        first_language: enum_col(&mut r, "first_language", Language::from_text)?,
        second_language: second.as_deref().and_then(Language::from_text),
        sip_domain: col(&mut r, "sip_domain")?,
        max_users: col(&mut r, "max_users")?,
        max_lines: col(&mut r, "max_lines")?,
        default_package_id: col::<Option<String>>(&mut r, "default_package_id")?
            .map(PackageId::from_raw),
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert_company(c: &mut Conn, co: &Company) -> Result<()> {
    query(
        "INSERT INTO companies (id, reseller_id, name, country, time_zone, first_language,
            second_language, sip_domain, max_users, max_lines, default_package_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(co.id.as_str())
    .bind(co.reseller_id.as_str())
    .bind(&co.name)
    .bind(&co.country)
    .bind(&co.time_zone)
    .bind(co.first_language.as_str())
    .bind(co.second_language.map(|l| l.as_str()))
    .bind(&co.sip_domain)
    .bind(co.max_users)
    .bind(co.max_lines)
    .bind(ostr(&co.default_package_id))
    .bind(co.created_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Writes every mutable field of a company (the caller read it, changed it and checked it).
pub async fn update_company(c: &mut Conn, co: &Company) -> Result<()> {
    query(
        "UPDATE companies SET name = $1, country = $2, time_zone = $3, first_language = $4,
            second_language = $5, max_users = $6, max_lines = $7, default_package_id = $8
         WHERE id = $9",
    )
    .bind(&co.name)
    .bind(&co.country)
    .bind(&co.time_zone)
    .bind(co.first_language.as_str())
    .bind(co.second_language.map(|l| l.as_str()))
    .bind(co.max_users)
    .bind(co.max_lines)
    .bind(ostr(&co.default_package_id))
    .bind(co.id.as_str())
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get_company(c: &mut Conn, id: &CompanyId) -> Result<Option<Company>> {
    let row = query("SELECT * FROM companies WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(company).transpose()
}

/// Companies of one reseller, or of the whole installation for `None`.
pub async fn list_companies(
    c: &mut Conn,
    reseller: Option<&ResellerId>,
    page: &Page,
) -> Result<(Vec<Company>, Option<String>)> {
    let rows = match reseller {
        Some(r) => {
            query("SELECT * FROM companies WHERE reseller_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .bind(r.as_str())
                .bind(page.after_text())
                .bind(page.probe())
                .fetch_all(c)
                .await?
        }
        None => {
            query("SELECT * FROM companies WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(page.after_text())
                .bind(page.probe())
                .fetch_all(c)
                .await?
        }
    };
    let items = rows.into_iter().map(company).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |c| c.id.to_string()))
}

/// Companies whose name contains `needle` (any case), of one reseller or of all, in id order.
pub async fn search_companies(
    c: &mut Conn,
    reseller: Option<&ResellerId>,
    needle: &str,
    page: &Page,
) -> Result<(Vec<Company>, Option<String>)> {
    let escaped: String = needle
        .to_lowercase()
        .chars()
        .flat_map(|ch| match ch {
            '%' | '_' | '\\' => vec!['\\', ch],
            other => vec![other],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    let rows = query(
        "SELECT * FROM companies WHERE ($1 = '' OR reseller_id = $1) \
         AND LOWER(name) LIKE $2 ESCAPE '\\' AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(reseller.map_or("", |r| r.as_str()))
    .bind(pattern)
    .bind(page.after_text())
    .bind(page.probe())
    .fetch_all(c)
    .await?;
    let items = rows.into_iter().map(company).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |c| c.id.to_string()))
}

pub async fn delete_company(c: &mut Conn, id: &CompanyId) -> Result<()> {
    c.touch();
    // Users and lines point at each other and at departments; clear those links first so the
    // cascade has no order to respect on either engine.
    query("UPDATE users SET department_id = NULL, default_line_id = NULL WHERE company_id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    query("UPDATE departments SET parent_id = NULL WHERE company_id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    for table in [
        "numbers",
        "lines",
        "users",
        "departments",
        "company_packages",
    ] {
        query_owned(format!("DELETE FROM {table} WHERE company_id = $1"))
            .bind(id.as_str())
            .execute(&mut *c)
            .await?;
    }
    // Branding is keyed by either kind of tenant, so no foreign key removes it.
    crate::branding::delete(c, id.as_str()).await?;
    query("DELETE FROM companies WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn offered_packages(c: &mut Conn, company: &CompanyId) -> Result<Vec<PackageId>> {
    let ids: Vec<String> =
        query("SELECT package_id FROM company_packages WHERE company_id = $1 ORDER BY package_id")
            .bind(company.as_str())
            .scalars(c)
            .await?;
    Ok(ids.into_iter().map(PackageId::from_raw).collect())
}

pub async fn set_offered_packages(
    c: &mut Conn,
    company: &CompanyId,
    ids: &[PackageId],
) -> Result<()> {
    query("DELETE FROM company_packages WHERE company_id = $1")
        .bind(company.as_str())
        .execute(&mut *c)
        .await?;
    for p in ids {
        query("INSERT INTO company_packages (company_id, package_id) VALUES ($1, $2)")
            .bind(company.as_str())
            .bind(p.as_str())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    pub id: DepartmentId,
    pub company_id: CompanyId,
    pub parent_id: Option<DepartmentId>,
    pub name: String,
    pub operator_number: Option<String>,
    pub call_policy: CallPolicyKind,
    pub call_limit: Option<i64>,
    pub created_at: i64,
}

fn department(mut r: Row) -> Result<Department> {
    Ok(Department {
        id: DepartmentId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        parent_id: col::<Option<String>>(&mut r, "parent_id")?.map(DepartmentId::from_raw),
        name: col(&mut r, "name")?,
        operator_number: col(&mut r, "operator_number")?,
        call_policy: enum_col(&mut r, "call_policy", CallPolicyKind::from_text)?,
        call_limit: col(&mut r, "call_limit")?,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert_department(c: &mut Conn, d: &Department) -> Result<()> {
    query(
        "INSERT INTO departments (id, company_id, parent_id, name, operator_number, call_policy,
            call_limit, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(d.id.as_str())
    .bind(d.company_id.as_str())
    .bind(ostr(&d.parent_id))
    .bind(&d.name)
    .bind(d.operator_number.clone())
    .bind(d.call_policy.as_str())
    .bind(d.call_limit)
    .bind(d.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update_department(c: &mut Conn, d: &Department) -> Result<()> {
    query(
        "UPDATE departments SET parent_id = $1, name = $2, operator_number = $3, call_policy = $4,
            call_limit = $5 WHERE id = $6 AND company_id = $7",
    )
    .bind(ostr(&d.parent_id))
    .bind(&d.name)
    .bind(d.operator_number.clone())
    .bind(d.call_policy.as_str())
    .bind(d.call_limit)
    .bind(d.id.as_str())
    .bind(d.company_id.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// Finds a department by id alone, to learn its company before a permission check.
pub async fn locate_department(c: &mut Conn, id: &DepartmentId) -> Result<Option<Department>> {
    let row = query("SELECT * FROM departments WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(department).transpose()
}

pub async fn list_departments(c: &mut Conn, company: &CompanyId) -> Result<Vec<Department>> {
    let rows = query("SELECT * FROM departments WHERE company_id = $1 ORDER BY id")
        .bind(company.as_str())
        .fetch_all(c)
        .await?;
    rows.into_iter().map(department).collect()
}

pub async fn department_in_use(
    c: &mut Conn,
    company: &CompanyId,
    id: &DepartmentId,
) -> Result<bool> {
    let n: i64 = query(
        "SELECT (SELECT COUNT(*) FROM departments WHERE company_id = $1 AND parent_id = $2)
              + (SELECT COUNT(*) FROM users WHERE company_id = $1 AND department_id = $2)",
    )
    .bind(company.as_str())
    .bind(id.as_str())
    .scalar(c)
    .await?;
    Ok(n > 0)
}

pub async fn delete_department(c: &mut Conn, company: &CompanyId, id: &DepartmentId) -> Result<()> {
    query("DELETE FROM departments WHERE company_id = $1 AND id = $2")
        .bind(company.as_str())
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}
