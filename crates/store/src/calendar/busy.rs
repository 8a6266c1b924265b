//! What keeps staff busy: booked (and past) appointments and live holds, widened by the
//! services' buffers.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_domain::{ServiceId, StaffId, calendar::Interval};

use super::*;
use crate::{StoreResult, TenantStore, on_db};

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
}
