//! User accounts, sign-in sessions and one-time links.

use crate::db::{Row, query};
use crate::{Conn, Page, Result, col, enum_col, finish_page, flag, ostr};
use sb_domain::ids::{CompanyId, DepartmentId, LineId, PackageId, ResellerId, UserId};
use sb_domain::model::{Language, Role};

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub role: Role,
    pub reseller_id: Option<ResellerId>,
    pub company_id: Option<CompanyId>,
    pub department_id: Option<DepartmentId>,
    pub package_id: Option<PackageId>,
    pub name: String,
    pub email: Option<String>,
    pub language: Option<Language>,
    pub username: Option<String>,
    /// argon2id PHC string; `None` until the user chose a password.
    pub password_hash: Option<String>,
    pub enabled: bool,
    /// Wrong passwords since the last sign-in or lock.
    pub failed_logins: i64,
    /// Locked by wrong passwords; see `locked_until`.
    pub locked: bool,
    /// When a lock ends by itself (Unix ms); `None` while locked: until an administrator unlocks.
    pub locked_until: Option<i64>,
    /// Locks in a row without a successful sign-in, for the back-off of the next lock's length.
    pub lockouts: i64,
    pub default_line_id: Option<LineId>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn user(mut r: Row) -> Result<User> {
    let lang: Option<String> = col(&mut r, "language")?;
    Ok(User {
        id: UserId::from_raw(col::<String>(&mut r, "id")?),
        role: enum_col(&mut r, "role", Role::from_text)?,
        reseller_id: col::<Option<String>>(&mut r, "reseller_id")?.map(ResellerId::from_raw),
        company_id: col::<Option<String>>(&mut r, "company_id")?.map(CompanyId::from_raw),
        department_id: col::<Option<String>>(&mut r, "department_id")?.map(DepartmentId::from_raw),
        package_id: col::<Option<String>>(&mut r, "package_id")?.map(PackageId::from_raw),
        name: col(&mut r, "name")?,
        email: col(&mut r, "email")?,
        language: lang.as_deref().and_then(Language::from_text),
        username: col(&mut r, "username")?,
        password_hash: col(&mut r, "password_hash")?,
        enabled: col::<i64>(&mut r, "enabled")? != 0,
        failed_logins: col(&mut r, "failed_logins")?,
        locked: col::<i64>(&mut r, "locked")? != 0,
        locked_until: col(&mut r, "locked_until")?,
        lockouts: col(&mut r, "lockouts")?,
        default_line_id: col::<Option<String>>(&mut r, "default_line_id")?.map(LineId::from_raw),
        created_at: col(&mut r, "created_at")?,
        updated_at: col(&mut r, "updated_at")?,
    })
}

fn username_key(u: &User) -> Option<String> {
    u.username.as_ref().map(|s| s.to_ascii_lowercase())
}

pub async fn insert_user(c: &mut Conn, u: &User) -> Result<()> {
    c.touch();
    query(
        "INSERT INTO users (id, role, reseller_id, company_id, department_id, package_id, name,
            email, language, username, username_key, password_hash, enabled, failed_logins, locked,
            default_line_id, created_at, updated_at, locked_until, lockouts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20)",
    )
    .bind(u.id.as_str())
    .bind(u.role.as_str())
    .bind(ostr(&u.reseller_id))
    .bind(ostr(&u.company_id))
    .bind(ostr(&u.department_id))
    .bind(ostr(&u.package_id))
    .bind(&u.name)
    .bind(u.email.clone())
    .bind(u.language.map(|l| l.as_str()))
    .bind(u.username.clone())
    .bind(username_key(u))
    .bind(u.password_hash.clone())
    .bind(flag(u.enabled))
    .bind(u.failed_logins)
    .bind(flag(u.locked))
    .bind(ostr(&u.default_line_id))
    .bind(u.created_at)
    .bind(u.updated_at)
    .bind(u.locked_until)
    .bind(u.lockouts)
    .execute(c)
    .await?;
    Ok(())
}

/// Writes the fields an administrator or the user changes (the caller read the row, changed it
/// and checked it). The sign-in counters and the lock are not among them: only the atomic
/// statements below write those, so a sign-in racing with this write cannot undo it, nor this
/// write a sign-in's count (issue 14: a racing login must not undo a disable or a reset).
pub async fn update_user(c: &mut Conn, u: &User) -> Result<()> {
    c.touch();
    query(
        "UPDATE users SET role = $1, department_id = $2, package_id = $3, name = $4, email = $5,
            language = $6, username = $7, username_key = $8, password_hash = $9, enabled = $10,
            default_line_id = $11, updated_at = $12
         WHERE id = $13",
    )
    .bind(u.role.as_str())
    .bind(ostr(&u.department_id))
    .bind(ostr(&u.package_id))
    .bind(&u.name)
    .bind(u.email.clone())
    .bind(u.language.map(|l| l.as_str()))
    .bind(u.username.clone())
    .bind(username_key(u))
    .bind(u.password_hash.clone())
    .bind(flag(u.enabled))
    .bind(ostr(&u.default_line_id))
    .bind(u.updated_at)
    .bind(u.id.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// A user's sign-in counters as they are now in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInCounters {
    pub failed_logins: i64,
    pub lockouts: i64,
}

/// Counts one wrong password in a single statement (`failed_logins + 1`), touching no other
/// column, and returns the counters after it; run it in the transaction that may then lock.
pub async fn count_failed_login(c: &mut Conn, id: &UserId) -> Result<SignInCounters> {
    c.touch();
    query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    let mut r = query("SELECT failed_logins, lockouts FROM users WHERE id = $1")
        .bind(id.as_str())
        .fetch_one(c)
        .await?;
    Ok(SignInCounters {
        failed_logins: col(&mut r, "failed_logins")?,
        lockouts: col(&mut r, "lockouts")?,
    })
}

/// Locks the account until `until` (Unix ms; `None`: until an administrator unlocks), counts the
/// lock for the next one's back-off and starts the wrong-password count afresh.
pub async fn lock_account(c: &mut Conn, id: &UserId, until: Option<i64>) -> Result<()> {
    c.touch();
    query(
        "UPDATE users SET locked = 1, locked_until = $1, lockouts = lockouts + 1, failed_logins = 0
         WHERE id = $2",
    )
    .bind(until)
    .bind(id.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// Clears the wrong-password count, the lock and its back-off (a successful sign-in, an unlock,
/// a new password through a link).
pub async fn clear_sign_in_failures(c: &mut Conn, id: &UserId) -> Result<()> {
    c.touch();
    query(
        "UPDATE users SET failed_logins = 0, lockouts = 0, locked = 0, locked_until = NULL
         WHERE id = $1",
    )
    .bind(id.as_str())
    .execute(c)
    .await?;
    Ok(())
}

/// Finds a user by id alone, to learn the user's tenant before a permission check.
pub async fn locate_user(c: &mut Conn, id: &UserId) -> Result<Option<User>> {
    let row = query("SELECT * FROM users WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(c)
        .await?;
    row.map(user).transpose()
}

/// Sign-in looks the name up case-insensitively across the installation.
pub async fn find_by_username(c: &mut Conn, username: &str) -> Result<Option<User>> {
    let row = query("SELECT * FROM users WHERE username_key = $1")
        .bind(username.to_ascii_lowercase())
        .fetch_optional(c)
        .await?;
    row.map(user).transpose()
}

pub async fn username_taken(c: &mut Conn, username: &str) -> Result<bool> {
    let n: i64 = query("SELECT COUNT(*) FROM users WHERE username_key = $1")
        .bind(username.to_ascii_lowercase())
        .scalar(c)
        .await?;
    Ok(n > 0)
}

pub async fn list_users(
    c: &mut Conn,
    company: &CompanyId,
    page: &Page,
) -> Result<(Vec<User>, Option<String>)> {
    let rows = query("SELECT * FROM users WHERE company_id = $1 AND id > $2 ORDER BY id LIMIT $3")
        .bind(company.as_str())
        .bind(page.after_text())
        .bind(page.probe())
        .fetch_all(c)
        .await?;
    let items = rows.into_iter().map(user).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |u| u.id.to_string()))
}

pub async fn list_reseller_admins(c: &mut Conn, reseller: &ResellerId) -> Result<Vec<User>> {
    let rows =
        query("SELECT * FROM users WHERE reseller_id = $1 AND company_id IS NULL ORDER BY id")
            .bind(reseller.as_str())
            .fetch_all(c)
            .await?;
    rows.into_iter().map(user).collect()
}

/// The installation's system administrators, oldest first.
pub async fn list_system_admins(c: &mut Conn) -> Result<Vec<User>> {
    let rows = query("SELECT * FROM users WHERE role = 'system_admin' ORDER BY id")
        .fetch_all(c)
        .await?;
    rows.into_iter().map(user).collect()
}

pub async fn count_users(c: &mut Conn, company: &CompanyId) -> Result<i64> {
    query("SELECT COUNT(*) FROM users WHERE company_id = $1")
        .bind(company.as_str())
        .scalar(c)
        .await
}

pub async fn count_system_admins(c: &mut Conn) -> Result<i64> {
    query("SELECT COUNT(*) FROM users WHERE role = 'system_admin'")
        .scalar(c)
        .await
}

/// Users per package in a company, for the bill.
pub async fn package_counts(
    c: &mut Conn,
    company: &CompanyId,
) -> Result<Vec<(Option<PackageId>, i64)>> {
    let rows = query(
        "SELECT package_id, COUNT(*) AS n FROM users WHERE company_id = $1 GROUP BY package_id ORDER BY package_id",
    )
    .bind(company.as_str())
    .fetch_all(c)
    .await?;
    rows.into_iter()
        .map(|mut r| {
            Ok((
                col::<Option<String>>(&mut r, "package_id")?.map(PackageId::from_raw),
                col(&mut r, "n")?,
            ))
        })
        .collect()
}

pub async fn delete_user(c: &mut Conn, id: &UserId) -> Result<()> {
    c.touch();
    query("DELETE FROM users WHERE id = $1")
        .bind(id.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// A bearer token's row. The token itself is never stored, only its SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    /// `session` for sign-in tokens, `elevated` for the short-lived re-authentication tokens.
    pub kind: String,
    pub expires_at: i64,
    pub created_at: i64,
    /// The extension (line) this sign-in is for; `None` while a person with several lines and
    /// no default has not chosen, and for people without lines.
    pub line_id: Option<LineId>,
}

pub async fn insert_session(c: &mut Conn, s: &Session) -> Result<()> {
    query(
        "INSERT INTO sessions (token_hash, user_id, kind, expires_at, created_at, line_id) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&s.token_hash)
    .bind(s.user_id.as_str())
    .bind(&s.kind)
    .bind(s.expires_at)
    .bind(s.created_at)
    .bind(s.line_id.as_ref().map(LineId::as_str))
    .execute(c)
    .await
    ?;
    Ok(())
}

pub async fn get_session(c: &mut Conn, token_hash: &str) -> Result<Option<Session>> {
    let row = query("SELECT * FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(c)
        .await?;
    row.map(|mut r| {
        Ok(Session {
            token_hash: col(&mut r, "token_hash")?,
            user_id: UserId::from_raw(col::<String>(&mut r, "user_id")?),
            kind: col(&mut r, "kind")?,
            expires_at: col(&mut r, "expires_at")?,
            created_at: col(&mut r, "created_at")?,
            line_id: col::<Option<String>>(&mut r, "line_id")?.map(LineId::from_raw),
        })
    })
    .transpose()
}

/// Signs a session in to another of its person's lines (the caller checked it is theirs).
pub async fn set_session_line(c: &mut Conn, token_hash: &str, line: &LineId) -> Result<bool> {
    // Sessions are served from memory until an account change commits.
    c.touch();
    Ok(
        query("UPDATE sessions SET line_id = $1 WHERE token_hash = $2")
            .bind(line.as_str())
            .bind(token_hash)
            .execute(c)
            .await?
            .rows_affected()
            == 1,
    )
}

pub async fn delete_session(c: &mut Conn, token_hash: &str) -> Result<()> {
    c.touch();
    query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(c)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, disable, lock).
pub async fn delete_sessions_of(c: &mut Conn, user: &UserId) -> Result<()> {
    c.touch();
    query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.as_str())
        .execute(c)
        .await?;
    Ok(())
}

pub async fn purge_expired_sessions(c: &mut Conn, now: i64) -> Result<u64> {
    c.touch();
    Ok(query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(c)
        .await?
        .rows_affected())
}

/// A single-use link (first login, password reset).
#[derive(Debug, Clone, PartialEq)]
pub struct OneTimeLink {
    pub token_hash: String,
    pub user_id: UserId,
    pub purpose: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub created_at: i64,
}

pub async fn insert_link(c: &mut Conn, l: &OneTimeLink) -> Result<()> {
    // A new link replaces the user's unused ones of the same purpose.
    query("DELETE FROM one_time_links WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
        .bind(l.user_id.as_str())
        .bind(&l.purpose)
        .execute(&mut *c)
        .await?;
    query(
        "INSERT INTO one_time_links (token_hash, user_id, purpose, expires_at, used_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&l.token_hash)
    .bind(l.user_id.as_str())
    .bind(&l.purpose)
    .bind(l.expires_at)
    .bind(l.used_at)
    .bind(l.created_at)
    .execute(c)
    .await?;
    Ok(())
}

pub async fn get_link(c: &mut Conn, token_hash: &str) -> Result<Option<OneTimeLink>> {
    let row = query("SELECT * FROM one_time_links WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(c)
        .await?;
    row.map(|mut r| {
        Ok(OneTimeLink {
            token_hash: col(&mut r, "token_hash")?,
            user_id: UserId::from_raw(col::<String>(&mut r, "user_id")?),
            purpose: col(&mut r, "purpose")?,
            expires_at: col(&mut r, "expires_at")?,
            used_at: col(&mut r, "used_at")?,
            created_at: col(&mut r, "created_at")?,
        })
    })
    .transpose()
}

/// Marks a link used; false when it was already used (a race lost to another request).
pub async fn consume_link(c: &mut Conn, token_hash: &str, now: i64) -> Result<bool> {
    let n =
        query("UPDATE one_time_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now)
            .bind(token_hash)
            .execute(c)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// Voids a user's unused links of every purpose: once the password changes, no reset or
/// first-login link issued before may set it again.
pub async fn void_links_of(c: &mut Conn, user: &UserId) -> Result<()> {
    query("DELETE FROM one_time_links WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.as_str())
        .execute(c)
        .await?;
    Ok(())
}

/// A user's presence status as stored (`available`, `away`, `busy`, `do_not_disturb`).
pub async fn presence(c: &mut Conn, user: &UserId) -> Result<Option<String>> {
    let row = query("SELECT status FROM presence WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(c)
        .await?;
    row.map(|mut r| col(&mut r, "status")).transpose()
}

pub async fn set_presence(c: &mut Conn, user: &UserId, status: &str, now: i64) -> Result<()> {
    query("DELETE FROM presence WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    query("INSERT INTO presence (user_id, status, updated_at) VALUES ($1, $2, $3)")
        .bind(user.as_str())
        .bind(status)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

/// The user's saved forwarding numbers, in the user's order.
pub async fn saved_numbers(c: &mut Conn, user: &UserId) -> Result<Vec<String>> {
    query("SELECT number FROM saved_numbers WHERE user_id = $1 ORDER BY position")
        .bind(user.as_str())
        .scalars(c)
        .await
}

pub async fn set_saved_numbers(c: &mut Conn, user: &UserId, numbers: &[String]) -> Result<()> {
    query("DELETE FROM saved_numbers WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *c)
        .await?;
    for (i, n) in numbers.iter().enumerate() {
        query("INSERT INTO saved_numbers (user_id, position, number) VALUES ($1, $2, $3)")
            .bind(user.as_str())
            .bind(i64::try_from(i).unwrap_or(i64::MAX))
            .bind(n.as_str())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// What a company's user list is narrowed to (the administrators' "All Lines → Users").
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the name, username, e-mail, extension or number, any case.
    pub text: Option<String>,
    pub department: Option<DepartmentId>,
    pub role: Option<Role>,
    pub enabled: Option<bool>,
    pub locked: Option<bool>,
}

/// `text` as a LIKE pattern matching it anywhere, with `%`, `_` and `\` taken literally.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// A page of a company's users narrowed by `f`, in id order like [`list_users`].
pub async fn search_users(
    c: &mut Conn,
    company: &CompanyId,
    f: &UserFilter,
    page: &Page,
) -> Result<(Vec<User>, Option<String>)> {
    let tri = |v: Option<bool>| v.map_or(-1, flag);
    let rows = query(
        "SELECT * FROM users WHERE company_id = $1 AND id > $2
           AND ($3 = '' OR department_id = $3)
           AND ($4 = '' OR role = $4)
           AND ($5 < 0 OR enabled = $5)
           AND ($6 < 0 OR locked = $6)
           AND ($7 = '' OR LOWER(name) LIKE $7 ESCAPE '\\' OR LOWER(username) LIKE $7 ESCAPE '\\'
             OR LOWER(email) LIKE $7 ESCAPE '\\'
             OR id IN (SELECT l.user_id FROM lines l WHERE l.company_id = $1
                 AND (l.extension LIKE $7 ESCAPE '\\' OR l.id IN (SELECT n.line_id FROM numbers n
                     WHERE n.company_id = $1 AND n.e164 LIKE $7 ESCAPE '\\'))))
         ORDER BY id LIMIT $8",
    )
    .bind(company.as_str())
    .bind(page.after_text())
    .bind(f.department.as_ref().map_or("", |d| d.as_str()))
    .bind(f.role.map_or("", Role::as_str))
    .bind(tri(f.enabled))
    .bind(tri(f.locked))
    .bind(
        f.text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(contains_pattern)
            .unwrap_or_default(),
    )
    .bind(page.probe())
    .fetch_all(c)
    .await?;
    let items = rows.into_iter().map(user).collect::<Result<Vec<_>>>()?;
    Ok(finish_page(items, page, |u| u.id.to_string()))
}
