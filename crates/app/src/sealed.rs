//! Secrets kept at rest only encrypted with the operator's key: the SIP passwords of lines (which
//! provisioning must write into desk-phone configurations, so a hash alone would not do) and the
//! two-factor secrets (which must be read to check a code).
//!
//! A sealed value is `sb1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`, AES-256-GCM with a
//! random 96-bit nonce. The associated data names the row and column the value belongs to, so a
//! value copied into another row does not open there. The key id (the first 8 hex digits of a
//! hash of the key) lets the server tell, before it serves anything, that it was started with
//! another key than the one that sealed the stored values.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

const PREFIX: &str = "sb1:";

/// The operator's 256-bit key. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretKey {
    bytes: [u8; 32],
    id: String,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.id)
    }
}

/// Why a sealed value cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("the value was sealed with key {0}, not with the configured key")]
    OtherKey(String),
    #[error("the value is damaged or belongs to another record")]
    Damaged,
}

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"switchboard secret key id\0")
            .chain_update(bytes)
            .finalize();
        Self {
            bytes,
            id: hex::encode(&digest[..4]),
        }
    }

    /// A secret of 32 bytes for one purpose, HMAC-SHA256 of the purpose under this key: every
    /// node started with the same key file derives the same one (the SIP nonces one node gives
    /// are good at another, and after a restart), and it reveals neither the key nor another
    /// purpose's secret.
    #[must_use]
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.bytes);
        let tag = ring::hmac::sign(&key, format!("switchboard derived\0{purpose}").as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// A new random key.
    pub fn generate() -> Self {
        Self::from_bytes(crate::secrets::random_bytes::<32>())
    }

    /// Reads a key written as 64 hex digits or as base64 (standard, padded or not), surrounding
    /// whitespace ignored: what `switchboard` writes and what `openssl rand -hex 32` prints.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).map_err(|e| e.to_string())?
        } else {
            base64::engine::general_purpose::STANDARD
                .decode(t)
                .or_else(|_| B64.decode(t))
                .map_err(|_| "the key is neither 64 hex digits nor base64".to_owned())?
        };
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| format!("the key has {} bytes, 32 are needed", b.len()))?;
        Ok(Self::from_bytes(bytes))
    }

    /// The key as 64 hex digits, for writing a new key file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// The key's public name, stored beside every value it seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn aead(&self) -> Option<LessSafeKey> {
        UnboundKey::new(&AES_256_GCM, &self.bytes)
            .ok()
            .map(LessSafeKey::new)
    }

    /// Seals `plain` for the record named by `context` (for example `line:<id>:sip_password`).
    /// Fails only where AES-GCM itself refuses (a value of gigabytes), never for what we store.
    pub fn seal(&self, context: &str, plain: &str) -> AppResult<String> {
        let unsealable = || AppError::Internal("AES-GCM refused to seal a value".into());
        let nonce_bytes = crate::secrets::random_bytes::<NONCE_LEN>();
        let mut buf = plain.as_bytes().to_vec();
        self.aead()
            .ok_or_else(unsealable)?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce_bytes),
                Aad::from(context.as_bytes()),
                &mut buf,
            )
            .map_err(|_| unsealable())?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&buf);
        Ok(format!("{PREFIX}{}:{}", self.id, B64.encode(out)))
    }

    /// Opens a value sealed for `context` by this key.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, Unreadable> {
        let (id, body) = split(sealed).ok_or(Unreadable::Damaged)?;
        if id != self.id {
            return Err(Unreadable::OtherKey(id.to_owned()));
        }
        let mut raw = B64.decode(body).map_err(|_| Unreadable::Damaged)?;
        if raw.len() < NONCE_LEN {
            return Err(Unreadable::Damaged);
        }
        let mut ct = raw.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&raw).map_err(|_| Unreadable::Damaged)?;
        let plain = self
            .aead()
            .ok_or(Unreadable::Damaged)?
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut ct)
            .map_err(|_| Unreadable::Damaged)?;
        String::from_utf8(plain.to_vec()).map_err(|_| Unreadable::Damaged)
    }
}

/// The key id of a sealed value; `None` for a value stored before sealing existed (plain text).
pub fn key_id_of(value: &str) -> Option<&str> {
    split(value).map(|(id, _)| id)
}

fn split(value: &str) -> Option<(&str, &str)> {
    value.strip_prefix(PREFIX)?.split_once(':')
}

/// What a line's SIP password is sealed for.
pub fn line_context(line_id: &str) -> String {
    format!("line:{line_id}:sip_password")
}

/// What a trunk's carrier password or inbound key (`field`) is sealed for.
pub fn trunk_context(trunk_id: &str, field: &str) -> String {
    format!("trunk:{trunk_id}:{field}")
}

/// What a company's provider or PBX credentials (`field`) are sealed for.
pub fn company_context(company_id: &str, field: &str) -> String {
    format!("company:{company_id}:{field}")
}

/// What a user's two-factor secret is sealed for.
pub fn totp_context(user_id: &str) -> String {
    format!("user_totp:{user_id}:secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_secret_is_the_same_for_the_same_key_and_purpose_and_differs_otherwise() {
        let key = SecretKey::from_bytes([7; 32]);
        let again = SecretKey::from_bytes([7; 32]);
        let other = SecretKey::from_bytes([8; 32]);
        assert_eq!(key.derive("sip nonces"), again.derive("sip nonces"));
        assert_ne!(key.derive("sip nonces"), key.derive("something else"));
        assert_ne!(key.derive("sip nonces"), other.derive("sip nonces"));
        assert_ne!(key.derive("sip nonces"), [7; 32], "not the key itself");
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_for_its_record() {
        let k = SecretKey::generate();
        let s = k.seal("line:a:sip_password", "s3cret").unwrap();
        assert!(!s.contains("s3cret"));
        assert_eq!(key_id_of(&s), Some(k.id()));
        assert_eq!(k.open("line:a:sip_password", &s).unwrap(), "s3cret");
        // Copied into another line's row, it does not open.
        assert_eq!(k.open("line:b:sip_password", &s), Err(Unreadable::Damaged));
        let other = SecretKey::generate();
        assert_eq!(
            other.open("line:a:sip_password", &s),
            Err(Unreadable::OtherKey(k.id().to_owned()))
        );
        // A flipped byte is caught by the tag.
        let mut bad = s.clone().into_bytes();
        let last = bad.len() - 2;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            k.open("line:a:sip_password", &String::from_utf8(bad).unwrap()),
            Err(Unreadable::Damaged)
        );
    }

    #[test]
    fn the_same_password_sealed_twice_looks_different() {
        let k = SecretKey::generate();
        assert_ne!(k.seal("c", "x").unwrap(), k.seal("c", "x").unwrap());
    }

    #[test]
    fn keys_are_read_as_hex_or_base64_and_anything_else_is_refused() {
        let k = SecretKey::generate();
        let again = SecretKey::parse(&format!("  {}\n", k.to_hex())).unwrap();
        assert_eq!(again.id(), k.id());
        let b64 = base64::engine::general_purpose::STANDARD.encode(k.bytes);
        assert_eq!(SecretKey::parse(&b64).unwrap().id(), k.id());
        assert!(SecretKey::parse("short").is_err());
        assert!(SecretKey::parse(&"ab".repeat(31)).is_err());
        assert!(format!("{k:?}").contains(k.id()));
        assert!(!format!("{k:?}").contains(&k.to_hex()));
    }

    #[test]
    fn plain_values_from_before_sealing_are_told_apart() {
        assert_eq!(key_id_of("s3cret"), None);
        assert_eq!(key_id_of("sb1:0a1b2c3d:AAAA"), Some("0a1b2c3d"));
    }
}
