//! The history of one account (a customer's wallet, an operator's earnings, the platform's
//! revenue), newest first and paged by posting id.
use switchboard_domain::{Currency, CustomerId, OperatorId};
use switchboard_store::{TenantStore, billing::history::LedgerEntry, ledger::Account};

use crate::{
    accounts::{load_tariff, operator_account, parse_currency, platform_account, wallet},
    adjustments::existing_customer,
    error::BillingResult,
};

/// Which page of an account's history to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageQuery<'a> {
    /// Currency of the account (default: the tariff's wallet currency for customers, its
    /// money currency for operators and the platform).
    pub currency: Option<&'a str>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<&'a str>,
}

/// One page of an account's history.
#[derive(Clone, Debug)]
pub struct LedgerPage {
    pub account: Account,
    pub entries: Vec<LedgerEntry>,
    pub next_cursor: Option<String>,
}

async fn page(
    tenant: &TenantStore,
    account: Account,
    q: PageQuery<'_>,
) -> BillingResult<LedgerPage> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let entries = tenant.account_entries(account.id, q.cursor, limit).await?;
    let next_cursor = if entries.len() as i64 >= limit {
        entries.last().map(|e| e.posting_id.to_string())
    } else {
        None
    };
    Ok(LedgerPage {
        account,
        entries,
        next_cursor,
    })
}

async fn currency_or(
    tenant: &TenantStore,
    q: PageQuery<'_>,
    wallet_unit: bool,
) -> BillingResult<Currency> {
    match q.currency {
        Some(c) => parse_currency(c),
        None => {
            let tariff = load_tariff(tenant).await?;
            Ok(if wallet_unit {
                tariff.wallet_currency()
            } else {
                tariff.currency
            })
        }
    }
}

/// A customer's wallet history.
pub async fn customer_ledger(
    tenant: &TenantStore,
    customer: CustomerId,
    q: PageQuery<'_>,
) -> BillingResult<LedgerPage> {
    let id = existing_customer(tenant, customer).await?;
    let currency = currency_or(tenant, q, true).await?;
    let account = wallet(tenant, &id.to_string(), currency).await?;
    page(tenant, account, q).await
}

/// An operator's earnings history.
pub async fn operator_ledger(
    tenant: &TenantStore,
    operator_id: OperatorId,
    q: PageQuery<'_>,
) -> BillingResult<LedgerPage> {
    let currency = currency_or(tenant, q, false).await?;
    let account = operator_account(tenant, &operator_id.to_string(), currency).await?;
    page(tenant, account, q).await
}

/// The business's platform revenue history.
pub async fn platform_ledger(tenant: &TenantStore, q: PageQuery<'_>) -> BillingResult<LedgerPage> {
    let currency = currency_or(tenant, q, false).await?;
    let account = platform_account(tenant, currency).await?;
    page(tenant, account, q).await
}
