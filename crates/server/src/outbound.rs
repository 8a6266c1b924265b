//! Tenant-set URLs (a channel's `api_base`, the model's `base_url`) checked against the
//! operator's allow-list; the check itself lives in the message pipeline.
use crate::{app::AppState, error::ApiResult};

/// 422 `validation_failed` for what is not an http(s) URL, 422 `outbound_address_blocked` for
/// an internal address the operator has not allowed. Returns the URL without a trailing slash.
pub async fn check_tenant_url(state: &AppState, field: &str, url: &str) -> ApiResult<String> {
    Ok(
        switchboard_messaging::tenant_url::check_tenant_url(state.outbound.policy(), field, url)
            .await?,
    )
}
