//! The outbox's record of each send attempt, so a message the provider accepted is never sent
//! again: an attempt is marked started (`sending`, no `sent_at`) before the provider is called,
//! and its outcome — accepted, refused, or failed before reaching the provider — after.
use switchboard_domain::MessageId;

use crate::{Store, StoreError, StoreResult, messaging::MessageStatus, on_db};

/// What [`Store::begin_send`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendClaim {
    /// The row was queued and is now marked as being sent: call the provider once.
    Claimed,
    /// Sent or failed by an earlier attempt: nothing to do.
    Done,
    /// An earlier attempt started and never recorded its outcome (the process died mid-call,
    /// or the write after the provider's answer failed): the provider may have the message.
    Unknown,
}

/// `error_code` of a message whose send attempt has an unknown outcome: it is not sent
/// again automatically, because none of our providers deduplicates sends; staff decide.
pub const OUTCOME_UNKNOWN: &str = "outcome_unknown";

impl Store {
    /// Marks a queued outbound message as being sent. Only one caller wins the row; the state
    /// is durable before the provider is called, so a crash leaves [`SendClaim::Unknown`].
    pub async fn begin_send(&self, id: MessageId) -> StoreResult<SendClaim> {
        let claimed = on_db!(&self.db, w, p => sqlx::query(
            "UPDATE messages SET status = 'sending' WHERE id = $1 AND direction = 'out' AND status = 'queued' AND sent_at IS NULL")
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if claimed == 1 {
            return Ok(SendClaim::Claimed);
        }
        let row: Option<(MessageStatus, Option<i64>)> = on_db!(&self.db, w, p => sqlx::query_as(
            "SELECT status, sent_at FROM messages WHERE id = $1 AND direction = 'out'")
            .bind(id)
            .fetch_optional(p)
            .await)?;
        match row {
            None => Err(StoreError::NotFound),
            Some((MessageStatus::Sending, None)) => Ok(SendClaim::Unknown),
            Some(_) => Ok(SendClaim::Done),
        }
    }

    /// Puts a message back in the queue after an attempt that certainly did not reach the
    /// provider (no connection, or the provider answered with an error), so a retry may send.
    pub async fn release_send(&self, id: MessageId) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query(
            "UPDATE messages SET status = 'queued' WHERE id = $1 AND status = 'sending' AND sent_at IS NULL")
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Records a provider's acceptance: its id and status. Idempotent. A provider id already
    /// on another message of the channel (Telegram numbers messages per chat; a provider may
    /// repeat itself) is not an error: the acceptance is recorded without the id, which only
    /// costs status callbacks for this message.
    pub async fn mark_sent(
        &self,
        id: MessageId,
        provider_id: &str,
        status: MessageStatus,
    ) -> StoreResult<()> {
        match self.write_sent(id, Some(provider_id), status).await {
            Err(StoreError::Conflict(_)) => {
                tracing::warn!(
                    message = %id,
                    provider_message_id = provider_id,
                    "provider id already recorded on another message; kept without it"
                );
                self.write_sent(id, None, status).await
            }
            other => other,
        }
    }

    async fn write_sent(
        &self,
        id: MessageId,
        provider_id: Option<&str>,
        status: MessageStatus,
    ) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query(
            "UPDATE messages SET provider_message_id = COALESCE($2, provider_message_id), \
             status = CASE WHEN status IN ('queued', 'sending') THEN $3 ELSE status END, \
             sent_at = COALESCE(sent_at, $4) WHERE id = $1")
            .bind(id)
            .bind(provider_id)
            .bind(status)
            .bind(self.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Records a permanent send failure with the provider's code.
    pub async fn mark_failed(
        &self,
        id: MessageId,
        code: Option<&str>,
        message: &str,
    ) -> StoreResult<()> {
        on_db!(&self.db, w, p => sqlx::query(
            "UPDATE messages SET status = 'failed', error_code = $2, error_message = $3, failed_at = $4 WHERE id = $1")
            .bind(id)
            .bind(code)
            .bind(message.chars().take(500).collect::<String>())
            .bind(self.clock.now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
