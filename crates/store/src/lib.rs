//! Persistence for Switchboard: one `Store` over SQLite and PostgreSQL. The same SQL text runs
//! on either pool (`$1` placeholders work on both); dialect-specific SQL lives only where the two
//! differ (job claiming, notifications). Business-scoped tables are reached through
//! [`Store::tenant`], so a query without its `business_id` filter is hard to write.
#![forbid(unsafe_code)]

mod db;
mod error;
mod files;
mod text_enum;

pub mod agent;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod businesses;
pub mod calendar;
pub mod channel_admin;
pub mod conversations;
pub mod crypto;
pub mod events;
pub mod holds;
pub mod job_payloads;
pub mod jobs;
pub mod ledger;
pub mod messaging;
pub mod outbox;
pub mod users;
pub mod worker;

pub use db::{Backend, Db, Store, Tx, redact_url as db_redact};
pub use error::{StoreError, StoreResult};
pub use files::create_private_dir;

use switchboard_domain::BusinessId;

/// The store seen from inside one business: every method filters on this business id.
#[derive(Clone)]
pub struct TenantStore {
    pub(crate) store: Store,
    pub business_id: BusinessId,
}

impl Store {
    /// Business-scoped access. The id comes from the authenticated caller (the server's tenant
    /// extractor), never from a request body.
    pub fn tenant(&self, business_id: BusinessId) -> TenantStore {
        TenantStore {
            store: self.clone(),
            business_id,
        }
    }
}

impl TenantStore {
    pub fn store(&self) -> &Store {
        &self.store
    }
}
