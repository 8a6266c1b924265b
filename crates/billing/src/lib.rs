//! Prepaid billing: the payment providers customers top up through (ledger modules join later).
pub mod providers;
