//! Enumerations of the model and the rules that relate them.

use crate::values::Invalid;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),* } }
            /// Reads the stored text; `None` for text no version of Switchboard wrote.
            pub fn from_text(s: &str) -> Option<Self> { match s { $($s => Some($name::$v),)* _ => None } }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Who a user is. The CommPortal "administrative privileges Yes/No" flag is
    /// `company_admin` versus `end_user`.
    Role {
        SystemAdmin = "system_admin",
        ResellerAdmin = "reseller_admin",
        CompanyAdmin = "company_admin",
        EndUser = "end_user",
    }
);

text_enum!(
    /// Languages of the web interface and of what callers hear.
    Language { En = "en", Fr = "fr" }
);

text_enum!(
    /// How a queue offers a waiting caller to its agents.
    QueueStrategy {
        /// Every available agent at once.
        RingAll = "ring_all",
        /// One agent at a time in list order, from the top for each caller.
        TopDown = "top_down",
        /// One agent at a time in list order, starting after the agent who took the last call.
        RoundRobin = "round_robin",
        /// In list order like top-down, but earlier agents keep ringing as the next are added.
        RingProgressively = "ring_progressively",
    }
);

text_enum!(
    /// What happens to a caller who waited a queue's maximum time.
    QueueOverflow {
        HangUp = "hang_up",
        /// The caller leaves a message in a line's mailbox.
        Voicemail = "voicemail",
        /// The caller is offered to a line instead.
        Redirect = "redirect",
    }
);

text_enum!(
    /// What a department's members may do ("Add Department").
    CallPolicyKind {
        Unlimited = "unlimited",
        IncomingBlocked = "incoming_blocked",
        OutgoingBlocked = "outgoing_blocked",
        BothBlocked = "both_blocked",
        Limited = "limited",
    }
);

text_enum!(
    /// Features a service package can grant. Every feature check on the server reads these.
    Feature {
        UserPortal = "user_portal",
        Voicemail = "voicemail",
        VoicemailToEmail = "voicemail_to_email",
        CallRecording = "call_recording",
        Queues = "queues",
        Conferencing = "conferencing",
        SmsMms = "sms_mms",
        Fax = "fax",
        CallForwarding = "call_forwarding",
    }
);

text_enum!(
    /// What an audit record is about.
    AuditKind {
        LoginSucceeded = "login_succeeded",
        LoginFailed = "login_failed",
        AccountLocked = "account_locked",
        AccountUnlocked = "account_unlocked",
        Logout = "logout",
        Reauthenticated = "reauthenticated",
        Created = "created",
        Changed = "changed",
        Deleted = "deleted",
        PasswordChanged = "password_changed",
        BillViewed = "bill_viewed",
        SipBlocked = "sip_blocked",
        MailboxLocked = "mailbox_locked",
        MailboxUnlocked = "mailbox_unlocked",
        TwoFactorEnabled = "two_factor_enabled",
        TwoFactorDisabled = "two_factor_disabled",
        RecoveryCodeUsed = "recovery_code_used",
        /// Somebody read a line's SIP password (it lets a phone act as the line).
        CredentialsRead = "credentials_read",
        TwoFactorPolicyChanged = "two_factor_policy_changed",
        TwoFactorReset = "two_factor_reset",
    }
);

/// The most simultaneous calls a department may be limited to.
pub const MAX_CALL_LIMIT: i64 = 100_000;

/// A department's call policy, already checked for consistency of kind and limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPolicy {
    pub kind: CallPolicyKind,
    /// Set exactly when `kind` is `Limited`.
    pub limit: Option<i64>,
}

impl CallPolicy {
    pub const UNLIMITED: CallPolicy = CallPolicy {
        kind: CallPolicyKind::Unlimited,
        limit: None,
    };

    pub fn new(kind: CallPolicyKind, limit: Option<i64>) -> Result<Self, Invalid> {
        match (kind, limit) {
            (CallPolicyKind::Limited, Some(n)) if (1..=MAX_CALL_LIMIT).contains(&n) => Ok(Self {
                kind,
                limit: Some(n),
            }),
            (CallPolicyKind::Limited, _) => Err(Invalid::new(
                "invalid_call_limit",
                "call_limit",
                format!("A limited department needs a call limit from 1 to {MAX_CALL_LIMIT}."),
            )),
            (_, Some(_)) => Err(Invalid::new(
                "invalid_call_limit",
                "call_limit",
                "A call limit is only set when the policy is limited.",
            )),
            (_, None) => Ok(Self { kind, limit: None }),
        }
    }

    /// The tightest simultaneous-call limit along a chain of policies (self first, then
    /// ancestors): a child's limit can never exceed its parent's.
    pub fn effective_limit<'a>(chain: impl IntoIterator<Item = &'a CallPolicy>) -> Option<i64> {
        chain.into_iter().filter_map(|p| p.limit).min()
    }
}

/// Checks a department's policy against its ancestors' (nearest first): when any ancestor is
/// limited to N, this department must be limited to at most N.
pub fn check_policy_under(policy: &CallPolicy, ancestors: &[CallPolicy]) -> Result<(), Invalid> {
    let Some(cap) = CallPolicy::effective_limit(ancestors) else {
        return Ok(());
    };
    match policy.limit {
        Some(n) if n <= cap => Ok(()),
        _ => Err(Invalid::new(
            "limit_exceeds_parent",
            "call_limit",
            format!(
                "A parent department is limited to {cap} calls; this one must be limited to at most {cap}."
            ),
        )),
    }
}

/// Features as stored: a sorted, comma-separated list.
pub fn features_to_text(features: &[Feature]) -> String {
    let mut v: Vec<&str> = features.iter().map(|f| f.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v.join(",")
}

pub fn features_from_text(s: &str) -> Vec<Feature> {
    s.split(',').filter_map(Feature::from_text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_policy_needs_a_limit_and_only_then() {
        assert!(CallPolicy::new(CallPolicyKind::Limited, None).is_err());
        assert!(CallPolicy::new(CallPolicyKind::Limited, Some(0)).is_err());
        assert!(CallPolicy::new(CallPolicyKind::Unlimited, Some(3)).is_err());
        assert!(CallPolicy::new(CallPolicyKind::Limited, Some(3)).is_ok());
    }

    #[test]
    fn child_limit_never_exceeds_parent_limit() {
        let p5 = CallPolicy::new(CallPolicyKind::Limited, Some(5)).unwrap();
        let c3 = CallPolicy::new(CallPolicyKind::Limited, Some(3)).unwrap();
        let c9 = CallPolicy::new(CallPolicyKind::Limited, Some(9)).unwrap();
        assert!(check_policy_under(&c3, &[p5]).is_ok());
        assert_eq!(
            check_policy_under(&c9, &[p5]).unwrap_err().code,
            "limit_exceeds_parent"
        );
        assert!(check_policy_under(&CallPolicy::UNLIMITED, &[CallPolicy::UNLIMITED, p5]).is_err());
        assert!(check_policy_under(&c9, &[CallPolicy::UNLIMITED]).is_ok());
    }

    #[test]
    fn enums_round_trip_their_text() {
        for r in Role::ALL {
            assert_eq!(Role::from_text(r.as_str()), Some(*r));
        }
        assert_eq!(
            features_from_text(&features_to_text(&[
                Feature::Voicemail,
                Feature::UserPortal
            ]))
            .len(),
            2
        );
    }
}
