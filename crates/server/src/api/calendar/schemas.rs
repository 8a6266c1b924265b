//! The calendar's answers as the API shows them. They are mapped from the domain types field by
//! field, so a new column or domain field never reaches an answer unless it is added here.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use switchboard_domain::{
    AppointmentId, ChannelId, ConversationId, CustomerId, HoldId, ServiceId, StaffId, TimeOffId,
    booking::{self, AppointmentSource, AppointmentStatus},
    calendar::WeeklyHours,
};

/// A bookable service.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub id: ServiceId,
    /// The name per language code (`en`, `ru`, `he`).
    pub names: BTreeMap<String, String>,
    /// Other names customers use for it (short forms, synonyms), in any language.
    pub aliases: Vec<String>,
    pub description: String,
    pub duration_min: u32,
    /// Price in minor units of `currency`.
    pub price_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    /// How far ahead of now the earliest bookable start is.
    pub lead_time_min: u32,
    /// Distance between offered starts, counted from each opening time; `null` follows the
    /// business's start-time grid (`slot_step_min`).
    pub step_min: Option<u32>,
    pub active: bool,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<booking::Service> for Service {
    fn from(s: booking::Service) -> Self {
        Service {
            id: s.id,
            names: s.names,
            aliases: s.aliases,
            description: s.description,
            duration_min: s.duration_min,
            price_minor: s.price_minor,
            currency: s.currency,
            buffer_before_min: s.buffer_before_min,
            buffer_after_min: s.buffer_after_min,
            lead_time_min: s.lead_time_min,
            step_min: s.step_min,
            active: s.active,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A staff member who can be booked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Staff {
    pub id: StaffId,
    pub name: String,
    /// Weekly working hours in the business time zone.
    pub hours: WeeklyHours,
    /// The services this person provides.
    pub service_ids: Vec<ServiceId>,
    pub active: bool,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<booking::Staff> for Staff {
    fn from(s: booking::Staff) -> Self {
        Staff {
            id: s.id,
            name: s.name,
            hours: s.hours,
            service_ids: s.service_ids,
            active: s.active,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A period a staff member does not work (vacation, sick day, a break).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimeOff {
    pub id: TimeOffId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
}

impl From<booking::TimeOff> for TimeOff {
    fn from(t: booking::TimeOff) -> Self {
        TimeOff {
            id: t.id,
            staff_id: t.staff_id,
            start: t.start,
            end: t.end,
            reason: t.reason,
        }
    }
}

/// A booked (or past, or cancelled) appointment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Appointment {
    pub id: AppointmentId,
    pub customer_id: CustomerId,
    pub service_id: ServiceId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: AppointmentStatus,
    /// Who booked it.
    pub source: AppointmentSource,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub notes: String,
    pub price_minor: i64,
    pub currency: String,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub cancelled_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<booking::Appointment> for Appointment {
    fn from(a: booking::Appointment) -> Self {
        Appointment {
            id: a.id,
            customer_id: a.customer_id,
            service_id: a.service_id,
            staff_id: a.staff_id,
            start: a.start,
            end: a.end,
            status: a.status,
            source: a.source,
            channel_id: a.channel_id,
            conversation_id: a.conversation_id,
            notes: a.notes,
            price_minor: a.price_minor,
            currency: a.currency,
            cancelled_at: a.cancelled_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A short reservation of a slot while a customer confirms.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotHold {
    pub id: HoldId,
    pub staff_id: StaffId,
    pub service_id: ServiceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub conversation_id: Option<ConversationId>,
    pub customer_id: Option<CustomerId>,
    /// After this the slot is free again.
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: i64,
}

impl From<booking::SlotHold> for SlotHold {
    fn from(h: booking::SlotHold) -> Self {
        SlotHold {
            id: h.id,
            staff_id: h.staff_id,
            service_id: h.service_id,
            start: h.start,
            end: h.end,
            conversation_id: h.conversation_id,
            customer_id: h.customer_id,
            expires_at: h.expires_at,
        }
    }
}

/// Maps a list of domain values to their API schema.
pub(super) fn all<D, A: From<D>>(items: Vec<D>) -> Vec<A> {
    items.into_iter().map(A::from).collect()
}
