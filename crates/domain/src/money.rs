//! Money in integer minor units (cents, agorot, kopecks) tagged with its currency, plus the
//! `TOKENS` pseudo-currency for businesses that bill AI replies in tokens. No floating point
//! anywhere: amounts are parsed from and printed as decimal text with integer arithmetic only.
use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A currency Switchboard can hold balances in. ISO 4217 codes, plus `TOKENS`.
///
/// An enum rather than a free-form code: every currency needs a known minor-unit exponent
/// before we can parse or print an amount, and an unknown code must be refused at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
    Ils,
    Rub,
    Cad,
    Aud,
    Chf,
    Jpy,
    /// Prepaid AI tokens: whole units only, no symbol. Providers cannot charge in it.
    Tokens,
}

impl Currency {
    pub const ALL: [Currency; 10] = [
        Currency::Usd,
        Currency::Eur,
        Currency::Gbp,
        Currency::Ils,
        Currency::Rub,
        Currency::Cad,
        Currency::Aud,
        Currency::Chf,
        Currency::Jpy,
        Currency::Tokens,
    ];

    /// Upper-case code: `USD`, ..., `TOKENS`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Ils => "ILS",
            Currency::Rub => "RUB",
            Currency::Cad => "CAD",
            Currency::Aud => "AUD",
            Currency::Chf => "CHF",
            Currency::Jpy => "JPY",
            Currency::Tokens => "TOKENS",
        }
    }

    /// Digits after the decimal point (ISO 4217 minor unit).
    pub fn exponent(self) -> u32 {
        match self {
            Currency::Jpy | Currency::Tokens => 0,
            _ => 2,
        }
    }

    /// Minor units per major unit: 100 for USD, 1 for JPY and tokens.
    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }

    /// Whether a card processor can charge this currency (everything but tokens).
    pub fn is_fiat(self) -> bool {
        self != Currency::Tokens
    }

    /// Symbol and whether it is written after the number (`20.00 ₽`, `20.00 CHF`).
    fn symbol(self) -> (&'static str, bool) {
        match self {
            Currency::Usd => ("$", false),
            Currency::Eur => ("€", false),
            Currency::Gbp => ("£", false),
            Currency::Ils => ("₪", false),
            Currency::Rub => (" ₽", true),
            Currency::Cad => ("CA$", false),
            Currency::Aud => ("A$", false),
            Currency::Chf => (" CHF", true),
            Currency::Jpy => ("¥", false),
            Currency::Tokens => (" tokens", true),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a supported currency")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        // Stripe writes codes in lower case, Square in upper case: accept both.
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownCurrency(s.chars().take(16).collect()))
    }
}

impl TryFrom<String> for Currency {
    type Error = UnknownCurrency;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

// Shown in OpenAPI as the string codes, which is what serde writes.
impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Currency::ALL.map(Currency::code)))
            .examples([serde_json::json!("USD")])
            .into()
    }
}

impl utoipa::ToSchema for Currency {}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why money arithmetic or parsing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("amount out of range")]
    Overflow,
    #[error("`{input}` is not an amount in {currency}")]
    Invalid { input: String, currency: Currency },
}

/// An amount of money: integer minor units and a currency.
///
/// Deliberately not `Ord`: `$5` and `€10` have no order, so compare `minor` after checking
/// the currencies match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Money {
    /// Amount in minor units (cents for USD; whole tokens for TOKENS).
    #[schema(example = 2000)]
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Parses a plain decimal such as `20`, `20.5` or `-0.99` into minor units of `currency`.
    ///
    /// More fractional digits than the currency has are refused rather than rounded: an
    /// amount someone typed must never silently change. No thousands separators, no symbols,
    /// no exponent notation.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let invalid = || MoneyError::Invalid {
            input: input.chars().take(32).collect(),
            currency,
        };
        let s = input.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) if !f.is_empty() => (w, f),
            Some(_) => return Err(invalid()),
            None => (digits, ""),
        };
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) {
            return Err(invalid());
        }
        let exponent = currency.exponent() as usize;
        if frac.len() > exponent {
            return Err(invalid());
        }
        let mut minor: i64 = 0;
        // Whole digits, then the fraction padded with zeros to the exponent: "20.5" -> 2050.
        let padded = frac
            .bytes()
            .chain(std::iter::repeat_n(b'0', exponent - frac.len()));
        for b in whole.bytes().chain(padded) {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(b - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        if negative {
            minor = -minor;
        }
        Ok(Money::new(minor, currency))
    }

    /// The amount as a plain decimal without symbol: `20.00`, `-0.99`, `150` (tokens).
    pub fn to_decimal_string(self) -> String {
        let per = self.currency.minor_per_major().unsigned_abs();
        // unsigned_abs keeps i64::MIN printable.
        let abs = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        let exponent = self.currency.exponent() as usize;
        if exponent == 0 {
            format!("{sign}{abs}")
        } else {
            format!("{sign}{}.{:0exponent$}", abs / per, abs % per)
        }
    }
}

/// Human formatting with the currency symbol: `$20.00`, `-€1.50`, `20.00 ₽`, `150 tokens`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.to_decimal_string();
        let (symbol, after) = self.currency.symbol();
        if after {
            write!(f, "{number}{symbol}")
        } else if let Some(positive) = number.strip_prefix('-') {
            write!(f, "-{symbol}{positive}")
        } else {
            write!(f, "{symbol}{number}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::Usd)
    }

    #[test]
    fn formats_with_symbols() {
        assert_eq!(usd(2000).to_string(), "$20.00");
        assert_eq!(usd(5).to_string(), "$0.05");
        assert_eq!(usd(-150).to_string(), "-$1.50");
        assert_eq!(Money::new(2000, Currency::Rub).to_string(), "20.00 ₽");
        assert_eq!(Money::new(1999, Currency::Ils).to_string(), "₪19.99");
        assert_eq!(Money::new(150, Currency::Tokens).to_string(), "150 tokens");
        assert_eq!(Money::new(500, Currency::Jpy).to_string(), "¥500");
        assert_eq!(usd(i64::MIN).to_decimal_string(), "-92233720368547758.08");
    }

    #[test]
    fn parses_decimals_without_floats() {
        assert_eq!(Money::parse("20.00", Currency::Usd), Ok(usd(2000)));
        assert_eq!(Money::parse("20", Currency::Usd), Ok(usd(2000)));
        assert_eq!(Money::parse("20.5", Currency::Usd), Ok(usd(2050)));
        assert_eq!(Money::parse(" 0.99 ", Currency::Usd), Ok(usd(99)));
        assert_eq!(
            Money::parse("-1.50", Currency::Eur),
            Ok(Money::new(-150, Currency::Eur))
        );
        assert_eq!(
            Money::parse("150", Currency::Tokens),
            Ok(Money::new(150, Currency::Tokens))
        );
        for bad in [
            "", "-", ".5", "20.", "20.001", "1,000.00", "$20", "1e3", "+5", "2 0", "--1",
        ] {
            assert!(
                Money::parse(bad, Currency::Usd).is_err(),
                "{bad:?} accepted"
            );
        }
        assert!(Money::parse("1.5", Currency::Tokens).is_err());
        assert_eq!(
            Money::parse("99999999999999999999", Currency::Usd),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(usd(2000).checked_add(usd(99)), Ok(usd(2099)));
        assert_eq!(usd(99).checked_sub(usd(2000)), Ok(usd(-1901)));
        assert_eq!(
            usd(1).checked_add(Money::new(1, Currency::Eur)),
            Err(MoneyError::CurrencyMismatch(Currency::Usd, Currency::Eur))
        );
        assert_eq!(usd(i64::MAX).checked_add(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_sub(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
    }

    #[test]
    fn currency_codes_round_trip_through_serde() {
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>(), Ok(c));
            assert_eq!(c.code().to_lowercase().parse::<Currency>(), Ok(c));
        }
        let json = serde_json::to_string(&usd(2000)).unwrap_or_default();
        assert_eq!(json, r#"{"minor":2000,"currency":"USD"}"#);
        let back: Money = serde_json::from_str(&json).unwrap_or(usd(0));
        assert_eq!(back, usd(2000));
        assert!(serde_json::from_str::<Currency>(r#""XYZ""#).is_err());
    }

    proptest! {
        #[test]
        fn decimal_text_round_trips(minor in any::<i64>(), idx in 0usize..Currency::ALL.len()) {
            let currency = Currency::ALL[idx];
            let m = Money::new(minor, currency);
            // i64::MIN has no positive counterpart, so its text cannot be parsed back.
            prop_assume!(minor != i64::MIN);
            prop_assert_eq!(Money::parse(&m.to_decimal_string(), currency), Ok(m));
        }
    }
}
