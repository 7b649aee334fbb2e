//! Lines (extensions) and the company's phone numbers (DIDs).

use crate::db::{Row, query};
use crate::{Conn, Page, Result, col, finish_page, ostr};
use sb_domain::ids::{CompanyId, LineId, NumberId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: LineId,
    pub company_id: CompanyId,
    pub user_id: Option<UserId>,
    pub extension: String,
    /// The line's account name ("reset line" gives it a new one).
    pub account_name: String,
    /// The local calling name shown on caller IDs.
    pub calling_name: Option<String>,
    pub sip_username: String,
    /// The SIP password sealed with the operator's key (see `sb_app::sealed`), never in clear:
    /// provisioning and the one-time display open it. A value without the `sb1:` prefix is from
    /// before sealing and is sealed at start-up.
    pub sip_password_sealed: String,
    /// HA1 (`username:realm:password`) for MD5 and SHA-256 digest (RFC 7616): all the registrar
    /// and the call authentication need.
    pub sip_ha1_md5: String,
    pub sip_ha1_sha256: String,
    /// E.164 numbers of the company; the presentation number is the outgoing caller ID.
    pub default_number: Option<String>,
    pub presentation_number: Option<String>,
    pub created_at: i64,
}

fn line(mut r: Row) -> Result<Line> {
    Ok(Line {
        id: LineId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        user_id: col::<Option<String>>(&mut r, "user_id")?.map(UserId::from_raw),
        extension: col(&mut r, "extension")?,
        account_name: col(&mut r, "account_name")?,
        calling_name: col(&mut r, "calling_name")?,
        sip_username: col(&mut r, "sip_username")?,
        sip_password_sealed: col(&mut r, "sip_password")?,
        sip_ha1_md5: col(&mut r, "sip_ha1_md5")?,
        sip_ha1_sha256: col(&mut r, "sip_ha1_sha256")?,
        default_number: col(&mut r, "default_number")?,
        presentation_number: col(&mut r, "presentation_number")?,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert_line(c: &mut Conn, l: &Line) -> Result<()> {
    query(
        "INSERT INTO lines (id, company_id, user_id, extension, account_name, calling_name,
            sip_username, sip_password, default_number, presentation_number, created_at,
            sip_ha1_md5, sip_ha1_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(l.id.as_str())
    .bind(l.company_id.as_str())
    .bind(ostr(&l.user_id))
    .bind(&l.extension)
    .bind(&l.account_name)
    .bind(l.calling_name.clone())
    .bind(&l.sip_username)
    .bind(&l.sip_password_sealed)
    .bind(l.default_number.clone())
    .bind(l.presentation_number.clone())
    .bind(l.created_at)
    .bind(&l.sip_ha1_md5)
    .bind(&l.sip_ha1_sha256)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn update_line(c: &mut Conn, l: &Line) -> Result<()> {
    query(
        "UPDATE lines SET user_id = $1, extension = $2, account_name = $3, calling_name = $4,
            sip_password = $5, default_number = $6, presentation_number = $7, sip_ha1_md5 = $8,
            sip_ha1_sha256 = $9
         WHERE id = $10 AND company_id = $11",
    )
    .bind(ostr(&l.user_id))
    .bind(&l.extension)
    .bind(&l.account_name)
    .bind(l.calling_name.clone())
    .bind(&l.sip_password_sealed)
    .bind(l.default_number.clone())
    .bind(l.presentation_number.clone())
    .bind(&l.sip_ha1_md5)
    .bind(&l.sip_ha1_sha256)
    .bind(l.id.as_str())
    .bind(l.company_id.as_str())
    .execute(c)
    .await?;
    // The SIP engine's cached accounts (password, owner) must be read again.
    c.touch();
    Ok(())
}

/// Finds a line by id alone, to learn its company before a permission check.
pub async fn locate_line(c: &mut Conn, id: &LineId) -> Result<Option<Line>> {
    let row = query("SELECT * FROM lines WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(line).transpose()
}

pub async fn list_lines(
    c: &mut Conn,
    company: &CompanyId,
    page: &Page,
) -> Result<(Vec<Line>, Option<String>)> {
    let rows = query("SELECT * FROM lines WHERE company_id = $1 AND id > $2 ORDER BY id LIMIT $3")
        .bind(company.as_str())
        .bind(page.after_text())
        .bind(page.probe())
        .fetch_all(c)
        .await?;
    let items = rows.into_iter().map(line).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |l| l.id.to_string()))
}

/// A page of a company's lines whose extension, account name, calling name, number or user's
/// name contains `text` (any case; all lines when it is empty), in id order like [`list_lines`].
pub async fn search_lines(
    c: &mut Conn,
    company: &CompanyId,
    text: &str,
    page: &Page,
) -> Result<(Vec<Line>, Option<String>)> {
    let text = text.trim();
    let pattern = if text.is_empty() {
        String::new()
    } else {
        crate::accounts::contains_pattern(text)
    };
    let rows = query(
        "SELECT * FROM lines WHERE company_id = $1 AND id > $2
           AND ($3 = '' OR extension LIKE $3 ESCAPE '\\' OR LOWER(account_name) LIKE $3 ESCAPE '\\'
             OR LOWER(COALESCE(calling_name, '')) LIKE $3 ESCAPE '\\'
             OR id IN (SELECT n.line_id FROM numbers n WHERE n.company_id = $1
                 AND n.line_id IS NOT NULL AND n.e164 LIKE $3 ESCAPE '\\')
             OR user_id IN (SELECT u.id FROM users u WHERE u.company_id = $1
                 AND LOWER(u.name) LIKE $3 ESCAPE '\\'))
         ORDER BY id LIMIT $4",
    )
    .bind(company.as_str())
    .bind(page.after_text())
    .bind(pattern.as_str())
    .bind(page.probe())
    .fetch_all(c)
    .await?;
    let items = rows.into_iter().map(line).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |l| l.id.to_string()))
}

pub async fn lines_of_user(c: &mut Conn, company: &CompanyId, user: &UserId) -> Result<Vec<Line>> {
    let rows =
        query("SELECT * FROM lines WHERE company_id = $1 AND user_id = $2 ORDER BY extension")
            .bind(company.as_str())
            .bind(user.as_str())
            .fetch_all(c)
            .await?;
    rows.into_iter().map(line).collect()
}

pub async fn count_lines(c: &mut Conn, company: &CompanyId) -> Result<i64> {
    query("SELECT COUNT(*) FROM lines WHERE company_id = $1")
        .bind(company.as_str())
        .scalar(c)
        .await
}

pub async fn delete_line(c: &mut Conn, company: &CompanyId, id: &LineId) -> Result<()> {
    c.touch(); // users lose this line as their default
    query("UPDATE users SET default_line_id = NULL WHERE company_id = $1 AND default_line_id = $2")
        .bind(company.as_str())
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    query("DELETE FROM lines WHERE company_id = $1 AND id = $2")
        .bind(company.as_str())
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub id: NumberId,
    pub company_id: CompanyId,
    pub e164: String,
    pub line_id: Option<LineId>,
    /// Marked as the line's fax number (`PATCH /api/v1/numbers/{id}` with `fax`).
    pub fax: bool,
    pub created_at: i64,
}

fn number(mut r: Row) -> Result<Number> {
    Ok(Number {
        id: NumberId::from_raw(col::<String>(&mut r, "id")?),
        company_id: CompanyId::from_raw(col::<String>(&mut r, "company_id")?),
        e164: col(&mut r, "e164")?,
        line_id: col::<Option<String>>(&mut r, "line_id")?.map(LineId::from_raw),
        fax: col::<i64>(&mut r, "fax")? != 0,
        created_at: col(&mut r, "created_at")?,
    })
}

pub async fn insert_number(c: &mut Conn, n: &Number) -> Result<()> {
    query("INSERT INTO numbers (id, company_id, e164, line_id, fax, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(n.id.as_str())
        .bind(n.company_id.as_str())
        .bind(&n.e164)
        .bind(ostr(&n.line_id))
        .bind(i64::from(n.fax))
        .bind(n.created_at)
        .execute(c)
        .await
        ?;
    Ok(())
}

pub async fn update_number(c: &mut Conn, n: &Number) -> Result<()> {
    query("UPDATE numbers SET line_id = $1, fax = $2 WHERE id = $3 AND company_id = $4")
        .bind(ostr(&n.line_id))
        .bind(i64::from(n.fax))
        .bind(n.id.as_str())
        .bind(n.company_id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn locate_number(c: &mut Conn, id: &NumberId) -> Result<Option<Number>> {
    let row = query("SELECT * FROM numbers WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(number).transpose()
}

pub async fn list_numbers(
    c: &mut Conn,
    company: &CompanyId,
    page: &Page,
) -> Result<(Vec<Number>, Option<String>)> {
    let rows =
        query("SELECT * FROM numbers WHERE company_id = $1 AND id > $2 ORDER BY id LIMIT $3")
            .bind(company.as_str())
            .bind(page.after_text())
            .bind(page.probe())
            .fetch_all(c)
            .await?;
    let items = rows.into_iter().map(number).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |n| n.id.to_string()))
}

pub async fn numbers_of_line(
    c: &mut Conn,
    company: &CompanyId,
    line: &LineId,
) -> Result<Vec<String>> {
    query("SELECT e164 FROM numbers WHERE company_id = $1 AND line_id = $2 ORDER BY e164")
        .bind(company.as_str())
        .bind(line.as_str())
        .scalars(c)
        .await
}

pub async fn delete_number(c: &mut Conn, company: &CompanyId, id: &NumberId) -> Result<()> {
    query("DELETE FROM numbers WHERE company_id = $1 AND id = $2")
        .bind(company.as_str())
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// Whether the company owns this E.164 number.
pub async fn company_has_number(c: &mut Conn, company: &CompanyId, e164: &str) -> Result<bool> {
    let n: i64 = query("SELECT COUNT(*) FROM numbers WHERE company_id = $1 AND e164 = $2")
        .bind(company.as_str())
        .bind(e164)
        .scalar(c)
        .await?;
    Ok(n > 0)
}

/// A line's call-handling settings as stored (JSON of `sb_domain::routing::Handling`); `None`
/// for a line that never changed them.
pub async fn get_handling(
    c: &mut Conn,
    company: &CompanyId,
    line: &LineId,
) -> Result<Option<String>> {
    let row = query("SELECT document FROM call_handling WHERE company_id = $1 AND line_id = $2")
        .bind(company.as_str())
        .bind(line.as_str())
        .fetch_optional(c)
        .await?;
    row.map(|mut r| col(&mut r, "document")).transpose()
}

pub async fn put_handling(
    c: &mut Conn,
    company: &CompanyId,
    line: &LineId,
    document: &str,
    now: i64,
) -> Result<()> {
    query("DELETE FROM call_handling WHERE company_id = $1 AND line_id = $2")
        .bind(company.as_str())
        .bind(line.as_str())
        .execute(&mut *c)
        .await?;
    query("INSERT INTO call_handling (line_id, company_id, document, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(line.as_str())
        .bind(company.as_str())
        .bind(document)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// Stores the hash of a line's voice-portal PIN (argon2id PHC), replacing any earlier one.
pub async fn set_pin(
    c: &mut Conn,
    company: &CompanyId,
    line: &LineId,
    pin_hash: &str,
    now: i64,
) -> Result<()> {
    clear_pin(c, company, line).await?;
    query("INSERT INTO voice_pins (line_id, company_id, pin_hash, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(line.as_str())
        .bind(company.as_str())
        .bind(pin_hash)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// Removes the PIN: without one the line has no voice-portal access.
pub async fn clear_pin(c: &mut Conn, company: &CompanyId, line: &LineId) -> Result<()> {
    query("DELETE FROM voice_pins WHERE company_id = $1 AND line_id = $2")
        .bind(company.as_str())
        .bind(line.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn pin_hash(c: &mut Conn, company: &CompanyId, line: &LineId) -> Result<Option<String>> {
    let row = query("SELECT pin_hash FROM voice_pins WHERE company_id = $1 AND line_id = $2")
        .bind(company.as_str())
        .bind(line.as_str())
        .fetch_optional(c)
        .await?;
    row.map(|mut r| col(&mut r, "pin_hash")).transpose()
}

/// A line's PIN as the voice portal checks it: the hash, wrong PINs in a row, when it locked.
#[derive(Debug, Clone, PartialEq)]
pub struct PinState {
    pub pin_hash: String,
    pub failures: i64,
    pub locked_at: Option<i64>,
}

pub async fn pin_state(c: &mut Conn, line: &LineId) -> Result<Option<PinState>> {
    let row = query("SELECT pin_hash, failures, locked_at FROM voice_pins WHERE line_id = $1")
        .bind(line.as_str())
        .fetch_optional(c)
        .await?;
    row.map(|mut r| {
        Ok(PinState {
            pin_hash: col(&mut r, "pin_hash")?,
            failures: col(&mut r, "failures")?,
            locked_at: col(&mut r, "locked_at")?,
        })
    })
    .transpose()
}

/// Records the outcome of a PIN entry: the failures in a row and the lock (both cleared by a
/// right PIN or an unlock).
pub async fn set_pin_failures(
    c: &mut Conn,
    line: &LineId,
    failures: i64,
    locked_at: Option<i64>,
) -> Result<()> {
    query("UPDATE voice_pins SET failures = $1, locked_at = $2 WHERE line_id = $3")
        .bind(failures)
        .bind(locked_at)
        .bind(line.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// Back to a new line's settings: default call handling and no PIN (as reset line leaves it).
pub async fn clear_settings(c: &mut Conn, company: &CompanyId, line: &LineId) -> Result<()> {
    query("DELETE FROM call_handling WHERE company_id = $1 AND line_id = $2")
        .bind(company.as_str())
        .bind(line.as_str())
        .execute(&mut *c)
        .await?;
    clear_pin(c, company, line).await
}

/// What a reset cleared, row counts per kind (for the audit record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleared {
    pub voicemails: u64,
    pub greeting: u64,
    pub voicemail_settings: u64,
    pub notifications: u64,
    pub recording_setting: u64,
    pub recordings: u64,
    pub faxes: u64,
    pub waiting_messages: u64,
    pub saved_numbers: u64,
    pub groups: u64,
}

/// Everything saved for a line (a reset: "clear all saved information, including
/// voicemails"): its messages, greeting, voicemail and notification settings, recording
/// setting and recordings, faxes, SIP messages waiting for it, and its user's saved numbers; with
/// `leave_groups`, its places in the company's queues too.
pub async fn clear_saved(
    c: &mut Conn,
    line: &LineId,
    user: Option<&UserId>,
    leave_groups: bool,
) -> Result<Cleared> {
    const PER_LINE: [&str; 8] = [
        "DELETE FROM voicemails WHERE line_id = $1",
        "DELETE FROM voicemail_greetings WHERE line_id = $1",
        "DELETE FROM voicemail_settings WHERE line_id = $1",
        "DELETE FROM line_notifications WHERE line_id = $1",
        "DELETE FROM line_recording WHERE line_id = $1",
        "DELETE FROM recordings WHERE line_id = $1",
        "DELETE FROM sip_messages WHERE to_line_id = $1",
        "DELETE FROM faxes WHERE line_id = $1",
    ];
    let mut n = [0u64; 8];
    for (count, sql) in n.iter_mut().zip(PER_LINE) {
        *count = query(sql)
            .bind(line.as_str())
            .execute(&mut *c)
            .await?
            .rows_affected();
    }
    let saved_numbers = match user {
        Some(u) => query("DELETE FROM saved_numbers WHERE user_id = $1")
            .bind(u.as_str())
            .execute(&mut *c)
            .await?
            .rows_affected(),
        None => 0,
    };
    let groups = if leave_groups {
        query("DELETE FROM queue_agents WHERE line_id = $1")
            .bind(line.as_str())
            .execute(&mut *c)
            .await?
            .rows_affected()
    } else {
        0
    };
    Ok(Cleared {
        voicemails: n[0],
        greeting: n[1],
        voicemail_settings: n[2],
        notifications: n[3],
        recording_setting: n[4],
        recordings: n[5],
        waiting_messages: n[6],
        faxes: n[7],
        saved_numbers,
        groups,
    })
}

/// A line by its SIP username within a company's SIP domain, with whether it may register
/// (its user exists and is enabled), for the registrar.
pub async fn sip_account(
    c: &mut Conn,
    sip_domain: &str,
    sip_username: &str,
) -> Result<Option<(Line, bool)>> {
    let row = query(
        "SELECT l.*, (SELECT COUNT(*) FROM users u WHERE u.id = l.user_id AND u.enabled = 1) AS in_service
         FROM lines l JOIN companies co ON co.id = l.company_id
         WHERE co.sip_domain = $1 AND l.sip_username = $2",
    )
    .bind(sip_domain)
    .bind(sip_username)
    .fetch_optional(c)
    .await?;
    match row {
        Some(mut r) => {
            let in_service: i64 = col(&mut r, "in_service")?;
            Ok(Some((line(r)?, in_service > 0)))
        }
        None => Ok(None),
    }
}

/// Lines whose SIP password is still stored in clear (from before sealing), each with its
/// company's SIP domain (the digest realm of its HA1).
pub async fn unsealed(c: &mut Conn) -> Result<Vec<(Line, String)>> {
    let rows = query(
        "SELECT l.*, co.sip_domain AS realm FROM lines l JOIN companies co ON co.id = l.company_id
         WHERE l.sip_password NOT LIKE 'sb1:%'",
    )
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            let realm: String = col(&mut r, "realm")?;
            Ok((line(r)?, realm))
        })
        .collect()
}

/// The ids of the keys that sealed the stored SIP passwords.
pub async fn sealing_keys(c: &mut Conn) -> Result<Vec<String>> {
    let rows = query(
        "SELECT DISTINCT substr(sip_password, 5, 8) AS key_id FROM lines
         WHERE sip_password LIKE 'sb1:%'",
    )
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| col(&mut r, "key_id"))
        .collect()
}

/// A company's line by its extension, for calls dialled inside the company.
pub async fn line_by_extension(
    c: &mut Conn,
    company: &CompanyId,
    extension: &str,
) -> Result<Option<Line>> {
    query("SELECT * FROM lines WHERE company_id = $1 AND extension = $2")
        .bind(company.as_str())
        .bind(extension)
        .fetch_optional(c)
        .await?
        .map(line)
        .transpose()
}

/// The line a company's number (DID) rings, for calls coming in from a trunk.
/// The line a number rings, and whether the number is marked as that line's fax number.
pub async fn line_of_number(c: &mut Conn, e164: &str) -> Result<Option<(Line, bool)>> {
    query(
        "SELECT l.*, n.fax AS number_fax FROM numbers n
         JOIN lines l ON l.id = n.line_id AND l.company_id = n.company_id
         WHERE n.e164 = $1",
    )
    .bind(e164)
    .fetch_optional(c)
    .await?
    .map(|mut r| {
        let fax = col::<i64>(&mut r, "number_fax")? != 0;
        Ok((line(r)?, fax))
    })
    .transpose()
}

/// A company's number by its E.164 form.
pub async fn number_by_e164(
    c: &mut Conn,
    company: &CompanyId,
    e164: &str,
) -> Result<Option<Number>> {
    query("SELECT * FROM numbers WHERE company_id = $1 AND e164 = $2")
        .bind(company.as_str())
        .bind(e164)
        .fetch_optional(c)
        .await?
        .map(number)
        .transpose()
}

/// The lines of the users whose ids lie between `first` and `last` (a page of the user list,
/// which is in id order), each with its numbers: two queries for the whole page.
pub async fn lines_of_users_between(
    c: &mut Conn,
    company: &CompanyId,
    first: &UserId,
    last: &UserId,
) -> Result<Vec<(Line, Vec<String>)>> {
    let rows = query(
        "SELECT * FROM lines WHERE company_id = $1 AND user_id >= $2 AND user_id <= $3
         ORDER BY extension",
    )
    .bind(company.as_str())
    .bind(first.as_str())
    .bind(last.as_str())
    .fetch_all(&mut *c)
    .await?;
    let lines = rows.into_iter().map(line).collect::<Result<Vec<_>>>()?;
    let rows = query(
        "SELECT n.* FROM numbers n JOIN lines l ON n.line_id = l.id
         WHERE n.company_id = $1 AND l.company_id = $1 AND l.user_id >= $2 AND l.user_id <= $3
         ORDER BY n.e164",
    )
    .bind(company.as_str())
    .bind(first.as_str())
    .bind(last.as_str())
    .fetch_all(c)
    .await?;
    let numbers = rows.into_iter().map(number).collect::<Result<Vec<_>>>()?;
    Ok(lines
        .into_iter()
        .map(|l| {
            let own = numbers
                .iter()
                .filter(|n| n.line_id.as_ref() == Some(&l.id))
                .map(|n| n.e164.clone())
                .collect();
            (l, own)
        })
        .collect())
}
