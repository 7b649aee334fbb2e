//! The administrators' list of a company's users ("All Lines → Users"): search,
//! filters and each user's lines in one page; and the lines of one user, for the user's pages.

use crate::authz::{Actor, Need};
use crate::directory::{body_id, line_view, user_view_owned};
use crate::views::{LineView, ListPage, UserView};
use crate::{App, AppError, AppResult};
use sb_domain::ids::DepartmentId;
use sb_domain::model::Role;
use sb_store::accounts::{self, UserFilter};
use sb_store::lines;
use sb_store::tenancy::Company;
use sb_store::{Conn, Page};

/// What the list is narrowed to; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct UserListFilter {
    /// Part of the name, username, e-mail, extension or number, any case.
    pub text: Option<String>,
    pub department_id: Option<String>,
    pub role: Option<Role>,
    pub enabled: Option<bool>,
    pub locked: Option<bool>,
}

impl UserListFilter {
    /// The filters of a query string (`q`, `department_id`, `role`, `enabled`, `locked`, the last
    /// two `true` or `false`); `None` when it has none.
    pub fn from_query(pairs: &[(String, String)]) -> AppResult<Option<Self>> {
        let mut f = Self::default();
        let mut any = false;
        let flag = |field: &str, v: &str| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(AppError::invalid(
                "invalid_flag",
                field,
                format!("{field} is true or false."),
            )),
        };
        for (k, v) in pairs {
            match k.as_str() {
                "q" => f.text = Some(v.clone()),
                "department_id" => f.department_id = Some(v.clone()),
                "role" => {
                    f.role = Some(Role::from_text(v).ok_or_else(|| {
                        AppError::invalid(
                            "invalid_role",
                            "role",
                            "role is company_admin or end_user.",
                        )
                    })?);
                }
                "enabled" => f.enabled = Some(flag("enabled", v)?),
                "locked" => f.locked = Some(flag("locked", v)?),
                _ => continue,
            }
            any = true;
        }
        Ok(any.then_some(f))
    }
}

/// One line of a user as the list shows it.
#[derive(Debug, Clone)]
pub struct LineBrief {
    pub id: String,
    pub extension: String,
    pub numbers: Vec<String>,
}

/// A user of the list, with their lines.
#[derive(Debug, Clone)]
pub struct UserListEntry {
    pub user: UserView,
    pub lines: Vec<LineBrief>,
}

/// The longest search text: more is no name, number or address anyone types.
const MAX_TEXT: usize = 100;

impl App {
    /// A page of a company's users narrowed by `filter`, for its administrators and providers.
    pub async fn search_users(
        &self,
        actor: &Actor,
        company: &str,
        filter: UserListFilter,
        page: Page,
    ) -> AppResult<ListPage<UserListEntry>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        self.search_in(&mut c, &co, filter, page).await
    }

    /// A page of `co`'s users narrowed by `filter`, for an actor already allowed to see them.
    pub(crate) async fn search_in(
        &self,
        c: &mut Conn,
        co: &Company,
        filter: UserListFilter,
        page: Page,
    ) -> AppResult<ListPage<UserListEntry>> {
        if filter.text.as_ref().is_some_and(|t| t.len() > MAX_TEXT) {
            return Err(AppError::invalid(
                "too_long",
                "q",
                "Search for at most 100 characters.",
            ));
        }
        let department = filter
            .department_id
            .as_deref()
            .map(|d| body_id("department_id", d).map(|d| DepartmentId::from_raw(d.to_owned())))
            .transpose()?;
        let f = UserFilter {
            text: filter.text,
            department,
            role: filter.role,
            enabled: filter.enabled,
            locked: filter.locked,
        };
        let (users, next_cursor) = accounts::search_users(c, &co.id, &f, &page).await?;
        let mut found = match (users.first(), users.last()) {
            (Some(first), Some(last)) => {
                lines::lines_of_users_between(c, &co.id, &first.id, &last.id).await?
            }
            _ => Vec::new(),
        };
        let items = users
            .into_iter()
            .map(|u| {
                let mine = found
                    .extract_if(.., |(l, _)| l.user_id.as_ref() == Some(&u.id))
                    .map(|(l, numbers)| LineBrief {
                        id: l.id.to_string(),
                        extension: l.extension,
                        numbers,
                    })
                    .collect();
                UserListEntry {
                    user: user_view_owned(u),
                    lines: mine,
                }
            })
            .collect();
        Ok(ListPage { items, next_cursor })
    }

    /// The lines of a user, for the user and the company's administrators.
    pub async fn lines_of_user(&self, actor: &Actor, user: &str) -> AppResult<Vec<LineView>> {
        let mut c = self.store.conn().await?;
        let u = self.user_for(&mut c, actor, user, Need::See).await?;
        let Some(co) = &u.company_id else {
            return Ok(Vec::new());
        };
        let mut views = Vec::new();
        for l in lines::lines_of_user(&mut c, co, &u.id).await? {
            let nums = lines::numbers_of_line(&mut c, co, &l.id).await?;
            views.push(line_view(&l, nums));
        }
        Ok(views)
    }
}
