//! The shapes billing answers in: built from the service's models field by field, so a new
//! column in the store never shows up in an answer unasked. Times are RFC 3339 (UTC).
use chrono::{DateTime, Utc};
use serde::Serialize;
use switchboard_domain::{
    Currency, CustomerId, Money, OperatorId, TopupId, TransferId, UserId, time::to_datetime,
};
use switchboard_store::{
    billing::{
        history::{LedgerEntry, ReportRow},
        operators::{Operator, PackageRow},
        topups::TopupRow,
    },
    ledger::Account,
};

/// A time as answers show it.
pub fn time(ms: i64) -> DateTime<Utc> {
    to_datetime(ms)
}

/// A balance as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BalanceView {
    pub account_id: String,
    pub currency: String,
    pub balance: i64,
    pub held: i64,
    pub available: i64,
    /// Decimal text with the currency, e.g. `$20.00`.
    pub display: String,
}

impl From<&Account> for BalanceView {
    fn from(a: &Account) -> Self {
        let display = a
            .currency
            .parse::<Currency>()
            .map(|c| Money::new(a.balance - a.held, c).to_string())
            .unwrap_or_default();
        BalanceView {
            account_id: a.id.clone(),
            currency: a.currency.clone(),
            balance: a.balance,
            held: a.held,
            available: a.balance - a.held,
            display,
        }
    }
}

/// Free call minutes granted to a customer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackageView {
    pub id: String,
    pub customer_id: CustomerId,
    /// Only calls to this operator may use it; `null` for any operator.
    pub operator_id: Option<OperatorId>,
    pub seconds_granted: i64,
    pub seconds_remaining: i64,
    /// Held by calls in progress.
    pub seconds_reserved: i64,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reason: String,
}

impl From<&PackageRow> for PackageView {
    fn from(p: &PackageRow) -> Self {
        PackageView {
            id: p.id.clone(),
            customer_id: p.customer_id,
            operator_id: p.operator_id,
            seconds_granted: p.seconds_granted,
            seconds_remaining: p.seconds_remaining,
            seconds_reserved: p.seconds_reserved,
            granted_at: time(p.granted_at),
            expires_at: time(p.expires_at),
            reason: p.reason.clone(),
        }
    }
}

/// One line of an account's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerEntryView {
    pub posting_id: String,
    pub transfer_id: TransferId,
    /// What moved the money: `topup`, `ai_reply`, `text`, `call`, `manual_credit`, ...
    pub kind: String,
    /// Signed minor units: positive credits this account, negative debits it.
    pub amount: i64,
    pub currency: String,
    pub reason: String,
    pub idempotency_key: String,
    pub created_at: DateTime<Utc>,
}

impl From<&LedgerEntry> for LedgerEntryView {
    fn from(e: &LedgerEntry) -> Self {
        LedgerEntryView {
            posting_id: e.posting_id.clone(),
            transfer_id: e.transfer_id,
            kind: e.kind.clone(),
            amount: e.amount,
            currency: e.currency.clone(),
            reason: e.reason.clone(),
            idempotency_key: e.idempotency_key.clone(),
            created_at: time(e.created_at),
        }
    }
}

/// A top-up: one payment a customer makes through a provider.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TopupView {
    pub id: TopupId,
    /// `null` until paid for a top-up started on the public pay form (by phone only).
    pub customer_id: Option<CustomerId>,
    pub phone: Option<String>,
    /// `stripe` or `square`.
    pub provider: String,
    /// What the customer pays, in minor units of `currency`.
    pub amount: i64,
    pub currency: String,
    /// What the wallet receives, in minor units of `credit_currency` (money or tokens).
    pub credit_amount: i64,
    pub credit_currency: String,
    /// `pending`, `awaiting_payment`, `paid`, `failed` or `amount_mismatch`.
    pub status: String,
    /// Stripe Checkout Session id or Square order id.
    pub provider_ref: Option<String>,
    /// The provider's payment page.
    pub checkout_url: Option<String>,
    /// Stripe payment intent or Square payment id, once paid.
    pub payment_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<&TopupRow> for TopupView {
    fn from(t: &TopupRow) -> Self {
        TopupView {
            id: t.id,
            customer_id: t.customer_id,
            phone: t.phone.clone(),
            provider: t.provider.clone(),
            amount: t.amount,
            currency: t.currency.clone(),
            credit_amount: t.credit_amount,
            credit_currency: t.credit_currency.clone(),
            status: t.status.clone(),
            provider_ref: t.provider_ref.clone(),
            checkout_url: t.checkout_url.clone(),
            payment_id: t.payment_id.clone(),
            created_at: time(t.created_at),
            paid_at: t.paid_at.map(time),
            updated_at: time(t.updated_at),
        }
    }
}

/// An operator of a paid line.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OperatorView {
    pub id: OperatorId,
    pub name: String,
    /// The staff user who works as this operator, if any.
    pub user_id: Option<UserId>,
    pub phone: Option<String>,
    /// Minor units per minute; `null` uses the business tariff's rate.
    pub rate_per_minute: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Operator> for OperatorView {
    fn from(o: &Operator) -> Self {
        OperatorView {
            id: o.id,
            name: o.name.clone(),
            user_id: o.user_id,
            phone: o.phone.clone(),
            rate_per_minute: o.rate_per_minute,
            active: o.active,
            created_at: time(o.created_at),
            updated_at: time(o.updated_at),
        }
    }
}

/// A sum over the transfers of one group.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportRowView {
    /// The group: an operator id, or a transfer kind.
    pub key: String,
    pub currency: String,
    pub count: i64,
    /// Minor units.
    pub amount: i64,
}

impl From<&ReportRow> for ReportRowView {
    fn from(r: &ReportRow) -> Self {
        ReportRowView {
            key: r.key.clone(),
            currency: r.currency.clone(),
            count: r.count,
            amount: r.amount,
        }
    }
}
