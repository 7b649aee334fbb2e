//! What a portal page needs of the signed-in person and of the company it shows, read in as few
//! queries as the page's own work allows: every page asks for these, so they must cost little
//! (the portal's pages are measured against the REST API's in `bench/portal`).

use crate::authz::Need;
use crate::recent::{Epochs, Recent};
use crate::user_list::UserListEntry;
use crate::user_list::UserListFilter;
use crate::views::{DepartmentView, ListPage};
use crate::{Actor, App, AppError, AppResult, Page};
use sb_domain::ids::UserId;
use sb_domain::model::{Language, Role};
use sb_store::accounts;
use sb_store::tenancy::{self, Company};
use std::sync::{Arc, OnceLock};

/// The signed-in person as every page shows them: a name, a role, a tenant and a language.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub name: String,
    pub username: Option<String>,
    pub role: Role,
    /// The user's language, else their company's first language, else English.
    pub language: Language,
    pub company: Option<CompanyRef>,
    /// The branding their pages show (their company's over its reseller's, or their
    /// reseller's); none for the installation's administrators.
    pub brand: Option<sb_domain::branding::Effective>,
}

/// A company as a page names it: no counts (those cost a scan of its users and lines).
#[derive(Debug, Clone)]
pub struct CompanyRef {
    pub id: String,
    pub name: String,
    pub sip_domain: String,
    /// The packages offered to its users, for a user's package choice.
    pub offered_packages: Vec<String>,
}

/// The users list page's reads: its company, departments and users.
#[derive(Debug)]
pub struct UsersPage {
    pub company: CompanyRef,
    pub listed: Arc<Listed>,
}

/// What a users list page shows of a company besides its name: kept for a moment per company,
/// filter and page, and shared by every request that asks for it meanwhile.
#[derive(Debug)]
pub struct Listed {
    pub departments: Vec<DepartmentView>,
    pub users: ListPage<UserListEntry>,
    offered_packages: Vec<String>,
    /// What a front door made of this list, per language (the portal's rendered rows): it lives
    /// exactly as long as the list it was made from.
    made: [OnceLock<String>; 2],
}

impl Listed {
    /// The place for what a front door makes of this list in `lang`, made once.
    pub fn made(&self, lang: Language) -> &OnceLock<String> {
        &self.made[usize::from(lang == Language::Fr)]
    }
}

/// The portal's reads kept for a moment (see [`crate::recent`]).
#[derive(Default)]
pub(crate) struct PortalCache {
    people: Recent<UserId, PersonView>,
    lists: Recent<String, Arc<Listed>>,
}

impl App {
    /// The signed-in person for a page's header and language.
    pub async fn person(&self, actor: &Actor) -> AppResult<PersonView> {
        let (epochs, now) = (self.epochs(), self.now_ms());
        if let Some(p) = self.portal.people.get(&actor.user_id, epochs, now) {
            return Ok(p);
        }
        let p = self.read_person(actor).await?;
        self.portal
            .people
            .put(actor.user_id.clone(), epochs, now, p.clone());
        Ok(p)
    }

    fn epochs(&self) -> Epochs {
        (self.store.account_epoch(), self.store.config_epoch())
    }

    async fn read_person(&self, actor: &Actor) -> AppResult<PersonView> {
        let mut c = self.store.conn().await?;
        let u = accounts::locate_user(&mut c, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let company = match &u.company_id {
            Some(co) => tenancy::get_company(&mut c, co).await?,
            None => None,
        };
        let brand =
            crate::branding::brand_of(&mut c, company.as_ref(), u.reseller_id.as_ref()).await?;
        let language = u
            .language
            .or(company.as_ref().map(|c| c.first_language))
            .unwrap_or(Language::En);
        Ok(PersonView {
            name: u.name,
            username: u.username,
            role: u.role,
            language,
            company: company.map(|co| CompanyRef {
                id: co.id.to_string(),
                name: co.name,
                sip_domain: co.sip_domain,
                offered_packages: Vec::new(),
            }),
            brand,
        })
    }

    /// A company whose users the actor administers, as its pages name it.
    pub async fn company_ref(&self, actor: &Actor, company: &str) -> AppResult<CompanyRef> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        self.company_ref_of(&mut c, co).await
    }

    pub(crate) async fn company_ref_of(
        &self,
        c: &mut sb_store::Conn,
        co: Company,
    ) -> AppResult<CompanyRef> {
        let offered_packages = offered(c, &co).await?;
        Ok(CompanyRef {
            id: co.id.to_string(),
            name: co.name,
            sip_domain: co.sip_domain,
            offered_packages,
        })
    }

    /// The users list page of a company: the company, its departments (for the filter and each
    /// row's department) and a page of its users narrowed by `filter`.
    pub async fn users_page(
        &self,
        actor: &Actor,
        company: &str,
        filter: UserListFilter,
        page: Page,
    ) -> AppResult<UsersPage> {
        // Read before the list, so that a change landing meanwhile makes this entry stale.
        let (epochs, now) = (self.epochs(), self.now_ms());
        let mut c = self.store.conn().await?;
        // Who may see the list is decided on every request; only what it shows is kept.
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let key = format!("{}/{filter:?}/{:?}/{}", co.id, page.after, page.limit);
        let listed = match self.portal.lists.get(&key, epochs, now) {
            Some(l) => l,
            None => {
                let departments = tenancy::list_departments(&mut c, &co.id).await?;
                let l = Arc::new(Listed {
                    users: self.search_in(&mut c, &co, filter, page).await?,
                    offered_packages: offered(&mut c, &co).await?,
                    departments: departments
                        .iter()
                        .map(crate::directory::department_view)
                        .collect(),
                    made: Default::default(),
                });
                self.portal.lists.put(key, epochs, now, l.clone());
                l
            }
        };
        Ok(UsersPage {
            company: CompanyRef {
                id: co.id.to_string(),
                name: co.name,
                sip_domain: co.sip_domain,
                offered_packages: listed.offered_packages.clone(),
            },
            listed,
        })
    }
}

async fn offered(c: &mut sb_store::Conn, co: &Company) -> AppResult<Vec<String>> {
    Ok(tenancy::offered_packages(c, &co.id)
        .await?
        .iter()
        .map(ToString::to_string)
        .collect())
}

/// A department's calls in progress now, as the SIP engine counts them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct DepartmentCallsView {
    pub department_id: String,
    /// Calls in progress now that count against the department (its call policy's limit).
    pub calls: i64,
}

impl App {
    /// Each department's calls in progress now, for the company's administrators and providers;
    /// zero for every department when no SIP engine runs in this process.
    pub async fn department_calls(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<Vec<DepartmentCallsView>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let live = self.live.get().and_then(std::sync::Weak::upgrade);
        Ok(tenancy::list_departments(&mut c, &co.id)
            .await?
            .into_iter()
            .map(|d| DepartmentCallsView {
                calls: live.as_ref().map_or(0, |l| l.department_calls(&d.id)),
                department_id: d.id.to_string(),
            })
            .collect())
    }
}
