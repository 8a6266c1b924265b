//! One model turn: the tool loop with an iteration cap and a time budget. Tool errors go back
//! to the model as tool results; writing tools pass the confirmation [`Gate`] first.
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_domain::Language;

use super::gate::Gate;
use super::journal::{CallOutcome, Journal};
use crate::booking::BookingTools;
use crate::context::BusinessContext;
use crate::llm::{ChatMessage, ChatModel, ChatRequest, LlmError, ToolChoice};
use crate::tools::{confirmation_required, parse_tool_call, tool_error};

pub use super::model_run::offered_tools;
pub(crate) use super::model_run::{ModelFailure, ModelRun};

pub(crate) struct ModelTurn<'a> {
    pub model: &'a dyn ChatModel,
    pub ctx: &'a BusinessContext,
    pub tools: &'a dyn BookingTools,
    pub journal: &'a Journal,
    pub gate: &'a Gate<'a>,
    pub language: Language,
    pub max_iterations: u32,
    pub budget: Duration,
}

impl ModelTurn<'_> {
    pub async fn run(&self, mut messages: Vec<ChatMessage>) -> Result<ModelRun, ModelFailure> {
        let started = Instant::now();
        let mut out = ModelRun {
            reply: String::new(),
            model: self.model.model_name().to_string(),
            prompt_tokens: 0,
            completion_tokens: 0,
            total_tokens: 0,
            llm_calls: 0,
            wrote: false,
            proposal: None,
        };
        let fail = |run: ModelRun, error: String| ModelFailure { error, run };
        for _ in 0..self.max_iterations.max(1) {
            let left = self.budget.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(fail(out, LlmError::Timeout.to_string()));
            }
            let req =
                ChatRequest::new(messages.clone()).with_tools(offered_tools(), ToolChoice::Auto);
            out.llm_calls += 1;
            let resp = match tokio::time::timeout(left, self.model.chat(&req)).await {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => return Err(fail(out, e.to_string())),
                Err(_) => return Err(fail(out, LlmError::Timeout.to_string())),
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
                    return Err(fail(out, "the model answered with nothing".into()));
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
        let error = format!(
            "the tool loop did not finish within {} model calls",
            self.max_iterations
        );
        Err(fail(out, error))
    }

    /// Runs one tool call and returns the JSON text fed back to the model.
    async fn execute(&self, name: &str, arguments: &str, out: &mut ModelRun) -> String {
        let args: Value =
            serde_json::from_str(arguments).unwrap_or(Value::String(arguments.into()));
        let inv = match parse_tool_call(name, arguments) {
            Ok(inv) => inv,
            Err(e) => {
                let text = e.to_tool_result();
                self.journal
                    .record(name, args, parse_json(&text), CallOutcome::Error);
                return text;
            }
        };
        if inv.is_writing() && !self.gate.allows(&inv, out.wrote) {
            // Not confirmed (or not what was confirmed): refused, and remembered as the
            // proposal the customer's next yes may approve.
            if out.proposal.is_none() {
                out.proposal = self.gate.propose(&inv, self.tools).await;
            }
            let text = confirmation_required();
            self.journal
                .record(name, args, parse_json(&text), CallOutcome::Refused);
            return text;
        }
        match self.dispatch(&inv, out).await {
            Ok(value) => {
                let text = value.to_string();
                self.journal.record(name, args, value, CallOutcome::Ok);
                text
            }
            Err(msg) => {
                self.journal
                    .record(name, args, json!({"error": msg}), CallOutcome::Error);
                tool_error(&msg)
            }
        }
    }
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))
}
