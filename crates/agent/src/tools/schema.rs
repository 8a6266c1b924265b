//! OpenAI function definitions (JSON schema of each tool's arguments).
use serde_json::{Value, json};

use crate::llm::ToolSpec;

/// Every tool the agent knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ToolName {
    BusinessContext,
    ListServices,
    ListStaff,
    FreeSlots,
    HoldSlot,
    FindClient,
    CreateAppointment,
    CancelAppointment,
    RescheduleAppointment,
    ListAppointments,
    GetBalance,
    CreateTask,
    Handover,
}

impl ToolName {
    pub const ALL: [ToolName; 13] = [
        ToolName::BusinessContext,
        ToolName::ListServices,
        ToolName::ListStaff,
        ToolName::FreeSlots,
        ToolName::HoldSlot,
        ToolName::FindClient,
        ToolName::CreateAppointment,
        ToolName::CancelAppointment,
        ToolName::RescheduleAppointment,
        ToolName::ListAppointments,
        ToolName::GetBalance,
        ToolName::CreateTask,
        ToolName::Handover,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ToolName::BusinessContext => "business_context",
            ToolName::ListServices => "list_services",
            ToolName::ListStaff => "list_staff",
            ToolName::FreeSlots => "free_slots",
            ToolName::HoldSlot => "hold_slot",
            ToolName::FindClient => "find_client",
            ToolName::CreateAppointment => "create_appointment",
            ToolName::CancelAppointment => "cancel_appointment",
            ToolName::RescheduleAppointment => "reschedule_appointment",
            ToolName::ListAppointments => "list_appointments",
            ToolName::GetBalance => "get_balance",
            ToolName::CreateTask => "create_task",
            ToolName::Handover => "handover",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name.trim())
    }

    /// Changes the calendar: needs the customer's explicit yes first.
    pub fn is_writing(self) -> bool {
        matches!(
            self,
            ToolName::CreateAppointment
                | ToolName::CancelAppointment
                | ToolName::RescheduleAppointment
        )
    }

    fn description(self) -> &'static str {
        match self {
            ToolName::BusinessContext => {
                "The business's name, address, opening hours, time zone and the current local date and time."
            }
            ToolName::ListServices => "All services with their ids, durations and prices.",
            ToolName::ListStaff => "Staff members (optionally only those who provide a service).",
            ToolName::FreeSlots => {
                "Free appointment times for a service on a local date or date range. Call before proposing any time; never invent times."
            }
            ToolName::HoldSlot => {
                "Reserve a free slot for a few minutes while the customer confirms. Does not book."
            }
            ToolName::FindClient => "Look up the customer's profile in the CRM by phone or name.",
            ToolName::CreateAppointment => {
                "Book an appointment. Only after the customer explicitly confirmed this service, date and time in their last message."
            }
            ToolName::CancelAppointment => {
                "Cancel one of the customer's appointments. Only after the customer explicitly confirmed the cancellation in their last message."
            }
            ToolName::RescheduleAppointment => {
                "Move one of the customer's appointments to a new time. Only after the customer explicitly confirmed the new time in their last message."
            }
            ToolName::ListAppointments => "The customer's upcoming appointments with their ids.",
            ToolName::GetBalance => "The customer's prepaid balance.",
            ToolName::CreateTask => {
                "Create a task for the staff (a callback, a question you cannot answer)."
            }
            ToolName::Handover => {
                "Hand the conversation to a human colleague (the customer asked for a person, is upset, or you cannot help)."
            }
        }
    }

    fn parameters(self) -> Value {
        let start = json!({"type": "string", "description": "Local start time in the business time zone, YYYY-MM-DDTHH:MM (an RFC 3339 time with offset is also accepted)."});
        let service_id = json!({"type": "string", "description": "Service id from list_services."});
        let staff_id = json!({"type": "string", "description": "Staff id, if the customer wants someone in particular."});
        let appointment_id =
            json!({"type": "string", "description": "Appointment id from list_appointments."});
        match self {
            ToolName::BusinessContext
            | ToolName::ListServices
            | ToolName::ListAppointments
            | ToolName::GetBalance => object(json!({}), &[]),
            ToolName::ListStaff => object(json!({"service_id": service_id}), &[]),
            ToolName::FreeSlots => object(
                json!({
                    "service_id": service_id,
                    "date": {"type": "string", "description": "Local date YYYY-MM-DD."},
                    "date_to": {"type": "string", "description": "Last local date YYYY-MM-DD of a range (optional; default: same as date)."},
                    "staff_id": staff_id,
                    "part_of_day": {"type": "string", "enum": ["morning", "afternoon", "evening"]},
                }),
                &["service_id", "date"],
            ),
            ToolName::HoldSlot => object(
                json!({"service_id": service_id, "start": start, "staff_id": staff_id}),
                &["service_id", "start"],
            ),
            ToolName::FindClient => object(
                json!({
                    "phone": {"type": "string", "description": "Phone number in E.164 form."},
                    "name": {"type": "string"},
                }),
                &[],
            ),
            ToolName::CreateAppointment => object(
                json!({
                    "service_id": service_id,
                    "start": start,
                    "staff_id": staff_id,
                    "client_name": {"type": "string", "description": "The customer's name if they gave it."},
                    "notes": {"type": "string"},
                }),
                &["service_id", "start"],
            ),
            ToolName::CancelAppointment => object(
                json!({"appointment_id": appointment_id, "reason": {"type": "string"}}),
                &["appointment_id"],
            ),
            ToolName::RescheduleAppointment => object(
                json!({"appointment_id": appointment_id, "new_start": start, "staff_id": staff_id}),
                &["appointment_id", "new_start"],
            ),
            ToolName::CreateTask => object(
                json!({
                    "title": {"type": "string"},
                    "details": {"type": "string"},
                    "due": {"type": "string", "description": "Local due time YYYY-MM-DDTHH:MM (optional)."},
                }),
                &["title"],
            ),
            ToolName::Handover => object(
                json!({"reason": {"type": "string", "description": "Why a human is needed, for the colleague."}}),
                &["reason"],
            ),
        }
    }

    pub fn spec(self) -> ToolSpec {
        ToolSpec {
            name: self.as_str().to_string(),
            description: self.description().to_string(),
            parameters: self.parameters(),
        }
    }
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The function definitions of every tool, in a stable order.
pub fn tool_specs() -> Vec<ToolSpec> {
    ToolName::ALL.into_iter().map(ToolName::spec).collect()
}
