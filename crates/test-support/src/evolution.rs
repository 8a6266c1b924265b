//! A fake WhatsApp Web bridge speaking the Evolution API (v2): sending, webhook registration,
//! connection state and QR pairing, and builders for the events the bridge posts to us.
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use serde_json::{Value, json};

use crate::recorder::{FakeServer, Recorded, Recorder};

/// A 1x1 transparent PNG, standing in for the pairing QR code.
pub const QR_PNG_DATA_URL: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

#[derive(Default)]
struct Inner {
    api_key: Option<String>,
    states: HashMap<String, String>,
    webhooks: HashMap<String, Value>,
    not_on_whatsapp: HashSet<String>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn state(&self, instance: &str) -> String {
        self.lock()
            .states
            .get(instance)
            .cloned()
            .unwrap_or_else(|| "open".to_string())
    }
}

/// A running fake bridge. Every instance starts paired (`open`) unless told otherwise.
pub struct FakeEvolution {
    pub server: FakeServer,
    shared: Shared,
}

pub async fn spawn() -> std::io::Result<FakeEvolution> {
    let shared = Shared::default();
    let router = Router::new()
        .route("/message/{action}/{instance}", post(send))
        .route("/webhook/set/{instance}", post(set_webhook))
        .route("/webhook/find/{instance}", get(find_webhook))
        .route(
            "/instance/connectionState/{instance}",
            get(connection_state),
        )
        .route("/instance/connect/{instance}", get(connect))
        .route("/instance/logout/{instance}", delete(logout))
        .with_state(shared.clone());
    let server = FakeServer::spawn(router, Recorder::default()).await?;
    Ok(FakeEvolution { server, shared })
}

impl FakeEvolution {
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

    /// Only this `apikey` is accepted from now on (by default any non-empty key is).
    pub fn require_api_key(&self, key: &str) {
        self.shared.lock().api_key = Some(key.to_string());
    }

    /// Sets an instance's session state: `open`, `connecting` or `close`.
    pub fn set_state(&self, instance: &str, state: &str) {
        self.shared
            .lock()
            .states
            .insert(instance.to_string(), state.to_string());
    }

    /// Sends to this number (digits) fail with 400 `exists: false`.
    pub fn mark_not_on_whatsapp(&self, digits: &str) {
        self.shared
            .lock()
            .not_on_whatsapp
            .insert(digits.to_string());
    }

    /// The webhook registered for `instance`, as the bridge stores it.
    pub fn webhook(&self, instance: &str) -> Option<Value> {
        self.shared.lock().webhooks.get(instance).cloned()
    }

    /// JSON bodies of every `/message/...` request received, failed ones included.
    pub fn sent(&self) -> Vec<Value> {
        self.server
            .requests_to("/message/")
            .iter()
            .map(Recorded::json)
            .collect()
    }
}

/// The bridge's error shape.
pub fn error_body(status: u16, error: &str, message: Value) -> Value {
    json!({"status": status, "error": error, "response": {"message": message}})
}

fn error(status: StatusCode, message: Value) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    (status, Json(error_body(status.as_u16(), reason, message))).into_response()
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(key) = headers
        .get("apikey")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
    else {
        return false;
    };
    shared
        .lock()
        .api_key
        .as_deref()
        .is_none_or(|want| want == key)
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, json!("Unauthorized"))
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

async fn send(
    State(shared): State<Shared>,
    Path((action, instance)): Path<(String, String)>,
    headers: HeaderMap,
    Json(req): Json<Value>,
) -> Response {
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    if shared.state(&instance) != "open" {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!("Connection Closed"),
        );
    }
    let number = req["number"].as_str().unwrap_or("");
    let digits = number.split('@').next().unwrap_or("");
    if digits.is_empty() {
        return error(StatusCode::BAD_REQUEST, json!(["number is required"]));
    }
    let jid = if number.contains('@') {
        number.to_string()
    } else {
        format!("{digits}@s.whatsapp.net")
    };
    if shared.lock().not_on_whatsapp.contains(digits) {
        return error(
            StatusCode::BAD_REQUEST,
            json!([{"jid": jid, "exists": false, "number": digits}]),
        );
    }
    let (message, message_type) = match action.as_str() {
        "sendText" => {
            let Some(text) = req["text"].as_str().filter(|t| !t.is_empty()) else {
                return error(StatusCode::BAD_REQUEST, json!(["text is required"]));
            };
            (
                json!({"extendedTextMessage": {"text": text}}),
                "extendedTextMessage",
            )
        }
        "sendMedia" => {
            let kind = req["mediatype"].as_str().unwrap_or("");
            if !matches!(kind, "image" | "video" | "document") || req["media"].as_str().is_none() {
                return error(
                    StatusCode::BAD_REQUEST,
                    json!(["mediatype and media are required"]),
                );
            }
            let key = format!("{kind}Message");
            let mut m = serde_json::Map::new();
            m.insert(
                key.clone(),
                json!({"url": "https://mmg.whatsapp.net/fake.enc", "mimetype": req["mimetype"], "caption": req["caption"]}),
            );
            (
                Value::Object(m),
                if kind == "image" {
                    "imageMessage"
                } else if kind == "video" {
                    "videoMessage"
                } else {
                    "documentMessage"
                },
            )
        }
        "sendWhatsAppAudio" => {
            if req["audio"].as_str().is_none() {
                return error(StatusCode::BAD_REQUEST, json!(["audio is required"]));
            }
            (json!({"audioMessage": {"ptt": true}}), "audioMessage")
        }
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                json!(format!("Cannot POST /message/{action}")),
            );
        }
    };
    let id = format!(
        "3EB0{}",
        uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .to_uppercase()
            .get(..16)
            .unwrap_or("0")
    );
    let answer = json!({
        "key": {"remoteJid": jid, "fromMe": true, "id": id},
        "pushName": "",
        "status": "PENDING",
        "message": message,
        "contextInfo": null,
        "messageType": message_type,
        "messageTimestamp": now_secs(),
        "instanceId": format!("{instance}-id"),
        "source": "unknown",
    });
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn set_webhook(
    State(shared): State<Shared>,
    Path(instance): Path<String>,
    headers: HeaderMap,
    Json(req): Json<Value>,
) -> Response {
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let w = &req["webhook"];
    if !w.is_object() {
        return error(
            StatusCode::BAD_REQUEST,
            json!(["instance requires property \"webhook\""]),
        );
    }
    if w["events"].as_array().is_none_or(Vec::is_empty) {
        return error(
            StatusCode::BAD_REQUEST,
            json!(["webhook.events must not be empty"]),
        );
    }
    let stored = json!({
        "id": format!("wh-{instance}"),
        "url": w["url"],
        "headers": w["headers"],
        "enabled": w["enabled"],
        "events": w["events"],
        "webhookByEvents": w["byEvents"],
        "webhookBase64": w["base64"],
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        "instanceId": format!("{instance}-id"),
    });
    shared.lock().webhooks.insert(instance, stored.clone());
    (StatusCode::CREATED, Json(stored)).into_response()
}

async fn find_webhook(
    State(shared): State<Shared>,
    Path(instance): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let found = shared.lock().webhooks.get(&instance).cloned();
    Json(found.unwrap_or(Value::Null)).into_response()
}

async fn connection_state(
    State(shared): State<Shared>,
    Path(instance): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let state = shared.state(&instance);
    Json(json!({"instance": {"instanceName": instance, "state": state}})).into_response()
}

async fn connect(
    State(shared): State<Shared>,
    Path(instance): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    if shared.state(&instance) == "open" {
        return Json(json!({"instance": {"instanceName": instance, "state": "open"}}))
            .into_response();
    }
    shared.lock().states.insert(instance, "connecting".into());
    let pairing = q
        .get("number")
        .filter(|n| !n.is_empty())
        .map(|_| "WZYEH1YY");
    Json(json!({
        "pairingCode": pairing,
        "code": "2@y8eK+bjtEjUWy9/FOM",
        "base64": QR_PNG_DATA_URL,
        "count": 1,
    }))
    .into_response()
}

async fn logout(
    State(shared): State<Shared>,
    Path(instance): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    shared.lock().states.insert(instance, "close".into());
    Json(json!({"status": "SUCCESS", "error": false, "response": {"message": "Instance logged out"}})).into_response()
}

// ---------------------------------------------------------------------------------------
// Events as the bridge posts them.

/// The envelope of every webhook delivery.
pub fn envelope(event: &str, instance: &str, data: Value) -> Value {
    json!({
        "event": event,
        "instance": instance,
        "data": data,
        "destination": "https://switchboard.example/webhooks",
        "date_time": "2026-01-01T00:00:00.000Z",
        "sender": "14155238886@s.whatsapp.net",
        "server_url": "http://evolution:8080",
        "apikey": "instance-key",
    })
}

/// A customer's text (`remote_jid` like `14155550100@s.whatsapp.net`).
pub fn text_upsert(
    instance: &str,
    remote_jid: &str,
    key_id: &str,
    push_name: &str,
    text: &str,
) -> Value {
    envelope(
        "messages.upsert",
        instance,
        json!({
            "key": {"remoteJid": remote_jid, "fromMe": false, "id": key_id},
            "pushName": push_name,
            "status": "DELIVERY_ACK",
            "message": {"conversation": text},
            "messageType": "conversation",
            "messageTimestamp": now_secs(),
            "instanceId": format!("{instance}-id"),
            "source": "android",
        }),
    )
}

/// A delivery receipt for a message we sent: `status` is ERROR, PENDING, SERVER_ACK,
/// DELIVERY_ACK, READ or PLAYED.
pub fn status_update(instance: &str, key_id: &str, status: &str) -> Value {
    envelope(
        "messages.update",
        instance,
        json!({
            "messageId": "cm0000000000000000000000",
            "keyId": key_id,
            "remoteJid": "14155550100@s.whatsapp.net",
            "fromMe": true,
            "participant": null,
            "status": status,
            "instanceId": format!("{instance}-id"),
        }),
    )
}

pub fn connection_update(instance: &str, state: &str) -> Value {
    envelope(
        "connection.update",
        instance,
        json!({"instance": instance, "state": state, "statusReason": 200}),
    )
}

pub fn qrcode_updated(instance: &str, base64: &str) -> Value {
    envelope(
        "qrcode.updated",
        instance,
        json!({"qrcode": {"instance": instance, "pairingCode": null, "code": "2@abc", "base64": base64}}),
    )
}

/// The header our webhook registration asks the bridge to send.
pub fn secret_header(secret: &str) -> (&'static str, String) {
    ("x-switchboard-secret", secret.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_builders() {
        let e = text_upsert("shop", "14155550100@s.whatsapp.net", "K1", "Ann", "hi");
        assert_eq!(e["event"], "messages.upsert");
        assert_eq!(e["data"]["message"]["conversation"], "hi");
        assert_eq!(status_update("shop", "K1", "READ")["data"]["keyId"], "K1");
        assert_eq!(connection_update("shop", "open")["data"]["state"], "open");
        assert_eq!(
            qrcode_updated("shop", QR_PNG_DATA_URL)["data"]["qrcode"]["base64"],
            QR_PNG_DATA_URL
        );
    }
}
