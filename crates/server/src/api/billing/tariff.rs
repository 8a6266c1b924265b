//! `/api/v1/billing/tariff`: the business's prices and billing options.
use switchboard_billing::{BillingTariff, accounts};

use super::{SETTINGS, STAFF, billing_tenant};
use crate::{
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::AppJson,
};

/// The business's billing tariff (defaults until one is saved).
#[utoipa::path(get, path = "/api/v1/billing/tariff", tag = "billing",
    responses((status = 200, body = BillingTariff), (status = 403, body = ErrorBody)))]
pub async fn get_tariff(tenant: Tenant) -> ApiResult<AppJson<BillingTariff>> {
    billing_tenant(&tenant, STAFF)?;
    Ok(AppJson(accounts::load_tariff(&tenant.store).await?))
}

/// Replace the tariff (fields left out take their defaults).
#[utoipa::path(put, path = "/api/v1/billing/tariff", tag = "billing", request_body = BillingTariff,
    responses((status = 200, body = BillingTariff), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_tariff(
    tenant: Tenant,
    AppJson(body): AppJson<BillingTariff>,
) -> ApiResult<AppJson<BillingTariff>> {
    billing_tenant(&tenant, SETTINGS)?;
    let saved = accounts::save_tariff(&tenant.store, body).await?;
    let details = serde_json::to_value(&saved).unwrap_or_default();
    tenant.audit("billing.tariff.update", None, details).await?;
    Ok(AppJson(saved))
}
