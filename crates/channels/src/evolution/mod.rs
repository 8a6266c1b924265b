//! WhatsApp Web through a Baileys-based bridge speaking the Evolution API (v2) protocol: our
//! webhook secret header, `messages.upsert` / `messages.update` / `connection.update` /
//! `qrcode.updated` events, sending, webhook registration and pairing.
mod client;
mod inbound;

pub use client::{
    ConnectResult, EvolutionClient, EvolutionCredentials, NOT_ON_WHATSAPP, WEBHOOK_EVENTS,
};
pub use inbound::{map_status, parse_webhook};

use serde::{Deserialize, Serialize};

use crate::error::VerifyError;

/// The bridge does not sign webhooks, so at registration we ask it to send this header with
/// a per-channel secret, and check it on every delivery.
pub const SECRET_HEADER: &str = "x-switchboard-secret";

/// Checks our secret header in constant time; an empty configured secret rejects everything.
pub fn verify_secret(expected: &str, header: Option<&str>) -> Result<(), VerifyError> {
    crate::check_shared_secret(expected, header)
}

/// The bridge's WhatsApp session state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// Paired and online.
    Open,
    /// Waiting for the QR code to be scanned, or reconnecting.
    Connecting,
    /// Logged out or disconnected.
    Close,
    /// WhatsApp refused the session.
    Refused,
    /// A state this code does not know yet.
    Unknown,
}

impl ConnectionState {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => ConnectionState::Open,
            "connecting" => ConnectionState::Connecting,
            "close" | "closed" => ConnectionState::Close,
            "refused" => ConnectionState::Refused,
            _ => ConnectionState::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionState::Open => "open",
            ConnectionState::Connecting => "connecting",
            ConnectionState::Close => "close",
            ConnectionState::Refused => "refused",
            ConnectionState::Unknown => "unknown",
        }
    }
}

/// A `connection.update` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionUpdate {
    pub instance: String,
    pub state: ConnectionState,
    /// Baileys' disconnect reason (e.g. 401 logged out, 515 restart required).
    pub status_reason: Option<i64>,
}

/// A pairing QR code (`qrcode.updated`, or the answer of `/instance/connect`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrCode {
    pub instance: String,
    /// A `data:image/png;base64,...` URL, ready for an `<img src>`.
    pub base64: String,
    /// The raw QR payload.
    pub code: Option<String>,
    /// The 8-character code for "link with phone number", when a number was given.
    pub pairing_code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_secret() {
        for s in ["open", "connecting", "close", "refused"] {
            assert_eq!(ConnectionState::parse(s).as_str(), s);
        }
        assert_eq!(ConnectionState::parse("weird"), ConnectionState::Unknown);
        assert_eq!(verify_secret("k", Some("k")), Ok(()));
        assert_eq!(verify_secret("k", Some("K")), Err(VerifyError::Mismatch));
        assert_eq!(verify_secret("k", None), Err(VerifyError::Missing));
    }
}
