//! `/api/v1/users`: staff accounts of the caller's business (owner and admin manage them).
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use switchboard_domain::{BusinessId, Role, UserId, validate};
use switchboard_store::users::User as StoredUser;

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
};

const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];

/// A staff member as the API shows one (no password hash, times in RFC 3339).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub business_id: BusinessId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<StoredUser> for User {
    fn from(u: StoredUser) -> Self {
        User {
            id: u.id,
            business_id: u.business_id,
            email: u.email,
            name: u.name,
            role: u.role,
            active: u.active,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    #[serde(default)]
    pub name: String,
    /// At least 10 characters.
    pub password: String,
    pub role: Role,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

/// Staff of this business.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
pub async fn list(tenant: Tenant) -> ApiResult<AppJson<Vec<User>>> {
    tenant.require_role(MANAGERS)?;
    Ok(AppJson(
        tenant
            .store
            .list_users()
            .await?
            .into_iter()
            .map(User::from)
            .collect(),
    ))
}

/// Add a staff member.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    tenant: Tenant,
    AppJson(body): AppJson<CreateUser>,
) -> ApiResult<(StatusCode, AppJson<User>)> {
    tenant.require_role(MANAGERS)?;
    validate::email(&body.email)?;
    validate::password(&body.password)?;
    if body.role == Role::Owner && tenant.principal.role().is_some_and(|r| r != Role::Owner) {
        return Err(ApiError::forbidden(
            "only an owner may create another owner",
        ));
    }
    let user = tenant
        .store
        .create_user(&body.email, body.name.trim(), &body.password, body.role)
        .await?;
    tenant
        .audit(
            "user.create",
            Some(user.id.to_string()),
            serde_json::json!({"email": user.email, "role": user.role}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(user.into())))
}

/// One staff member.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub async fn get_one(tenant: Tenant, AppPath(id): AppPath<UserId>) -> ApiResult<AppJson<User>> {
    tenant.require_role(MANAGERS)?;
    Ok(AppJson(tenant.store.get_user(id).await?.into()))
}

/// Change a staff member's role, active flag or password.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UpdateUser,
    params(("id" = UserId, Path, description = "User id")),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    tenant: Tenant,
    AppPath(id): AppPath<UserId>,
    AppJson(body): AppJson<UpdateUser>,
) -> ApiResult<AppJson<User>> {
    tenant.require_role(MANAGERS)?;
    if let Some(p) = &body.password {
        validate::password(p)?;
    }
    let target = tenant.store.get_user(id).await?;
    let caller_is_owner = tenant.principal.role().is_none_or(|r| r == Role::Owner);
    if (target.role == Role::Owner || body.role == Some(Role::Owner)) && !caller_is_owner {
        return Err(ApiError::forbidden("only an owner may change an owner"));
    }
    let user = tenant
        .store
        .update_user(id, body.role, body.active, body.password.as_deref())
        .await?;
    tenant
        .audit("user.update", Some(id.to_string()), serde_json::json!({"role": body.role, "active": body.active, "password_changed": body.password.is_some()}))
        .await?;
    Ok(AppJson(user.into()))
}
