//! Square webhook notifications, and the question billing asks of them: is this a completed
//! payment?
use serde::Deserialize;
use switchboard_domain::{Currency, Money};

/// A Square notification. Only the fields we act on are read.
#[derive(Debug, Clone, Deserialize)]
pub struct SquareEvent {
    #[serde(default)]
    pub merchant_id: Option<String>,
    #[serde(rename = "type")]
    pub event_type: String,
    /// Unique per event; Square redelivers, so dedupe on it.
    pub event_id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    pub data: SquareEventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SquareEventData {
    /// The object kind, e.g. `payment`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub id: String,
    /// `{ "<object_type>": { ...the object... } }`
    #[serde(default)]
    pub object: serde_json::Value,
}

/// Square's money: an integer amount in the currency's smallest unit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct SquareMoney {
    pub amount: i64,
    pub currency: String,
}

impl SquareMoney {
    pub fn to_money(&self) -> Option<Money> {
        let currency: Currency = self.currency.parse().ok()?;
        Some(Money::new(self.amount, currency))
    }
}

/// The parts of a Square `Payment` we use.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SquarePayment {
    pub id: String,
    /// The order the payment pays; payment-link payments always have one.
    #[serde(default)]
    pub order_id: Option<String>,
    /// `APPROVED`, `PENDING`, `COMPLETED`, `CANCELED` or `FAILED`.
    pub status: String,
    pub amount_money: SquareMoney,
    #[serde(default)]
    pub location_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("not a Square notification: {0}")]
    Json(#[from] serde_json::Error),
    #[error("payment {0} has no order to map it to a top-up")]
    MissingOrder(String),
    #[error("payment {0} is in a currency we do not hold")]
    BadCurrency(String),
}

/// A payment that completed. `Payment` carries no metadata: look the top-up up through
/// `order_id` (our top-up id is the order's `reference_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPayment {
    pub event_id: String,
    /// Stable across the `payment.created` / `payment.updated` events of one payment.
    pub payment_id: String,
    pub order_id: String,
    pub amount: Money,
}

impl SquareEvent {
    /// Parses a notification body (after its signature was verified).
    pub fn parse(raw_body: &[u8]) -> Result<Self, EventError> {
        Ok(serde_json::from_slice(raw_body)?)
    }

    /// The payment, for `payment.*` notifications.
    pub fn payment(&self) -> Result<Option<SquarePayment>, EventError> {
        if !self.event_type.starts_with("payment.") {
            return Ok(None);
        }
        Ok(Some(SquarePayment::deserialize(
            &self.data.object["payment"],
        )?))
    }

    /// The completed payment this notification reports, if it reports one.
    ///
    /// A payment-link payment fires `payment.created` and then `payment.updated` each time its
    /// status changes; whichever first shows `COMPLETED` is the one to act on, and every later
    /// one names the same `payment_id`, so the credit is keyed on it.
    pub fn completed_payment(&self) -> Result<Option<CompletedPayment>, EventError> {
        if !matches!(
            self.event_type.as_str(),
            "payment.created" | "payment.updated"
        ) {
            return Ok(None);
        }
        let Some(payment) = self.payment()? else {
            return Ok(None);
        };
        if payment.status != "COMPLETED" {
            return Ok(None);
        }
        let order_id = payment
            .order_id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| EventError::MissingOrder(payment.id.clone()))?;
        let amount = payment
            .amount_money
            .to_money()
            .ok_or_else(|| EventError::BadCurrency(payment.id.clone()))?;
        Ok(Some(CompletedPayment {
            event_id: self.event_id.clone(),
            payment_id: payment.id,
            order_id,
            amount,
        }))
    }
}
