//! The orchestrator: the `conversation.process` job. It waits out a burst of messages, builds
//! the business context, runs the model with tools (or the built-in rule-based agent, which
//! also answers when the model fails or runs out of time), and commits the reply to the
//! outbox together with the turn's state, record and processed marks.
pub mod config;
pub mod llm;
pub mod tools;

mod process;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use switchboard_agent::{
    AppointmentInfo, BusinessContext, CustomerProfile, OpeningHours, ServiceInfo, StaffInfo,
    llm::LlmClient,
    prompt::{Author, HistoryTurn, PromptInput, build_messages, system_prompt},
    rules::{self, PendingAction, Question, RuleState, Stage},
};
use switchboard_crm::CrmAdapter;
use switchboard_domain::{
    ConversationId, CustomerId, Language, MessageId, message::OutboundContent, time::now_ms,
};
use switchboard_store::{
    Store, TenantStore,
    agent::{TurnCommit, TurnRecord},
    businesses::Business,
    conversations::ConversationRow,
    messaging::MessageRow,
    worker::JobError,
};

use self::config::AgentSettings;
use self::llm::LlmTurn;
use self::tools::ConversationTools;

pub use process::ProcessTurn;

/// How old the first message of a turn may be for the turn to still start over when more
/// messages arrive while it runs; past it the customer gets the answer in hand.
const MAX_MERGE_MS: i64 = 20_000;

/// The calendar of a business, behind the CRM adapter (the built-in one for now).
pub fn crm_for(store: &Store, business: &Business) -> Arc<dyn CrmAdapter> {
    switchboard_crm::adapter_for(store, business)
}

pub fn business_tz(business: &Business) -> Tz {
    switchboard_crm::business_tz(business)
}

struct Turn<'a> {
    store: &'a Store,
    tenant: &'a TenantStore,
    business: &'a Business,
    conv: &'a ConversationRow,
    settings: &'a AgentSettings,
    llm: Option<switchboard_agent::llm::LlmConfig>,
}

/// What the turn decided, before it is committed.
struct Answer {
    reply: String,
    state: RuleState,
    engine: &'static str,
    model: Option<String>,
    tokens: (i64, i64, i64),
    llm_calls: i64,
    error: Option<String>,
}

impl Turn<'_> {
    async fn run(&self, pending: &[MessageRow]) -> Result<(), JobError> {
        let started = Instant::now();
        let newest = pending
            .last()
            .ok_or_else(|| JobError::fatal("no message to answer"))?;
        // The first unanswered message roots the idempotency keys of the turn's writes: it
        // stays the same when a retried turn finds more messages.
        let turn_key: MessageId = pending
            .first()
            .ok_or_else(|| JobError::fatal("no message to answer"))?
            .id
            .parse()
            .map_err(JobError::fatal)?;
        let customer: CustomerId = self.conv.customer_id.parse().map_err(JobError::fatal)?;
        let conversation: ConversationId = self.conv.id.parse().map_err(JobError::fatal)?;
        let text = pending
            .iter()
            .map(|m| m.body.trim())
            .filter(|b| !b.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let crm = crm_for(self.store, self.business);
        let staff = self.tenant.list_staff(false).await?;
        let staff_names: HashMap<_, _> = staff.iter().map(|s| (s.id, s.name.clone())).collect();
        let tools = ConversationTools::new(
            crm.clone(),
            business_tz(self.business),
            conversation,
            customer,
            self.conv.channel_id.clone(),
            turn_key,
            i64::from(self.settings.hold_minutes.max(1)) * 60_000,
            staff_names,
        );
        let ctx = self.context(customer, &tools, &staff).await?;
        let state: RuleState =
            serde_json::from_value(self.tenant.conversation_state(conversation).await?)
                .unwrap_or_default();

        let answer = match &self.llm {
            Some(config) => self.with_model(config, &ctx, &tools, &state, &text).await?,
            None => rule_answer(&state, &text, &ctx, &tools, "rules", None).await,
        };
        tools.release_if_dropped(&state, &answer.state).await;
        let handover = tools.handover_reason();
        let mut record = TurnRecord {
            id: uuid::Uuid::now_v7().to_string(),
            conversation_id: self.conv.id.clone(),
            message_id: newest.id.clone(),
            engine: answer.engine.to_string(),
            model: answer.model,
            prompt_tokens: answer.tokens.0,
            completion_tokens: answer.tokens.1,
            total_tokens: answer.tokens.2,
            llm_calls: answer.llm_calls,
            error: answer.error,
            latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            reply: answer.reply.clone(),
            created_at: now_ms(),
            tool_calls: Vec::new(),
        };
        record.tool_calls = tools.take_calls();
        if self.newer_messages_arrived(conversation, pending).await? {
            // The customer wrote again while this turn was thinking: a reply now would answer
            // a stale question. Run again over all of them; the turn's keys stay the same, so
            // nothing it did is done twice.
            return Err(JobError::Defer(Duration::ZERO));
        }
        let answered: Vec<MessageId> = pending.iter().filter_map(|m| m.id.parse().ok()).collect();
        let reply = if answer.reply.trim().is_empty() {
            Vec::new()
        } else {
            vec![OutboundContent::text(answer.reply.clone())]
        };
        let committed = self
            .tenant
            .commit_turn(TurnCommit {
                conversation: self.conv,
                answered: &answered,
                state: serde_json::to_value(&answer.state).map_err(JobError::fatal)?,
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

    async fn with_model(
        &self,
        config: &switchboard_agent::llm::LlmConfig,
        ctx: &BusinessContext,
        tools: &ConversationTools,
        state: &RuleState,
        text: &str,
    ) -> Result<Answer, JobError> {
        let conversation: ConversationId = self.conv.id.parse().map_err(JobError::fatal)?;
        let language = Language::detect(text)
            .or(state.language)
            .unwrap_or(ctx.default_language);
        let limit = i64::from(self.settings.history_messages.clamp(2, 200));
        let recent = self.tenant.recent_messages(conversation, limit).await?;
        let history: Vec<HistoryTurn> = recent
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
            .collect();
        // A write needs a "yes" now to the change proposed in the previous turn.
        let proposal = match state.stage {
            Stage::Confirming => state.pending.as_ref(),
            _ => None,
        };
        let confirmed = proposal.is_some() && rules::is_confirmation(text);
        let system = system_prompt(&PromptInput {
            ctx,
            language,
            state: Some(state),
        });
        let messages = build_messages(system, &history, usize::try_from(limit).unwrap_or(20));
        let client = match LlmClient::new(config.clone()) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "model misconfigured; the rule-based agent answers");
                return Ok(rule_answer(
                    state,
                    text,
                    ctx,
                    tools,
                    "rules_fallback",
                    Some(e.to_string()),
                )
                .await);
            }
        };
        let turn = LlmTurn {
            client: &client,
            ctx,
            tools,
            language,
            confirmed,
            proposal,
            max_iterations: self.settings.max_tool_iterations.clamp(1, 20),
            budget: Duration::from_millis(u64::from(self.settings.turn_budget_ms.max(1000))),
        };
        match turn.run(messages).await {
            Ok(out) => {
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
                if out.wrote {
                    next.stage = Stage::Completed;
                    next.service_id = None;
                } else if let Some(p) = out.proposal.clone() {
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
                Ok(Answer {
                    reply: out.reply,
                    state: next,
                    engine: "llm",
                    model: Some(out.model),
                    tokens: (out.prompt_tokens, out.completion_tokens, out.total_tokens),
                    llm_calls: out.llm_calls,
                    error: None,
                })
            }
            Err(f) if f.wrote => {
                // The change is made; only the model's wording is missing. Say it is done
                // rather than let the rule-based agent answer from the old state.
                tracing::warn!(conversation = %self.conv.id, error = %f.error, "the model failed after a confirmed change");
                Ok(Answer {
                    reply: done_text(language),
                    state: RuleState {
                        language: Some(language),
                        stage: Stage::Completed,
                        ..RuleState::default()
                    },
                    engine: "llm",
                    model: Some(config.model.clone()),
                    tokens: (f.prompt_tokens, f.completion_tokens, f.total_tokens),
                    llm_calls: f.llm_calls,
                    error: Some(f.error),
                })
            }
            Err(f) => {
                tracing::warn!(conversation = %self.conv.id, error = %f.error, "the model failed; the rule-based agent answers");
                let mut a =
                    rule_answer(state, text, ctx, tools, "rules_fallback", Some(f.error)).await;
                a.model = Some(config.model.clone());
                a.tokens = (f.prompt_tokens, f.completion_tokens, f.total_tokens);
                a.llm_calls = f.llm_calls;
                Ok(a)
            }
        }
    }

    async fn context(
        &self,
        customer: CustomerId,
        tools: &ConversationTools,
        staff: &[switchboard_crm::Staff],
    ) -> Result<BusinessContext, JobError> {
        let services = self
            .tenant
            .list_services(false)
            .await?
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
        let upcoming: Vec<AppointmentInfo> = tools
            .upcoming()
            .await
            .map_err(JobError::retry)?
            .iter()
            .map(|a| tools.info(a))
            .collect();
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

/// Said when the model made the confirmed change but failed before wording its answer.
fn done_text(lang: Language) -> String {
    switchboard_i18n::text(lang, "change-done", None)
}

async fn rule_answer(
    state: &RuleState,
    text: &str,
    ctx: &BusinessContext,
    tools: &ConversationTools,
    engine: &'static str,
    error: Option<String>,
) -> Answer {
    let turn = rules::respond(state, text, ctx, tools).await;
    Answer {
        reply: turn.reply,
        state: turn.state,
        engine,
        model: None,
        tokens: (0, 0, 0),
        llm_calls: 0,
        error,
    }
}
