//! The CRM adapter: one interface for services, staff, free slots, holds, clients and
//! appointments, whichever system keeps them. [`BuiltinCalendar`] implements it over
//! Switchboard's own calendar tables; external CRMs (YCLIENTS, Altegio, ...) will implement the
//! same trait, so the agent and the API never know which one they talk to.
#![forbid(unsafe_code)]

mod builtin;
mod select;

pub use builtin::BuiltinCalendar;
pub use select::{adapter_for, business_tz};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
pub use switchboard_domain::booking::{
    Appointment, AppointmentSource, AppointmentStatus, Service, SlotHold, Staff, TimeOff,
};
use switchboard_domain::{
    AppointmentId, ChannelId, ConversationId, CustomerId, HoldId, PhoneE164, ServiceId, StaffId,
    TimeOffId, calendar::Slot,
};
use switchboard_store::StoreError;

/// Why a CRM call failed.
#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    #[error("not found")]
    NotFound,
    /// The time is booked or held by someone else, or too soon.
    #[error("that time is not free")]
    SlotTaken,
    /// The start is inside working hours but not on the service's start-time grid.
    #[error("{0}")]
    OffGrid(String),
    /// The appointment would not fit the working hours of anyone who provides the service.
    #[error("{0}")]
    OutsideHours(String),
    /// The request does not fit (a cancelled appointment cannot be moved, an inactive service...).
    #[error("{0}")]
    Invalid(String),
    /// A record with the same unique key exists already.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("CRM backend failed: {0}")]
    Backend(String),
}

impl CrmError {
    /// The stable code the API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            CrmError::NotFound => "not_found",
            CrmError::SlotTaken => "slot_taken",
            CrmError::OffGrid(_) => "off_grid",
            CrmError::OutsideHours(_) => "outside_hours",
            CrmError::Invalid(_) => "invalid_state",
            CrmError::Conflict(_) => "conflict",
            CrmError::Backend(_) => "internal",
        }
    }
}

impl From<StoreError> for CrmError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CrmError::NotFound,
            StoreError::SlotTaken => CrmError::SlotTaken,
            StoreError::Invalid(why) => CrmError::Invalid(why),
            StoreError::Conflict(what) => CrmError::Conflict(what),
            other => CrmError::Backend(other.to_string()),
        }
    }
}

impl From<CrmError> for StoreError {
    fn from(e: CrmError) -> Self {
        match e {
            CrmError::NotFound => StoreError::NotFound,
            CrmError::SlotTaken => StoreError::SlotTaken,
            CrmError::Invalid(why) | CrmError::OffGrid(why) | CrmError::OutsideHours(why) => {
                StoreError::Invalid(why)
            }
            CrmError::Conflict(what) => StoreError::Conflict(what),
            CrmError::Backend(why) => StoreError::Corrupt(why),
        }
    }
}

pub type CrmResult<T> = Result<T, CrmError>;

/// A free-time search.
#[derive(Clone, Debug)]
pub struct SlotSearch {
    pub service_id: ServiceId,
    /// Only this staff member; any who provides the service when `None`.
    pub staff_id: Option<StaffId>,
    /// Slots starting in `[from, to)`.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The searcher's own hold and conversation, which do not count as busy.
    pub own_conversation: Option<ConversationId>,
    pub own_hold: Option<HoldId>,
}

/// A hold request.
#[derive(Clone, Debug)]
pub struct HoldRequest {
    pub service_id: ServiceId,
    pub staff_id: Option<StaffId>,
    pub start: DateTime<Utc>,
    pub conversation_id: Option<ConversationId>,
    pub customer_id: Option<CustomerId>,
    /// How long the hold lasts.
    pub ttl_ms: i64,
}

/// A booking request.
#[derive(Clone, Debug)]
pub struct BookingRequest {
    pub customer_id: CustomerId,
    pub service_id: ServiceId,
    /// Any free staff member who provides the service when `None`.
    pub staff_id: Option<StaffId>,
    pub start: DateTime<Utc>,
    pub source: AppointmentSource,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub notes: String,
    /// The booker's hold on this time, given up by the booking.
    pub hold_id: Option<HoldId>,
    /// Repeating a booking with the same key returns the first booking.
    pub idempotency_key: Option<String>,
}

/// Which appointments to list.
#[derive(Clone, Debug, Default)]
pub struct AppointmentFilter {
    pub customer_id: Option<CustomerId>,
    pub staff_id: Option<StaffId>,
    pub status: Option<AppointmentStatus>,
    /// Appointments ending after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Appointments starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// At most this many (100 when 0).
    pub limit: i64,
}

/// A client as the CRM knows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: CustomerId,
    pub name: String,
    pub phone: Option<String>,
}

/// The operations the agent and the API need from a CRM.
#[async_trait]
pub trait CrmAdapter: Send + Sync {
    /// A short name for logs (`builtin`, `yclients`, ...).
    fn name(&self) -> &'static str;

    /// Active services.
    async fn services(&self) -> CrmResult<Vec<Service>>;

    /// Active staff, only those who provide `service` when given.
    async fn staff(&self, service: Option<ServiceId>) -> CrmResult<Vec<Staff>>;

    /// Free slots in time order.
    async fn free_slots(&self, search: &SlotSearch) -> CrmResult<Vec<Slot>>;

    /// Holds a free slot for a short while.
    async fn hold_slot(&self, req: &HoldRequest) -> CrmResult<SlotHold>;

    async fn release_hold(&self, id: HoldId) -> CrmResult<()>;

    /// Gives up whatever `conversation` holds, so a declined proposal is free for others.
    async fn release_conversation_holds(&self, conversation: ConversationId) -> CrmResult<()>;

    async fn find_client_by_phone(&self, phone: &PhoneE164) -> CrmResult<Option<Client>>;

    async fn create_client(&self, name: &str, phone: &PhoneE164) -> CrmResult<Client>;

    async fn create_appointment(&self, req: &BookingRequest) -> CrmResult<Appointment>;

    async fn cancel_appointment(&self, id: AppointmentId) -> CrmResult<Appointment>;

    /// Moves an appointment to `start` (same service), with `staff` or anyone free.
    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        start: DateTime<Utc>,
        staff: Option<StaffId>,
        conversation: Option<ConversationId>,
    ) -> CrmResult<Appointment>;

    async fn get_appointment(&self, id: AppointmentId) -> CrmResult<Appointment>;

    /// A client's booked appointments that have not ended yet, soonest first.
    async fn upcoming_appointments(&self, client: CustomerId) -> CrmResult<Vec<Appointment>>;

    // ---- catalogue and staff management (the calendar API) ----

    /// Services, inactive ones too when asked, in id order.
    async fn list_services(&self, include_inactive: bool) -> CrmResult<Vec<Service>>;

    async fn get_service(&self, id: ServiceId) -> CrmResult<Service>;

    /// Creates or updates (by id) a service with every field as given.
    async fn save_service(&self, service: &Service) -> CrmResult<Service>;

    /// Staff, inactive ones too when asked, in id order.
    async fn list_staff(&self, include_inactive: bool) -> CrmResult<Vec<Staff>>;

    async fn get_staff(&self, id: StaffId) -> CrmResult<Staff>;

    /// Creates or updates (by id) a staff member, replacing their service list.
    async fn save_staff(&self, staff: &Staff) -> CrmResult<Staff>;

    /// Time off of `staff` overlapping `[from, to)`, in start order.
    async fn list_time_off(
        &self,
        staff: StaffId,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> CrmResult<Vec<TimeOff>>;

    async fn add_time_off(
        &self,
        staff: StaffId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        reason: &str,
    ) -> CrmResult<TimeOff>;

    async fn delete_time_off(&self, staff: StaffId, id: TimeOffId) -> CrmResult<()>;

    // ---- clients and appointments (the calendar API) ----

    /// The client with this id.
    async fn get_client(&self, id: CustomerId) -> CrmResult<Client>;

    /// The client with this phone, created (named `name`) when new.
    async fn ensure_client(&self, phone: &PhoneE164, name: Option<&str>) -> CrmResult<Client>;

    /// Appointments in start order.
    async fn list_appointments(&self, filter: &AppointmentFilter) -> CrmResult<Vec<Appointment>>;

    /// Marks a past appointment `completed` or `no_show`.
    async fn set_appointment_outcome(
        &self,
        id: AppointmentId,
        status: AppointmentStatus,
    ) -> CrmResult<Appointment>;
}
