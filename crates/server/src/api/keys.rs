//! `/api/v1/api-keys`: business API keys. The secret is shown once, at creation.
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::{ApiKeyId, Role};
use switchboard_store::auth::ApiKey;

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
};

const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    pub name: String,
    /// The role the key acts with (default `admin`).
    pub role: Option<Role>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The full key. Shown only in this answer; store it now.
    pub secret: String,
}

/// API keys of this business (without secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api_keys",
    responses((status = 200, body = Vec<ApiKey>), (status = 403, body = ErrorBody)))]
pub async fn list(tenant: Tenant) -> ApiResult<AppJson<Vec<ApiKey>>> {
    tenant.require_role(MANAGERS)?;
    Ok(AppJson(tenant.store.list_api_keys().await?))
}

/// Create an API key.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api_keys", request_body = CreateApiKey,
    responses((status = 201, body = CreatedApiKey), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    tenant: Tenant,
    AppJson(body): AppJson<CreateApiKey>,
) -> ApiResult<(StatusCode, AppJson<CreatedApiKey>)> {
    tenant.require_role(MANAGERS)?;
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::validation("name must be 1 to 100 characters"));
    }
    let role = body.role.unwrap_or(Role::Admin);
    if role == Role::Owner && tenant.principal.role().is_some_and(|r| r != Role::Owner) {
        return Err(ApiError::forbidden("only an owner may create an owner key"));
    }
    let (key, secret) = tenant.store.create_api_key(name, role).await?;
    tenant
        .audit(
            "api_key.create",
            Some(key.id.to_string()),
            serde_json::json!({"name": key.name, "role": key.role, "prefix": key.prefix}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(CreatedApiKey { key, secret })))
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api_keys",
    params(("id" = ApiKeyId, Path, description = "API key id")),
    responses((status = 200, body = ApiKey), (status = 404, body = ErrorBody)))]
pub async fn revoke(tenant: Tenant, AppPath(id): AppPath<ApiKeyId>) -> ApiResult<AppJson<ApiKey>> {
    tenant.require_role(MANAGERS)?;
    let key = tenant.store.revoke_api_key(id).await?;
    tenant
        .audit(
            "api_key.revoke",
            Some(id.to_string()),
            serde_json::json!({"prefix": key.prefix}),
        )
        .await?;
    Ok(AppJson(key))
}
