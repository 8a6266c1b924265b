//! The AI front desk: an OpenAI-compatible chat client ([`llm`]), the tool set offered to the
//! model ([`tools`]), the system prompt ([`prompt`]), and the built-in rule-based agent
//! ([`rules`]) that serves the same booking flows with no model at all.
//!
//! [`run_turn`] is one whole turn: the model's tool loop behind the confirmation gate, or the
//! rule-based agent, over the one tool trait [`BookingTools`] — implemented over the CRM
//! adapter by [`CrmTools`]. Nothing here touches the database or HTTP routing: the caller
//! loads the conversation into a [`TurnInput`] and commits the [`TurnOutcome`].
#![forbid(unsafe_code)]

pub mod booking;
pub mod context;
mod crm_tools;
#[cfg(test)]
mod fake;
pub mod hours;
pub mod llm;
pub mod prompt;
pub mod rules;
pub mod settings;
pub mod tools;
pub mod turn;

pub use booking::{AgentAction, BookingTools, HeldSlot, SlotChoice, ToolError};
pub use context::{AppointmentInfo, BusinessContext, CustomerProfile, ServiceInfo, StaffInfo};
pub use crm_tools::{Conversation, CrmTools};
pub use hours::OpeningHours;
pub use settings::{AgentSettings, LlmSettings};
pub use turn::{
    CallOutcome, Engine, RecordedCall, TokenUsage, TurnInput, TurnLimits, TurnOutcome, run_turn,
    run_turn_with,
};
