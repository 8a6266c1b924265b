//! The REST API under `/api/v1`, documented by the OpenAPI document it is built with
//! (`/api/openapi.json`, browsable at `/api/docs`).
use axum::Router;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use utoipa_swagger_ui::SwaggerUi;

use crate::app::AppState;
use features::guarded;
use switchboard_domain::Feature;

pub mod agent;
pub mod agent_views;
pub mod audit;
pub mod billing;
pub mod businesses;
pub mod calendar;
pub mod calls;
pub mod channel_updates;
pub mod channels;
pub mod conversations;
pub mod features;
pub mod jobs;
pub mod keys;
pub mod messages;
pub mod messaging_views;
pub mod operators;
pub mod ops;
pub mod pagination;
pub mod payment_webhooks;
pub mod reports;
#[cfg(test)]
mod schema_times;
pub mod session;
pub mod time;
pub mod topups;
pub mod users;
pub mod webhooks;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "AI front desk, CRM and prepaid billing for small businesses. Authenticate with `Authorization: Bearer <API key or session token>`; the platform admin token may act inside a business with `X-Business-Id`. Errors are JSON `{\"error\": code, \"message\", \"request_id\"}`.",
        license(name = "AGPL-3.0-only")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "businesses", description = "Tenants and their feature flags"),
        (name = "users", description = "Staff accounts"),
        (name = "api_keys", description = "Business API keys"),
        (name = "auth", description = "Staff sign-in"),
        (name = "audit", description = "Audit log"),
        (name = "jobs", description = "Background jobs"),
        (name = "channels", description = "Messaging channels and their providers"),
        (name = "conversations", description = "The inbox"),
        (name = "messages", description = "Outbound messages and custom-channel inbound"),
        (name = "calendar", description = "The built-in calendar: services, staff, hours, time off, free slots, holds and appointments"),
        (name = "agent", description = "The AI agent: settings, turns with tool calls, token usage"),
        (name = "billing", description = "Prepaid billing: tariffs, balances, ledger, operators, calls, top-ups, reports"),
        (name = "webhooks", description = "Provider webhooks (signed by the provider, not by a bearer token)"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every documented API route, and the OpenAPI document describing exactly them (without
/// the feature guards, which need the state; [`split`] adds them).
pub fn openapi_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(core_routes())
        .merge(messaging_routes())
        .merge(agent_routes())
        .merge(calendar_routes())
        .merge(billing_routes())
}

/// The routes with each feature's group behind its guard layer.
fn guarded_router(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(core_routes())
        .merge(guarded(messaging_routes(), state, Feature::Messaging))
        .merge(guarded(agent_routes(), state, Feature::Agent))
        .merge(guarded(calendar_routes(), state, Feature::Calendar))
        .merge(guarded(billing_routes(), state, Feature::Billing))
}

/// Routes no feature flag switches off: operations, tenancy, auth, webhooks, the pay page.
fn core_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
        .routes(routes!(businesses::list, businesses::create))
        .routes(routes!(businesses::get_one, businesses::update))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get_one, users::update))
        .routes(routes!(keys::list, keys::create))
        .routes(routes!(keys::revoke))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(audit::list))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::retry))
        .routes(routes!(webhooks::twilio_inbound))
        .routes(routes!(webhooks::meta_handshake, webhooks::meta_inbound))
        .routes(routes!(webhooks::telegram_inbound))
        .routes(routes!(webhooks::evolution_inbound))
        .routes(routes!(payment_webhooks::stripe))
        .routes(routes!(payment_webhooks::square))
        .routes(routes!(topups::pay_page, topups::pay_submit))
}

/// Channels, the inbox and messages (feature `messaging`).
fn messaging_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(channels::list, channels::create))
        .routes(routes!(
            channels::get_one,
            channel_updates::update,
            channel_updates::delete
        ))
        .routes(routes!(channels::health))
        .routes(routes!(channels::telegram_set_webhook))
        .routes(routes!(conversations::list))
        .routes(routes!(conversations::get_one))
        .routes(routes!(conversations::act))
        .routes(routes!(conversations::handovers))
        .routes(routes!(messages::send))
        .routes(routes!(messages::inbound))
}

/// The agent's settings, turns and usage (feature `agent`).
fn agent_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            agent::get_settings,
            agent::put_settings,
            agent::patch_settings
        ))
        .routes(routes!(agent::turns))
        .routes(routes!(agent::usage))
}

/// The built-in calendar (feature `calendar`).
fn calendar_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calendar::list_services, calendar::create_service))
        .routes(routes!(
            calendar::get_service,
            calendar::update_service,
            calendar::delete_service
        ))
        .routes(routes!(calendar::list_staff, calendar::create_staff))
        .routes(routes!(
            calendar::get_staff,
            calendar::update_staff,
            calendar::delete_staff
        ))
        .routes(routes!(calendar::list_time_off, calendar::add_time_off))
        .routes(routes!(calendar::delete_time_off))
        .routes(routes!(calendar::slots))
        .routes(routes!(calendar::create_hold))
        .routes(routes!(calendar::delete_hold))
        .routes(routes!(
            calendar::list_appointments,
            calendar::create_appointment
        ))
        .routes(routes!(calendar::get_appointment))
        .routes(routes!(calendar::appointment_action))
}

/// Prepaid billing (feature `billing`).
fn billing_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(billing::get_tariff, billing::put_tariff))
        .routes(routes!(billing::list_providers))
        .routes(routes!(billing::put_provider))
        .routes(routes!(billing::customer))
        .routes(routes!(billing::customer_ledger))
        .routes(routes!(billing::adjust))
        .routes(routes!(billing::grant_free_minutes))
        .routes(routes!(billing::operator_ledger))
        .routes(routes!(billing::platform_ledger))
        .routes(routes!(reports::report))
        .routes(routes!(operators::list, operators::create))
        .routes(routes!(operators::get_one, operators::update))
        .routes(routes!(calls::open))
        .routes(routes!(calls::get_one))
        .routes(routes!(calls::event))
        .routes(routes!(topups::create))
        .routes(routes!(topups::get_one))
}

/// The API routes plus `/api/openapi.json` and the `/api/docs` page (assets built in).
pub fn split(state: AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, openapi) = guarded_router(&state).split_for_parts();
    let docs: Router<AppState> =
        Router::from(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi.clone()));
    (router.merge(docs), openapi)
}

/// The OpenAPI document (for tests and `switchboard openapi`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi_router().split_for_parts().1
}
