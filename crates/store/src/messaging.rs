//! Messaging storage: channels, customers with identities, conversations and messages. The
//! inbound path stores a message, resolves its customer and conversation and enqueues its
//! processing in one transaction; a duplicate provider message id is detected and ignored.
use serde::Serialize;
use switchboard_domain::{
    BusinessId, ChannelId, ConversationId, CustomerId, MessageId,
    message::{ChannelKind, DeliveryStatus, Identity, InboundMessage, StatusUpdate},
};

use crate::{
    Store, StoreError, StoreResult, TenantStore, Tx,
    job_payloads::{JobPayload, ProcessConversation},
    on_db, on_tx,
};

/// The job that processes a conversation's new inbound messages.
pub const PROCESS_JOB: &str = ProcessConversation::KIND;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ChannelRow {
    pub id: ChannelId,
    pub business_id: BusinessId,
    pub kind: String,
    pub name: String,
    pub address: String,
    /// Sealed (encrypted) credentials JSON; never sent to clients.
    #[serde(skip)]
    pub credentials: String,
    pub api_base: Option<String>,
    #[serde(skip)]
    pub settings: String,
    pub active: bool,
    pub last_inbound_at: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub bridge_state: Option<String>,
    #[serde(skip)]
    pub bridge_qr: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ChannelRow {
    pub fn kind(&self) -> StoreResult<ChannelKind> {
        ChannelKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("channel kind {}", self.kind)))
    }
    pub fn settings_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.settings).unwrap_or_default()
    }
}

const CHANNEL_COLUMNS: &str = "id, business_id, kind, name, address, credentials, api_base, settings, active, last_inbound_at, last_error, last_error_at, bridge_state, bridge_qr, created_at, updated_at";

/// A new channel; `credentials` must already be sealed.
pub struct NewChannel {
    pub id: ChannelId,
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub credentials: String,
    pub api_base: Option<String>,
    pub settings: serde_json::Value,
}

/// Where a message stands: `received` for the customer's, the delivery states for ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Received,
    Queued,
    Sending,
    Sent,
    Delivered,
    Read,
    Failed,
    Undelivered,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Received => "received",
            MessageStatus::Queued => "queued",
            MessageStatus::Sending => "sending",
            MessageStatus::Sent => "sent",
            MessageStatus::Delivered => "delivered",
            MessageStatus::Read => "read",
            MessageStatus::Failed => "failed",
            MessageStatus::Undelivered => "undelivered",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        if s == "received" {
            return Some(MessageStatus::Received);
        }
        DeliveryStatus::parse(s).map(Self::from)
    }
}

impl From<DeliveryStatus> for MessageStatus {
    fn from(s: DeliveryStatus) -> Self {
        match s {
            DeliveryStatus::Queued => MessageStatus::Queued,
            DeliveryStatus::Sending => MessageStatus::Sending,
            DeliveryStatus::Sent => MessageStatus::Sent,
            DeliveryStatus::Delivered => MessageStatus::Delivered,
            DeliveryStatus::Read => MessageStatus::Read,
            DeliveryStatus::Failed => MessageStatus::Failed,
            DeliveryStatus::Undelivered => MessageStatus::Undelivered,
        }
    }
}

crate::text_enum::text_enum!(MessageStatus);

impl std::fmt::Display for MessageStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct MessageRow {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub customer_id: CustomerId,
    pub channel_id: ChannelId,
    /// `in` or `out`.
    pub direction: String,
    /// `customer`, `bot`, `user:<id>` or `api_key:<id>`.
    pub author: String,
    pub provider_message_id: Option<String>,
    pub body: String,
    #[serde(skip)]
    pub content: String,
    pub status: MessageStatus,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub queued_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub read_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub processed_at: Option<i64>,
    pub created_at: i64,
}

pub const MESSAGE_COLUMNS: &str = "id, conversation_id, customer_id, channel_id, direction, author, provider_message_id, body, content, status, error_code, error_message, queued_at, sent_at, delivered_at, read_at, failed_at, processed_at, created_at";

/// What happened to an inbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ingested {
    New {
        message_id: MessageId,
        customer_id: CustomerId,
        conversation_id: ConversationId,
    },
    /// The provider delivered this message before: acknowledged, nothing written.
    Duplicate,
}

impl Store {
    /// A channel by id, for webhooks (which identify the channel by URL and are authenticated
    /// by that channel's own secret, not by a business credential).
    pub async fn channel_for_webhook(&self, id: ChannelId) -> StoreResult<ChannelRow> {
        let sql = format!("SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1 AND active = TRUE");
        Ok(
            on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_one(p).await)?,
        )
    }

    /// Stores an inbound message idempotently and enqueues its processing, all in one
    /// transaction. Concurrent deliveries of the same message store it once.
    pub async fn ingest_inbound(
        &self,
        channel: &ChannelRow,
        msg: &InboundMessage,
    ) -> StoreResult<Ingested> {
        let msg = &msg.without_nul();
        let mut last = None;
        for _ in 0..5 {
            match self.try_ingest(channel, msg).await {
                Err(StoreError::Conflict(what)) => {
                    // Either the same message raced us (then the next round sees it) or the
                    // same new customer did (then the next round finds the identity).
                    last = Some(StoreError::Conflict(what));
                }
                other => return other,
            }
        }
        Err(last.unwrap_or(StoreError::NotFound))
    }

    async fn try_ingest(
        &self,
        channel: &ChannelRow,
        msg: &InboundMessage,
    ) -> StoreResult<Ingested> {
        let business = channel.business_id;
        let now = self.clock.now_ms();
        let mut tx = self.begin().await?;
        let seen: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM messages WHERE channel_id = $1 AND provider_message_id = $2")
            .bind(channel.id)
            .bind(&msg.provider_message_id)
            .fetch_optional(&mut *c)
            .await)?;
        if seen.is_some() {
            return Ok(Ingested::Duplicate);
        }
        let customer_id = upsert_customer(
            &mut tx,
            business,
            &msg.from,
            msg.profile_name.as_deref(),
            now,
        )
        .await?;
        let conversation_id =
            open_conversation(&mut tx, business, customer_id, channel.id, now).await?;
        let message_id = MessageId::new();
        let body = msg.text_or_payload().unwrap_or_default().to_string();
        let content = serde_json::to_string(msg)?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO messages (id, business_id, conversation_id, customer_id, channel_id, direction, author, provider_message_id, body, content, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'in', 'customer', $6, $7, $8, 'received', $9)")
            .bind(message_id)
            .bind(business)
            .bind(conversation_id)
            .bind(customer_id)
            .bind(channel.id)
            .bind(&msg.provider_message_id)
            .bind(&body)
            .bind(&content)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE conversations SET last_inbound_at = $2, last_message_at = $2, updated_at = $2 WHERE id = $1")
            .bind(conversation_id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE channels SET last_inbound_at = $2 WHERE id = $1")
            .bind(channel.id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        self.enqueue_tx(
            &mut tx,
            ProcessConversation {
                message_id,
                conversation_id,
            }
            .to_job()?
            .business(business)
            .queue_key(format!("conversation:{conversation_id}"))
            .idempotency_key(format!("inbound:{message_id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(Ingested::New {
            message_id,
            customer_id,
            conversation_id,
        })
    }

    /// Applies a provider status report to the outbound message it names. Never moves a message
    /// backwards: a late `sent` after `delivered` only fills in the `sent_at` time.
    pub async fn apply_status(
        &self,
        channel_id: ChannelId,
        upd: &StatusUpdate,
    ) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let row: Option<(String, String)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id, status FROM messages WHERE channel_id = $1 AND provider_message_id = $2 AND direction = 'out'")
            .bind(channel_id)
            .bind(&upd.provider_message_id)
            .fetch_optional(&mut *c)
            .await)?;
        let Some((id, current)) = row else {
            return Ok(false);
        };
        let current = DeliveryStatus::parse(&current).unwrap_or(DeliveryStatus::Queued);
        let column = match upd.status {
            DeliveryStatus::Sent | DeliveryStatus::Sending => "sent_at",
            DeliveryStatus::Delivered => "delivered_at",
            DeliveryStatus::Read => "read_at",
            s if s.is_failure() => "failed_at",
            _ => "queued_at",
        };
        let advance = current.advances_to(upd.status);
        let sql = format!(
            "UPDATE messages SET {column} = COALESCE({column}, $2), status = CASE WHEN $3 THEN $4 ELSE status END, \
             error_code = CASE WHEN $3 THEN COALESCE($5, error_code) ELSE error_code END, \
             error_message = CASE WHEN $3 THEN COALESCE($6, error_message) ELSE error_message END WHERE id = $1"
        );
        on_tx!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&id)
            .bind(upd.at_ms)
            .bind(advance)
            .bind(upd.status.as_str())
            .bind(&upd.error_code)
            .bind(&upd.error_message)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(true)
    }
}

pub(crate) async fn upsert_customer(
    tx: &mut Tx,
    business: BusinessId,
    identity: &Identity,
    profile_name: Option<&str>,
    now: i64,
) -> StoreResult<CustomerId> {
    let existing: Option<CustomerId> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT customer_id FROM customer_identities WHERE business_id = $1 AND kind = $2 AND value = $3")
        .bind(business)
        .bind(identity.kind())
        .bind(identity.value())
        .fetch_optional(&mut *c)
        .await)?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = CustomerId::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO customers (id, business_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(id)
        .bind(business)
        .bind(profile_name.unwrap_or_default())
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO customer_identities (business_id, kind, value, customer_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(business)
        .bind(identity.kind())
        .bind(identity.value())
        .bind(id)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(id)
}

async fn open_conversation(
    tx: &mut Tx,
    business: BusinessId,
    customer: CustomerId,
    channel_id: ChannelId,
    now: i64,
) -> StoreResult<ConversationId> {
    let existing: Option<ConversationId> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM conversations WHERE business_id = $1 AND customer_id = $2 AND channel_id = $3 AND status = 'open' ORDER BY id DESC LIMIT 1")
        .bind(business)
        .bind(customer)
        .bind(channel_id)
        .fetch_optional(&mut *c)
        .await)?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = ConversationId::new();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO conversations (id, business_id, customer_id, channel_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $5)")
        .bind(id)
        .bind(business)
        .bind(customer)
        .bind(channel_id)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(id)
}

impl TenantStore {
    pub async fn create_channel(&self, new: NewChannel) -> StoreResult<ChannelRow> {
        let now = self.store.clock.now_ms();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO channels (id, business_id, kind, name, address, credentials, api_base, settings, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $9)")
            .bind(new.id)
            .bind(self.business_id)
            .bind(new.kind.as_str())
            .bind(&new.name)
            .bind(&new.address)
            .bind(&new.credentials)
            .bind(&new.api_base)
            .bind(serde_json::to_string(&new.settings)?)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_channel(new.id).await
    }

    /// An active channel of this business (a deleted one is not found).
    pub async fn get_channel(&self, id: ChannelId) -> StoreResult<ChannelRow> {
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1 AND business_id = $2 AND active = TRUE"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?,
        )
    }

    pub async fn list_channels(&self) -> StoreResult<Vec<ChannelRow>> {
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE business_id = $1 AND active = TRUE ORDER BY id"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .fetch_all(p)
            .await)?,
        )
    }

    /// Messages of a conversation, oldest first.
    pub async fn conversation_messages(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE business_id = $1 AND conversation_id = $2 ORDER BY id"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(conversation)
            .fetch_all(p)
            .await)?,
        )
    }

    /// Customer ids with their identities, for tests and the CRM.
    pub async fn customer_identities(
        &self,
        customer: CustomerId,
    ) -> StoreResult<Vec<(String, String)>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT kind, value FROM customer_identities WHERE business_id = $1 AND customer_id = $2 ORDER BY kind, value")
            .bind(self.business_id)
            .bind(customer)
            .fetch_all(p)
            .await)?)
    }

    pub async fn count_customers(&self) -> StoreResult<i64> {
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE business_id = $1")
            .bind(self.business_id)
            .fetch_one(p)
            .await)?,
        )
    }

    pub async fn count_messages(&self, direction: &str) -> StoreResult<i64> {
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE business_id = $1 AND direction = $2")
            .bind(self.business_id)
            .bind(direction)
            .fetch_one(p)
            .await)?,
        )
    }
}

impl Store {
    /// Records the WhatsApp Web bridge's session state and latest pairing QR.
    pub async fn set_bridge_state(
        &self,
        channel_id: ChannelId,
        state: Option<&str>,
        qr: Option<&str>,
    ) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query(
            "UPDATE channels SET bridge_state = COALESCE($2, bridge_state), bridge_qr = CASE WHEN $2 = 'open' THEN NULL ELSE COALESCE($3, bridge_qr) END, updated_at = $4 WHERE id = $1")
            .bind(channel_id)
            .bind(state)
            .bind(qr)
            .bind(self.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Remembers the last delivery problem of a channel, for its health page.
    pub async fn set_channel_error(&self, channel_id: ChannelId, error: &str) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query("UPDATE channels SET last_error = $2, last_error_at = $3 WHERE id = $1")
            .bind(channel_id)
            .bind(error.chars().take(500).collect::<String>())
            .bind(self.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// Active channels of one kind across businesses, for internal loops (Telegram polling).
    pub async fn active_channels_of_kind(&self, kind: ChannelKind) -> StoreResult<Vec<ChannelRow>> {
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE kind = $1 AND active = TRUE ORDER BY id"
        );
        Ok(
            on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(kind.as_str()).fetch_all(p).await)?,
        )
    }
}
