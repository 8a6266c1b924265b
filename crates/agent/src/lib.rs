//! The AI front desk: an OpenAI-compatible chat client ([`llm`]), the tool set offered to the
//! model ([`tools`]), the system prompt ([`prompt`]), and the built-in rule-based agent
//! ([`rules`]) that serves the same booking flows with no model at all.
//!
//! Nothing here touches the database or HTTP routing: the server passes a [`BusinessContext`]
//! in and implements [`BookingTools`] over the real calendar.
#![forbid(unsafe_code)]

pub mod booking;
pub mod context;
pub mod hours;
pub mod llm;
pub mod prompt;
pub mod rules;
pub mod tools;

pub use booking::{AgentAction, BookingTools, ToolError};
pub use context::{AppointmentInfo, BusinessContext, CustomerProfile, ServiceInfo, StaffInfo};
pub use hours::OpeningHours;
