//! `/api/v1/jobs`: background jobs of this business, dead ones included, with retry.
use axum::extract::State;
use serde::Deserialize;
use switchboard_domain::Role;
use switchboard_store::jobs::{Job, JobStatus};

use crate::{
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// `queued`, `running`, `done` or `dead`.
    pub status: Option<String>,
    /// Jobs with a smaller id than this (the last id of the previous page).
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

/// Jobs of this business, newest first (`?status=dead` lists dead jobs).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobQuery),
    responses((status = 200, body = Vec<Job>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    AppQuery(q): AppQuery<JobQuery>,
) -> ApiResult<AppJson<Vec<Job>>> {
    tenant.require_role(&[Role::Owner, Role::Admin])?;
    let status = match q.status.as_deref() {
        Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidQuery,
                "status is one of queued, running, done, dead",
            )
        })?),
        None => None,
    };
    let jobs = state
        .store
        .list_jobs(
            Some(tenant.id()),
            status,
            q.before,
            q.limit.unwrap_or(50).clamp(1, 200),
        )
        .await?;
    Ok(AppJson(jobs))
}

/// Put a dead job back in the queue.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs",
    params(("id" = i64, Path, description = "Job id")),
    responses((status = 200, body = Job), (status = 404, body = ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<i64>,
) -> ApiResult<AppJson<Job>> {
    tenant.require_role(&[Role::Owner, Role::Admin])?;
    let job = state.store.retry_dead_job(id, Some(tenant.id())).await?;
    state.worker.notify();
    Ok(AppJson(job))
}
