//! Which CRM a business's calendar lives in. Today every business uses the built-in calendar;
//! an external CRM plugs in here, chosen from the business's settings.
use std::sync::Arc;

use chrono_tz::Tz;
use switchboard_store::{Store, businesses::Business};

use crate::{BuiltinCalendar, CrmAdapter};

/// The calendar of `business`, in its time zone and on its start-time grid.
pub fn adapter_for(store: &Store, business: &Business) -> Arc<dyn CrmAdapter> {
    Arc::new(
        BuiltinCalendar::new(store.tenant(business.id), business_tz(business))
            .with_grid(business.slot_step_min),
    )
}

/// The business's time zone (UTC when the stored name is unknown).
pub fn business_tz(business: &Business) -> Tz {
    business.time_zone.parse().unwrap_or(chrono_tz::UTC)
}
