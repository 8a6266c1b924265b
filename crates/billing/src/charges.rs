//! Charging the message path: an AI reply is paid before the agent runs ([`gate_ai_reply`],
//! refunded by [`refund_ai_reply`] when the turn fails for good), a text on a paid line is
//! charged and split ([`charge_text`]), and a newly registered number gets the welcome
//! credit ([`grant_welcome_credit`]).
use serde::Serialize;
use switchboard_domain::{
    Money,
    rating::{TextDirection, rate_text},
    time::now_ms,
};
use switchboard_store::{
    Store,
    businesses::Business,
    conversations::ConversationRow,
    ledger::{NewTransfer, TransferOutcome, kind},
};

use crate::{
    FEATURE,
    accounts::{
        customer_language, load_tariff, operator_account, payment_link_text, payment_page_url,
        platform_account, publish_balance, wallet,
    },
    error::BillingResult,
};

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
) -> BillingResult<ReplyGate> {
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
) -> BillingResult<bool> {
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
) -> BillingResult<TextGate> {
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
) -> BillingResult<Option<Money>> {
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
