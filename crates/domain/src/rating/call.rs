//! Call tariffs and the rating of one call: increments, free minutes, connect fee, minimum
//! and maximum charge, revenue split.
use serde::{Deserialize, Serialize};

use super::packages::{self, FreePackage, PackageUsage};
use super::split::{DEFAULT_OPERATOR_SHARE_PERCENT, Split, split};
use crate::OperatorId;
use crate::money::Currency;

/// Longest call a tariff allows unless it says otherwise: 4 hours, Twilio's own ceiling for
/// `<Dial timeLimit>`. It also bounds "estimated talk time" when a per-call maximum makes
/// calls affordable without end.
pub const DEFAULT_MAX_CALL_SECS: u32 = 14_400;

fn default_increment() -> u32 {
    60
}
fn default_max_call_secs() -> u32 {
    DEFAULT_MAX_CALL_SECS
}
fn default_share() -> u8 {
    DEFAULT_OPERATOR_SHARE_PERCENT
}

/// What calls to one operator (or one business line) cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallTariff {
    pub currency: Currency,
    /// Price of one minute of paid time, in minor units.
    pub rate_per_minute: i64,
    /// Charged once per connected call, in minor units.
    pub connect_fee: i64,
    /// When set, a call paid entirely from free minutes carries no connect fee.
    #[serde(default)]
    pub waive_connect_fee_on_free_minutes: bool,
    /// The first billed block, in seconds (60 for per-minute billing, 1 for per-second).
    #[serde(default = "default_increment")]
    pub first_increment_secs: u32,
    /// Every later block, in seconds.
    #[serde(default = "default_increment")]
    pub next_increment_secs: u32,
    /// Least a call with any paid time costs, in minor units (0 = none).
    #[serde(default)]
    pub minimum_charge: i64,
    /// Most one call can cost, in minor units.
    #[serde(default)]
    pub max_cost_per_call: Option<i64>,
    /// Longest call allowed, in seconds.
    #[serde(default = "default_max_call_secs")]
    pub max_call_secs: u32,
    /// The operator's percentage of the charge; the platform keeps the rest.
    #[serde(default = "default_share")]
    pub operator_share_percent: u8,
}

/// A tariff field out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    #[error("`{0}` must not be negative")]
    Negative(&'static str),
    #[error("billing increments must be between 1 and 3600 seconds")]
    Increment,
    #[error("the longest call must be at least one second")]
    MaxCallSecs,
    #[error("the operator share must be a percentage from 0 to 100")]
    Share,
    #[error("calls cannot be priced in tokens")]
    TokenCurrency,
}

impl CallTariff {
    /// A per-minute tariff with the usual defaults: 60/60 increments, no minimum, no cap,
    /// 4-hour calls, 80% to the operator, connect fee charged on every call.
    pub fn per_minute(currency: Currency, rate_per_minute: i64, connect_fee: i64) -> Self {
        Self {
            currency,
            rate_per_minute,
            connect_fee,
            waive_connect_fee_on_free_minutes: false,
            first_increment_secs: 60,
            next_increment_secs: 60,
            minimum_charge: 0,
            max_cost_per_call: None,
            max_call_secs: DEFAULT_MAX_CALL_SECS,
            operator_share_percent: DEFAULT_OPERATOR_SHARE_PERCENT,
        }
    }

    /// Checks every field; call at the edge (API, config, database row) before storing.
    /// Rating itself never fails: it treats out-of-range fields defensively instead (negative
    /// prices as 0, a zero increment as 1 second).
    pub fn validate(&self) -> Result<(), TariffError> {
        for (name, value) in [
            ("rate_per_minute", self.rate_per_minute),
            ("connect_fee", self.connect_fee),
            ("minimum_charge", self.minimum_charge),
            ("max_cost_per_call", self.max_cost_per_call.unwrap_or(0)),
        ] {
            if value < 0 {
                return Err(TariffError::Negative(name));
            }
        }
        let increment_ok = |s: u32| (1..=3600).contains(&s);
        if !increment_ok(self.first_increment_secs) || !increment_ok(self.next_increment_secs) {
            return Err(TariffError::Increment);
        }
        if self.max_call_secs == 0 {
            return Err(TariffError::MaxCallSecs);
        }
        if self.operator_share_percent > 100 {
            return Err(TariffError::Share);
        }
        if !self.currency.is_fiat() {
            return Err(TariffError::TokenCurrency);
        }
        Ok(())
    }
}

/// The rating of one call.
///
/// `connect_fee + usage_cost + adjustment == total`, and `split` divides `total`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallCharge {
    pub currency: Currency,
    /// Connected time as measured.
    pub duration_secs: u32,
    /// The duration rounded up into billing increments.
    pub rounded_secs: u32,
    /// Part of `rounded_secs` paid from free-minute packages.
    pub free_seconds_used: u32,
    /// Which packages paid for `free_seconds_used`, oldest first.
    pub package_usage: Vec<PackageUsage>,
    /// Part of `rounded_secs` paid with money.
    pub billable_seconds: u32,
    pub connect_fee: i64,
    /// `billable_seconds` at the per-minute rate, rounded up to a whole minor unit.
    pub usage_cost: i64,
    /// Raise to the minimum charge (positive) or cut to the per-call maximum (negative).
    pub adjustment: i64,
    pub total: i64,
    pub split: Split,
}

/// Rounds a duration up into billing increments: nothing for 0 s, the first increment for
/// anything up to it, then whole next increments. Zero increments count as one second.
pub fn round_up_to_increments(duration_secs: u32, first: u32, next: u32) -> u64 {
    let (d, first, next) = (
        u64::from(duration_secs),
        u64::from(first.max(1)),
        u64::from(next.max(1)),
    );
    if d == 0 {
        0
    } else if d <= first {
        first
    } else {
        first + (d - first).div_ceil(next) * next
    }
}

/// The money part of a rating, shared by `rate_call` and the estimate so they cannot drift.
pub(crate) struct Priced {
    pub rounded: u64,
    pub free: u64,
    pub billable: u64,
    pub connect_fee: i64,
    pub usage_cost: i64,
    pub adjustment: i64,
    pub total: i64,
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Prices a call of `duration_secs` given `free_available` seconds of usable free time.
pub(crate) fn price(tariff: &CallTariff, duration_secs: u32, free_available: u64) -> Priced {
    let rounded = round_up_to_increments(
        duration_secs,
        tariff.first_increment_secs,
        tariff.next_increment_secs,
    );
    // Free time covers the rounded duration, so a 7:10 call under 60/60 uses 8 free minutes:
    // the increments apply to the call, whoever pays for it.
    let free = rounded.min(free_available);
    let billable = rounded - free;
    let rate = i128::from(tariff.rate_per_minute.max(0));
    // Rounded up: with per-second increments a second at 299/min costs 4.98, billed as 5.
    let usage = (i128::from(billable) * rate + 59) / 60;
    let connect =
        if duration_secs == 0 || (tariff.waive_connect_fee_on_free_minutes && billable == 0) {
            0
        } else {
            i128::from(tariff.connect_fee.max(0))
        };
    let subtotal = connect + usage;
    let mut total = subtotal;
    if billable > 0 {
        total = total.max(i128::from(tariff.minimum_charge.max(0)));
    }
    if let Some(cap) = tariff.max_cost_per_call {
        // The cap is a promise to the customer, so it wins over the minimum charge.
        total = total.min(i128::from(cap.max(0)));
    }
    Priced {
        rounded,
        free,
        billable,
        connect_fee: clamp_i64(connect),
        usage_cost: clamp_i64(usage),
        adjustment: clamp_i64(total - subtotal),
        total: clamp_i64(total),
    }
}

fn secs(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Rates a finished (or hypothetical) call of `duration_secs` to `operator`.
///
/// Pass the time the call *started* as `now_ms`, as authorization did, so a package that
/// expires mid-call still pays for the minutes it was reserved for.
pub fn rate_call(
    tariff: &CallTariff,
    duration_secs: u32,
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
) -> CallCharge {
    let available = packages::free_seconds_available(packages, now_ms, operator);
    let p = price(tariff, duration_secs, u64::from(available));
    CallCharge {
        currency: tariff.currency,
        duration_secs,
        rounded_secs: secs(p.rounded),
        free_seconds_used: secs(p.free),
        package_usage: packages::consume(packages, now_ms, operator, p.free),
        billable_seconds: secs(p.billable),
        connect_fee: p.connect_fee,
        usage_cost: p.usage_cost,
        adjustment: p.adjustment,
        total: p.total,
        split: split(p.total, tariff.operator_share_percent),
    }
}
