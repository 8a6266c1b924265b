//! The turn's record of tool calls and of a handover asked for. The rule-based agent's calls
//! are recorded by [`Recorded`], which wraps the tools; the model's tool loop records one entry
//! per call the model made (with the model's own arguments), including refused writes.
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use switchboard_domain::calendar::Slot;
use switchboard_domain::time::now_ms;
use switchboard_domain::{AppointmentId, ServiceId, StaffId};

use crate::booking::{BookingTools, HeldSlot, SlotChoice, ToolError};
use crate::context::{AppointmentInfo, StaffInfo};

/// How a tool call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Ok,
    Error,
    /// A write the confirmation gate did not let through.
    Refused,
}

impl CallOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::Error => "error",
            CallOutcome::Refused => "refused",
        }
    }
}

/// One tool call of a turn, for the turn's record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedCall {
    pub name: String,
    pub arguments: Value,
    pub result: Value,
    pub outcome: CallOutcome,
    /// When the call finished, in milliseconds since the epoch.
    pub at_ms: i64,
}

/// What a turn did with its tools.
#[derive(Default)]
pub(crate) struct Journal {
    calls: Mutex<Vec<RecordedCall>>,
    handover: Mutex<Option<String>>,
}

impl Journal {
    pub fn record(&self, name: &str, arguments: Value, result: Value, outcome: CallOutcome) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(RecordedCall {
                name: name.to_string(),
                arguments,
                result,
                outcome,
                at_ms: now_ms(),
            });
    }

    fn finish<T>(
        &self,
        name: &str,
        arguments: Value,
        result: Result<T, ToolError>,
        show: impl Fn(&T) -> Value,
    ) -> Result<T, ToolError> {
        match &result {
            Ok(v) => self.record(name, arguments, show(v), CallOutcome::Ok),
            Err(e) => self.record(
                name,
                arguments,
                json!({"error": e.to_string()}),
                CallOutcome::Error,
            ),
        }
        result
    }

    pub fn ask_handover(&self, reason: &str) {
        *self.handover.lock().unwrap_or_else(PoisonError::into_inner) = Some(reason.to_string());
    }

    /// Whether a booking or a move succeeded during the turn.
    pub fn wrote(&self) -> bool {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|c| {
                c.outcome == CallOutcome::Ok
                    && matches!(
                        c.name.as_str(),
                        "create_appointment" | "reschedule_appointment"
                    )
            })
    }

    /// The calls recorded and the handover asked for, leaving the journal empty.
    pub fn take(&self) -> (Vec<RecordedCall>, Option<String>) {
        (
            std::mem::take(&mut *self.calls.lock().unwrap_or_else(PoisonError::into_inner)),
            self.handover
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        )
    }
}

fn at_json(at: SlotChoice) -> Value {
    json!({"start": at.start, "staff_id": at.staff})
}

/// The tools with every call recorded in the journal.
pub(crate) struct Recorded<'a> {
    pub tools: &'a dyn BookingTools,
    pub journal: &'a Journal,
}

#[async_trait]
impl BookingTools for Recorded<'_> {
    async fn free_slots(
        &self,
        service: ServiceId,
        staff: Option<StaffId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ToolError> {
        let args = json!({"service_id": service, "staff_id": staff, "from": from, "to": to});
        let r = self.tools.free_slots(service, staff, from, to).await;
        self.journal
            .finish("free_slots", args, r, |v| json!({"slots": v.len()}))
    }

    async fn staff(&self, service: Option<ServiceId>) -> Result<Vec<StaffInfo>, ToolError> {
        let r = self.tools.staff(service).await;
        self.journal.finish(
            "list_staff",
            json!({"service_id": service}),
            r,
            |v| json!({"staff": v.len()}),
        )
    }

    async fn hold_slot(&self, service: ServiceId, at: SlotChoice) -> Result<HeldSlot, ToolError> {
        let args = json!({"service_id": service, "slot": at_json(at)});
        let r = self.tools.hold_slot(service, at).await;
        self.journal.finish(
            "hold_slot",
            args,
            r,
            |h| json!({"held_until": h.expires_at_ms}),
        )
    }

    async fn release_hold(&self) -> Result<(), ToolError> {
        let r = self.tools.release_hold().await;
        self.journal
            .finish("release_hold", json!({}), r, |_| json!({"released": true}))
    }

    async fn create_appointment(
        &self,
        service: ServiceId,
        at: SlotChoice,
        notes: &str,
    ) -> Result<AppointmentInfo, ToolError> {
        let args = json!({"service_id": service, "slot": at_json(at)});
        let r = self.tools.create_appointment(service, at, notes).await;
        self.journal.finish(
            "create_appointment",
            args,
            r,
            |a| json!({"appointment_id": a.id}),
        )
    }

    async fn cancel_appointment(&self, id: AppointmentId) -> Result<(), ToolError> {
        let r = self.tools.cancel_appointment(id).await;
        self.journal.finish(
            "cancel_appointment",
            json!({"appointment_id": id}),
            r,
            |_| json!({"cancelled": true}),
        )
    }

    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        at: SlotChoice,
    ) -> Result<AppointmentInfo, ToolError> {
        let args = json!({"appointment_id": id, "slot": at_json(at)});
        let r = self.tools.reschedule_appointment(id, at).await;
        self.journal.finish(
            "reschedule_appointment",
            args,
            r,
            |a| json!({"appointment_id": a.id, "start": a.start_utc}),
        )
    }

    async fn appointment(&self, id: AppointmentId) -> Result<AppointmentInfo, ToolError> {
        let r = self.tools.appointment(id).await;
        self.journal.finish(
            "get_appointment",
            json!({"appointment_id": id}),
            r,
            |a| json!({"appointment_id": a.id}),
        )
    }

    async fn list_appointments(&self) -> Result<Vec<AppointmentInfo>, ToolError> {
        let r = self.tools.list_appointments().await;
        self.journal.finish(
            "list_appointments",
            json!({}),
            r,
            |v| json!({"appointments": v.len()}),
        )
    }

    async fn handover(&self, reason: &str) -> Result<(), ToolError> {
        self.journal.ask_handover(reason);
        let r = self.tools.handover(reason).await;
        self.journal.finish(
            "handover",
            json!({"reason": reason}),
            r,
            |_| json!({"handed_over": true}),
        )
    }
}
