//! Square: `x-square-hmacsha256-signature` verification, payment notifications, and payment
//! links for top-ups (with the order lookup that maps a payment back to its top-up).
use base64::Engine;
use hmac::Mac;

use super::{SignatureError, hmac_sha256};

mod client;
mod event;
#[cfg(test)]
mod tests;

pub use client::{CreatedPaymentLink, SquareClient, SquareOrder};
pub use event::{
    CompletedPayment, EventError, SquareEvent, SquareEventData, SquareMoney, SquarePayment,
};

/// Verifies a Square notification: base64(HMAC-SHA256(signature key, notification URL + raw
/// body)), compared in constant time. `notification_url` must be the subscription's URL byte
/// for byte (configure it; never rebuild it from the incoming request, which a proxy may have
/// rewritten). Square signs no timestamp, so replays are stopped by deduping on `event_id`.
pub fn verify_square_signature(
    signature_key: &str,
    notification_url: &str,
    raw_body: &[u8],
    header_value: &str,
) -> Result<(), SignatureError> {
    let header_value = header_value.trim();
    if header_value.is_empty() {
        return Err(SignatureError::Missing);
    }
    let signature = base64::engine::general_purpose::STANDARD
        .decode(header_value)
        .map_err(|_| SignatureError::Malformed)?;
    hmac_sha256(
        signature_key.as_bytes(),
        &[notification_url.as_bytes(), raw_body],
    )
    .verify_slice(&signature)
    .map_err(|_| SignatureError::Mismatch)
}

/// The signature Square would send for `raw_body` delivered to `notification_url`; for tests
/// and the fake Square server.
pub fn sign_square(signature_key: &str, notification_url: &str, raw_body: &[u8]) -> String {
    let mac = hmac_sha256(
        signature_key.as_bytes(),
        &[notification_url.as_bytes(), raw_body],
    );
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
