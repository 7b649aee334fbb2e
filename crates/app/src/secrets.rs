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

/// Password hashing runs on a fixed pool of threads, one per core: argon2 takes 19 MiB and tens
/// of milliseconds per call, so a burst of sign-ins must queue here rather than spread over the
/// runtime's blocking threads, where each would keep its own 19 MiB heap arena.
struct HashPool {
    jobs: parking_lot::Mutex<std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>>,
}

fn hash_pool() -> &'static HashPool {
    static POOL: std::sync::OnceLock<HashPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let rx = std::sync::Arc::new(parking_lot::Mutex::new(rx));
        let n = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        for i in 0..n {
            let rx = rx.clone();
            let _ = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = rx.lock().recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        HashPool {
            jobs: parking_lot::Mutex::new(tx),
        }
    })
}

async fn on_hash_pool<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Box<dyn FnOnce() + Send> = Box::new(move || {
        let _ = tx.send(f());
    });
    hash_pool()
        .jobs
        .lock()
        .send(job)
        .map_err(|_| AppError::Internal("hash pool stopped".into()))?;
    rx.await
        .map_err(|_| AppError::Internal("hash job dropped".into()))
}

pub async fn hash_password_async(password: String) -> AppResult<String> {
    on_hash_pool(move || hash_password(&password)).await?
}

pub async fn verify_password_async(password: String, phc: String) -> bool {
    on_hash_pool(move || verify_password(&password, &phc))
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

/// `N` bytes from the operating system's random source.
///
/// # Panics
/// When the source fails: what would be handed out instead (zeros) is a guessable token, SIP
/// password or key. [`check_entropy`] at start-up makes this unreachable in practice.
#[allow(
    clippy::panic,
    reason = "no secret may be handed out from a failed read, and every caller needs one"
)]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    filled(getrandom::getrandom).unwrap_or_else(|e| panic!("no random bytes: {e}"))
}

/// `N` bytes filled by `fill`, or its error: never a buffer it failed to fill.
fn filled<const N: usize, E>(fill: impl FnOnce(&mut [u8]) -> Result<(), E>) -> Result<[u8; N], E> {
    let mut b = [0u8; N];
    fill(&mut b)?;
    Ok(b)
}

/// Whether the operating system gives random bytes; the server does not start without them.
pub fn check_entropy() -> Result<(), String> {
    filled::<32, _>(getrandom::getrandom)
        .map(|_| ())
        .map_err(|e| format!("the operating system gives no random bytes: {e}"))
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
    fn a_failed_random_read_hands_out_nothing() {
        let failing = |_: &mut [u8]| Err("no entropy");
        assert_eq!(filled::<32, _>(failing), Err("no entropy"));
        let partial = |b: &mut [u8]| {
            b[0] = 1;
            Err("cut short")
        };
        assert!(
            filled::<32, _>(partial).is_err(),
            "a half-filled buffer is not a secret"
        );
        assert!(check_entropy().is_ok());
        assert_ne!(random_bytes::<32>(), [0u8; 32]);
    }

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
