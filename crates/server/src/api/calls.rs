//! `/api/v1/calls`: billable calls between a customer and an operator. Opening one
//! authorizes it (funds and free seconds reserved, allowed seconds returned); events move it
//! along and `ended` settles it once. Voice providers (Twilio, Asterisk) feed the same events.
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_billing::calls::{self, Call};
use switchboard_domain::{
    CallId, CustomerId, OperatorId, Role,
    rating::{CallCharge, CallTariff},
};

use crate::{
    api::billing::{billing_tenant, views::time},
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
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

/// A call as the API shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CallView {
    pub id: CallId,
    pub customer_id: CustomerId,
    pub operator_id: OperatorId,
    /// `authorized`, `answered`, `settled`, `unpaid` or `expired`.
    pub status: String,
    /// Longest the call may last (the `<Dial timeLimit>`).
    pub allowed_secs: i64,
    /// Money held on the wallet for it, minor units.
    pub reserved_amount: i64,
    /// Free seconds reserved from packages.
    pub reserved_free_seconds: i64,
    pub tariff: CallTariff,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub duration_secs: Option<i64>,
    /// The settlement, once ended.
    pub charge: Option<CallCharge>,
}

impl From<Call> for CallView {
    fn from(c: Call) -> Self {
        CallView {
            id: c.id,
            customer_id: c.customer_id,
            operator_id: c.operator_id,
            status: c.status,
            allowed_secs: c.allowed_secs,
            reserved_amount: c.reserved_amount,
            reserved_free_seconds: c.reserved_free_seconds,
            tariff: c.tariff,
            started_at: time(c.started_at),
            answered_at: c.answered_at.map(time),
            ended_at: c.ended_at.map(time),
            duration_secs: c.duration_secs,
            charge: c.charge,
        }
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
    let call = calls::open(&tenant.store, body.customer_id, body.operator_id).await?;
    Ok((StatusCode::CREATED, AppJson(call.into())))
}

/// One call, with its settlement once ended.
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "billing",
    params(("id" = String, Path, description = "Call id")),
    responses((status = 200, body = CallView), (status = 404, body = ErrorBody)))]
pub async fn get_one(tenant: Tenant, AppPath(id): AppPath<CallId>) -> ApiResult<AppJson<CallView>> {
    billing_tenant(&tenant, CALLERS)?;
    Ok(AppJson(calls::get(&tenant.store, id).await?.into()))
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
    let event = match body.kind {
        CallEventKind::Answered => calls::CallEvent::Answered,
        CallEventKind::Heartbeat => calls::CallEvent::Heartbeat,
        CallEventKind::Ended => match body.duration_secs {
            Some(duration_secs) => calls::CallEvent::Ended { duration_secs },
            None => {
                // An unknown call answers 404 before the missing field does.
                calls::get(&tenant.store, id).await?;
                return Err(ApiError::validation(
                    "`duration_secs` is required with `ended`",
                ));
            }
        },
    };
    Ok(AppJson(
        calls::event(&tenant.store, id, event).await?.into(),
    ))
}
