//! The shapes the inbox and channel endpoints answer in: built from store rows field by
//! field, so a new column never shows up in an answer unasked. Times are RFC 3339.
use serde::Serialize;
use switchboard_domain::{BusinessId, ChannelId, ConversationId, CustomerId, MessageId, UserId};
use switchboard_store::{
    conversations::ConversationRow,
    messaging::{ChannelRow, MessageRow},
};
use utoipa::ToSchema;

/// A conversation of the inbox.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Conversation)]
pub struct ConversationView {
    pub id: ConversationId,
    pub customer_id: CustomerId,
    pub channel_id: ChannelId,
    /// `open` or `closed`.
    pub status: String,
    pub assignee_id: Option<UserId>,
    pub bot_paused: bool,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_inbound_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_message_at: Option<i64>,
    /// When the agent handed the conversation to a person; `null` when no handover is open.
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub handover_at: Option<i64>,
    /// Why it handed over (the customer's words or the model's reason).
    pub handover_reason: Option<String>,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<&ConversationRow> for ConversationView {
    fn from(c: &ConversationRow) -> Self {
        ConversationView {
            id: c.id,
            customer_id: c.customer_id,
            channel_id: c.channel_id,
            status: c.status.as_str().to_string(),
            assignee_id: c.assignee_id,
            bot_paused: c.bot_paused,
            last_inbound_at: c.last_inbound_at,
            last_message_at: c.last_message_at,
            handover_at: c.handover_at,
            handover_reason: c.handover_reason.clone(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A message of a conversation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Message)]
pub struct MessageView {
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
    /// `received` for the customer's; `queued`, `sending`, `sent`, `delivered`, `read`,
    /// `failed` or `undelivered` for ours.
    pub status: String,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub queued_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failed_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub processed_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<&MessageRow> for MessageView {
    fn from(m: &MessageRow) -> Self {
        MessageView {
            id: m.id,
            conversation_id: m.conversation_id,
            customer_id: m.customer_id,
            channel_id: m.channel_id,
            direction: m.direction.clone(),
            author: m.author.clone(),
            provider_message_id: m.provider_message_id.clone(),
            body: m.body.clone(),
            status: m.status.as_str().to_string(),
            error_code: m.error_code.clone(),
            error_message: m.error_message.clone(),
            queued_at: m.queued_at,
            sent_at: m.sent_at,
            delivered_at: m.delivered_at,
            read_at: m.read_at,
            failed_at: m.failed_at,
            processed_at: m.processed_at,
            created_at: m.created_at,
        }
    }
}

/// The stored fields of a channel an answer shows (never its sealed credentials).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelFields {
    pub id: ChannelId,
    pub business_id: BusinessId,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub api_base: Option<String>,
    pub active: bool,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_inbound_at: Option<i64>,
    pub last_error: Option<String>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_error_at: Option<i64>,
    pub bridge_state: Option<String>,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<&ChannelRow> for ChannelFields {
    fn from(r: &ChannelRow) -> Self {
        ChannelFields {
            id: r.id,
            business_id: r.business_id,
            kind: r.kind.clone(),
            name: r.name.clone(),
            address: r.address.clone(),
            api_base: r.api_base.clone(),
            active: r.active,
            last_inbound_at: r.last_inbound_at,
            last_error: r.last_error.clone(),
            last_error_at: r.last_error_at,
            bridge_state: r.bridge_state.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
