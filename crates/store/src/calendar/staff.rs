//! Staff members with their weekly hours and services, and their time off.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use switchboard_domain::{
    ServiceId, StaffId, TimeOffId,
    booking::{Staff, TimeOff},
    time::now_ms,
};

use super::*;
use crate::{StoreError, StoreResult, TenantStore, on_db, on_tx};

#[derive(sqlx::FromRow)]
struct StaffDb {
    id: StaffId,
    name: String,
    hours: String,
    active: bool,
    created_at: i64,
    updated_at: i64,
}

impl TenantStore {
    /// Staff with their services: every member (active ones unless `include_inactive`), or
    /// just `only`.
    async fn load_staff(
        &self,
        include_inactive: bool,
        only: Option<StaffId>,
    ) -> StoreResult<Vec<Staff>> {
        let rows: Vec<StaffDb> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, name, hours, active, created_at, updated_at FROM staff WHERE business_id = $1 AND (active = TRUE OR $2) \
             AND ($3 IS NULL OR id = $3) ORDER BY id")
            .bind(self.business_id)
            .bind(include_inactive || only.is_some())
            .bind(only)
            .fetch_all(p)
            .await)?;
        let links: Vec<(StaffId, ServiceId)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT staff_id, service_id FROM staff_services WHERE business_id = $1 AND ($2 IS NULL OR staff_id = $2) ORDER BY service_id")
            .bind(self.business_id)
            .bind(only)
            .fetch_all(p)
            .await)?;
        let mut services: HashMap<StaffId, Vec<ServiceId>> = HashMap::new();
        for (staff, service) in links {
            services.entry(staff).or_default().push(service);
        }
        rows.into_iter()
            .map(|r| {
                Ok(Staff {
                    id: r.id,
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
            .bind(s.id)
            .bind(self.business_id)
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
            .bind(s.id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        for service in &s.service_ids {
            // The service must belong to this business.
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO staff_services (business_id, staff_id, service_id) SELECT $1, $2, id FROM services WHERE id = $3 AND business_id = $1")
                .bind(self.business_id)
                .bind(s.id)
                .bind(*service)
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
        let rows: Vec<(TimeOffId, StaffId, i64, i64, String)> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, staff_id, start_at, end_at, reason FROM staff_time_off WHERE business_id = $1 AND ($2 IS NULL OR staff_id = $2) \
             AND end_at > $3 AND start_at < $4 ORDER BY start_at")
            .bind(self.business_id)
            .bind(staff)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|(id, staff_id, s, e, reason)| {
                Ok(TimeOff {
                    id,
                    staff_id,
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
        let id = TimeOffId::new();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO staff_time_off (id, business_id, staff_id, start_at, end_at, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(self.business_id)
            .bind(staff)
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

    pub async fn delete_time_off(&self, staff: StaffId, id: TimeOffId) -> StoreResult<()> {
        let n = on_db!(&self.store.db, w, p => sqlx::query(
            "DELETE FROM staff_time_off WHERE id = $1 AND staff_id = $2 AND business_id = $3")
            .bind(id)
            .bind(staff)
            .bind(self.business_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
