//! Call barring (toll fraud): what a company and each of its departments bar.

use crate::db::{Row, query};
use crate::{Conn, Result, col, flag};
use sb_domain::barring::Bars;
use sb_domain::ids::{CompanyId, DepartmentId};
use std::collections::HashMap;

fn bars(r: &mut Row) -> Result<Bars> {
    Ok(Bars {
        international: col::<i64>(r, "international")? != 0,
        premium: col::<i64>(r, "premium")? != 0,
        all_outside: col::<i64>(r, "all_outside")? != 0,
    })
}

/// What the company bars, when it was ever set (else the caller applies the default).
pub async fn company(c: &mut Conn, company: &CompanyId) -> Result<Option<Bars>> {
    let row = query(
        "SELECT international, premium, all_outside FROM company_barring WHERE company_id = $1",
    )
    .bind(company.as_str())
    .fetch_optional(c)
    .await?;
    row.map(|mut r| bars(&mut r)).transpose()
}

pub async fn set_company(c: &mut Conn, company: &CompanyId, b: Bars, now: i64) -> Result<()> {
    query(
        "INSERT INTO company_barring (company_id, international, premium, all_outside, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (company_id) DO UPDATE SET international = $2, premium = $3,
            all_outside = $4, updated_at = $5",
    )
    .bind(company.as_str())
    .bind(flag(b.international))
    .bind(flag(b.premium))
    .bind(flag(b.all_outside))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// What each department of the company that bars anything bars.
pub async fn departments(c: &mut Conn, company: &CompanyId) -> Result<HashMap<DepartmentId, Bars>> {
    let rows = query(
        "SELECT department_id, international, premium, all_outside FROM department_barring
         WHERE company_id = $1",
    )
    .bind(company.as_str())
    .fetch_all(c)
    .await?;
    let mut out = HashMap::new();
    for mut r in rows {
        let id = DepartmentId::from_raw(col::<String>(&mut r, "department_id")?);
        out.insert(id, bars(&mut r)?);
    }
    Ok(out)
}

pub async fn set_department(
    c: &mut Conn,
    company: &CompanyId,
    department: &DepartmentId,
    b: Bars,
    now: i64,
) -> Result<()> {
    query(
        "INSERT INTO department_barring
            (department_id, company_id, international, premium, all_outside, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (department_id) DO UPDATE SET international = $3, premium = $4,
            all_outside = $5, updated_at = $6",
    )
    .bind(department.as_str())
    .bind(company.as_str())
    .bind(flag(b.international))
    .bind(flag(b.premium))
    .bind(flag(b.all_outside))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
