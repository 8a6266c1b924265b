//! Turn processing: the `conversation.process` job. [`process`] waits out a burst of messages
//! and checks that the agent may answer (not paused, switched on, paid for); [`commit`] loads
//! the conversation for `switchboard_agent::run_turn` and commits its outcome (reply, state,
//! record) to the outbox. The turn itself — model, confirmation gate, rule-based agent — is
//! the agent crate's, billing the billing crate's; the choice of CRM adapter comes from the host.
mod commit;
mod model_key;
mod process;

use std::sync::Arc;

use switchboard_crm::CrmAdapter;
use switchboard_store::businesses::Business;

pub use model_key::{key_context, llm_config};
pub use process::ProcessTurn;

/// What a turn needs from the host application: the CRM adapter of a business (the host
/// chooses it; an external CRM plugs in there).
pub trait TurnHost: Send + Sync + 'static {
    /// The calendar of a business, behind its CRM adapter.
    fn crm_for(&self, business: &Business) -> Arc<dyn CrmAdapter>;
}

pub use switchboard_crm::business_tz;
