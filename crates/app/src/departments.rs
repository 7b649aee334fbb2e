//! Departments: the tree of a company (parent, operator number, call policy), each one's
//! policy checked against those above and below it.

use crate::audit::{self, Record, diff};
use crate::authz::{Actor, Need};
use crate::directory::*;
use crate::views::*;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, DepartmentId};
use sb_domain::model::{AuditKind, CallPolicy, check_policy_under};
use sb_domain::values::{E164, Extension, Invalid, Name};
use sb_store::Conn;
use sb_store::tenancy::{self as store, Company, Department};

/// A department's policy text and limit as a checked value.
fn policy_of(d: &Department) -> CallPolicy {
    CallPolicy {
        kind: d.call_policy,
        limit: d.call_limit,
    }
}

impl App {
    async fn ancestors(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        parent: Option<&DepartmentId>,
    ) -> AppResult<Vec<Department>> {
        let all = store::list_departments(c, company).await?;
        let mut chain = Vec::new();
        let mut cur = parent.cloned();
        while let Some(id) = cur {
            let Some(d) = all.iter().find(|d| d.id == id) else {
                break;
            };
            if chain.iter().any(|x: &Department| x.id == d.id) || chain.len() > all.len() {
                break;
            }
            chain.push(d.clone());
            cur = d.parent_id.clone();
        }
        Ok(chain)
    }

    async fn check_department(&self, c: &mut Conn, d: &Department) -> AppResult<()> {
        let policy = CallPolicy::new(d.call_policy, d.call_limit)?;
        if let Some(op) = &d.operator_number
            && Extension::parse("operator_number", op).is_err()
            && E164::parse("operator_number", op).is_err()
        {
            return Err(Invalid::new(
                "invalid_operator_number",
                "operator_number",
                "The operator number is an extension or an E.164 number.",
            )
            .into());
        }
        let chain = self
            .ancestors(c, &d.company_id, d.parent_id.as_ref())
            .await?;
        if chain.iter().any(|a| a.id == d.id) {
            return Err(AppError::invalid(
                "parent_cycle",
                "parent_id",
                "A department cannot be inside itself.",
            ));
        }
        let policies: Vec<CallPolicy> = chain.iter().map(policy_of).collect();
        check_policy_under(&policy, &policies)?;
        // Children must still fit under the new limit.
        if let Some(limit) = policy
            .limit
            .or_else(|| CallPolicy::effective_limit(&policies))
        {
            let all = store::list_departments(c, &d.company_id).await?;
            if let Some(child) = all.iter().find(|x| {
                x.parent_id.as_ref() == Some(&d.id) && x.call_limit.is_none_or(|n| n > limit)
            }) {
                return Err(AppError::invalid(
                    "limit_below_child",
                    "call_limit",
                    format!(
                        "The sub-department {} allows more than {limit} calls; lower it first.",
                        child.name
                    ),
                ));
            }
        }
        Ok(())
    }

    pub async fn create_department(
        &self,
        actor: &Actor,
        company: &str,
        input: DepartmentInput,
    ) -> AppResult<DepartmentView> {
        let name = Name::parse("name", &input.name)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        let parent = self
            .parent_in(&mut tx, &co.id, input.parent_id.as_deref())
            .await?;
        let d = Department {
            id: DepartmentId::new(now),
            company_id: co.id.clone(),
            parent_id: parent,
            name: name.into_string(),
            operator_number: input.operator_number.filter(|s| !s.is_empty()),
            call_policy: input.call_policy,
            call_limit: input.call_limit,
            created_at: now,
        };
        self.check_department(&mut tx, &d).await?;
        store::insert_department(&mut tx, &d).await?;
        let view = department_view(&d);
        let rec = Record::new(AuditKind::Created, "department", &d.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::to_value(&view).unwrap_or_default());
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn parent_in(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        parent: Option<&str>,
    ) -> AppResult<Option<DepartmentId>> {
        let Some(p) = parent else { return Ok(None) };
        let id = DepartmentId::from_raw(body_id("parent_id", p)?);
        match store::locate_department(c, &id).await? {
            Some(d) if &d.company_id == company => Ok(Some(d.id)),
            _ => Err(AppError::invalid(
                "unknown_reference",
                "parent_id",
                "There is no such department in this company.",
            )),
        }
    }

    pub async fn list_departments(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<ListPage<DepartmentView>> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, company, Need::See).await?;
        let items = store::list_departments(&mut c, &co.id).await?;
        Ok(ListPage {
            items: items.iter().map(department_view).collect(),
            next_cursor: None,
        })
    }

    pub(crate) async fn department_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<(Company, Department)> {
        let d = store::locate_department(c, &DepartmentId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let co = self
            .company_for(c, actor, d.company_id.as_str(), need)
            .await?;
        Ok((co, d))
    }

    pub async fn get_department(&self, actor: &Actor, id: &str) -> AppResult<DepartmentView> {
        let mut c = self.store.conn().await?;
        Ok(department_view(
            &self.department_for(&mut c, actor, id, Need::See).await?.1,
        ))
    }

    pub async fn update_department(
        &self,
        actor: &Actor,
        id: &str,
        patch: DepartmentPatch,
    ) -> AppResult<DepartmentView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, mut d) = self
            .department_for(&mut tx, actor, id, Need::Administer)
            .await?;
        let before = serde_json::to_value(department_view(&d)).unwrap_or_default();
        if let Some(n) = patch.name {
            d.name = Name::parse("name", &n)?.into_string();
        }
        if let Some(p) = patch.parent_id {
            d.parent_id = self.parent_in(&mut tx, &co.id, p.as_deref()).await?;
        }
        if let Some(o) = patch.operator_number {
            d.operator_number = o.filter(|s| !s.is_empty());
        }
        if let Some(k) = patch.call_policy {
            d.call_policy = k;
            if patch.call_limit.is_none() && k != sb_domain::model::CallPolicyKind::Limited {
                d.call_limit = None;
            }
        }
        if let Some(l) = patch.call_limit {
            d.call_limit = l;
        }
        self.check_department(&mut tx, &d).await?;
        store::update_department(&mut tx, &d).await?;
        let view = department_view(&d);
        let rec = Record::new(AuditKind::Changed, "department", &d.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(
                &before,
                &serde_json::to_value(&view).unwrap_or_default(),
            ));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn delete_department(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, d) = self
            .department_for(&mut tx, actor, id, Need::Administer)
            .await?;
        if store::department_in_use(&mut tx, &co.id, &d.id).await? {
            return Err(AppError::conflict(
                "department_in_use",
                "Move this department's users and sub-departments first.",
                None,
            ));
        }
        store::delete_department(&mut tx, &co.id, &d.id).await?;
        let rec = Record::new(AuditKind::Deleted, "department", &d.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"name": d.name}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A department and its parents up to the root, nearest first (a cycle in stored data ends it).
pub(crate) fn chain<'d>(
    departments: &'d [Department],
    start: Option<&DepartmentId>,
) -> Vec<&'d Department> {
    let mut out: Vec<&Department> = Vec::new();
    let mut cur = start.cloned();
    while let Some(id) = cur {
        let Some(d) = departments.iter().find(|d| d.id == id) else {
            break;
        };
        if out.len() > departments.len() {
            break;
        }
        out.push(d);
        cur = d.parent_id.clone();
    }
    out
}
