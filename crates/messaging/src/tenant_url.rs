//! Where tenant-configured URLs may point. A channel's `api_base` and the agent's model
//! `base_url` are checked against the operator's allow-list (`SWITCHBOARD_OUTBOUND_ALLOW`) when
//! they are set, and again before each call (the guarded client checks names as they resolve
//! and every redirect; IP literals are checked here, as no resolver sees them).
use switchboard_channels::netguard::{Blocked, OutboundPolicy, validate_outbound_url};

use crate::error::{MessagingError, MessagingResult};

/// Checks a URL a tenant sets for us to call; `field` names it in the error (`api_base`,
/// `llm.base_url`). [`MessagingError::Invalid`] for what is not an http(s) URL,
/// [`MessagingError::Blocked`] for an address outside the public internet that the operator
/// has not allowed. Returns the URL without a trailing slash.
pub async fn check_tenant_url(
    policy: &OutboundPolicy,
    field: &str,
    url: &str,
) -> MessagingResult<String> {
    match validate_outbound_url(url, policy).await {
        Ok(_) => Ok(url.trim().trim_end_matches('/').to_string()),
        Err(Blocked::Internal { .. }) => Err(MessagingError::blocked(field)),
        Err(_) => Err(MessagingError::invalid(format!(
            "{field} must be an http(s) URL"
        ))),
    }
}
