//! `/api/v1/appointments`: booking, listing and acting on appointments.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use switchboard_crm::{AppointmentFilter, BookingRequest};
use switchboard_domain::{
    AppointmentId, CustomerId, HoldId, PhoneE164, ServiceId, StaffId,
    booking::{AppointmentSource, AppointmentStatus},
};

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

use super::*;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentQuery {
    pub customer_id: Option<CustomerId>,
    pub staff_id: Option<StaffId>,
    /// `booked`, `cancelled`, `completed` or `no_show`.
    pub status: Option<String>,
    /// Appointments ending after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Appointments starting before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// Appointments in start order.
#[utoipa::path(get, path = "/api/v1/appointments", tag = "calendar", params(AppointmentQuery),
    responses((status = 200, body = Vec<Appointment>), (status = 400, body = ErrorBody)))]
pub async fn list_appointments(
    tenant: Tenant,
    AppQuery(q): AppQuery<AppointmentQuery>,
) -> ApiResult<AppJson<Vec<Appointment>>> {
    let status = q
        .status
        .as_deref()
        .map(str::parse::<AppointmentStatus>)
        .transpose()
        .map_err(|_| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "status is booked, cancelled, completed or no_show",
            )
        })?;
    Ok(AppJson(schemas::all(
        crm(&tenant)
            .list_appointments(&AppointmentFilter {
                customer_id: q.customer_id,
                staff_id: q.staff_id,
                status,
                from: q.from,
                to: q.to,
                limit: q.limit.unwrap_or(100).clamp(1, 500),
            })
            .await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentInput {
    pub service_id: ServiceId,
    /// Anyone free who provides the service when absent.
    pub staff_id: Option<StaffId>,
    pub start: DateTime<Utc>,
    /// An existing customer, or give `customer_phone` (E.164) to find or create one.
    pub customer_id: Option<CustomerId>,
    pub customer_phone: Option<String>,
    pub customer_name: Option<String>,
    #[serde(default)]
    pub notes: String,
    /// Your hold on this time (from `POST /api/v1/slot-holds`).
    pub hold_id: Option<HoldId>,
    /// Repeating a request with the same key returns the first booking.
    pub idempotency_key: Option<String>,
}

/// Book an appointment. The time must be a free slot: `422 off_grid` for a start between the
/// service's start times, `422 outside_hours` when it does not fit the working hours, `409
/// slot_taken` when someone else got it first.
#[utoipa::path(post, path = "/api/v1/appointments", tag = "calendar", request_body = AppointmentInput,
    responses((status = 201, body = Appointment), (status = 409, body = ErrorBody, description = "`slot_taken`"), (status = 422, body = ErrorBody, description = "`off_grid`, `outside_hours` or `validation_failed`")))]
pub async fn create_appointment(
    tenant: Tenant,
    AppJson(body): AppJson<AppointmentInput>,
) -> ApiResult<(StatusCode, AppJson<Appointment>)> {
    tenant.require_role(BOOKERS)?;
    check_time("start", body.start)?;
    let crm = crm(&tenant);
    let customer = match (body.customer_id, body.customer_phone.as_deref()) {
        (Some(id), _) => {
            crm.get_client(id)
                .await
                .map_err(|_| ApiError::validation(format!("no customer {id} in this business")))?;
            id
        }
        (None, Some(phone)) => {
            let phone = PhoneE164::parse(phone)
                .map_err(|e| ApiError::validation(format!("customer_phone: {e}")))?;
            crm.ensure_client(&phone, body.customer_name.as_deref())
                .await?
                .id
        }
        (None, None) => return Err(ApiError::validation("give customer_id or customer_phone")),
    };
    let appt = crm
        .create_appointment(&BookingRequest {
            customer_id: customer,
            service_id: body.service_id,
            staff_id: body.staff_id,
            start: body.start,
            source: if tenant.is_admin() {
                AppointmentSource::Api
            } else {
                AppointmentSource::Staff
            },
            channel_id: None,
            conversation_id: None,
            notes: body.notes,
            hold_id: body.hold_id,
            idempotency_key: body.idempotency_key.map(|k| format!("api:{k}")),
        })
        .await
        .map_err(ApiError::from)?;
    tenant
        .audit(
            "appointment.create",
            Some(appt.id.to_string()),
            serde_json::json!({"start": appt.start}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(appt.into())))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "calendar",
    params(("id" = AppointmentId, Path, description = "Appointment id")),
    responses((status = 200, body = Appointment), (status = 404, body = ErrorBody)))]
pub async fn get_appointment(
    tenant: Tenant,
    AppPath(id): AppPath<AppointmentId>,
) -> ApiResult<AppJson<Appointment>> {
    Ok(AppJson(crm(&tenant).get_appointment(id).await?.into()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentAction {
    /// `cancel`, `reschedule` (with `start`, optionally `staff_id`), `complete` or `no_show`.
    pub action: String,
    pub start: Option<DateTime<Utc>>,
    pub staff_id: Option<StaffId>,
}

/// Cancel, move or close an appointment.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/actions", tag = "calendar", request_body = AppointmentAction,
    params(("id" = AppointmentId, Path, description = "Appointment id")),
    responses((status = 200, body = Appointment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`slot_taken` or `invalid_state`"), (status = 422, body = ErrorBody, description = "`off_grid`, `outside_hours` or `validation_failed`")))]
pub async fn appointment_action(
    tenant: Tenant,
    AppPath(id): AppPath<AppointmentId>,
    AppJson(body): AppJson<AppointmentAction>,
) -> ApiResult<AppJson<Appointment>> {
    tenant.require_role(BOOKERS)?;
    let crm = crm(&tenant);
    let appt = match body.action.as_str() {
        "cancel" => crm.cancel_appointment(id).await,
        "reschedule" => {
            let start = body
                .start
                .ok_or_else(|| ApiError::validation("reschedule needs `start`"))?;
            check_time("start", start)?;
            crm.reschedule_appointment(id, start, body.staff_id, None)
                .await
        }
        "complete" => {
            crm.set_appointment_outcome(id, AppointmentStatus::Completed)
                .await
        }
        "no_show" => {
            crm.set_appointment_outcome(id, AppointmentStatus::NoShow)
                .await
        }
        other => return Err(ApiError::validation(format!("unknown action `{other}`"))),
    }
    .map_err(ApiError::from)?;
    tenant
        .audit(
            format!("appointment.{}", body.action),
            Some(id.to_string()),
            serde_json::json!({"start": appt.start}),
        )
        .await?;
    Ok(AppJson(appt.into()))
}
