//! The accounts billing moves money between (a customer's wallet, an operator's earnings, the
//! platform's revenue), the business's tariff, the balance event staff pages listen to, and
//! the texts billing sends customers.
use switchboard_domain::{Currency, Language, Money};
use switchboard_store::{
    Store, StoreError, TenantStore,
    businesses::Business,
    ledger::{Account, kind},
};

use crate::{BillingError, BillingTariff, error::BillingResult};

/// The business's tariff: the stored document, or the defaults.
pub async fn load_tariff(store: &TenantStore) -> BillingResult<BillingTariff> {
    match store.billing_tariff_json().await? {
        Some(json) => serde_json::from_str(&json).map_err(BillingError::corrupt),
        None => Ok(BillingTariff::default()),
    }
}

/// A currency named by a caller (`USD`, `TOKENS`...).
pub fn parse_currency(s: &str) -> BillingResult<Currency> {
    s.parse()
        .map_err(|_| BillingError::InvalidCurrency(s.to_string()))
}

pub async fn wallet(
    store: &TenantStore,
    customer_id: &str,
    currency: Currency,
) -> Result<Account, StoreError> {
    store
        .ledger_account(kind::CUSTOMER_WALLET, customer_id, currency.code())
        .await
}

pub async fn platform_account(
    store: &TenantStore,
    currency: Currency,
) -> Result<Account, StoreError> {
    store
        .ledger_account(kind::PLATFORM_REVENUE, "", currency.code())
        .await
}

pub async fn operator_account(
    store: &TenantStore,
    operator_id: &str,
    currency: Currency,
) -> Result<Account, StoreError> {
    store
        .ledger_account(kind::OPERATOR_EARNINGS, operator_id, currency.code())
        .await
}

/// Tells staff pages (over the event bus) that a wallet changed.
pub async fn publish_balance(
    store: &Store,
    tenant: &TenantStore,
    customer_id: &str,
    currency: Currency,
) {
    if let Ok(w) = wallet(tenant, customer_id, currency).await {
        store
            .events
            .publish(
                Some(tenant.business_id.to_string()),
                "balance.changed",
                serde_json::json!({
                    "customer_id": customer_id,
                    "currency": currency.code(),
                    "balance": w.balance,
                    "available": w.balance - w.held,
                }),
            )
            .await;
    }
}

/// The public payment page of a business.
pub fn payment_page_url(public_base: &str, business: &Business) -> String {
    format!("{}/pay/{}", public_base.trim_end_matches('/'), business.id)
}

/// The payment-link message in `lang`.
pub fn payment_link_text(lang: Language, business: &Business, link: &str) -> String {
    switchboard_i18n::billing::payment_link(lang, &business.name, link)
}

/// The receipt sent after a top-up is credited.
pub fn receipt_text(lang: Language, credited: Money, balance: Money) -> String {
    switchboard_i18n::billing::receipt(lang, credited, balance)
}

/// The language to write to a customer in: theirs when known, else the business's.
pub async fn customer_language(
    tenant: &TenantStore,
    business: &Business,
    customer_id: &str,
) -> Language {
    tenant
        .customer_language(customer_id)
        .await
        .ok()
        .flatten()
        .and_then(|l| Language::parse(&l))
        .unwrap_or(business.default_language)
}

/// Checks and stores the business's tariff (fields left out took their defaults).
pub async fn save_tariff(
    tenant: &TenantStore,
    mut tariff: BillingTariff,
) -> BillingResult<BillingTariff> {
    tariff.validate().map_err(BillingError::Validation)?;
    let json = serde_json::to_string(&tariff).map_err(BillingError::corrupt)?;
    tenant.put_billing_tariff_json(&json).await?;
    Ok(tariff)
}
