//! The billing service over the ledger: tariffs, wallets, charging AI replies and texts (the
//! message path calls [`gate_ai_reply`] and [`charge_text`]), welcome credits, manual
//! adjustments, calls ([`calls`]) and top-ups ([`payments`]). Amounts are integer minor units
//! everywhere; rating is `switchboard_domain::rating`.
use serde::Serialize;
use switchboard_domain::{
    Currency, Language, Money,
    rating::{TextDirection, rate_text},
    time::now_ms,
};
use switchboard_store::{
    Store, StoreError, TenantStore,
    businesses::Business,
    conversations::ConversationRow,
    ledger::{Account, NewTransfer, TransferOutcome, kind},
};

pub mod calls;
pub mod payments;
pub mod sweep;
pub mod tariff;

pub use tariff::{BillingTariff, PaymentProvider, WalletUnit};

/// The feature flag that switches billing on for a business.
pub const FEATURE: switchboard_domain::Feature = switchboard_domain::Feature::Billing;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored billing tariff is unreadable: {0}")]
    Tariff(String),
}

/// The business's tariff: the stored document, or the defaults.
pub async fn load_tariff(store: &TenantStore) -> Result<BillingTariff, BillingError> {
    match store.billing_tariff_json().await? {
        Some(json) => serde_json::from_str(&json).map_err(|e| BillingError::Tariff(e.to_string())),
        None => Ok(BillingTariff::default()),
    }
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

/// What the message path may do about one AI reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ReplyGate {
    /// Billing is off for the business, or AI replies cost nothing: answer.
    Free,
    /// The reply price was debited (once per trigger message): answer.
    Charged { amount: Money, balance_after: i64 },
    /// Not enough balance: do not call the agent. Send `payment_message` (the payment-link
    /// text in the customer's language) when it is `Some`; `None` means a link already went
    /// out within the cooldown, so stay silent.
    LowBalance { payment_message: Option<String> },
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

/// Charges the AI reply to `trigger_message_id` before the agent runs.
///
/// Idempotent by the trigger message: a retried job gets the first outcome and is never
/// charged twice. When the balance is short nothing is debited and, at most once per the
/// tariff's cooldown, a payment-link message text is returned for the caller to queue on
/// `conversation` (the caller sends it, so it goes out with the rest of its outbox writes).
pub async fn gate_ai_reply(
    store: &Store,
    business: &Business,
    customer_id: &str,
    conversation: &ConversationRow,
    trigger_message_id: &str,
    public_base: &str,
) -> Result<ReplyGate, BillingError> {
    let _ = conversation;
    if !business.feature_enabled(FEATURE) {
        return Ok(ReplyGate::Free);
    }
    let tenant = store.tenant(business.id);
    let tariff = load_tariff(&tenant).await?;
    if tariff.ai_reply_price <= 0 && tariff.low_balance_threshold <= 0 {
        return Ok(ReplyGate::Free);
    }
    let currency = tariff.wallet_currency();
    let wallet = wallet(&tenant, customer_id, currency).await?;
    let key = format!("ai_reply:{trigger_message_id}");
    let already = tenant.transfer_outcome(&key).await?;
    let need = tariff.ai_reply_price.max(tariff.low_balance_threshold);
    let posted = match already {
        Some(outcome) => outcome == TransferOutcome::Posted,
        None if wallet.balance - wallet.held < need => false,
        None if tariff.ai_reply_price <= 0 => return Ok(ReplyGate::Free),
        None => {
            let platform = platform_account(&tenant, currency).await?;
            let t = tenant
                .transfer(NewTransfer {
                    idempotency_key: &key,
                    kind: "ai_reply",
                    debit: &wallet,
                    credit: &platform,
                    amount: tariff.ai_reply_price,
                    reason: "AI reply",
                })
                .await?;
            t.outcome() == TransferOutcome::Posted
        }
    };
    if posted {
        let after = tenant.get_account(&wallet.id).await?;
        publish_balance(store, &tenant, customer_id, currency).await;
        return Ok(ReplyGate::Charged {
            amount: Money::new(tariff.ai_reply_price, currency),
            balance_after: after.balance,
        });
    }
    let cooldown_ms = tariff.payment_link_cooldown_secs.saturating_mul(1000);
    let payment_message = if tenant
        .claim_payment_link_notice(customer_id, now_ms(), cooldown_ms)
        .await?
    {
        let lang = customer_language(&tenant, business, customer_id).await;
        Some(payment_link_text(
            lang,
            business,
            &payment_page_url(public_base, business),
        ))
    } else {
        None
    };
    Ok(ReplyGate::LowBalance { payment_message })
}

/// Gives back the price of an AI reply that was charged but never produced (the turn failed
/// for good). Once per trigger message; false when nothing was charged.
pub async fn refund_ai_reply(
    store: &Store,
    business: &Business,
    trigger_message_id: &str,
) -> Result<bool, BillingError> {
    let tenant = store.tenant(business.id);
    let Some(charge) = tenant
        .transfer_by_key(&format!("ai_reply:{trigger_message_id}"))
        .await?
        .filter(|t| t.outcome() == TransferOutcome::Posted)
    else {
        return Ok(false);
    };
    let wallet = tenant.get_account(&charge.debit_account).await?;
    let platform = tenant.get_account(&charge.credit_account).await?;
    let refund = tenant
        .transfer(NewTransfer {
            idempotency_key: &format!("ai_reply_refund:{trigger_message_id}"),
            kind: "ai_reply_refund",
            debit: &platform,
            credit: &wallet,
            amount: charge.amount,
            reason: "AI reply failed",
        })
        .await?;
    Ok(refund.outcome() == TransferOutcome::Posted)
}

/// The outcome of charging one text on a paid line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum TextGate {
    /// Billing off, or this direction is free.
    Free,
    /// Charged once per message and split between the operator and the platform.
    Charged { amount: Money },
    /// The wallet could not pay; the text should not be delivered.
    Refused,
}

/// Charges the per-text fee of `message_id` between a customer and `operator_id`
/// (customer→operator paid, operator→customer free by default), idempotent by message.
pub async fn charge_text(
    store: &Store,
    business: &Business,
    customer_id: &str,
    operator_id: &str,
    direction: TextDirection,
    message_id: &str,
) -> Result<TextGate, BillingError> {
    if !business.feature_enabled(FEATURE) {
        return Ok(TextGate::Free);
    }
    let tenant = store.tenant(business.id);
    let tariff = load_tariff(&tenant).await?;
    let charge = rate_text(&tariff.text_tariff(), direction);
    if charge.total.minor <= 0 {
        return Ok(TextGate::Free);
    }
    let currency = charge.total.currency;
    let wallet = wallet(&tenant, customer_id, currency).await?;
    let operator = operator_account(&tenant, operator_id, currency).await?;
    let platform = platform_account(&tenant, currency).await?;
    let outcome = tenant
        .transfer_split(
            &format!("text:{message_id}"),
            "text",
            &wallet,
            &[
                (&operator, charge.split.operator),
                (&platform, charge.split.platform),
            ],
            "text message",
        )
        .await?;
    if outcome == TransferOutcome::Posted {
        publish_balance(store, &tenant, customer_id, currency).await;
        Ok(TextGate::Charged {
            amount: charge.total,
        })
    } else {
        Ok(TextGate::Refused)
    }
}

/// Credits the tariff's welcome credit to a customer whose number just registered itself;
/// once per customer whatever the number of calls. `None` when the tariff has none.
pub async fn grant_welcome_credit(
    store: &Store,
    business: &Business,
    customer_id: &str,
) -> Result<Option<Money>, BillingError> {
    if !business.feature_enabled(FEATURE) {
        return Ok(None);
    }
    let tenant = store.tenant(business.id);
    let tariff = load_tariff(&tenant).await?;
    if tariff.welcome_credit <= 0 {
        return Ok(None);
    }
    let currency = tariff.wallet_currency();
    let wallet = wallet(&tenant, customer_id, currency).await?;
    let promo = tenant
        .ledger_account(kind::PROMOTIONS, "", currency.code())
        .await?;
    tenant
        .transfer(NewTransfer {
            idempotency_key: &format!("welcome:{customer_id}"),
            kind: "welcome_credit",
            debit: &promo,
            credit: &wallet,
            amount: tariff.welcome_credit,
            reason: "welcome credit",
        })
        .await?;
    publish_balance(store, &tenant, customer_id, currency).await;
    Ok(Some(Money::new(tariff.welcome_credit, currency)))
}

impl From<BillingError> for crate::error::ApiError {
    fn from(e: BillingError) -> Self {
        match e {
            BillingError::Store(s) => s.into(),
            other => crate::error::ApiError::Internal(other.into()),
        }
    }
}
