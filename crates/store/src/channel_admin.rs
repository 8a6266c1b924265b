//! Changing and removing a business's channels. Removing is a soft delete (`active = FALSE`):
//! the channel's conversations and messages stay (they reference it), while the list, the API
//! and its webhooks stop seeing it.
use switchboard_domain::{ChannelId, ConversationId, MessageId, time::now_ms};

use crate::{StoreError, StoreResult, TenantStore, messaging::ChannelRow, on_db};

/// What to change on a channel; `None` keeps the stored value.
#[derive(Default)]
pub struct ChannelUpdate {
    pub name: Option<String>,
    /// Already sealed.
    pub credentials: Option<String>,
    /// `Some(None)` removes the override.
    pub api_base: Option<Option<String>>,
    pub settings: Option<serde_json::Value>,
}

impl TenantStore {
    /// Applies `update` to an active channel of this business and returns it.
    pub async fn update_channel(
        &self,
        id: ChannelId,
        update: ChannelUpdate,
    ) -> StoreResult<ChannelRow> {
        let settings = update
            .settings
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        let changed = on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE channels SET name = COALESCE($3, name), credentials = COALESCE($4, credentials), \
             api_base = CASE WHEN $5 THEN $6 ELSE api_base END, settings = COALESCE($7, settings), updated_at = $8 \
             WHERE id = $1 AND business_id = $2 AND active = TRUE")
            .bind(id)
            .bind(self.business_id)
            .bind(update.name)
            .bind(update.credentials)
            .bind(update.api_base.is_some())
            .bind(update.api_base.flatten())
            .bind(settings)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        self.get_channel(id).await
    }

    /// Deactivates a channel of this business; `NotFound` when it is not an active one here.
    pub async fn delete_channel(&self, id: ChannelId) -> StoreResult<()> {
        let changed = on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE channels SET active = FALSE, updated_at = $3 WHERE id = $1 AND business_id = $2 AND active = TRUE")
            .bind(id)
            .bind(self.business_id)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The message and conversation ids of an inbound message already stored under the
    /// provider's id, so a repeated delivery can be answered with what it created.
    pub async fn inbound_by_provider_id(
        &self,
        channel_id: ChannelId,
        provider_message_id: &str,
    ) -> StoreResult<Option<(MessageId, ConversationId)>> {
        Ok(on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, conversation_id FROM messages WHERE business_id = $1 AND channel_id = $2 AND provider_message_id = $3 AND direction = 'in'")
            .bind(self.business_id)
            .bind(channel_id)
            .bind(provider_message_id)
            .fetch_optional(p)
            .await)?)
    }
}
