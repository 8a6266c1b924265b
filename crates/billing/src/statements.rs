//! What staff read about money: a customer's balances, free minutes and estimated talk time,
//! and the history of one account (a customer's wallet, an operator's earnings, the
//! platform's revenue), newest first and paged by posting id.
use switchboard_domain::{
    CustomerId, OperatorId,
    rating::{estimate_talk_time, free_seconds_available},
    time::now_ms,
};
use switchboard_store::{
    TenantStore,
    billing::operators::PackageRow,
    ledger::{Account, kind},
};

use crate::{
    accounts::{load_tariff, wallet},
    adjustments::existing_customer,
    calls::rating_packages,
    error::BillingResult,
};

mod history;
pub use history::{LedgerPage, PageQuery, customer_ledger, operator_ledger, platform_ledger};

/// A customer's money and free minutes.
#[derive(Clone, Debug)]
pub struct CustomerSummary {
    pub customer_id: CustomerId,
    /// One wallet per currency (the tariff's wallet always among them).
    pub balances: Vec<Account>,
    pub packages: Vec<PackageRow>,
    /// Free seconds usable now by a call (to the operator asked about, when given).
    pub free_seconds: u32,
    /// Longest call the balance and free minutes pay for, in seconds: the same rating code
    /// that authorizes calls.
    pub estimated_talk_secs: u32,
}

pub async fn customer_summary(
    tenant: &TenantStore,
    customer: CustomerId,
    operator: Option<OperatorId>,
) -> BillingResult<CustomerSummary> {
    let id = existing_customer(tenant, customer).await?;
    let tariff = load_tariff(tenant).await?;
    // Make sure the wallet of the tariff's unit shows, even before its first movement.
    let owner = id.to_string();
    wallet(tenant, &owner, tariff.wallet_currency()).await?;
    let accounts = tenant.accounts_of(kind::CUSTOMER_WALLET, &owner).await?;
    let rate = match operator {
        Some(op) => tenant.get_operator(op).await?.rate_per_minute,
        None => None,
    };
    let call_tariff = tariff.call_tariff(rate);
    let money = accounts
        .iter()
        .find(|a| a.currency == call_tariff.currency.code())
        .map_or(0, |a| a.balance - a.held);
    let packages = rating_packages(tenant, id).await?;
    let now = now_ms();
    Ok(CustomerSummary {
        balances: accounts,
        packages: tenant.customer_packages(id).await?,
        free_seconds: free_seconds_available(&packages, now, operator),
        estimated_talk_secs: estimate_talk_time(money, &call_tariff, &packages, now, operator),
        customer_id: id,
    })
}
