//! Payment providers for wallet top-ups: Stripe Checkout and Square payment links. Each module
//! verifies the provider's webhook signature on the raw body, parses the events we act on, and
//! calls the provider's API to create a payment page. What they share lives here: the
//! signature and API error types and the HTTP plumbing.
use hmac::{Hmac, Mac};
use sha2::Sha256;

mod http;
pub mod square;
pub mod stripe;

pub use http::default_http_client;

/// Why a webhook signature was refused. The variants are for logs and metrics; the caller
/// answers every one of them the same way (400) so a forger learns nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature header missing")]
    Missing,
    #[error("signature header malformed")]
    Malformed,
    #[error("signature timestamp outside the allowed window")]
    Stale,
    #[error("signature does not match the body")]
    Mismatch,
}

/// A failed call to a provider's API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// Rate limits, provider outages (5xx), timeouts and connection errors: try again later
    /// with the same idempotency key.
    #[error("{provider} temporarily unavailable ({}): {message}", code.as_deref().unwrap_or("-"))]
    Retryable {
        provider: &'static str,
        /// HTTP status, or `None` when no response arrived.
        status: Option<u16>,
        /// The provider's error code, e.g. Stripe `rate_limit`, Square `RATE_LIMITED`.
        code: Option<String>,
        message: String,
        /// The provider's `Retry-After`, in seconds, when it sent one.
        retry_after_secs: Option<u64>,
    },
    /// The provider refused the request (other 4xx), answered something we cannot read, or we
    /// refused to send it: repeating it will not help.
    #[error("{provider} refused the request ({}): {message}", code.as_deref().unwrap_or("-"))]
    Permanent {
        provider: &'static str,
        status: Option<u16>,
        code: Option<String>,
        message: String,
    },
}

impl ProviderError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, ProviderError::Retryable { .. })
    }

    /// The provider's error code, if it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ProviderError::Retryable { code, .. } | ProviderError::Permanent { code, .. } => {
                code.as_deref()
            }
        }
    }

    /// A request we refuse to send (bad amount, currency or id); never reaches the network.
    pub(crate) fn invalid_request(provider: &'static str, message: impl Into<String>) -> Self {
        ProviderError::Permanent {
            provider,
            status: None,
            code: Some("invalid_request".into()),
            message: message.into(),
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 over the concatenation of `parts`.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    // HMAC takes keys of any length (long ones are hashed), so `new_from_slice` cannot fail;
    // the fallback only exists to avoid a panic path and would never verify anything real.
    let mut mac = HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as hmac::digest::KeyInit>::new(&Default::default()));
    for part in parts {
        mac.update(part);
    }
    mac
}

/// Whether `id` is safe to use as our reference at a provider: non-empty, at most `max` bytes,
/// letters, digits, `-` and `_` only (Stripe's advice for `client_reference_id`; it also keeps
/// ids safe in URL paths).
fn is_reference_id(id: &str, max: usize) -> bool {
    !id.is_empty()
        && id.len() <= max
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
