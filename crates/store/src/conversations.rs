//! Conversations and the outbox: listing and managing conversations, queueing outbound
//! messages (rows plus their send jobs in one transaction) and recording send outcomes.
use serde::Serialize;
use switchboard_domain::{
    ChannelId, ConversationId, CustomerId, MessageId, UserId, message::OutboundContent,
};

use crate::{
    Store, StoreResult, TenantStore, Tx,
    error::parse_id,
    job_payloads::{JobPayload, ProcessConversation, SendMessage},
    messaging::{MESSAGE_COLUMNS, MessageRow},
    on_db, on_tx,
};

/// The job that sends one outbound message.
pub const SEND_JOB: &str = SendMessage::KIND;

/// Whether a conversation is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Closed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

crate::text_enum::text_enum!(ConversationStatus);

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: ConversationId,
    pub customer_id: CustomerId,
    pub channel_id: ChannelId,
    pub status: ConversationStatus,
    pub assignee_id: Option<UserId>,
    pub bot_paused: bool,
    pub last_inbound_at: Option<i64>,
    pub last_message_at: Option<i64>,
    /// When the agent handed the conversation to a person; `null` when no handover is open.
    pub handover_at: Option<i64>,
    /// Why it handed over (the customer's words or the model's reason).
    pub handover_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const CONV_COLUMNS: &str = "id, customer_id, channel_id, status, assignee_id, bot_paused, last_inbound_at, last_message_at, handover_at, handover_reason, created_at, updated_at";

#[derive(Clone, Debug, Default)]
pub struct ConversationFilter {
    pub channel_id: Option<ChannelId>,
    pub status: Option<ConversationStatus>,
    pub assignee_id: Option<UserId>,
    /// Conversations with a smaller id (the last id of the previous page).
    pub before: Option<String>,
    pub limit: i64,
}

/// A change to a conversation; `None` keeps the value.
#[derive(Clone, Debug, Default)]
pub struct ConversationUpdate {
    pub status: Option<ConversationStatus>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
    pub bot_paused: Option<bool>,
}

impl TenantStore {
    pub async fn get_conversation(&self, id: ConversationId) -> StoreResult<ConversationRow> {
        let sql =
            format!("SELECT {CONV_COLUMNS} FROM conversations WHERE id = $1 AND business_id = $2");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?,
        )
    }

    /// Newest first.
    pub async fn list_conversations(
        &self,
        f: &ConversationFilter,
    ) -> StoreResult<Vec<ConversationRow>> {
        let sql = format!(
            "SELECT {CONV_COLUMNS} FROM conversations WHERE business_id = $1 AND ($2 IS NULL OR channel_id = $2) \
             AND ($3 IS NULL OR status = $3) AND ($4 IS NULL OR assignee_id = $4) AND ($5 IS NULL OR id < $5) \
             ORDER BY id DESC LIMIT $6"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(f.channel_id)
            .bind(f.status)
            .bind(f.assignee_id)
            .bind(&f.before)
            .bind(f.limit)
            .fetch_all(p)
            .await)?,
        )
    }

    /// Conversations with an open handover, the longest waiting first.
    pub async fn open_handovers(&self, limit: i64) -> StoreResult<Vec<ConversationRow>> {
        let sql = format!(
            "SELECT {CONV_COLUMNS} FROM conversations WHERE business_id = $1 AND handover_at IS NOT NULL \
             ORDER BY handover_at, id LIMIT $2"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(limit)
            .fetch_all(p)
            .await)?,
        )
    }

    /// Hands the conversation back to the bot: closes any open handover and, when customer
    /// messages arrived during the pause and no person answered them, queues a turn for them
    /// in the same transaction.
    pub async fn resume_bot(&self, id: ConversationId) -> StoreResult<ConversationRow> {
        let current = self.get_conversation(id).await?;
        let now = self.store.clock.now_ms();
        let mut tx = self.store.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE conversations SET bot_paused = FALSE, handover_at = NULL, handover_reason = NULL, updated_at = $3 \
             WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        let waiting: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM messages WHERE conversation_id = $1 AND business_id = $2 AND direction = 'in' \
             AND processed_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1")
            .bind(id)
            .bind(self.business_id)
            .fetch_optional(&mut *c)
            .await)?;
        if current.bot_paused
            && let Some(message_id) = waiting
        {
            self.store
                .enqueue_tx(
                    &mut tx,
                    ProcessConversation {
                        message_id: parse_id(&message_id)?,
                        conversation_id: id,
                    }
                    .to_job()?
                    .business(self.business_id)
                    .queue_key(format!("conversation:{id}"))
                    .idempotency_key(format!("resume:{message_id}:{now}")),
                )
                .await?;
        }
        tx.commit().await?;
        self.get_conversation(id).await
    }

    pub async fn update_conversation(
        &self,
        id: ConversationId,
        u: ConversationUpdate,
    ) -> StoreResult<ConversationRow> {
        let current = self.get_conversation(id).await?;
        let assignee = match u.assignee {
            Some(a) => a,
            None => current.assignee_id,
        };
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE conversations SET status = $3, assignee_id = $4, bot_paused = $5, updated_at = $6 WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .bind(u.status.unwrap_or(current.status))
            .bind(assignee)
            .bind(u.bot_paused.unwrap_or(current.bot_paused))
            .bind(self.store.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_conversation(id).await
    }

    /// Writes outbound messages (one row per part, in order) and their send jobs in one
    /// transaction. A human author pauses the bot for the conversation.
    pub async fn queue_outbound(
        &self,
        conversation: &ConversationRow,
        parts: &[OutboundContent],
        author: &str,
        idempotency_key: Option<&str>,
    ) -> StoreResult<Vec<MessageId>> {
        let mut tx = self.store.begin().await?;
        let ids = self
            .queue_outbound_tx(&mut tx, conversation, parts, author, idempotency_key)
            .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// [`queue_outbound`](Self::queue_outbound) inside the caller's transaction, so a reply
    /// commits together with the rest of a turn's effects.
    pub async fn queue_outbound_tx(
        &self,
        tx: &mut Tx,
        conversation: &ConversationRow,
        parts: &[OutboundContent],
        author: &str,
        idempotency_key: Option<&str>,
    ) -> StoreResult<Vec<MessageId>> {
        let now = self.store.clock.now_ms();
        let mut ids = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let id = MessageId::new();
            let key = idempotency_key.map(|k| {
                if i == 0 {
                    k.to_string()
                } else {
                    format!("{k}#{i}")
                }
            });
            on_tx!(&mut *tx, c => sqlx::query(
                "INSERT INTO messages (id, business_id, conversation_id, customer_id, channel_id, direction, author, body, content, status, idempotency_key, queued_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'out', $6, $7, $8, 'queued', $9, $10, $10)")
                .bind(id)
                .bind(self.business_id)
                .bind(conversation.id)
                .bind(conversation.customer_id)
                .bind(conversation.channel_id)
                .bind(author)
                .bind(part.as_plain_text().unwrap_or_default())
                .bind(serde_json::to_string(part)?)
                .bind(key)
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            self.store
                .enqueue_tx(
                    tx,
                    SendMessage { message_id: id }
                        .to_job()?
                        .business(self.business_id)
                        .queue_key(format!("send:{}", conversation.id))
                        .idempotency_key(format!("send:{id}"))
                        .max_attempts(10),
                )
                .await?;
            ids.push(id);
        }
        let human = author.starts_with("user:") || author.starts_with("api_key:");
        on_tx!(&mut *tx, c => sqlx::query(
            "UPDATE conversations SET last_message_at = $2, updated_at = $2, bot_paused = (bot_paused OR $3) WHERE id = $1")
            .bind(conversation.id)
            .bind(now)
            .bind(human)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if human {
            // A person's reply answers what the customer wrote before it: when the bot is
            // resumed it must not answer those messages a second time.
            on_tx!(&mut *tx, c => sqlx::query(
                "UPDATE messages SET processed_at = $2 WHERE conversation_id = $1 AND direction = 'in' AND processed_at IS NULL")
                .bind(conversation.id)
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(ids)
    }

    /// An earlier send with this idempotency key, if any.
    pub async fn outbound_by_key(&self, key: &str) -> StoreResult<Option<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE business_id = $1 AND idempotency_key = $2"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(key)
            .fetch_optional(p)
            .await)?,
        )
    }

    pub async fn get_message(&self, id: MessageId) -> StoreResult<MessageRow> {
        let sql =
            format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND business_id = $2");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?,
        )
    }

    /// Marks an inbound message handled by the processing job.
    pub async fn mark_processed(&self, id: MessageId) -> StoreResult<()> {
        on_db!(&self.store.db, w, p => sqlx::query("UPDATE messages SET processed_at = COALESCE(processed_at, $3) WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .bind(self.store.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// Where to deliver a customer's messages on a channel: the identity value of `kind`.
    pub async fn customer_address(
        &self,
        customer_id: CustomerId,
        kind: &str,
    ) -> StoreResult<Option<String>> {
        Ok(on_db!(&self.db, r, p => sqlx::query_scalar(
            "SELECT value FROM customer_identities WHERE customer_id = $1 AND kind = $2 ORDER BY created_at LIMIT 1")
            .bind(customer_id)
            .bind(kind)
            .fetch_optional(p)
            .await)?)
    }
}
