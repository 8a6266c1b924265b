//! The agent as the server wires it: its settings as the API shows them, and the CRM adapter
//! of a business. The turn itself runs in the message pipeline (`switchboard_messaging::turn`)
//! over the agent crate.
pub mod config;

use std::sync::Arc;

use chrono_tz::Tz;
use switchboard_crm::CrmAdapter;
use switchboard_store::{Store, businesses::Business};

/// The calendar of a business, behind the CRM adapter (the built-in one for now).
pub fn crm_for(store: &Store, business: &Business) -> Arc<dyn CrmAdapter> {
    switchboard_crm::adapter_for(store, business)
}

pub fn business_tz(business: &Business) -> Tz {
    switchboard_crm::business_tz(business)
}
