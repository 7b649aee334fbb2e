//! Feature codes: what a line dials to reach Switchboard's own services rather than a number.
//! Written once here so the engine, the business layer and the mails that tell people what to
//! dial agree.

/// Dialled for the caller's own mailbox in the voice portal.
pub const OWN_MAILBOX: &str = "*97";
/// Dialled for any mailbox of the company in the voice portal (it asks for the extension).
pub const ANY_MAILBOX: &str = "*98";
/// Dialled for the company's conference bridge (it asks for the access code).
pub const CONFERENCE_BRIDGE: &str = "*88";

/// Dialled before one of the caller's speed-dial codes (`*05`, `*012`).
pub const SPEED_DIAL: &str = "*0";

/// The longest number a speed dial places.
pub const SPEED_DIAL_NUMBER_MAX: usize = 32;

/// Whether `code` can name a speed dial: one or two digits.
pub fn is_speed_dial_code(code: &str) -> bool {
    (1..=2).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `number` can be what a speed dial places: digits, with `*` and `#` (a feature code
/// with what it asks for, a diversion number to key in) and an optional leading `+`.
pub fn is_speed_dial_number(number: &str) -> bool {
    let body = number.strip_prefix('+').unwrap_or(number);
    number.len() <= SPEED_DIAL_NUMBER_MAX
        && body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#')
}

/// The speed-dial code a dialled string asks for, when it is one.
pub fn speed_dial(dialled: &str) -> Option<&str> {
    dialled
        .strip_prefix(SPEED_DIAL)
        .filter(|code| is_speed_dial_code(code))
}

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
    fn a_speed_dial_is_star_zero_and_a_code_of_one_or_two_digits() {
        assert_eq!(speed_dial("*05"), Some("5"));
        assert_eq!(speed_dial("*012"), Some("12"));
        for other in ["*0", "*0123", "*0a", "05", "*97", "*88", "**05"] {
            assert_eq!(speed_dial(other), None, "{other}");
        }
    }

    #[test]
    fn a_speed_dial_number_may_hold_star_and_hash_but_not_only_them() {
        for ok in ["+15550100", "202", "*7#123", "*88", "0044#"] {
            assert!(is_speed_dial_number(ok), "{ok}");
        }
        let long = "1".repeat(SPEED_DIAL_NUMBER_MAX + 1);
        for bad in [
            "",
            "+",
            "*#",
            "12 34",
            "sip:x@y",
            "+*",
            "1+2",
            long.as_str(),
        ] {
            assert!(!is_speed_dial_number(bad), "{bad}");
        }
    }

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
