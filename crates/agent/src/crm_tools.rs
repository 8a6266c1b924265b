//! [`BookingTools`] over the CRM adapter, for one conversation: appointments of other customers
//! are out of reach, and writes carry idempotency keys rooted in the turn, so a retried turn
//! never books twice. The only file of the agent that knows the CRM's types.
use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use switchboard_crm::{Appointment, BookingRequest, CrmAdapter, CrmError, HoldRequest, SlotSearch};
use switchboard_domain::calendar::Slot;
use switchboard_domain::{
    AppointmentId, ConversationId, CustomerId, MessageId, ServiceId, StaffId,
};

use crate::booking::{BookingTools, HeldSlot, SlotChoice, ToolError};
use crate::context::{AppointmentInfo, StaffInfo};

/// Who the tools act for.
#[derive(Clone, Debug)]
pub struct Conversation {
    pub id: ConversationId,
    pub customer: CustomerId,
    pub channel_id: String,
    /// The first customer message the turn answers: the root of its idempotency keys (it
    /// stays the same when a retried turn finds more messages).
    pub turn_key: MessageId,
}

/// The calendar of one conversation, behind the CRM adapter.
pub struct CrmTools {
    crm: Arc<dyn CrmAdapter>,
    conversation: Conversation,
    hold_ttl_ms: i64,
    /// Names of the business's staff, shown with appointments.
    staff_names: HashMap<StaffId, String>,
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

impl CrmTools {
    pub fn new(
        crm: Arc<dyn CrmAdapter>,
        conversation: Conversation,
        hold_ttl_ms: i64,
        staff_names: HashMap<StaffId, String>,
    ) -> Self {
        Self {
            crm,
            conversation,
            hold_ttl_ms,
            staff_names,
        }
    }

    fn info(&self, a: &Appointment) -> AppointmentInfo {
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
        format!("agent:{}:{what}", self.conversation.turn_key)
    }

    /// The appointment, if it is this customer's.
    async fn own(&self, id: AppointmentId) -> Result<Appointment, ToolError> {
        let a = self.crm.get_appointment(id).await.map_err(tool_error)?;
        if a.customer_id != self.conversation.customer {
            return Err(ToolError::NotFound);
        }
        Ok(a)
    }
}

#[async_trait]
impl BookingTools for CrmTools {
    async fn free_slots(
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
                own_conversation: Some(self.conversation.id),
                own_hold: None,
            })
            .await
            .map_err(tool_error)
    }

    async fn staff(&self, service: Option<ServiceId>) -> Result<Vec<StaffInfo>, ToolError> {
        let staff = self.crm.staff(service).await.map_err(tool_error)?;
        Ok(staff
            .into_iter()
            .map(|m| StaffInfo {
                id: m.id,
                name: m.name,
                service_ids: m.service_ids,
            })
            .collect())
    }

    async fn hold_slot(&self, service: ServiceId, at: SlotChoice) -> Result<HeldSlot, ToolError> {
        let hold = self
            .crm
            .hold_slot(&HoldRequest {
                service_id: service,
                staff_id: at.staff,
                start: at.start,
                conversation_id: Some(self.conversation.id),
                customer_id: Some(self.conversation.customer),
                ttl_ms: self.hold_ttl_ms,
            })
            .await
            .map_err(tool_error)?;
        Ok(HeldSlot {
            slot: Slot {
                start_utc: hold.start,
                end_utc: hold.end,
                staff_id: hold.staff_id,
            },
            expires_at_ms: hold.expires_at,
        })
    }

    async fn release_hold(&self) -> Result<(), ToolError> {
        self.crm
            .release_conversation_holds(self.conversation.id)
            .await
            .map_err(tool_error)
    }

    async fn create_appointment(
        &self,
        service: ServiceId,
        at: SlotChoice,
        notes: &str,
    ) -> Result<AppointmentInfo, ToolError> {
        let key = self.key(&format!("book:{service}:{}", at.start.timestamp_millis()));
        let appt = self
            .crm
            .create_appointment(&BookingRequest {
                customer_id: self.conversation.customer,
                service_id: service,
                staff_id: at.staff,
                start: at.start,
                source: switchboard_crm::AppointmentSource::Agent,
                channel_id: self.conversation.channel_id.parse().ok(),
                conversation_id: Some(self.conversation.id),
                notes: notes.to_string(),
                hold_id: None,
                idempotency_key: Some(key),
            })
            .await
            .map_err(tool_error)?;
        Ok(self.info(&appt))
    }

    async fn cancel_appointment(&self, id: AppointmentId) -> Result<(), ToolError> {
        self.own(id).await?;
        self.crm
            .cancel_appointment(id)
            .await
            .map(|_| ())
            .map_err(tool_error)
    }

    async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        at: SlotChoice,
    ) -> Result<AppointmentInfo, ToolError> {
        let current = self.own(id).await?;
        if current.start == at.start && at.staff.is_none_or(|s| s == current.staff_id) {
            return Ok(self.info(&current));
        }
        let appt = self
            .crm
            .reschedule_appointment(id, at.start, at.staff, Some(self.conversation.id))
            .await
            .map_err(tool_error)?;
        Ok(self.info(&appt))
    }

    async fn appointment(&self, id: AppointmentId) -> Result<AppointmentInfo, ToolError> {
        Ok(self.info(&self.own(id).await?))
    }

    async fn list_appointments(&self) -> Result<Vec<AppointmentInfo>, ToolError> {
        let list = self
            .crm
            .upcoming_appointments(self.conversation.customer)
            .await
            .map_err(tool_error)?;
        Ok(list.iter().map(|a| self.info(a)).collect())
    }

    /// The built-in calendar has nothing to record: the turn reports the handover to its
    /// caller, which pauses the bot.
    async fn handover(&self, _reason: &str) -> Result<(), ToolError> {
        Ok(())
    }
}
