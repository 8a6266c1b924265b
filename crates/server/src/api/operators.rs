//! `/api/v1/operators`: operators of a paid line with their own per-minute rate.
use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_domain::{OperatorId, Role, UserId};
use switchboard_store::billing::operators::{Operator, OperatorFields};

use crate::{
    api::billing::{STAFF, billing_tenant},
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
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

fn check_rate(rate: Option<i64>) -> ApiResult<()> {
    match rate {
        Some(r) if !(0..=1_000_000).contains(&r) => Err(ApiError::validation(
            "rate_per_minute must be from 0 to 1000000 minor units",
        )),
        _ => Ok(()),
    }
}

fn check_phone(phone: &Option<String>) -> ApiResult<Option<String>> {
    phone
        .as_deref()
        .map(|p| {
            switchboard_domain::PhoneE164::parse(p)
                .map(|p| p.as_str().to_string())
                .map_err(|_| ApiError::validation(format!("`{p}` is not an E.164 phone number")))
        })
        .transpose()
}

fn check_name(name: &str) -> ApiResult<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(ApiError::validation("name must be 1 to 200 characters"));
    }
    Ok(n.to_string())
}

/// Operators of this business.
#[utoipa::path(get, path = "/api/v1/operators", tag = "billing",
    responses((status = 200, body = Vec<Operator>), (status = 403, body = ErrorBody)))]
pub async fn list(tenant: Tenant) -> ApiResult<AppJson<Vec<Operator>>> {
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
    Ok(AppJson(tenant.store.list_operators().await?))
}

/// Add an operator.
#[utoipa::path(post, path = "/api/v1/operators", tag = "billing", request_body = CreateOperator,
    responses((status = 201, body = Operator), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    tenant: Tenant,
    AppJson(body): AppJson<CreateOperator>,
) -> ApiResult<(StatusCode, AppJson<Operator>)> {
    billing_tenant(&tenant, MANAGERS)?;
    let name = check_name(&body.name)?;
    check_rate(body.rate_per_minute)?;
    let phone = check_phone(&body.phone)?;
    let user = match body.user_id {
        Some(u) => Some(tenant.store.get_user(u).await?.id.to_string()),
        None => None,
    };
    let op = tenant
        .store
        .create_operator(
            &name,
            user.as_deref(),
            phone.as_deref(),
            body.rate_per_minute,
        )
        .await?;
    tenant
        .audit(
            "operator.create",
            Some(op.id.clone()),
            serde_json::json!({"rate_per_minute": op.rate_per_minute}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(op)))
}

/// One operator.
#[utoipa::path(get, path = "/api/v1/operators/{id}", tag = "billing",
    params(("id" = String, Path, description = "Operator id")),
    responses((status = 200, body = Operator), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    tenant: Tenant,
    AppPath(id): AppPath<OperatorId>,
) -> ApiResult<AppJson<Operator>> {
    billing_tenant(&tenant, STAFF)?;
    Ok(AppJson(tenant.store.get_operator(&id.to_string()).await?))
}

/// Change an operator's name, rate, phone or availability.
#[utoipa::path(patch, path = "/api/v1/operators/{id}", tag = "billing", request_body = UpdateOperator,
    params(("id" = String, Path, description = "Operator id")),
    responses((status = 200, body = Operator), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    tenant: Tenant,
    AppPath(id): AppPath<OperatorId>,
    AppJson(body): AppJson<UpdateOperator>,
) -> ApiResult<AppJson<Operator>> {
    billing_tenant(&tenant, MANAGERS)?;
    check_rate(body.rate_per_minute)?;
    let fields = OperatorFields {
        name: body.name.as_deref().map(check_name).transpose()?,
        rate_per_minute: body.rate_per_minute.map(Some),
        active: body.active,
        phone: check_phone(&body.phone)?.map(Some),
        user_id: None,
    };
    let op = tenant
        .store
        .update_operator(&id.to_string(), fields)
        .await?;
    tenant
        .audit(
            "operator.update",
            Some(op.id.clone()),
            serde_json::json!({"rate_per_minute": op.rate_per_minute, "active": op.active}),
        )
        .await?;
    Ok(AppJson(op))
}
