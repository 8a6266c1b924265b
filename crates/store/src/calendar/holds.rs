//! The short holds placed while a customer confirms (what keeps staff busy is in `busy.rs`).
use chrono::{DateTime, Utc};
use switchboard_domain::{
    ConversationId, CustomerId, HoldId, ServiceId, StaffId, booking::SlotHold,
};

use super::*;
use crate::{StoreError, StoreResult, TenantStore, on_tx};

/// A hold to place.
#[derive(Clone, Debug)]
pub struct NewHold {
    pub staff_id: StaffId,
    pub service_id: ServiceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub conversation_id: Option<ConversationId>,
    pub customer_id: Option<CustomerId>,
    pub ttl_ms: i64,
}

impl TenantStore {
    /// Holds a slot for a while. A conversation holds at most one slot: its earlier hold is
    /// given up in the same transaction.
    pub async fn hold_slot(&self, h: &NewHold) -> StoreResult<SlotHold> {
        let now = self.store.clock.now_ms();
        let id = HoldId::new();
        let expires_at = now + h.ttl_ms.max(1000);
        let staff = h.staff_id;
        let conversation = h.conversation_id;
        let occupied = self.occupied(h.service_id, h.start, h.end).await?;
        let mut tx = self.store.begin().await?;
        purge_expired(&mut tx, staff, now).await?;
        release_holds(&mut tx, self.business_id, None, conversation).await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO slot_holds (id, business_id, staff_id, service_id, start_at, end_at, conversation_id, customer_id, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(id)
            .bind(self.business_id)
            .bind(staff)
            .bind(h.service_id)
            .bind(ms(h.start))
            .bind(ms(h.end))
            .bind(conversation)
            .bind(h.customer_id)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        claim_cells(
            &mut tx,
            self.business_id,
            staff,
            occupied,
            (None, Some(id)),
            Some(expires_at),
        )
        .await?;
        tx.commit().await?;
        Ok(SlotHold {
            id,
            staff_id: h.staff_id,
            service_id: h.service_id,
            start: h.start,
            end: h.end,
            conversation_id: conversation,
            customer_id: h.customer_id,
            expires_at,
        })
    }

    pub async fn release_slot_hold(&self, id: HoldId) -> StoreResult<()> {
        let mut tx = self.store.begin().await?;
        let found: Option<HoldId> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM slot_holds WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .fetch_optional(&mut *c)
            .await)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        release_holds(&mut tx, self.business_id, Some(id), None).await?;
        tx.commit().await
    }

    /// Gives up every hold `conversation` placed (a declined proposal frees its time at once
    /// instead of when the hold expires). Nothing to release is not an error.
    pub async fn release_conversation_holds(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<()> {
        let mut tx = self.store.begin().await?;
        release_holds(&mut tx, self.business_id, None, Some(conversation)).await?;
        tx.commit().await
    }
}
