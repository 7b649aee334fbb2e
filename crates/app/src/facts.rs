//! The settings the SIP engine reads on every call (the company, its departments, the calling
//! and the called line with their user, package, presence and call handling, the trunks), kept
//! in memory between calls.
//!
//! Without it a call set-up costs some twenty reads. Every entry is dropped as soon as a change
//! to settings commits through this process ([`sb_store::Store::config_epoch`]), so a change made
//! through the API or a portal holds from the very next call; an entry also lives at most
//! [`TTL`], which bounds how long a change made by another process (an import, another node on
//! the same database) takes to reach calls here.

use crate::barring::CompanyBarring;
use crate::sip_line::SipLine;
use crate::{App, AppResult};
use parking_lot::Mutex;
use sb_domain::ids::{CompanyId, LineId};
use sb_domain::model::Feature;
use sb_domain::routing::mailbox::MailboxPlan;
use sb_domain::routing::{Handling, Presence};
use sb_store::accounts::User;
use sb_store::lines::Line;
use sb_store::tenancy::{Company, Department};
use sb_store::trunks::Trunk;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long an entry serves at most.
pub(crate) const TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; past it, the expired ones go, and all of them if that is not enough.
const MAX_ENTRIES: usize = 200_000;

/// What a call to a line needs to know of it.
#[derive(Debug)]
pub(crate) struct Target {
    pub line: Line,
    pub user: Option<User>,
    pub features: Vec<Feature>,
    pub presence: Presence,
    pub handling: Handling,
    pub sip_line: SipLine,
    /// What a call that reaches this line's mailbox hears and may leave.
    pub mailbox: MailboxPlan,
}

/// Where a number (DID) leads: its line and company, and whether it is the line's fax number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberRoute {
    pub line: LineId,
    pub company: CompanyId,
    pub fax: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Company(CompanyId),
    Departments(CompanyId),
    /// A company's extension: which line has it.
    Extension(CompanyId, String),
    Target(LineId),
    /// A line as the SIP engine sees it, without its call handling.
    SipLine(LineId),
    /// A SIP domain and username: the line that authenticates as it.
    Account(String, String),
    BridgeNumber(CompanyId),
    /// A number (DID), as written: the line it rings, with its company.
    Number(String),
    /// A number, as written: the company whose conference bridge it is.
    BridgeOf(String),
    Trunks,
    /// What a company and its departments bar.
    Barring(CompanyId),
}

impl Key {
    /// Longest text in a key that is kept: dialled strings and numbers come off the wire, and
    /// no extension, number or SIP username is longer.
    const MAX_TEXT: usize = 64;

    fn cacheable(&self) -> bool {
        match self {
            Key::Extension(_, t) | Key::Number(t) | Key::BridgeOf(t) => t.len() <= Self::MAX_TEXT,
            Key::Account(d, u) => d.len() <= 255 && u.len() <= Self::MAX_TEXT,
            _ => true,
        }
    }
}

#[derive(Debug, Clone)]
enum Fact {
    Company(Option<Arc<Company>>),
    Departments(Arc<Vec<Department>>),
    Line(Option<LineId>),
    Target(Option<Arc<Target>>),
    SipLine(Option<Arc<SipLine>>),
    Number(Option<String>),
    NumberLine(Option<NumberRoute>),
    BridgeCompany(Option<CompanyId>),
    Trunks(Arc<Vec<Trunk>>),
    Barring(Arc<CompanyBarring>),
}

#[derive(Default)]
struct Table {
    epoch: u64,
    entries: HashMap<Key, (Fact, Instant)>,
}

/// The in-memory facts (see the module documentation).
#[derive(Default)]
pub(crate) struct Facts {
    table: Mutex<Table>,
}

impl Facts {
    fn get(&self, epoch: u64, key: &Key) -> Option<Fact> {
        let mut t = self.table.lock();
        if epoch != t.epoch {
            // Only forward: a reader that loaded the epoch before a change must not bring
            // back what the change dropped.
            if epoch > t.epoch {
                t.entries.clear();
                t.epoch = epoch;
            }
            return None;
        }
        let (fact, at) = t.entries.get(key)?;
        (at.elapsed() < TTL).then(|| fact.clone())
    }

    /// Keeps `fact`, read while `epoch` was current, unless a change has committed since (the
    /// read may predate it).
    fn put(&self, epoch: u64, key: Key, fact: Fact) {
        let mut t = self.table.lock();
        if t.epoch != epoch {
            return;
        }
        if t.entries.len() >= MAX_ENTRIES {
            t.entries.retain(|_, (_, at)| at.elapsed() < TTL);
            if t.entries.len() >= MAX_ENTRIES {
                t.entries.clear();
            }
        }
        t.entries.insert(key, (fact, Instant::now()));
    }
}

impl App {
    /// The fact under `key`, from memory or else from `load`.
    async fn fact<F, Fut>(&self, key: Key, load: F) -> AppResult<Fact>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<Fact>>,
    {
        if !key.cacheable() {
            return load().await;
        }
        let epoch = self.store.config_epoch();
        if let Some(f) = self.facts.get(epoch, &key) {
            return Ok(f);
        }
        let f = load().await?;
        self.facts.put(epoch, key, f.clone());
        Ok(f)
    }

    pub(crate) async fn company_fact(
        &self,
        c: &mut sb_store::Conn,
        id: &CompanyId,
    ) -> AppResult<Option<Arc<Company>>> {
        let f = self
            .fact(Key::Company(id.clone()), || async {
                let co = sb_store::tenancy::get_company(c, id).await?;
                Ok(Fact::Company(co.map(Arc::new)))
            })
            .await?;
        Ok(match f {
            Fact::Company(co) => co,
            _ => None,
        })
    }

    pub(crate) async fn departments_fact(
        &self,
        c: &mut sb_store::Conn,
        company: &CompanyId,
    ) -> AppResult<Arc<Vec<Department>>> {
        let f = self
            .fact(Key::Departments(company.clone()), || async {
                let list = sb_store::tenancy::list_departments(c, company).await?;
                Ok(Fact::Departments(Arc::new(list)))
            })
            .await?;
        Ok(match f {
            Fact::Departments(d) => d,
            _ => Arc::default(),
        })
    }

    /// The line with `extension` in `company`.
    pub(crate) async fn extension_fact(
        &self,
        c: &mut sb_store::Conn,
        company: &CompanyId,
        extension: &str,
    ) -> AppResult<Option<LineId>> {
        let key = Key::Extension(company.clone(), extension.to_owned());
        let f = self
            .fact(key, || async {
                let l = sb_store::lines::line_by_extension(c, company, extension).await?;
                Ok(Fact::Line(l.map(|l| l.id)))
            })
            .await?;
        Ok(match f {
            Fact::Line(l) => l,
            _ => None,
        })
    }

    /// What a call to `line` needs to know (None when the line does not exist).
    pub(crate) async fn target_fact(
        &self,
        c: &mut sb_store::Conn,
        line: &LineId,
    ) -> AppResult<Option<Arc<Target>>> {
        let f = self
            .fact(Key::Target(line.clone()), || async {
                let Some(l) = sb_store::lines::locate_line(c, line).await? else {
                    return Ok(Fact::Target(None));
                };
                let Some(co) = self.company_fact(c, &l.company_id).await? else {
                    return Ok(Fact::Target(None));
                };
                let t = self.target_of(c, &co, l).await?;
                Ok(Fact::Target(Some(Arc::new(t))))
            })
            .await?;
        Ok(match f {
            Fact::Target(t) => t,
            _ => None,
        })
    }

    /// A line as the SIP engine sees it (for busy lamps and the voice portal, which need not
    /// read its call handling).
    pub(crate) async fn sip_line_fact(
        &self,
        c: &mut sb_store::Conn,
        line: &LineId,
    ) -> AppResult<Option<Arc<SipLine>>> {
        let f = self
            .fact(Key::SipLine(line.clone()), || async {
                let l = sb_store::lines::locate_line(c, line).await?;
                self.sip_line_as_fact(c, l).await
            })
            .await?;
        Ok(match f {
            Fact::SipLine(l) => l,
            _ => None,
        })
    }

    /// `line` as the SIP engine sees it (none when there is no line or its company is gone).
    async fn sip_line_as_fact(
        &self,
        c: &mut sb_store::Conn,
        line: Option<Line>,
    ) -> AppResult<Fact> {
        let Some(l) = line else {
            return Ok(Fact::SipLine(None));
        };
        let Some(co) = self.company_fact(c, &l.company_id).await? else {
            return Ok(Fact::SipLine(None));
        };
        let l = self.sip_line_of(c, &co, l).await?;
        Ok(Fact::SipLine(Some(Arc::new(l))))
    }

    /// The line that authenticates as `sip_username` in the company with `sip_domain`, when it
    /// is in service.
    pub(crate) async fn account_fact(
        &self,
        c: &mut sb_store::Conn,
        sip_domain: &str,
        sip_username: &str,
    ) -> AppResult<Option<Arc<SipLine>>> {
        let key = Key::Account(sip_domain.to_owned(), sip_username.to_owned());
        let f = self
            .fact(key, || async {
                let l = sb_store::lines::sip_account(c, sip_domain, sip_username)
                    .await?
                    .and_then(|(l, in_service)| in_service.then_some(l));
                self.sip_line_as_fact(c, l).await
            })
            .await?;
        Ok(match f {
            Fact::SipLine(l) => l,
            _ => None,
        })
    }

    /// The company's conference bridge number, if it has one.
    pub(crate) async fn bridge_number_fact(
        &self,
        c: &mut sb_store::Conn,
        company: &CompanyId,
    ) -> AppResult<Option<String>> {
        let f = self
            .fact(Key::BridgeNumber(company.clone()), || async {
                Ok(Fact::Number(
                    sb_store::conferences::bridge_number(c, company).await?,
                ))
            })
            .await?;
        Ok(match f {
            Fact::Number(n) => n,
            _ => None,
        })
    }

    /// The line a number (DID) rings, and its company.
    pub(crate) async fn number_fact(
        &self,
        c: &mut sb_store::Conn,
        number: &str,
    ) -> AppResult<Option<NumberRoute>> {
        let f = self
            .fact(Key::Number(number.to_owned()), || async {
                let l = sb_store::lines::line_of_number(c, number).await?;
                Ok(Fact::NumberLine(l.map(|(l, fax)| NumberRoute {
                    line: l.id,
                    company: l.company_id,
                    fax,
                })))
            })
            .await?;
        Ok(match f {
            Fact::NumberLine(l) => l,
            _ => None,
        })
    }

    /// The company whose conference bridge answers `number`.
    pub(crate) async fn bridge_company_fact(
        &self,
        c: &mut sb_store::Conn,
        number: &str,
    ) -> AppResult<Option<CompanyId>> {
        let f = self
            .fact(Key::BridgeOf(number.to_owned()), || async {
                Ok(Fact::BridgeCompany(
                    sb_store::conferences::company_of_bridge(c, number).await?,
                ))
            })
            .await?;
        Ok(match f {
            Fact::BridgeCompany(co) => co,
            _ => None,
        })
    }

    /// What `company` and its departments bar (call barring against toll fraud).
    pub(crate) async fn barring_fact(
        &self,
        c: &mut sb_store::Conn,
        company: &CompanyId,
    ) -> AppResult<Arc<CompanyBarring>> {
        let f = self
            .fact(Key::Barring(company.clone()), || async {
                Ok(Fact::Barring(Arc::new(
                    crate::barring::load(c, company).await?,
                )))
            })
            .await?;
        Ok(match f {
            Fact::Barring(b) => b,
            // Unreachable by construction; barring everything is the safe answer if not.
            _ => Arc::new(CompanyBarring {
                company: sb_domain::barring::Bars {
                    all_outside: true,
                    ..Default::default()
                },
                departments: Default::default(),
            }),
        })
    }

    /// Every trunk of the installation and of its companies.
    pub(crate) async fn trunks_fact(&self) -> AppResult<Arc<Vec<Trunk>>> {
        let f = self
            .fact(Key::Trunks, || async {
                let mut c = self.store.conn().await?;
                // The engine needs the carrier's password and key in clear; only memory has them.
                let key = &self.cfg.secret_key;
                let trunks = sb_store::trunks::all(&mut c)
                    .await?
                    .into_iter()
                    .map(|t| crate::at_rest::opened_trunk(key, t))
                    .collect::<AppResult<Vec<_>>>()?;
                Ok(Fact::Trunks(Arc::new(trunks)))
            })
            .await?;
        Ok(match f {
            Fact::Trunks(t) => t,
            _ => Arc::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialled_strings_longer_than_any_extension_or_number_are_not_kept() {
        let co = CompanyId::from_raw("co".to_owned());
        assert!(Key::Extension(co.clone(), "201".into()).cacheable());
        assert!(Key::Number("+15550000002".into()).cacheable());
        let long = "9".repeat(Key::MAX_TEXT + 1);
        assert!(!Key::Extension(co, long.clone()).cacheable());
        assert!(!Key::Number(long.clone()).cacheable());
        assert!(!Key::BridgeOf(long).cacheable());
    }

    #[test]
    fn a_fact_read_before_a_change_committed_is_not_kept() {
        let f = Facts::default();
        assert!(f.get(0, &Key::Trunks).is_none());
        f.put(0, Key::Trunks, Fact::Trunks(Arc::default()));
        assert!(f.get(0, &Key::Trunks).is_some());
        // A change commits: everything goes, and a read that began before it is not stored.
        assert!(f.get(1, &Key::Trunks).is_none());
        f.put(0, Key::Trunks, Fact::Trunks(Arc::default()));
        assert!(f.get(1, &Key::Trunks).is_none());
        f.put(1, Key::Trunks, Fact::Trunks(Arc::default()));
        assert!(f.get(1, &Key::Trunks).is_some());
    }
}
