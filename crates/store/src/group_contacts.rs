//! Contacts administrators define for a department, each with its numbers in order; everyone in
//! the department and in the departments below it sees them.

use crate::contacts::{ContactNumber, Numbers, read_numbers, write_numbers};
use crate::db::{Conn, query};
use crate::{Result, col};
use sb_domain::ids::{CompanyId, DepartmentId, GroupContactId};

/// One group contact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupContact {
    pub id: GroupContactId,
    pub company_id: CompanyId,
    pub department_id: DepartmentId,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub numbers: Vec<ContactNumber>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn group_contact(mut r: crate::db::Row) -> Result<GroupContact> {
    Ok(GroupContact {
        id: GroupContactId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        department_id: DepartmentId::from_raw(col::<String>(&mut r, "department_id")?),
        name: col(&mut r, "name")?,
        organisation: col(&mut r, "organisation")?,
        email: col(&mut r, "email")?,
        numbers: Vec::new(),
        created_at: col(&mut r, "created_at")?,
        updated_at: col(&mut r, "updated_at")?,
    })
}

/// The contacts of these departments of the company, by name, each with its numbers.
pub async fn list(
    c: &mut Conn,
    company: &CompanyId,
    departments: &[DepartmentId],
) -> Result<Vec<GroupContact>> {
    let mut out = Vec::new();
    // One department at a time: the chain is short, and it keeps the SQL free of a variable
    // list of parameters.
    for d in departments {
        let rows = query(
            "SELECT * FROM group_contacts WHERE company_id = $1 AND department_id = $2
              ORDER BY LOWER(name), id",
        )
        .bind(company.as_str())
        .bind(d.as_str())
        .fetch_all(&mut *c)
        .await?;
        for r in rows {
            let mut k = group_contact(r)?;
            k.numbers = numbers(c, &k.id).await?;
            out.push(k);
        }
    }
    Ok(out)
}

async fn numbers(c: &mut Conn, id: &GroupContactId) -> Result<Vec<ContactNumber>> {
    read_numbers(c, Numbers::Group, id.as_str()).await
}

/// One group contact with its numbers, whichever company it is of (the use case checks).
pub async fn get(c: &mut Conn, id: &GroupContactId) -> Result<Option<GroupContact>> {
    let Some(mut k) = query("SELECT * FROM group_contacts WHERE id = $1")
        .bind(id.as_str())
        .fetch_all(&mut *c)
        .await?
        .into_iter()
        .next()
        .map(group_contact)
        .transpose()?
    else {
        return Ok(None);
    };
    k.numbers = numbers(c, &k.id).await?;
    Ok(Some(k))
}

/// How many contacts the department has.
pub async fn count(c: &mut Conn, department: &DepartmentId) -> Result<i64> {
    Ok(
        query("SELECT COUNT(*) AS n FROM group_contacts WHERE department_id = $1")
            .bind(department.as_str())
            .fetch_all(c)
            .await?
            .into_iter()
            .next()
            .map(|mut r| col::<i64>(&mut r, "n"))
            .transpose()?
            .unwrap_or(0),
    )
}

async fn put_numbers(c: &mut Conn, k: &GroupContact) -> Result<()> {
    write_numbers(c, Numbers::Group, k.id.as_str(), &k.numbers).await
}

/// Adds a group contact with its numbers.
pub async fn insert(c: &mut Conn, k: &GroupContact) -> Result<()> {
    query(
        "INSERT INTO group_contacts (id, company_id, department_id, name, organisation, email,
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(k.id.as_str())
    .bind(k.company_id.as_str())
    .bind(k.department_id.as_str())
    .bind(k.name.as_str())
    .bind(k.organisation.as_deref())
    .bind(k.email.as_deref())
    .bind(k.created_at)
    .bind(k.updated_at)
    .execute(&mut *c)
    .await?;
    put_numbers(c, k).await
}

/// Replaces a group contact's fields and numbers (its department stays).
pub async fn update(c: &mut Conn, k: &GroupContact) -> Result<()> {
    query(
        "UPDATE group_contacts SET name = $2, organisation = $3, email = $4, updated_at = $5
          WHERE id = $1",
    )
    .bind(k.id.as_str())
    .bind(k.name.as_str())
    .bind(k.organisation.as_deref())
    .bind(k.email.as_deref())
    .bind(k.updated_at)
    .execute(&mut *c)
    .await?;
    put_numbers(c, k).await
}

/// Removes a group contact and its numbers.
pub async fn delete(c: &mut Conn, id: &GroupContactId) -> Result<()> {
    query("DELETE FROM group_contact_numbers WHERE contact_id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    query("DELETE FROM group_contacts WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}
