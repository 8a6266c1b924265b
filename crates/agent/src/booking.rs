//! The calendar as one conversation sees it: the one tool trait both engines use (the
//! rule-based agent and the model's tool loop). [`CrmTools`](crate::CrmTools) implements it
//! over the CRM adapter; tests implement it in memory. The customer is implied by the
//! implementation; writing methods are only called after the customer said yes.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::calendar::Slot;
use switchboard_domain::{AppointmentId, ServiceId, StaffId};

use crate::context::{AppointmentInfo, StaffInfo};

/// Why a calendar operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// Someone else took the slot (or its hold) in the meantime.
    #[error("that time is no longer free")]
    SlotTaken,
    #[error("not found")]
    NotFound,
    #[error("not allowed: {0}")]
    NotAllowed(String),
    #[error("calendar backend failed: {0}")]
    Backend(String),
}

/// A start time, with the staff member when one was chosen (anyone free otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotChoice {
    pub start: DateTime<Utc>,
    pub staff: Option<StaffId>,
}

impl From<&Slot> for SlotChoice {
    fn from(slot: &Slot) -> Self {
        SlotChoice {
            start: slot.start_utc,
            staff: Some(slot.staff_id),
        }
    }
}

/// A slot held while the customer confirms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldSlot {
    pub slot: Slot,
    /// When the hold lapses, in milliseconds since the epoch.
    pub expires_at_ms: i64,
}

/// The calendar as seen from one conversation.
#[async_trait]
pub trait BookingTools: Send + Sync {
    /// Free slots for `service` (with `staff`, or anyone) starting in `[from, to)`, in time
    /// order.
    async fn free_slots(
        &self,
        service: ServiceId,
        staff: Option<StaffId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ToolError>;

    /// Active staff, only those who provide `service` when given.
    async fn staff(&self, service: Option<ServiceId>) -> Result<Vec<StaffInfo>, ToolError>;

    /// Reserves a slot for a short while so it stays free while the customer confirms.
    async fn hold_slot(&self, service: ServiceId, at: SlotChoice) -> Result<HeldSlot, ToolError>;

    /// Gives up the conversation's hold at once: the customer declined or moved on, so the
    /// time must not look taken to the next customer until the hold expires.
    async fn release_hold(&self) -> Result<(), ToolError>;

    async fn create_appointment(
        &self,
        service: ServiceId,
        at: SlotChoice,
        notes: &str,
    ) -> Result<AppointmentInfo, ToolError>;

    async fn cancel_appointment(&self, id: AppointmentId) -> Result<(), ToolError>;

    /// Moves an appointment (same service) to another time.
    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        at: SlotChoice,
    ) -> Result<AppointmentInfo, ToolError>;

    /// One of the customer's appointments; [`ToolError::NotFound`] for anyone else's.
    async fn appointment(&self, id: AppointmentId) -> Result<AppointmentInfo, ToolError>;

    /// The customer's upcoming appointments, soonest first.
    async fn list_appointments(&self) -> Result<Vec<AppointmentInfo>, ToolError>;

    /// Asks a human to take over the conversation. The turn reports the handover to its
    /// caller either way; an implementation may also tell the CRM.
    async fn handover(&self, reason: &str) -> Result<(), ToolError>;
}

/// Something the agent did during a turn, for the caller to log on the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentAction {
    Held { service_id: ServiceId, slot: Slot },
    Booked { appointment: AppointmentInfo },
    Cancelled { appointment_id: AppointmentId },
    Rescheduled { appointment: AppointmentInfo },
    HandedOver { reason: String },
}
