//! The built-in calendar: services, staff with weekly hours and time off, appointments and
//! short slot holds.
//!
//! Double booking is impossible by construction: every booked appointment and every live hold
//! claims the 5-minute cells of its staff member's time in `calendar_cells`, whose primary key
//! is `(staff_id, cell)`. Two writers racing for overlapping time cannot both insert their
//! cells, on SQLite or on PostgreSQL, whatever the code above does. Expired holds give their
//! cells up lazily: every write first deletes the expired hold cells of its staff member.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::{
    AppointmentId, ConversationId, CustomerId, HoldId, ServiceId, StaffId,
    calendar::{Interval, SlotRules, WeeklyHours},
    time::now_ms,
};

use crate::{StoreError, StoreResult, TenantStore, Tx, error::parse_id, on_db, on_tx};

/// The width of one occupancy cell.
pub const CELL_MS: i64 = 5 * 60 * 1000;

/// Appointment statuses.
pub const BOOKED: &str = "booked";
pub const CANCELLED: &str = "cancelled";
pub const COMPLETED: &str = "completed";
pub const NO_SHOW: &str = "no_show";

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_millis(v).ok_or_else(|| StoreError::Corrupt(format!("bad time {v}")))
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// A bookable service.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Service {
    pub id: ServiceId,
    /// The name per language code (`en`, `ru`, `he`).
    pub names: BTreeMap<String, String>,
    /// Other names customers use for it (short forms, synonyms), in any language.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: String,
    pub duration_min: u32,
    /// Price in minor units of `currency`.
    pub price_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    /// How far ahead of now the earliest bookable start is.
    pub lead_time_min: u32,
    /// Distance between offered starts; 0 means the duration.
    pub step_min: u32,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Service {
    pub fn rules(&self) -> SlotRules {
        SlotRules {
            duration_min: self.duration_min,
            buffer_before_min: self.buffer_before_min,
            buffer_after_min: self.buffer_after_min,
            lead_time_min: self.lead_time_min,
            step_min: self.step_min,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ServiceDb {
    id: String,
    names: String,
    aliases: String,
    description: String,
    duration_min: i64,
    price_minor: i64,
    currency: String,
    buffer_before_min: i64,
    buffer_after_min: i64,
    lead_time_min: i64,
    step_min: i64,
    active: bool,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ServiceDb> for Service {
    type Error = StoreError;
    fn try_from(r: ServiceDb) -> StoreResult<Self> {
        Ok(Service {
            id: parse_id(&r.id)?,
            names: serde_json::from_str(&r.names)?,
            aliases: serde_json::from_str(&r.aliases)?,
            description: r.description,
            duration_min: u32_of(r.duration_min),
            price_minor: r.price_minor,
            currency: r.currency,
            buffer_before_min: u32_of(r.buffer_before_min),
            buffer_after_min: u32_of(r.buffer_after_min),
            lead_time_min: u32_of(r.lead_time_min),
            step_min: u32_of(r.step_min),
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SERVICE_COLUMNS: &str = "id, names, description, duration_min, price_minor, currency, buffer_before_min, buffer_after_min, lead_time_min, step_min, active, created_at, updated_at, aliases";

/// A staff member who can be booked.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Staff {
    pub id: StaffId,
    pub name: String,
    /// Weekly working hours in the business time zone.
    pub hours: WeeklyHours,
    /// The services this person provides.
    pub service_ids: Vec<ServiceId>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct StaffDb {
    id: String,
    name: String,
    hours: String,
    active: bool,
    created_at: i64,
    updated_at: i64,
}

/// A period a staff member does not work (vacation, sick day, a break).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimeOff {
    pub id: String,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub reason: String,
}

/// A booked (or past, or cancelled) appointment.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Appointment {
    pub id: AppointmentId,
    pub customer_id: CustomerId,
    pub service_id: ServiceId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `booked`, `cancelled`, `completed` or `no_show`.
    pub status: String,
    /// Who booked it: `agent`, `api` or `staff`.
    pub source: String,
    pub channel_id: Option<String>,
    pub conversation_id: Option<String>,
    pub notes: String,
    pub price_minor: i64,
    pub currency: String,
    pub cancelled_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct AppointmentDb {
    id: String,
    customer_id: String,
    service_id: String,
    staff_id: String,
    start_at: i64,
    end_at: i64,
    status: String,
    source: String,
    channel_id: Option<String>,
    conversation_id: Option<String>,
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
            id: parse_id(&r.id)?,
            customer_id: parse_id(&r.customer_id)?,
            service_id: parse_id(&r.service_id)?,
            staff_id: parse_id(&r.staff_id)?,
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

/// A short reservation of a slot while a customer confirms.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlotHold {
    pub id: HoldId,
    pub staff_id: StaffId,
    pub service_id: ServiceId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub conversation_id: Option<String>,
    pub customer_id: Option<String>,
    /// Epoch milliseconds after which the slot is free again.
    pub expires_at: i64,
}

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

/// An appointment to book.
#[derive(Clone, Debug)]
pub struct NewAppointment {
    pub customer_id: CustomerId,
    pub service_id: ServiceId,
    pub staff_id: StaffId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub source: String,
    pub channel_id: Option<String>,
    pub conversation_id: Option<ConversationId>,
    pub notes: String,
    pub price_minor: i64,
    pub currency: String,
    /// A hold of the same booker to give up in the same transaction.
    pub hold_id: Option<HoldId>,
    /// Repeating a booking with the same key returns the first booking.
    pub idempotency_key: Option<String>,
}

/// What a free-time search should not count as busy: the searcher's own holds and the
/// appointment being moved.
#[derive(Clone, Copy, Debug, Default)]
pub struct Own {
    pub conversation: Option<ConversationId>,
    pub hold: Option<HoldId>,
    pub appointment: Option<AppointmentId>,
}

/// Filters for listing appointments.
#[derive(Clone, Debug, Default)]
pub struct AppointmentFilter {
    pub customer_id: Option<String>,
    pub staff_id: Option<String>,
    pub status: Option<String>,
    /// Appointments ending after this instant (ms).
    pub from: Option<i64>,
    /// Appointments starting before this instant (ms).
    pub to: Option<i64>,
    pub limit: i64,
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
    business: &str,
    staff: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    owner: (Option<&str>, Option<&str>),
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
async fn purge_expired(tx: &mut Tx, staff: &str, now: i64) -> StoreResult<()> {
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
    business: &str,
    hold: Option<&str>,
    conversation: Option<&str>,
) -> StoreResult<()> {
    if hold.is_none() && conversation.is_none() {
        return Ok(());
    }
    let ids: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM slot_holds WHERE business_id = $1 AND (id = $2 OR conversation_id = $3)")
        .bind(business)
        .bind(hold)
        .bind(conversation)
        .fetch_all(&mut *c)
        .await)?;
    for id in ids {
        on_tx!(tx, c => sqlx::query("DELETE FROM calendar_cells WHERE hold_id = $1")
            .bind(&id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("DELETE FROM slot_holds WHERE id = $1")
            .bind(&id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

impl TenantStore {
    fn biz(&self) -> String {
        self.business_id.to_string()
    }

    // ---- services ----

    pub async fn list_services(&self, include_inactive: bool) -> StoreResult<Vec<Service>> {
        let sql = format!(
            "SELECT {SERVICE_COLUMNS} FROM services WHERE business_id = $1 AND (active = TRUE OR $2) ORDER BY id"
        );
        let rows: Vec<ServiceDb> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.biz())
            .bind(include_inactive)
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(Service::try_from).collect()
    }

    pub async fn get_service(&self, id: ServiceId) -> StoreResult<Service> {
        let sql =
            format!("SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1 AND business_id = $2");
        let row: ServiceDb = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id.to_string())
            .bind(self.biz())
            .fetch_one(p)
            .await)?;
        row.try_into()
    }

    /// Inserts or updates (by id) a service with every field as given.
    pub async fn save_service(&self, s: &Service) -> StoreResult<Service> {
        let now = now_ms();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO services (id, business_id, names, description, duration_min, price_minor, currency, buffer_before_min, buffer_after_min, lead_time_min, step_min, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
             ON CONFLICT (id) DO UPDATE SET names = $3, description = $4, duration_min = $5, price_minor = $6, currency = $7, \
             buffer_before_min = $8, buffer_after_min = $9, lead_time_min = $10, step_min = $11, active = $12, updated_at = $13 \
             WHERE services.business_id = $2")
            .bind(s.id.to_string())
            .bind(self.biz())
            .bind(serde_json::to_string(&s.names)?)
            .bind(&s.description)
            .bind(i64::from(s.duration_min))
            .bind(s.price_minor)
            .bind(&s.currency)
            .bind(i64::from(s.buffer_before_min))
            .bind(i64::from(s.buffer_after_min))
            .bind(i64::from(s.lead_time_min))
            .bind(i64::from(s.step_min))
            .bind(s.active)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        // Aliases in their own statement, so the upsert above stays as it is.
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE services SET aliases = $1 WHERE id = $2 AND business_id = $3")
            .bind(serde_json::to_string(&s.aliases)?)
            .bind(s.id.to_string())
            .bind(self.biz())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_service(s.id).await
    }

    // ---- staff ----

    /// Staff with their services: every member (active ones unless `include_inactive`), or
    /// just `only`.
    async fn load_staff(
        &self,
        include_inactive: bool,
        only: Option<StaffId>,
    ) -> StoreResult<Vec<Staff>> {
        let only = only.map(|id| id.to_string());
        let rows: Vec<StaffDb> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, name, hours, active, created_at, updated_at FROM staff WHERE business_id = $1 AND (active = TRUE OR $2) \
             AND ($3 IS NULL OR id = $3) ORDER BY id")
            .bind(self.biz())
            .bind(include_inactive || only.is_some())
            .bind(&only)
            .fetch_all(p)
            .await)?;
        let links: Vec<(String, String)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT staff_id, service_id FROM staff_services WHERE business_id = $1 AND ($2 IS NULL OR staff_id = $2) ORDER BY service_id")
            .bind(self.biz())
            .bind(&only)
            .fetch_all(p)
            .await)?;
        let mut services: HashMap<String, Vec<ServiceId>> = HashMap::new();
        for (staff, service) in links {
            services.entry(staff).or_default().push(parse_id(&service)?);
        }
        rows.into_iter()
            .map(|r| {
                Ok(Staff {
                    id: parse_id(&r.id)?,
                    hours: serde_json::from_str(&r.hours)?,
                    service_ids: services.remove(&r.id).unwrap_or_default(),
                    name: r.name,
                    active: r.active,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                })
            })
            .collect()
    }

    pub async fn list_staff(&self, include_inactive: bool) -> StoreResult<Vec<Staff>> {
        self.load_staff(include_inactive, None).await
    }

    pub async fn get_staff(&self, id: StaffId) -> StoreResult<Staff> {
        self.load_staff(true, Some(id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Inserts or updates (by id) a staff member, replacing their service list.
    pub async fn save_staff(&self, s: &Staff) -> StoreResult<Staff> {
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO staff (id, business_id, name, hours, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
             ON CONFLICT (id) DO UPDATE SET name = $3, hours = $4, active = $5, updated_at = $6 WHERE staff.business_id = $2")
            .bind(s.id.to_string())
            .bind(self.biz())
            .bind(&s.name)
            .bind(serde_json::to_string(&s.hours)?)
            .bind(s.active)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM staff_services WHERE staff_id = $1")
            .bind(s.id.to_string())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        for service in &s.service_ids {
            // The service must belong to this business.
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO staff_services (business_id, staff_id, service_id) SELECT $1, $2, id FROM services WHERE id = $3 AND business_id = $1")
                .bind(self.biz())
                .bind(s.id.to_string())
                .bind(service.to_string())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        self.get_staff(s.id).await
    }

    pub async fn list_time_off(
        &self,
        staff: Option<StaffId>,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<TimeOff>> {
        let rows: Vec<(String, String, i64, i64, String)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, staff_id, start_at, end_at, reason FROM staff_time_off WHERE business_id = $1 AND ($2 IS NULL OR staff_id = $2) \
             AND end_at > $3 AND start_at < $4 ORDER BY start_at")
            .bind(self.biz())
            .bind(staff.map(|s| s.to_string()))
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|(id, staff_id, s, e, reason)| {
                Ok(TimeOff {
                    id,
                    staff_id: parse_id(&staff_id)?,
                    start: from_ms(s)?,
                    end: from_ms(e)?,
                    reason,
                })
            })
            .collect()
    }

    pub async fn add_time_off(
        &self,
        staff: StaffId,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        reason: &str,
    ) -> StoreResult<TimeOff> {
        self.get_staff(staff).await?;
        let id = uuid::Uuid::now_v7().to_string();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO staff_time_off (id, business_id, staff_id, start_at, end_at, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id)
            .bind(self.biz())
            .bind(staff.to_string())
            .bind(ms(start))
            .bind(ms(end))
            .bind(reason)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(TimeOff {
            id,
            staff_id: staff,
            start,
            end,
            reason: reason.to_string(),
        })
    }

    pub async fn delete_time_off(&self, staff: StaffId, id: &str) -> StoreResult<()> {
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "DELETE FROM staff_time_off WHERE id = $1 AND staff_id = $2 AND business_id = $3")
            .bind(id)
            .bind(staff.to_string())
            .bind(self.biz())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// The time a booking of `service` from `start` to `end` takes from its staff member:
    /// the appointment widened by the service's preparation and clean-up buffers.
    async fn occupied(
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
        let rows: Vec<(String, i64, i64)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT a.staff_id, a.start_at - s.buffer_before_min * 60000, a.end_at + s.buffer_after_min * 60000 \
             FROM appointments a JOIN services s ON s.id = a.service_id \
             WHERE a.business_id = $1 AND a.status <> 'cancelled' AND a.end_at > $2 AND a.start_at < $3 AND a.id <> COALESCE($7, '-') \
             UNION ALL SELECT h.staff_id, h.start_at - s.buffer_before_min * 60000, h.end_at + s.buffer_after_min * 60000 \
             FROM slot_holds h JOIN services s ON s.id = h.service_id \
             WHERE h.business_id = $1 AND h.expires_at > $4 AND h.end_at > $2 AND h.start_at < $3 \
             AND COALESCE(h.conversation_id, '') <> COALESCE($5, '-') AND h.id <> COALESCE($6, '-')")
            .bind(self.biz())
            .bind(from)
            .bind(to)
            .bind(now_ms())
            .bind(own.conversation.map(|c| c.to_string()))
            .bind(own.hold.map(|h| h.to_string()))
            .bind(own.appointment.map(|a| a.to_string()))
            .fetch_all(p)
            .await)?;
        let mut map: HashMap<StaffId, Vec<Interval>> = HashMap::new();
        for (staff, s, e) in rows {
            map.entry(parse_id(&staff)?)
                .or_default()
                .push(Interval::new(from_ms(s)?, from_ms(e)?));
        }
        Ok(map)
    }

    // ---- holds ----

    /// Holds a slot for a while. A conversation holds at most one slot: its earlier hold is
    /// given up in the same transaction.
    pub async fn hold_slot(&self, h: &NewHold) -> StoreResult<SlotHold> {
        let now = now_ms();
        let id = HoldId::new();
        let expires_at = now + h.ttl_ms.max(1000);
        let staff = h.staff_id.to_string();
        let conversation = h.conversation_id.map(|c| c.to_string());
        let occupied = self.occupied(h.service_id, h.start, h.end).await?;
        let mut tx = self.store.begin().await?;
        purge_expired(&mut tx, &staff, now).await?;
        release_holds(&mut tx, &self.biz(), None, conversation.as_deref()).await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO slot_holds (id, business_id, staff_id, service_id, start_at, end_at, conversation_id, customer_id, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind(id.to_string())
            .bind(self.biz())
            .bind(&staff)
            .bind(h.service_id.to_string())
            .bind(ms(h.start))
            .bind(ms(h.end))
            .bind(&conversation)
            .bind(h.customer_id.map(|c| c.to_string()))
            .bind(expires_at)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        let id_text = id.to_string();
        claim_cells(
            &mut tx,
            &self.biz(),
            &staff,
            occupied,
            (None, Some(&id_text)),
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
            customer_id: h.customer_id.map(|c| c.to_string()),
            expires_at,
        })
    }

    pub async fn release_slot_hold(&self, id: HoldId) -> StoreResult<()> {
        let mut tx = self.store.begin().await?;
        let found: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM slot_holds WHERE id = $1 AND business_id = $2")
            .bind(id.to_string())
            .bind(self.biz())
            .fetch_optional(&mut *c)
            .await)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        release_holds(&mut tx, &self.biz(), Some(&id.to_string()), None).await?;
        tx.commit().await
    }

    /// Gives up every hold `conversation` placed (a declined proposal frees its time at once
    /// instead of when the hold expires). Nothing to release is not an error.
    pub async fn release_conversation_holds(
        &self,
        conversation: ConversationId,
    ) -> StoreResult<()> {
        let mut tx = self.store.begin().await?;
        release_holds(&mut tx, &self.biz(), None, Some(&conversation.to_string())).await?;
        tx.commit().await
    }

    // ---- appointments ----

    pub async fn get_appointment(&self, id: AppointmentId) -> StoreResult<Appointment> {
        let sql = format!(
            "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE id = $1 AND business_id = $2"
        );
        let row: AppointmentDb = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id.to_string())
            .bind(self.biz())
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
            .bind(self.biz())
            .bind(&f.customer_id)
            .bind(&f.staff_id)
            .bind(&f.status)
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
            .bind(self.biz())
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
        let staff = a.staff_id.to_string();
        let mut tx = self.store.begin().await?;
        purge_expired(&mut tx, &staff, now).await?;
        release_holds(
            &mut tx,
            &self.biz(),
            a.hold_id.map(|h| h.to_string()).as_deref(),
            a.conversation_id.map(|c| c.to_string()).as_deref(),
        )
        .await?;
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO appointments (id, business_id, customer_id, service_id, staff_id, start_at, end_at, status, source, channel_id, conversation_id, notes, price_minor, currency, idempotency_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'booked', $8, $9, $10, $11, $12, $13, $14, $15, $15)")
            .bind(id.to_string())
            .bind(self.biz())
            .bind(a.customer_id.to_string())
            .bind(a.service_id.to_string())
            .bind(&staff)
            .bind(ms(a.start))
            .bind(ms(a.end))
            .bind(&a.source)
            .bind(&a.channel_id)
            .bind(a.conversation_id.map(|c| c.to_string()))
            .bind(&a.notes)
            .bind(a.price_minor)
            .bind(&a.currency)
            .bind(&a.idempotency_key)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        let id_text = id.to_string();
        claim_cells(
            &mut tx,
            &self.biz(),
            &staff,
            occupied,
            (Some(&id_text), None),
            None,
        )
        .await?;
        tx.commit().await?;
        self.get_appointment(id).await
    }

    /// Cancels a booked appointment and frees its time. Cancelling twice is fine.
    pub async fn cancel_appointment(&self, id: AppointmentId) -> StoreResult<Appointment> {
        let current = self.get_appointment(id).await?;
        if current.status == CANCELLED {
            return Ok(current);
        }
        if current.status != BOOKED {
            return Err(StoreError::Invalid(format!(
                "an appointment that is {} cannot be cancelled",
                current.status
            )));
        }
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let changed = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE appointments SET status = 'cancelled', cancelled_at = $3, updated_at = $3 WHERE id = $1 AND business_id = $2 AND status = 'booked'")
            .bind(id.to_string())
            .bind(self.biz())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if changed == 0 {
            // Changed under us (cancelled, completed...): leave its cells alone.
            drop(tx);
            let current = self.get_appointment(id).await?;
            return if current.status == CANCELLED {
                Ok(current)
            } else {
                Err(StoreError::Invalid(format!(
                    "an appointment that is {} cannot be cancelled",
                    current.status
                )))
            };
        }
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM calendar_cells WHERE appointment_id = $1")
            .bind(id.to_string())
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
        if current.status != BOOKED {
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
        let staff_text = staff.to_string();
        let mut tx = self.store.begin().await?;
        // First the row, conditionally: a cancel racing this move wins or loses whole.
        let moved = on_tx!(&mut tx, c => sqlx::query(
            "UPDATE appointments SET staff_id = $3, start_at = $4, end_at = $5, updated_at = $6 WHERE id = $1 AND business_id = $2 AND status = 'booked'")
            .bind(id.to_string())
            .bind(self.biz())
            .bind(&staff_text)
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
            .bind(id.to_string())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        purge_expired(&mut tx, &staff_text, now).await?;
        release_holds(
            &mut tx,
            &self.biz(),
            None,
            conversation.map(|c| c.to_string()).as_deref(),
        )
        .await?;
        let id_text = id.to_string();
        claim_cells(
            &mut tx,
            &self.biz(),
            &staff_text,
            occupied,
            (Some(&id_text), None),
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
        status: &str,
    ) -> StoreResult<Appointment> {
        if status != COMPLETED && status != NO_SHOW {
            return Err(StoreError::Invalid(format!("unknown outcome {status}")));
        }
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE appointments SET status = $3, updated_at = $4 WHERE id = $1 AND business_id = $2 AND status <> 'cancelled'")
            .bind(id.to_string())
            .bind(self.biz())
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
