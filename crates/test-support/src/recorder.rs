//! What every fake server shares: a request log, scripted failures, and spawning on port 0.
use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};

/// One request as the fake server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    /// Path and query, e.g. `/2010-04-01/Accounts/AC1/Messages.json`.
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    /// The body parsed as a form (Twilio, Stripe).
    pub fn form(&self) -> HashMap<String, String> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&self.body)
            .unwrap_or_default()
            .into_iter()
            .collect()
    }

    /// The body parsed as JSON (Meta, Telegram, Evolution, Square, OpenAI); `Null` if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A scripted failure: the next matching request gets this status and body instead of the
/// normal answer.
#[derive(Clone, Debug)]
pub struct Failure {
    pub path_contains: String,
    pub status: StatusCode,
    pub body: serde_json::Value,
}

#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    failures: VecDeque<Failure>,
}

/// Shared state of a fake server: the request log and the failure script.
#[derive(Clone, Default)]
pub struct Recorder {
    inner: Arc<Mutex<Inner>>,
}

impl Recorder {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Every request received so far, oldest first (failed ones included).
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// Requests whose path contains `needle`.
    pub fn requests_to(&self, needle: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.contains(needle))
            .collect()
    }

    pub fn clear(&self) {
        self.lock().requests.clear();
    }

    /// The next request whose path contains `path_contains` answers `status` with `body`.
    /// Queue several to fail several times in a row.
    pub fn fail_next(&self, path_contains: &str, status: u16, body: serde_json::Value) {
        self.lock().failures.push_back(Failure {
            path_contains: path_contains.to_string(),
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body,
        });
    }

    fn take_failure(&self, path: &str) -> Option<Failure> {
        let mut inner = self.lock();
        let pos = inner
            .failures
            .iter()
            .position(|f| path.contains(&f.path_contains))?;
        inner.failures.remove(pos)
    }
}

async fn record(State(rec): State<Recorder>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    rec.lock().requests.push(Recorded {
        method: parts.method.clone(),
        path: path.clone(),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    if let Some(f) = rec.take_failure(&path) {
        return (f.status, axum::Json(f.body)).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// A fake provider listening on 127.0.0.1 with a random port.
pub struct FakeServer {
    pub addr: SocketAddr,
    pub recorder: Recorder,
    handle: tokio::task::JoinHandle<()>,
}

impl FakeServer {
    /// Serves `router` (whose handlers may also hold the recorder) behind the recording layer.
    pub async fn spawn(router: Router, recorder: Recorder) -> std::io::Result<Self> {
        let app = router.layer(middleware::from_fn_with_state(recorder.clone(), record));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let handle = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            recorder,
            handle,
        })
    }

    /// Base URL to configure as the provider's `api_base`, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorder.requests()
    }

    pub fn requests_to(&self, needle: &str) -> Vec<Recorded> {
        self.recorder.requests_to(needle)
    }

    pub fn fail_next(&self, path_contains: &str, status: u16, body: serde_json::Value) {
        self.recorder.fail_next(path_contains, status, body)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}
