//! Operators of a paid line (with their own per-minute rate) and free-minute packages granted
//! to customers. Package seconds a running call may use are *reserved* when the call is
//! authorized, so two calls cannot both spend the same free minutes.
use serde::{Deserialize, Serialize};
use switchboard_domain::{CustomerId, OperatorId, UserId, rating::FreePackage, time::now_ms};

use crate::{StoreError, StoreResult, TenantStore, Tx, on_db, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Operator {
    pub id: OperatorId,
    pub name: String,
    /// The staff user who works as this operator, if any.
    pub user_id: Option<UserId>,
    pub phone: Option<String>,
    /// Minor units per minute; `None` uses the business tariff's rate.
    pub rate_per_minute: Option<i64>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, Default)]
pub struct OperatorFields {
    pub name: Option<String>,
    pub user_id: Option<Option<UserId>>,
    pub phone: Option<Option<String>>,
    pub rate_per_minute: Option<Option<i64>>,
    pub active: Option<bool>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PackageRow {
    /// A package's own id (UUID text; packages have no id newtype).
    pub id: String,
    pub customer_id: CustomerId,
    /// Only calls to this operator may use it; `None` for any operator.
    pub operator_id: Option<OperatorId>,
    pub seconds_granted: i64,
    pub seconds_remaining: i64,
    /// Held by calls in progress.
    pub seconds_reserved: i64,
    pub granted_at: i64,
    pub expires_at: i64,
    pub reason: String,
}

impl PackageRow {
    /// The package as rating sees it: only the seconds not reserved by other calls.
    pub fn to_rating(&self) -> Option<FreePackage> {
        Some(FreePackage {
            id: self.id.parse().ok()?,
            seconds_remaining: u32::try_from(
                (self.seconds_remaining - self.seconds_reserved).max(0),
            )
            .unwrap_or(u32::MAX),
            granted_at: self.granted_at,
            expires_at: self.expires_at,
            operator: self.operator_id,
        })
    }
}

/// Seconds one call took (or reserved) from one package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageSeconds {
    pub package_id: uuid::Uuid,
    pub seconds: u32,
}

const OPERATOR_COLUMNS: &str =
    "id, name, user_id, phone, rate_per_minute, active, created_at, updated_at";
const PACKAGE_COLUMNS: &str = "id, customer_id, operator_id, seconds_granted, seconds_remaining, seconds_reserved, granted_at, expires_at, reason";

impl TenantStore {
    pub async fn create_operator(
        &self,
        name: &str,
        user_id: Option<UserId>,
        phone: Option<&str>,
        rate_per_minute: Option<i64>,
    ) -> StoreResult<Operator> {
        let id = OperatorId::new();
        let now = now_ms();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO operators (id, business_id, name, user_id, phone, rate_per_minute, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7)")
            .bind(id)
            .bind(self.business_id)
            .bind(name)
            .bind(user_id)
            .bind(phone)
            .bind(rate_per_minute)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_operator(id).await
    }

    pub async fn get_operator(&self, id: OperatorId) -> StoreResult<Operator> {
        let sql =
            format!("SELECT {OPERATOR_COLUMNS} FROM operators WHERE business_id = $1 AND id = $2");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(id)
                .fetch_one(p)
                .await)?,
        )
    }

    pub async fn list_operators(&self) -> StoreResult<Vec<Operator>> {
        let sql =
            format!("SELECT {OPERATOR_COLUMNS} FROM operators WHERE business_id = $1 ORDER BY id");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .fetch_all(p)
                .await)?,
        )
    }

    pub async fn update_operator(
        &self,
        id: OperatorId,
        f: OperatorFields,
    ) -> StoreResult<Operator> {
        let cur = self.get_operator(id).await?;
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE operators SET name = $3, user_id = $4, phone = $5, rate_per_minute = $6, active = $7, updated_at = $8 WHERE business_id = $1 AND id = $2")
            .bind(self.business_id)
            .bind(id)
            .bind(f.name.unwrap_or(cur.name))
            .bind(f.user_id.unwrap_or(cur.user_id))
            .bind(f.phone.unwrap_or(cur.phone))
            .bind(f.rate_per_minute.unwrap_or(cur.rate_per_minute))
            .bind(f.active.unwrap_or(cur.active))
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_operator(id).await
    }

    pub async fn grant_package(
        &self,
        customer_id: CustomerId,
        operator_id: Option<OperatorId>,
        seconds: i64,
        expires_at: i64,
        reason: &str,
    ) -> StoreResult<PackageRow> {
        let id = uuid::Uuid::now_v7().to_string();
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO free_minute_packages (id, business_id, customer_id, operator_id, seconds_granted, seconds_remaining, seconds_reserved, granted_at, expires_at, reason) \
             VALUES ($1, $2, $3, $4, $5, $5, 0, $6, $7, $8)")
            .bind(&id)
            .bind(self.business_id)
            .bind(customer_id)
            .bind(operator_id)
            .bind(seconds)
            .bind(now_ms())
            .bind(expires_at)
            .bind(reason)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        let sql = format!("SELECT {PACKAGE_COLUMNS} FROM free_minute_packages WHERE id = $1");
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&id)
                .fetch_one(p)
                .await)?,
        )
    }

    /// A customer's packages, oldest grant first (expired and used-up ones included).
    pub async fn customer_packages(&self, customer_id: CustomerId) -> StoreResult<Vec<PackageRow>> {
        let sql = format!(
            "SELECT {PACKAGE_COLUMNS} FROM free_minute_packages WHERE business_id = $1 AND customer_id = $2 ORDER BY granted_at, id"
        );
        Ok(
            on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(self.business_id)
                .bind(customer_id)
                .fetch_all(p)
                .await)?,
        )
    }

    /// Reserves package seconds for a call inside `tx`. Fails with `Conflict` when another
    /// call took them in the meantime (the caller retries the authorization).
    pub(crate) async fn reserve_package_seconds_tx(
        &self,
        tx: &mut Tx,
        usage: &[PackageSeconds],
    ) -> StoreResult<()> {
        for u in usage {
            let n = on_tx!(tx, c => sqlx::query(
                "UPDATE free_minute_packages SET seconds_reserved = seconds_reserved + $3 WHERE business_id = $1 AND id = $2 AND seconds_remaining - seconds_reserved >= $3")
                .bind(self.business_id)
                .bind(u.package_id.to_string())
                .bind(i64::from(u.seconds))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            if n != 1 {
                return Err(StoreError::Conflict(
                    "free minutes taken by another call".into(),
                ));
            }
        }
        Ok(())
    }

    /// Ends a call's package reservation inside `tx`: `used` seconds leave the packages for
    /// good, the rest of `reserved` becomes available again.
    pub(crate) async fn settle_package_seconds_tx(
        &self,
        tx: &mut Tx,
        reserved: &[PackageSeconds],
        used: &[PackageSeconds],
    ) -> StoreResult<()> {
        for r in reserved {
            let spent = used
                .iter()
                .filter(|u| u.package_id == r.package_id)
                .map(|u| i64::from(u.seconds))
                .sum::<i64>()
                .min(i64::from(r.seconds));
            on_tx!(tx, c => sqlx::query(
                "UPDATE free_minute_packages SET seconds_reserved = seconds_reserved - $3, seconds_remaining = seconds_remaining - $4 WHERE business_id = $1 AND id = $2")
                .bind(self.business_id)
                .bind(r.package_id.to_string())
                .bind(i64::from(r.seconds))
                .bind(spent)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}
