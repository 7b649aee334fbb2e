//! Feature codes: what a line dials to reach Switchboard's own services rather than a number.
//! Written once here so the engine, the business layer and the mails that tell people what to
//! dial agree.

/// Dialled for the caller's own mailbox in the voice portal.
pub const OWN_MAILBOX: &str = "*97";
/// Dialled for any mailbox of the company in the voice portal (it asks for the extension).
pub const ANY_MAILBOX: &str = "*98";
/// Dialled for the company's conference bridge (it asks for the access code).
pub const CONFERENCE_BRIDGE: &str = "*88";

/// A service reached by a feature code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// The voice portal on the caller's own mailbox.
    OwnMailbox,
    /// The voice portal on a mailbox of the company, chosen by extension.
    AnyMailbox,
    /// The conference bridge.
    ConferenceBridge,
}

/// The service a dialled string asks for, when it is a feature code.
pub fn feature(dialled: &str) -> Option<Feature> {
    match dialled {
        OWN_MAILBOX => Some(Feature::OwnMailbox),
        ANY_MAILBOX => Some(Feature::AnyMailbox),
        CONFERENCE_BRIDGE => Some(Feature::ConferenceBridge),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_feature_code_names_one_service_and_nothing_else_is_one() {
        assert_eq!(feature("*97"), Some(Feature::OwnMailbox));
        assert_eq!(feature("*98"), Some(Feature::AnyMailbox));
        assert_eq!(feature("*88"), Some(Feature::ConferenceBridge));
        for other in ["97", "*9", "*970", "201", "", "*88#"] {
            assert_eq!(feature(other), None, "{other}");
        }
    }
}
