//! Group contacts: contacts a company's administrators (or the provider acting for the company)
//! define for a department, checked like own contacts. A person sees those of their department
//! and of every department above it, nobody else's; another company's department or contact is
//! a 404.

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::contacts::{Checked, ContactInput, ContactNumberView, checked, number_views};
use crate::departments::chain;
use crate::directory::id_or_404;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{DepartmentId, GroupContactId};
use sb_domain::model::AuditKind;
use sb_store::Conn;
use sb_store::group_contacts::{self as store, GroupContact};
use sb_store::tenancy::{self, Company, Department};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// At most this many contacts per department.
pub const MAX_GROUP_CONTACTS: usize = 1000;

/// A group contact as sent when it is added.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupContactInput {
    pub name: String,
    /// The contact's company, if any.
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// One to ten numbers, in order.
    #[serde(default)]
    pub numbers: Vec<ContactNumberView>,
}

/// What to change in a group contact: the fields given, the others kept (an empty company or
/// e-mail removes it).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupContactPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// One to ten numbers, in order, replacing the contact's.
    #[serde(default)]
    pub numbers: Option<Vec<ContactNumberView>>,
}

/// One group contact, with the department it belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupContactView {
    pub id: String,
    pub department_id: String,
    /// The name of the department it belongs to.
    pub department: String,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub numbers: Vec<ContactNumberView>,
}

fn view(k: GroupContact, department: &str) -> GroupContactView {
    GroupContactView {
        id: k.id.to_string(),
        department_id: k.department_id.to_string(),
        department: department.to_owned(),
        name: k.name,
        company: k.organisation,
        email: k.email,
        numbers: number_views(k.numbers),
    }
}

fn check(input: GroupContactInput) -> AppResult<Checked> {
    checked(&ContactInput {
        name: input.name,
        company: input.company,
        email: input.email,
        numbers: input.numbers,
        favourite: false,
    })
}

fn audit_tenant<'a>(rec: Record<'a>, co: &'a Company) -> Record<'a> {
    rec.tenant(Some(&co.reseller_id), Some(&co.id))
}

impl App {
    /// A group contact with its company and department, for someone who administers the
    /// company.
    async fn group_contact_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(Company, Department, GroupContact)> {
        let k = store::get(c, &GroupContactId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let (co, d) = self
            .department_for(c, actor, k.department_id.as_str(), Need::Administer)
            .await?;
        if d.company_id != k.company_id {
            return Err(AppError::NotFound);
        }
        Ok((co, d, k))
    }

    /// The department's own group contacts, by name (its administrators only).
    pub async fn department_contacts(
        &self,
        actor: &Actor,
        department: &str,
    ) -> AppResult<Vec<GroupContactView>> {
        let mut c = self.store.conn().await?;
        let (co, d) = self
            .department_for(&mut c, actor, department, Need::Administer)
            .await?;
        Ok(store::list(&mut c, &co.id, std::slice::from_ref(&d.id))
            .await?
            .into_iter()
            .map(|k| view(k, &d.name))
            .collect())
    }

    /// Adds a contact to the department (at most 1000), audited.
    pub async fn create_group_contact(
        &self,
        actor: &Actor,
        department: &str,
        input: GroupContactInput,
    ) -> AppResult<GroupContactView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        // The department first, so that a person without the right learns nothing from the
        // checks of the body.
        let (co, d) = self
            .department_for(&mut tx, actor, department, Need::Administer)
            .await?;
        let Checked {
            name,
            organisation,
            email,
            numbers,
        } = check(input)?;
        if store::count(&mut tx, &d.id).await? >= MAX_GROUP_CONTACTS as i64 {
            return Err(AppError::invalid(
                "too_many",
                "contacts",
                "Keep at most 1000 contacts per department.",
            ));
        }
        let k = GroupContact {
            id: GroupContactId::new(now),
            company_id: co.id.clone(),
            department_id: d.id.clone(),
            name,
            organisation,
            email,
            numbers,
            created_at: now,
            updated_at: now,
        };
        store::insert(&mut tx, &k).await?;
        let rec = audit_tenant(
            Record::new(AuditKind::Created, "group_contact", k.id.as_str()),
            &co,
        )
        .summary(serde_json::json!({"after": {
            "department_id": d.id.as_str(), "name": k.name, "numbers": k.numbers.len()}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view(k, &d.name))
    }

    /// Changes a group contact's fields given, checked as a whole afterwards; audited.
    pub async fn update_group_contact(
        &self,
        actor: &Actor,
        id: &str,
        patch: GroupContactPatch,
    ) -> AppResult<GroupContactView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, d, before) = self.group_contact_for(&mut tx, actor, id).await?;
        let Checked {
            name,
            organisation,
            email,
            numbers,
        } = check(GroupContactInput {
            name: patch.name.unwrap_or_else(|| before.name.clone()),
            company: patch.company.or_else(|| before.organisation.clone()),
            email: patch.email.or_else(|| before.email.clone()),
            numbers: patch.numbers.unwrap_or_else(|| {
                before
                    .numbers
                    .iter()
                    .map(|n| ContactNumberView {
                        label: n.label.clone(),
                        number: n.number.clone(),
                    })
                    .collect()
            }),
        })?;
        let k = GroupContact {
            name,
            organisation,
            email,
            numbers,
            updated_at: now,
            ..before.clone()
        };
        store::update(&mut tx, &k).await?;
        let rec = audit_tenant(
            Record::new(AuditKind::Changed, "group_contact", k.id.as_str()),
            &co,
        )
        .summary(serde_json::json!({
            "before": {"name": before.name, "numbers": before.numbers.len()},
            "after": {"name": k.name, "numbers": k.numbers.len()}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view(k, &d.name))
    }

    /// Removes a group contact; audited.
    pub async fn delete_group_contact(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, d, k) = self.group_contact_for(&mut tx, actor, id).await?;
        store::delete(&mut tx, &k.id).await?;
        let rec = audit_tenant(
            Record::new(AuditKind::Deleted, "group_contact", k.id.as_str()),
            &co,
        )
        .summary(serde_json::json!({"before": {
            "department_id": d.id.as_str(), "name": k.name}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The group contacts the person inherits: those of their department, then of each
    /// department above it, nearest first, each naming its department. None without a
    /// department.
    pub async fn inherited_group_contacts(
        &self,
        actor: &Actor,
        user: &str,
    ) -> AppResult<Vec<GroupContactView>> {
        let mut c = self.store.conn().await?;
        let u = self.call_settings_user(&mut c, actor, user).await?;
        let (Some(co), Some(dep)) = (u.company_id.as_ref(), u.department_id.as_ref()) else {
            return Ok(Vec::new());
        };
        let all = tenancy::list_departments(&mut c, co).await?;
        let up = chain(&all, Some(dep));
        let ids: Vec<DepartmentId> = up.iter().map(|d| d.id.clone()).collect();
        let found = store::list(&mut c, co, &ids).await?;
        Ok(found
            .into_iter()
            .map(|k| {
                let name = up
                    .iter()
                    .find(|d| d.id == k.department_id)
                    .map(|d| d.name.clone())
                    .unwrap_or_default();
                view(k, &name)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(i: GroupContactInput) -> String {
        match check(i) {
            Err(AppError::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_group_contact_is_checked_like_an_own_contact() {
        let good = GroupContactInput {
            name: "Reception".into(),
            numbers: vec![ContactNumberView {
                label: String::new(),
                number: "+1 555 0100".into(),
            }],
            ..GroupContactInput::default()
        };
        assert_eq!(check(good.clone()).unwrap().numbers[0].number, "+15550100");
        let mut bad = good.clone();
        bad.name = " ".into();
        assert_eq!(field_of(bad), "name");
        let mut bad = good.clone();
        bad.numbers[0].number = "*21#".into();
        assert_eq!(field_of(bad), "numbers.0.number");
        let mut bad = good;
        bad.numbers.clear();
        assert_eq!(field_of(bad), "numbers");
    }
}
