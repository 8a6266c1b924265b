//! `/api/v1/jobs`: background jobs of this business, dead ones included, with retry.
use axum::extract::State;
use serde::{Deserialize, Serialize};
use switchboard_domain::{BusinessId, Role};
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

/// A background job as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = Job)]
pub struct JobView {
    pub id: i64,
    pub kind: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub business_id: Option<BusinessId>,
    pub queue_key: Option<String>,
    pub idempotency_key: Option<String>,
    /// `queued`, `running`, `done` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub run_at: i64,
    pub last_error: Option<String>,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<i64>,
}

impl From<&Job> for JobView {
    fn from(j: &Job) -> Self {
        JobView {
            id: j.id,
            kind: j.kind.clone(),
            payload: j.payload.clone(),
            business_id: j.business_id,
            queue_key: j.queue_key.clone(),
            idempotency_key: j.idempotency_key.clone(),
            status: j.status.as_str().to_string(),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            last_error: j.last_error.clone(),
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.finished_at,
        }
    }
}

/// Jobs of this business, newest first (`?status=dead` lists dead jobs).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(JobQuery),
    responses((status = 200, body = Vec<JobView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    AppQuery(q): AppQuery<JobQuery>,
) -> ApiResult<AppJson<Vec<JobView>>> {
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
    Ok(AppJson(jobs.iter().map(JobView::from).collect()))
}

/// Put a dead job back in the queue.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "jobs",
    params(("id" = i64, Path, description = "Job id")),
    responses((status = 200, body = JobView), (status = 404, body = ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<i64>,
) -> ApiResult<AppJson<JobView>> {
    tenant.require_role(&[Role::Owner, Role::Admin])?;
    let job = state.store.retry_dead_job(id, Some(tenant.id())).await?;
    state.worker.notify();
    Ok(AppJson(JobView::from(&job)))
}
