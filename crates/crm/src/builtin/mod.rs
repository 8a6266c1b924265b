//! The built-in calendar as a [`CrmAdapter`]: slot search with the pure calendar maths over the
//! store's hours, time off, appointments and holds; writes through the store, where the
//! occupancy cells make double booking impossible.
mod adapter;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use switchboard_domain::{
    ServiceId, StaffId,
    calendar::{self, Slot, SlotQuery, StaffCalendar, StartProblem, check_start, free_slots},
    time::now_ms,
};
use switchboard_store::{TenantStore, calendar::Own};

use crate::{CrmError, CrmResult, Service, SlotSearch, Staff};

/// The longest range one free-slot search covers.
const MAX_SEARCH_DAYS: i64 = 62;

fn check_time(t: DateTime<Utc>) -> CrmResult<()> {
    if calendar::plausible(t) {
        Ok(())
    } else {
        Err(CrmError::Invalid(format!("{t} is outside the calendar")))
    }
}

/// The business's own calendar.
#[derive(Clone)]
pub struct BuiltinCalendar {
    tenant: TenantStore,
    tz: Tz,
    grid_min: u32,
}

impl BuiltinCalendar {
    /// The calendar of `tenant` in `tz`, offering starts on the default grid.
    pub fn new(tenant: TenantStore, tz: Tz) -> Self {
        Self {
            tenant,
            tz,
            grid_min: calendar::DEFAULT_GRID_MIN,
        }
    }

    /// Starts on the business's own grid (`slot_step_min`) for services without a step.
    pub fn with_grid(mut self, grid_min: u32) -> Self {
        if grid_min > 0 {
            self.grid_min = grid_min;
        }
        self
    }

    async fn active_service(&self, id: ServiceId) -> CrmResult<Service> {
        let service = self.tenant.get_service(id).await?;
        if !service.active {
            return Err(CrmError::Invalid(
                "that service is not offered any more".into(),
            ));
        }
        Ok(service)
    }

    async fn search(&self, service: &Service, s: &SlotSearch, own: Own) -> CrmResult<Vec<Slot>> {
        let Some((query, calendars, to)) = self.calendars(service, s, own).await? else {
            return Ok(Vec::new());
        };
        Ok(free_slots(&query, &calendars)
            .into_iter()
            .filter(|slot| slot.start_utc >= s.from && slot.start_utc < to)
            .collect())
    }

    /// The slot query and the calendars of the staff who could take a booking in `s`, with the
    /// end of the searched range; `None` when the range is empty or nobody provides it.
    async fn calendars(
        &self,
        service: &Service,
        s: &SlotSearch,
        own: Own,
    ) -> CrmResult<Option<(SlotQuery, Vec<StaffCalendar>, DateTime<Utc>)>> {
        check_time(s.from)?;
        check_time(s.to)?;
        let to = s.to.min(s.from + Duration::days(MAX_SEARCH_DAYS));
        if to <= s.from {
            return Ok(None);
        }
        let staff: Vec<Staff> = self
            .tenant
            .list_staff(false)
            .await?
            .into_iter()
            .filter(|m| m.service_ids.contains(&service.id))
            .filter(|m| s.staff_id.is_none_or(|want| want == m.id))
            .collect();
        if staff.is_empty() {
            return Ok(None);
        }
        // Local days can start up to 14 hours away from UTC midnight; a day of margin covers it.
        let margin = Duration::days(1);
        let (from_ms, to_ms) = (
            (s.from - margin).timestamp_millis(),
            (to + margin).timestamp_millis(),
        );
        let time_off = self.tenant.list_time_off(None, from_ms, to_ms).await?;
        let mut busy = self.tenant.busy_intervals(from_ms, to_ms, &own).await?;
        let calendars: Vec<StaffCalendar> = staff
            .into_iter()
            .map(|m| StaffCalendar {
                staff_id: m.id,
                time_off: time_off
                    .iter()
                    .filter(|t| t.staff_id == m.id)
                    .map(|t| switchboard_domain::calendar::Interval::new(t.start, t.end))
                    .collect(),
                busy: busy.remove(&m.id).unwrap_or_default(),
                hours: m.hours,
            })
            .collect();
        let query = SlotQuery {
            tz: self.tz,
            now: DateTime::from_timestamp_millis(now_ms()).unwrap_or_else(Utc::now),
            first_day: s.from.with_timezone(&self.tz).date_naive(),
            last_day: (to - Duration::milliseconds(1))
                .with_timezone(&self.tz)
                .date_naive(),
            rules: service.rules(self.grid_min),
        };
        Ok(Some((query, calendars, to)))
    }

    /// The free slot starting exactly at `start` (with `staff`, or the first free staff member);
    /// otherwise why not: off the grid, outside the hours, or taken.
    async fn exact_slot(
        &self,
        service: &Service,
        start: DateTime<Utc>,
        staff: Option<StaffId>,
        own: Own,
    ) -> CrmResult<Slot> {
        check_time(start)?;
        let search = SlotSearch {
            service_id: service.id,
            staff_id: staff,
            from: start,
            to: start + Duration::minutes(1),
            own_conversation: own.conversation,
            own_hold: own.hold,
        };
        let Some((query, calendars, _)) = self.calendars(service, &search, own).await? else {
            return Err(CrmError::SlotTaken);
        };
        let local = start.with_timezone(&self.tz).format("%H:%M");
        check_start(&query, &calendars, start).map_err(|why| match why {
            StartProblem::Taken => CrmError::SlotTaken,
            StartProblem::OffGrid => CrmError::OffGrid(format!(
                "{local} is not a start time of this service: starts are every {} minutes from opening; ask /api/v1/slots for free times",
                query.rules.step_min
            )),
            StartProblem::OutsideHours => CrmError::OutsideHours(format!(
                "an appointment at {local} does not fit the working hours"
            )),
        })
    }
}
