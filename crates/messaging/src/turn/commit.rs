//! One agent turn as the job runs it: load what the turn needs (business context, state,
//! history), run it in the agent crate over the CRM-backed tools, and commit the reply to the
//! outbox together with the turn's state, record and processed marks.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use switchboard_agent::{
    BookingTools, BusinessContext, Conversation, CrmTools, CustomerProfile, OpeningHours,
    ServiceInfo, StaffInfo, TurnInput, TurnLimits, TurnOutcome,
    llm::LlmConfig,
    prompt::{Author, HistoryTurn},
    rules::RuleState,
};
use switchboard_domain::{
    ConversationId, CustomerId, Language, MessageId, message::OutboundContent, time::now_ms,
};
use switchboard_store::{
    Store, TenantStore,
    agent::{ToolCallRecord, TurnCommit, TurnRecord},
    businesses::Business,
    conversations::ConversationRow,
    messaging::MessageRow,
    worker::JobError,
};
use tracing::Instrument;

use switchboard_agent::settings::AgentSettings;
use switchboard_crm::CrmAdapter;

use super::business_tz;

/// How old the first message of a turn may be for the turn to still start over when more
/// messages arrive while it runs; past it the customer gets the answer in hand.
const MAX_MERGE_MS: i64 = 20_000;

pub(super) struct Turn<'a> {
    pub store: &'a Store,
    pub tenant: &'a TenantStore,
    pub business: &'a Business,
    pub conv: &'a ConversationRow,
    pub settings: &'a AgentSettings,
    pub crm: Arc<dyn CrmAdapter>,
    pub llm: Option<LlmConfig>,
}

impl Turn<'_> {
    pub async fn run(&self, pending: &[MessageRow]) -> Result<(), JobError> {
        let started = Instant::now();
        let newest = pending
            .last()
            .ok_or_else(|| JobError::fatal("no message to answer"))?;
        // The first unanswered message roots the idempotency keys of the turn's writes: it
        // stays the same when a retried turn finds more messages.
        let turn_key: MessageId = pending
            .first()
            .ok_or_else(|| JobError::fatal("no message to answer"))?
            .id;
        let customer: CustomerId = self.conv.customer_id;
        let conversation: ConversationId = self.conv.id;
        let text = pending
            .iter()
            .map(|m| m.body.trim())
            .filter(|b| !b.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let staff = self.crm.list_staff(false).await.map_err(JobError::retry)?;
        let staff_names: HashMap<_, _> = staff.iter().map(|s| (s.id, s.name.clone())).collect();
        let tools = CrmTools::new(
            self.crm.clone(),
            Conversation {
                id: conversation,
                customer,
                channel_id: self.conv.channel_id.to_string(),
                turn_key,
            },
            self.settings.hold_ttl_ms(),
            staff_names,
        );
        let ctx = self
            .context(customer, &tools, self.crm.as_ref(), &staff)
            .await?;
        let state: RuleState =
            serde_json::from_value(self.tenant.conversation_state(conversation).await?)
                .unwrap_or_default();
        let history = match &self.llm {
            Some(_) => self.history(conversation).await?,
            None => Vec::new(),
        };
        let input = TurnInput {
            text: &text,
            state: &state,
            ctx: &ctx,
            history: &history,
            limits: TurnLimits::from_settings(self.settings),
        };
        let span = tracing::info_span!("agent_turn", conversation = %self.conv.id);
        let outcome = switchboard_agent::run_turn(input, &tools, self.llm.as_ref())
            .instrument(span)
            .await;
        let record = self.record(newest, &outcome, started);
        if self.newer_messages_arrived(conversation, pending).await? {
            // The customer wrote again while this turn was thinking: a reply now would answer
            // a stale question. Run again over all of them; the turn's keys stay the same, so
            // nothing it did is done twice.
            return Err(JobError::Defer(Duration::ZERO));
        }
        self.commit(pending, outcome, record).await
    }

    /// The turn as stored: who answered, with what, how fast, and every tool call.
    fn record(&self, newest: &MessageRow, outcome: &TurnOutcome, started: Instant) -> TurnRecord {
        TurnRecord {
            id: switchboard_domain::TurnId::new(),
            conversation_id: self.conv.id,
            message_id: newest.id,
            engine: outcome.engine.as_str().to_string(),
            model: outcome.model.clone(),
            prompt_tokens: outcome.usage.prompt,
            completion_tokens: outcome.usage.completion,
            total_tokens: outcome.usage.total,
            llm_calls: outcome.llm_calls,
            error: outcome.error.clone(),
            latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            reply: outcome.reply.clone(),
            created_at: now_ms(),
            tool_calls: outcome
                .tool_calls
                .iter()
                .map(|c| ToolCallRecord {
                    name: c.name.clone(),
                    arguments: c.arguments.to_string(),
                    result: c.result.to_string(),
                    outcome: c.outcome.as_str().to_string(),
                    created_at: c.at_ms,
                })
                .collect(),
        }
    }

    async fn commit(
        &self,
        pending: &[MessageRow],
        outcome: TurnOutcome,
        record: TurnRecord,
    ) -> Result<(), JobError> {
        let answered: Vec<MessageId> = pending.iter().map(|m| m.id).collect();
        let reply = if outcome.reply.trim().is_empty() {
            Vec::new()
        } else {
            vec![OutboundContent::text(outcome.reply.clone())]
        };
        let handover = outcome.handover;
        let committed = self
            .tenant
            .commit_turn(TurnCommit {
                conversation: self.conv,
                answered: &answered,
                state: serde_json::to_value(&outcome.state).map_err(JobError::fatal)?,
                turn: record.clone(),
                reply,
                handover: handover.clone(),
            })
            .await?;
        if !committed {
            return Ok(());
        }
        let events = &self.store.events;
        let biz = Some(self.business.id.to_string());
        if let Some(reason) = handover {
            tracing::warn!(conversation = %self.conv.id, %reason, "handed over to a human; bot paused");
            events
                .publish(
                    biz.clone(),
                    "conversation.handover",
                    serde_json::json!({"conversation_id": self.conv.id, "customer_id": self.conv.customer_id, "reason": reason}),
                )
                .await;
        }
        events
            .publish(
                biz,
                "agent.turn",
                serde_json::json!({"conversation_id": self.conv.id, "turn_id": record.id, "engine": record.engine, "tool_calls": record.tool_calls.len()}),
            )
            .await;
        tracing::info!(conversation = %self.conv.id, engine = %record.engine, tokens = record.total_tokens, tool_calls = record.tool_calls.len(), latency_ms = record.latency_ms, "agent turn");
        Ok(())
    }

    /// Whether customer messages the turn did not see are waiting, while the burst is young
    /// enough that merging them beats answering twice.
    async fn newer_messages_arrived(
        &self,
        conversation: ConversationId,
        pending: &[MessageRow],
    ) -> Result<bool, JobError> {
        let first = pending.first().map_or(i64::MAX, |m| m.created_at);
        if now_ms() - first > MAX_MERGE_MS {
            return Ok(false);
        }
        let now_pending = self.tenant.unprocessed_inbound(conversation).await?;
        Ok(now_pending.len() > pending.len())
    }

    /// The conversation's recent messages, for the model.
    async fn history(&self, conversation: ConversationId) -> Result<Vec<HistoryTurn>, JobError> {
        let limit = i64::try_from(self.settings.history_limit()).unwrap_or(20);
        let recent = self.tenant.recent_messages(conversation, limit).await?;
        Ok(recent
            .iter()
            .filter(|m| !m.body.trim().is_empty())
            .map(|m| HistoryTurn {
                author: if m.direction == "in" {
                    Author::Customer
                } else {
                    Author::Business
                },
                text: m.body.clone(),
            })
            .collect())
    }

    async fn context(
        &self,
        customer: CustomerId,
        tools: &CrmTools,
        crm: &dyn switchboard_crm::CrmAdapter,
        staff: &[switchboard_crm::Staff],
    ) -> Result<BusinessContext, JobError> {
        let services = crm
            .list_services(false)
            .await
            .map_err(JobError::retry)?
            .into_iter()
            .map(|s| ServiceInfo {
                id: s.id,
                names: s
                    .names
                    .iter()
                    .filter_map(|(code, name)| Language::parse(code).map(|l| (l, name.clone())))
                    .collect(),
                duration_min: s.duration_min,
                price_minor: s.price_minor,
                currency: s.currency,
                aliases: s.aliases,
            })
            .collect();
        let upcoming = tools.list_appointments().await.map_err(JobError::retry)?;
        let (name, _) = self.tenant.customer_profile(customer).await?;
        let phone = self
            .tenant
            .customer_identities(customer)
            .await?
            .into_iter()
            .find(|(kind, _)| kind == "phone")
            .map(|(_, v)| v);
        let s = self.settings;
        Ok(BusinessContext {
            address: s.address.clone(),
            hours_text: s.hours_text.clone().filter(|h| !h.trim().is_empty()),
            opening_hours: OpeningHours::from_staff(staff.iter().map(|m| &m.hours)),
            phone: s.phone.clone(),
            default_language: self.business.default_language,
            services,
            staff: staff
                .iter()
                .map(|m| StaffInfo {
                    id: m.id,
                    name: m.name.clone(),
                    service_ids: m.service_ids.clone(),
                })
                .collect(),
            upcoming,
            customer: Some(CustomerProfile {
                name: Some(name).filter(|n| !n.trim().is_empty()),
                phone,
                ..CustomerProfile::default()
            }),
            persona: s.persona.clone(),
            instructions: s.instructions.clone(),
            ..BusinessContext::new(
                self.business.name.clone(),
                business_tz(self.business),
                DateTime::<Utc>::from_timestamp_millis(now_ms()).unwrap_or_else(Utc::now),
            )
        })
    }
}
