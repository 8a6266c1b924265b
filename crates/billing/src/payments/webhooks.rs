//! Payment notifications from Stripe and Square. The signature is checked on the raw body with
//! the business's own secret before anything else (nothing is credited when it fails; a
//! Stripe timestamp more than 300 s away is refused too). A paid payment credits its top-up
//! once, whatever the number and order of events: the credit is keyed by the top-up id in
//! the ledger. Signed events that are not our top-ups are acknowledged and ignored, so the
//! provider does not retry them for days and finally disable the endpoint.
use switchboard_domain::{BusinessId, TopupId, time::now_ms};
use switchboard_store::{StoreError, TenantStore, billing::topups::TopupRow};

use super::Payments;
use crate::{
    BillingError, PaymentProvider,
    error::BillingResult,
    providers::{
        square::{SquareClient, SquareEvent, verify_square_signature},
        stripe::{CheckoutOutcome, DEFAULT_TOLERANCE_SECS, StripeEvent, verify_stripe_signature},
    },
};

/// The top-up a provider's reference names; `None` for ids that are not ours.
async fn find_topup(tenant: &TenantStore, id: &str) -> BillingResult<Option<TopupRow>> {
    let Ok(id) = id.parse::<TopupId>() else {
        return Ok(None);
    };
    match tenant.get_topup(id).await {
        Ok(t) => Ok(Some(t)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn bad_payload(e: impl std::fmt::Display) -> BillingError {
    BillingError::InvalidPayload(e.to_string())
}

impl Payments<'_> {
    /// A Stripe event (Checkout Session completed / async payment succeeded or failed /
    /// expired) with its `Stripe-Signature` header.
    pub async fn stripe_event(
        &self,
        business_id: BusinessId,
        signature: &str,
        body: &[u8],
    ) -> BillingResult<()> {
        let business = self.store.get_business(business_id).await?;
        let tenant = self.store.tenant(business.id);
        let (creds, _) = self
            .open(&tenant, PaymentProvider::Stripe)
            .await?
            .ok_or(BillingError::NotFound)?;
        verify_stripe_signature(
            creds.webhook_secret.as_deref().unwrap_or_default(),
            signature,
            body,
            now_ms() / 1000,
            DEFAULT_TOLERANCE_SECS,
        )
        .map_err(|e| BillingError::Signature(e.to_string()))?;
        let event = StripeEvent::parse(body).map_err(bad_payload)?;
        let outcome = match event.checkout_outcome() {
            Ok(o) => o,
            Err(e) => {
                tracing::info!(business = %business_id, reason = %e, "Stripe event is not a top-up; ignored");
                return Ok(());
            }
        };
        match outcome {
            CheckoutOutcome::Paid(paid) => {
                let Some(topup) = find_topup(&tenant, &paid.topup_id)
                    .await?
                    .filter(|t| t.provider == "stripe")
                else {
                    tracing::warn!(topup = %paid.topup_id, "Stripe payment for an unknown top-up");
                    return Ok(());
                };
                let payment = paid.payment_intent.as_deref().unwrap_or(&paid.session_id);
                self.credit_topup(&business, &topup, paid.amount, Some(payment))
                    .await?;
            }
            CheckoutOutcome::AwaitingPayment { topup_id, .. } => {
                if let Ok(id) = topup_id.parse() {
                    tenant
                        .set_topup_status(id, "awaiting_payment", None)
                        .await?;
                }
            }
            CheckoutOutcome::Failed { topup_id, .. } => {
                if let Ok(id) = topup_id.parse() {
                    tenant.set_topup_status(id, "failed", None).await?;
                }
            }
            CheckoutOutcome::Ignored => {}
        }
        Ok(())
    }

    /// A Square notification (`payment.created`, `payment.updated`) with its
    /// `x-square-hmacsha256-signature` header; a payment is credited when its status is
    /// `COMPLETED`, mapped back to the top-up through its order.
    pub async fn square_event(
        &self,
        business_id: BusinessId,
        signature: &str,
        body: &[u8],
    ) -> BillingResult<()> {
        let business = self.store.get_business(business_id).await?;
        let tenant = self.store.tenant(business.id);
        let (creds, settings) = self
            .open(&tenant, PaymentProvider::Square)
            .await?
            .ok_or(BillingError::NotFound)?;
        // The subscription URL byte for byte: built from the configured public URL.
        let url = format!("{}/webhooks/square/{}", self.public_base, business.id);
        verify_square_signature(
            creds.signature_key.as_deref().unwrap_or_default(),
            &url,
            body,
            signature,
        )
        .map_err(|e| BillingError::Signature(e.to_string()))?;
        let event = SquareEvent::parse(body).map_err(bad_payload)?;
        let paid = match event.completed_payment() {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::info!(business = %business_id, reason = %e, "Square event is not a top-up; ignored");
                return Ok(());
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
                    self.http.clone(),
                    creds.access_token.unwrap_or_default(),
                    settings.location_id.unwrap_or_default(),
                )
                .with_api_base(self.square_api_base);
                match client.retrieve_order(&paid.order_id).await {
                    // Square retries a 5xx: a passing outage is worth another delivery.
                    Err(e) if e.is_retryable() => return Err(BillingError::Provider(e)),
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
            return Ok(());
        };
        self.credit_topup(&business, &topup, paid.amount, Some(&paid.payment_id))
            .await?;
        Ok(())
    }
}
