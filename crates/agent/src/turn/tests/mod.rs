//! Tests of the whole turn with in-memory tools (the fake calendar) and a scripted model.
mod gate;

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde_json::json;
use switchboard_domain::calendar::{OpenInterval, Slot, WeeklyHours};
use switchboard_domain::{Language, ServiceId};

use super::{TurnInput, TurnLimits, TurnOutcome, run_turn_with};
use crate::context::{BusinessContext, ServiceInfo};
use crate::fake::FakeCalendar;
use crate::llm::{ChatModel, ChatRequest, ChatResponse, LlmError, ToolCall};
use crate::rules::{PendingAction, Question, RuleState, Stage};

const TZ: Tz = chrono_tz::Europe::London;

/// A model that answers from a script, one entry per call.
struct Scripted {
    answers: Mutex<VecDeque<Result<ChatResponse, LlmError>>>,
}

impl Scripted {
    fn new(answers: Vec<Result<ChatResponse, LlmError>>) -> Self {
        Self {
            answers: Mutex::new(answers.into()),
        }
    }
}

#[async_trait]
impl ChatModel for Scripted {
    fn model_name(&self) -> &str {
        "scripted"
    }

    async fn chat(&self, _req: &ChatRequest) -> Result<ChatResponse, LlmError> {
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Err(LlmError::Decode("the script ran out".into())))
    }
}

/// The model calls these tools (name, JSON arguments).
fn calls(list: &[(&str, serde_json::Value)]) -> Result<ChatResponse, LlmError> {
    Ok(ChatResponse {
        tool_calls: list
            .iter()
            .enumerate()
            .map(|(i, (name, args))| ToolCall {
                id: format!("call_{i}"),
                name: (*name).to_string(),
                arguments: args.to_string(),
            })
            .collect(),
        ..ChatResponse::default()
    })
}

/// The model answers the customer with `text`.
fn says(text: &str) -> Result<ChatResponse, LlmError> {
    Ok(ChatResponse {
        content: Some(text.to_string()),
        ..ChatResponse::default()
    })
}

/// A salon open 9 to 18 on weekdays, on Tuesday 2026-05-12 at 10:00, with one service.
struct Salon {
    ctx: BusinessContext,
    cal: FakeCalendar,
    haircut: ServiceId,
}

impl Salon {
    fn new() -> Self {
        let now = TZ
            .with_ymd_and_hms(2026, 5, 12, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let haircut = ServiceInfo {
            id: ServiceId::new(),
            names: HashMap::from([(Language::En, "Haircut".into())]),
            duration_min: 45,
            price_minor: 3000,
            currency: "GBP".into(),
            aliases: Vec::new(),
        };
        let days = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        let hours = WeeklyHours::on(&days, &[OpenInterval::parse("09:00", "18:00").unwrap()]);
        let cal = FakeCalendar::new(TZ, now, hours, vec![haircut.clone()]);
        let ctx = BusinessContext {
            services: vec![haircut.clone()],
            ..BusinessContext::new("Studio Bella", TZ, now)
        };
        Self {
            ctx,
            cal,
            haircut: haircut.id,
        }
    }

    /// Wednesday's slot at `h`:00 local, with the calendar's first staff member.
    fn slot(&self, h: u32) -> Slot {
        let start = TZ
            .with_ymd_and_hms(2026, 5, 13, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        Slot {
            start_utc: start,
            end_utc: start + chrono::Duration::minutes(45),
            staff_id: self.cal.first_staff(),
        }
    }

    /// The state after a turn that proposed booking `slot` and asked for a yes.
    fn proposed(&self, slot: Slot) -> RuleState {
        RuleState {
            language: Some(Language::En),
            stage: Stage::Confirming,
            service_id: Some(self.haircut),
            chosen: Some(slot),
            question: Some(Question::Confirm),
            pending: Some(PendingAction::Create {
                service_id: self.haircut,
                slot,
            }),
            ..RuleState::default()
        }
    }

    /// The model's `create_appointment` call for Wednesday at `h`:00.
    fn book_call(&self, h: u32) -> (&'static str, serde_json::Value) {
        (
            "create_appointment",
            json!({"service_id": self.haircut, "start": format!("2026-05-13T{h:02}:00")}),
        )
    }

    /// One turn: the customer says `text` in `state`, the model follows `script`.
    async fn turn(
        &self,
        state: &RuleState,
        text: &str,
        script: Vec<Result<ChatResponse, LlmError>>,
    ) -> TurnOutcome {
        let model = Scripted::new(script);
        let input = TurnInput {
            text,
            state,
            ctx: &self.ctx,
            history: &[],
            limits: TurnLimits {
                history_messages: 20,
                max_tool_iterations: 6,
                budget: Duration::from_secs(10),
            },
        };
        run_turn_with(input, &self.cal, Some(&model)).await
    }
}

fn outcomes(turn: &TurnOutcome) -> Vec<(String, &'static str)> {
    turn.tool_calls
        .iter()
        .map(|c| (c.name.clone(), c.outcome.as_str()))
        .collect()
}
