//! Services: what can be booked, for how long, at what price.
use switchboard_domain::{ServiceId, booking::Service, time::now_ms};

use super::*;
use crate::{StoreError, StoreResult, TenantStore, on_db};

#[derive(sqlx::FromRow)]
struct ServiceDb {
    id: ServiceId,
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
            id: r.id,
            names: serde_json::from_str(&r.names)?,
            aliases: serde_json::from_str(&r.aliases)?,
            description: r.description,
            duration_min: u32_of(r.duration_min),
            price_minor: r.price_minor,
            currency: r.currency,
            buffer_before_min: u32_of(r.buffer_before_min),
            buffer_after_min: u32_of(r.buffer_after_min),
            lead_time_min: u32_of(r.lead_time_min),
            // 0 is how the column says "the business grid" (it cannot be NULL).
            step_min: Some(u32_of(r.step_min)).filter(|m| *m > 0),
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SERVICE_COLUMNS: &str = "id, names, description, duration_min, price_minor, currency, buffer_before_min, buffer_after_min, lead_time_min, step_min, active, created_at, updated_at, aliases";

impl TenantStore {
    pub async fn list_services(&self, include_inactive: bool) -> StoreResult<Vec<Service>> {
        let sql = format!(
            "SELECT {SERVICE_COLUMNS} FROM services WHERE business_id = $1 AND (active = TRUE OR $2) ORDER BY id"
        );
        let rows: Vec<ServiceDb> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .bind(include_inactive)
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(Service::try_from).collect()
    }

    pub async fn get_service(&self, id: ServiceId) -> StoreResult<Service> {
        let sql =
            format!("SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1 AND business_id = $2");
        let row: ServiceDb = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
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
            .bind(s.id)
            .bind(self.business_id)
            .bind(serde_json::to_string(&s.names)?)
            .bind(&s.description)
            .bind(i64::from(s.duration_min))
            .bind(s.price_minor)
            .bind(&s.currency)
            .bind(i64::from(s.buffer_before_min))
            .bind(i64::from(s.buffer_after_min))
            .bind(i64::from(s.lead_time_min))
            .bind(i64::from(s.step_min.unwrap_or(0)))
            .bind(s.active)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        // Aliases in their own statement, so the upsert above stays as it is.
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE services SET aliases = $1 WHERE id = $2 AND business_id = $3")
            .bind(serde_json::to_string(&s.aliases)?)
            .bind(s.id)
            .bind(self.business_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_service(s.id).await
    }
}
