//! The [`CrmAdapter`] implementation of the built-in calendar: reads and writes through the
//! tenant's store.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use switchboard_domain::{
    AppointmentId, ConversationId, CustomerId, HoldId, PhoneE164, ServiceId, StaffId, TimeOffId,
    calendar::Slot, message::Identity, time::now_ms,
};
use switchboard_store::calendar::{self as store_calendar, NewAppointment, NewHold, Own};

use super::BuiltinCalendar;
use crate::{
    Appointment, AppointmentFilter, AppointmentStatus, BookingRequest, Client, CrmAdapter,
    CrmError, CrmResult, HoldRequest, Service, SlotHold, SlotSearch, Staff, TimeOff,
};

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
                source: req.source,
                channel_id: req.channel_id,
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
        if current.status != AppointmentStatus::Booked {
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
            .list_appointments(&store_calendar::AppointmentFilter {
                customer_id: Some(client),
                status: Some(AppointmentStatus::Booked),
                from: Some(now_ms()),
                limit: 50,
                ..store_calendar::AppointmentFilter::default()
            })
            .await?)
    }

    async fn list_services(&self, include_inactive: bool) -> CrmResult<Vec<Service>> {
        Ok(self.tenant.list_services(include_inactive).await?)
    }

    async fn get_service(&self, id: ServiceId) -> CrmResult<Service> {
        Ok(self.tenant.get_service(id).await?)
    }

    async fn save_service(&self, service: &Service) -> CrmResult<Service> {
        Ok(self.tenant.save_service(service).await?)
    }

    async fn list_staff(&self, include_inactive: bool) -> CrmResult<Vec<Staff>> {
        Ok(self.tenant.list_staff(include_inactive).await?)
    }

    async fn get_staff(&self, id: StaffId) -> CrmResult<Staff> {
        Ok(self.tenant.get_staff(id).await?)
    }

    async fn save_staff(&self, staff: &Staff) -> CrmResult<Staff> {
        Ok(self.tenant.save_staff(staff).await?)
    }

    async fn list_time_off(
        &self,
        staff: StaffId,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> CrmResult<Vec<TimeOff>> {
        let to = to.map_or(i64::MAX, |t| t.timestamp_millis());
        Ok(self
            .tenant
            .list_time_off(Some(staff), from.timestamp_millis(), to)
            .await?)
    }

    async fn add_time_off(
        &self,
        staff: StaffId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        reason: &str,
    ) -> CrmResult<TimeOff> {
        Ok(self.tenant.add_time_off(staff, start, end, reason).await?)
    }

    async fn delete_time_off(&self, staff: StaffId, id: TimeOffId) -> CrmResult<()> {
        Ok(self.tenant.delete_time_off(staff, id).await?)
    }

    async fn get_client(&self, id: CustomerId) -> CrmResult<Client> {
        let (name, _) = self.tenant.customer_profile(id).await?;
        Ok(Client {
            id,
            name,
            phone: None,
        })
    }

    async fn ensure_client(&self, phone: &PhoneE164, name: Option<&str>) -> CrmResult<Client> {
        let id = self
            .tenant
            .find_or_create_customer(&Identity::Phone(phone.clone()), name)
            .await?;
        let (name, _) = self.tenant.customer_profile(id).await?;
        Ok(Client {
            id,
            name,
            phone: Some(phone.as_str().to_string()),
        })
    }

    async fn list_appointments(&self, f: &AppointmentFilter) -> CrmResult<Vec<Appointment>> {
        Ok(self
            .tenant
            .list_appointments(&store_calendar::AppointmentFilter {
                customer_id: f.customer_id,
                staff_id: f.staff_id,
                status: f.status,
                from: f.from.map(|t| t.timestamp_millis()),
                to: f.to.map(|t| t.timestamp_millis()),
                limit: f.limit,
            })
            .await?)
    }

    async fn set_appointment_outcome(
        &self,
        id: AppointmentId,
        status: AppointmentStatus,
    ) -> CrmResult<Appointment> {
        Ok(self.tenant.set_appointment_outcome(id, status).await?)
    }
}
