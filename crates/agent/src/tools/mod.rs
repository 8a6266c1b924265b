//! The tools offered to the model: their OpenAI function schemas, typed arguments parsed from
//! the model's JSON text, and which of them write (and so need the customer's confirmation).

mod args;
mod schema;

pub use args::{
    CancelAppointmentArgs, CreateAppointmentArgs, CreateTaskArgs, FindClientArgs, FreeSlotsArgs,
    HandoverArgs, HoldSlotArgs, ListStaffArgs, RescheduleAppointmentArgs, ToolArgError,
    ToolInvocation, parse_local_or_utc, parse_tool_call,
};
pub use schema::{ToolName, tool_specs};

/// Tools that change the calendar. The orchestrator runs them only when the customer has
/// confirmed the change in their latest message; otherwise it answers the model with
/// [`confirmation_required`] so the model asks first.
pub fn is_writing_tool(name: &str) -> bool {
    ToolName::parse(name).is_some_and(ToolName::is_writing)
}

/// The tool result fed back to the model when it tries to write without confirmation.
pub fn confirmation_required() -> String {
    serde_json::json!({
        "error": "confirmation_required",
        "message": "Ask the customer to confirm this exact change (service, date, time) and call the tool again only after they say yes.",
    })
    .to_string()
}

/// A tool result reporting an error to the model, as JSON text.
pub fn tool_error(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}
