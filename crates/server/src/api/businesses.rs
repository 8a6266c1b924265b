//! `/api/v1/businesses`: the platform admin creates, lists and updates businesses (including
//! feature flags); a business's own credentials see and edit only that business.
use std::collections::BTreeMap;

use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use switchboard_domain::{BusinessId, Language, Role, validate};
use switchboard_store::{
    audit::AuditRecord,
    businesses::{Business, BusinessUpdate, NewBusiness, is_known_feature},
};
use utoipa::ToSchema;

use crate::{
    api::pagination::{Page, PageQuery},
    app::AppState,
    auth::{Auth, PlatformAdmin, Principal},
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
    ops::request_id::current_request_id,
};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBusiness {
    pub name: String,
    /// URL-safe short name (lower-case letters, digits, `-`); derived from the name if absent.
    pub slug: Option<String>,
    /// IANA time zone, e.g. `America/New_York` (default `UTC`).
    pub time_zone: Option<String>,
    pub default_language: Option<Language>,
    /// Feature flags to set; the rest take their defaults.
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBusiness {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub default_language: Option<Language>,
    /// The calendar's start-time grid in minutes (5 to 240, a multiple of 5): services without
    /// their own `step_min` can start at any free multiple of it after opening.
    pub slot_step_min: Option<u32>,
    /// Platform admin only.
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
    /// Top-level settings keys to replace.
    #[schema(value_type = Option<Object>)]
    pub settings: Option<serde_json::Map<String, serde_json::Value>>,
}

pub fn validate_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::validation("name must be 1 to 200 characters"));
    }
    Ok(name.to_string())
}

fn validate_grid(minutes: u32) -> ApiResult<u32> {
    if (5..=240).contains(&minutes) && minutes.is_multiple_of(5) {
        Ok(minutes)
    } else {
        Err(ApiError::validation(
            "slot_step_min is a multiple of 5 from 5 to 240",
        ))
    }
}

fn validate_features(features: &BTreeMap<String, bool>) -> ApiResult<()> {
    match features.keys().find(|k| !is_known_feature(k)) {
        Some(k) => Err(ApiError::validation(format!("unknown feature `{k}`"))),
        None => Ok(()),
    }
}

/// A business (tenant) as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Business)]
pub struct BusinessView {
    pub id: BusinessId,
    pub name: String,
    pub slug: String,
    pub time_zone: String,
    pub default_language: Language,
    /// The start-time grid of the calendar in minutes: a service without its own `step_min`
    /// can start at any free multiple of this after an opening time (default 15).
    pub slot_step_min: u32,
    /// Every known feature with its effective state.
    pub features: BTreeMap<String, bool>,
    /// Free-form settings of later features (agent, billing, auto-acknowledgement...).
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

impl From<&Business> for BusinessView {
    fn from(b: &Business) -> Self {
        BusinessView {
            id: b.id,
            name: b.name.clone(),
            slug: b.slug.clone(),
            time_zone: b.time_zone.clone(),
            default_language: b.default_language,
            slot_step_min: b.slot_step_min,
            features: b.features.clone(),
            settings: b.settings.clone(),
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// List businesses: all for the platform admin, only its own for a business.
#[utoipa::path(get, path = "/api/v1/businesses", tag = "businesses", params(PageQuery),
    responses((status = 200, body = Page<BusinessView>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    AppQuery(page): AppQuery<PageQuery>,
) -> ApiResult<AppJson<Page<BusinessView>>> {
    let limit = page.limit();
    let items = match principal.business_id() {
        None => {
            let after =
                match page.cursor.as_deref() {
                    Some(c) => Some(c.parse::<BusinessId>().map_err(|_| {
                        ApiError::bad_request(ErrorCode::InvalidCursor, "bad cursor")
                    })?),
                    None => None,
                };
            state.store.list_businesses(after, limit).await?
        }
        Some(id) => vec![state.store.get_business(id).await?],
    };
    Ok(AppJson(
        Page::new(items, limit, |b| b.id.to_string()).map(|b| BusinessView::from(&b)),
    ))
}

/// Create a business (platform admin).
#[utoipa::path(post, path = "/api/v1/businesses", tag = "businesses", request_body = CreateBusiness,
    responses((status = 201, body = BusinessView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    AppJson(body): AppJson<CreateBusiness>,
) -> ApiResult<(StatusCode, AppJson<BusinessView>)> {
    let name = validate_name(&body.name)?;
    let slug = validate::slug(
        &body
            .slug
            .clone()
            .unwrap_or_else(|| validate::slugify(&name)),
    )?;
    let time_zone = validate::time_zone(body.time_zone.as_deref().unwrap_or("UTC"))?;
    validate_features(&body.features)?;
    let business = state
        .store
        .create_business(NewBusiness {
            name,
            slug: slug.clone(),
            time_zone,
            default_language: body.default_language.unwrap_or_default(),
            features: body.features,
        })
        .await
        .map_err(|e| match e {
            // The slug is the only unique column a new business can collide on.
            switchboard_store::StoreError::Conflict(_) => ApiError::Conflict(format!(
                "a business with the slug `{slug}` already exists: send another `slug` (lower-case letters, digits, dashes)"
            )),
            other => other.into(),
        })?;
    state
        .store
        .audit(AuditRecord {
            business_id: Some(business.id),
            actor: "admin".into(),
            action: "business.create".into(),
            target: Some(business.id.to_string()),
            details: serde_json::json!({"slug": business.slug}),
            request_id: Some(current_request_id()),
        })
        .await?;
    Ok((StatusCode::CREATED, AppJson(BusinessView::from(&business))))
}

/// Read a business. Another business's id answers 404.
#[utoipa::path(get, path = "/api/v1/businesses/{id}", tag = "businesses",
    params(("id" = BusinessId, Path, description = "Business id")),
    responses((status = 200, body = BusinessView), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Auth(principal): Auth,
    AppPath(id): AppPath<BusinessId>,
) -> ApiResult<AppJson<BusinessView>> {
    if principal.business_id().is_some_and(|own| own != id) {
        return Err(ApiError::NotFound);
    }
    Ok(AppJson(BusinessView::from(
        &state.store.get_business(id).await?,
    )))
}

/// Update a business. Its owner or admin may change name, time zone, language and settings;
/// feature flags are the platform admin's.
#[utoipa::path(patch, path = "/api/v1/businesses/{id}", tag = "businesses", request_body = UpdateBusiness,
    params(("id" = BusinessId, Path, description = "Business id")),
    responses((status = 200, body = BusinessView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Auth(principal): Auth,
    AppPath(id): AppPath<BusinessId>,
    AppJson(body): AppJson<UpdateBusiness>,
) -> ApiResult<AppJson<BusinessView>> {
    if let Some(own) = principal.business_id() {
        if own != id {
            return Err(ApiError::NotFound);
        }
        if !principal.role().is_some_and(Role::can_manage) {
            return Err(ApiError::forbidden(
                "only an owner or admin may change the business",
            ));
        }
        if !body.features.is_empty() {
            return Err(ApiError::forbidden(
                "feature flags are set by the platform admin",
            ));
        }
    }
    validate_features(&body.features)?;
    let upd = BusinessUpdate {
        name: body.name.as_deref().map(validate_name).transpose()?,
        time_zone: body
            .time_zone
            .as_deref()
            .map(validate::time_zone)
            .transpose()?,
        default_language: body.default_language,
        slot_step_min: body.slot_step_min.map(validate_grid).transpose()?,
        features: body.features.clone(),
        settings: body.settings,
    };
    let business = state.store.update_business(id, upd).await?;
    state
        .store
        .audit(AuditRecord {
            business_id: Some(id),
            actor: principal.actor(),
            action: "business.update".into(),
            target: Some(id.to_string()),
            details: serde_json::json!({"features": body.features}),
            request_id: Some(current_request_id()),
        })
        .await?;
    if matches!(principal, Principal::PlatformAdmin) && !body.features.is_empty() {
        tracing::info!(business = %id, "feature flags changed");
    }
    Ok(AppJson(BusinessView::from(&business)))
}
