//! Prepaid billing: the ledger service over the store (charges for AI replies and texts,
//! holds and settlement of calls, top-ups through Stripe and Square, manual adjustments,
//! free minutes, statements and reports), the tariff document, and the payment providers'
//! clients. Nothing here knows HTTP: callers pass the store, the HTTP client and the URLs
//! they need, and map [`BillingError`] (stable [`BillingError::code`]s) to their answers.
//! Amounts are integer minor units everywhere; rating is `switchboard_domain::rating`.
pub mod accounts;
pub mod adjustments;
pub mod calls;
pub mod charges;
mod error;
pub mod operators;
pub mod payments;
pub mod providers;
pub mod reports;
pub mod statements;
pub mod sweep;
pub mod tariff;

pub use accounts::{load_tariff, operator_account, platform_account, publish_balance, wallet};
pub use charges::{
    ReplyGate, TextGate, charge_text, gate_ai_reply, grant_welcome_credit, refund_ai_reply,
};
pub use error::BillingError;
pub use tariff::{BillingTariff, PaymentProvider, WalletUnit};

/// The feature flag that switches billing on for a business.
pub const FEATURE: switchboard_domain::Feature = switchboard_domain::Feature::Billing;
