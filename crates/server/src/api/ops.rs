//! Operational endpoints, documented with the rest: liveness, readiness, Prometheus metrics.
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde_json::Value;

use crate::{app::AppState, ops};

/// Liveness: the process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, description = "`{\"status\":\"ok\"}`", body = Object)))]
pub async fn healthz() -> Json<Value> {
    ops::health::healthz().await
}

/// Readiness: the database answers and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses((status = 200, body = Object), (status = 503, body = Object)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    ops::health::readyz(&state.store).await
}

/// Prometheus metrics: requests and latency by route template, job queue depth, job failures.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    ops::metrics::render(&state.store).await
}
