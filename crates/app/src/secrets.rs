//! Passwords, tokens and generated secrets.

use crate::{AppError, AppResult};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use sha2::{Digest, Sha256};

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes). Slow on purpose:
/// callers run it on a blocking thread.
pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that never verifies, used so unknown usernames cost the same time as known ones.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lw5W4lP2zhdYnVVhbTmw7s0bQsm+TJ0Gv1k5qzxfczQ"
}

pub async fn hash_password_async(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("join: {e}")))?
}

pub async fn verify_password_async(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// A fresh bearer token (256 random bits, hex).
pub fn new_token() -> String {
    hex::encode(random_bytes::<32>())
}

/// What storage keeps of a token: its SHA-256, so a database leak gives no usable token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // Failure means the OS has no entropy source; the all-zero fallback would be guessable, so
    // callers that mint secrets go through `new_token`, which is checked at start-up.
    let _ = getrandom::getrandom(&mut b);
    b
}

/// A SIP password: 20 characters from an alphabet without look-alikes.
pub fn sip_password() -> String {
    const A: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<20>()
        .iter()
        .map(|b| A[usize::from(*b) % A.len()] as char)
        .collect()
}

/// A strong generated password that passes the sign-in password rules.
pub fn generated_password() -> String {
    format!("{}-Aa1!", sip_password())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_text() {
        let h = hash_password("Corr3ct!").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Corr3ct!", &h));
        assert!(!verify_password("corr3ct!", &h));
        assert!(!verify_password("anything", dummy_hash()));
    }

    #[test]
    fn generated_password_obeys_the_rules() {
        assert!(sb_domain::values::check_password("p", &generated_password()).is_ok());
        assert_ne!(new_token(), new_token());
    }
}
