//! Payment webhooks: `/webhooks/stripe/{business_id}` and `/webhooks/square/{business_id}`.
//! The signature is checked on the raw body with the business's own secret before anything
//! else (403 and nothing credited when it fails; a Stripe timestamp more than 300 s away is
//! refused too). A paid payment credits its top-up once, whatever the number and order of
//! events: the credit is keyed by the top-up id in the ledger.
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
};
use switchboard_billing::providers::{
    square::{SquareClient, SquareEvent, verify_square_signature},
    stripe::{CheckoutOutcome, DEFAULT_TOLERANCE_SECS, StripeEvent, verify_stripe_signature},
};
use switchboard_domain::BusinessId;

use crate::{
    app::AppState,
    billing::{PaymentProvider, payments},
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
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
fn refuse(
    state: &AppState,
    peer: Peer,
    provider: &str,
    business: BusinessId,
    e: impl std::fmt::Display,
) -> ApiError {
    let refusal = ApiError::forbidden("webhook signature check failed");
    match state
        .limits
        .unverified_webhook(peer, &format!("{provider}:{business}"), refusal)
    {
        limited @ ApiError::TooManyRequests { .. } => limited,
        refusal => {
            tracing::warn!(%provider, %business, reason = %e, "payment webhook signature refused");
            refusal
        }
    }
}

fn bad_payload(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        ErrorCode::InvalidPayload,
        format!("payload not understood: {e}"),
    )
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
    let business = state.store.get_business(id).await?;
    let tenant = state.store.tenant(business.id);
    let (creds, _) = payments::open(&state, &tenant, PaymentProvider::Stripe)
        .await?
        .ok_or(ApiError::NotFound)?;
    verify_stripe_signature(
        creds.webhook_secret.as_deref().unwrap_or_default(),
        header(&headers, "stripe-signature"),
        &body,
        switchboard_domain::time::now_ms() / 1000,
        DEFAULT_TOLERANCE_SECS,
    )
    .map_err(|e| refuse(&state, peer, "stripe", id, e))?;
    let event = StripeEvent::parse(&body).map_err(bad_payload)?;
    // A signed event that is not one of our top-ups (the business's other Stripe sales) is
    // acknowledged and ignored: refusing it would make Stripe retry it for days and finally
    // disable the endpoint.
    let outcome = match event.checkout_outcome() {
        Ok(o) => o,
        Err(e) => {
            tracing::info!(business = %id, reason = %e, "Stripe event is not a top-up; ignored");
            return Ok(StatusCode::OK);
        }
    };
    match outcome {
        CheckoutOutcome::Paid(paid) => {
            let Some(topup) = find_topup(&tenant, &paid.topup_id)
                .await?
                .filter(|t| t.provider == "stripe")
            else {
                tracing::warn!(topup = %paid.topup_id, "Stripe payment for an unknown top-up");
                return Ok(StatusCode::OK);
            };
            let payment = paid.payment_intent.as_deref().unwrap_or(&paid.session_id);
            payments::credit_topup(&state, &business, &topup, paid.amount, Some(payment)).await?;
        }
        CheckoutOutcome::AwaitingPayment { topup_id, .. } => {
            tenant
                .set_topup_status(&topup_id, "awaiting_payment", None)
                .await?;
        }
        CheckoutOutcome::Failed { topup_id, .. } => {
            tenant.set_topup_status(&topup_id, "failed", None).await?;
        }
        CheckoutOutcome::Ignored => {}
    }
    Ok(StatusCode::OK)
}

async fn find_topup(
    tenant: &switchboard_store::TenantStore,
    id: &str,
) -> ApiResult<Option<switchboard_store::billing::topups::TopupRow>> {
    match tenant.get_topup(id).await {
        Ok(t) => Ok(Some(t)),
        Err(switchboard_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
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
    let business = state.store.get_business(id).await?;
    let tenant = state.store.tenant(business.id);
    let (creds, settings) = payments::open(&state, &tenant, PaymentProvider::Square)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The subscription URL byte for byte: built from the configured public URL.
    let url = format!(
        "{}/webhooks/square/{}",
        state.config.public_base(),
        business.id
    );
    verify_square_signature(
        creds.signature_key.as_deref().unwrap_or_default(),
        &url,
        &body,
        header(&headers, "x-square-hmacsha256-signature"),
    )
    .map_err(|e| refuse(&state, peer, "square", id, e))?;
    let event = SquareEvent::parse(&body).map_err(bad_payload)?;
    // Signed but not a payment of ours (no order, say): acknowledged and ignored, so Square
    // does not retry it.
    let paid = match event.completed_payment() {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(StatusCode::OK),
        Err(e) => {
            tracing::info!(business = %id, reason = %e, "Square event is not a top-up; ignored");
            return Ok(StatusCode::OK);
        }
    };
    let topup = match tenant
        .topup_by_provider_ref("square", &paid.order_id)
        .await?
    {
        Some(t) => Some(t),
        None => {
            // Not created by us under this order id: ask Square for the order's reference.
            let client = SquareClient::new(
                state.http.clone(),
                creds.access_token.unwrap_or_default(),
                settings.location_id.unwrap_or_default(),
            )
            .with_api_base(&state.config.square_api_base);
            match client.retrieve_order(&paid.order_id).await {
                // Square retries a 5xx: a passing outage is worth another delivery.
                Err(e) if e.is_retryable() => return Err(ApiError::Unavailable(e.to_string())),
                Err(e) => {
                    tracing::warn!(order = %paid.order_id, error = %e, "Square order lookup failed; payment ignored");
                    None
                }
                Ok(order) => match order.reference_id {
                    Some(r) => find_topup(&tenant, &r).await?,
                    None => None,
                },
            }
        }
    };
    let Some(topup) = topup.filter(|t| t.provider == "square") else {
        tracing::warn!(order = %paid.order_id, "Square payment for an unknown top-up");
        return Ok(StatusCode::OK);
    };
    payments::credit_topup(
        &state,
        &business,
        &topup,
        paid.amount,
        Some(&paid.payment_id),
    )
    .await?;
    Ok(StatusCode::OK)
}
