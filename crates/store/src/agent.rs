//! The agent's storage: per-business configuration (the model key sealed), the dialogue state
//! of each conversation, and one record per turn with its token usage and tool calls. A turn's
//! effects (reply in the outbox, state, records, processed marks) commit in one transaction.
use serde::{Deserialize, Serialize};
use switchboard_domain::{
    ConversationId, CustomerId, MessageId, TurnId, message::Identity, message::OutboundContent,
    time::now_ms,
};

use crate::{
    StoreError, StoreResult, TenantStore,
    conversations::ConversationRow,
    messaging::{MESSAGE_COLUMNS, MessageRow},
    on_db, on_tx,
};

/// One tool call made during a turn.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ToolCallRecord {
    pub name: String,
    /// The arguments as JSON text, as the model (or the rule agent) gave them.
    pub arguments: String,
    /// The result fed back, as JSON text.
    pub result: String,
    /// `ok`, `error` (the tool failed; the model was told) or `refused` (the orchestrator
    /// refused it, e.g. a write before the customer confirmed).
    pub outcome: String,
    pub created_at: i64,
}

/// One agent turn: which engine answered, what it cost in tokens, and what it did.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TurnRecord {
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
    pub created_at: i64,
    pub tool_calls: Vec<ToolCallRecord>,
}

#[derive(sqlx::FromRow)]
struct TurnDb {
    id: TurnId,
    conversation_id: ConversationId,
    message_id: MessageId,
    engine: String,
    model: Option<String>,
    prompt_tokens: i64,
    completion_tokens: i64,
    total_tokens: i64,
    llm_calls: i64,
    error: Option<String>,
    latency_ms: i64,
    reply: String,
    created_at: i64,
}

/// Token usage summed over turns.
#[derive(Clone, Debug, Default, Serialize, Deserialize, sqlx::FromRow)]
pub struct UsageTotals {
    pub turns: i64,
    pub llm_turns: i64,
    pub fallback_turns: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub total_tokens: i64,
    pub tool_calls: i64,
}

/// Everything a finished turn writes, committed at once.
pub struct TurnCommit<'a> {
    pub conversation: &'a ConversationRow,
    /// The customer messages this turn answered (a burst becomes one turn).
    pub answered: &'a [MessageId],
    /// The new dialogue state.
    pub state: serde_json::Value,
    pub turn: TurnRecord,
    pub reply: Vec<OutboundContent>,
    /// The agent handed over, and why: pause the bot and open a handover for staff.
    pub handover: Option<String>,
}

impl TenantStore {
    /// The business's agent configuration and its sealed model key, if any.
    pub async fn agent_config(&self) -> StoreResult<(serde_json::Value, Option<String>)> {
        let row: Option<(String, Option<String>)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT config, llm_api_key FROM agent_configs WHERE business_id = $1")
            .bind(self.business_id)
            .fetch_optional(p)
            .await)?;
        match row {
            Some((config, key)) => Ok((serde_json::from_str(&config)?, key)),
            None => Ok((serde_json::json!({}), None)),
        }
    }

    /// Replaces the configuration; `key` `Some(None)` removes the model key, `None` keeps it.
    pub async fn put_agent_config(
        &self,
        config: &serde_json::Value,
        key: Option<Option<String>>,
    ) -> StoreResult<()> {
        let keep = key.is_none();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO agent_configs (business_id, config, llm_api_key, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (business_id) DO UPDATE SET config = $2, llm_api_key = CASE WHEN $5 THEN agent_configs.llm_api_key ELSE $3 END, updated_at = $4")
            .bind(self.business_id)
            .bind(serde_json::to_string(config)?)
            .bind(key.flatten())
            .bind(now_ms())
            .bind(keep)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The stored dialogue state of a conversation (`{}` when new).
    pub async fn conversation_state(&self, id: ConversationId) -> StoreResult<serde_json::Value> {
        let state: String = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT state FROM conversations WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?;
        Ok(serde_json::from_str(&state)?)
    }

    /// Customer messages of the conversation not yet answered, oldest first.
    pub async fn unprocessed_inbound(&self, id: ConversationId) -> StoreResult<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE business_id = $1 AND conversation_id = $2 AND direction = 'in' \
             AND processed_at IS NULL ORDER BY id"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(id)
            .fetch_all(p)
            .await)?,
        )
    }

    /// The last `limit` messages of a conversation, oldest first.
    pub async fn recent_messages(
        &self,
        id: ConversationId,
        limit: i64,
    ) -> StoreResult<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE business_id = $1 AND conversation_id = $2 ORDER BY id DESC LIMIT $3"
        );
        let mut rows: Vec<MessageRow> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(id)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        rows.reverse();
        Ok(rows)
    }

    /// Commits a turn: the reply goes to the outbox with its send jobs, the state and the turn
    /// record are written and the answered messages marked processed, all or nothing. A turn
    /// for the same newest message commits once; a second commit is a no-op.
    pub async fn commit_turn(&self, t: TurnCommit<'_>) -> StoreResult<bool> {
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let inserted = on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO agent_turns (id, business_id, conversation_id, message_id, engine, model, prompt_tokens, completion_tokens, total_tokens, llm_calls, error, latency_ms, reply, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (message_id) DO NOTHING")
            .bind(t.turn.id)
            .bind(self.business_id)
            .bind(t.conversation.id)
            .bind(t.turn.message_id)
            .bind(&t.turn.engine)
            .bind(&t.turn.model)
            .bind(t.turn.prompt_tokens)
            .bind(t.turn.completion_tokens)
            .bind(t.turn.total_tokens)
            .bind(t.turn.llm_calls)
            .bind(&t.turn.error)
            .bind(t.turn.latency_ms)
            .bind(&t.turn.reply)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if inserted == 0 {
            return Ok(false);
        }
        for (seq, call) in t.turn.tool_calls.iter().enumerate() {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO agent_tool_calls (id, turn_id, business_id, conversation_id, seq, name, arguments, result, outcome, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(switchboard_domain::ToolCallId::new())
                .bind(t.turn.id)
                .bind(self.business_id)
                .bind(t.conversation.id)
                .bind(i64::try_from(seq).unwrap_or(i64::MAX))
                .bind(&call.name)
                .bind(&call.arguments)
                .bind(&call.result)
                .bind(&call.outcome)
                .bind(call.created_at)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        for id in t.answered {
            on_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET processed_at = COALESCE(processed_at, $3) WHERE id = $1 AND business_id = $2")
                .bind(id)
                .bind(self.business_id)
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE conversations SET state = $3, bot_paused = (bot_paused OR $4), updated_at = $5, \
             handover_at = CASE WHEN $4 THEN $5 ELSE handover_at END, \
             handover_reason = CASE WHEN $4 THEN $6 ELSE handover_reason END \
             WHERE id = $1 AND business_id = $2")
            .bind(t.conversation.id)
            .bind(self.business_id)
            .bind(serde_json::to_string(&t.state)?)
            .bind(t.handover.is_some())
            .bind(now)
            .bind(t.handover.as_deref().map(|r| r.chars().take(500).collect::<String>()))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if !t.reply.is_empty() {
            let key = format!("reply:{}", t.turn.message_id);
            self.queue_outbound_tx(&mut tx, t.conversation, &t.reply, "bot", Some(&key))
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// A conversation's turns, oldest first, each with its tool calls.
    pub async fn list_turns(&self, conversation: ConversationId) -> StoreResult<Vec<TurnRecord>> {
        let rows: Vec<TurnDb> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, conversation_id, message_id, engine, model, prompt_tokens, completion_tokens, total_tokens, \
             CAST(llm_calls AS BIGINT) AS llm_calls, error, latency_ms, reply, created_at FROM agent_turns \
             WHERE business_id = $1 AND conversation_id = $2 ORDER BY id")
            .bind(self.business_id)
            .bind(conversation)
            .fetch_all(p)
            .await)?;
        let calls: Vec<(TurnId, String, String, String, String, i64)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT turn_id, name, arguments, result, outcome, created_at FROM agent_tool_calls \
             WHERE business_id = $1 AND conversation_id = $2 ORDER BY turn_id, seq")
            .bind(self.business_id)
            .bind(conversation)
            .fetch_all(p)
            .await)?;
        Ok(rows
            .into_iter()
            .map(|r| TurnRecord {
                tool_calls: calls
                    .iter()
                    .filter(|c| c.0 == r.id)
                    .map(|c| ToolCallRecord {
                        name: c.1.clone(),
                        arguments: c.2.clone(),
                        result: c.3.clone(),
                        outcome: c.4.clone(),
                        created_at: c.5,
                    })
                    .collect(),
                id: r.id,
                conversation_id: r.conversation_id,
                message_id: r.message_id,
                engine: r.engine,
                model: r.model,
                prompt_tokens: r.prompt_tokens,
                completion_tokens: r.completion_tokens,
                total_tokens: r.total_tokens,
                llm_calls: r.llm_calls,
                error: r.error,
                latency_ms: r.latency_ms,
                reply: r.reply,
                created_at: r.created_at,
            })
            .collect())
    }

    /// Token usage of the business (or one conversation) in `[from, to)` epoch ms.
    pub async fn agent_usage(
        &self,
        conversation: Option<ConversationId>,
        from: i64,
        to: i64,
    ) -> StoreResult<UsageTotals> {
        let mut totals: UsageTotals = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) AS turns, \
             CAST(COALESCE(SUM(CASE WHEN engine = 'llm' THEN 1 ELSE 0 END), 0) AS BIGINT) AS llm_turns, \
             CAST(COALESCE(SUM(CASE WHEN engine = 'rules_fallback' THEN 1 ELSE 0 END), 0) AS BIGINT) AS fallback_turns, \
             CAST(COALESCE(SUM(prompt_tokens), 0) AS BIGINT) AS prompt_tokens, \
             CAST(COALESCE(SUM(completion_tokens), 0) AS BIGINT) AS completion_tokens, \
             CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) AS total_tokens, CAST(0 AS BIGINT) AS tool_calls \
             FROM agent_turns WHERE business_id = $1 AND ($2 IS NULL OR conversation_id = $2) AND created_at >= $3 AND created_at < $4")
            .bind(self.business_id)
            .bind(conversation)
            .bind(from)
            .bind(to)
            .fetch_one(p)
            .await)?;
        totals.tool_calls = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM agent_tool_calls WHERE business_id = $1 AND ($2 IS NULL OR conversation_id = $2) \
             AND created_at >= $3 AND created_at < $4")
            .bind(self.business_id)
            .bind(conversation)
            .bind(from)
            .bind(to)
            .fetch_one(p)
            .await)?;
        Ok(totals)
    }

    /// A customer's display name and language, if set.
    pub async fn customer_profile(&self, id: CustomerId) -> StoreResult<(String, Option<String>)> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT name, language FROM customers WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?)
    }

    /// When the customer was first seen (epoch ms).
    pub async fn customer_created_at(&self, id: &str) -> StoreResult<i64> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT created_at FROM customers WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?)
    }

    /// The customer with this identity (phone in E.164, Telegram id...), if known.
    pub async fn find_customer(&self, identity: &Identity) -> StoreResult<Option<CustomerId>> {
        let id: Option<String> = on_db!(&self.store.db, r, p => sqlx::query_scalar(
            "SELECT customer_id FROM customer_identities WHERE business_id = $1 AND kind = $2 AND value = $3")
            .bind(self.business_id)
            .bind(identity.kind())
            .bind(identity.value())
            .fetch_optional(p)
            .await)?;
        id.map(|s| crate::error::parse_id(&s)).transpose()
    }

    /// The customer with this identity, created (with `name`) when new.
    pub async fn find_or_create_customer(
        &self,
        identity: &Identity,
        name: Option<&str>,
    ) -> StoreResult<CustomerId> {
        for _ in 0..3 {
            let mut tx = self.store.begin().await?;
            match crate::messaging::upsert_customer(
                &mut tx,
                self.business_id,
                identity,
                name,
                now_ms(),
            )
            .await
            {
                Ok(id) => {
                    tx.commit().await?;
                    return Ok(id);
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict("customer".into()))
    }
}
