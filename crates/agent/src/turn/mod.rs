//! One whole turn of the agent: the model with its tools behind the confirmation gate, or the
//! built-in rule-based agent (which also answers when the model fails or runs out of time),
//! over the one tool trait [`BookingTools`]. The caller loads the conversation, passes a
//! [`TurnInput`] and the tools, and commits the [`TurnOutcome`].
mod dispatch;
mod gate;
mod journal;
mod model;
mod model_run;
#[cfg(test)]
mod tests;

use std::time::Duration;

use switchboard_domain::Language;

pub use self::journal::{CallOutcome, RecordedCall};
pub use self::model::offered_tools;

use self::gate::Gate;
use self::journal::{Journal, Recorded};
use self::model::{ModelFailure, ModelRun, ModelTurn};
use crate::booking::BookingTools;
use crate::context::BusinessContext;
use crate::llm::{ChatModel, LlmClient, LlmConfig};
use crate::prompt::{HistoryTurn, PromptInput, build_messages, system_prompt};
use crate::rules::{self, PendingAction, Question, RuleState, Stage};
use crate::settings::AgentSettings;

/// Everything a turn needs to know, loaded by the caller.
pub struct TurnInput<'a> {
    /// The customer's messages the turn answers, one per line.
    pub text: &'a str,
    /// The conversation's state after the previous turn.
    pub state: &'a RuleState,
    pub ctx: &'a BusinessContext,
    /// The conversation's recent messages, oldest first (only the model reads them).
    pub history: &'a [HistoryTurn],
    pub limits: TurnLimits,
}

/// How far a model turn may go.
#[derive(Clone, Copy, Debug)]
pub struct TurnLimits {
    /// How many past messages the model sees.
    pub history_messages: usize,
    /// At most this many model calls.
    pub max_tool_iterations: u32,
    /// The model's time budget for the whole turn.
    pub budget: Duration,
}

impl TurnLimits {
    pub fn from_settings(settings: &AgentSettings) -> Self {
        TurnLimits {
            history_messages: settings.history_limit(),
            max_tool_iterations: settings.max_tool_iterations.clamp(1, 20),
            budget: settings.turn_budget(),
        }
    }
}

/// Which engine wrote the reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The rule-based agent, no model configured.
    Rules,
    /// The rule-based agent, because the model failed or is misconfigured.
    RulesFallback,
    Llm,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Rules => "rules",
            Engine::RulesFallback => "rules_fallback",
            Engine::Llm => "llm",
        }
    }
}

/// Tokens the model used during the turn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub prompt: i64,
    pub completion: i64,
    pub total: i64,
}

/// What the turn decided, for the caller to commit.
#[derive(Clone, Debug)]
pub struct TurnOutcome {
    pub reply: String,
    /// The conversation's state for the next turn.
    pub state: RuleState,
    pub engine: Engine,
    pub model: Option<String>,
    pub usage: TokenUsage,
    pub llm_calls: i64,
    /// Why the model's answer was not used (or was cut short).
    pub error: Option<String>,
    /// Every tool call of the turn, in order.
    pub tool_calls: Vec<RecordedCall>,
    /// The reason, when the turn asked a person to take over.
    pub handover: Option<String>,
}

/// Runs one turn: with the model of `llm` when one is configured, else the rule-based agent.
pub async fn run_turn(
    input: TurnInput<'_>,
    tools: &dyn BookingTools,
    llm: Option<&LlmConfig>,
) -> TurnOutcome {
    match llm.map(|config| LlmClient::new(config.clone())) {
        None => run_turn_with(input, tools, None).await,
        Some(Ok(client)) => run_turn_with(input, tools, Some(&client)).await,
        Some(Err(e)) => {
            tracing::error!(error = %e, "model misconfigured; the rule-based agent answers");
            let journal = Journal::default();
            let recorded = Recorded {
                tools,
                journal: &journal,
            };
            let mut answer = rule_answer(&input, &recorded, Engine::RulesFallback).await;
            answer.error = Some(e.to_string());
            finish(&input, answer, &recorded).await
        }
    }
}

/// Runs one turn with `model` (or the rule-based agent when `None`).
pub async fn run_turn_with(
    input: TurnInput<'_>,
    tools: &dyn BookingTools,
    model: Option<&dyn ChatModel>,
) -> TurnOutcome {
    let journal = Journal::default();
    let recorded = Recorded {
        tools,
        journal: &journal,
    };
    let answer = match model {
        Some(model) => with_model(&input, model, tools, &recorded, &journal).await,
        None => rule_answer(&input, &recorded, Engine::Rules).await,
    };
    finish(&input, answer, &recorded).await
}

/// A turn's answer before its tool record is attached.
struct Answer {
    reply: String,
    state: RuleState,
    engine: Engine,
    model: Option<String>,
    usage: TokenUsage,
    llm_calls: i64,
    error: Option<String>,
}

async fn finish(input: &TurnInput<'_>, answer: Answer, recorded: &Recorded<'_>) -> TurnOutcome {
    release_if_dropped(input.state, &answer.state, recorded).await;
    let (tool_calls, handover) = recorded.journal.take();
    TurnOutcome {
        reply: answer.reply,
        state: answer.state,
        engine: answer.engine,
        model: answer.model,
        usage: answer.usage,
        llm_calls: answer.llm_calls,
        error: answer.error,
        tool_calls,
        handover,
    }
}

async fn rule_answer(input: &TurnInput<'_>, tools: &Recorded<'_>, engine: Engine) -> Answer {
    let turn = rules::respond(input.state, input.text, input.ctx, tools).await;
    Answer {
        reply: turn.reply,
        state: turn.state,
        engine,
        model: None,
        usage: TokenUsage::default(),
        llm_calls: 0,
        error: None,
    }
}

fn usage(run: &ModelRun) -> TokenUsage {
    TokenUsage {
        prompt: run.prompt_tokens,
        completion: run.completion_tokens,
        total: run.total_tokens,
    }
}

async fn with_model(
    input: &TurnInput<'_>,
    model: &dyn ChatModel,
    tools: &dyn BookingTools,
    recorded: &Recorded<'_>,
    journal: &Journal,
) -> Answer {
    let (state, text, ctx) = (input.state, input.text, input.ctx);
    let language = Language::detect(text)
        .or(state.language)
        .unwrap_or(ctx.default_language);
    // A write needs a "yes" now to the change proposed in the previous turn.
    let gate = Gate::new(state, text, ctx.timezone);
    let system = system_prompt(&PromptInput {
        ctx,
        language,
        state: Some(state),
    });
    let messages = build_messages(system, input.history, input.limits.history_messages);
    let turn = ModelTurn {
        model,
        ctx,
        tools,
        journal,
        gate: &gate,
        language,
        max_iterations: input.limits.max_tool_iterations,
        budget: input.limits.budget,
    };
    match turn.run(messages).await {
        Ok(run) => Answer {
            reply: run.reply.clone(),
            state: next_state(state, language, &run),
            engine: Engine::Llm,
            model: Some(run.model.clone()),
            usage: usage(&run),
            llm_calls: run.llm_calls,
            error: None,
        },
        Err(ModelFailure { error, run }) if run.wrote => {
            // The change is made; only the model's wording is missing. Say it is done
            // rather than let the rule-based agent answer from the old state.
            tracing::warn!(%error, "the model failed after a confirmed change");
            Answer {
                reply: done_text(language),
                state: RuleState {
                    language: Some(language),
                    stage: Stage::Completed,
                    ..RuleState::default()
                },
                engine: Engine::Llm,
                model: Some(model.model_name().to_string()),
                usage: usage(&run),
                llm_calls: run.llm_calls,
                error: Some(error),
            }
        }
        Err(ModelFailure { error, run }) => {
            tracing::warn!(%error, "the model failed; the rule-based agent answers");
            let mut a = rule_answer(input, recorded, Engine::RulesFallback).await;
            a.error = Some(error);
            a.model = Some(model.model_name().to_string());
            a.usage = usage(&run);
            a.llm_calls = run.llm_calls;
            a
        }
    }
}

/// The state after a model turn that answered.
fn next_state(state: &RuleState, language: Language, run: &ModelRun) -> RuleState {
    let mut next = RuleState {
        language: Some(language),
        stage: if state.stage == Stage::Greeting {
            Stage::Consulting
        } else {
            state.stage
        },
        service_id: state.service_id,
        ..RuleState::default()
    };
    if run.wrote {
        next.stage = Stage::Completed;
        next.service_id = None;
    } else if let Some(p) = run.proposal.clone() {
        // What the customer is asked to confirm, in the form the rule-based agent
        // understands too (it answers the yes if the model fails next turn).
        if let PendingAction::Create { service_id, slot } = &p {
            next.service_id = Some(*service_id);
            next.chosen = Some(*slot);
        }
        next.stage = Stage::Confirming;
        next.question = Some(Question::Confirm);
        next.pending = Some(p);
    } else if next.stage == Stage::Confirming {
        next.stage = Stage::Consulting;
    }
    next
}

/// Said when the model made the confirmed change but failed before wording its answer.
fn done_text(lang: Language) -> String {
    switchboard_i18n::text(lang, "change-done", None)
}

/// Gives the held time back when the turn dropped the proposal it was held for (a no, a new
/// search, another service, a handover), so the next customer finds it free at once rather
/// than when the hold expires. Holds exist only for create and move proposals.
async fn release_if_dropped(before: &RuleState, after: &RuleState, tools: &Recorded<'_>) {
    let holds = |s: &RuleState| {
        matches!(
            s.pending,
            Some(PendingAction::Create { .. } | PendingAction::Reschedule { .. })
        )
    };
    // A booking or move gives the hold up itself.
    if holds(before)
        && !holds(after)
        && !tools.journal.wrote()
        && let Err(e) = tools.release_hold().await
    {
        // The hold still expires on its own; the turn's answer stands.
        tracing::warn!(error = %e, "could not release a hold");
    }
}
