//! The company's users ("All Lines → Users", "Administration → Users"): the
//! list with search, filters and paging, adding a user, and what every page about one user
//! shares (the tabs, the "Acting for" banner of a provider working for a customer).
//!
//! The same pages serve a company administrator (their own company) and a reseller or system
//! administrator acting for a customer: `/admin/companies/{company}/users…`. Which company and
//! which user someone may see is decided by the use cases (`sb_app::authz`); another tenant's
//! user is a 404.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::person::CompanyRef;
use sb_app::user_list::{UserListEntry, UserListFilter};
use sb_app::views::{DepartmentView, PackageView, UserInput, UserView};
use sb_domain::model::{Language, Role};
use serde::Deserialize;

/// Users per page of the list.
const PAGE_SIZE: i64 = 50;

/// The company a page is about, and the customer's name when the signed-in person acts for it.
#[derive(Clone)]
pub struct Place {
    pub id: String,
    pub acting_for: Option<String>,
    /// The company's offered packages, for the package choice.
    pub offered: Vec<String>,
}

impl Place {
    pub fn users_path(&self) -> String {
        format!("/admin/companies/{}/users", self.id)
    }
}

pub fn place_of(session: &Session, co: CompanyRef) -> Place {
    let own = session.me.company.as_ref().is_some_and(|m| m.id == co.id);
    Place {
        acting_for: (!own).then(|| co.name.clone()),
        id: co.id,
        offered: co.offered_packages,
    }
}

/// The company of a page, for someone who administers it.
pub async fn company_place(s: &WebState, session: &Session, id: &str) -> Result<Place, AppError> {
    let co = s.app.company_ref(&session.actor, id).await?;
    Ok(place_of(session, co))
}

/// The company and one of its users; a user of another company is not found.
pub async fn user_place(
    s: &WebState,
    session: &Session,
    company: &str,
    user: &str,
) -> Result<(Place, UserView), AppError> {
    let place = company_place(s, session, company).await?;
    let u = s.app.get_user(&session.actor, user).await?;
    if u.company_id.as_deref() != Some(place.id.as_str()) {
        return Err(AppError::NotFound);
    }
    Ok((place, u))
}

#[derive(Template)]
#[template(path = "company_error.html")]
struct ErrorPage {
    c: Chrome,
}

/// The page for a company or user that cannot be shown: 404 for another tenant's (or nothing),
/// 403 for a role that may not, else 500.
pub fn error_page(session: &Session, here: &str, e: &AppError) -> Response {
    let (status, key) = match e {
        AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "co_forbidden"),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "error"),
    };
    let title = crate::i18n::t(session.me.language, key);
    let mut c = Chrome::signed_in(session, title, here);
    c.alert = Some(title.to_owned());
    render(status, &ErrorPage { c })
}

/// A refused change as the alert says it: the text of the app's stable code when the portal has
/// one (`i18n::errors`), else the app's own sentence.
pub fn refusal(lang: Language, e: &AppError) -> String {
    format!(
        "{} {}",
        crate::i18n::t(lang, "co_not_saved"),
        crate::i18n::errors::refusal_text(lang, e)
    )
}

/// A posted form as name/value pairs (several forms of a page share one handler).
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
    /// The trimmed value, `None` when empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
    /// A ticked checkbox.
    pub fn on(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v != "0")
    }
}

/// The messages a finished change may show after its redirect (`?done=`); anything else shows
/// nothing.
pub const DONE: &[&str] = &[
    "co_saved",
    "co_user_added",
    "co_user_enabled",
    "co_user_disabled",
    "co_user_unlocked",
    "co_password_set",
    "co_user_deleted",
    "co_pin_cleared",
    "co_pin_set",
    "co_pin_unlocked",
    "co_greeting_saved",
    "co_greeting_deleted",
];

pub fn done_text(c: &Chrome, done: Option<&str>) -> Option<String> {
    let key = done?;
    DONE.contains(&key).then(|| c.t(key).to_owned())
}

/// An option of a select: value, shown text, chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn choices(list: &[(&str, &str)], c: &Chrome, chosen: &str) -> Vec<Choice> {
    list.iter()
        .map(|(v, key)| Choice {
            value: (*v).to_owned(),
            label: c.t(key).to_owned(),
            selected: *v == chosen,
        })
        .collect()
}

pub fn department_choices(deps: &[DepartmentView], chosen: Option<&str>) -> Vec<Choice> {
    deps.iter()
        .map(|d| Choice {
            value: d.id.clone(),
            label: d.name.clone(),
            selected: chosen == Some(d.id.as_str()),
        })
        .collect()
}

/// The packages offered to the company, among those the actor may read.
pub async fn package_choices(
    s: &WebState,
    session: &Session,
    place: &Place,
    chosen: Option<&str>,
) -> Vec<Choice> {
    let all: Vec<PackageView> = s
        .app
        .list_packages(&session.actor)
        .await
        .unwrap_or_default();
    all.into_iter()
        .filter(|p| place.offered.contains(&p.id))
        .map(|p| Choice {
            selected: chosen == Some(p.id.as_str()),
            value: p.id,
            label: p.name,
        })
        .collect()
}

/// Percent-encoding of a query value.
pub fn enc(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---- the list ----

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    enabled: String,
    #[serde(default)]
    locked: String,
    #[serde(default)]
    after: String,
    done: Option<String>,
}

impl ListQuery {
    fn filter(&self) -> UserListFilter {
        let yes_no = |v: &str| match v {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        UserListFilter {
            text: Some(self.q.trim().to_owned()).filter(|t| !t.is_empty()),
            department_id: Some(self.department.clone()).filter(|d| !d.is_empty()),
            role: Role::from_text(&self.role),
            enabled: yes_no(&self.enabled),
            locked: yes_no(&self.locked),
        }
    }

    /// The query as the list reads it (text trimmed, unknown choices as "any"), so that what the
    /// page shows is what the kept list was made from.
    fn normalized(mut self) -> Self {
        let f = self.filter();
        self.q = f.text.unwrap_or_default();
        self.role = f.role.map(|r| r.as_str().to_owned()).unwrap_or_default();
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "yes".to_owned(),
            Some(false) => "no".to_owned(),
            None => String::new(),
        };
        self.enabled = yes_no(f.enabled);
        self.locked = yes_no(f.locked);
        self
    }

    /// The query of this list without the cursor, for the paging links.
    fn kept(&self) -> String {
        format!(
            "q={}&department={}&role={}&enabled={}&locked={}",
            enc(&self.q),
            enc(&self.department),
            enc(&self.role),
            enc(&self.enabled),
            enc(&self.locked)
        )
    }
}

pub struct Row {
    pub href: String,
    pub name: String,
    pub username: String,
    pub extensions: String,
    pub numbers: String,
    pub role: &'static str,
    pub department: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "company_users.html")]
struct ListPage<'a> {
    c: Chrome,
    place: Place,
    /// Filters, table and paging: made once per list kept by the use case and language.
    list: &'a str,
}

/// The part of the users page that grows with the list (the filters, the rows, the paging): it
/// is made once per list kept by the use case (and language) rather than on every request.
#[derive(Template)]
#[template(path = "company_users_list.html")]
struct ListBody<'a> {
    lang: Language,
    users_path: String,
    q: &'a str,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
    enabled: Vec<Choice>,
    locked: Vec<Choice>,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
}

impl ListBody<'_> {
    fn t<'a>(&self, key: &'a str) -> &'a str {
        crate::i18n::t(self.lang, key)
    }
}

/// Choices labelled with texts of `lang`.
fn choices_in(list: &[(&str, &'static str)], lang: Language, chosen: &str) -> Vec<Choice> {
    list.iter()
        .map(|(v, key)| Choice {
            value: (*v).to_owned(),
            label: crate::i18n::t(lang, key).to_owned(),
            selected: *v == chosen,
        })
        .collect()
}

/// The filters, rows and paging of a list (none when the filter was refused).
fn list_body(
    lang: Language,
    place: &Place,
    q: &ListQuery,
    deps: &[DepartmentView],
    listed: Option<&sb_app::person::Listed>,
) -> String {
    let here = place.users_path();
    let yes_no = [("", "co_any"), ("yes", "co_yes"), ("no", "co_no")];
    let roles = [
        ("", "co_any"),
        ("company_admin", "company_admin"),
        ("end_user", "end_user"),
    ];
    let body = ListBody {
        lang,
        q: &q.q,
        departments: department_choices(deps, Some(q.department.as_str())),
        roles: choices_in(&roles, lang, &q.role),
        enabled: choices_in(&yes_no, lang, &q.enabled),
        locked: choices_in(&yes_no, lang, &q.locked),
        rows: listed.map_or(Vec::new(), |l| {
            l.users.items.iter().map(|e| row(place, deps, e)).collect()
        }),
        next: listed
            .and_then(|l| l.users.next_cursor.as_ref())
            .map(|n| format!("{here}?{}&after={}", q.kept(), enc(n))),
        first: (!q.after.is_empty()).then(|| format!("{here}?{}", q.kept())),
        users_path: here,
    };
    body.render().unwrap_or_default()
}

fn row(place: &Place, deps: &[DepartmentView], e: &UserListEntry) -> Row {
    let u = &e.user;
    Row {
        href: format!("{}/{}/profile", place.users_path(), u.id),
        extensions: e
            .lines
            .iter()
            .map(|l| l.extension.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        numbers: e
            .lines
            .iter()
            .flat_map(|l| l.numbers.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(", "),
        role: if u.role == Role::CompanyAdmin {
            "company_admin"
        } else {
            "end_user"
        },
        department: u
            .department_id
            .as_ref()
            .and_then(|d| deps.iter().find(|x| &x.id == d))
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        status: match (u.locked, u.enabled) {
            (true, _) => "locked_short",
            (false, true) => "enabled",
            (false, false) => "disabled_short",
        },
        username: u.username.clone().unwrap_or_default(),
        name: u.name.clone(),
    }
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(company): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{company}/users");
    let page = sb_app::Page {
        after: Some(q.after.clone()).filter(|a| !a.is_empty()),
        limit: PAGE_SIZE,
    };
    let q = q.normalized();
    let found = s
        .app
        .users_page(&session.actor, &company, q.filter(), page)
        .await;
    let lang = session.me.language;
    let (place, listed, refused) = match found {
        Ok(found) => (place_of(&session, found.company), Some(found.listed), None),
        // A filter the list refuses (too long, a malformed department): the page with the
        // reason and no rows.
        Err(e @ AppError::Invalid(_)) => match company_place(&s, &session, &company).await {
            Ok(p) => (p, None, Some(e)),
            Err(e) => return error_page(&session, &here, &e),
        },
        Err(e) => return error_page(&session, &here, &e),
    };
    let refused_list;
    let list = match &listed {
        // Made once per kept list and language, and borrowed from it after.
        Some(l) => l
            .made(lang)
            .get_or_init(|| list_body(lang, &place, &q, &l.departments, Some(l)))
            .as_str(),
        None => {
            let deps = s
                .app
                .list_departments(&session.actor, &place.id)
                .await
                .map(|d| d.items)
                .unwrap_or_default();
            refused_list = list_body(lang, &place, &q, &deps, None);
            refused_list.as_str()
        }
    };
    let title = crate::i18n::t(lang, "co_all_lines_users");
    let mut c = Chrome::signed_in(&session, title, &here);
    c.info = done_text(&c, q.done.as_deref());
    let status = match &refused {
        Some(e) => {
            c.alert = Some(refusal(c.lang, e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    render(status, &ListPage { c, place, list })
}

/// `/admin/users`: a company administrator's own company's users.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match &session.me.company {
        Some(co) if session.actor.role == Role::CompanyAdmin => {
            Redirect::to(&format!("/admin/companies/{}/users", co.id)).into_response()
        }
        _ => Redirect::to(session::home_of(session.actor.role)).into_response(),
    }
}

// ---- adding a user ----

#[derive(Template)]
#[template(path = "company_user_new.html")]
struct NewPage {
    c: Chrome,
    place: Place,
    name: String,
    email: String,
    username: String,
    admin: bool,
    departments: Vec<Choice>,
    packages: Vec<Choice>,
    languages: Vec<Choice>,
}

/// The first-login or reset link to hand over when no mail server sent it.
#[derive(Template)]
#[template(path = "company_user_link.html")]
struct LinkPage {
    c: Chrome,
    place: Place,
    back: String,
    url: Option<String>,
    emailed: bool,
}

pub const LANGUAGE_CHOICES: [(&str, &str); 3] = [
    ("", "co_company_language"),
    ("en", "co_english"),
    ("fr", "co_french"),
];

async fn new_page(
    s: &WebState,
    session: &Session,
    place: Place,
    f: Option<&Fields>,
    alert: Option<String>,
) -> Response {
    let here = format!("{}/new", place.users_path());
    let mut c = Chrome::signed_in(
        session,
        crate::i18n::t(session.me.language, "co_add_user"),
        &here,
    );
    let status = if alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    c.alert = alert;
    let get = |k: &str| f.map(|f| f.get(k).to_owned()).unwrap_or_default();
    let deps = s
        .app
        .list_departments(&session.actor, &place.id)
        .await
        .map(|d| d.items)
        .unwrap_or_default();
    let dep = get("department");
    let pkg = get("package");
    let packages = package_choices(s, session, &place, Some(&pkg)).await;
    let page = NewPage {
        departments: department_choices(&deps, Some(&dep)),
        packages,
        languages: choices(&LANGUAGE_CHOICES, &c, &get("language")),
        name: get("name"),
        email: get("email"),
        username: get("username"),
        admin: get("admin") == "yes",
        c,
        place,
    };
    render(status, &page)
}

pub async fn new_form(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(company): Path<String>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match company_place(&s, &session, &company).await {
        Ok(place) => new_page(&s, &session, place, None, None).await,
        Err(e) => error_page(
            &session,
            &format!("/admin/companies/{company}/users/new"),
            &e,
        ),
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(company): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let session = match session::changing(&s, &headers, f.get("csrf"), false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let place = match company_place(&s, &session, &company).await {
        Ok(p) => p,
        Err(e) => return error_page(&session, &format!("/admin/companies/{company}/users"), &e),
    };
    let input = UserInput {
        name: f.get("name").trim().to_owned(),
        email: f.opt("email"),
        username: f.opt("username"),
        password: Some(f.get("password").to_owned()).filter(|p| !p.is_empty()),
        role: if f.get("admin") == "yes" {
            Role::CompanyAdmin
        } else {
            Role::EndUser
        },
        department_id: f.opt("department"),
        package_id: f.opt("package"),
        language: Language::from_text(f.get("language")),
    };
    match s.app.create_user(&session.actor, &place.id, input).await {
        Ok(created) => {
            let profile = format!("{}/{}/profile", place.users_path(), created.user.id);
            match created.first_login {
                Some(link) => link_page(&session, place, profile, link.url, link.emailed),
                None => Redirect::to(&format!("{profile}?done=co_user_added")).into_response(),
            }
        }
        Err(e) => {
            let alert = refusal(session.me.language, &e);
            new_page(&s, &session, place, Some(&f), Some(alert)).await
        }
    }
}

/// The page that hands over a one-time link (shown once), or says it was mailed.
pub fn link_page(
    session: &Session,
    place: Place,
    back: String,
    url: Option<String>,
    emailed: bool,
) -> Response {
    let title = crate::i18n::t(session.me.language, "co_link_title");
    let c = Chrome::signed_in(session, title, &back);
    render(
        StatusCode::OK,
        &LinkPage {
            c,
            place,
            back,
            url,
            emailed,
        },
    )
}

// ---- what the pages about one user share ----

pub struct Tab {
    pub href: String,
    pub key: &'static str,
    pub current: bool,
}

/// The user's tabs, the current one marked.
pub const TABS: [(&str, &str); 6] = [
    ("profile", "co_tab_profile"),
    ("calls", "co_tab_calls"),
    ("device", "co_tab_device"),
    ("notifications", "co_tab_notifications"),
    ("voicemail", "co_tab_voicemail"),
    ("messages", "co_tab_messages"),
];

pub fn tabs(place: &Place, user: &str, current: &str) -> Vec<Tab> {
    TABS.iter()
        .map(|(slug, key)| Tab {
            href: format!("{}/{user}/{slug}", place.users_path()),
            key,
            current: *slug == current,
        })
        .collect()
}

/// The user's line a tab is about: the one asked for (when it is the user's), else the user's
/// default, else their first; with the choice among them when there are several.
pub async fn user_line(
    s: &WebState,
    session: &Session,
    u: &UserView,
    asked: Option<&str>,
) -> Result<(Option<sb_app::views::LineView>, Vec<Choice>), AppError> {
    let mine = s.app.lines_of_user(&session.actor, &u.id).await?;
    Ok(pick_line(mine, u, asked))
}

/// The line a tab shows among the user's `mine`: the one asked for, else the default line,
/// else the first; and the choice of lines when there are several.
pub fn pick_line(
    mut mine: Vec<sb_app::views::LineView>,
    u: &UserView,
    asked: Option<&str>,
) -> (Option<sb_app::views::LineView>, Vec<Choice>) {
    let by = |id: Option<&str>| mine.iter().position(|l| Some(l.id.as_str()) == id);
    let picked = by(asked)
        .or_else(|| by(u.default_line_id.as_deref()))
        .or((!mine.is_empty()).then_some(0));
    let choices = if mine.len() > 1 {
        mine.iter()
            .enumerate()
            .map(|(i, l)| Choice {
                value: l.id.clone(),
                label: l.extension.clone(),
                selected: Some(i) == picked,
            })
            .collect()
    } else {
        Vec::new()
    };
    (picked.map(|i| mine.swap_remove(i)), choices)
}

/// The user's line a form names; another line (or none) is not found.
pub async fn named_line(
    s: &WebState,
    session: &Session,
    u: &UserView,
    id: &str,
) -> Result<sb_app::views::LineView, AppError> {
    match user_line(s, session, u, Some(id)).await? {
        (Some(l), _) if l.id == id => Ok(l),
        _ => Err(AppError::NotFound),
    }
}

/// What the tab pages take from the query string.
#[derive(Deserialize, Default)]
pub struct TabQuery {
    pub done: Option<String>,
    /// Which of the user's lines (Calls, Voicemail).
    pub line: Option<String>,
    /// The explain panel's caller.
    pub caller: Option<String>,
    #[serde(default)]
    pub anonymous: Option<String>,
    /// The call log's filter and cursor (Messages & calls).
    pub direction: Option<String>,
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys the company pages' Rust code asks for (done messages, tabs, choices) exist in both
    /// languages: the template test reads only templates.
    #[test]
    fn every_key_the_company_modules_ask_for_exists_in_both_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut asked = 0;
        for file in [
            "users.rs",
            "user_profile.rs",
            "calls.rs",
            "mailbox.rs",
            "messages.rs",
            "device.rs",
        ] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            for key in text
                .split("\"co_")
                .skip(1)
                .map(|r| r.split('"').next().unwrap())
            {
                if key.is_empty() || key.ends_with('_') || key.contains('{') {
                    continue; // this test's own pattern, or a prefix (`co_err_{code}`)
                }
                let key = format!("co_{key}");
                asked += 1;
                for lang in [Language::En, Language::Fr] {
                    assert_ne!(crate::i18n::t(lang, &key), key, "{key} in {file}");
                }
            }
        }
        assert!(asked > 40, "the modules were read");
    }

    #[test]
    fn a_refusal_speaks_the_pages_language_for_known_codes() {
        let e = AppError::invalid("pin_too_easy", "pin", "This PIN is too easy to guess.");
        assert!(refusal(Language::Fr, &e).contains("trop facile"));
        let other = AppError::invalid("some_new_code", "x", "Plain words.");
        assert!(refusal(Language::En, &other).ends_with("Plain words."));
    }
}
