//! What one model turn used and did, why it was abandoned, and which tools it is offered.
use crate::llm::ToolSpec;
use crate::rules::PendingAction;
use crate::tools::{ToolName, tool_specs};

/// What the model's turn used and did so far.
pub(crate) struct ModelRun {
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

/// Why the model's turn was abandoned, with what it used and did before that.
pub(crate) struct ModelFailure {
    pub error: String,
    pub run: ModelRun,
}

/// The tools offered: everything the agent can serve today (tasks and balances arrive with
/// the CRM and billing work; until then the model is not offered them).
pub fn offered_tools() -> Vec<ToolSpec> {
    tool_specs()
        .into_iter()
        .filter(|t| {
            t.name != ToolName::CreateTask.as_str() && t.name != ToolName::GetBalance.as_str()
        })
        .collect()
}
