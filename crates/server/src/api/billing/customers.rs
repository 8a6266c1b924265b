//! `/api/v1/billing/customers/{id}` and its free minutes: a customer's balances, free-minute
//! packages and estimated talk time, and granting free minutes.
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_billing::{
    adjustments::{self, FreeMinutes},
    statements,
};
use switchboard_domain::{CustomerId, OperatorId};

use super::{
    SETTINGS, STAFF, billing_tenant,
    views::{BalanceView, PackageView},
};
use crate::{
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppPath, AppQuery},
};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerBilling {
    pub customer_id: CustomerId,
    pub balances: Vec<BalanceView>,
    pub free_minute_packages: Vec<PackageView>,
    /// Free seconds usable now by a call (to `operator_id` when given).
    pub free_seconds: u32,
    /// Longest call the balance and free minutes pay for, in seconds (to `operator_id` when
    /// given, else at the default rate): the same rating code that authorizes calls.
    pub estimated_talk_secs: u32,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EstimateQuery {
    /// Estimate talk time with this operator's rate and packages.
    pub operator_id: Option<OperatorId>,
}

/// A customer's balances, free minutes and estimated talk time.
#[utoipa::path(get, path = "/api/v1/billing/customers/{id}", tag = "billing",
    params(("id" = String, Path, description = "Customer id"), EstimateQuery),
    responses((status = 200, body = CustomerBilling), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn customer(
    tenant: Tenant,
    AppPath(id): AppPath<CustomerId>,
    AppQuery(q): AppQuery<EstimateQuery>,
) -> ApiResult<AppJson<CustomerBilling>> {
    billing_tenant(&tenant, STAFF)?;
    let s = statements::customer_summary(&tenant.store, id, q.operator_id).await?;
    Ok(AppJson(CustomerBilling {
        customer_id: s.customer_id,
        balances: s.balances.iter().map(Into::into).collect(),
        free_minute_packages: s.packages.iter().map(Into::into).collect(),
        free_seconds: s.free_seconds,
        estimated_talk_secs: s.estimated_talk_secs,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantFreeMinutes {
    /// Free minutes to grant (1 to 100000).
    pub minutes: i64,
    /// Days until the package expires (default 30).
    pub valid_days: Option<i64>,
    /// Only calls to this operator may use it.
    pub operator_id: Option<OperatorId>,
    #[serde(default)]
    pub reason: String,
}

/// Grant a customer free call minutes (used oldest grant first).
#[utoipa::path(post, path = "/api/v1/billing/customers/{id}/free-minutes", tag = "billing", request_body = GrantFreeMinutes,
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 201, body = PackageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn grant_free_minutes(
    tenant: Tenant,
    AppPath(id): AppPath<CustomerId>,
    AppJson(body): AppJson<GrantFreeMinutes>,
) -> ApiResult<(StatusCode, AppJson<PackageView>)> {
    billing_tenant(&tenant, SETTINGS)?;
    let grant = FreeMinutes {
        minutes: body.minutes,
        valid_days: body.valid_days,
        operator_id: body.operator_id,
        reason: &body.reason,
    };
    let pkg = adjustments::grant_free_minutes(&tenant.store, id, grant).await?;
    let details = serde_json::json!({
        "package_id": pkg.id, "minutes": body.minutes, "operator_id": pkg.operator_id,
    });
    tenant
        .audit("billing.free_minutes.grant", Some(id.to_string()), details)
        .await?;
    Ok((StatusCode::CREATED, AppJson((&pkg).into())))
}
