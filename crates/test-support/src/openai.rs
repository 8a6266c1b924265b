//! A scripted fake of an OpenAI-compatible chat-completions server. Tests queue the replies the
//! "model" should give (text, tool calls, errors, slow answers); every request is recorded so a
//! test can check what was sent, e.g. that tool results were fed back.
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};

use crate::recorder::{FakeServer, Recorded, Recorder};

/// One tool call the fake model makes. `arguments` is sent verbatim, so it may be invalid JSON.
#[derive(Clone, Debug)]
pub struct ScriptedToolCall {
    pub name: String,
    pub arguments: String,
}

/// What one scripted reply consists of.
#[derive(Clone, Debug)]
pub enum ReplyKind {
    Content(String),
    ToolCalls(Vec<ScriptedToolCall>),
    /// An HTTP error with an OpenAI-style error body and optional `Retry-After` header.
    Error {
        status: u16,
        message: String,
        retry_after: Option<String>,
    },
}

/// One answer of the fake model, used by the next chat request.
#[derive(Clone, Debug)]
pub struct ScriptedReply {
    pub kind: ReplyKind,
    /// Wait this long before answering (to trigger client timeouts).
    pub delay: Option<Duration>,
}

impl ScriptedReply {
    pub fn content(text: impl Into<String>) -> Self {
        Self::of(ReplyKind::Content(text.into()))
    }

    /// One tool call with JSON arguments.
    pub fn tool_call(name: impl Into<String>, arguments: Value) -> Self {
        Self::tool_calls(vec![(name.into(), arguments)])
    }

    pub fn tool_calls(calls: Vec<(String, Value)>) -> Self {
        Self::of(ReplyKind::ToolCalls(
            calls
                .into_iter()
                .map(|(name, args)| ScriptedToolCall {
                    name,
                    arguments: args.to_string(),
                })
                .collect(),
        ))
    }

    /// A tool call whose argument text is sent as is (e.g. broken JSON).
    pub fn tool_call_raw(name: impl Into<String>, arguments: impl Into<String>) -> Self {
        Self::of(ReplyKind::ToolCalls(vec![ScriptedToolCall {
            name: name.into(),
            arguments: arguments.into(),
        }]))
    }

    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Self::of(ReplyKind::Error {
            status,
            message: message.into(),
            retry_after: None,
        })
    }

    /// A 429 with `Retry-After: <seconds>`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::of(ReplyKind::Error {
            status: 429,
            message: "Rate limit reached".into(),
            retry_after: Some(retry_after_secs.to_string()),
        })
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    fn of(kind: ReplyKind) -> Self {
        Self { kind, delay: None }
    }
}

#[derive(Default)]
struct Script {
    replies: VecDeque<ScriptedReply>,
    default_content: String,
    calls: u64,
}

#[derive(Clone)]
struct AppState {
    script: Arc<Mutex<Script>>,
}

impl AppState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The fake server. `url()` is the base URL to configure (it ends in `/v1`).
pub struct FakeOpenAi {
    pub server: FakeServer,
    state: AppState,
}

impl FakeOpenAi {
    pub async fn spawn() -> std::io::Result<Self> {
        let state = AppState {
            script: Arc::new(Mutex::new(Script {
                default_content: "Hello from the fake model.".into(),
                ..Script::default()
            })),
        };
        let router = Router::new()
            .route("/chat/completions", post(chat))
            .route("/v1/chat/completions", post(chat))
            .with_state(state.clone());
        let server = FakeServer::spawn(router, Recorder::default()).await?;
        Ok(Self { server, state })
    }

    /// Base URL for an OpenAI-compatible client, e.g. `http://127.0.0.1:41234/v1`.
    pub fn url(&self) -> String {
        format!("{}/v1", self.server.url())
    }

    pub fn push(&self, reply: ScriptedReply) {
        self.state.lock().replies.push_back(reply);
    }

    pub fn push_content(&self, text: impl Into<String>) {
        self.push(ScriptedReply::content(text));
    }

    pub fn push_tool_call(&self, name: impl Into<String>, arguments: Value) {
        self.push(ScriptedReply::tool_call(name, arguments));
    }

    /// What the model says once the script is used up.
    pub fn set_default_content(&self, text: impl Into<String>) {
        self.state.lock().default_content = text.into();
    }

    /// Scripted replies not used yet.
    /// Drops the scripted replies not used yet.
    pub fn clear_script(&self) {
        self.state.lock().replies.clear();
    }

    pub fn remaining(&self) -> usize {
        self.state.lock().replies.len()
    }

    /// Every chat request received, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests_to("/chat/completions")
    }

    /// The JSON bodies of the chat requests.
    pub fn bodies(&self) -> Vec<Value> {
        self.requests().iter().map(Recorded::json).collect()
    }

    pub fn last_body(&self) -> Option<Value> {
        self.bodies().pop()
    }

    /// The next chat request answers `status` with `body` before reaching the script.
    pub fn fail_next(&self, status: u16, body: Value) {
        self.server.fail_next("/chat/completions", status, body);
    }
}

async fn chat(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return error_response(
            400,
            "We could not parse the JSON body of your request.",
            None,
        );
    };
    if req.get("model").and_then(Value::as_str).is_none() || !req["messages"].is_array() {
        return error_response(400, "'model' and 'messages' are required.", None);
    }
    let (reply, call_no, default) = {
        let mut s = state.lock();
        s.calls += 1;
        (s.replies.pop_front(), s.calls, s.default_content.clone())
    };
    let reply = reply.unwrap_or_else(|| ScriptedReply::content(default));
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let model = req["model"].as_str().unwrap_or("fake").to_string();
    let prompt_tokens = count_words(&req["messages"]);
    let (message, finish) = match &reply.kind {
        ReplyKind::Error {
            status,
            message,
            retry_after,
        } => return error_response(*status, message, retry_after.as_deref()),
        ReplyKind::Content(text) => (json!({"role": "assistant", "content": text}), "stop"),
        ReplyKind::ToolCalls(calls) => (
            json!({"role": "assistant", "content": null, "tool_calls": calls.iter().enumerate()
                .map(|(i, c)| json!({"id": format!("call_{call_no}_{i}"), "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments}}))
                .collect::<Vec<_>>()}),
            "tool_calls",
        ),
    };
    let completion_tokens = count_words(&message) + 1;
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    });
    let id = format!("chatcmpl-fake-{call_no}");
    if req["stream"].as_bool() == Some(true) {
        let include_usage = req["stream_options"]["include_usage"].as_bool() == Some(true);
        let sse = stream_body(
            &id,
            &model,
            &message,
            finish,
            include_usage.then_some(usage),
        );
        let mut resp = sse.into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        return resp;
    }
    axum::Json(json!({
        "id": id,
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": usage,
    }))
    .into_response()
}

/// The reply cut into SSE chunks the way OpenAI sends them: a role chunk, content in small
/// pieces, each tool call's name then its arguments in fragments, the finish reason, the usage
/// chunk (empty `choices`) when asked for, and `[DONE]`.
fn stream_body(
    id: &str,
    model: &str,
    message: &Value,
    finish: &str,
    usage: Option<Value>,
) -> String {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let mut chunks = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    if let Some(text) = message["content"].as_str() {
        for piece in pieces(text, 4) {
            chunks.push(chunk(json!({"content": piece}), Value::Null));
        }
    }
    if let Some(calls) = message["tool_calls"].as_array() {
        for (i, call) in calls.iter().enumerate() {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                    "function": {"name": call["function"]["name"], "arguments": ""}}]}),
                Value::Null,
            ));
            let args = call["function"]["arguments"].as_str().unwrap_or_default();
            for piece in pieces(args, 7) {
                chunks.push(chunk(
                    json!({"tool_calls": [{"index": i, "function": {"arguments": piece}}]}),
                    Value::Null,
                ));
            }
        }
    }
    chunks.push(chunk(json!({}), json!(finish)));
    if let Some(usage) = usage {
        chunks.push(
            json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model, "choices": [], "usage": usage}),
        );
    }
    let mut out: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    out.push_str("data: [DONE]\n\n");
    out
}

/// Splits on character boundaries, `n` characters a piece.
fn pieces(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(n.max(1)).map(|c| c.iter().collect()).collect()
}

/// A deterministic stand-in for a token count: words in all string values.
fn count_words(v: &Value) -> u64 {
    match v {
        Value::String(s) => s.split_whitespace().count() as u64,
        Value::Array(a) => a.iter().map(count_words).sum(),
        Value::Object(o) => o.values().map(count_words).sum(),
        _ => 0,
    }
}

fn error_response(status: u16, message: &str, retry_after: Option<&str>) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = if status == 429 {
        "rate_limit_exceeded"
    } else {
        "invalid_request_error"
    };
    let mut resp = (
        code,
        axum::Json(
            json!({"error": {"message": message, "type": kind, "param": null, "code": null}}),
        ),
    )
        .into_response();
    if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}
