//! Validated values. Each constructor checks one rule at a time and names the failed rule with
//! its own code, so the API can tell a person exactly what to fix (the login rules).

use serde::Serialize;
use std::fmt;

/// A value that broke a rule: a stable code, the offending field and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub code: &'static str,
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}

macro_rules! string_value {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);
        impl $name {
            pub fn as_str(&self) -> &str { &self.0 }
            pub fn into_string(self) -> String { self.0 }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
    };
}

string_value!(
    /// A sign-in name: letters and digits only, at least 6 characters, unique case-insensitively.
    Username
);
string_value!(
    /// A display name of a person or thing: trimmed, 1 to 100 characters, no control characters.
    Name
);
string_value!(
    /// An e-mail address (a plausibility check; delivery is the proof).
    Email
);
string_value!(
    /// An E.164 phone number: `+` then 8 to 15 digits, the first not zero.
    E164
);
string_value!(
    /// An extension: 2 to 8 digits.
    Extension
);
string_value!(
    /// An IANA time-zone name that the bundled time-zone database knows.
    TimeZoneName
);
string_value!(
    /// An ISO 3166-1 alpha-2 country code.
    Country
);

pub const USERNAME_MIN: usize = 6;
pub const USERNAME_MAX: usize = 64;
pub const PASSWORD_MIN: usize = 6;
pub const PASSWORD_MAX: usize = 256;

impl Username {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        if s.chars().count() < USERNAME_MIN {
            return Err(Invalid::new(
                "username_too_short",
                field,
                format!("The username must have at least {USERNAME_MIN} characters."),
            ));
        }
        if s.chars().count() > USERNAME_MAX {
            return Err(Invalid::new(
                "username_too_long",
                field,
                format!("The username can have at most {USERNAME_MAX} characters."),
            ));
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Invalid::new(
                "username_invalid_characters",
                field,
                "The username may contain only letters and digits.",
            ));
        }
        Ok(Self(s.to_owned()))
    }
    /// The form uniqueness is checked on.
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// Checks a new password against the password rules, one rule at a time.
/// The password itself never appears in the error.
pub fn check_password(field: &str, p: &str) -> Result<(), Invalid> {
    let n = p.chars().count();
    let rule = |code, msg: &str| Err(Invalid::new(code, field, msg));
    if n < PASSWORD_MIN {
        return rule(
            "password_too_short",
            "The password must have at least 6 characters.",
        );
    }
    if n > PASSWORD_MAX {
        return rule(
            "password_too_long",
            "The password can have at most 256 characters.",
        );
    }
    if !p.chars().any(|c| c.is_uppercase()) {
        return rule(
            "password_needs_uppercase",
            "The password needs an upper-case letter.",
        );
    }
    if !p.chars().any(|c| c.is_lowercase()) {
        return rule(
            "password_needs_lowercase",
            "The password needs a lower-case letter.",
        );
    }
    if !p.chars().any(|c| c.is_ascii_digit()) {
        return rule("password_needs_digit", "The password needs a digit.");
    }
    if !p
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
    {
        return rule(
            "password_needs_special",
            "The password needs a special character such as ! or #.",
        );
    }
    Ok(())
}

/// Checks a voice-portal PIN: exactly 6 digits, and not one a stranger would guess
/// first (one digit repeated, or a run up or down such as 123456 or 987654).
pub fn check_pin(field: &str, pin: &str) -> Result<(), Invalid> {
    let b = pin.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return Err(Invalid::new(
            "pin_six_digits",
            field,
            "The PIN has exactly 6 digits.",
        ));
    }
    let steps: Vec<i16> = b
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    if steps.iter().all(|d| *d == 0)
        || steps.iter().all(|d| *d == 1)
        || steps.iter().all(|d| *d == -1)
    {
        return Err(Invalid::new(
            "pin_too_easy",
            field,
            "This PIN is too easy to guess: avoid one repeated digit and runs like 123456.",
        ));
    }
    Ok(())
}

impl Name {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        if t.is_empty() {
            return Err(Invalid::new(
                "required",
                field,
                "This name cannot be empty.",
            ));
        }
        if t.chars().count() > 100 {
            return Err(Invalid::new(
                "too_long",
                field,
                "This name can have at most 100 characters.",
            ));
        }
        if t.chars().any(char::is_control) {
            return Err(Invalid::new(
                "invalid_characters",
                field,
                "This name cannot contain control characters.",
            ));
        }
        Ok(Self(t.to_owned()))
    }
}

impl Email {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        let bad = || {
            Invalid::new(
                "invalid_email",
                field,
                "This is not a valid e-mail address.",
            )
        };
        if t.len() > 254 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = t.split_once('@').ok_or_else(bad)?;
        // The address goes between the brackets of RCPT TO:<…> (RFC 5321 section 4.1.2) and
        // into a To: header: no brackets, list separators, quotes or address literals; the
        // domain is a host name (letters, digits, hyphens, dots).
        let smtp_special = |c: char| "<>,;:\"()[]\\".contains(c);
        let host_char = |c: char| c.is_alphanumeric() || c == '-' || c == '.';
        if local.chars().any(smtp_special) || !domain.chars().all(host_char) {
            return Err(bad());
        }
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        Ok(Self(t.to_owned()))
    }
}

impl E164 {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        let digits = s.strip_prefix('+').unwrap_or("");
        let ok = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !ok {
            return Err(Invalid::new(
                "invalid_phone_number",
                field,
                "Phone numbers are written in E.164 form, like +15551234567.",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl Extension {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        if !(2..=8).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new(
                "invalid_extension",
                field,
                "An extension has 2 to 8 digits.",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl TimeZoneName {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        if s.is_empty() || jiff::tz::TimeZone::get(s).is_err() {
            return Err(Invalid::new(
                "invalid_time_zone",
                field,
                "This is not a known IANA time zone, such as Europe/Paris.",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

impl Country {
    pub fn parse(field: &str, s: &str) -> Result<Self, Invalid> {
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Invalid::new(
                "invalid_country",
                field,
                "A country is a two-letter ISO 3166 code, such as US or FR.",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_needs_six_letters_or_digits() {
        assert_eq!(
            Username::parse("u", "abc12").unwrap_err().code,
            "username_too_short"
        );
        assert_eq!(
            Username::parse("u", "abc_123").unwrap_err().code,
            "username_invalid_characters"
        );
        assert_eq!(Username::parse("u", "Alice1").unwrap().folded(), "alice1");
    }

    #[test]
    fn each_password_rule_is_its_own_error() {
        let code = |p| check_password("password", p).unwrap_err().code;
        assert_eq!(code("Ab1!"), "password_too_short");
        assert_eq!(code("abcdef1!"), "password_needs_uppercase");
        assert_eq!(code("ABCDEF1!"), "password_needs_lowercase");
        assert_eq!(code("Abcdefg!"), "password_needs_digit");
        assert_eq!(code("Abcdef12"), "password_needs_special");
        assert!(check_password("password", "Abcde1!").is_ok());
    }

    #[test]
    fn password_error_never_contains_the_password() {
        let e = check_password("password", "secretXYZ").unwrap_err();
        assert!(!e.message.contains("secretXYZ"));
    }

    #[test]
    fn pins_have_six_digits_and_are_not_trivial() {
        let code = |p| check_pin("pin", p).unwrap_err().code;
        for p in ["12345", "1234567", "12a456", ""] {
            assert_eq!(code(p), "pin_six_digits", "{p}");
        }
        for p in ["000000", "777777", "123456", "456789", "987654", "543210"] {
            assert_eq!(code(p), "pin_too_easy", "{p}");
        }
        for p in ["135790", "112233", "902468", "123457"] {
            assert!(check_pin("pin", p).is_ok(), "{p}");
        }
    }

    #[test]
    fn phone_numbers_are_e164() {
        assert!(E164::parse("n", "+15551234567").is_ok());
        for bad in [
            "15551234567",
            "+0555123456",
            "+1555",
            "+1555123456789012",
            "+1555-123",
        ] {
            assert!(E164::parse("n", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert!(TimeZoneName::parse("t", "Europe/Paris").is_ok());
        assert!(TimeZoneName::parse("t", "America/New_York").is_ok());
        assert!(TimeZoneName::parse("t", "Mars/Olympus").is_err());
    }

    #[test]
    fn emails_and_names() {
        assert!(Email::parse("e", "a@b.co").is_ok());
        for bad in ["a@b", "@b.co", "a b@c.de", "a@@b.co", "a@b..co"] {
            assert!(Email::parse("e", bad).is_err(), "{bad}");
        }
        assert_eq!(Name::parse("n", "  Bob ").unwrap().as_str(), "Bob");
    }

    #[test]
    fn emails_cannot_smuggle_smtp_syntax_into_rcpt_to() {
        // RCPT TO:<addr> (RFC 5321 section 4.1.2): brackets, line breaks, spaces and list
        // separators would add recipients or commands.
        for bad in [
            "a@b.co>",
            "<a@b.co",
            "a@b.co> NOTIFY=NEVER",
            "a@b.co>\r\nRCPT TO:<c@d.co",
            "a@b.co\nx",
            "a b@c.co",
            "a@b.co,c@d.co",
            "a@b.co;c@d.co",
            "\"a\"@b.co",
            "a@[127.0.0.1]",
            "a@b_c.co",
        ] {
            assert!(Email::parse("e", bad).is_err(), "{bad:?}");
        }
        for good in ["a.b+tag@sub.example.co", "o'brien@example.ie", "x_y-z@b.co"] {
            assert!(Email::parse("e", good).is_ok(), "{good:?}");
        }
        assert!(Name::parse("n", "   ").is_err());
    }

    proptest::proptest! {
        #[test]
        fn usernames_that_parse_are_alphanumeric(s in "\\PC{0,80}") {
            if let Ok(u) = Username::parse("u", &s) {
                proptest::prop_assert!(u.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
                proptest::prop_assert!(u.as_str().len() >= USERNAME_MIN);
            }
        }
    }
}
