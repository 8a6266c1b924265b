//! `/api/v1/operators`: operators of a paid line with their own per-minute rate.
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_billing::operators::{self, NewOperator, OperatorChanges};
use switchboard_domain::{OperatorId, Role, UserId};

use crate::{
    api::billing::{STAFF, billing_tenant, views::OperatorView},
    auth::Tenant,
    error::{ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
};

const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOperator {
    pub name: String,
    /// The staff user who works as this operator.
    pub user_id: Option<UserId>,
    /// E.164 number calls are bridged to.
    pub phone: Option<String>,
    /// Minor units per minute; absent uses the tariff's default rate.
    pub rate_per_minute: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOperator {
    pub name: Option<String>,
    pub rate_per_minute: Option<i64>,
    pub active: Option<bool>,
    pub phone: Option<String>,
}

/// Operators of this business.
#[utoipa::path(get, path = "/api/v1/operators", tag = "billing",
    responses((status = 200, body = Vec<OperatorView>), (status = 403, body = ErrorBody)))]
pub async fn list(tenant: Tenant) -> ApiResult<AppJson<Vec<OperatorView>>> {
    billing_tenant(
        &tenant,
        &[
            Role::Owner,
            Role::Admin,
            Role::Agent,
            Role::Finance,
            Role::Operator,
        ],
    )?;
    let all = operators::list(&tenant.store).await?;
    Ok(AppJson(all.iter().map(Into::into).collect()))
}

/// Add an operator.
#[utoipa::path(post, path = "/api/v1/operators", tag = "billing", request_body = CreateOperator,
    responses((status = 201, body = OperatorView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    tenant: Tenant,
    AppJson(body): AppJson<CreateOperator>,
) -> ApiResult<(StatusCode, AppJson<OperatorView>)> {
    billing_tenant(&tenant, MANAGERS)?;
    let new = NewOperator {
        name: &body.name,
        user_id: body.user_id,
        phone: body.phone.as_deref(),
        rate_per_minute: body.rate_per_minute,
    };
    let op = operators::create(&tenant.store, new).await?;
    tenant
        .audit(
            "operator.create",
            Some(op.id.to_string()),
            serde_json::json!({"rate_per_minute": op.rate_per_minute}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson((&op).into())))
}

/// One operator.
#[utoipa::path(get, path = "/api/v1/operators/{id}", tag = "billing",
    params(("id" = String, Path, description = "Operator id")),
    responses((status = 200, body = OperatorView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    tenant: Tenant,
    AppPath(id): AppPath<OperatorId>,
) -> ApiResult<AppJson<OperatorView>> {
    billing_tenant(&tenant, STAFF)?;
    Ok(AppJson((&operators::get(&tenant.store, id).await?).into()))
}

/// Change an operator's name, rate, phone or availability.
#[utoipa::path(patch, path = "/api/v1/operators/{id}", tag = "billing", request_body = UpdateOperator,
    params(("id" = String, Path, description = "Operator id")),
    responses((status = 200, body = OperatorView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    tenant: Tenant,
    AppPath(id): AppPath<OperatorId>,
    AppJson(body): AppJson<UpdateOperator>,
) -> ApiResult<AppJson<OperatorView>> {
    billing_tenant(&tenant, MANAGERS)?;
    let changes = OperatorChanges {
        name: body.name.as_deref(),
        rate_per_minute: body.rate_per_minute,
        active: body.active,
        phone: body.phone.as_deref(),
    };
    let op = operators::update(&tenant.store, id, changes).await?;
    tenant
        .audit(
            "operator.update",
            Some(op.id.to_string()),
            serde_json::json!({"rate_per_minute": op.rate_per_minute, "active": op.active}),
        )
        .await?;
    Ok(AppJson((&op).into()))
}
