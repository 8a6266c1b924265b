//! `X-Request-ID` through tower-http: [`SetRequestIdLayer`] keeps a sane id from the caller or
//! makes a UUIDv7, [`PropagateRequestIdLayer`] echoes it on the response. Around them, two small
//! middlewares of ours: [`drop_unfit`] removes a caller's id that is not safe to log (so a new
//! one is made), and [`scope`] carries the id in the request's tracing span (so every log line
//! has it), in a task-local for error bodies and audit records, and ends each request with one
//! `info` line: method, route, status, latency and request id.
use axum::{
    extract::{MatchedPath, Request},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing::Instrument;

pub use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, or `-` outside a request.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_else(|_| "-".to_string())
}

/// Makes time-ordered ids (UUIDv7) for requests that come without a usable one.
#[derive(Clone, Copy, Debug, Default)]
pub struct MakeUuidV7;

impl MakeRequestId for MakeUuidV7 {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&uuid::Uuid::now_v7().to_string())
            .ok()
            .map(RequestId::new)
    }
}

fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Removes a caller's `X-Request-ID` that is empty, over 128 bytes or has characters other
/// than letters, digits and `-_.:`, so that [`SetRequestIdLayer`] makes a fresh one.
pub async fn drop_unfit(mut req: Request, next: Next) -> Response {
    let fit = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().is_ok_and(acceptable));
    if fit == Some(false) {
        req.headers_mut().remove(HEADER);
    }
    next.run(req).await
}

/// Runs the request inside its span and task-local id, and logs its end.
pub async fn scope(req: Request, next: Next) -> Response {
    let id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|r| r.header_value().to_str().ok())
        .unwrap_or("-")
        .to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let method = req.method().clone();
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let started = std::time::Instant::now();
    let resp = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span))
        .await;
    tracing::info!(
        request_id = %id,
        method = %method,
        route = %route,
        status = resp.status().as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(acceptable("my-trace-42"));
        assert!(acceptable("a.b_c:d"));
        assert!(!acceptable(""));
        assert!(!acceptable("bad id\n"));
        assert!(!acceptable(&"x".repeat(129)));
    }
}
