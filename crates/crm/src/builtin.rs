//! The built-in calendar as a [`CrmAdapter`]: slot search with the pure calendar maths over the
//! store's hours, time off, appointments and holds; writes through the store, where the
//! occupancy cells make double booking impossible.
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use switchboard_domain::{
    AppointmentId, ConversationId, CustomerId, HoldId, PhoneE164, ServiceId, StaffId,
    calendar::{self, Slot, SlotQuery, StaffCalendar, StartProblem, check_start, free_slots},
    message::Identity,
    time::now_ms,
};
use switchboard_store::{
    TenantStore,
    calendar::{AppointmentFilter, BOOKED, NewAppointment, NewHold, Own},
};

use crate::{
    Appointment, BookingRequest, Client, CrmAdapter, CrmError, CrmResult, HoldRequest, Service,
    SlotHold, SlotSearch, Staff,
};

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

#[async_trait]
impl CrmAdapter for BuiltinCalendar {
    fn name(&self) -> &'static str {
        "builtin"
    }

    async fn services(&self) -> CrmResult<Vec<Service>> {
        Ok(self.tenant.list_services(false).await?)
    }

    async fn staff(&self, service: Option<ServiceId>) -> CrmResult<Vec<Staff>> {
        Ok(self
            .tenant
            .list_staff(false)
            .await?
            .into_iter()
            .filter(|m| service.is_none_or(|s| m.service_ids.contains(&s)))
            .collect())
    }

    async fn free_slots(&self, search: &SlotSearch) -> CrmResult<Vec<Slot>> {
        let service = self.active_service(search.service_id).await?;
        let own = Own {
            conversation: search.own_conversation,
            hold: search.own_hold,
            appointment: None,
        };
        self.search(&service, search, own).await
    }

    async fn hold_slot(&self, req: &HoldRequest) -> CrmResult<SlotHold> {
        let service = self.active_service(req.service_id).await?;
        let own = Own {
            conversation: req.conversation_id,
            ..Own::default()
        };
        let slot = self
            .exact_slot(&service, req.start, req.staff_id, own)
            .await?;
        Ok(self
            .tenant
            .hold_slot(&NewHold {
                staff_id: slot.staff_id,
                service_id: service.id,
                start: slot.start_utc,
                end: slot.end_utc,
                conversation_id: req.conversation_id,
                customer_id: req.customer_id,
                ttl_ms: req.ttl_ms,
            })
            .await?)
    }

    async fn release_hold(&self, id: HoldId) -> CrmResult<()> {
        Ok(self.tenant.release_slot_hold(id).await?)
    }

    async fn release_conversation_holds(&self, conversation: ConversationId) -> CrmResult<()> {
        Ok(self.tenant.release_conversation_holds(conversation).await?)
    }

    async fn find_client_by_phone(&self, phone: &PhoneE164) -> CrmResult<Option<Client>> {
        let Some(id) = self
            .tenant
            .find_customer(&Identity::Phone(phone.clone()))
            .await?
        else {
            return Ok(None);
        };
        let (name, _) = self.tenant.customer_profile(id).await?;
        Ok(Some(Client {
            id,
            name,
            phone: Some(phone.as_str().to_string()),
        }))
    }

    async fn create_client(&self, name: &str, phone: &PhoneE164) -> CrmResult<Client> {
        let id = self
            .tenant
            .find_or_create_customer(&Identity::Phone(phone.clone()), Some(name))
            .await?;
        let (name, _) = self.tenant.customer_profile(id).await?;
        Ok(Client {
            id,
            name,
            phone: Some(phone.as_str().to_string()),
        })
    }

    async fn create_appointment(&self, req: &BookingRequest) -> CrmResult<Appointment> {
        let service = self.active_service(req.service_id).await?;
        let own = Own {
            conversation: req.conversation_id,
            hold: req.hold_id,
            appointment: None,
        };
        let slot = match self
            .exact_slot(&service, req.start, req.staff_id, own)
            .await
        {
            // The time may be taken by this very request made before (a retry, or a race
            // against one): with the same key, that booking is the answer.
            Err(CrmError::SlotTaken) => {
                if let Some(key) = &req.idempotency_key
                    && let Some(done) = self.tenant.appointment_by_key(key).await?
                {
                    return Ok(done);
                }
                return Err(CrmError::SlotTaken);
            }
            other => other?,
        };
        Ok(self
            .tenant
            .book_appointment(&NewAppointment {
                customer_id: req.customer_id,
                service_id: service.id,
                staff_id: slot.staff_id,
                start: slot.start_utc,
                end: slot.end_utc,
                source: req.source.clone(),
                channel_id: req.channel_id.clone(),
                conversation_id: req.conversation_id,
                notes: req.notes.clone(),
                price_minor: service.price_minor,
                currency: service.currency.clone(),
                hold_id: req.hold_id,
                idempotency_key: req.idempotency_key.clone(),
            })
            .await?)
    }

    async fn cancel_appointment(&self, id: AppointmentId) -> CrmResult<Appointment> {
        Ok(self.tenant.cancel_appointment(id).await?)
    }

    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        start: DateTime<Utc>,
        staff: Option<StaffId>,
        conversation: Option<ConversationId>,
    ) -> CrmResult<Appointment> {
        let current = self.tenant.get_appointment(id).await?;
        if current.status != BOOKED {
            return Err(CrmError::Invalid(format!(
                "an appointment that is {} cannot be moved",
                current.status
            )));
        }
        let service = self.tenant.get_service(current.service_id).await?;
        let own = Own {
            conversation,
            hold: None,
            appointment: Some(id),
        };
        let slot = self.exact_slot(&service, start, staff, own).await?;
        Ok(self
            .tenant
            .reschedule_appointment(
                id,
                slot.staff_id,
                slot.start_utc,
                slot.end_utc,
                conversation,
            )
            .await?)
    }

    async fn get_appointment(&self, id: AppointmentId) -> CrmResult<Appointment> {
        Ok(self.tenant.get_appointment(id).await?)
    }

    async fn upcoming_appointments(&self, client: CustomerId) -> CrmResult<Vec<Appointment>> {
        Ok(self
            .tenant
            .list_appointments(&AppointmentFilter {
                customer_id: Some(client.to_string()),
                status: Some(BOOKED.into()),
                from: Some(now_ms()),
                limit: 50,
                ..AppointmentFilter::default()
            })
            .await?)
    }
}
