//! Staff members with their weekly hours and services, and their time off.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::{ServiceId, StaffId, calendar::WeeklyHours, time::now_ms};

use super::*;
use crate::{StoreError, StoreResult, TenantStore, error::parse_id, on_db, on_tx};

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

impl TenantStore {
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
}
