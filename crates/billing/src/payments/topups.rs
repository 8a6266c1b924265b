//! Top-ups through Stripe Checkout or Square payment links: provider credentials (sealed at
//! rest per business), creating the top-up and its payment page, and crediting a paid
//! top-up exactly once (ledger key `topup:<id>`) followed by a receipt message on the
//! customer's latest conversation and a balance event.
use switchboard_domain::{Currency, CustomerId, Money, TopupId, message::OutboundContent};
use switchboard_store::{
    StoreError, TenantStore,
    billing::topups::{NewTopup, TopupRow},
    businesses::Business,
    ledger::{NewTransfer, TransferOutcome, kind},
};

use super::{Payments, choose_provider};
use crate::{
    BillingError, PaymentProvider,
    accounts::{customer_language, load_tariff, publish_balance, receipt_text, wallet},
    error::BillingResult,
    providers::{
        square::SquareClient,
        stripe::{NewCheckoutSession, StripeClient},
    },
};

/// Who a new top-up credits.
#[derive(Clone, Debug)]
pub enum Payer {
    /// A known customer; `phone` (E.164), when given, is recorded on the top-up.
    Customer(CustomerId, Option<String>),
    /// A phone (E.164) whose customer is found or registered from it now.
    RegisterPhone(String),
    /// A phone alone (the public pay form): the customer is resolved when the payment is
    /// credited, so forms that are never paid leave no customer behind.
    PhoneOnly(String),
}

/// One top-up of this business.
pub async fn get(tenant: &TenantStore, id: TopupId) -> BillingResult<TopupRow> {
    Ok(tenant.get_topup(id).await?)
}

/// Top-ups the public pay form may offer: the business must bill.
pub async fn paying_business(
    store: &switchboard_store::Store,
    id: switchboard_domain::BusinessId,
) -> BillingResult<Business> {
    let business = store.get_business(id).await?;
    if !business.feature_enabled(crate::FEATURE) {
        return Err(BillingError::NotFound);
    }
    Ok(business)
}

/// Checks that `amount` is one the payment page offers (the pay form's own check, made
/// before its per-phone limit counts the attempt).
pub async fn check_offered_amount(tenant: &TenantStore, amount: i64) -> BillingResult<()> {
    if load_tariff(tenant).await?.topup_amounts.contains(&amount) {
        Ok(())
    } else {
        Err(BillingError::InvalidAmount(
            "choose one of the offered amounts".into(),
        ))
    }
}

impl Payments<'_> {
    /// Creates a top-up of `amount` and its payment page at the provider, for a customer, or for
    /// a phone alone (the public pay form: the customer is resolved when the payment is credited).
    pub async fn create_topup(
        &self,
        business: &Business,
        payer: Payer,
        amount: i64,
        provider: Option<PaymentProvider>,
    ) -> BillingResult<TopupRow> {
        let tenant = self.store.tenant(business.id);
        let (customer, phone) = match payer {
            Payer::Customer(c, phone) => {
                if !tenant.customer_exists(c).await? {
                    return Err(BillingError::NotFound);
                }
                (Some(c), phone)
            }
            Payer::RegisterPhone(p) => (Some(tenant.customer_by_phone(&p).await?), Some(p)),
            Payer::PhoneOnly(p) => (None, Some(p)),
        };
        let (customer_id, phone) = (customer, phone.as_deref());
        let tariff = load_tariff(&tenant).await?;
        if !tariff.topup_amounts.contains(&amount) || tariff.credit_for(amount) <= 0 {
            return Err(BillingError::InvalidAmount(format!(
                "top-ups are offered in these amounts only: {:?}",
                tariff.topup_amounts
            )));
        }
        let provider = choose_provider(&tenant, &tariff, provider).await?;
        let Some((creds, settings)) = self.open(&tenant, provider).await? else {
            return Err(BillingError::ProviderMissing(format!(
                "{} is not configured for this business",
                provider.as_str()
            )));
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
            Some(c) => customer_language(&tenant, business, &c.to_string()).await,
            None => business.default_language,
        };
        let name = switchboard_i18n::billing::topup_product(lang, &business.name, price);
        let base = self.public_base;
        let (reference, url) = match provider {
            PaymentProvider::Stripe => {
                let key = creds.secret_key.unwrap_or_default();
                let client =
                    StripeClient::new(self.http.clone(), key).with_api_base(self.stripe_api_base);
                let success = format!("{base}/pay/{}?paid={}", business.id, topup.id);
                let cancel = format!("{base}/pay/{}", business.id);
                let s = client
                    .create_checkout_session(&NewCheckoutSession {
                        topup_id: &topup.id.to_string(),
                        amount: price,
                        product_name: &name,
                        success_url: &success,
                        cancel_url: &cancel,
                        customer_phone: phone,
                    })
                    .await
                    .map_err(BillingError::provider)?;
                (s.id, s.url)
            }
            PaymentProvider::Square => {
                let client = SquareClient::new(
                    self.http.clone(),
                    creds.access_token.unwrap_or_default(),
                    settings.location_id.unwrap_or_default(),
                )
                .with_api_base(self.square_api_base);
                let l = client
                    .create_payment_link(&topup.id.to_string(), price, &name)
                    .await
                    .map_err(BillingError::provider)?;
                (l.order_id, l.url)
            }
        };
        Ok(tenant
            .set_topup_checkout(topup.id, &reference, &url)
            .await?)
    }
}

/// What a payment notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditResult {
    /// Credited now or by an earlier event of the same payment.
    Credited,
    /// The paid amount or currency differs from the top-up: nothing credited.
    AmountMismatch,
}

impl Payments<'_> {
    /// Credits a paid top-up once, then queues the receipt and publishes the balance.
    pub async fn credit_topup(
        &self,
        business: &Business,
        topup: &TopupRow,
        paid: Money,
        payment_id: Option<&str>,
    ) -> BillingResult<CreditResult> {
        let tenant = self.store.tenant(business.id);
        if paid.minor != topup.amount || paid.currency.code() != topup.currency {
            tracing::warn!(topup = %topup.id, paid = %paid, expected = topup.amount, "paid amount differs from the top-up");
            tenant
                .set_topup_status(topup.id, "amount_mismatch", payment_id)
                .await?;
            return Ok(CreditResult::AmountMismatch);
        }
        let currency: Currency = topup
            .credit_currency
            .parse()
            .map_err(|_| BillingError::corrupt("bad top-up currency"))?;
        let clearing = tenant
            .ledger_account(kind::PAYMENT_CLEARING, &topup.provider, currency.code())
            .await?;
        let customer = paying_customer(&tenant, topup).await?;
        let owner = customer.to_string();
        let wallet = wallet(&tenant, &owner, currency).await?;
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
            return Err(BillingError::corrupt("top-up credit refused"));
        }
        tenant
            .set_topup_status(topup.id, "paid", payment_id)
            .await?;
        tenant.reset_payment_link_notice(&owner).await?;
        self.send_receipt(business, &tenant, topup, customer, currency)
            .await?;
        publish_balance(self.store, &tenant, &owner, currency).await;
        Ok(CreditResult::Credited)
    }
}

/// The customer a paid top-up credits: its own, or (a pay-form top-up) the one its phone
/// belongs to, registered now that money has arrived.
async fn paying_customer(tenant: &TenantStore, topup: &TopupRow) -> BillingResult<CustomerId> {
    if let Some(c) = topup.customer_id {
        return Ok(c);
    }
    let phone = topup
        .phone
        .as_deref()
        .ok_or_else(|| BillingError::corrupt("top-up without customer or phone"))?;
    let customer = tenant.customer_by_phone(phone).await?;
    tenant.set_topup_customer(topup.id, customer).await?;
    Ok(customer)
}

impl Payments<'_> {
    async fn send_receipt(
        &self,
        business: &Business,
        tenant: &TenantStore,
        topup: &TopupRow,
        customer: CustomerId,
        currency: Currency,
    ) -> BillingResult<()> {
        let key = format!("receipt:{}", topup.id);
        if tenant.outbound_by_key(&key).await?.is_some() {
            return Ok(());
        }
        let Some(conversation) = tenant.latest_conversation_of(customer).await? else {
            tracing::info!(topup = %topup.id, "no conversation to send the receipt on");
            return Ok(());
        };
        let owner = customer.to_string();
        let w = wallet(tenant, &owner, currency).await?;
        let lang = customer_language(tenant, business, &owner).await;
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
                self.worker.notify();
                Ok(())
            }
            // Another delivery of the same payment queued it first.
            Err(StoreError::Conflict(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
