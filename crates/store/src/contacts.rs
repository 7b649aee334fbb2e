//! A person's own contacts, each with its numbers in order, and the colleagues the person keeps
//! as favourites.

use crate::db::{Conn, query};
use crate::{Result, col, flag};
use sb_domain::ids::{CompanyId, ContactId, UserId};

/// One number of a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactNumber {
    pub label: String,
    pub number: String,
}

/// One contact as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: ContactId,
    pub user_id: UserId,
    pub company_id: CompanyId,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub favourite: bool,
    pub numbers: Vec<ContactNumber>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn contact(mut r: crate::db::Row) -> Result<Contact> {
    Ok(Contact {
        id: ContactId::from_raw(col::<String>(&mut r, "id")?),
        user_id: UserId::from_raw(col::<String>(&mut r, "user_id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        name: col(&mut r, "name")?,
        organisation: col(&mut r, "organisation")?,
        email: col(&mut r, "email")?,
        favourite: col::<i64>(&mut r, "favourite")? != 0,
        numbers: Vec::new(),
        created_at: col(&mut r, "created_at")?,
        updated_at: col(&mut r, "updated_at")?,
    })
}

/// The person's contacts, favourites first, then by name, each with its numbers.
pub async fn list(c: &mut Conn, user: &UserId) -> Result<Vec<Contact>> {
    let rows =
        query("SELECT * FROM contacts WHERE user_id = $1 ORDER BY favourite DESC, LOWER(name), id")
            .bind(user.as_str())
            .fetch_all(&mut *c)
            .await?;
    let mut out = rows.into_iter().map(contact).collect::<Result<Vec<_>>>()?;
    let numbers = query(
        "SELECT n.contact_id, n.label, n.number FROM contact_numbers n
           JOIN contacts k ON k.id = n.contact_id
          WHERE k.user_id = $1 ORDER BY n.contact_id, n.position",
    )
    .bind(user.as_str())
    .fetch_all(c)
    .await?;
    for mut r in numbers {
        let id: String = col(&mut r, "contact_id")?;
        if let Some(k) = out.iter_mut().find(|k| k.id.as_str() == id) {
            k.numbers.push(ContactNumber {
                label: col(&mut r, "label")?,
                number: col(&mut r, "number")?,
            });
        }
    }
    Ok(out)
}

/// One contact with its numbers, whoever owns it (the use case checks).
pub async fn get(c: &mut Conn, id: &ContactId) -> Result<Option<Contact>> {
    let Some(mut k) = query("SELECT * FROM contacts WHERE id = $1")
        .bind(id.as_str())
        .fetch_all(&mut *c)
        .await?
        .into_iter()
        .next()
        .map(contact)
        .transpose()?
    else {
        return Ok(None);
    };
    k.numbers = read_numbers(c, Numbers::Own, id.as_str()).await?;
    Ok(Some(k))
}

/// How many contacts the person has.
pub async fn count(c: &mut Conn, user: &UserId) -> Result<i64> {
    Ok(
        query("SELECT COUNT(*) AS n FROM contacts WHERE user_id = $1")
            .bind(user.as_str())
            .fetch_all(c)
            .await?
            .into_iter()
            .next()
            .map(|mut r| col::<i64>(&mut r, "n"))
            .transpose()?
            .unwrap_or(0),
    )
}

/// Whose numbers: a person's own contact's or a department's group contact's (each kind has its
/// table, so that each goes with its contact by a foreign key).
#[derive(Clone, Copy)]
pub(crate) enum Numbers {
    Own,
    Group,
}

/// A contact's numbers, in order.
pub(crate) async fn read_numbers(
    c: &mut Conn,
    of: Numbers,
    id: &str,
) -> Result<Vec<ContactNumber>> {
    let sql = match of {
        Numbers::Own => {
            "SELECT label, number FROM contact_numbers WHERE contact_id = $1 ORDER BY position"
        }
        Numbers::Group => {
            "SELECT label, number FROM group_contact_numbers WHERE contact_id = $1 ORDER BY position"
        }
    };
    let rows = query(sql).bind(id).fetch_all(c).await?;
    rows.into_iter()
        .map(|mut r| {
            Ok(ContactNumber {
                label: col(&mut r, "label")?,
                number: col(&mut r, "number")?,
            })
        })
        .collect()
}

/// Replaces a contact's numbers with `numbers`, in their order.
pub(crate) async fn write_numbers(
    c: &mut Conn,
    of: Numbers,
    id: &str,
    numbers: &[ContactNumber],
) -> Result<()> {
    let (delete, insert) = match of {
        Numbers::Own => (
            "DELETE FROM contact_numbers WHERE contact_id = $1",
            "INSERT INTO contact_numbers (contact_id, position, label, number) VALUES ($1, $2, $3, $4)",
        ),
        Numbers::Group => (
            "DELETE FROM group_contact_numbers WHERE contact_id = $1",
            "INSERT INTO group_contact_numbers (contact_id, position, label, number) VALUES ($1, $2, $3, $4)",
        ),
    };
    query(delete).bind(id).execute(&mut *c).await?;
    for (i, n) in (0_i64..).zip(numbers) {
        query(insert)
            .bind(id)
            .bind(i)
            .bind(n.label.as_str())
            .bind(n.number.as_str())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

async fn put_numbers(c: &mut Conn, k: &Contact) -> Result<()> {
    write_numbers(c, Numbers::Own, k.id.as_str(), &k.numbers).await
}

/// Adds a contact with its numbers.
pub async fn insert(c: &mut Conn, k: &Contact) -> Result<()> {
    query(
        "INSERT INTO contacts (id, user_id, company_id, name, organisation, email, favourite,
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(k.id.as_str())
    .bind(k.user_id.as_str())
    .bind(k.company_id.as_str())
    .bind(k.name.as_str())
    .bind(k.organisation.as_deref())
    .bind(k.email.as_deref())
    .bind(flag(k.favourite))
    .bind(k.created_at)
    .bind(k.updated_at)
    .execute(&mut *c)
    .await?;
    put_numbers(c, k).await
}

/// Replaces a contact's fields and numbers (its owner stays).
pub async fn update(c: &mut Conn, k: &Contact) -> Result<()> {
    query(
        "UPDATE contacts SET name = $2, organisation = $3, email = $4, favourite = $5,
            updated_at = $6 WHERE id = $1",
    )
    .bind(k.id.as_str())
    .bind(k.name.as_str())
    .bind(k.organisation.as_deref())
    .bind(k.email.as_deref())
    .bind(flag(k.favourite))
    .bind(k.updated_at)
    .execute(&mut *c)
    .await?;
    put_numbers(c, k).await
}

/// Removes a contact and its numbers.
pub async fn delete(c: &mut Conn, id: &ContactId) -> Result<()> {
    query("DELETE FROM contact_numbers WHERE contact_id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    query("DELETE FROM contacts WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// The colleagues the person keeps as favourites.
pub async fn favourite_colleagues(c: &mut Conn, user: &UserId) -> Result<Vec<UserId>> {
    Ok(query(
        "SELECT colleague_id FROM favourite_colleagues WHERE user_id = $1 ORDER BY colleague_id",
    )
    .bind(user.as_str())
    .scalars::<String>(c)
    .await?
    .into_iter()
    .map(UserId::from_raw)
    .collect())
}

/// Replaces the person's favourite colleagues.
pub async fn set_favourite_colleagues(
    c: &mut Conn,
    user: &UserId,
    colleagues: &[UserId],
) -> Result<()> {
    query("DELETE FROM favourite_colleagues WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    for id in colleagues {
        query("INSERT INTO favourite_colleagues (user_id, colleague_id) VALUES ($1, $2)")
            .bind(user.as_str())
            .bind(id.as_str())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
