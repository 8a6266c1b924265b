//! The built-in calendar: services, staff with weekly hours and time off, appointments and
//! short slot holds.
//!
//! Double booking is impossible by construction: every booked appointment and every live hold
//! claims the 5-minute cells of its staff member's time in `calendar_cells`, whose primary key
//! is `(staff_id, cell)`. Two writers racing for overlapping time cannot both insert their
//! cells, on SQLite or on PostgreSQL, whatever the code above does. Expired holds give their
//! cells up lazily: every write first deletes the expired hold cells of its staff member.
mod appointments;
mod busy;
mod holds;
mod services;
mod staff;

pub use appointments::{AppointmentFilter, NewAppointment};
pub use holds::NewHold;

use chrono::{DateTime, Utc};
use switchboard_domain::{AppointmentId, BusinessId, ConversationId, HoldId, StaffId};

use crate::{StoreError, StoreResult, Tx, on_tx};

/// The width of one occupancy cell.
pub const CELL_MS: i64 = 5 * 60 * 1000;

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(v).ok_or_else(|| StoreError::Corrupt(format!("bad time {v}")))
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// What a free-time search should not count as busy: the searcher's own holds and the
/// appointment being moved.
#[derive(Clone, Copy, Debug, Default)]
pub struct Own {
    pub conversation: Option<ConversationId>,
    pub hold: Option<HoldId>,
    pub appointment: Option<AppointmentId>,
}

fn cells(start: DateTime<Utc>, end: DateTime<Utc>) -> (i64, i64) {
    let first = ms(start).div_euclid(CELL_MS);
    let last = (ms(end) + CELL_MS - 1).div_euclid(CELL_MS);
    (first, last.max(first + 1))
}

/// Claims the cells of `[start, end)` for an appointment or a hold; a clash means the time is
/// taken.
async fn claim_cells(
    tx: &mut Tx,
    business: BusinessId,
    staff: StaffId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    owner: (Option<AppointmentId>, Option<HoldId>),
    expires_at: Option<i64>,
) -> StoreResult<()> {
    let (first, last) = cells(start, end);
    let res = on_tx!(tx, c => sqlx::query(
        "WITH RECURSIVE c(n) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT n + 1 FROM c WHERE n + 1 < $2) \
         INSERT INTO calendar_cells (staff_id, cell, business_id, appointment_id, hold_id, expires_at) \
         SELECT $3, n, $4, $5, $6, $7 FROM c")
        .bind(first)
        .bind(last)
        .bind(staff)
        .bind(business)
        .bind(owner.0)
        .bind(owner.1)
        .bind(expires_at)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()));
    match res {
        Ok(_) => Ok(()),
        Err(e) => match StoreError::from(e) {
            StoreError::Conflict(_) => Err(StoreError::SlotTaken),
            other => Err(other),
        },
    }
}

/// Frees the cells of holds that have expired for one staff member.
async fn purge_expired(tx: &mut Tx, staff: StaffId, now: i64) -> StoreResult<()> {
    on_tx!(tx, c => sqlx::query(
        "DELETE FROM calendar_cells WHERE staff_id = $1 AND hold_id IS NOT NULL AND expires_at <= $2")
        .bind(staff)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    on_tx!(tx, c => sqlx::query("DELETE FROM slot_holds WHERE staff_id = $1 AND expires_at <= $2")
        .bind(staff)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Gives up holds (and their cells) by id or by the conversation that placed them.
async fn release_holds(
    tx: &mut Tx,
    business: BusinessId,
    hold: Option<HoldId>,
    conversation: Option<ConversationId>,
) -> StoreResult<()> {
    if hold.is_none() && conversation.is_none() {
        return Ok(());
    }
    let ids: Vec<HoldId> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM slot_holds WHERE business_id = $1 AND (id = $2 OR conversation_id = $3)")
        .bind(business)
        .bind(hold)
        .bind(conversation)
        .fetch_all(&mut *c)
        .await)?;
    for id in ids {
        on_tx!(tx, c => sqlx::query("DELETE FROM calendar_cells WHERE hold_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("DELETE FROM slot_holds WHERE id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cover_the_interval() {
        let t = |m: i64| DateTime::from_timestamp_millis(m * 60_000).unwrap();
        assert_eq!(cells(t(0), t(60)), (0, 12));
        assert_eq!(cells(t(3), t(7)), (0, 2));
        assert_eq!(cells(t(5), t(5)), (1, 2));
    }
}
