//! A fake Telegram Bot API (`/bot{token}/{method}`) with a `getUpdates` queue for long
//! polling, and builders for the updates Telegram delivers.
use std::{
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::recorder::{FakeServer, Recorded, Recorder};

/// The webhook registered with `setWebhook`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub url: String,
    pub secret_token: Option<String>,
}

#[derive(Default)]
struct Inner {
    rate_limits: VecDeque<u64>,
    next_message_id: i64,
    next_update_id: i64,
    updates: Vec<Value>,
    webhook: Option<Webhook>,
    blocked: HashSet<i64>,
}

#[derive(Clone, Default)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    arrived: Arc<Notify>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running fake of `https://api.telegram.org`.
pub struct FakeTelegram {
    pub server: FakeServer,
    shared: Shared,
}

pub async fn spawn() -> std::io::Result<FakeTelegram> {
    let shared = Shared::default();
    {
        let mut inner = shared.lock();
        inner.next_message_id = 100;
        inner.next_update_id = 1000;
    }
    let router = Router::new()
        .route("/{bot}/{method}", post(method))
        .with_state(shared.clone());
    let server = FakeServer::spawn(router, Recorder::default()).await?;
    Ok(FakeTelegram { server, shared })
}

impl FakeTelegram {
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// The next matching request answers `status` with `body` (see [`error_body`]).
    pub fn fail_next(&self, path_contains: &str, status: u16, body: Value) {
        self.server.fail_next(path_contains, status, body)
    }

    /// The next call answers 429 "Too Many Requests: retry after N" with
    /// `parameters.retry_after` and a `Retry-After` header.
    pub fn rate_limit_next(&self, retry_after_secs: u64) {
        self.shared.lock().rate_limits.push_back(retry_after_secs);
    }

    /// Sends to this chat fail with 403 "bot was blocked by the user".
    pub fn block_chat(&self, chat_id: i64) {
        self.shared.lock().blocked.insert(chat_id);
    }

    /// Queues an update for `getUpdates`, giving it the next `update_id` unless it has one.
    /// Returns its `update_id`.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            let id = match update["update_id"].as_i64() {
                Some(id) => id,
                None => {
                    let id = inner.next_update_id;
                    update["update_id"] = id.into();
                    id
                }
            };
            inner.next_update_id = inner.next_update_id.max(id + 1);
            inner.updates.push(update);
            id
        };
        self.shared.arrived.notify_waiters();
        id
    }

    /// The webhook currently registered, if any.
    pub fn webhook(&self) -> Option<Webhook> {
        self.shared.lock().webhook.clone()
    }

    /// JSON bodies of every `send*` call received, failed ones included.
    pub fn sent(&self) -> Vec<Value> {
        self.server
            .requests_to("/send")
            .iter()
            .map(Recorded::json)
            .collect()
    }
}

/// A Bot API error answer.
pub fn error_body(code: u16, description: &str) -> Value {
    json!({"ok": false, "error_code": code, "description": description})
}

fn error(status: StatusCode, description: &str) -> Response {
    (status, Json(error_body(status.as_u16(), description))).into_response()
}

fn ok(result: Value) -> Response {
    Json(json!({"ok": true, "result": result})).into_response()
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or_default())
        .unwrap_or_default()
}

async fn method(
    State(shared): State<Shared>,
    Path((bot, method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    // Telegram answers 404 to anything that is not `bot<id>:<secret>`.
    if !bot.strip_prefix("bot").is_some_and(|t| t.contains(':')) {
        return error(StatusCode::NOT_FOUND, "Not Found");
    }
    if let Some(secs) = shared.lock().rate_limits.pop_front() {
        let mut body = error_body(429, &format!("Too Many Requests: retry after {secs}"));
        body["parameters"] = json!({"retry_after": secs});
        let mut resp = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    // The Bot API takes JSON or form bodies alike.
    let req: Value = serde_json::from_slice(&body).unwrap_or_else(|_| {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect(),
                )
            })
            .unwrap_or(Value::Null)
    });
    match method.as_str() {
        "getMe" => ok(
            json!({"id": 777000, "is_bot": true, "first_name": "Switchboard", "username": "switchboard_test_bot"}),
        ),
        "sendMessage" | "sendPhoto" | "sendDocument" | "sendVideo" | "sendAudio" | "sendVoice" => {
            send(&shared, &method, &req)
        }
        "answerCallbackQuery" => {
            if req["callback_query_id"].as_str().is_none_or(str::is_empty) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: query is too old and response timeout expired or query ID is invalid",
                );
            }
            ok(json!(true))
        }
        "setWebhook" => {
            let Some(url) = req["url"]
                .as_str()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
                );
            };
            shared.lock().webhook = Some(Webhook {
                url: url.to_string(),
                secret_token: req["secret_token"].as_str().map(str::to_string),
            });
            Json(json!({"ok": true, "result": true, "description": "Webhook was set"}))
                .into_response()
        }
        "deleteWebhook" => {
            let mut inner = shared.lock();
            inner.webhook = None;
            if req["drop_pending_updates"].as_bool() == Some(true) {
                inner.updates.clear();
            }
            Json(json!({"ok": true, "result": true, "description": "Webhook was deleted"}))
                .into_response()
        }
        "getWebhookInfo" => {
            let url = shared
                .lock()
                .webhook
                .as_ref()
                .map(|w| w.url.clone())
                .unwrap_or_default();
            ok(json!({"url": url, "has_custom_certificate": false, "pending_update_count": 0}))
        }
        "getUpdates" => get_updates(&shared, &req).await,
        _ => error(StatusCode::NOT_FOUND, "Not Found: method not found"),
    }
}

fn send(shared: &Shared, method: &str, req: &Value) -> Response {
    let chat_id = match &req["chat_id"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse::<i64>().ok().or(if s.starts_with('@') {
            Some(-1_001_000_000_000)
        } else {
            None
        }),
        _ => None,
    };
    let Some(chat_id) = chat_id else {
        return error(StatusCode::BAD_REQUEST, "Bad Request: chat not found");
    };
    if shared.lock().blocked.contains(&chat_id) {
        return error(
            StatusCode::FORBIDDEN,
            "Forbidden: bot was blocked by the user",
        );
    }
    let mut message = json!({
        "from": {"id": 777000, "is_bot": true, "first_name": "Switchboard", "username": "switchboard_test_bot"},
        "chat": {"id": chat_id, "type": if chat_id > 0 { "private" } else { "channel" }},
        "date": now_secs(),
    });
    if method == "sendMessage" {
        let text = req["text"].as_str().unwrap_or("");
        if text.is_empty() {
            return error(
                StatusCode::BAD_REQUEST,
                "Bad Request: message text is empty",
            );
        }
        if text.encode_utf16().count() > 4096 {
            return error(StatusCode::BAD_REQUEST, "Bad Request: message is too long");
        }
        message["text"] = text.into();
        if !req["reply_markup"].is_null() {
            message["reply_markup"] = req["reply_markup"].clone();
        }
    } else {
        let field = method.trim_start_matches("send").to_ascii_lowercase();
        let Some(file) = req[field.as_str()].as_str().filter(|f| !f.is_empty()) else {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Bad Request: there is no {field} in the request"),
            );
        };
        let file_obj = json!({"file_id": format!("AgAC{}", uuid::Uuid::new_v4().simple()), "file_unique_id": "u", "source": file});
        message[field.as_str()] = if field == "photo" {
            json!([file_obj])
        } else {
            file_obj
        };
        if let Some(c) = req["caption"].as_str() {
            message["caption"] = c.into();
        }
    }
    let message_id = {
        let mut inner = shared.lock();
        inner.next_message_id += 1;
        inner.next_message_id
    };
    message["message_id"] = message_id.into();
    ok(message)
}

/// Long polling as Telegram does it: an `offset` confirms (and forgets) every update below
/// it; the call waits up to `timeout` seconds for one to arrive.
async fn get_updates(shared: &Shared, req: &Value) -> Response {
    if shared.lock().webhook.is_some() {
        return error(
            StatusCode::CONFLICT,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        );
    }
    let offset = req["offset"]
        .as_i64()
        .or_else(|| req["offset"].as_str().and_then(|s| s.parse().ok()));
    let timeout = req["timeout"]
        .as_u64()
        .or_else(|| req["timeout"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout.min(50));
    loop {
        // Register interest before looking, so an update pushed in between is not missed.
        let arrived = shared.arrived.notified();
        let pending: Vec<Value> = {
            let mut inner = shared.lock();
            if let Some(o) = offset {
                inner
                    .updates
                    .retain(|u| u["update_id"].as_i64().is_some_and(|id| id >= o));
            }
            inner.updates.clone()
        };
        if !pending.is_empty() || tokio::time::Instant::now() >= deadline {
            return ok(Value::Array(pending));
        }
        let _ = tokio::time::timeout_at(deadline, arrived).await;
    }
}

// ---------------------------------------------------------------------------------------
// Updates as Telegram delivers them.

fn user(chat_id: i64, first_name: &str, username: Option<&str>) -> Value {
    let mut u =
        json!({"id": chat_id, "is_bot": false, "first_name": first_name, "language_code": "en"});
    if let Some(name) = username {
        u["username"] = name.into();
    }
    u
}

/// A private text message. Pass `update_id` 0 to let [`FakeTelegram::push_update`] number it.
pub fn text_update(
    update_id: i64,
    chat_id: i64,
    first_name: &str,
    username: Option<&str>,
    text: &str,
) -> Value {
    let mut u = json!({
        "message": {
            "message_id": update_id % 100_000 + 1,
            "from": user(chat_id, first_name, username),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "date": now_secs(),
            "text": text,
        }
    });
    if update_id != 0 {
        u["update_id"] = update_id.into();
    }
    u
}

/// A press on an inline keyboard button carrying `data`.
pub fn callback_update(update_id: i64, chat_id: i64, callback_id: &str, data: &str) -> Value {
    let mut u = json!({
        "callback_query": {
            "id": callback_id,
            "from": user(chat_id, "Customer", None),
            "message": {
                "message_id": 1,
                "from": {"id": 777000, "is_bot": true, "first_name": "Switchboard"},
                "chat": {"id": chat_id, "type": "private"},
                "date": now_secs(),
                "text": "Pick a time"
            },
            "chat_instance": "-1234567890",
            "data": data,
        }
    });
    if update_id != 0 {
        u["update_id"] = update_id.into();
    }
    u
}

/// A photo with a caption.
pub fn photo_update(update_id: i64, chat_id: i64, file_id: &str, caption: Option<&str>) -> Value {
    let mut u = text_update(update_id, chat_id, "Customer", None, "");
    let m = &mut u["message"];
    if let Some(obj) = m.as_object_mut() {
        obj.remove("text");
    }
    m["photo"] = json!([
        {"file_id": format!("{file_id}-small"), "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": file_id, "file_unique_id": "b", "width": 1280, "height": 1280}
    ]);
    if let Some(c) = caption {
        m["caption"] = c.into();
    }
    u
}

/// The header Telegram sends with every webhook delivery.
pub fn webhook_header(secret_token: &str) -> (&'static str, String) {
    ("x-telegram-bot-api-secret-token", secret_token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_builders() {
        let u = text_update(5, 42, "Ann", Some("ann"), "hi");
        assert_eq!(u["update_id"], 5);
        assert_eq!(u["message"]["chat"]["id"], 42);
        assert!(text_update(0, 1, "A", None, "x").get("update_id").is_none());
        let p = photo_update(6, 42, "F", Some("look"));
        assert!(p["message"].get("text").is_none());
        assert_eq!(p["message"]["photo"][1]["file_id"], "F");
        assert_eq!(
            callback_update(7, 42, "cb", "slot:1")["callback_query"]["data"],
            "slot:1"
        );
    }
}
