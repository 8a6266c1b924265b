//! Pure types and rules of Switchboard. Nothing here does I/O: the store, channels, agent,
//! billing and server crates build on these types.
#![forbid(unsafe_code)]

pub mod booking;
pub mod calendar;
pub mod feature;
pub mod ids;
pub mod lang;
pub mod message;
pub mod money;
pub mod phone;
pub mod rating;
pub mod retry;
pub mod role;
#[cfg(feature = "sqlx")]
mod sqlx_text;
pub mod time;
pub mod validate;

pub use feature::Feature;
pub use ids::*;
pub use lang::Language;
pub use money::{Currency, Money};

pub use phone::PhoneE164;
pub use role::Role;
