//! Where tenant-configured URLs may point. A channel's `api_base` and the agent's model
//! `base_url` are checked against the operator's allow-list (`SWITCHBOARD_OUTBOUND_ALLOW`) when
//! they are set, and again before each call (the guarded client checks names as they resolve
//! and every redirect; IP literals are checked here, as no resolver sees them).
use switchboard_channels::netguard::{Blocked, validate_outbound_url};

use crate::{
    app::AppState,
    error::{ApiError, ApiResult, ErrorCode},
};

/// Checks a URL a tenant sets for us to call; `field` names it in the error (`api_base`,
/// `llm.base_url`). 422 `validation_failed` for what is not an http(s) URL, 422
/// `outbound_address_blocked` for an address outside the public internet that the operator
/// has not allowed. Returns the URL without a trailing slash.
pub async fn check_tenant_url(state: &AppState, field: &str, url: &str) -> ApiResult<String> {
    match validate_outbound_url(url, state.outbound.policy()).await {
        Ok(_) => Ok(url.trim().trim_end_matches('/').to_string()),
        Err(Blocked::Internal { .. }) => Err(blocked(field)),
        Err(_) => Err(ApiError::validation(format!(
            "{field} must be an http(s) URL"
        ))),
    }
}

/// The answer for a stored URL the allow-list refuses.
pub fn blocked(field: &str) -> ApiError {
    ApiError::Unprocessable(
        ErrorCode::OutboundAddressBlocked,
        format!(
            "{field} points to a loopback, private, link-local or metadata address; the operator can allow it with SWITCHBOARD_OUTBOUND_ALLOW"
        ),
    )
}
