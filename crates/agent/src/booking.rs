//! The calendar operations the agents need, as a trait the server implements over the real
//! calendar (or an external CRM). Writing methods are only called after the customer said yes.
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::calendar::Slot;
use switchboard_domain::{AppointmentId, ServiceId};

use crate::context::AppointmentInfo;

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

/// The calendar as seen from one conversation: the customer is implied by the implementation.
#[async_trait]
pub trait BookingTools: Send + Sync {
    /// Free slots for `service` starting in `[from, to)`, in time order.
    async fn free_slots(
        &self,
        service: ServiceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ToolError>;

    /// Reserves `slot` for a short while so it stays free while the customer confirms.
    async fn hold_slot(&self, service: ServiceId, slot: &Slot) -> Result<(), ToolError>;

    /// Gives up the conversation's hold at once: the customer declined or moved on, so the
    /// time must not look taken to the next customer until the hold expires.
    async fn release_hold(&self) -> Result<(), ToolError>;

    async fn create_appointment(
        &self,
        service: ServiceId,
        slot: &Slot,
    ) -> Result<AppointmentInfo, ToolError>;

    async fn cancel_appointment(&self, id: AppointmentId) -> Result<(), ToolError>;

    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        slot: &Slot,
    ) -> Result<AppointmentInfo, ToolError>;

    /// The customer's upcoming appointments, soonest first.
    async fn list_appointments(&self) -> Result<Vec<AppointmentInfo>, ToolError>;

    /// Asks a human to take over the conversation.
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
