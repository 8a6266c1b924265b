//! Top-ups through Stripe Checkout or Square payment links: provider credentials (sealed at
//! rest per business), creating the top-up and its payment page, and crediting a paid
//! top-up exactly once (ledger key `topup:<id>`) followed by a receipt message on the
//! customer's latest conversation and a balance event.
use serde::{Deserialize, Serialize};
use switchboard_billing::providers::{
    ProviderError,
    square::SquareClient,
    stripe::{NewCheckoutSession, StripeClient},
};
use switchboard_domain::{Currency, Money, message::OutboundContent};
use switchboard_store::{
    TenantStore,
    billing::topups::{NewTopup, TopupRow},
    businesses::Business,
    crypto::SecretBox,
    ledger::{NewTransfer, TransferOutcome, kind},
};

use super::{
    BillingTariff, PaymentProvider, customer_language, load_tariff, publish_balance, receipt_text,
    wallet,
};
use crate::{
    app::AppState,
    error::{ApiError, ErrorCode},
};

/// Secrets of one payment provider, sealed at rest with the master key and bound to the
/// business and provider (a sealed blob copied elsewhere does not open).
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderCredentials {
    /// Stripe secret key (`sk_...`).
    pub secret_key: Option<String>,
    /// Stripe webhook endpoint secret (`whsec_...`).
    pub webhook_secret: Option<String>,
    /// Square access token.
    pub access_token: Option<String>,
    /// Square webhook signature key.
    pub signature_key: Option<String>,
}

/// Public provider settings.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderSettings {
    /// Square location that owns the payment links.
    pub location_id: Option<String>,
}

fn seal_context(business: &str, provider: PaymentProvider) -> String {
    format!("payment_provider:{business}:{}", provider.as_str())
}

pub fn seal(
    secrets: &SecretBox,
    business: &str,
    provider: PaymentProvider,
    creds: &ProviderCredentials,
) -> anyhow::Result<String> {
    let json = serde_json::to_string(creds)?;
    Ok(secrets.seal(&json, &seal_context(business, provider))?)
}

/// The provider's credentials and settings; `None` when the business has not configured it.
pub async fn open(
    state: &AppState,
    tenant: &TenantStore,
    provider: PaymentProvider,
) -> Result<Option<(ProviderCredentials, ProviderSettings)>, ApiError> {
    let Some(row) = tenant.payment_provider(provider.as_str()).await? else {
        return Ok(None);
    };
    let plain = state
        .secrets
        .open(
            &row.credentials,
            &seal_context(&tenant.business_id.to_string(), provider),
        )
        .map_err(|e| ApiError::Internal(e.into()))?;
    let creds: ProviderCredentials =
        serde_json::from_str(&plain).map_err(|e| ApiError::Internal(e.into()))?;
    let settings: ProviderSettings = serde_json::from_str(&row.settings).unwrap_or_default();
    Ok(Some((creds, settings)))
}

fn provider_error(e: ProviderError) -> ApiError {
    tracing::warn!(error = %e, "payment provider call failed");
    if e.is_retryable() {
        ApiError::Unavailable(e.to_string())
    } else {
        ApiError::Unprocessable(ErrorCode::PaymentProviderError, e.to_string())
    }
}

/// The provider to use: the one asked for, the tariff's, or the only one configured.
async fn choose_provider(
    tenant: &TenantStore,
    tariff: &BillingTariff,
    asked: Option<PaymentProvider>,
) -> Result<PaymentProvider, ApiError> {
    if let Some(p) = asked.or(tariff.payment_provider) {
        return Ok(p);
    }
    let rows = tenant.payment_providers().await?;
    match rows.as_slice() {
        [one] if one.provider == "square" => Ok(PaymentProvider::Square),
        [one] if one.provider == "stripe" => Ok(PaymentProvider::Stripe),
        [] => Err(ApiError::Unprocessable(
            ErrorCode::PaymentProviderMissing,
            "no payment provider is configured for this business".into(),
        )),
        _ => Ok(PaymentProvider::Stripe),
    }
}

/// Creates a top-up of `amount` and its payment page at the provider, for a customer, or for
/// a phone alone (the public pay form: the customer is resolved when the payment is credited).
pub async fn create_topup(
    state: &AppState,
    business: &Business,
    customer_id: Option<&str>,
    phone: Option<&str>,
    amount: i64,
    provider: Option<PaymentProvider>,
) -> Result<TopupRow, ApiError> {
    let tenant = state.store.tenant(business.id);
    let tariff = load_tariff(&tenant)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if !tariff.topup_amounts.contains(&amount) || tariff.credit_for(amount) <= 0 {
        return Err(ApiError::Unprocessable(
            ErrorCode::InvalidAmount,
            format!(
                "top-ups are offered in these amounts only: {:?}",
                tariff.topup_amounts
            ),
        ));
    }
    let provider = choose_provider(&tenant, &tariff, provider).await?;
    let Some((creds, settings)) = open(state, &tenant, provider).await? else {
        return Err(ApiError::Unprocessable(
            ErrorCode::PaymentProviderMissing,
            format!("{} is not configured for this business", provider.as_str()),
        ));
    };
    let price = Money::new(amount, tariff.currency);
    let credit_currency = tariff.wallet_currency();
    let topup = tenant
        .create_topup(NewTopup {
            customer_id,
            phone,
            provider: provider.as_str(),
            amount,
            currency: tariff.currency.code(),
            credit_amount: tariff.credit_for(amount),
            credit_currency: credit_currency.code(),
        })
        .await?;
    // A pay-form top-up has no customer yet: the business's language names the product.
    let lang = match customer_id {
        Some(c) => customer_language(&tenant, business, c).await,
        None => business.default_language,
    };
    let name = switchboard_i18n::billing::topup_product(lang, &business.name, price);
    let base = state.config.public_base();
    let (reference, url) = match provider {
        PaymentProvider::Stripe => {
            let key = creds.secret_key.unwrap_or_default();
            let client = StripeClient::new(state.http.clone(), key)
                .with_api_base(&state.config.stripe_api_base);
            let success = format!("{base}/pay/{}?paid={}", business.id, topup.id);
            let cancel = format!("{base}/pay/{}", business.id);
            let s = client
                .create_checkout_session(&NewCheckoutSession {
                    topup_id: &topup.id,
                    amount: price,
                    product_name: &name,
                    success_url: &success,
                    cancel_url: &cancel,
                    customer_phone: phone,
                })
                .await
                .map_err(provider_error)?;
            (s.id, s.url)
        }
        PaymentProvider::Square => {
            let client = SquareClient::new(
                state.http.clone(),
                creds.access_token.unwrap_or_default(),
                settings.location_id.unwrap_or_default(),
            )
            .with_api_base(&state.config.square_api_base);
            let l = client
                .create_payment_link(&topup.id, price, &name)
                .await
                .map_err(provider_error)?;
            (l.order_id, l.url)
        }
    };
    Ok(tenant
        .set_topup_checkout(&topup.id, &reference, &url)
        .await?)
}

/// What a payment notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditResult {
    /// Credited now or by an earlier event of the same payment.
    Credited,
    /// The paid amount or currency differs from the top-up: nothing credited.
    AmountMismatch,
}

/// Credits a paid top-up once, then queues the receipt and publishes the balance.
pub async fn credit_topup(
    state: &AppState,
    business: &Business,
    topup: &TopupRow,
    paid: Money,
    payment_id: Option<&str>,
) -> Result<CreditResult, ApiError> {
    let tenant = state.store.tenant(business.id);
    if paid.minor != topup.amount || paid.currency.code() != topup.currency {
        tracing::warn!(topup = %topup.id, paid = %paid, expected = topup.amount, "paid amount differs from the top-up");
        tenant
            .set_topup_status(&topup.id, "amount_mismatch", payment_id)
            .await?;
        return Ok(CreditResult::AmountMismatch);
    }
    let currency: Currency = topup
        .credit_currency
        .parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("bad top-up currency")))?;
    let clearing = tenant
        .ledger_account(kind::PAYMENT_CLEARING, &topup.provider, currency.code())
        .await?;
    let customer = paying_customer(&tenant, topup).await?;
    let wallet = wallet(&tenant, &customer, currency).await?;
    let t = tenant
        .transfer(NewTransfer {
            idempotency_key: &format!("topup:{}", topup.id),
            kind: "topup",
            debit: &clearing,
            credit: &wallet,
            amount: topup.credit_amount,
            reason: &format!("{} payment", topup.provider),
        })
        .await?;
    if t.outcome() != TransferOutcome::Posted {
        return Err(ApiError::Internal(anyhow::anyhow!("top-up credit refused")));
    }
    tenant
        .set_topup_status(&topup.id, "paid", payment_id)
        .await?;
    tenant.reset_payment_link_notice(&customer).await?;
    send_receipt(state, business, &tenant, topup, &customer, currency).await?;
    publish_balance(&state.store, &tenant, &customer, currency).await;
    Ok(CreditResult::Credited)
}

/// The customer a paid top-up credits: its own, or (a pay-form top-up) the one its phone
/// belongs to, registered now that money has arrived.
async fn paying_customer(tenant: &TenantStore, topup: &TopupRow) -> Result<String, ApiError> {
    if let Some(c) = &topup.customer_id {
        return Ok(c.clone());
    }
    let phone = topup
        .phone
        .as_deref()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("top-up without customer or phone")))?;
    let customer = tenant.customer_by_phone(phone).await?;
    tenant.set_topup_customer(&topup.id, &customer).await?;
    Ok(customer)
}

async fn send_receipt(
    state: &AppState,
    business: &Business,
    tenant: &TenantStore,
    topup: &TopupRow,
    customer: &str,
    currency: Currency,
) -> Result<(), ApiError> {
    let key = format!("receipt:{}", topup.id);
    if tenant.outbound_by_key(&key).await?.is_some() {
        return Ok(());
    }
    let Some(conversation) = tenant.latest_conversation_of(customer).await? else {
        tracing::info!(topup = %topup.id, "no conversation to send the receipt on");
        return Ok(());
    };
    let w = wallet(tenant, customer, currency).await?;
    let lang = customer_language(tenant, business, customer).await;
    let text = receipt_text(
        lang,
        Money::new(topup.credit_amount, currency),
        Money::new(w.balance, currency),
    );
    match tenant
        .queue_outbound(
            &conversation,
            &[OutboundContent::text(text)],
            "billing",
            Some(&key),
        )
        .await
    {
        Ok(_) => {
            state.worker.notify();
            Ok(())
        }
        // Another delivery of the same payment queued it first.
        Err(switchboard_store::StoreError::Conflict(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
