//! Payment webhooks: `/webhooks/stripe/{business_id}` and `/webhooks/square/{business_id}`.
//! The signature is checked on the raw body with the business's own secret before anything
//! else (403 and nothing credited when it fails; a Stripe timestamp more than 300 s away is
//! refused too). A paid payment credits its top-up once, whatever the number and order of
//! events: the credit is keyed by the top-up id in the ledger.
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
};
use switchboard_billing::BillingError;
use switchboard_domain::BusinessId;

use crate::{
    api::billing::payments,
    app::AppState,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppPath, RawBody},
    ops::limits::Peer,
};

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A signature that does not verify: 403, or 429 past the limit on unverified requests per
/// source and per business. Verified events are never limited (see [`crate::ops::limits`]).
fn answer(
    state: &AppState,
    peer: Peer,
    provider: &str,
    business: BusinessId,
    e: BillingError,
) -> ApiError {
    let BillingError::Signature(reason) = e else {
        return e.into();
    };
    let refusal = ApiError::forbidden("webhook signature check failed");
    match state
        .limits
        .unverified_webhook(peer, &format!("{provider}:{business}"), refusal)
    {
        limited @ ApiError::TooManyRequests { .. } => limited,
        refusal => {
            tracing::warn!(%provider, %business, %reason, "payment webhook signature refused");
            refusal
        }
    }
}

/// Stripe events (Checkout Session completed / async payment succeeded or failed / expired).
#[utoipa::path(post, path = "/webhooks/stripe/{business_id}", tag = "webhooks", security(()),
    params(("business_id" = BusinessId, Path, description = "Business id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn stripe(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<BusinessId>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<StatusCode> {
    payments(&state)
        .stripe_event(id, header(&headers, "stripe-signature"), &body)
        .await
        .map_err(|e| answer(&state, peer, "stripe", id, e))?;
    Ok(StatusCode::OK)
}

/// Square notifications (`payment.created`, `payment.updated`); a payment is credited when
/// its status is `COMPLETED`, mapped back to the top-up through its order.
#[utoipa::path(post, path = "/webhooks/square/{business_id}", tag = "webhooks", security(()),
    params(("business_id" = BusinessId, Path, description = "Business id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn square(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<BusinessId>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<StatusCode> {
    payments(&state)
        .square_event(id, header(&headers, "x-square-hmacsha256-signature"), &body)
        .await
        .map_err(|e| answer(&state, peer, "square", id, e))?;
    Ok(StatusCode::OK)
}
