//! `/api/v1/slots` and `/api/v1/slot-holds`: free times and short holds on them.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use switchboard_crm::{HoldRequest, SlotSearch, business_tz};
use switchboard_domain::{
    CustomerId, HoldId, ServiceId, StaffId,
    calendar::{self, local_day_bounds},
    time::now_ms,
};

use crate::{
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

use super::*;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    pub service: ServiceId,
    /// Only this staff member.
    pub staff: Option<StaffId>,
    /// RFC 3339 instant, or a local date `YYYY-MM-DD` (its start). Default: now.
    pub from: Option<String>,
    /// RFC 3339 instant, or a local date `YYYY-MM-DD` (its end, inclusive). Default: 7 days on.
    pub to: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotView {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The start in the business time zone, `YYYY-MM-DDTHH:MM`.
    pub start_local: String,
    pub staff_id: StaffId,
    pub staff_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlotsAnswer {
    pub service_id: ServiceId,
    pub time_zone: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub slots: Vec<SlotView>,
}

fn parse_bound(text: &str, tz: chrono_tz::Tz, end: bool) -> ApiResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("`{text}` is neither an RFC 3339 time nor a YYYY-MM-DD date"),
        )
    })?;
    let (start, stop) = local_day_bounds(tz, day)
        .ok_or_else(|| ApiError::bad_request(ErrorCode::InvalidQuery, "date out of range"))?;
    Ok(if end { stop } else { start })
}

/// Free appointment slots for a service: business hours, staff hours and time off, existing
/// appointments, live holds, buffers and lead time, in the business time zone (DST-aware).
#[utoipa::path(get, path = "/api/v1/slots", tag = "calendar", params(SlotsQuery),
    responses((status = 200, body = SlotsAnswer), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn slots(
    tenant: Tenant,
    AppQuery(q): AppQuery<SlotsQuery>,
) -> ApiResult<AppJson<SlotsAnswer>> {
    let tz = business_tz(&tenant.business);
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms()).unwrap_or_else(Utc::now);
    let from = match &q.from {
        Some(f) => parse_bound(f, tz, false)?,
        None => now,
    };
    if !calendar::plausible(from) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "`from` is outside the calendar",
        ));
    }
    let to = match &q.to {
        Some(t) => parse_bound(t, tz, true)?,
        None => from + Duration::days(7),
    };
    if to <= from {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "`to` must be after `from`",
        ));
    }
    if to - from > Duration::days(62) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "search at most 62 days at once",
        ));
    }
    let crm = crm(&tenant);
    let found = crm
        .free_slots(&SlotSearch {
            service_id: q.service,
            staff_id: q.staff,
            from,
            to,
            own_conversation: None,
            own_hold: None,
        })
        .await
        .map_err(ApiError::from)?;
    let names: std::collections::HashMap<_, _> = crm
        .list_staff(true)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(AppJson(SlotsAnswer {
        service_id: q.service,
        time_zone: tz.name().to_string(),
        from,
        to,
        slots: found
            .into_iter()
            .map(|s| SlotView {
                start: s.start_utc,
                end: s.end_utc,
                start_local: s
                    .start_utc
                    .with_timezone(&tz)
                    .format("%Y-%m-%dT%H:%M")
                    .to_string(),
                staff_name: names.get(&s.staff_id).cloned().unwrap_or_default(),
                staff_id: s.staff_id,
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------- holds

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldInput {
    pub service_id: ServiceId,
    pub staff_id: Option<StaffId>,
    pub start: DateTime<Utc>,
    pub customer_id: Option<CustomerId>,
    /// 1 to 60 (default 10).
    pub ttl_minutes: Option<u32>,
}

/// Hold a free slot for a few minutes; pass its id as `hold_id` when booking.
#[utoipa::path(post, path = "/api/v1/slot-holds", tag = "calendar", request_body = HoldInput,
    responses((status = 201, body = SlotHold), (status = 409, body = ErrorBody, description = "`slot_taken`"), (status = 422, body = ErrorBody, description = "`off_grid` or `outside_hours`")))]
pub async fn create_hold(
    tenant: Tenant,
    AppJson(body): AppJson<HoldInput>,
) -> ApiResult<(StatusCode, AppJson<SlotHold>)> {
    tenant.require_role(BOOKERS)?;
    check_time("start", body.start)?;
    let ttl = body.ttl_minutes.unwrap_or(10);
    if !(1..=60).contains(&ttl) {
        return Err(ApiError::validation("ttl_minutes is 1 to 60"));
    }
    let crm = crm(&tenant);
    let hold = crm
        .hold_slot(&HoldRequest {
            service_id: body.service_id,
            staff_id: body.staff_id,
            start: body.start,
            conversation_id: None,
            customer_id: body.customer_id,
            ttl_ms: i64::from(ttl) * 60_000,
        })
        .await
        .map_err(ApiError::from)?;
    Ok((StatusCode::CREATED, AppJson(hold.into())))
}

/// Give a hold up.
#[utoipa::path(delete, path = "/api/v1/slot-holds/{id}", tag = "calendar",
    params(("id" = HoldId, Path, description = "Hold id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_hold(tenant: Tenant, AppPath(id): AppPath<HoldId>) -> ApiResult<StatusCode> {
    tenant.require_role(BOOKERS)?;
    crm(&tenant).release_hold(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
