//! The `conversation.process` job: waits out a burst of messages, checks that the agent may
//! answer (not paused, switched on, paid for), then hands the turn to [`Turn`].
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use switchboard_agent::settings::AgentSettings;
use switchboard_domain::{
    BusinessId, ConversationId, MessageId, message::OutboundContent, time::now_ms,
};
use switchboard_store::{
    Store, TenantStore,
    agent::{TurnCommit, TurnRecord},
    businesses::Business,
    conversations::ConversationRow,
    crypto::SecretBox,
    job_payloads::ProcessConversation,
    jobs::Job,
    messaging::MessageRow,
    worker::{JobError, TypedJobHandler},
};

use super::{TurnHost, commit::Turn, model_key::llm_config};

/// The longest a burst can delay a turn, in multiples of the burst window.
const MAX_BURST_WINDOWS: i64 = 5;

/// Handles `conversation.process`: one agent turn for the customer's newest messages.
pub struct ProcessTurn {
    pub store: Store,
    pub secrets: SecretBox,
    /// Model calls go through it: the model's URL is the tenant's.
    pub outbound: switchboard_channels::netguard::GuardedClient,
    /// For the payment-page link sent when a balance is too low.
    pub public_base: Arc<str>,
    /// The CRM adapter of a business.
    pub host: Arc<dyn TurnHost>,
}

#[async_trait]
impl TypedJobHandler for ProcessTurn {
    type Payload = ProcessConversation;

    async fn run(&self, job: &Job, payload: ProcessConversation) -> Result<(), JobError> {
        let biz: BusinessId = job
            .business_id
            .ok_or_else(|| JobError::fatal("job has no business"))?;
        let message: MessageId = payload.message_id;
        let conversation: ConversationId = payload.conversation_id;
        let tenant = self.store.tenant(biz);
        let msg = tenant.get_message(message).await?;
        if msg.processed_at.is_some() {
            return Ok(()); // Answered by an earlier attempt or as part of a burst.
        }
        let business = self.store.get_business(biz).await?;
        let conv = tenant.get_conversation(conversation).await?;
        let (stored, sealed_key) = tenant.agent_config().await?;
        let settings = AgentSettings::from_stored(stored);
        if conv.bot_paused
            || !business.feature_enabled(switchboard_domain::Feature::Agent)
            || !settings.enabled
        {
            return passive(&tenant, &business, &conv, message).await;
        }
        let pending = tenant.unprocessed_inbound(conversation).await?;
        let (Some(first), Some(newest)) = (pending.first(), pending.last()) else {
            return Ok(());
        };
        let now = self.store.clock().now_ms();
        let burst = i64::from(settings.burst_ms);
        let quiet = now - newest.created_at;
        if quiet < burst && now - first.created_at < burst * MAX_BURST_WINDOWS {
            let wait = u64::try_from(burst - quiet).unwrap_or(0);
            return Err(JobError::Defer(Duration::from_millis(wait)));
        }
        // Billing: a brand-new number gets the welcome credit, and an AI reply is paid for
        // before it is produced; with too little balance the agent is not called at all.
        if tenant
            .customer_created_at(&conv.customer_id.to_string())
            .await?
            >= first.created_at
        {
            let customer = conv.customer_id.to_string();
            switchboard_billing::grant_welcome_credit(&self.store, &business, &customer)
                .await
                .map_err(JobError::retry)?;
        }
        // Keyed by the first unanswered message: a retried turn keeps its key even when more
        // messages arrived meanwhile, so it is never charged twice.
        let gate = switchboard_billing::gate_ai_reply(
            &self.store,
            &business,
            &conv.customer_id.to_string(),
            &conv,
            &first.id.to_string(),
            &self.public_base,
        )
        .await
        .map_err(JobError::retry)?;
        if let switchboard_billing::ReplyGate::LowBalance { payment_message } = gate {
            return payment_required(&tenant, &conv, &pending, payment_message).await;
        }
        let turn = Turn {
            store: &self.store,
            tenant: &tenant,
            business: &business,
            conv: &conv,
            settings: &settings,
            crm: self.host.crm_for(&business),
            llm: llm_config(
                &settings,
                sealed_key.as_deref(),
                &self.secrets,
                &business.id.to_string(),
                &self.outbound,
            ),
        };
        let result = turn.run(&pending).await;
        if result.is_err() && job.attempts >= job.max_attempts {
            // This was the last attempt: the customer paid for a reply that never comes.
            let trigger = first.id.to_string();
            match switchboard_billing::refund_ai_reply(&self.store, &business, &trigger).await {
                Ok(true) => {
                    tracing::warn!(conversation = %conv.id, "turn failed for good; AI reply refunded")
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(conversation = %conv.id, error = %e, "could not refund a failed AI reply")
                }
            }
        }
        result
    }
}

/// The balance cannot pay for a reply: the agent is not called. The payment link goes out
/// (unless one went out within the cooldown), recorded as a turn of the `payment_required`
/// engine so the inbox shows why the bot did not answer.
async fn payment_required(
    tenant: &TenantStore,
    conv: &ConversationRow,
    pending: &[MessageRow],
    payment_message: Option<String>,
) -> Result<(), JobError> {
    let newest = pending
        .last()
        .ok_or_else(|| JobError::fatal("no message to answer"))?;
    let conversation: ConversationId = conv.id;
    let state = tenant.conversation_state(conversation).await?;
    let answered: Vec<MessageId> = pending.iter().map(|m| m.id).collect();
    let reply = payment_message.clone().unwrap_or_default();
    tenant
        .commit_turn(TurnCommit {
            conversation: conv,
            answered: &answered,
            state,
            turn: TurnRecord {
                id: switchboard_domain::TurnId::new(),
                conversation_id: conv.id,
                message_id: newest.id,
                engine: "payment_required".into(),
                model: None,
                prompt_tokens: 0,
                completion_tokens: 0,
                total_tokens: 0,
                llm_calls: 0,
                error: None,
                latency_ms: 0,
                reply: reply.clone(),
                created_at: now_ms(),
                tool_calls: Vec::new(),
            },
            reply: payment_message
                .into_iter()
                .map(OutboundContent::text)
                .collect(),
            handover: None,
        })
        .await?;
    tracing::info!(conversation = %conv.id, link_sent = !reply.is_empty(), "balance too low; agent not called");
    Ok(())
}

/// The agent is off for this message: store it as handled, and acknowledge it when the
/// business asked for that (`settings.auto_ack`) and no human has taken over. While a person
/// has the conversation (the bot is paused) the message stays unanswered instead: a person's
/// reply marks it answered, and resuming the bot gives it a turn.
async fn passive(
    tenant: &TenantStore,
    business: &Business,
    conv: &ConversationRow,
    message: MessageId,
) -> Result<(), JobError> {
    let ack = business
        .settings
        .get("auto_ack")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty());
    if let Some(text) = ack
        && !conv.bot_paused
    {
        let key = format!("ack:{message}");
        if tenant.outbound_by_key(&key).await?.is_none() {
            tenant
                .queue_outbound(conv, &[OutboundContent::text(text)], "bot", Some(&key))
                .await?;
        }
    }
    if !conv.bot_paused {
        tenant.mark_processed(message).await?;
    }
    Ok(())
}
