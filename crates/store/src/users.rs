//! Staff users of a business: e-mail, argon2 password hash, role.
use serde::Serialize;
use switchboard_domain::{BusinessId, Role, UserId, time::now_ms};

use crate::{Store, StoreError, StoreResult, TenantStore, crypto, on_db};

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: UserId,
    pub business_id: BusinessId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: UserId,
    business_id: BusinessId,
    email: String,
    name: String,
    role: Role,
    active: bool,
    created_at: i64,
    password_hash: String,
}

impl UserRow {
    pub(crate) fn into_user(self) -> StoreResult<(User, String)> {
        Ok((
            User {
                id: self.id,
                business_id: self.business_id,
                email: self.email,
                name: self.name,
                role: self.role,
                active: self.active,
                created_at: self.created_at,
            },
            self.password_hash,
        ))
    }
}

pub(crate) const USER_COLUMNS: &str =
    "id, business_id, email, name, role, active, created_at, password_hash";

/// E-mail addresses are compared case-insensitively: stored lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl TenantStore {
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password: &str,
        role: Role,
    ) -> StoreResult<User> {
        let id = UserId::new();
        let hash =
            crypto::hash_password(password).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        on_db!(&self.store.db, w, p => sqlx::query(
            "INSERT INTO users (id, business_id, email, name, password_hash, role, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7)")
            .bind(id)
            .bind(self.business_id)
            .bind(normalize_email(email))
            .bind(name)
            .bind(hash)
            .bind(role)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        self.get_user(id).await
    }

    pub async fn get_user(&self, id: UserId) -> StoreResult<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND business_id = $2");
        let row: UserRow = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .bind(self.business_id)
            .fetch_one(p)
            .await)?;
        Ok(row.into_user()?.0)
    }

    pub async fn list_users(&self) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE business_id = $1 ORDER BY id");
        let rows: Vec<UserRow> = on_db!(&self.store.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(self.business_id)
            .fetch_all(p)
            .await)?;
        rows.into_iter()
            .map(|r| r.into_user().map(|u| u.0))
            .collect()
    }

    /// Changes role, active flag or password; `None` keeps the current value.
    pub async fn update_user(
        &self,
        id: UserId,
        role: Option<Role>,
        active: Option<bool>,
        password: Option<&str>,
    ) -> StoreResult<User> {
        let current = self.get_user(id).await?;
        let hash = match password {
            Some(p) => {
                Some(crypto::hash_password(p).map_err(|e| StoreError::Corrupt(e.to_string()))?)
            }
            None => None,
        };
        on_db!(&self.store.db, w, p => sqlx::query(
            "UPDATE users SET role = $3, active = $4, password_hash = COALESCE($5, password_hash) \
             WHERE id = $1 AND business_id = $2")
            .bind(id)
            .bind(self.business_id)
            .bind(role.unwrap_or(current.role))
            .bind(active.unwrap_or(current.active))
            .bind(hash)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        if active == Some(false) {
            // A deactivated user loses every session at once.
            on_db!(&self.store.db, w, p => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND business_id = $2")
                .bind(id)
                .bind(self.business_id)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))?;
        }
        self.get_user(id).await
    }
}

impl Store {
    /// Users with this e-mail across businesses (sign-in picks one by business slug when the
    /// same person works for several).
    pub(crate) async fn users_by_email(&self, email: &str) -> StoreResult<Vec<(User, String)>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 ORDER BY id");
        let rows: Vec<UserRow> = on_db!(&self.db, r, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(normalize_email(email))
            .fetch_all(p)
            .await)?;
        rows.into_iter().map(UserRow::into_user).collect()
    }
}
