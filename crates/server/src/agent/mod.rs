//! The agent as the server wires it: its settings as the API shows them, and the CRM adapter
//! of a business. The turn itself runs in the message pipeline (`switchboard_messaging::turn`)
//! over the agent crate.
pub mod config;

use std::sync::Arc;

use switchboard_crm::{BuiltinCalendar, CrmAdapter};
use switchboard_store::{Store, businesses::Business};

pub use switchboard_messaging::turn::business_tz;

/// The calendar of a business, behind the CRM adapter (the built-in one for now).
pub fn crm_for(store: &Store, business: &Business) -> Arc<dyn CrmAdapter> {
    Arc::new(
        BuiltinCalendar::new(store.tenant(business.id), business_tz(business))
            .with_grid(business.slot_step_min),
    )
}
