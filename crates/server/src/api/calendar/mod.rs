//! The built-in calendar's API: services, staff with working hours and time off, free slots,
//! slot holds and appointments. Every write goes through the CRM adapter (or the store under
//! it), where double booking is refused by the database.
mod appointments;
mod schemas;
mod services;
mod slots;
mod staff;

pub use appointments::*;
pub use schemas::{Appointment, Service, SlotHold, Staff, TimeOff};
pub use services::*;
pub use slots::*;
pub use staff::*;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use switchboard_crm::CrmAdapter;
use switchboard_domain::{Role, booking, calendar};

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult},
};

const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];
const BOOKERS: &[Role] = &[Role::Owner, Role::Admin, Role::Agent];

/// The caller's business calendar: every read and write of this API goes through it.
fn crm(tenant: &Tenant) -> Arc<dyn CrmAdapter> {
    switchboard_crm::adapter_for(tenant.store.store(), &tenant.business)
}

fn check_time(name: &str, t: DateTime<Utc>) -> ApiResult<()> {
    if calendar::plausible(t) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "{name} is outside the calendar"
        )))
    }
}

fn check_minutes(name: &str, v: u32, max: u32, multiple_of_5: bool) -> ApiResult<()> {
    if v > max || (multiple_of_5 && !v.is_multiple_of(5)) {
        return Err(ApiError::validation(format!(
            "{name} must be {}at most {max} minutes",
            if multiple_of_5 {
                "a multiple of 5 and "
            } else {
                ""
            }
        )));
    }
    Ok(())
}

fn check_aliases(aliases: &[String]) -> ApiResult<()> {
    if aliases.len() > 20 {
        return Err(ApiError::validation("aliases holds at most 20 names"));
    }
    if aliases
        .iter()
        .any(|a| a.trim().is_empty() || a.chars().count() > 60)
    {
        return Err(ApiError::validation(
            "each alias is a non-empty name of at most 60 characters",
        ));
    }
    Ok(())
}

fn validate_service(s: &booking::Service) -> ApiResult<()> {
    if s.names.is_empty() || s.names.values().any(|n| n.trim().is_empty()) {
        return Err(ApiError::validation(
            "names needs at least one non-empty name, e.g. {\"en\": \"Haircut\"}",
        ));
    }
    if let Some(code) = s
        .names
        .keys()
        .find(|k| switchboard_domain::Language::parse(k).is_none())
    {
        return Err(ApiError::validation(format!(
            "unknown language `{code}` in names (en, ru, he)"
        )));
    }
    check_aliases(&s.aliases)?;
    if s.duration_min == 0 {
        return Err(ApiError::validation("duration_min must be positive"));
    }
    check_minutes("duration_min", s.duration_min, 24 * 60, true)?;
    check_minutes("step_min", s.step_min.unwrap_or(0), 24 * 60, true)?;
    check_minutes("buffer_before_min", s.buffer_before_min, 240, false)?;
    check_minutes("buffer_after_min", s.buffer_after_min, 240, false)?;
    check_minutes("lead_time_min", s.lead_time_min, 60 * 24 * 60, false)?;
    if s.price_minor < 0 {
        return Err(ApiError::validation("price_minor cannot be negative"));
    }
    if s.currency.len() != 3 || !s.currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ApiError::validation(
            "currency is an ISO 4217 code such as USD",
        ));
    }
    Ok(())
}
