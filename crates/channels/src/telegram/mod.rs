//! Telegram Bot API: the webhook secret token, updates (messages and inline-keyboard
//! presses), sending, and `getUpdates` long polling for development.
mod client;
mod inbound;

pub use client::{
    ALLOWED_UPDATES, PolledUpdate, TelegramClient, TelegramCredentials, next_offset, request_for,
};
pub use inbound::{parse_update, parse_update_value};

use crate::error::VerifyError;

/// The header Telegram sets to the `secret_token` given to `setWebhook`.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Checks the secret token header in constant time. A channel with no secret configured
/// accepts no webhooks (it should be long polling).
pub fn verify_secret_token(expected: &str, header: Option<&str>) -> Result<(), VerifyError> {
    crate::check_shared_secret(expected, header)
}
