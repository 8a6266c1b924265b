//! The shapes the agent's turns and usage answer in, built from the store's records field by
//! field. Times are RFC 3339.
use serde::Serialize;
use switchboard_domain::{ConversationId, MessageId, TurnId};
use switchboard_store::agent::{ToolCallRecord, TurnRecord, UsageTotals};
use utoipa::ToSchema;

/// One tool call made during a turn.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ToolCall)]
pub struct ToolCallView {
    pub name: String,
    /// The arguments as JSON text, as the model (or the rule agent) gave them.
    pub arguments: String,
    /// The result fed back, as JSON text.
    pub result: String,
    /// `ok`, `error` (the tool failed; the model was told) or `refused` (the orchestrator
    /// refused it, e.g. a write before the customer confirmed).
    pub outcome: String,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<&ToolCallRecord> for ToolCallView {
    fn from(t: &ToolCallRecord) -> Self {
        ToolCallView {
            name: t.name.clone(),
            arguments: t.arguments.clone(),
            result: t.result.clone(),
            outcome: t.outcome.clone(),
            created_at: t.created_at,
        }
    }
}

/// One agent turn: which engine answered, what it cost in tokens, and what it did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Turn)]
pub struct TurnView {
    pub id: TurnId,
    pub conversation_id: ConversationId,
    /// The newest customer message the turn answered.
    pub message_id: MessageId,
    /// `rules`, `llm` or `rules_fallback` (the model failed and the rule agent answered).
    pub engine: String,
    pub model: Option<String>,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub total_tokens: i64,
    /// Chat completion requests made during the turn.
    pub llm_calls: i64,
    /// Why the model's answer was not used, when it was not.
    pub error: Option<String>,
    pub latency_ms: i64,
    pub reply: String,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    pub tool_calls: Vec<ToolCallView>,
}

impl From<&TurnRecord> for TurnView {
    fn from(t: &TurnRecord) -> Self {
        TurnView {
            id: t.id,
            conversation_id: t.conversation_id,
            message_id: t.message_id,
            engine: t.engine.clone(),
            model: t.model.clone(),
            prompt_tokens: t.prompt_tokens,
            completion_tokens: t.completion_tokens,
            total_tokens: t.total_tokens,
            llm_calls: t.llm_calls,
            error: t.error.clone(),
            latency_ms: t.latency_ms,
            reply: t.reply.clone(),
            created_at: t.created_at,
            tool_calls: t.tool_calls.iter().map(ToolCallView::from).collect(),
        }
    }
}

/// Token usage summed over turns.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = UsageTotals)]
pub struct UsageTotalsView {
    pub turns: i64,
    pub llm_turns: i64,
    pub fallback_turns: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub total_tokens: i64,
    pub tool_calls: i64,
}

impl From<&UsageTotals> for UsageTotalsView {
    fn from(u: &UsageTotals) -> Self {
        UsageTotalsView {
            turns: u.turns,
            llm_turns: u.llm_turns,
            fallback_turns: u.fallback_turns,
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
            total_tokens: u.total_tokens,
            tool_calls: u.tool_calls,
        }
    }
}
