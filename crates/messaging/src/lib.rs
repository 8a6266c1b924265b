//! The message pipeline: one ingest for every source (webhooks, the API channel, Telegram
//! polling), turn processing, the outbox sender, channel credentials and provider setup, and
//! the registry of typed jobs. No HTTP here: the server verifies and parses requests, then calls in.
#![forbid(unsafe_code)]

pub mod context;
pub mod creds;
pub mod error;
pub mod ingest;
pub mod registry;
pub mod send;
pub mod setup;
pub mod telegram_poll;
pub mod tenant_url;
pub mod throttle;
pub mod turn;

pub use context::Context;
pub use creds::Credentials;
pub use error::{MessagingError, MessagingResult};
pub use ingest::{ApiInbound, ingest};
