//! The calendar as one conversation sees it: [`BookingTools`] for the rule-based agent and the
//! model's tool calls, both over the CRM adapter. Every call is recorded for the turn's record;
//! appointments of other customers are out of reach; writes carry idempotency keys from the
//! turn, so a retried turn never books twice.
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use switchboard_agent::rules::{PendingAction, RuleState};
use switchboard_agent::{AppointmentInfo, BookingTools, ToolError};
use switchboard_crm::{Appointment, BookingRequest, CrmAdapter, CrmError, HoldRequest, SlotSearch};
use switchboard_domain::{
    AppointmentId, ConversationId, CustomerId, MessageId, ServiceId, StaffId, calendar::Slot,
    time::now_ms,
};
use switchboard_store::agent::ToolCallRecord;

/// Everything the tools need to know about the conversation.
pub struct ConversationTools {
    pub crm: Arc<dyn CrmAdapter>,
    pub tz: Tz,
    pub conversation: ConversationId,
    pub customer: CustomerId,
    pub channel_id: String,
    /// The newest customer message of the turn: the root of its idempotency keys.
    pub turn_key: MessageId,
    pub hold_ttl_ms: i64,
    pub staff_names: HashMap<StaffId, String>,
    calls: Mutex<Vec<ToolCallRecord>>,
    handover: Mutex<Option<String>>,
}

fn tool_error(e: CrmError) -> ToolError {
    match e {
        CrmError::NotFound => ToolError::NotFound,
        // The agent answers all three the same way: that time cannot be had, here are the
        // nearest ones that can.
        CrmError::SlotTaken | CrmError::OffGrid(_) | CrmError::OutsideHours(_) => {
            ToolError::SlotTaken
        }
        CrmError::Invalid(why) => ToolError::NotAllowed(why),
        CrmError::Backend(why) | CrmError::Conflict(why) => ToolError::Backend(why),
    }
}

impl ConversationTools {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        crm: Arc<dyn CrmAdapter>,
        tz: Tz,
        conversation: ConversationId,
        customer: CustomerId,
        channel_id: String,
        turn_key: MessageId,
        hold_ttl_ms: i64,
        staff_names: HashMap<StaffId, String>,
    ) -> Self {
        Self {
            crm,
            tz,
            conversation,
            customer,
            channel_id,
            turn_key,
            hold_ttl_ms,
            staff_names,
            calls: Mutex::new(Vec::new()),
            handover: Mutex::new(None),
        }
    }

    /// Records one call for the turn's record.
    pub fn record(&self, name: &str, arguments: Value, result: &Value, outcome: &str) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(ToolCallRecord {
                name: name.to_string(),
                arguments: arguments.to_string(),
                result: result.to_string(),
                outcome: outcome.to_string(),
                created_at: now_ms(),
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
            Ok(v) => self.record(name, arguments, &show(v), "ok"),
            Err(e) => self.record(name, arguments, &json!({"error": e.to_string()}), "error"),
        }
        result
    }

    pub fn take_calls(&self) -> Vec<ToolCallRecord> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The reason, when a handover was asked for during the turn.
    pub fn handover_reason(&self) -> Option<String> {
        self.handover
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn info(&self, a: &Appointment) -> AppointmentInfo {
        AppointmentInfo {
            id: a.id,
            service_id: a.service_id,
            start_utc: a.start,
            end_utc: a.end,
            staff_id: Some(a.staff_id),
            staff_name: self.staff_names.get(&a.staff_id).cloned(),
        }
    }

    fn key(&self, what: &str) -> String {
        format!("agent:{}:{what}", self.turn_key)
    }

    /// The appointment, if it is this customer's.
    pub async fn own_appointment(&self, id: AppointmentId) -> Result<Appointment, ToolError> {
        let a = self.crm.get_appointment(id).await.map_err(tool_error)?;
        if a.customer_id != self.customer {
            return Err(ToolError::NotFound);
        }
        Ok(a)
    }

    pub async fn search(
        &self,
        service: ServiceId,
        staff: Option<StaffId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ToolError> {
        self.crm
            .free_slots(&SlotSearch {
                service_id: service,
                staff_id: staff,
                from,
                to,
                own_conversation: Some(self.conversation),
                own_hold: None,
            })
            .await
            .map_err(tool_error)
    }

    pub async fn hold(
        &self,
        service: ServiceId,
        staff: Option<StaffId>,
        start: DateTime<Utc>,
    ) -> Result<switchboard_crm::SlotHold, ToolError> {
        self.crm
            .hold_slot(&HoldRequest {
                service_id: service,
                staff_id: staff,
                start,
                conversation_id: Some(self.conversation),
                customer_id: Some(self.customer),
                ttl_ms: self.hold_ttl_ms,
            })
            .await
            .map_err(tool_error)
    }

    pub async fn book(
        &self,
        service: ServiceId,
        staff: Option<StaffId>,
        start: DateTime<Utc>,
        notes: &str,
    ) -> Result<Appointment, ToolError> {
        self.crm
            .create_appointment(&BookingRequest {
                customer_id: self.customer,
                service_id: service,
                staff_id: staff,
                start,
                source: switchboard_crm::AppointmentSource::Agent,
                channel_id: self.channel_id.parse().ok(),
                conversation_id: Some(self.conversation),
                notes: notes.to_string(),
                hold_id: None,
                idempotency_key: Some(
                    self.key(&format!("book:{service}:{}", start.timestamp_millis())),
                ),
            })
            .await
            .map_err(tool_error)
    }

    pub async fn cancel(&self, id: AppointmentId) -> Result<Appointment, ToolError> {
        self.own_appointment(id).await?;
        self.crm.cancel_appointment(id).await.map_err(tool_error)
    }

    pub async fn reschedule(
        &self,
        id: AppointmentId,
        start: DateTime<Utc>,
        staff: Option<StaffId>,
    ) -> Result<Appointment, ToolError> {
        let current = self.own_appointment(id).await?;
        if current.start == start && staff.is_none_or(|s| s == current.staff_id) {
            return Ok(current);
        }
        self.crm
            .reschedule_appointment(id, start, staff, Some(self.conversation))
            .await
            .map_err(tool_error)
    }

    pub async fn upcoming(&self) -> Result<Vec<Appointment>, ToolError> {
        self.crm
            .upcoming_appointments(self.customer)
            .await
            .map_err(tool_error)
    }

    /// Gives the held time back when the turn dropped the proposal it was held for (a no, a
    /// new search, another service, a handover), so the next customer finds it free at once
    /// rather than when the hold expires. Holds exist only for create and move proposals.
    pub async fn release_if_dropped(&self, before: &RuleState, after: &RuleState) {
        let holds = |s: &RuleState| {
            matches!(
                s.pending,
                Some(PendingAction::Create { .. } | PendingAction::Reschedule { .. })
            )
        };
        // A booking or move gives the hold up itself.
        let wrote = self
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|c| {
                c.outcome == "ok"
                    && matches!(
                        c.name.as_str(),
                        "create_appointment" | "reschedule_appointment"
                    )
            });
        if holds(before)
            && !holds(after)
            && !wrote
            && let Err(e) = self.release_hold().await
        {
            // The hold still expires on its own; the turn's answer stands.
            tracing::warn!(conversation = %self.conversation, error = %e, "could not release a hold");
        }
    }

    pub fn ask_handover(&self, reason: &str) {
        *self.handover.lock().unwrap_or_else(PoisonError::into_inner) = Some(reason.to_string());
    }
}

fn slot_json(s: &Slot) -> Value {
    json!({"start": s.start_utc, "end": s.end_utc, "staff_id": s.staff_id})
}

#[async_trait]
impl BookingTools for ConversationTools {
    async fn free_slots(
        &self,
        service: ServiceId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Slot>, ToolError> {
        let args = json!({"service_id": service, "from": from, "to": to});
        let r = self.search(service, None, from, to).await;
        self.finish("free_slots", args, r, |v| json!({"slots": v.len()}))
    }

    async fn hold_slot(&self, service: ServiceId, slot: &Slot) -> Result<(), ToolError> {
        let args = json!({"service_id": service, "slot": slot_json(slot)});
        let r = self
            .hold(service, Some(slot.staff_id), slot.start_utc)
            .await
            .map(|h| h.expires_at);
        self.finish("hold_slot", args, r, |exp| json!({"held_until": exp}))
            .map(|_| ())
    }

    async fn release_hold(&self) -> Result<(), ToolError> {
        let r = self
            .crm
            .release_conversation_holds(self.conversation)
            .await
            .map_err(tool_error);
        self.finish("release_hold", json!({}), r, |_| json!({"released": true}))
    }

    async fn create_appointment(
        &self,
        service: ServiceId,
        slot: &Slot,
    ) -> Result<AppointmentInfo, ToolError> {
        let args = json!({"service_id": service, "slot": slot_json(slot)});
        let r = self
            .book(service, Some(slot.staff_id), slot.start_utc, "")
            .await
            .map(|a| self.info(&a));
        self.finish(
            "create_appointment",
            args,
            r,
            |a| json!({"appointment_id": a.id}),
        )
    }

    async fn cancel_appointment(&self, id: AppointmentId) -> Result<(), ToolError> {
        let args = json!({"appointment_id": id});
        let r = self.cancel(id).await.map(|_| ());
        self.finish(
            "cancel_appointment",
            args,
            r,
            |_| json!({"cancelled": true}),
        )
    }

    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        slot: &Slot,
    ) -> Result<AppointmentInfo, ToolError> {
        let args = json!({"appointment_id": id, "slot": slot_json(slot)});
        let r = self
            .reschedule(id, slot.start_utc, Some(slot.staff_id))
            .await
            .map(|a| self.info(&a));
        self.finish(
            "reschedule_appointment",
            args,
            r,
            |a| json!({"appointment_id": a.id, "start": a.start_utc}),
        )
    }

    async fn list_appointments(&self) -> Result<Vec<AppointmentInfo>, ToolError> {
        let r = self
            .upcoming()
            .await
            .map(|v| v.iter().map(|a| self.info(a)).collect::<Vec<_>>());
        self.finish(
            "list_appointments",
            json!({}),
            r,
            |v| json!({"appointments": v.len()}),
        )
    }

    async fn handover(&self, reason: &str) -> Result<(), ToolError> {
        self.ask_handover(reason);
        self.record(
            "handover",
            json!({"reason": reason}),
            &json!({"handed_over": true}),
            "ok",
        );
        Ok(())
    }
}
