//! `/api/v1/staff`: staff members, their working hours and time off.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use switchboard_domain::{
    ServiceId, StaffId, TimeOffId, booking,
    calendar::WeeklyHours,
    time::{now_ms, to_datetime},
};

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath, AppQuery},
};

use super::*;

/// Staff members, active ones unless asked otherwise.
#[utoipa::path(get, path = "/api/v1/staff", tag = "calendar", params(ListQuery),
    responses((status = 200, body = Vec<Staff>), (status = 403, body = ErrorBody)))]
pub async fn list_staff(
    tenant: Tenant,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<AppJson<Vec<Staff>>> {
    Ok(AppJson(schemas::all(
        crm(&tenant).list_staff(q.include_inactive).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub name: Option<String>,
    /// Weekly hours in the business time zone: `{"mon": [{"start": "09:00", "end": "18:00"}], ...}`.
    pub hours: Option<WeeklyHours>,
    /// The services this person provides.
    pub service_ids: Option<Vec<ServiceId>>,
    pub active: Option<bool>,
}

async fn save_staff(
    crm: &dyn CrmAdapter,
    mut s: booking::Staff,
    body: StaffInput,
) -> ApiResult<Staff> {
    if let Some(v) = body.name {
        s.name = v;
    }
    if let Some(v) = body.hours {
        s.hours = v;
    }
    if let Some(v) = body.service_ids {
        s.service_ids = v;
    }
    if let Some(v) = body.active {
        s.active = v;
    }
    if s.name.trim().is_empty() {
        return Err(ApiError::validation("name is required"));
    }
    // Calendar time is kept in 5-minute cells; hours off that grid would make slots clash.
    if s.hours
        .intervals()
        .any(|i| !i.start().minutes().is_multiple_of(5) || !i.end().minutes().is_multiple_of(5))
    {
        return Err(ApiError::validation(
            "working hours start and end on a 5-minute boundary (09:00, 09:05, ...)",
        ));
    }
    for id in &s.service_ids {
        crm.get_service(*id)
            .await
            .map_err(|_| ApiError::validation(format!("no service {id} in this business")))?;
    }
    Ok(crm.save_staff(&s).await?.into())
}

/// Add a staff member.
#[utoipa::path(post, path = "/api/v1/staff", tag = "calendar", request_body = StaffInput,
    responses((status = 201, body = Staff), (status = 422, body = ErrorBody)))]
pub async fn create_staff(
    tenant: Tenant,
    AppJson(body): AppJson<StaffInput>,
) -> ApiResult<(StatusCode, AppJson<Staff>)> {
    tenant.require_role(MANAGERS)?;
    let blank = booking::Staff {
        id: StaffId::new(),
        name: String::new(),
        hours: WeeklyHours::default(),
        service_ids: Vec::new(),
        active: true,
        created_at: 0,
        updated_at: 0,
    };
    let saved = save_staff(crm(&tenant).as_ref(), blank, body).await?;
    tenant
        .audit(
            "staff.create",
            Some(saved.id.to_string()),
            serde_json::json!({"name": saved.name}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(saved)))
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "calendar",
    params(("id" = StaffId, Path, description = "Staff id")),
    responses((status = 200, body = Staff), (status = 404, body = ErrorBody)))]
pub async fn get_staff(tenant: Tenant, AppPath(id): AppPath<StaffId>) -> ApiResult<AppJson<Staff>> {
    Ok(AppJson(crm(&tenant).get_staff(id).await?.into()))
}

/// Change a staff member; absent fields keep their values.
#[utoipa::path(patch, path = "/api/v1/staff/{id}", tag = "calendar", request_body = StaffInput,
    params(("id" = StaffId, Path, description = "Staff id")),
    responses((status = 200, body = Staff), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_staff(
    tenant: Tenant,
    AppPath(id): AppPath<StaffId>,
    AppJson(body): AppJson<StaffInput>,
) -> ApiResult<AppJson<Staff>> {
    tenant.require_role(MANAGERS)?;
    let crm = crm(&tenant);
    let current = crm.get_staff(id).await?;
    let saved = save_staff(crm.as_ref(), current, body).await?;
    tenant
        .audit("staff.update", Some(id.to_string()), serde_json::json!({}))
        .await?;
    Ok(AppJson(saved))
}

/// Deactivate a staff member (no new bookings; existing ones stay).
#[utoipa::path(delete, path = "/api/v1/staff/{id}", tag = "calendar",
    params(("id" = StaffId, Path, description = "Staff id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_staff(tenant: Tenant, AppPath(id): AppPath<StaffId>) -> ApiResult<StatusCode> {
    tenant.require_role(MANAGERS)?;
    let crm = crm(&tenant);
    let mut s = crm.get_staff(id).await?;
    s.active = false;
    crm.save_staff(&s).await?;
    tenant
        .audit(
            "staff.deactivate",
            Some(id.to_string()),
            serde_json::json!({}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffInput {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub reason: String,
}

/// A staff member's time off from 30 days ago on.
#[utoipa::path(get, path = "/api/v1/staff/{id}/time-off", tag = "calendar",
    params(("id" = StaffId, Path, description = "Staff id")),
    responses((status = 200, body = Vec<TimeOff>), (status = 404, body = ErrorBody)))]
pub async fn list_time_off(
    tenant: Tenant,
    AppPath(id): AppPath<StaffId>,
) -> ApiResult<AppJson<Vec<TimeOff>>> {
    let crm = crm(&tenant);
    crm.get_staff(id).await?;
    let from = to_datetime(now_ms() - 30 * 86_400_000);
    Ok(AppJson(schemas::all(
        crm.list_time_off(id, from, None).await?,
    )))
}

/// Add time off (vacation, sick day, a break): no slots are offered during it.
#[utoipa::path(post, path = "/api/v1/staff/{id}/time-off", tag = "calendar", request_body = TimeOffInput,
    params(("id" = StaffId, Path, description = "Staff id")),
    responses((status = 201, body = TimeOff), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_time_off(
    tenant: Tenant,
    AppPath(id): AppPath<StaffId>,
    AppJson(body): AppJson<TimeOffInput>,
) -> ApiResult<(StatusCode, AppJson<TimeOff>)> {
    tenant.require_role(MANAGERS)?;
    check_time("start", body.start)?;
    check_time("end", body.end)?;
    if body.end <= body.start {
        return Err(ApiError::validation("end must be after start"));
    }
    let t = crm(&tenant)
        .add_time_off(id, body.start, body.end, &body.reason)
        .await?;
    tenant
        .audit(
            "staff.time_off.add",
            Some(id.to_string()),
            serde_json::json!({"time_off_id": t.id}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(t.into())))
}

#[utoipa::path(delete, path = "/api/v1/staff/{id}/time-off/{time_off_id}", tag = "calendar",
    params(("id" = StaffId, Path, description = "Staff id"), ("time_off_id" = String, Path, description = "Time-off id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_time_off(
    tenant: Tenant,
    AppPath((id, time_off_id)): AppPath<(StaffId, String)>,
) -> ApiResult<StatusCode> {
    tenant.require_role(MANAGERS)?;
    // A malformed id names no time off: 404, as for an unknown one.
    let entry: TimeOffId = time_off_id.parse().map_err(|_| ApiError::NotFound)?;
    crm(&tenant).delete_time_off(id, entry).await?;
    tenant
        .audit(
            "staff.time_off.delete",
            Some(id.to_string()),
            serde_json::json!({"time_off_id": time_off_id}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
