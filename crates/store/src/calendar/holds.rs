//! What keeps staff busy (appointments and live holds) and the short holds placed while a
//! customer confirms.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_domain::{
    ConversationId, CustomerId, HoldId, ServiceId, StaffId, booking::SlotHold, calendar::Interval,
};

use super::*;
use crate::{StoreError, StoreResult, TenantStore, on_db, on_tx};

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
    /// The time a booking of `service` from `start` to `end` takes from its staff member:
    /// the appointment widened by the service's preparation and clean-up buffers.
    pub(super) async fn occupied(
        &self,
        service: ServiceId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> StoreResult<(DateTime<Utc>, DateTime<Utc>)> {
        let s = self.get_service(service).await?;
        Ok((
            start - chrono::Duration::minutes(i64::from(s.buffer_before_min)),
            end + chrono::Duration::minutes(i64::from(s.buffer_after_min)),
        ))
    }

    /// What keeps each staff member busy in `[from, to)`, buffers included: booked (and past)
    /// appointments and live holds, except what `own` names (a customer does not compete with their own hold,
    /// and a moved appointment not with its old time).
    pub async fn busy_intervals(
        &self,
        from: i64,
        to: i64,
        own: &Own,
    ) -> StoreResult<HashMap<StaffId, Vec<Interval>>> {
        let rows: Vec<(StaffId, i64, i64)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT a.staff_id, a.start_at - s.buffer_before_min * 60000, a.end_at + s.buffer_after_min * 60000 \
             FROM appointments a JOIN services s ON s.id = a.service_id \
             WHERE a.business_id = $1 AND a.status <> 'cancelled' AND a.end_at > $2 AND a.start_at < $3 AND a.id <> COALESCE($7, '-') \
             UNION ALL SELECT h.staff_id, h.start_at - s.buffer_before_min * 60000, h.end_at + s.buffer_after_min * 60000 \
             FROM slot_holds h JOIN services s ON s.id = h.service_id \
             WHERE h.business_id = $1 AND h.expires_at > $4 AND h.end_at > $2 AND h.start_at < $3 \
             AND COALESCE(h.conversation_id, '') <> COALESCE($5, '-') AND h.id <> COALESCE($6, '-')")
            .bind(self.business_id)
            .bind(from)
            .bind(to)
            .bind(self.store.clock.now_ms())
            .bind(own.conversation)
            .bind(own.hold)
            .bind(own.appointment)
            .fetch_all(p)
            .await)?;
        let mut map: HashMap<StaffId, Vec<Interval>> = HashMap::new();
        for (staff, s, e) in rows {
            map.entry(staff)
                .or_default()
                .push(Interval::new(from_ms(s)?, from_ms(e)?));
        }
        Ok(map)
    }

    // ---- holds ----

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
