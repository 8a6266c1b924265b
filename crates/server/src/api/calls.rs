//! `/api/v1/calls`: billable calls between a customer and an operator. Opening one
//! authorizes it (funds and free seconds reserved, allowed seconds returned); events move it
//! along and `ended` settles it once. Voice providers (Twilio, Asterisk) feed the same events.
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_domain::{CallId, CustomerId, OperatorId, Role};

use crate::{
    api::billing::billing_tenant,
    auth::Tenant,
    billing::calls::{self, CallError, CallView},
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath},
};

/// Who may open calls and report their events (and so decide what a customer pays): the
/// business's managers and the voice integrations, which use an owner or admin API key.
/// Operators are paid by these calls, so they can read them but not drive them.
const CONTROLLERS: &[Role] = &[Role::Owner, Role::Admin];

const CALLERS: &[Role] = &[
    Role::Owner,
    Role::Admin,
    Role::Agent,
    Role::Finance,
    Role::Operator,
];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCall {
    pub customer_id: CustomerId,
    pub operator_id: OperatorId,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CallEventKind {
    Answered,
    Heartbeat,
    Ended,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallEvent {
    #[serde(rename = "type")]
    pub kind: CallEventKind,
    /// Connected seconds, required with `ended` (0 when the call never connected).
    pub duration_secs: Option<u32>,
}

fn call_error(e: CallError) -> ApiError {
    match e {
        CallError::Billing(b) => b.into(),
        CallError::OperatorUnavailable => ApiError::Unprocessable(
            ErrorCode::OperatorUnavailable,
            "the operator is not taking calls".into(),
        ),
        CallError::InsufficientBalance => ApiError::PaymentRequired(
            "the balance does not pay for a call to this operator; top up first".into(),
        ),
    }
}

/// Open (authorize) a billable call: answers the seconds it may last.
#[utoipa::path(post, path = "/api/v1/calls", tag = "billing", request_body = OpenCall,
    responses((status = 201, body = CallView), (status = 402, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open(
    tenant: Tenant,
    AppJson(body): AppJson<OpenCall>,
) -> ApiResult<(StatusCode, AppJson<CallView>)> {
    billing_tenant(&tenant, CONTROLLERS)?;
    let customer = body.customer_id.to_string();
    if !tenant.store.customer_exists(&customer).await? {
        return Err(ApiError::NotFound);
    }
    let view = calls::open(&tenant.store, &customer, &body.operator_id.to_string())
        .await
        .map_err(call_error)?;
    Ok((StatusCode::CREATED, AppJson(view)))
}

/// One call, with its settlement once ended.
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "billing",
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = CallView), (status = 404, body = ErrorBody)))]
pub async fn get_one(tenant: Tenant, AppPath(id): AppPath<CallId>) -> ApiResult<AppJson<CallView>> {
    billing_tenant(&tenant, CALLERS)?;
    let row = tenant.store.get_call(&id.to_string()).await?;
    Ok(AppJson(CallView::from_row(&row)?))
}

/// A call event: `answered`, `heartbeat` (keeps the reservation alive) or `ended` with the
/// connected duration (settles the call; repeating it changes nothing).
#[utoipa::path(post, path = "/api/v1/calls/{id}/events", tag = "billing", request_body = CallEvent,
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = CallView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn event(
    tenant: Tenant,
    AppPath(id): AppPath<CallId>,
    AppJson(body): AppJson<CallEvent>,
) -> ApiResult<AppJson<CallView>> {
    billing_tenant(&tenant, CONTROLLERS)?;
    let row = tenant.store.get_call(&id.to_string()).await?;
    let row = match body.kind {
        CallEventKind::Answered => {
            calls::answered(&tenant.store, &row).await?;
            tenant.store.get_call(&row.id).await?
        }
        CallEventKind::Heartbeat => {
            calls::heartbeat(&tenant.store, &row).await?;
            tenant.store.get_call(&row.id).await?
        }
        CallEventKind::Ended => {
            let duration = body
                .duration_secs
                .ok_or_else(|| ApiError::validation("`duration_secs` is required with `ended`"))?;
            calls::settle(&tenant.store, &row, duration)
                .await
                .map_err(call_error)?
        }
    };
    Ok(AppJson(CallView::from_row(&row)?))
}
