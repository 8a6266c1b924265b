//! Rating: what calls and texts cost, in integer minor units. Pure functions shared by the
//! balance screen ("estimated talk time"), call authorization (reserve before the call) and
//! settlement (charge after it), so the three can never disagree.
//!
//! The model:
//! - a call's duration is first rounded up into billing increments (e.g. 60/60, 60/1, 1/1);
//! - free-minute packages cover the rounded duration first, oldest grant first;
//! - what is left is billed at the per-minute rate (rounded up to a whole minor unit);
//! - a connect fee is added once per connected call (optionally waived on calls entirely
//!   covered by free minutes);
//! - a minimum charge applies when any paid time was used, and an optional per-call maximum
//!   caps the total;
//! - the total is split between operator and platform in exact integers.
//!
//! Every amount is `i64` minor units of the tariff's currency; every duration is `u32` seconds
//! (arithmetic runs in `u64`/`i128` inside, so no input can overflow).

mod call;
mod estimate;
mod packages;
mod split;
mod text;

#[cfg(test)]
mod tests;

pub use call::{
    CallCharge, CallTariff, DEFAULT_MAX_CALL_SECS, TariffError, rate_call, round_up_to_increments,
};
pub use estimate::{
    CallAuthorization, affordable_seconds, authorize_call, estimate_talk_time, max_charge_for,
};
pub use packages::{FreePackage, PackageUsage, free_seconds_available};
pub use split::{DEFAULT_OPERATOR_SHARE_PERCENT, Split, split};
pub use text::{TextCharge, TextDirection, TextTariff, rate_text};
