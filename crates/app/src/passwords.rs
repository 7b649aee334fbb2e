//! The rules a new password must meet: the seed's rules (at least 6 characters with upper and
//! lower case, a digit and a special character; `sb_domain::values::check_password`) as the
//! floor, a minimum length the operator sets (`--password-min-length`, 10 by default), and not
//! one of the passwords people use most (issue 14). Passwords already set keep signing in.
//!
//! The list of common passwords is Openwall's `password.lst` (3,546 passwords seen most often in
//! compromised systems and sites up to 2011; in the public domain), embedded in the binary.
//! Since the seed's rules force upper case, a digit and a symbol, people decorate a common word
//! (`Password1!`, `P@ssw0rd123`): a password is refused when it is on the list or when its core,
//! with the digits and symbols around it stripped and look-alike digits read as letters, is.

use crate::{App, AppError, AppResult};
use std::collections::HashSet;
use std::sync::OnceLock;

const LIST: &str = include_str!("common-passwords.txt");

fn common() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        LIST.lines()
            .filter(|l| !l.starts_with("#!comment:") && !l.is_empty())
            .map(str::to_lowercase)
            .collect()
    })
}

/// Reads look-alike digits and symbols as the letters they stand for (`p@ssw0rd` → `password`).
fn unleet(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

/// The word inside the decoration: leading and trailing characters that are not letters go.
fn core(s: &str) -> &str {
    s.trim_matches(|c: char| !c.is_alphabetic())
}

/// True when `password` is a common password or a decorated one.
pub fn is_common(password: &str) -> bool {
    let set = common();
    let lower = password.to_lowercase();
    let word = core(&lower);
    let candidates = [
        lower.clone(),
        word.to_owned(),
        unleet(&lower),
        unleet(word),
        core(&unleet(&lower)).to_owned(),
    ];
    candidates
        .iter()
        .any(|c| c.chars().count() >= 4 && set.contains(c.as_str()))
}

impl App {
    /// Checks a password someone chooses now (not one that signs in): the seed's rules, the
    /// configured minimum length, and not a common password.
    pub fn check_new_password(&self, field: &str, password: &str) -> AppResult<()> {
        sb_domain::values::check_password(field, password)?;
        let min = self.cfg.password_min_length;
        if password.chars().count() < min {
            return Err(AppError::invalid(
                "password_too_short",
                field,
                format!("The password must have at least {min} characters."),
            ));
        }
        if is_common(password) {
            return Err(AppError::invalid(
                "password_too_common",
                field,
                "This password is one of the most used ones, which attackers try first. Choose another.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_even_when_decorated() {
        for p in [
            "password",
            "Password1!",
            "P@ssw0rd123",
            "!!Sunshine2024",
            "Welcome123#",
            "qwerty",
            "Dragon-99",
        ] {
            assert!(is_common(p), "{p} passes");
        }
    }

    #[test]
    fn uncommon_passwords_pass() {
        for p in [
            "Sesame-42!",
            "Adm1n-Pass!",
            "Correct-Horse-Battery-9",
            "Zq8!mK2#pW",
        ] {
            assert!(!is_common(p), "{p} refused");
        }
        assert!(common().len() > 3_000);
    }
}
