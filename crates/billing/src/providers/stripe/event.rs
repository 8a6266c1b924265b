//! Stripe webhook events, and the one question billing asks of them: did this event pay a
//! top-up?
use std::collections::HashMap;

use serde::{Deserialize, Deserializer};
use switchboard_domain::{Currency, Money};

/// A Stripe event as delivered to a webhook endpoint. Only the fields we act on are read.
#[derive(Debug, Clone, Deserialize)]
pub struct StripeEvent {
    /// `evt_...`; Stripe may deliver one event twice, so dedupe on it.
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
    pub data: StripeEventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StripeEventData {
    /// The API object the event is about, as it was when the event happened.
    pub object: serde_json::Value,
}

/// The parts of a Checkout Session we use.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CheckoutSession {
    /// `cs_...`
    pub id: String,
    /// `open`, `complete` or `expired`.
    #[serde(default)]
    pub status: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    pub payment_status: String,
    #[serde(default)]
    pub client_reference_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: HashMap<String, String>,
    #[serde(default)]
    pub amount_total: Option<i64>,
    /// Lower-case ISO code, e.g. `usd`.
    #[serde(default)]
    pub currency: Option<String>,
    /// `pi_...`, once a payment was attempted (an id, or the object when expanded).
    #[serde(default, deserialize_with = "expandable_id")]
    pub payment_intent: Option<String>,
    /// The hosted payment page (only while the session is open).
    #[serde(default)]
    pub url: Option<String>,
}

/// Stripe writes `"metadata": null` on some objects; treat it as empty.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An expandable reference is either an id string or the object itself; we want the id.
fn expandable_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Expandable {
        Id(String),
        Object { id: String },
    }
    Ok(Option::<Expandable>::deserialize(d)?.map(|e| match e {
        Expandable::Id(id) | Expandable::Object { id } => id,
    }))
}

/// An event we must act on but cannot.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("not a Stripe event: {0}")]
    Json(#[from] serde_json::Error),
    #[error("checkout session {0} carries no top-up id")]
    MissingTopupId(String),
    #[error("checkout session {0} names two different top-ups")]
    ConflictingTopupIds(String),
    #[error("checkout session {0} has no amount or a currency we do not hold")]
    BadAmount(String),
}

/// A top-up paid through Checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidCheckout {
    pub event_id: String,
    /// Stable across every event about this payment: the credit's idempotency anchor.
    pub session_id: String,
    pub payment_intent: Option<String>,
    /// Our top-up id, from `metadata.topup_id` / `client_reference_id`.
    pub topup_id: String,
    /// What the customer paid, to check against the top-up before crediting.
    pub amount: Money,
}

/// What a Checkout event means for a top-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckoutOutcome {
    /// Money arrived: credit the wallet (once).
    Paid(PaidCheckout),
    /// Checkout finished but the payment method settles later (bank debits): wait for
    /// `checkout.session.async_payment_succeeded` or `..._failed`.
    AwaitingPayment {
        topup_id: String,
        session_id: String,
    },
    /// The payment failed or the session expired unpaid: the top-up will never be paid.
    Failed {
        topup_id: String,
        session_id: String,
    },
    /// Not a Checkout event billing cares about.
    Ignored,
}

impl CheckoutOutcome {
    pub fn paid(self) -> Option<PaidCheckout> {
        match self {
            CheckoutOutcome::Paid(p) => Some(p),
            _ => None,
        }
    }
}

impl CheckoutSession {
    /// Our top-up id. We write it to both places when creating the session; if they ever
    /// disagree something else created or altered the session, so refuse to guess.
    pub fn topup_id(&self) -> Result<String, EventError> {
        let from_metadata = self.metadata.get("topup_id").filter(|s| !s.is_empty());
        let from_reference = self.client_reference_id.as_ref().filter(|s| !s.is_empty());
        match (from_metadata, from_reference) {
            (Some(a), Some(b)) if a != b => Err(EventError::ConflictingTopupIds(self.id.clone())),
            (Some(id), _) | (None, Some(id)) => Ok(id.clone()),
            (None, None) => Err(EventError::MissingTopupId(self.id.clone())),
        }
    }

    /// Amount and currency as domain money.
    pub fn amount(&self) -> Result<Money, EventError> {
        let bad = || EventError::BadAmount(self.id.clone());
        let minor = self.amount_total.ok_or_else(bad)?;
        let currency: Currency = self
            .currency
            .as_deref()
            .ok_or_else(bad)?
            .parse()
            .map_err(|_| bad())?;
        Ok(Money::new(minor, currency))
    }
}

impl StripeEvent {
    /// Parses a webhook body (after its signature was verified).
    pub fn parse(raw_body: &[u8]) -> Result<Self, EventError> {
        Ok(serde_json::from_slice(raw_body)?)
    }

    /// The Checkout Session this event is about, if it is a `checkout.session.*` event.
    pub fn checkout_session(&self) -> Result<Option<CheckoutSession>, EventError> {
        if !self.event_type.starts_with("checkout.session.") {
            return Ok(None);
        }
        Ok(Some(CheckoutSession::deserialize(&self.data.object)?))
    }

    /// Decides what this event means for the top-up behind it.
    ///
    /// Card payments are paid when `checkout.session.completed` arrives with
    /// `payment_status = "paid"`; delayed methods complete `unpaid` and are paid only on
    /// `checkout.session.async_payment_succeeded`. The same session id appears in both paths,
    /// so the ledger keys the credit on the session (or simply the top-up) and counts it once.
    pub fn checkout_outcome(&self) -> Result<CheckoutOutcome, EventError> {
        let Some(session) = self.checkout_session()? else {
            return Ok(CheckoutOutcome::Ignored);
        };
        let paid = match self.event_type.as_str() {
            "checkout.session.completed" => session.payment_status == "paid",
            "checkout.session.async_payment_succeeded" => true,
            "checkout.session.async_payment_failed" | "checkout.session.expired" => {
                return Ok(CheckoutOutcome::Failed {
                    topup_id: session.topup_id()?,
                    session_id: session.id,
                });
            }
            _ => return Ok(CheckoutOutcome::Ignored),
        };
        if !paid {
            return Ok(CheckoutOutcome::AwaitingPayment {
                topup_id: session.topup_id()?,
                session_id: session.id,
            });
        }
        Ok(CheckoutOutcome::Paid(PaidCheckout {
            event_id: self.id.clone(),
            topup_id: session.topup_id()?,
            amount: session.amount()?,
            session_id: session.id,
            payment_intent: session.payment_intent,
        }))
    }
}
