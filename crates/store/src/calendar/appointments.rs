//! Appointments: booking, listing, cancelling, moving and closing them.
use chrono::{DateTime, Utc};
use switchboard_domain::{
    AppointmentId, ChannelId, ConversationId, CustomerId, HoldId, ServiceId, StaffId,
    booking::{Appointment, AppointmentSource, AppointmentStatus},
    time::now_ms,
};

use super::*;
use crate::{StoreError, StoreResult, TenantStore, on_db, on_tx};

#[derive(sqlx::FromRow)]
struct AppointmentDb {
    id: AppointmentId,
    customer_id: CustomerId,
    service_id: ServiceId,
    staff_id: StaffId,
    start_at: i64,
    end_at: i64,
    status: AppointmentStatus,
    source: AppointmentSource,
    channel_id: Option<ChannelId>,
    conversation_id: Option<ConversationId>,
    notes: String,
    price_minor: i64,
    currency: String,
    cancelled_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<AppointmentDb> for Appointment {
    type Error = StoreError;
    fn try_from(r: AppointmentDb) -> StoreResult<Self> {
        Ok(Appointment {
            id: r.id,
            customer_id: r.customer_id,
            service_id: r.service_id,
            staff_id: r.staff_id,
            start: from_ms(r.start_at)?,
            end: from_ms(r.end_at)?,
            status: r.status,
            source: r.source,
            channel_id: r.channel_id,
            conversation_id: r.conversation_id,
            notes: r.notes,
            price_minor: r.price_minor,
            currency: r.currency,
            cancelled_at: r.cancelled_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const APPOINTMENT_COLUMNS: &str = "id, customer_id, service_id, staff_id, start_at, end_at, status, source, channel_id, conversation_id, notes, price_minor, currency, cancelled_at, created_at, updated_at";

/// An appointment to book.
#[derive(Clone, Debug)]
pub struct NewAppointment {
    pub customer_id: CustomerId,
    pub service_id: ServiceId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub source: AppointmentSource,
    pub channel_id: Option<ChannelId>,
    pub conversation_id: Option<ConversationId>,
    pub notes: String,
    pub price_minor: i64,
    pub currency: String,
    /// A hold of the same booker to give up in the same transaction.
    pub hold_id: Option<HoldId>,
    /// Repeating a booking with the same key returns the first booking.
    pub idempotency_key: Option<String>,
}

/// Filters for listing appointments.
#[derive(Clone, Debug, Default)]
pub struct AppointmentFilter {
    pub customer_id: Option<CustomerId>,
    pub staff_id: Option<StaffId>,
    pub status: Option<AppointmentStatus>,
    /// Appointments ending after this instant (ms).
    pub from: Option<i64>,
    /// Appointments starting before this instant (ms).
    pub to: Option<i64>,
    pub limit: i64,
}

impl TenantStore {
    pub async fn get_appointment(&self, id: AppointmentId) -> StoreResult<Appointment> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE id = $1 AND business_id = $2"
        );
        let row: AppointmentDb = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?;
        row.try_into()
    }

    /// In start order.
    pub async fn list_appointments(&self, f: &AppointmentFilter) -> StoreResult<Vec<Appointment>> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE business_id = $1 AND ($2 IS NULL OR customer_id = $2) \
             AND ($3 IS NULL OR staff_id = $3) AND ($4 IS NULL OR status = $4) AND ($5 IS NULL OR end_at > $5) \
             AND ($6 IS NULL OR start_at < $6) ORDER BY start_at, id LIMIT $7"
        );
        let rows: Vec<AppointmentDb> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(f.customer_id)
            .bind(f.staff_id)
            .bind(f.status)
            .bind(f.from)
            .bind(f.to)
            .bind(if f.limit > 0 { f.limit } else { 100 })
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(Appointment::try_from).collect()
    }

    /// The appointment booked with this idempotency key, if any.
    pub async fn appointment_by_key(&self, key: &str) -> StoreResult<Option<Appointment>> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE business_id = $1 AND idempotency_key = $2"
        );
        let row: Option<AppointmentDb> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(key)
            .fetch_optional(p)
            .await)?;
        row.map(Appointment::try_from).transpose()
    }

    /// Books an appointment, or fails with [`StoreError::SlotTaken`] when any of its time is
    /// already booked or held by someone else. The booker's own hold is given up in the same
    /// transaction.
    pub async fn book_appointment(&self, a: &NewAppointment) -> StoreResult<Appointment> {
        if let Some(key) = &a.idempotency_key
            && let Some(done) = self.appointment_by_key(key).await?
        {
            return Ok(done);
        }
        match self.try_book(a).await {
            // The same key raced us and won: its booking is the answer.
            Err(StoreError::Conflict(_)) if a.idempotency_key.is_some() => {
                let key = a.idempotency_key.as_deref().unwrap_or_default();
                self.appointment_by_key(key)
                    .await?
                    .ok_or(StoreError::SlotTaken)
            }
            other => other,
        }
    }

    async fn try_book(&self, a: &NewAppointment) -> StoreResult<Appointment> {
        let occupied = self.occupied(a.service_id, a.start, a.end).await?;
        let now = now_ms();
        let id = AppointmentId::new();
        let staff = a.staff_id;
        let mut tx = self.store.begin().await?;
        purge_expired(&mut tx, staff, now).await?;
        release_holds(&mut tx, self.business_id, a.hold_id, a.conversation_id).await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO appointments (id, business_id, customer_id, service_id, staff_id, start_at, end_at, status, source, channel_id, conversation_id, notes, price_minor, currency, idempotency_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $16, $8, $9, $10, $11, $12, $13, $14, $15, $15)")
            .bind(id)
            .bind(self.business_id)
            .bind(a.customer_id)
            .bind(a.service_id)
            .bind(staff)
            .bind(ms(a.start))
            .bind(ms(a.end))
            .bind(a.source)
            .bind(a.channel_id)
            .bind(a.conversation_id)
            .bind(&a.notes)
            .bind(a.price_minor)
            .bind(&a.currency)
            .bind(&a.idempotency_key)
            .bind(now)
            .bind(AppointmentStatus::Booked)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        claim_cells(
            &mut tx,
            self.business_id,
            staff,
            occupied,
            (Some(id), None),
            None,
        )
        .await?;
        tx.commit().await?;
        self.get_appointment(id).await
    }

    /// Cancels a booked appointment and frees its time. Cancelling twice is fine.
    pub async fn cancel_appointment(&self, id: AppointmentId) -> StoreResult<Appointment> {
        let current = self.get_appointment(id).await?;
        if current.status == AppointmentStatus::Cancelled {
            return Ok(current);
        }
        if current.status != AppointmentStatus::Booked {
            return Err(StoreError::Invalid(format!(
                "an appointment that is {} cannot be cancelled",
                current.status
            )));
        }
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let changed = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE appointments SET status = 'cancelled', cancelled_at = $3, updated_at = $3 WHERE id = $1 AND business_id = $2 AND status = 'booked'")
            .bind(id)
            .bind(self.business_id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if changed == 0 {
            // Changed under us (cancelled, completed...): leave its cells alone.
            drop(tx);
            let current = self.get_appointment(id).await?;
            return if current.status == AppointmentStatus::Cancelled {
                Ok(current)
            } else {
                Err(StoreError::Invalid(format!(
                    "an appointment that is {} cannot be cancelled",
                    current.status
                )))
            };
        }
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM calendar_cells WHERE appointment_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.get_appointment(id).await
    }

    /// Moves a booked appointment, atomically: either it is at the new time (and the old time
    /// is free) or nothing changed and the answer is [`StoreError::SlotTaken`].
    pub async fn reschedule_appointment(
        &self,
        id: AppointmentId,
        staff: StaffId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        conversation: Option<ConversationId>,
    ) -> StoreResult<Appointment> {
        let current = self.get_appointment(id).await?;
        if current.status != AppointmentStatus::Booked {
            return Err(StoreError::Invalid(format!(
                "an appointment that is {} cannot be moved",
                current.status
            )));
        }
        if current.staff_id == staff && current.start == start && current.end == end {
            return Ok(current);
        }
        let occupied = self.occupied(current.service_id, start, end).await?;
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        // First the row, conditionally: a cancel racing this move wins or loses whole.
        let moved = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE appointments SET staff_id = $3, start_at = $4, end_at = $5, updated_at = $6 WHERE id = $1 AND business_id = $2 AND status = 'booked'")
            .bind(id)
            .bind(self.business_id)
            .bind(staff)
            .bind(ms(start))
            .bind(ms(end))
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if moved == 0 {
            return Err(StoreError::Invalid(
                "the appointment changed meanwhile and cannot be moved".into(),
            ));
        }
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM calendar_cells WHERE appointment_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        purge_expired(&mut tx, staff, now).await?;
        release_holds(&mut tx, self.business_id, None, conversation).await?;
        claim_cells(
            &mut tx,
            self.business_id,
            staff,
            occupied,
            (Some(id), None),
            None,
        )
        .await?;
        tx.commit().await?;
        self.get_appointment(id).await
    }

    /// Marks a past appointment `completed` or `no_show` (its time stays taken).
    pub async fn set_appointment_outcome(
        &self,
        id: AppointmentId,
        status: AppointmentStatus,
    ) -> StoreResult<Appointment> {
        if status != AppointmentStatus::Completed && status != AppointmentStatus::NoShow {
            return Err(StoreError::Invalid(format!("unknown outcome {status}")));
        }
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE appointments SET status = $3, updated_at = $4 WHERE id = $1 AND business_id = $2 AND status <> 'cancelled'")
            .bind(id)
            .bind(self.business_id)
            .bind(status)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            let current = self.get_appointment(id).await?;
            return Err(StoreError::Invalid(format!(
                "an appointment that is {} cannot be marked {status}",
                current.status
            )));
        }
        self.get_appointment(id).await
    }
}
