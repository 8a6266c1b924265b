//! One model turn: the tool loop with an iteration cap and a time budget. Tool errors go back
//! to the model as tool results; writing tools run only when the orchestrator saw the
//! customer's explicit confirmation, and at most one write per turn.
use std::time::{Duration, Instant};

use chrono::{Datelike, Duration as ChronoDuration, NaiveTime};
use serde_json::{Value, json};
use switchboard_agent::rules::PendingAction;
use switchboard_agent::{
    BusinessContext,
    llm::{ChatMessage, ChatRequest, LlmClient, LlmError, ToolChoice, ToolSpec},
    rules::format_money,
    tools::{
        ToolArgError, ToolInvocation, ToolName, confirmation_required, parse_tool_call, tool_error,
        tool_specs,
    },
};
use switchboard_domain::{
    Language,
    calendar::{self, Slot, local_day_bounds},
};

use super::tools::ConversationTools;

/// What a model turn produced.
pub struct LlmOutcome {
    pub reply: String,
    pub model: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub total_tokens: i64,
    pub llm_calls: i64,
    /// A write succeeded (the dialogue reached COMPLETED).
    pub wrote: bool,
    /// The change proposed to the customer in this turn (a held slot, or a write refused for
    /// want of a yes): the only write the next turn may make, after a yes.
    pub proposal: Option<PendingAction>,
}

/// Why the model's turn was abandoned, with the usage spent before it was.
pub struct LlmFailure {
    pub error: String,
    /// A write had already succeeded when the turn failed.
    pub wrote: bool,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub total_tokens: i64,
    pub llm_calls: i64,
}

/// The tools offered: everything the server can serve today (tasks and balances arrive with
/// the CRM and billing work; until then the model is not offered them).
pub fn offered_tools() -> Vec<ToolSpec> {
    tool_specs()
        .into_iter()
        .filter(|t| {
            t.name != ToolName::CreateTask.as_str() && t.name != ToolName::GetBalance.as_str()
        })
        .collect()
}

pub struct LlmTurn<'a> {
    pub client: &'a LlmClient,
    pub ctx: &'a BusinessContext,
    pub tools: &'a ConversationTools,
    pub language: Language,
    /// The customer's latest message is an explicit yes.
    pub confirmed: bool,
    /// The change proposed in the previous turn: with a yes, the one write allowed now.
    pub proposal: Option<&'a PendingAction>,
    pub max_iterations: u32,
    pub budget: Duration,
}

impl LlmTurn<'_> {
    pub async fn run(&self, mut messages: Vec<ChatMessage>) -> Result<LlmOutcome, LlmFailure> {
        let started = Instant::now();
        let mut out = LlmOutcome {
            reply: String::new(),
            model: self.client.config().model.clone(),
            prompt_tokens: 0,
            completion_tokens: 0,
            total_tokens: 0,
            llm_calls: 0,
            wrote: false,
            proposal: None,
        };
        let fail = |out: &LlmOutcome, error: String| LlmFailure {
            error,
            wrote: out.wrote,
            prompt_tokens: out.prompt_tokens,
            completion_tokens: out.completion_tokens,
            total_tokens: out.total_tokens,
            llm_calls: out.llm_calls,
        };
        for _ in 0..self.max_iterations.max(1) {
            let left = self.budget.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(fail(&out, LlmError::Timeout.to_string()));
            }
            let req =
                ChatRequest::new(messages.clone()).with_tools(offered_tools(), ToolChoice::Auto);
            out.llm_calls += 1;
            let resp = match tokio::time::timeout(left, self.client.chat(&req)).await {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => return Err(fail(&out, e.to_string())),
                Err(_) => return Err(fail(&out, LlmError::Timeout.to_string())),
            };
            if let Some(u) = &resp.usage {
                out.prompt_tokens += i64::try_from(u.prompt_tokens).unwrap_or(i64::MAX);
                out.completion_tokens += i64::try_from(u.completion_tokens).unwrap_or(i64::MAX);
                out.total_tokens += i64::try_from(u.total_tokens).unwrap_or(i64::MAX);
            }
            if let Some(m) = &resp.model {
                out.model = m.clone();
            }
            if resp.tool_calls.is_empty() {
                let reply = resp.content.unwrap_or_default().trim().to_string();
                if reply.is_empty() {
                    return Err(fail(&out, "the model answered with nothing".into()));
                }
                out.reply = reply;
                return Ok(out);
            }
            messages.push(resp.to_message());
            for call in &resp.tool_calls {
                let result = self.execute(&call.name, &call.arguments, &mut out).await;
                messages.push(ChatMessage::tool(call.id.clone(), result));
            }
        }
        Err(fail(
            &out,
            format!(
                "the tool loop did not finish within {} model calls",
                self.max_iterations
            ),
        ))
    }

    /// Runs one tool call and returns the JSON text fed back to the model.
    async fn execute(&self, name: &str, arguments: &str, out: &mut LlmOutcome) -> String {
        let args: Value =
            serde_json::from_str(arguments).unwrap_or(Value::String(arguments.into()));
        let inv = match parse_tool_call(name, arguments) {
            Ok(inv) => inv,
            Err(e) => {
                let text = e.to_tool_result();
                self.tools.record(name, args, &parse_json(&text), "error");
                return text;
            }
        };
        if inv.is_writing() {
            let allowed = self.confirmed
                && !out.wrote
                && self.proposal.is_some_and(|p| self.matches(&inv, p));
            if !allowed {
                // Not confirmed (or not what was confirmed): refused, and remembered as the
                // proposal the customer's next yes may approve.
                if out.proposal.is_none() {
                    out.proposal = self.propose(&inv).await;
                }
                let text = confirmation_required();
                self.tools.record(name, args, &parse_json(&text), "refused");
                return text;
            }
        }
        let result = self.dispatch(&inv, out).await;
        let (value, outcome) = match result {
            Ok(v) => (v, "ok"),
            Err(msg) => (json!({"error": msg}), "error"),
        };
        self.tools.record(name, args, &value, outcome);
        if outcome == "error" {
            return tool_error(value["error"].as_str().unwrap_or("failed"));
        }
        value.to_string()
    }

    /// Whether a write is exactly the change proposed before.
    fn matches(&self, inv: &ToolInvocation, p: &PendingAction) -> bool {
        let tz = self.ctx.timezone;
        match (inv, p) {
            (ToolInvocation::CreateAppointment(a), PendingAction::Create { service_id, slot }) => {
                a.service_id == *service_id
                    && a.start_utc(tz).is_ok_and(|t| t == slot.start_utc)
                    && a.staff_id.is_none_or(|s| s == slot.staff_id)
            }
            (
                ToolInvocation::CancelAppointment(a),
                PendingAction::Cancel { appointment_id, .. },
            ) => a.appointment_id == *appointment_id,
            (
                ToolInvocation::RescheduleAppointment(a),
                PendingAction::Reschedule {
                    appointment_id,
                    slot,
                    ..
                },
            ) => {
                a.appointment_id == *appointment_id
                    && a.new_start_utc(tz).is_ok_and(|t| t == slot.start_utc)
                    && a.staff_id.is_none_or(|s| s == slot.staff_id)
            }
            _ => false,
        }
    }

    /// The proposal a refused write stands for, when it names a real, free change.
    async fn propose(&self, inv: &ToolInvocation) -> Option<PendingAction> {
        let tz = self.ctx.timezone;
        let free = |service, staff, start: chrono::DateTime<chrono::Utc>| async move {
            self.tools
                .search(service, staff, start, start + ChronoDuration::minutes(1))
                .await
                .ok()?
                .into_iter()
                .find(|s| s.start_utc == start)
        };
        match inv {
            ToolInvocation::CreateAppointment(a) => {
                let start = a.start_utc(tz).ok()?;
                let slot = free(a.service_id, a.staff_id, start).await?;
                Some(PendingAction::Create {
                    service_id: a.service_id,
                    slot,
                })
            }
            ToolInvocation::CancelAppointment(a) => {
                let appt = self.tools.own_appointment(a.appointment_id).await.ok()?;
                Some(PendingAction::Cancel {
                    appointment_id: appt.id,
                    service_id: appt.service_id,
                    start_utc: appt.start,
                })
            }
            ToolInvocation::RescheduleAppointment(a) => {
                let appt = self.tools.own_appointment(a.appointment_id).await.ok()?;
                let start = a.new_start_utc(tz).ok()?;
                let slot = free(appt.service_id, a.staff_id, start).await?;
                Some(PendingAction::Reschedule {
                    appointment_id: appt.id,
                    service_id: appt.service_id,
                    from_utc: appt.start,
                    slot,
                })
            }
            _ => None,
        }
    }

    async fn dispatch(&self, inv: &ToolInvocation, out: &mut LlmOutcome) -> Result<Value, String> {
        let ctx = self.ctx;
        let tz = ctx.timezone;
        let lang = self.language;
        let local = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
        };
        let bad = |e: ToolArgError| e.to_string();
        match inv {
            ToolInvocation::BusinessContext => Ok(json!({
                "name": ctx.name,
                "address": ctx.address,
                "phone": ctx.phone,
                "opening_hours": ctx.hours_for(lang),
                "time_zone": tz.name(),
                "now_local": local(ctx.now),
                "weekday": ctx.local_now().format("%A").to_string(),
            })),
            ToolInvocation::ListServices => {
                Ok(json!({"services": ctx.services.iter().map(|s| json!({
                "id": s.id,
                "name": s.name(lang),
                "duration_min": s.duration_min,
                "price": format_money(s.price_minor, &s.currency, lang),
            })).collect::<Vec<_>>()}))
            }
            ToolInvocation::ListStaff(a) => {
                let staff = self
                    .tools
                    .crm
                    .staff(a.service_id)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(
                    json!({"staff": staff.iter().map(|m| json!({"id": m.id, "name": m.name})).collect::<Vec<_>>()}),
                )
            }
            ToolInvocation::FreeSlots(a) => {
                if ctx.service(a.service_id).is_none() {
                    return Err("unknown service_id; call list_services".into());
                }
                if !calendar::YEARS.contains(&a.date.year()) {
                    return Err("date is outside the calendar".into());
                }
                let last = a.date_to.unwrap_or(a.date).max(a.date);
                let last = a
                    .date
                    .checked_add_signed(ChronoDuration::days(31))
                    .map_or(last, |cap| last.min(cap));
                let (from, _) = local_day_bounds(tz, a.date).ok_or("bad date")?;
                let (_, to) = local_day_bounds(tz, last).ok_or("bad date")?;
                let slots = self
                    .tools
                    .search(a.service_id, a.staff_id, from, to)
                    .await
                    .map_err(|e| e.to_string())?;
                let slots: Vec<Value> = slots
                    .iter()
                    .filter(|s| {
                        a.part_of_day.is_none_or(|p| {
                            let t: NaiveTime = s.start_utc.with_timezone(&tz).time();
                            p.contains(t)
                        })
                    })
                    .take(12)
                    .map(|s| {
                        json!({
                            "start": local(s.start_utc),
                            "staff_id": s.staff_id,
                            "staff": self.tools.staff_names.get(&s.staff_id),
                        })
                    })
                    .collect();
                Ok(json!({"slots": slots}))
            }
            ToolInvocation::HoldSlot(a) => {
                let start = a.start_utc(tz).map_err(bad)?;
                let hold = self
                    .tools
                    .hold(a.service_id, a.staff_id, start)
                    .await
                    .map_err(|e| e.to_string())?;
                out.proposal = Some(PendingAction::Create {
                    service_id: a.service_id,
                    slot: Slot {
                        start_utc: hold.start,
                        end_utc: hold.end,
                        staff_id: hold.staff_id,
                    },
                });
                Ok(
                    json!({"held": true, "start": local(hold.start), "staff_id": hold.staff_id, "held_until_ms": hold.expires_at}),
                )
            }
            ToolInvocation::FindClient(_) => {
                let c = ctx.customer.clone().unwrap_or_default();
                Ok(json!({"name": c.name, "phone": c.phone, "tags": c.tags}))
            }
            ToolInvocation::CreateAppointment(a) => {
                let start = a.start_utc(tz).map_err(bad)?;
                // The staff member of the approved proposal (the held one).
                let staff = match self.proposal {
                    Some(PendingAction::Create { slot, .. }) => Some(slot.staff_id),
                    _ => a.staff_id,
                };
                let appt = self
                    .tools
                    .book(
                        a.service_id,
                        staff,
                        start,
                        a.notes.as_deref().unwrap_or_default(),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                out.wrote = true;
                Ok(
                    json!({"booked": true, "appointment_id": appt.id, "start": local(appt.start), "staff_id": appt.staff_id}),
                )
            }
            ToolInvocation::CancelAppointment(a) => {
                self.tools
                    .cancel(a.appointment_id)
                    .await
                    .map_err(|e| e.to_string())?;
                out.wrote = true;
                Ok(json!({"cancelled": true, "appointment_id": a.appointment_id}))
            }
            ToolInvocation::RescheduleAppointment(a) => {
                let start = a.new_start_utc(tz).map_err(bad)?;
                let appt = self
                    .tools
                    .reschedule(a.appointment_id, start, a.staff_id)
                    .await
                    .map_err(|e| e.to_string())?;
                out.wrote = true;
                Ok(
                    json!({"rescheduled": true, "appointment_id": appt.id, "start": local(appt.start)}),
                )
            }
            ToolInvocation::ListAppointments => {
                let list = self.tools.upcoming().await.map_err(|e| e.to_string())?;
                Ok(json!({"appointments": list.iter().map(|a| json!({
                    "id": a.id,
                    "service_id": a.service_id,
                    "service": ctx.service(a.service_id).map(|s| s.name(lang)),
                    "start": local(a.start),
                    "staff": self.tools.staff_names.get(&a.staff_id),
                })).collect::<Vec<_>>()}))
            }
            ToolInvocation::GetBalance | ToolInvocation::CreateTask(_) => {
                Err("this tool is not available for this business".into())
            }
            ToolInvocation::Handover(a) => {
                self.tools.ask_handover(&a.reason);
                Ok(json!({"handed_over": true}))
            }
        }
    }
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))
}
