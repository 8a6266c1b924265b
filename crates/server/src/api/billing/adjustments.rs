//! `POST /api/v1/billing/customers/{id}/adjustments`: manual credits and debits.
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};
use switchboard_billing::adjustments::{self, Direction};
use switchboard_domain::CustomerId;

use super::{MONEY, billing_tenant, views::BalanceView};
use crate::{
    app::AppState,
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AdjustmentDirection {
    Credit,
    Debit,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    pub direction: AdjustmentDirection,
    /// Minor units, positive.
    pub amount: i64,
    /// Default: the tariff's wallet currency.
    pub currency: Option<String>,
    /// Why (kept in the ledger and the audit log).
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdjustmentResult {
    pub transfer_id: String,
    /// `posted`, or `refused` when a debit exceeds the available balance.
    pub status: String,
    pub balance: BalanceView,
}

/// Credit or debit a customer's wallet by hand (owner or finance), audited. Send an
/// `Idempotency-Key` header to make retries safe.
#[utoipa::path(post, path = "/api/v1/billing/customers/{id}/adjustments", tag = "billing", request_body = Adjustment,
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 201, body = AdjustmentResult), (status = 402, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn adjust(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    AppPath(id): AppPath<CustomerId>,
    AppJson(body): AppJson<Adjustment>,
) -> ApiResult<(StatusCode, AppJson<AdjustmentResult>)> {
    billing_tenant(&tenant, MONEY)?;
    let asked = adjustments::Adjustment {
        direction: match body.direction {
            AdjustmentDirection::Credit => Direction::Credit,
            AdjustmentDirection::Debit => Direction::Debit,
        },
        amount: body.amount,
        currency: body.currency.as_deref(),
        reason: &body.reason,
        idempotency_key: headers.get("idempotency-key").and_then(|v| v.to_str().ok()),
    };
    // The service names the action, target and details; the actor and request are ours.
    let audit = tenant.audit_record("", None, serde_json::Value::Null);
    let done = adjustments::adjust(&state.store, &tenant.store, id, asked, audit).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(AdjustmentResult {
            transfer_id: done.transfer_id,
            status: done.status,
            balance: (&done.wallet).into(),
        }),
    ))
}
