//! Secrets at rest and credentials: AEAD (XChaCha20-Poly1305) sealing under a master key with
//! the key id inside the ciphertext so keys can rotate; argon2 password hashes; random tokens
//! and their SHA-256 digests for API keys and sessions.
use std::collections::HashMap;

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, KeyInit, Payload},
};
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("master key must be 32 bytes as base64 or 64 hex digits, optionally `id:` first")]
    BadKey,
    #[error("sealed secret is malformed")]
    Malformed,
    #[error("no master key with id `{0}`")]
    UnknownKeyId(String),
    #[error("secret could not be opened (wrong key or tampered)")]
    Tampered,
}

/// Master keys: one current key for sealing, older ones kept for opening.
/// Sealed form: `v1.<key id>.<base64 nonce>.<base64 ciphertext>`.
#[derive(Clone)]
pub struct SecretBox {
    current: String,
    keys: HashMap<String, XChaCha20Poly1305>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBox(current={})", self.current)
    }
}

fn decode_key(s: &str) -> Result<[u8; 32], CryptoError> {
    let s = s.trim();
    let bytes = if s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()) {
        hex::decode(s).map_err(|_| CryptoError::BadKey)?
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .or_else(|_| B64.decode(s))
            .map_err(|_| CryptoError::BadKey)?
    };
    bytes.try_into().map_err(|_| CryptoError::BadKey)
}

impl SecretBox {
    /// Parses a comma-separated key list, newest first: `k2:BASE64,k1:BASE64`. A key without
    /// `id:` gets the id `k0`.
    pub fn from_config(spec: &str) -> Result<Self, CryptoError> {
        let mut keys = HashMap::new();
        let mut current = None;
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (id, key) = match part.split_once(':') {
                Some((id, key)) if !id.is_empty() && id.len() <= 16 && !id.contains('.') => {
                    (id.to_string(), key)
                }
                _ => ("k0".to_string(), part),
            };
            let key = decode_key(key)?;
            current.get_or_insert_with(|| id.clone());
            keys.insert(id, XChaCha20Poly1305::new(&key.into()));
        }
        Ok(SecretBox {
            current: current.ok_or(CryptoError::BadKey)?,
            keys,
        })
    }

    /// A fresh random key in the config format (`k1:<base64>`).
    pub fn generate_key_spec() -> String {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        format!(
            "k1:{}",
            base64::engine::general_purpose::STANDARD.encode(key)
        )
    }

    /// Seals `plain`; `context` (e.g. the owning row's id) is bound as associated data so a
    /// sealed value cannot be moved to another row.
    pub fn seal(&self, plain: &str, context: &str) -> Result<String, CryptoError> {
        let cipher = self
            .keys
            .get(&self.current)
            .ok_or_else(|| CryptoError::UnknownKeyId(self.current.clone()))?;
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Tampered)?;
        Ok(format!(
            "v1.{}.{}.{}",
            self.current,
            B64.encode(nonce),
            B64.encode(ct)
        ))
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<String, CryptoError> {
        let mut parts = sealed.split('.');
        let (Some("v1"), Some(id), Some(nonce), Some(ct), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(CryptoError::Malformed);
        };
        let cipher = self
            .keys
            .get(id)
            .ok_or_else(|| CryptoError::UnknownKeyId(id.to_string()))?;
        let nonce = B64.decode(nonce).map_err(|_| CryptoError::Malformed)?;
        if nonce.len() != 24 {
            return Err(CryptoError::Malformed);
        }
        let ct = B64.decode(ct).map_err(|_| CryptoError::Malformed)?;
        let plain = cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Tampered)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }

    /// True when `sealed` was made with an older key and should be re-sealed.
    pub fn needs_rotation(&self, sealed: &str) -> bool {
        sealed.split('.').nth(1) != Some(self.current.as_str())
    }
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| CryptoError::Malformed)
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

/// A random token of `bytes` bytes, URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    B64.encode(buf)
}

/// SHA-256 hex digest. API keys and session tokens carry 256 bits of entropy, so a fast hash is
/// enough (unlike passwords) and lets lookups use a unique index.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_roundtrip_bound_to_context() {
        let old = SecretBox::from_config(&SecretBox::generate_key_spec()).unwrap();
        let sealed = old.seal("twilio-auth-token", "channel:1").unwrap();
        assert!(!sealed.contains("twilio-auth-token"));
        assert_eq!(old.open(&sealed, "channel:1").unwrap(), "twilio-auth-token");
        assert_eq!(old.open(&sealed, "channel:2"), Err(CryptoError::Tampered));
    }

    #[test]
    fn rotation_with_explicit_keys() {
        let k1 = SecretBox::generate_key_spec();
        let k2 = SecretBox::generate_key_spec().replace("k1:", "k2:");
        let v1 = SecretBox::from_config(&k1).unwrap();
        let sealed_old = v1.seal("s3cret", "ctx").unwrap();
        let v2 = SecretBox::from_config(&format!("{k2},{k1}")).unwrap();
        assert!(v2.needs_rotation(&sealed_old));
        assert_eq!(v2.open(&sealed_old, "ctx").unwrap(), "s3cret");
        let sealed_new = v2.seal("s3cret", "ctx").unwrap();
        assert!(!v2.needs_rotation(&sealed_new));
        assert!(matches!(
            v1.open(&sealed_new, "ctx"),
            Err(CryptoError::UnknownKeyId(_))
        ));
        assert_eq!(v2.open("garbage", "ctx"), Err(CryptoError::Malformed));
    }

    #[test]
    fn passwords() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
