//! A fake Meta Graph API for WhatsApp Cloud (`/{version}/{phone_number_id}/messages`), and
//! builders for the webhooks Meta sends, with their `X-Hub-Signature-256`.
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, PoisonError},
};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::recorder::{FakeServer, Recorded, Recorder};

#[derive(Default)]
struct Inner {
    rate_limits: VecDeque<u64>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running fake of `https://graph.facebook.com`.
pub struct FakeMeta {
    pub server: FakeServer,
    shared: Shared,
}

pub async fn spawn() -> std::io::Result<FakeMeta> {
    let shared = Shared::default();
    let router = Router::new()
        .route("/{version}/{phone_number_id}/messages", post(send_message))
        .route("/{version}/{media_id}", get(media_info))
        .with_state(shared.clone());
    let server = FakeServer::spawn(router, Recorder::default()).await?;
    Ok(FakeMeta { server, shared })
}

impl FakeMeta {
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

    /// The next send answers 429 with Graph error 130429 ("Rate limit hit") and
    /// `Retry-After: secs`.
    pub fn rate_limit_next(&self, retry_after_secs: u64) {
        self.shared.lock().rate_limits.push_back(retry_after_secs);
    }

    /// JSON bodies of every `/messages` request received, failed ones included.
    pub fn message_requests(&self) -> Vec<Value> {
        self.server
            .requests_to("/messages")
            .iter()
            .map(Recorded::json)
            .collect()
    }
}

/// A Graph API error body.
pub fn error_body(code: i64, message: &str) -> Value {
    json!({
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_subcode": null,
            "fbtrace_id": "AbCdEfGhIjK",
        }
    })
}

fn error(status: StatusCode, code: i64, message: &str) -> Response {
    (status, Json(error_body(code, message))).into_response()
}

async fn send_message(
    State(shared): State<Shared>,
    Path((_version, _phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.trim().is_empty());
    if bearer.is_none() {
        return error(
            StatusCode::UNAUTHORIZED,
            190,
            "Invalid OAuth access token - Cannot parse access token",
        );
    }
    if let Some(secs) = shared.lock().rate_limits.pop_front() {
        let mut resp = error(
            StatusCode::TOO_MANY_REQUESTS,
            130429,
            "(#130429) Rate limit hit",
        );
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    let Ok(req) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, 100, "(#100) Invalid JSON body");
    };
    if req["messaging_product"] != "whatsapp" {
        return error(
            StatusCode::BAD_REQUEST,
            100,
            "(#100) The parameter messaging_product is required.",
        );
    }
    let to = req["to"].as_str().unwrap_or("");
    if to.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            100,
            "(#100) The parameter to is required.",
        );
    }
    if !to.bytes().all(|b| b.is_ascii_digit()) {
        return error(StatusCode::BAD_REQUEST, 100, "(#100) Invalid parameter");
    }
    let kind = req["type"].as_str().unwrap_or("text");
    if !req[kind].is_object() {
        return error(
            StatusCode::BAD_REQUEST,
            100,
            &format!("(#100) The parameter {kind} is required."),
        );
    }
    if kind == "text"
        && req["text"]["body"]
            .as_str()
            .is_none_or(|b| b.chars().count() > 4096)
    {
        return error(
            StatusCode::BAD_REQUEST,
            100,
            "(#100) Param text['body'] is invalid",
        );
    }
    let id = format!(
        "wamid.{}",
        B64.encode(format!("HBgL{to}FQIAERgS{}", uuid::Uuid::new_v4().simple()))
    );
    let mut message = json!({"id": id});
    if kind == "template" {
        message["message_status"] = "accepted".into();
    }
    Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": to}],
        "messages": [message],
    }))
    .into_response()
}

/// `GET /{version}/{media-id}`: where to download an inbound media file.
async fn media_info(Path((version, media_id)): Path<(String, String)>) -> Response {
    Json(json!({
        "messaging_product": "whatsapp",
        "url": format!("https://lookaside.fbsbx.example/whatsapp_business/attachments/?mid={media_id}&v={version}"),
        "mime_type": "image/jpeg",
        "sha256": "0000000000000000000000000000000000000000000000000000000000000000",
        "file_size": 1234,
        "id": media_id,
    }))
    .into_response()
}

// ---------------------------------------------------------------------------------------
// Webhooks as Meta sends them.

/// The `X-Hub-Signature-256` header value for `body`: `sha256=<hex HMAC-SHA256>`.
pub fn signed_payload(app_secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The query string of the subscription handshake GET.
pub fn handshake_query(verify_token: &str, challenge: &str) -> String {
    serde_urlencoded::to_string([
        ("hub.mode", "subscribe"),
        ("hub.verify_token", verify_token),
        ("hub.challenge", challenge),
    ])
    .unwrap_or_default()
}

/// The envelope every WhatsApp webhook comes in, around one `value`.
pub fn webhook(phone_number_id: &str, value: Value) -> Value {
    let mut value = value;
    value["messaging_product"] = "whatsapp".into();
    value["metadata"] =
        json!({"display_phone_number": "15550783881", "phone_number_id": phone_number_id});
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]
    })
}

fn now_secs() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
        .to_string()
}

/// An incoming text message from `from` (digits, no `+`) with the sender's profile name.
pub fn text_message(
    phone_number_id: &str,
    from: &str,
    name: &str,
    wamid: &str,
    text: &str,
) -> Value {
    webhook(
        phone_number_id,
        json!({
            "contacts": [{"profile": {"name": name}, "wa_id": from}],
            "messages": [{
                "from": from, "id": wamid, "timestamp": now_secs(),
                "type": "text", "text": {"body": text}
            }]
        }),
    )
}

/// A press on one of our reply buttons.
pub fn button_reply(
    phone_number_id: &str,
    from: &str,
    wamid: &str,
    id: &str,
    title: &str,
) -> Value {
    webhook(
        phone_number_id,
        json!({
            "contacts": [{"profile": {"name": "Customer"}, "wa_id": from}],
            "messages": [{
                "from": from, "id": wamid, "timestamp": now_secs(), "type": "interactive",
                "interactive": {"type": "button_reply", "button_reply": {"id": id, "title": title}}
            }]
        }),
    )
}

/// A status for a message we sent; `error` is `(code, title)` for `failed`.
pub fn status(
    phone_number_id: &str,
    wamid: &str,
    status: &str,
    error: Option<(i64, &str)>,
) -> Value {
    let mut st = json!({
        "id": wamid, "status": status, "timestamp": now_secs(), "recipient_id": "16505551234"
    });
    if let Some((code, title)) = error {
        st["errors"] = json!([{
            "code": code, "title": title, "message": title,
            "error_data": {"details": title},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
        }]);
    }
    webhook(phone_number_id, json!({"statuses": [st]}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signed_payload("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn builders_have_the_webhook_shape() {
        let v = text_message("106540352242922", "16505551234", "Ann", "wamid.1", "hi");
        assert_eq!(
            v["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"],
            "hi"
        );
        let v = status(
            "1",
            "wamid.1",
            "failed",
            Some((131047, "Re-engagement message")),
        );
        assert_eq!(
            v["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"][0]["code"],
            131047
        );
        assert_eq!(
            handshake_query("tok", "42"),
            "hub.mode=subscribe&hub.verify_token=tok&hub.challenge=42"
        );
    }
}
