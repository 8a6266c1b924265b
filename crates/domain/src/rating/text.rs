//! Text message and AI reply prices.
use serde::{Deserialize, Serialize};

use super::split::{DEFAULT_OPERATOR_SHARE_PERCENT, Split, split};
use crate::money::{Currency, Money};

/// Who wrote a text on a paid line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextDirection {
    CustomerToOperator,
    OperatorToCustomer,
}

fn default_customer_fee() -> i64 {
    50
}
fn default_share() -> u8 {
    DEFAULT_OPERATOR_SHARE_PERCENT
}

/// Per-text fees on a paid line, and the price of an AI reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TextTariff {
    pub currency: Currency,
    /// A customer's text to an operator, in minor units (default 50).
    #[serde(default = "default_customer_fee")]
    pub customer_to_operator: i64,
    /// An operator's text to a customer, in minor units (default 0: operators answer free).
    #[serde(default)]
    pub operator_to_customer: i64,
    /// One AI reply; in `currency`, or in `TOKENS` for businesses that sell token packs.
    pub ai_reply: Money,
    #[serde(default = "default_share")]
    pub operator_share_percent: u8,
}

impl TextTariff {
    /// The default fees in `currency`; AI replies free until the business sets a price.
    pub fn new(currency: Currency) -> Self {
        Self {
            currency,
            customer_to_operator: default_customer_fee(),
            operator_to_customer: 0,
            ai_reply: Money::zero(currency),
            operator_share_percent: DEFAULT_OPERATOR_SHARE_PERCENT,
        }
    }
}

/// The charge for one text and how it divides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TextCharge {
    pub total: Money,
    pub split: Split,
}

/// Prices one text on a paid line. Negative configured fees count as 0.
pub fn rate_text(tariff: &TextTariff, direction: TextDirection) -> TextCharge {
    let fee = match direction {
        TextDirection::CustomerToOperator => tariff.customer_to_operator,
        TextDirection::OperatorToCustomer => tariff.operator_to_customer,
    }
    .max(0);
    TextCharge {
        total: Money::new(fee, tariff.currency),
        split: split(fee, tariff.operator_share_percent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_pays_operator_answers_free() {
        let t = TextTariff::new(Currency::Usd);
        let paid = rate_text(&t, TextDirection::CustomerToOperator);
        assert_eq!(paid.total, Money::new(50, Currency::Usd));
        assert_eq!(
            paid.split,
            Split {
                operator: 40,
                platform: 10
            }
        );
        let free = rate_text(&t, TextDirection::OperatorToCustomer);
        assert_eq!(free.total, Money::zero(Currency::Usd));
    }

    #[test]
    fn tariff_deserializes_with_defaults() {
        let t: TextTariff = serde_json::from_value(serde_json::json!({
            "currency": "ILS",
            "ai_reply": {"minor": 3, "currency": "TOKENS"}
        }))
        .unwrap_or_else(|_| TextTariff::new(Currency::Usd));
        assert_eq!(t.currency, Currency::Ils);
        assert_eq!(t.customer_to_operator, 50);
        assert_eq!(t.operator_to_customer, 0);
        assert_eq!(t.ai_reply, Money::new(3, Currency::Tokens));
    }
}
