//! Conferences: voice meetings scheduled by a user, with their participants and the
//! access code callers key in at the company's conference bridge.

use crate::db::{Row, query};
use crate::{Conn, Result, col};
use sb_domain::ids::{CompanyId, ConferenceId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct Conference {
    pub id: ConferenceId,
    pub company_id: CompanyId,
    pub organizer_id: UserId,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub access_code: String,
    pub created_at: i64,
}

/// Someone invited: a user of the company or an outside address.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub name: Option<String>,
}

const COLUMNS: &str =
    "id, company_id, organizer_id, title, starts_at, ends_at, access_code, created_at";

fn conference(mut r: Row) -> Result<Conference> {
    Ok(Conference {
        id: ConferenceId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        organizer_id: UserId::from_raw(col::<String>(&mut r, "organizer_id")?),
        title: col(&mut r, "title")?,
        starts_at: col(&mut r, "starts_at")?,
        ends_at: col(&mut r, "ends_at")?,
        access_code: col(&mut r, "access_code")?,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert(c: &mut Conn, conf: &Conference, people: &[Participant]) -> Result<()> {
    query(
        "INSERT INTO conferences (id, company_id, organizer_id, title, starts_at, ends_at,
            access_code, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(conf.id.as_str())
    .bind(conf.company_id.as_str())
    .bind(conf.organizer_id.as_str())
    .bind(&conf.title)
    .bind(conf.starts_at)
    .bind(conf.ends_at)
    .bind(&conf.access_code)
    .bind(conf.created_at)
    .execute(&mut *c)
    .await?;
    for (i, p) in people.iter().enumerate() {
        query(
            "INSERT INTO conference_participants (conference_id, position, user_id, email, name)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(conf.id.as_str())
        .bind(i as i64)
        .bind(p.user_id.as_ref().map(|u| u.as_str().to_owned()))
        .bind(p.email.clone())
        .bind(p.name.clone())
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

pub async fn get(c: &mut Conn, id: &ConferenceId) -> Result<Option<Conference>> {
    let sql = format!("SELECT {COLUMNS} FROM conferences WHERE id = $1");
    crate::db::query_owned(sql)
        .bind(id.as_str())
        .fetch_optional(c)
        .await?
        .map(conference)
        .transpose()
}

pub async fn participants(c: &mut Conn, id: &ConferenceId) -> Result<Vec<Participant>> {
    let rows = query(
        "SELECT user_id, email, name FROM conference_participants
         WHERE conference_id = $1 ORDER BY position",
    )
    .bind(id.as_str())
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            Ok(Participant {
                user_id: col::<Option<String>>(&mut r, "user_id")?.map(UserId::from_raw),
                email: col(&mut r, "email")?,
                name: col(&mut r, "name")?,
            })
        })
        .collect()
}

/// The company's conferences that end after `now`, soonest first; with `user`, only those the
/// user organises or is invited to.
pub async fn upcoming(
    c: &mut Conn,
    company: &CompanyId,
    user: Option<&UserId>,
    now: i64,
) -> Result<Vec<Conference>> {
    let sql = match user {
        None => format!(
            "SELECT {COLUMNS} FROM conferences WHERE company_id = $1 AND ends_at > $2
             ORDER BY starts_at, id LIMIT 500"
        ),
        Some(_) => format!(
            "SELECT {COLUMNS} FROM conferences WHERE company_id = $1 AND ends_at > $2
             AND (organizer_id = $3 OR id IN
                 (SELECT conference_id FROM conference_participants WHERE user_id = $3))
             ORDER BY starts_at, id LIMIT 500"
        ),
    };
    let mut q = crate::db::query_owned(sql).bind(company.as_str()).bind(now);
    if let Some(u) = user {
        q = q.bind(u.as_str());
    }
    q.fetch_all(c).await?.into_iter().map(conference).collect()
}

/// The company's conference with this access code that has not ended.
pub async fn by_code(
    c: &mut Conn,
    company: &CompanyId,
    code: &str,
    now: i64,
) -> Result<Option<Conference>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM conferences WHERE company_id = $1 AND access_code = $2
         AND ends_at > $3 ORDER BY starts_at LIMIT 1"
    );
    crate::db::query_owned(sql)
        .bind(company.as_str())
        .bind(code)
        .bind(now)
        .fetch_optional(c)
        .await?
        .map(conference)
        .transpose()
}

/// Moves a conference to another time (its access code and participants stay).
pub async fn reschedule(
    c: &mut Conn,
    id: &ConferenceId,
    starts_at: i64,
    ends_at: i64,
) -> Result<()> {
    query("UPDATE conferences SET starts_at = $1, ends_at = $2 WHERE id = $3")
        .bind(starts_at)
        .bind(ends_at)
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn delete(c: &mut Conn, id: &ConferenceId) -> Result<()> {
    query("DELETE FROM conferences WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// The number outside callers dial for the company's conferences.
pub async fn bridge_number(c: &mut Conn, company: &CompanyId) -> Result<Option<String>> {
    match query("SELECT number FROM conference_bridges WHERE company_id = $1")
        .bind(company.as_str())
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => col(&mut r, "number"),
        None => Ok(None),
    }
}

pub async fn set_bridge_number(
    c: &mut Conn,
    company: &CompanyId,
    number: Option<&str>,
    now: i64,
) -> Result<()> {
    query(
        "INSERT INTO conference_bridges (company_id, number, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (company_id) DO UPDATE SET number = $2, updated_at = $3",
    )
    .bind(company.as_str())
    .bind(number.map(str::to_owned))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// The company whose conference bridge answers `number` (E.164).
pub async fn company_of_bridge(c: &mut Conn, number: &str) -> Result<Option<CompanyId>> {
    match query("SELECT company_id FROM conference_bridges WHERE number = $1")
        .bind(number)
        .fetch_optional(c)
        .await?
    {
        Some(mut r) => Ok(Some(CompanyId::from_raw(col::<String>(
            &mut r,
            "company_id",
        )?))),
        None => Ok(None),
    }
}
