//! Turn processing: the `conversation.process` job. [`process`] waits out a burst of messages
//! and checks that the agent may answer (not paused, switched on, paid for); [`commit`] loads
//! the conversation for `switchboard_agent::run_turn` and commits its outcome (reply, state,
//! record) to the outbox. The turn itself — model, confirmation gate, rule-based agent — is
//! the agent crate's; billing and the choice of CRM adapter come from the host.
mod commit;
mod model_key;
mod process;

use std::sync::Arc;

use async_trait::async_trait;
use chrono_tz::Tz;
use switchboard_crm::CrmAdapter;
use switchboard_domain::{CustomerId, MessageId};
use switchboard_store::{businesses::Business, conversations::ConversationRow};

pub use model_key::{key_context, llm_config};
pub use process::ProcessTurn;

/// What billing says about an AI reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyGate {
    /// Free or paid for: answer.
    Answer,
    /// Not enough balance: do not call the agent. Send `payment_message` when it is `Some`;
    /// `None` means a link already went out recently, so stay silent.
    LowBalance { payment_message: Option<String> },
}

/// What a turn needs from the host application: the CRM adapter of a business and the
/// billing of AI replies.
#[async_trait]
pub trait TurnHost: Send + Sync + 'static {
    /// The calendar of a business, behind its CRM adapter.
    fn crm_for(&self, business: &Business) -> Arc<dyn CrmAdapter>;

    /// Gives a brand-new customer the business's welcome credit.
    async fn grant_welcome_credit(
        &self,
        business: &Business,
        customer: CustomerId,
    ) -> anyhow::Result<()>;

    /// Pays for an AI reply before it is produced, keyed by the message that triggered it.
    async fn gate_ai_reply(
        &self,
        business: &Business,
        conversation: &ConversationRow,
        trigger: MessageId,
    ) -> anyhow::Result<ReplyGate>;

    /// Refunds the reply a turn that failed for good had paid for; whether it did.
    async fn refund_ai_reply(
        &self,
        business: &Business,
        trigger: MessageId,
    ) -> anyhow::Result<bool>;
}

/// The time zone of a business (UTC when it names none we know).
pub fn business_tz(business: &Business) -> Tz {
    business.time_zone.parse().unwrap_or(chrono_tz::UTC)
}
