//! Writing and reading the activity audit.

use crate::authz::{self, Actor, Need, Tenant};
use crate::views::{AuditView, ListPage, time};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{AuditId, CompanyId, ResellerId, UserId};
use sb_domain::model::{AuditKind, Role};
use sb_store::Conn;
use sb_store::audit::{self as store, AuditEvent, AuditScope};

/// What the audit list is narrowed to (user, kind, time, order).
pub use sb_store::audit::AuditFilter;
use serde_json::Value;

/// An audit record to write, built by a use case.
pub(crate) struct Record<'a> {
    pub kind: AuditKind,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub subject: Option<&'a UserId>,
    pub reseller: Option<&'a ResellerId>,
    pub company: Option<&'a CompanyId>,
    pub summary: Value,
}

impl<'a> Record<'a> {
    pub fn new(kind: AuditKind, target_type: &'static str, target_id: impl ToString) -> Self {
        Self {
            kind,
            target_type,
            target_id: Some(target_id.to_string()),
            subject: None,
            reseller: None,
            company: None,
            summary: Value::Null,
        }
    }
    pub fn tenant(
        mut self,
        reseller: Option<&'a ResellerId>,
        company: Option<&'a CompanyId>,
    ) -> Self {
        self.reseller = reseller;
        self.company = company;
        self
    }
    pub fn about(mut self, user: &'a UserId) -> Self {
        self.subject = Some(user);
        self
    }
    pub fn summary(mut self, v: Value) -> Self {
        self.summary = v;
        self
    }
}

/// Who did it, for records written without a signed-in actor (sign-in itself).
#[derive(Clone, Copy)]
pub(crate) struct By<'a> {
    pub id: Option<&'a UserId>,
    pub name: &'a str,
    pub ip: Option<&'a str>,
}

impl<'a> From<&'a Actor> for By<'a> {
    fn from(a: &'a Actor) -> Self {
        By {
            id: Some(&a.user_id),
            name: &a.name,
            ip: a.source_ip.as_deref(),
        }
    }
}

/// Writes `r` in the tenant of `company`, looked up, for use cases that hold only its id.
pub(crate) async fn write_in(
    c: &mut Conn,
    now: i64,
    by: By<'_>,
    company: &CompanyId,
    r: Record<'_>,
) -> AppResult<()> {
    let co = sb_store::tenancy::get_company(c, company)
        .await?
        .ok_or(AppError::NotFound)?;
    let rec = Record {
        reseller: Some(&co.reseller_id),
        company: Some(&co.id),
        ..r
    };
    write(c, now, by, rec).await
}

pub(crate) async fn write(c: &mut Conn, now: i64, by: By<'_>, r: Record<'_>) -> AppResult<()> {
    let ev = AuditEvent {
        id: AuditId::new(now),
        at: now,
        reseller_id: r.reseller.cloned(),
        company_id: r.company.cloned(),
        actor_id: by.id.cloned(),
        actor_name: by.name.to_owned(),
        source_ip: by.ip.map(str::to_owned),
        kind: r.kind,
        target_type: r.target_type.to_owned(),
        target_id: r.target_id,
        subject_user_id: r.subject.cloned(),
        summary: if r.summary.is_null() {
            "{}".into()
        } else {
            r.summary.to_string()
        },
    };
    Ok(store::insert_event(c, &ev).await?)
}

/// A before/after summary of the fields that differ. Callers pass only non-secret fields.
pub(crate) fn diff(before: &Value, after: &Value) -> Value {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return serde_json::json!({ "before": before, "after": after });
    };
    let mut bo = serde_json::Map::new();
    let mut ao = serde_json::Map::new();
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&Value::Null);
        if bv != av {
            bo.insert(k.clone(), bv.clone());
            ao.insert(k.clone(), av.clone());
        }
    }
    serde_json::json!({ "before": bo, "after": ao })
}

fn view(e: AuditEvent) -> AuditView {
    AuditView {
        id: e.id.to_string(),
        at: time(e.at),
        kind: e.kind,
        actor_id: e.actor_id.map(|u| u.to_string()),
        actor_name: e.actor_name,
        source_ip: e.source_ip,
        target_type: e.target_type,
        target_id: e.target_id,
        summary: serde_json::from_str(&e.summary).unwrap_or(Value::Null),
    }
}

impl App {
    /// The company's audit, newest last, filtered by user, kind and time.
    /// The activity audit, newest last, filtered by user, kind and time: one company's records
    /// for its administrators and providers; without a company, everything a provider may see
    /// (the installation for the system, the reseller's own and its companies' for a reseller).
    pub async fn list_audit(
        &self,
        actor: &Actor,
        company: Option<&CompanyId>,
        filter: AuditFilter,
        page: sb_store::Page,
    ) -> AppResult<ListPage<AuditView>> {
        let mut c = self.store.conn().await?;
        let scope = match company {
            Some(company) => {
                let co = self.company_or_404(&mut c, company).await?;
                authz::check(
                    actor,
                    &Tenant::company(&co.reseller_id, &co.id),
                    Need::Administer,
                )?;
                AuditScope::Company(co.id)
            }
            None => match (actor.role, &actor.reseller_id) {
                (Role::SystemAdmin, _) => AuditScope::Installation,
                (Role::ResellerAdmin, Some(r)) => AuditScope::Reseller(r.clone()),
                _ => {
                    return Err(AppError::forbidden(
                        "The installation audit is for providers; read your company's audit instead.",
                    ));
                }
            },
        };
        let (items, next_cursor) = store::list_events(&mut c, &scope, &filter, &page).await?;
        Ok(ListPage {
            items: items.into_iter().map(view).collect(),
            next_cursor,
        })
    }
}
