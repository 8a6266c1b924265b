//! Talk time a balance buys, and the reservation a call makes before it starts. Both search
//! the same `price` function that settles calls, so an estimate is always exactly what a call
//! of that length would cost.
use serde::{Deserialize, Serialize};

use super::call::{CallTariff, price, rate_call};
use super::packages::{FreePackage, free_seconds_available};
use crate::OperatorId;

/// Longest call (in seconds, at most `tariff.max_call_secs`) whose total charge fits in
/// `balance`, using the free minutes usable by a call to `operator` at `now_ms` first.
///
/// A call costs nothing at 0 s and never less when it is longer, so the answer is found by
/// binary search over durations; it is the end of the last affordable billing increment
/// (or `max_call_secs`). Calling for one second more would cost more than `balance`.
///
/// A customer with free minutes but no money gets **0** when the tariff charges the connect
/// fee on every call: the fee is due the moment the call connects and nothing can pay it.
/// With `waive_connect_fee_on_free_minutes`, the same customer gets exactly their free time.
/// We chose this over "free minutes are always usable" because the connect fee is on by
/// default and a call must never end with an unpaid charge.
pub fn affordable_seconds(
    balance: i64,
    tariff: &CallTariff,
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
) -> u32 {
    if balance < 0 {
        return 0;
    }
    let free = u64::from(free_seconds_available(packages, now_ms, operator));
    let fits = |secs: u32| price(tariff, secs, free).total <= balance;
    // Invariant: `lo` is affordable (0 s always is), everything above `hi` is not.
    let (mut lo, mut hi) = (0u32, tariff.max_call_secs);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// The "estimated talk time" shown to customers: see [`affordable_seconds`].
pub fn estimate_talk_time(
    balance: i64,
    tariff: &CallTariff,
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
) -> u32 {
    affordable_seconds(balance, tariff, packages, now_ms, operator)
}

/// Most a call lasting at most `max_secs` can cost: the charge for exactly `max_secs`, since
/// charges never fall as calls get longer.
pub fn max_charge_for(
    tariff: &CallTariff,
    max_secs: u32,
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
) -> i64 {
    let free = u64::from(free_seconds_available(packages, now_ms, operator));
    price(tariff, max_secs, free).total
}

/// What to hold before a call starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallAuthorization {
    /// Time limit to put on the call (`<Dial timeLimit>`); 0 means refuse the call and offer
    /// a top-up instead.
    pub allowed_secs: u32,
    /// Minor units to reserve from the wallet: the charge for a call of `allowed_secs`, so
    /// settling any shorter call costs at most this.
    pub reserve: i64,
    /// Free seconds a call of `allowed_secs` would draw from packages.
    pub free_seconds: u32,
}

/// Decides how long a call may last and how much to reserve for it.
pub fn authorize_call(
    balance: i64,
    tariff: &CallTariff,
    packages: &[FreePackage],
    now_ms: i64,
    operator: Option<OperatorId>,
) -> CallAuthorization {
    let allowed_secs = affordable_seconds(balance, tariff, packages, now_ms, operator);
    let charge = rate_call(tariff, allowed_secs, packages, now_ms, operator);
    CallAuthorization {
        allowed_secs,
        reserve: charge.total,
        free_seconds: charge.free_seconds_used,
    }
}
