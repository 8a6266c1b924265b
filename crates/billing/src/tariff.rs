//! The billing tariff of one business: what the wallet is counted in (money or tokens), the
//! price of an AI reply, per-text fees by direction, the welcome credit, the low-balance
//! threshold and payment-link cooldown, the top-up amounts and their conversion, and the
//! call tariff defaults (operators may override the per-minute rate). The tariff is a settings
//! document that `GET/PUT /api/v1/billing/tariff` answer and take exactly as stored, so its
//! OpenAPI schema is derived here rather than mirrored field by field in the API module.
use serde::{Deserialize, Serialize};
use switchboard_domain::{
    Currency,
    rating::{CallTariff, TextTariff},
};

/// What customer wallets hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WalletUnit {
    /// Minor units of the tariff's currency.
    #[default]
    Money,
    /// Whole tokens; top-ups buy `tokens_per_major_unit` tokens per unit of currency.
    Tokens,
}

/// The payment provider a business takes top-ups through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PaymentProvider {
    Stripe,
    Square,
}

impl PaymentProvider {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentProvider::Stripe => "stripe",
            PaymentProvider::Square => "square",
        }
    }
}

/// Prices and billing options of one business (`GET/PUT /api/v1/billing/tariff`). Every
/// amount is integer minor units: of `currency` for money, of the wallet unit for AI replies,
/// texts, the welcome credit and the threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BillingTariff {
    /// The money currency (payments and calls). Not `TOKENS`.
    pub currency: Currency,
    /// What customer wallets hold (and AI replies and texts are priced in).
    pub unit: WalletUnit,
    /// Tokens bought by one major unit of `currency` (e.g. 100 tokens per $1).
    pub tokens_per_major_unit: i64,
    /// One AI reply; 0 makes replies free.
    pub ai_reply_price: i64,
    /// A customer's text to an operator (default 50 = $0.50).
    pub text_customer_to_operator: i64,
    /// An operator's text to a customer (default free).
    pub text_operator_to_customer: i64,
    /// Credited once to a customer whose number registers itself; 0 for none.
    pub welcome_credit: i64,
    /// Below this available balance the AI does not answer (and a payment link goes out);
    /// the AI reply price is always required as well.
    pub low_balance_threshold: i64,
    /// At most one payment-link message per customer within this many seconds.
    pub payment_link_cooldown_secs: i64,
    /// Amounts offered on the payment page, in minor units of `currency`.
    pub topup_amounts: Vec<i64>,
    /// The provider of the payment page; `None` uses the only one configured.
    pub payment_provider: Option<PaymentProvider>,
    /// Defaults for calls: connect fee, increments, minimum, maximum, share; an operator's
    /// own rate replaces `rate_per_minute`.
    pub call: CallTariff,
}

impl Default for BillingTariff {
    fn default() -> Self {
        Self {
            currency: Currency::Usd,
            unit: WalletUnit::Money,
            tokens_per_major_unit: 100,
            ai_reply_price: 0,
            text_customer_to_operator: 50,
            text_operator_to_customer: 0,
            welcome_credit: 0,
            low_balance_threshold: 0,
            payment_link_cooldown_secs: 3600,
            topup_amounts: vec![1000, 2000, 3000],
            payment_provider: None,
            call: CallTariff::per_minute(Currency::Usd, 299, 99),
        }
    }
}

impl BillingTariff {
    /// Checks every field; the call tariff's currency is forced to `currency`.
    pub fn validate(&mut self) -> Result<(), String> {
        if !self.currency.is_fiat() {
            return Err(
                "`currency` must be a money currency (use `unit: tokens` for tokens)".into(),
            );
        }
        for (name, v) in [
            ("ai_reply_price", self.ai_reply_price),
            ("text_customer_to_operator", self.text_customer_to_operator),
            ("text_operator_to_customer", self.text_operator_to_customer),
            ("welcome_credit", self.welcome_credit),
            ("low_balance_threshold", self.low_balance_threshold),
            (
                "payment_link_cooldown_secs",
                self.payment_link_cooldown_secs,
            ),
        ] {
            if v < 0 {
                return Err(format!("`{name}` must not be negative"));
            }
        }
        if self.tokens_per_major_unit <= 0 {
            return Err("`tokens_per_major_unit` must be positive".into());
        }
        if self.topup_amounts.is_empty() || self.topup_amounts.len() > 10 {
            return Err("`topup_amounts` needs 1 to 10 amounts".into());
        }
        if self
            .topup_amounts
            .iter()
            .any(|a| *a <= 0 || *a > 100_000_000)
        {
            return Err("every top-up amount must be positive (minor units)".into());
        }
        self.call.currency = self.currency;
        self.call.validate().map_err(|e| format!("call: {e}"))?;
        if let Some(a) = self
            .topup_amounts
            .iter()
            .find(|a| self.credit_for(**a) <= 0)
        {
            return Err(format!("a top-up of {a} buys no tokens"));
        }
        Ok(())
    }

    /// The currency of customer wallets.
    pub fn wallet_currency(&self) -> Currency {
        match self.unit {
            WalletUnit::Money => self.currency,
            WalletUnit::Tokens => Currency::Tokens,
        }
    }

    /// What a top-up of `amount` (minor units of `currency`) credits to the wallet: the same
    /// amount of money, or whole tokens rounded down.
    pub fn credit_for(&self, amount: i64) -> i64 {
        match self.unit {
            WalletUnit::Money => amount,
            WalletUnit::Tokens => {
                let t = i128::from(amount) * i128::from(self.tokens_per_major_unit)
                    / i128::from(self.currency.minor_per_major());
                i64::try_from(t).unwrap_or(i64::MAX)
            }
        }
    }

    /// The per-text fees as the rating code takes them.
    pub fn text_tariff(&self) -> TextTariff {
        let mut t = TextTariff::new(self.wallet_currency());
        t.customer_to_operator = self.text_customer_to_operator;
        t.operator_to_customer = self.text_operator_to_customer;
        t.operator_share_percent = self.call.operator_share_percent;
        t
    }

    /// The call tariff for an operator with its own rate (or the default rate).
    pub fn call_tariff(&self, operator_rate: Option<i64>) -> CallTariff {
        let mut t = self.call.clone();
        t.currency = self.currency;
        if let Some(rate) = operator_rate {
            t.rate_per_minute = rate;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_convert() {
        let mut t = BillingTariff::default();
        assert_eq!(t.validate(), Ok(()));
        assert_eq!(t.credit_for(2000), 2000);
        t.unit = WalletUnit::Tokens;
        assert_eq!(t.credit_for(1000), 1000);
        t.tokens_per_major_unit = 7;
        assert_eq!(t.credit_for(1050), 73);
        assert_eq!(t.wallet_currency(), Currency::Tokens);
    }

    #[test]
    fn partial_documents_take_defaults_and_bad_ones_fail() {
        let t: BillingTariff = serde_json::from_str(r#"{"ai_reply_price": 5}"#).unwrap_or_default();
        assert_eq!(t.ai_reply_price, 5);
        assert_eq!(t.topup_amounts, vec![1000, 2000, 3000]);
        let mut bad = BillingTariff {
            topup_amounts: vec![0],
            ..Default::default()
        };
        assert!(bad.validate().is_err());
        let mut tokens = BillingTariff {
            currency: Currency::Tokens,
            ..Default::default()
        };
        assert!(tokens.validate().is_err());
    }
}
