//! Call barring against toll fraud (issue 14): providers and resellers set what a company may
//! call (international, premium-rate, any outside number); company administrators bar more per
//! department. The SIP engine applies it to every call that would leave through a trunk, dialled
//! or redirected, and the routing decision shows a barred redirect in the explanation.

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::{App, AppResult};
use sb_domain::barring::Bars;
use sb_domain::ids::{CompanyId, DepartmentId};
use sb_domain::model::AuditKind;
use sb_store::Conn;
use sb_store::barring as store;
use sb_store::tenancy::{Company, Department};
use serde::Serialize;
use std::collections::HashMap;

/// A company's or a department's call barring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CallBarringView {
    /// The company's country: numbers are classified as national, international or premium-rate
    /// from it.
    pub country: String,
    /// What this company or department itself bars.
    pub barred: Bars,
    /// What its lines' calls obey: the company's bars with those of every department from this
    /// one up to the root.
    pub effective: Bars,
}

/// Everything a company bars, as calls read it (kept among the routing facts).
#[derive(Debug, Clone, Default)]
pub(crate) struct CompanyBarring {
    pub company: Bars,
    pub departments: HashMap<DepartmentId, Bars>,
}

impl CompanyBarring {
    /// The company's bars with those of every department in `chain` (a department and its
    /// parents): a department can only bar more.
    pub fn along<'d>(&self, chain: impl IntoIterator<Item = &'d DepartmentId>) -> Bars {
        chain.into_iter().fold(self.company, |b, d| {
            b.and(self.departments.get(d).copied().unwrap_or_default())
        })
    }
}

/// Reads what `company` bars; a company nobody set bars [`Bars::COMPANY_DEFAULT`].
pub(crate) async fn load(c: &mut Conn, company: &CompanyId) -> AppResult<CompanyBarring> {
    Ok(CompanyBarring {
        company: store::company(c, company)
            .await?
            .unwrap_or(Bars::COMPANY_DEFAULT),
        departments: store::departments(c, company).await?,
    })
}

fn department_view(
    co: &Company,
    all: &[Department],
    d: &Department,
    b: &CompanyBarring,
) -> CallBarringView {
    let chain = crate::departments::chain(all, Some(&d.id));
    CallBarringView {
        country: co.country.clone(),
        barred: b.departments.get(&d.id).copied().unwrap_or_default(),
        effective: b.along(chain.iter().map(|d| &d.id)),
    }
}

fn audit_summary(before: Bars, after: Bars) -> serde_json::Value {
    serde_json::json!({"before": before, "after": after})
}

impl App {
    /// A company's call barring; its administrators, reseller and provider may read it.
    pub async fn company_barring(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<CallBarringView> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let b = load(&mut c, &co.id).await?;
        Ok(CallBarringView {
            country: co.country.clone(),
            barred: b.company,
            effective: b.company,
        })
    }

    /// Sets what a company bars. Only its reseller or the provider may: a company administrator
    /// (or whoever took over that account) must not open international or premium-rate calls
    /// the provider closed, since the company's bill is what toll fraud runs up.
    pub async fn set_company_barring(
        &self,
        actor: &Actor,
        company: &str,
        bars: Bars,
    ) -> AppResult<CallBarringView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Provide)
            .await?;
        let before = load(&mut tx, &co.id).await?.company;
        store::set_company(&mut tx, &co.id, bars, now).await?;
        let rec = Record::new(AuditKind::Changed, "company_barring", &co.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(audit_summary(before, bars));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(CallBarringView {
            country: co.country,
            barred: bars,
            effective: bars,
        })
    }

    /// What a department bars on top of its company and parents.
    pub async fn department_barring(&self, actor: &Actor, id: &str) -> AppResult<CallBarringView> {
        let mut c = self.store.conn().await?;
        let (co, d) = self
            .department_for(&mut c, actor, id, Need::Administer)
            .await?;
        let all = sb_store::tenancy::list_departments(&mut c, &co.id).await?;
        let b = load(&mut c, &co.id).await?;
        Ok(department_view(&co, &all, &d, &b))
    }

    /// Sets what a department bars. Company administrators may: a department's bars only add
    /// to its company's and parents', so nobody below the provider can loosen them.
    pub async fn set_department_barring(
        &self,
        actor: &Actor,
        id: &str,
        bars: Bars,
    ) -> AppResult<CallBarringView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, d) = self
            .department_for(&mut tx, actor, id, Need::Administer)
            .await?;
        let mut b = load(&mut tx, &co.id).await?;
        let before = b.departments.get(&d.id).copied().unwrap_or_default();
        store::set_department(&mut tx, &co.id, &d.id, bars, now).await?;
        b.departments.insert(d.id.clone(), bars);
        let all = sb_store::tenancy::list_departments(&mut tx, &co.id).await?;
        let rec = Record::new(AuditKind::Changed, "department_barring", &d.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(audit_summary(before, bars));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = department_view(&co, &all, &d, &b);
        tx.commit().await?;
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_adds_to_its_company_and_parents_and_never_takes_away() {
        let (sales, emea) = (
            DepartmentId::from_raw("sales"),
            DepartmentId::from_raw("emea"),
        );
        let mut b = CompanyBarring {
            company: Bars::COMPANY_DEFAULT,
            departments: HashMap::new(),
        };
        b.departments.insert(
            sales.clone(),
            Bars {
                international: true,
                ..Bars::default()
            },
        );
        // A sub-department that bars nothing still obeys its parent and the company.
        b.departments.insert(emea.clone(), Bars::default());
        let e = b.along([&emea, &sales]);
        assert!(e.international && e.premium && !e.all_outside);
        assert_eq!(b.along([]), Bars::COMPANY_DEFAULT);
    }
}
