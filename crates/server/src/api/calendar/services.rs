//! `/api/v1/services`: what can be booked.
use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde::Deserialize;
use switchboard_domain::{ServiceId, booking};

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath, AppQuery},
};

use super::*;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Include deactivated records.
    #[serde(default)]
    pub include_inactive: bool,
}

/// Services, active ones unless asked otherwise.
#[utoipa::path(get, path = "/api/v1/services", tag = "calendar", params(ListQuery),
    responses((status = 200, body = Vec<Service>), (status = 403, body = ErrorBody)))]
pub async fn list_services(
    tenant: Tenant,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<AppJson<Vec<Service>>> {
    Ok(AppJson(schemas::all(
        crm(&tenant).list_services(q.include_inactive).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// Name per language: `{"en": "Haircut", "ru": "Стрижка", "he": "תספורת"}`.
    pub names: Option<BTreeMap<String, String>>,
    /// Other names customers use for the service (`["mani", "nails"]`); replaces the list.
    pub aliases: Option<Vec<String>>,
    pub description: Option<String>,
    /// A multiple of 5.
    pub duration_min: Option<u32>,
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub buffer_before_min: Option<u32>,
    pub buffer_after_min: Option<u32>,
    pub lead_time_min: Option<u32>,
    /// Distance between offered start times, from each opening time (a multiple of 5); 0
    /// follows the business's start-time grid (`slot_step_min`, 15 minutes by default).
    pub step_min: Option<u32>,
    pub active: Option<bool>,
}

impl ServiceInput {
    fn apply(self, s: &mut booking::Service) {
        if let Some(v) = self.names {
            s.names = v;
        }
        if let Some(v) = self.aliases {
            s.aliases = v;
        }
        if let Some(v) = self.description {
            s.description = v;
        }
        if let Some(v) = self.duration_min {
            s.duration_min = v;
        }
        if let Some(v) = self.price_minor {
            s.price_minor = v;
        }
        if let Some(v) = self.currency {
            s.currency = v;
        }
        if let Some(v) = self.buffer_before_min {
            s.buffer_before_min = v;
        }
        if let Some(v) = self.buffer_after_min {
            s.buffer_after_min = v;
        }
        if let Some(v) = self.lead_time_min {
            s.lead_time_min = v;
        }
        if let Some(v) = self.step_min {
            s.step_min = Some(v).filter(|m| *m > 0);
        }
        if let Some(v) = self.active {
            s.active = v;
        }
    }
}

/// Create a service (`names`, `duration_min`, `price_minor` and `currency` are required).
#[utoipa::path(post, path = "/api/v1/services", tag = "calendar", request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 422, body = ErrorBody)))]
pub async fn create_service(
    tenant: Tenant,
    AppJson(body): AppJson<ServiceInput>,
) -> ApiResult<(StatusCode, AppJson<Service>)> {
    tenant.require_role(MANAGERS)?;
    if body.names.is_none()
        || body.duration_min.is_none()
        || body.price_minor.is_none()
        || body.currency.is_none()
    {
        return Err(ApiError::validation(
            "names, duration_min, price_minor and currency are required",
        ));
    }
    let mut s = booking::Service {
        id: ServiceId::new(),
        names: BTreeMap::new(),
        aliases: Vec::new(),
        description: String::new(),
        duration_min: 0,
        price_minor: 0,
        currency: String::new(),
        buffer_before_min: 0,
        buffer_after_min: 0,
        lead_time_min: 0,
        step_min: None,
        active: true,
        created_at: 0,
        updated_at: 0,
    };
    body.apply(&mut s);
    validate_service(&s)?;
    let saved = crm(&tenant).save_service(&s).await?;
    tenant
        .audit(
            "service.create",
            Some(saved.id.to_string()),
            serde_json::json!({"names": saved.names}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(saved.into())))
}

#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "calendar",
    params(("id" = ServiceId, Path, description = "Service id")),
    responses((status = 200, body = Service), (status = 404, body = ErrorBody)))]
pub async fn get_service(
    tenant: Tenant,
    AppPath(id): AppPath<ServiceId>,
) -> ApiResult<AppJson<Service>> {
    Ok(AppJson(crm(&tenant).get_service(id).await?.into()))
}

/// Change a service; absent fields keep their values.
#[utoipa::path(patch, path = "/api/v1/services/{id}", tag = "calendar", request_body = ServiceInput,
    params(("id" = ServiceId, Path, description = "Service id")),
    responses((status = 200, body = Service), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_service(
    tenant: Tenant,
    AppPath(id): AppPath<ServiceId>,
    AppJson(body): AppJson<ServiceInput>,
) -> ApiResult<AppJson<Service>> {
    tenant.require_role(MANAGERS)?;
    let crm = crm(&tenant);
    let mut s = crm.get_service(id).await?;
    body.apply(&mut s);
    validate_service(&s)?;
    let saved = crm.save_service(&s).await?;
    tenant
        .audit(
            "service.update",
            Some(id.to_string()),
            serde_json::json!({}),
        )
        .await?;
    Ok(AppJson(saved.into()))
}

/// Stop offering a service (it stays on past appointments).
#[utoipa::path(delete, path = "/api/v1/services/{id}", tag = "calendar",
    params(("id" = ServiceId, Path, description = "Service id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_service(
    tenant: Tenant,
    AppPath(id): AppPath<ServiceId>,
) -> ApiResult<StatusCode> {
    tenant.require_role(MANAGERS)?;
    let crm = crm(&tenant);
    let mut s = crm.get_service(id).await?;
    s.active = false;
    crm.save_service(&s).await?;
    tenant
        .audit(
            "service.deactivate",
            Some(id.to_string()),
            serde_json::json!({}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
