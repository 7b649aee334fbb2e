//! Each role's places in the navigation, as (path, text key) pairs, and the paths that pages
//! other than their own link to. A leaf: the layout builds the links from it and the pages
//! take their paths from it, so neither names the other.

use sb_domain::model::Role;

/// Two-factor sign-in, where an enrolment-only session is sent.
pub const SECURITY: &str = "/my/security";
/// The extension a sign-in is for, where a person with several lines and no default is sent.
pub const EXTENSION: &str = "/my/extension";
/// The person's own branding page: their company's, or their reseller's.
pub const BRANDING: &str = "/admin/branding";
/// The colours of the signed-in person's pages.
pub const BRAND_CSS: &str = "/brand/style.css";
/// The logo of the signed-in person's pages.
pub const BRAND_LOGO: &str = "/brand/logo";
/// The person's Contacts and Call log, which a Call button goes back to.
pub const MY_CONTACTS: &str = "/my/contacts";
pub const MY_CALL_LOG: &str = "/my/calls";

/// The role's places, in order; what a role may not do is absent (PORTALS.md). A session that
/// may only enrol in two-factor sign-in sees that page alone.
pub fn places(role: Role, enrol_only: bool) -> Vec<(&'static str, &'static str)> {
    let mut links: Vec<(&'static str, &'static str)> = Vec::new();
    if !enrol_only {
        match role {
            Role::EndUser => links.extend([
                // The end-user portal's usual order: Home's own pages, then the top menu.
                ("/my", "my_homepage"),
                ("/my/profile", "my_profile"),
                ("/my/messages", "tx_title"),
                ("/my/inbox", "my_inbox"),
                ("/my/services", "sv_title"),
                ("/my/contacts", "ct_title"),
                ("/my/conferences", "cf_my_title"),
                ("/my/calls", "my_call_log"),
                ("/my/speed-dials", "sd_title"),
            ]),
            Role::CompanyAdmin => {
                links.extend([
                    ("/admin/users", "co_all_lines_users"),
                    ("/admin/departments", "dp_title"),
                    ("/admin/lines", "ln_nav"),
                    ("/admin/company-profile", "cp_title"),
                    ("/admin/company-audit", "pv_activity_audit"),
                    ("/admin/queues", "cc_title"),
                    ("/admin/conferences", "cf_title"),
                    ("/admin/reports", "rp_title"),
                    (BRANDING, "br_title"),
                    ("/my", "my_homepage"),
                    ("/my/profile", "my_profile"),
                ]);
            }
            _ => links.extend([("/admin", "administration"), ("/my/profile", "my_profile")]),
        }
        // The provider's and the reseller's places, after "Administration".
        links.splice(1..1, provider(role));
    }
    links.push((SECURITY, "security"));
    links
}

/// The provider's and the reseller's places.
fn provider(role: Role) -> Vec<(&'static str, &'static str)> {
    match role {
        Role::SystemAdmin => vec![
            ("/admin/customers", "pv_customers"),
            ("/admin/resellers", "pv_resellers"),
            ("/admin/packages", "pv_packages"),
            ("/admin/trunks", "pv_trunks"),
            ("/admin/system-admins", "pv_system_admins"),
            ("/admin/health", "pv_health"),
            ("/admin/audit", "pv_activity_audit"),
        ],
        Role::ResellerAdmin => vec![
            ("/admin/customers", "pv_customers"),
            ("/admin/packages", "pv_packages"),
            ("/admin/audit", "pv_activity_audit"),
            (BRANDING, "br_title"),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::t;
    use sb_domain::model::Language;

    /// The navigation's keys are chosen at run time, where the template test cannot see them.
    #[test]
    fn every_place_of_every_role_has_its_text_in_both_languages() {
        let roles = [
            Role::SystemAdmin,
            Role::ResellerAdmin,
            Role::CompanyAdmin,
            Role::EndUser,
        ];
        for role in roles {
            for (_, key) in places(role, false) {
                for lang in [Language::En, Language::Fr] {
                    assert_ne!(t(lang, key), key, "{key} in {lang:?}");
                }
            }
        }
    }

    #[test]
    fn a_session_that_may_only_enrol_sees_two_factor_sign_in_alone() {
        assert_eq!(
            places(Role::CompanyAdmin, true),
            vec![(SECURITY, "security")]
        );
    }

    #[test]
    fn the_providers_places_come_after_administration() {
        let p = places(Role::SystemAdmin, false);
        assert_eq!(p[0].0, "/admin");
        assert_eq!(p[1].0, "/admin/customers");
        assert_eq!(p.last().map(|l| l.0), Some(SECURITY));
    }
}
