//! Stripe: `Stripe-Signature` verification, Checkout Session events, and creating Checkout
//! Sessions for top-ups.
use hmac::Mac;

use super::{SignatureError, hmac_sha256};

mod client;
mod event;
#[cfg(test)]
mod tests;

pub use client::{CreatedCheckoutSession, NewCheckoutSession, StripeClient};
pub use event::{CheckoutOutcome, CheckoutSession, EventError, PaidCheckout, StripeEvent};

/// Stripe's own default: signatures older (or newer) than five minutes are refused, which
/// bounds how long a captured request can be replayed.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// Verifies a `Stripe-Signature` header (`t=<unix>,v1=<hex>[,v1=<hex>...]`) against the raw
/// request body: HMAC-SHA256 with the endpoint secret over `"<t>.<body>"`, any `v1` may match
/// (several appear while a secret is being rolled), compared in constant time, and `t` must be
/// within `tolerance_secs` of `now_unix` in either direction.
pub fn verify_stripe_signature(
    secret: &str,
    header_value: &str,
    raw_body: &[u8],
    now_unix: i64,
    tolerance_secs: u64,
) -> Result<(), SignatureError> {
    if header_value.trim().is_empty() {
        return Err(SignatureError::Missing);
    }
    let mut timestamp: Option<&str> = None;
    let mut candidates: Vec<&str> = Vec::new();
    for item in header_value.split(',') {
        let Some((key, value)) = item.trim().split_once('=') else {
            return Err(SignatureError::Malformed);
        };
        match key {
            // Two timestamps would make it ambiguous which one was signed.
            "t" if timestamp.is_some() => return Err(SignatureError::Malformed),
            "t" => timestamp = Some(value),
            "v1" => candidates.push(value),
            // v0 (test-mode legacy) and future schemes are not ours to trust.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    let t: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let mac = hmac_sha256(secret.as_bytes(), &[timestamp.as_bytes(), b".", raw_body]);
    // `verify_slice` compares in constant time; undecodable hex simply cannot match.
    let matched = candidates.iter().any(|hex_sig| {
        hex::decode(hex_sig).is_ok_and(|sig| mac.clone().verify_slice(&sig).is_ok())
    });
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    if now_unix.abs_diff(t) > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// The `Stripe-Signature` header Stripe would send for `body` at time `t`; for tests and the
/// fake Stripe server.
pub fn sign_stripe(secret: &str, t: i64, body: &[u8]) -> String {
    let t = t.to_string();
    let mac = hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", body]);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}
