//! Prometheus metrics: requests and latency by route template, job queue depth (read at scrape
//! time), job failures and deaths.
use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use switchboard_store::Store;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process-wide recorder (one per process: several test apps share it).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .as_ref()
}

pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    resp
}

/// Called by the worker pool after each job.
pub fn job_finished(kind: &str, ok: bool, dead: bool) {
    if ok {
        metrics::counter!("jobs_completed_total", "kind" => kind.to_string()).increment(1);
    } else {
        metrics::counter!("job_failures_total", "kind" => kind.to_string()).increment(1);
        if dead {
            metrics::counter!("jobs_dead_total", "kind" => kind.to_string()).increment(1);
        }
    }
}

/// `GET /metrics`
pub async fn render(store: &Store) -> Response {
    for status in ["queued", "running", "dead"] {
        metrics::gauge!("job_queue_depth", "status" => status).set(0.0);
    }
    if let Ok(counts) = store.job_counts().await {
        for (status, n) in counts {
            metrics::gauge!("job_queue_depth", "status" => status).set(n as f64);
        }
    }
    match handle() {
        Some(h) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            h.render(),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable",
        )
            .into_response(),
    }
}
