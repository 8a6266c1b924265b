//! `/api/v1/audit-log`: what staff and admins did, newest first.
use serde::Serialize;
use switchboard_domain::Role;
use switchboard_domain::{AuditId, BusinessId};
use switchboard_store::audit::AuditEntry;
use utoipa::ToSchema;

use crate::{
    api::pagination::{Page, PageQuery},
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppQuery},
};

/// One audit log entry as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditEntry)]
pub struct AuditEntryView {
    pub id: AuditId,
    pub business_id: Option<BusinessId>,
    /// `admin`, `user:<id>` or `api_key:<id>`.
    pub actor: String,
    /// Dotted action, e.g. `user.create`, `api_key.revoke`, `business.update`.
    pub action: String,
    pub target: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub request_id: Option<String>,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(e: &AuditEntry) -> Self {
        AuditEntryView {
            id: e.id,
            business_id: e.business_id,
            actor: e.actor.clone(),
            action: e.action.clone(),
            target: e.target.clone(),
            details: e.details.clone(),
            request_id: e.request_id.clone(),
            created_at: e.created_at,
        }
    }
}

/// The audit log of this business.
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "audit", params(PageQuery),
    responses((status = 200, body = Page<AuditEntryView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    tenant: Tenant,
    AppQuery(page): AppQuery<PageQuery>,
) -> ApiResult<AppJson<Page<AuditEntryView>>> {
    tenant.require_role(&[Role::Owner, Role::Admin, Role::Finance])?;
    let limit = page.limit();
    let items = tenant
        .store
        .list_audit(page.cursor.as_deref(), limit)
        .await?;
    Ok(AppJson(
        Page::new(items, limit, |e| e.id.to_string()).map(|e| AuditEntryView::from(&e)),
    ))
}
