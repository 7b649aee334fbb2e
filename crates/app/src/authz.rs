//! The one permission layer. Use cases ask [`check`] before they touch anything; an object of
//! another tenant is reported as not found (404), never as forbidden, so nobody learns it exists.

use crate::{AppError, AppResult};
use sb_domain::ids::{CompanyId, LineId, ResellerId, UserId};
use sb_domain::model::Role;

/// Who is asking: the signed-in user, their tenant and role, and where they came from.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    /// The name audit records show (the username, or the user's name before they chose one).
    pub name: String,
    pub role: Role,
    pub reseller_id: Option<ResellerId>,
    pub company_id: Option<CompanyId>,
    pub source_ip: Option<String>,
    /// True for a token from a fresh re-authentication (sensitive actions need it).
    pub elevated: bool,
    /// True for a token from a sign-in that a two-factor policy restricts to enrolment (the
    /// user must set up a second factor before anything else).
    pub enrol_only: bool,
    /// The extension this sign-in is for (see `extension.rs`): `None` while a choice is pending
    /// and for people without lines. Whoever uses it checks it is still the person's line.
    pub line_id: Option<LineId>,
}

/// Where an object lives in the hierarchy.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    pub reseller: Option<ResellerId>,
    pub company: Option<CompanyId>,
}

impl Tenant {
    pub fn installation() -> Self {
        Self::default()
    }
    pub fn reseller(r: &ResellerId) -> Self {
        Self {
            reseller: Some(r.clone()),
            company: None,
        }
    }
    pub fn company(r: &ResellerId, c: &CompanyId) -> Self {
        Self {
            reseller: Some(r.clone()),
            company: Some(c.clone()),
        }
    }
}

/// What the actor wants to do with an object of a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Read it.
    See,
    /// Change it as a company administrator (or a provider above the company).
    Administer,
    /// Provider powers: subscription keys, packages, creating and deleting companies.
    Provide,
    /// Installation powers: resellers, installation packages.
    Operate,
}

/// Whether the tenant is inside the actor's reach at all.
pub fn visible(actor: &Actor, t: &Tenant) -> bool {
    match actor.role {
        Role::SystemAdmin => true,
        Role::ResellerAdmin => actor.reseller_id.is_some() && t.reseller == actor.reseller_id,
        Role::CompanyAdmin | Role::EndUser => {
            actor.company_id.is_some() && t.company == actor.company_id
        }
    }
}

/// A token restricted to two-factor enrolment may do nothing else: every front door asks this
/// before anything but the enrolment routes, and [`check`] asks it again.
pub fn full_session(actor: &Actor) -> AppResult<()> {
    if actor.enrol_only {
        return Err(AppError::TwoFactorEnrolmentRequired);
    }
    Ok(())
}

/// Sensitive actions (the bill, SIP passwords, switching two-factor sign-in) need a token from a
/// password confirmed just now (`/auth/reauth`), so that a stolen session token alone cannot do
/// them.
pub fn elevated(actor: &Actor) -> AppResult<()> {
    if actor.elevated {
        return Ok(());
    }
    Err(AppError::forbidden(
        "Confirm your password first (POST /api/v1/auth/reauth), then use the token it gives.",
    ))
}

pub fn check(actor: &Actor, t: &Tenant, need: Need) -> AppResult<()> {
    full_session(actor)?;
    if !visible(actor, t) {
        return Err(AppError::NotFound);
    }
    let allowed = match need {
        Need::See => true,
        Need::Administer => actor.role != Role::EndUser,
        Need::Provide => matches!(actor.role, Role::SystemAdmin | Role::ResellerAdmin),
        Need::Operate => actor.role == Role::SystemAdmin,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden(match need {
            Need::Administer => "Only an administrator can do this.",
            Need::Provide => "Only your service provider can do this.",
            _ => "Only the system administrator can do this.",
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, r: Option<&ResellerId>, c: Option<&CompanyId>) -> Actor {
        Actor {
            user_id: UserId::from_raw("u"),
            name: "a".into(),
            role,
            reseller_id: r.cloned(),
            company_id: c.cloned(),
            source_ip: None,
            elevated: false,
            enrol_only: false,
            line_id: None,
        }
    }

    #[test]
    fn other_tenants_are_not_found_and_own_tenant_is_graded() {
        let (r1, r2) = (ResellerId::from_raw("r1"), ResellerId::from_raw("r2"));
        let (c1, c2) = (CompanyId::from_raw("c1"), CompanyId::from_raw("c2"));
        let t1 = Tenant::company(&r1, &c1);
        let t2 = Tenant::company(&r2, &c2);
        let admin1 = actor(Role::CompanyAdmin, Some(&r1), Some(&c1));
        let user1 = actor(Role::EndUser, Some(&r1), Some(&c1));
        let res1 = actor(Role::ResellerAdmin, Some(&r1), None);
        assert!(check(&admin1, &t1, Need::Administer).is_ok());
        assert!(matches!(
            check(&admin1, &t1, Need::Provide),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            check(&admin1, &t2, Need::See),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            check(&user1, &t1, Need::Administer),
            Err(AppError::Forbidden(_))
        ));
        assert!(check(&res1, &t1, Need::Provide).is_ok());
        assert!(matches!(
            check(&res1, &t2, Need::See),
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            check(&res1, &Tenant::installation(), Need::See),
            Err(AppError::NotFound)
        ));
        assert!(check(&actor(Role::SystemAdmin, None, None), &t2, Need::Operate).is_ok());
    }
}
