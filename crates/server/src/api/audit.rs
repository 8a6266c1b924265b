//! `/api/v1/audit-log`: what staff and admins did, newest first.
use switchboard_domain::Role;
use switchboard_store::audit::AuditEntry;

use crate::{
    api::pagination::{Page, PageQuery},
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppQuery},
};

/// The audit log of this business.
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "audit", params(PageQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn list(
    tenant: Tenant,
    AppQuery(page): AppQuery<PageQuery>,
) -> ApiResult<AppJson<Page<AuditEntry>>> {
    tenant.require_role(&[Role::Owner, Role::Admin, Role::Finance])?;
    let limit = page.limit();
    let items = tenant
        .store
        .list_audit(page.cursor.as_deref(), limit)
        .await?;
    Ok(AppJson(Page::new(items, limit, |e| e.id.to_string())))
}
