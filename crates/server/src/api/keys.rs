//! `/api/v1/api-keys`: business API keys. The secret is shown once, at creation.
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::{ApiKeyId, BusinessId, Role};
use switchboard_store::auth::ApiKey as StoredApiKey;

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

/// An API key as the API shows one (never its secret; times in RFC 3339).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub business_id: BusinessId,
    pub name: String,
    /// The visible start of the key, e.g. `sb_3fa9c1d2`, to tell keys apart.
    pub prefix: String,
    pub role: Role,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<i64>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<i64>,
}

impl From<StoredApiKey> for ApiKey {
    fn from(k: StoredApiKey) -> Self {
        ApiKey {
            id: k.id,
            business_id: k.business_id,
            name: k.name,
            prefix: k.prefix,
            role: k.role,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        }
    }
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
    Ok(AppJson(
        tenant
            .store
            .list_api_keys()
            .await?
            .into_iter()
            .map(ApiKey::from)
            .collect(),
    ))
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
    Ok((
        StatusCode::CREATED,
        AppJson(CreatedApiKey {
            key: key.into(),
            secret,
        }),
    ))
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
    Ok(AppJson(key.into()))
}
