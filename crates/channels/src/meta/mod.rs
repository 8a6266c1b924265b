//! Meta WhatsApp Cloud API: the GET verification handshake, `X-Hub-Signature-256` checks,
//! incoming messages and statuses, and sending.
mod client;
mod inbound;

pub use client::{MetaClient, MetaCredentials};
pub use inbound::{map_status, parse_webhook};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_domain::message::Button;

use crate::{ct_eq, error::VerifyError};

/// The header carrying Meta's body signature.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.
pub fn verify_signature(
    app_secret: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), VerifyError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty());
    let header = header.ok_or(VerifyError::Missing)?;
    let given = header
        .strip_prefix("sha256=")
        .ok_or(VerifyError::Malformed)?
        .to_ascii_lowercase();
    if app_secret.is_empty() {
        return Err(VerifyError::Mismatch);
    }
    if ct_eq(&sign(app_secret, body), &given) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

/// Hex HMAC-SHA256 of the body, as Meta computes it.
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    // HMAC accepts keys of any length; the fallback key is unreachable.
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new(&Default::default()));
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The subscription handshake: `GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..`.
/// Returns the challenge to echo (200, text/plain) when the token matches, `None` for a 403.
pub fn verify_handshake(verify_token: &str, query: &[(String, String)]) -> Option<String> {
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let ok = get("hub.mode") == Some("subscribe")
        && !verify_token.is_empty()
        && get("hub.verify_token").is_some_and(|t| ct_eq(t, verify_token));
    if ok {
        get("hub.challenge").map(str::to_string)
    } else {
        None
    }
}

/// [`verify_handshake`] on a raw query string.
pub fn verify_handshake_query(verify_token: &str, raw_query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw_query.as_bytes())
        .into_owned()
        .collect();
    verify_handshake(verify_token, &pairs)
}

/// Can these buttons be shown as WhatsApp reply buttons (at most 3, titles of at most 20
/// characters, ids of at most 256)? Otherwise they go out as numbered text.
pub fn reply_buttons_fit(buttons: &[Button]) -> bool {
    (1..=3).contains(&buttons.len())
        && buttons.iter().all(|b| {
            let n = b.label.chars().count();
            (1..=20).contains(&n) && !b.data.is_empty() && b.data.len() <= 256
        })
}

#[cfg(test)]
mod tests;
