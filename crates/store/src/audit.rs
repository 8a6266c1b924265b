//! The audit log of staff and admin actions.
use serde::Serialize;
use switchboard_domain::{AuditId, BusinessId, time::now_ms};

use crate::{Store, StoreResult, TenantStore, Tx, on_db, on_tx};

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: AuditId,
    pub business_id: Option<BusinessId>,
    /// `admin`, `user:<id>` or `api_key:<id>`.
    pub actor: String,
    /// Dotted action, e.g. `user.create`, `api_key.revoke`, `business.update`.
    pub action: String,
    pub target: Option<String>,
    #[sqlx(skip)]
    pub details: serde_json::Value,
    #[serde(skip)]
    pub details_json: String,
    pub request_id: Option<String>,
    pub created_at: i64,
}

/// What an audit entry records; `request_id` ties it to the request's log lines.
#[derive(Clone, Debug, Default)]
pub struct AuditRecord {
    pub business_id: Option<BusinessId>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub details: serde_json::Value,
    pub request_id: Option<String>,
}

const INSERT: &str = "INSERT INTO audit_log (id, business_id, actor, action, target, details, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

impl Store {
    pub async fn audit(&self, rec: AuditRecord) -> StoreResult<()> {
        let details = serde_json::to_string(&rec.details)?;
        on_db!(&self.db, w, p => sqlx::query(INSERT)
            .bind(AuditId::new())
            .bind(rec.business_id)
            .bind(&rec.actor)
            .bind(&rec.action)
            .bind(&rec.target)
            .bind(details)
            .bind(&rec.request_id)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Audits inside a transaction, so the entry exists exactly when the action does.
    pub async fn audit_tx(&self, tx: &mut Tx, rec: AuditRecord) -> StoreResult<()> {
        let details = serde_json::to_string(&rec.details)?;
        on_tx!(tx, c => sqlx::query(INSERT)
            .bind(AuditId::new())
            .bind(rec.business_id)
            .bind(&rec.actor)
            .bind(&rec.action)
            .bind(&rec.target)
            .bind(details)
            .bind(&rec.request_id)
            .bind(now_ms())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

impl TenantStore {
    /// Newest first, before the cursor id if given.
    pub async fn list_audit(
        &self,
        before: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<AuditEntry>> {
        let mut rows: Vec<AuditEntry> = on_db!(&self.store.db, r, p => sqlx::query_as(
            "SELECT id, business_id, actor, action, target, details AS details_json, request_id, created_at \
             FROM audit_log WHERE business_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3")
            .bind(self.business_id)
            .bind(before)
            .bind(limit)
            .fetch_all(p)
            .await)?;
        for r in &mut rows {
            r.details = serde_json::from_str(&r.details_json).unwrap_or(serde_json::Value::Null);
        }
        Ok(rows)
    }
}
