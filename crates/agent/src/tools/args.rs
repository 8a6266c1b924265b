//! Typed arguments of each tool, parsed from the JSON text the model wrote. Bad JSON or
//! missing fields become an error string for the model to correct, never a panic.
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use switchboard_domain::calendar::resolve_start;
use switchboard_domain::{AppointmentId, ServiceId, StaffId};

use super::schema::ToolName;
use crate::rules::DayPart;

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ListStaffArgs {
    #[serde(default)]
    pub service_id: Option<ServiceId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FreeSlotsArgs {
    pub service_id: ServiceId,
    /// Local date in the business time zone.
    pub date: NaiveDate,
    #[serde(default)]
    pub date_to: Option<NaiveDate>,
    #[serde(default)]
    pub staff_id: Option<StaffId>,
    #[serde(default)]
    pub part_of_day: Option<DayPart>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct HoldSlotArgs {
    pub service_id: ServiceId,
    /// Local `YYYY-MM-DDTHH:MM` or RFC 3339; see [`parse_local_or_utc`].
    pub start: String,
    #[serde(default)]
    pub staff_id: Option<StaffId>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct FindClientArgs {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CreateAppointmentArgs {
    pub service_id: ServiceId,
    pub start: String,
    #[serde(default)]
    pub staff_id: Option<StaffId>,
    #[serde(default)]
    pub client_name: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CancelAppointmentArgs {
    pub appointment_id: AppointmentId,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RescheduleAppointmentArgs {
    pub appointment_id: AppointmentId,
    pub new_start: String,
    #[serde(default)]
    pub staff_id: Option<StaffId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CreateTaskArgs {
    pub title: String,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct HandoverArgs {
    pub reason: String,
}

/// A tool call the model made, with its arguments parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolInvocation {
    BusinessContext,
    ListServices,
    ListStaff(ListStaffArgs),
    FreeSlots(FreeSlotsArgs),
    HoldSlot(HoldSlotArgs),
    FindClient(FindClientArgs),
    CreateAppointment(CreateAppointmentArgs),
    CancelAppointment(CancelAppointmentArgs),
    RescheduleAppointment(RescheduleAppointmentArgs),
    ListAppointments,
    GetBalance,
    CreateTask(CreateTaskArgs),
    Handover(HandoverArgs),
}

impl ToolInvocation {
    pub fn name(&self) -> ToolName {
        match self {
            ToolInvocation::BusinessContext => ToolName::BusinessContext,
            ToolInvocation::ListServices => ToolName::ListServices,
            ToolInvocation::ListStaff(_) => ToolName::ListStaff,
            ToolInvocation::FreeSlots(_) => ToolName::FreeSlots,
            ToolInvocation::HoldSlot(_) => ToolName::HoldSlot,
            ToolInvocation::FindClient(_) => ToolName::FindClient,
            ToolInvocation::CreateAppointment(_) => ToolName::CreateAppointment,
            ToolInvocation::CancelAppointment(_) => ToolName::CancelAppointment,
            ToolInvocation::RescheduleAppointment(_) => ToolName::RescheduleAppointment,
            ToolInvocation::ListAppointments => ToolName::ListAppointments,
            ToolInvocation::GetBalance => ToolName::GetBalance,
            ToolInvocation::CreateTask(_) => ToolName::CreateTask,
            ToolInvocation::Handover(_) => ToolName::Handover,
        }
    }

    pub fn is_writing(&self) -> bool {
        self.name().is_writing()
    }
}

/// Why a tool call could not be understood; its text goes back to the model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ToolArgError {
    #[error("unknown tool {0:?}")]
    UnknownTool(String),
    #[error("invalid arguments for {tool}: {message}")]
    InvalidArguments { tool: String, message: String },
    #[error("invalid time {0:?}: use local time YYYY-MM-DDTHH:MM")]
    BadTime(String),
    #[error("{0} does not exist in the business time zone (the clocks jump forward then)")]
    NonexistentTime(String),
}

impl ToolArgError {
    /// The JSON tool result that tells the model what to fix.
    pub fn to_tool_result(&self) -> String {
        super::tool_error(&self.to_string())
    }
}

fn args<T: DeserializeOwned>(tool: ToolName, text: &str) -> Result<T, ToolArgError> {
    // Some models send "" for a call without arguments.
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_json::from_str(text).map_err(|e| ToolArgError::InvalidArguments {
        tool: tool.as_str().to_string(),
        message: e.to_string(),
    })
}

/// Parses one tool call of the model.
pub fn parse_tool_call(name: &str, arguments: &str) -> Result<ToolInvocation, ToolArgError> {
    let tool = ToolName::parse(name).ok_or_else(|| ToolArgError::UnknownTool(name.to_string()))?;
    // Tools without arguments still reject garbage, so the model learns to send `{}`.
    let none = || args::<serde_json::Map<String, serde_json::Value>>(tool, arguments).map(|_| ());
    Ok(match tool {
        ToolName::BusinessContext => none().map(|()| ToolInvocation::BusinessContext)?,
        ToolName::ListServices => none().map(|()| ToolInvocation::ListServices)?,
        ToolName::ListAppointments => none().map(|()| ToolInvocation::ListAppointments)?,
        ToolName::GetBalance => none().map(|()| ToolInvocation::GetBalance)?,
        ToolName::ListStaff => ToolInvocation::ListStaff(args(tool, arguments)?),
        ToolName::FreeSlots => ToolInvocation::FreeSlots(args(tool, arguments)?),
        ToolName::HoldSlot => ToolInvocation::HoldSlot(args(tool, arguments)?),
        ToolName::FindClient => ToolInvocation::FindClient(args(tool, arguments)?),
        ToolName::CreateAppointment => ToolInvocation::CreateAppointment(args(tool, arguments)?),
        ToolName::CancelAppointment => ToolInvocation::CancelAppointment(args(tool, arguments)?),
        ToolName::RescheduleAppointment => {
            ToolInvocation::RescheduleAppointment(args(tool, arguments)?)
        }
        ToolName::CreateTask => ToolInvocation::CreateTask(args(tool, arguments)?),
        ToolName::Handover => ToolInvocation::Handover(args(tool, arguments)?),
    })
}

/// A time as the model writes it: local wall time in the business zone (`2026-05-12T15:00`,
/// seconds optional, space instead of `T` accepted) or RFC 3339 with an offset. An ambiguous
/// local time (clocks falling back) means the earlier instant.
pub fn parse_local_or_utc(text: &str, tz: Tz) -> Result<DateTime<Utc>, ToolArgError> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ];
    let local = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .ok_or_else(|| ToolArgError::BadTime(text.to_string()))?;
    resolve_start(tz, local).ok_or_else(|| ToolArgError::NonexistentTime(text.to_string()))
}

impl HoldSlotArgs {
    pub fn start_utc(&self, tz: Tz) -> Result<DateTime<Utc>, ToolArgError> {
        parse_local_or_utc(&self.start, tz)
    }
}

impl CreateAppointmentArgs {
    pub fn start_utc(&self, tz: Tz) -> Result<DateTime<Utc>, ToolArgError> {
        parse_local_or_utc(&self.start, tz)
    }
}

impl RescheduleAppointmentArgs {
    pub fn new_start_utc(&self, tz: Tz) -> Result<DateTime<Utc>, ToolArgError> {
        parse_local_or_utc(&self.new_start, tz)
    }
}

impl CreateTaskArgs {
    pub fn due_utc(&self, tz: Tz) -> Result<Option<DateTime<Utc>>, ToolArgError> {
        self.due
            .as_deref()
            .map(|d| parse_local_or_utc(d, tz))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::{is_writing_tool, tool_specs};

    #[test]
    fn every_tool_has_an_object_schema() {
        let specs = tool_specs();
        assert_eq!(specs.len(), 13);
        for s in &specs {
            assert_eq!(s.parameters["type"], "object", "{}", s.name);
            assert!(!s.description.is_empty());
            for req in s.parameters["required"].as_array().unwrap() {
                let req = req.as_str().unwrap();
                assert!(
                    s.parameters["properties"].get(req).is_some(),
                    "{} requires unknown {req}",
                    s.name
                );
            }
            assert!(ToolName::parse(&s.name).is_some());
        }
    }

    #[test]
    fn only_calendar_changes_are_writing() {
        let writing: Vec<_> = tool_specs()
            .into_iter()
            .filter(|s| is_writing_tool(&s.name))
            .map(|s| s.name)
            .collect();
        assert_eq!(
            writing,
            [
                "create_appointment",
                "cancel_appointment",
                "reschedule_appointment"
            ]
        );
        assert!(!is_writing_tool("hold_slot"));
        assert!(!is_writing_tool("nonsense"));
    }

    #[test]
    fn parses_typed_arguments() {
        let id = ServiceId::new();
        let call = parse_tool_call(
            "free_slots",
            &format!(
                r#"{{"service_id":"{id}","date":"2026-05-12","part_of_day":"morning","extra":1}}"#
            ),
        )
        .unwrap();
        let ToolInvocation::FreeSlots(a) = call else {
            panic!("{call:?}")
        };
        assert_eq!(a.service_id, id);
        assert_eq!(a.part_of_day, Some(DayPart::Morning));
        assert_eq!(
            parse_tool_call("list_services", "").unwrap(),
            ToolInvocation::ListServices
        );
        assert!(
            parse_tool_call(
                "create_appointment",
                &format!(r#"{{"service_id":"{id}","start":"x"}}"#)
            )
            .unwrap()
            .is_writing()
        );
    }

    #[test]
    fn bad_arguments_become_messages_for_the_model() {
        for (name, args) in [
            ("free_slots", "{not json"),
            (
                "free_slots",
                r#"{"service_id":"not-a-uuid","date":"2026-05-12"}"#,
            ),
            ("free_slots", r#"{"date":"2026-05-12"}"#),
            ("handover", "[]"),
            ("list_services", "42"),
            ("teleport", "{}"),
        ] {
            let err = parse_tool_call(name, args).unwrap_err();
            let result: serde_json::Value = serde_json::from_str(&err.to_tool_result()).unwrap();
            assert!(
                result["error"].as_str().unwrap().len() > 5,
                "{name} {args}: {result}"
            );
        }
    }

    #[test]
    fn times_are_local_unless_offset_given() {
        let tz = chrono_tz::America::New_York;
        let t = parse_local_or_utc("2026-05-12T15:00", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-05-12T19:00:00+00:00");
        let t = parse_local_or_utc("2026-05-12T15:00:00Z", tz).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-05-12T15:00:00+00:00");
        assert!(matches!(
            parse_local_or_utc("2026-03-08T02:30", tz),
            Err(ToolArgError::NonexistentTime(_))
        ));
        assert!(matches!(
            parse_local_or_utc("tomorrow", tz),
            Err(ToolArgError::BadTime(_))
        ));
        let fall_back = parse_local_or_utc("2026-11-01 01:30", tz).unwrap();
        assert_eq!(fall_back.to_rfc3339(), "2026-11-01T05:30:00+00:00");
    }
}
