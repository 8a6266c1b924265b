//! Changes staff make by hand: credits and debits of a customer's wallet (against the
//! promotions account, audited in the same transaction, idempotent by the caller's key) and
//! grants of free call minutes.
use switchboard_domain::{CustomerId, OperatorId, time::now_ms};
use switchboard_store::{
    Store, TenantStore,
    audit::AuditRecord,
    billing::operators::PackageRow,
    ledger::{Account, NewTransfer, TransferOutcome, kind},
};

use crate::{
    BillingError,
    accounts::{load_tariff, parse_currency, publish_balance, wallet},
    error::BillingResult,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Credit,
    Debit,
}

/// A manual credit or debit as staff asked for it.
#[derive(Clone, Copy, Debug)]
pub struct Adjustment<'a> {
    pub direction: Direction,
    /// Minor units, positive.
    pub amount: i64,
    /// Default: the tariff's wallet currency.
    pub currency: Option<&'a str>,
    /// Why (kept in the ledger and the audit log).
    pub reason: &'a str,
    /// The caller's `Idempotency-Key`, scoped to the customer.
    pub idempotency_key: Option<&'a str>,
}

/// The transfer an adjustment made and the wallet after it.
#[derive(Clone, Debug)]
pub struct Adjusted {
    pub transfer_id: String,
    /// `posted` (a refused debit is an error).
    pub status: String,
    pub wallet: Account,
}

/// The customer, when it belongs to this business.
pub async fn existing_customer(tenant: &TenantStore, id: CustomerId) -> BillingResult<CustomerId> {
    if tenant.customer_exists(id).await? {
        Ok(id)
    } else {
        Err(BillingError::NotFound)
    }
}

/// Credits or debits a customer's wallet; `audit` (actor and request) is completed with the
/// adjustment and written with the transfer. A debit beyond the available balance is
/// refused (and stays refused for its key).
pub async fn adjust(
    store: &Store,
    tenant: &TenantStore,
    customer: CustomerId,
    a: Adjustment<'_>,
    mut audit: AuditRecord,
) -> BillingResult<Adjusted> {
    let customer = existing_customer(tenant, customer).await?;
    let id = customer.to_string();
    let reason = a.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(BillingError::Validation(
            "a reason of 1 to 500 characters is required".into(),
        ));
    }
    if a.amount <= 0 || a.amount > 1_000_000_000 {
        return Err(BillingError::Validation(
            "amount must be a positive number of minor units".into(),
        ));
    }
    let currency = match a.currency {
        Some(c) => parse_currency(c)?,
        None => load_tariff(tenant).await?.wallet_currency(),
    };
    let key = match a.idempotency_key {
        // Scoped to the customer: the same key for another customer is another adjustment.
        Some(k) if !k.is_empty() && k.len() <= 200 => format!("manual:{id}:{k}"),
        Some(_) => return Err(BillingError::InvalidIdempotencyKey),
        None => format!("manual:{}", uuid::Uuid::now_v7()),
    };
    let wallet = wallet(tenant, &id, currency).await?;
    let promo = tenant
        .ledger_account(kind::PROMOTIONS, "", currency.code())
        .await?;
    let (debit, credit, kind_name) = match a.direction {
        Direction::Credit => (&promo, &wallet, "manual_credit"),
        Direction::Debit => (&wallet, &promo, "manual_debit"),
    };
    audit.action = format!("billing.{kind_name}");
    audit.target = Some(id.clone());
    audit.details = serde_json::json!({
        "amount": a.amount, "currency": currency.code(), "reason": reason,
    });
    let t = tenant
        .transfer_audited(
            NewTransfer {
                idempotency_key: &key,
                kind: kind_name,
                debit,
                credit,
                amount: a.amount,
                reason,
            },
            Some(audit),
        )
        .await?;
    if t.kind != kind_name || t.amount != a.amount || t.currency != currency.code() {
        return Err(BillingError::IdempotencyKeyReused);
    }
    if t.outcome() == TransferOutcome::Refused {
        return Err(BillingError::InsufficientBalance(
            "the available balance does not cover this debit".into(),
        ));
    }
    publish_balance(store, tenant, &id, currency).await;
    Ok(Adjusted {
        transfer_id: t.id,
        status: t.status,
        wallet: tenant.get_account(&wallet.id).await?,
    })
}

/// Free minutes to grant.
#[derive(Clone, Copy, Debug)]
pub struct FreeMinutes<'a> {
    /// 1 to 100000.
    pub minutes: i64,
    /// Days until the package expires (default 30).
    pub valid_days: Option<i64>,
    /// Only calls to this operator may use it.
    pub operator_id: Option<OperatorId>,
    pub reason: &'a str,
}

/// Grants a customer free call minutes (used oldest grant first).
pub async fn grant_free_minutes(
    tenant: &TenantStore,
    customer: CustomerId,
    g: FreeMinutes<'_>,
) -> BillingResult<PackageRow> {
    let id = existing_customer(tenant, customer).await?;
    if !(1..=100_000).contains(&g.minutes) {
        return Err(BillingError::Validation(
            "minutes must be from 1 to 100000".into(),
        ));
    }
    let days = g.valid_days.unwrap_or(30);
    if !(1..=3650).contains(&days) {
        return Err(BillingError::Validation(
            "valid_days must be from 1 to 3650".into(),
        ));
    }
    let operator = match g.operator_id {
        Some(op) => Some(tenant.get_operator(op).await?.id),
        None => None,
    };
    Ok(tenant
        .grant_package(
            id,
            operator,
            g.minutes * 60,
            now_ms() + days * 86_400_000,
            g.reason.trim(),
        )
        .await?)
}
