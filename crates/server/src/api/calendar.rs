//! The built-in calendar's API: services, staff with working hours and time off, free slots,
//! slot holds and appointments. Every write goes through the CRM adapter (or the store under
//! it), where double booking is refused by the database.
use std::collections::BTreeMap;

use axum::{extract::State, http::StatusCode};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use switchboard_crm::{BookingRequest, HoldRequest, SlotSearch};
use switchboard_domain::{
    AppointmentId, CustomerId, HoldId, PhoneE164, Role, ServiceId, StaffId,
    calendar::{self, WeeklyHours, local_day_bounds},
    message::Identity,
    time::now_ms,
};
use switchboard_store::calendar::{
    Appointment, AppointmentFilter, COMPLETED, NO_SHOW, Service, SlotHold, Staff, TimeOff,
};

use crate::{
    agent::{business_tz, crm_for},
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath, AppQuery},
};

const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];
const BOOKERS: &[Role] = &[Role::Owner, Role::Admin, Role::Agent];

fn check_time(name: &str, t: DateTime<Utc>) -> ApiResult<()> {
    if calendar::plausible(t) {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "{name} is outside the calendar"
        )))
    }
}

fn check_minutes(name: &str, v: u32, max: u32, multiple_of_5: bool) -> ApiResult<()> {
    if v > max || (multiple_of_5 && !v.is_multiple_of(5)) {
        return Err(ApiError::validation(format!(
            "{name} must be {}at most {max} minutes",
            if multiple_of_5 {
                "a multiple of 5 and "
            } else {
                ""
            }
        )));
    }
    Ok(())
}

fn check_aliases(aliases: &[String]) -> ApiResult<()> {
    if aliases.len() > 20 {
        return Err(ApiError::validation("aliases holds at most 20 names"));
    }
    if aliases
        .iter()
        .any(|a| a.trim().is_empty() || a.chars().count() > 60)
    {
        return Err(ApiError::validation(
            "each alias is a non-empty name of at most 60 characters",
        ));
    }
    Ok(())
}

fn validate_service(s: &Service) -> ApiResult<()> {
    if s.names.is_empty() || s.names.values().any(|n| n.trim().is_empty()) {
        return Err(ApiError::validation(
            "names needs at least one non-empty name, e.g. {\"en\": \"Haircut\"}",
        ));
    }
    if let Some(code) = s
        .names
        .keys()
        .find(|k| switchboard_domain::Language::parse(k).is_none())
    {
        return Err(ApiError::validation(format!(
            "unknown language `{code}` in names (en, ru, he)"
        )));
    }
    check_aliases(&s.aliases)?;
    if s.duration_min == 0 {
        return Err(ApiError::validation("duration_min must be positive"));
    }
    check_minutes("duration_min", s.duration_min, 24 * 60, true)?;
    check_minutes("step_min", s.step_min, 24 * 60, true)?;
    check_minutes("buffer_before_min", s.buffer_before_min, 240, false)?;
    check_minutes("buffer_after_min", s.buffer_after_min, 240, false)?;
    check_minutes("lead_time_min", s.lead_time_min, 60 * 24 * 60, false)?;
    if s.price_minor < 0 {
        return Err(ApiError::validation("price_minor cannot be negative"));
    }
    if s.currency.len() != 3 || !s.currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ApiError::validation(
            "currency is an ISO 4217 code such as USD",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- services

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
    tenant.require_feature("calendar")?;
    Ok(AppJson(
        tenant.store.list_services(q.include_inactive).await?,
    ))
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
    /// Distance between offered start times (a multiple of 5; 0 = the duration).
    pub step_min: Option<u32>,
    pub active: Option<bool>,
}

impl ServiceInput {
    fn apply(self, s: &mut Service) {
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
            s.step_min = v;
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
    tenant.require_feature("calendar")?;
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
    let mut s = Service {
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
        step_min: 0,
        active: true,
        created_at: 0,
        updated_at: 0,
    };
    body.apply(&mut s);
    validate_service(&s)?;
    let saved = tenant.store.save_service(&s).await?;
    tenant
        .audit(
            "service.create",
            Some(saved.id.to_string()),
            serde_json::json!({"names": saved.names}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(saved)))
}

#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "calendar",
    params(("id" = ServiceId, Path, description = "Service id")),
    responses((status = 200, body = Service), (status = 404, body = ErrorBody)))]
pub async fn get_service(
    tenant: Tenant,
    AppPath(id): AppPath<ServiceId>,
) -> ApiResult<AppJson<Service>> {
    tenant.require_feature("calendar")?;
    Ok(AppJson(tenant.store.get_service(id).await?))
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
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    let mut s = tenant.store.get_service(id).await?;
    body.apply(&mut s);
    validate_service(&s)?;
    let saved = tenant.store.save_service(&s).await?;
    tenant
        .audit(
            "service.update",
            Some(id.to_string()),
            serde_json::json!({}),
        )
        .await?;
    Ok(AppJson(saved))
}

/// Stop offering a service (it stays on past appointments).
#[utoipa::path(delete, path = "/api/v1/services/{id}", tag = "calendar",
    params(("id" = ServiceId, Path, description = "Service id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_service(
    tenant: Tenant,
    AppPath(id): AppPath<ServiceId>,
) -> ApiResult<StatusCode> {
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    let mut s = tenant.store.get_service(id).await?;
    s.active = false;
    tenant.store.save_service(&s).await?;
    tenant
        .audit(
            "service.deactivate",
            Some(id.to_string()),
            serde_json::json!({}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- staff

/// Staff members, active ones unless asked otherwise.
#[utoipa::path(get, path = "/api/v1/staff", tag = "calendar", params(ListQuery),
    responses((status = 200, body = Vec<Staff>), (status = 403, body = ErrorBody)))]
pub async fn list_staff(
    tenant: Tenant,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<AppJson<Vec<Staff>>> {
    tenant.require_feature("calendar")?;
    Ok(AppJson(tenant.store.list_staff(q.include_inactive).await?))
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

async fn save_staff(tenant: &Tenant, mut s: Staff, body: StaffInput) -> ApiResult<Staff> {
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
        tenant
            .store
            .get_service(*id)
            .await
            .map_err(|_| ApiError::validation(format!("no service {id} in this business")))?;
    }
    Ok(tenant.store.save_staff(&s).await?)
}

/// Add a staff member.
#[utoipa::path(post, path = "/api/v1/staff", tag = "calendar", request_body = StaffInput,
    responses((status = 201, body = Staff), (status = 422, body = ErrorBody)))]
pub async fn create_staff(
    tenant: Tenant,
    AppJson(body): AppJson<StaffInput>,
) -> ApiResult<(StatusCode, AppJson<Staff>)> {
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    let blank = Staff {
        id: StaffId::new(),
        name: String::new(),
        hours: WeeklyHours::default(),
        service_ids: Vec::new(),
        active: true,
        created_at: 0,
        updated_at: 0,
    };
    let saved = save_staff(&tenant, blank, body).await?;
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
    tenant.require_feature("calendar")?;
    Ok(AppJson(tenant.store.get_staff(id).await?))
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
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    let current = tenant.store.get_staff(id).await?;
    let saved = save_staff(&tenant, current, body).await?;
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
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    let mut s = tenant.store.get_staff(id).await?;
    s.active = false;
    tenant.store.save_staff(&s).await?;
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
    tenant.require_feature("calendar")?;
    tenant.store.get_staff(id).await?;
    let from = now_ms() - 30 * 86_400_000;
    Ok(AppJson(
        tenant.store.list_time_off(Some(id), from, i64::MAX).await?,
    ))
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
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    check_time("start", body.start)?;
    check_time("end", body.end)?;
    if body.end <= body.start {
        return Err(ApiError::validation("end must be after start"));
    }
    let t = tenant
        .store
        .add_time_off(id, body.start, body.end, &body.reason)
        .await?;
    tenant
        .audit(
            "staff.time_off.add",
            Some(id.to_string()),
            serde_json::json!({"time_off_id": t.id}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(t)))
}

#[utoipa::path(delete, path = "/api/v1/staff/{id}/time-off/{time_off_id}", tag = "calendar",
    params(("id" = StaffId, Path, description = "Staff id"), ("time_off_id" = String, Path, description = "Time-off id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_time_off(
    tenant: Tenant,
    AppPath((id, time_off_id)): AppPath<(StaffId, String)>,
) -> ApiResult<StatusCode> {
    tenant.require_feature("calendar")?;
    tenant.require_role(MANAGERS)?;
    tenant.store.delete_time_off(id, &time_off_id).await?;
    tenant
        .audit(
            "staff.time_off.delete",
            Some(id.to_string()),
            serde_json::json!({"time_off_id": time_off_id}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- slots

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
            "invalid_query",
            format!("`{text}` is neither an RFC 3339 time nor a YYYY-MM-DD date"),
        )
    })?;
    let (start, stop) = local_day_bounds(tz, day)
        .ok_or_else(|| ApiError::bad_request("invalid_query", "date out of range"))?;
    Ok(if end { stop } else { start })
}

/// Free appointment slots for a service: business hours, staff hours and time off, existing
/// appointments, live holds, buffers and lead time, in the business time zone (DST-aware).
#[utoipa::path(get, path = "/api/v1/slots", tag = "calendar", params(SlotsQuery),
    responses((status = 200, body = SlotsAnswer), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn slots(
    State(state): State<AppState>,
    tenant: Tenant,
    AppQuery(q): AppQuery<SlotsQuery>,
) -> ApiResult<AppJson<SlotsAnswer>> {
    tenant.require_feature("calendar")?;
    let tz = business_tz(&tenant.business);
    let now = DateTime::<Utc>::from_timestamp_millis(now_ms()).unwrap_or_else(Utc::now);
    let from = match &q.from {
        Some(f) => parse_bound(f, tz, false)?,
        None => now,
    };
    if !calendar::plausible(from) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`from` is outside the calendar",
        ));
    }
    let to = match &q.to {
        Some(t) => parse_bound(t, tz, true)?,
        None => from + Duration::days(7),
    };
    if to <= from {
        return Err(ApiError::bad_request(
            "invalid_query",
            "`to` must be after `from`",
        ));
    }
    if to - from > Duration::days(62) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "search at most 62 days at once",
        ));
    }
    let crm = crm_for(&state.store, &tenant.business);
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
        .map_err(switchboard_store::StoreError::from)?;
    let names: std::collections::HashMap<_, _> = tenant
        .store
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
    responses((status = 201, body = SlotHold), (status = 409, body = ErrorBody, description = "`slot_taken`")))]
pub async fn create_hold(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<HoldInput>,
) -> ApiResult<(StatusCode, AppJson<SlotHold>)> {
    tenant.require_feature("calendar")?;
    tenant.require_role(BOOKERS)?;
    check_time("start", body.start)?;
    let ttl = body.ttl_minutes.unwrap_or(10);
    if !(1..=60).contains(&ttl) {
        return Err(ApiError::validation("ttl_minutes is 1 to 60"));
    }
    let crm = crm_for(&state.store, &tenant.business);
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
        .map_err(switchboard_store::StoreError::from)?;
    Ok((StatusCode::CREATED, AppJson(hold)))
}

/// Give a hold up.
#[utoipa::path(delete, path = "/api/v1/slot-holds/{id}", tag = "calendar",
    params(("id" = HoldId, Path, description = "Hold id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete_hold(tenant: Tenant, AppPath(id): AppPath<HoldId>) -> ApiResult<StatusCode> {
    tenant.require_feature("calendar")?;
    tenant.require_role(BOOKERS)?;
    tenant.store.release_slot_hold(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- appointments

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
    tenant.require_feature("calendar")?;
    if q.status
        .as_deref()
        .is_some_and(|s| !["booked", "cancelled", COMPLETED, NO_SHOW].contains(&s))
    {
        return Err(ApiError::bad_request(
            "invalid_query",
            "status is booked, cancelled, completed or no_show",
        ));
    }
    Ok(AppJson(
        tenant
            .store
            .list_appointments(&AppointmentFilter {
                customer_id: q.customer_id.map(|c| c.to_string()),
                staff_id: q.staff_id.map(|s| s.to_string()),
                status: q.status,
                from: q.from.map(|t| t.timestamp_millis()),
                to: q.to.map(|t| t.timestamp_millis()),
                limit: q.limit.unwrap_or(100).clamp(1, 500),
            })
            .await?,
    ))
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

/// Book an appointment. The time must be a free slot; `409 slot_taken` when someone else got
/// it first.
#[utoipa::path(post, path = "/api/v1/appointments", tag = "calendar", request_body = AppointmentInput,
    responses((status = 201, body = Appointment), (status = 409, body = ErrorBody, description = "`slot_taken`"), (status = 422, body = ErrorBody)))]
pub async fn create_appointment(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<AppointmentInput>,
) -> ApiResult<(StatusCode, AppJson<Appointment>)> {
    tenant.require_feature("calendar")?;
    tenant.require_role(BOOKERS)?;
    check_time("start", body.start)?;
    let customer =
        match (body.customer_id, body.customer_phone.as_deref()) {
            (Some(id), _) => {
                tenant.store.customer_profile(id).await.map_err(|_| {
                    ApiError::validation(format!("no customer {id} in this business"))
                })?;
                id
            }
            (None, Some(phone)) => {
                let phone = PhoneE164::parse(phone)
                    .map_err(|e| ApiError::validation(format!("customer_phone: {e}")))?;
                tenant
                    .store
                    .find_or_create_customer(&Identity::Phone(phone), body.customer_name.as_deref())
                    .await?
            }
            (None, None) => return Err(ApiError::validation("give customer_id or customer_phone")),
        };
    let crm = crm_for(&state.store, &tenant.business);
    let appt = crm
        .create_appointment(&BookingRequest {
            customer_id: customer,
            service_id: body.service_id,
            staff_id: body.staff_id,
            start: body.start,
            source: if tenant.is_admin() {
                "api".into()
            } else {
                "staff".into()
            },
            channel_id: None,
            conversation_id: None,
            notes: body.notes,
            hold_id: body.hold_id,
            idempotency_key: body.idempotency_key.map(|k| format!("api:{k}")),
        })
        .await
        .map_err(switchboard_store::StoreError::from)?;
    tenant
        .audit(
            "appointment.create",
            Some(appt.id.to_string()),
            serde_json::json!({"start": appt.start}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(appt)))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "calendar",
    params(("id" = AppointmentId, Path, description = "Appointment id")),
    responses((status = 200, body = Appointment), (status = 404, body = ErrorBody)))]
pub async fn get_appointment(
    tenant: Tenant,
    AppPath(id): AppPath<AppointmentId>,
) -> ApiResult<AppJson<Appointment>> {
    tenant.require_feature("calendar")?;
    Ok(AppJson(tenant.store.get_appointment(id).await?))
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
    responses((status = 200, body = Appointment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`slot_taken` or `invalid_state`"), (status = 422, body = ErrorBody)))]
pub async fn appointment_action(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<AppointmentId>,
    AppJson(body): AppJson<AppointmentAction>,
) -> ApiResult<AppJson<Appointment>> {
    tenant.require_feature("calendar")?;
    tenant.require_role(BOOKERS)?;
    let crm = crm_for(&state.store, &tenant.business);
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
        "complete" => tenant
            .store
            .set_appointment_outcome(id, COMPLETED)
            .await
            .map_err(Into::into),
        "no_show" => tenant
            .store
            .set_appointment_outcome(id, NO_SHOW)
            .await
            .map_err(Into::into),
        other => return Err(ApiError::validation(format!("unknown action `{other}`"))),
    }
    .map_err(switchboard_store::StoreError::from)?;
    tenant
        .audit(
            format!("appointment.{}", body.action),
            Some(id.to_string()),
            serde_json::json!({"start": appt.start}),
        )
        .await?;
    Ok(AppJson(appt))
}
