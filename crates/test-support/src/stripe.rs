//! A fake Stripe: creates Checkout Sessions like `POST /v1/checkout/sessions` does (form body,
//! bearer key, `Idempotency-Key` replay), remembers them, and builds signed webhook events about
//! them so tests can play "the customer paid" against our webhook endpoint.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::recorder::{FakeServer, Recorded, Recorder};

/// Which webhook event to build for a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StripeEventKind {
    /// `checkout.session.completed`, card payment: `payment_status = "paid"`.
    CompletedPaid,
    /// `checkout.session.completed` for a delayed method: `payment_status = "unpaid"`.
    CompletedUnpaid,
    /// `checkout.session.async_payment_succeeded`: the delayed payment arrived.
    AsyncPaymentSucceeded,
    /// `checkout.session.async_payment_failed`.
    AsyncPaymentFailed,
    /// `checkout.session.expired`: never paid.
    Expired,
}

impl StripeEventKind {
    fn event_type(self) -> &'static str {
        match self {
            StripeEventKind::CompletedPaid | StripeEventKind::CompletedUnpaid => {
                "checkout.session.completed"
            }
            StripeEventKind::AsyncPaymentSucceeded => "checkout.session.async_payment_succeeded",
            StripeEventKind::AsyncPaymentFailed => "checkout.session.async_payment_failed",
            StripeEventKind::Expired => "checkout.session.expired",
        }
    }

    /// `(status, payment_status, has a payment intent)` of the session after this event.
    fn session_state(self) -> (&'static str, &'static str, bool) {
        match self {
            StripeEventKind::CompletedPaid | StripeEventKind::AsyncPaymentSucceeded => {
                ("complete", "paid", true)
            }
            StripeEventKind::CompletedUnpaid | StripeEventKind::AsyncPaymentFailed => {
                ("complete", "unpaid", true)
            }
            StripeEventKind::Expired => ("expired", "unpaid", false),
        }
    }
}

/// A webhook ready to POST: the exact body and its `Stripe-Signature` header value.
#[derive(Clone, Debug)]
pub struct StripeWebhook {
    pub event_id: String,
    pub body: String,
    pub signature: String,
}

#[derive(Default)]
struct Sessions {
    by_id: HashMap<String, Value>,
    /// Idempotency-Key -> session id, so a repeated create returns the first session.
    by_key: HashMap<String, String>,
}

#[derive(Clone, Default)]
struct Shared {
    sessions: Arc<Mutex<Sessions>>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The running fake and its helpers.
pub struct FakeStripe {
    pub server: FakeServer,
    shared: Shared,
}

/// Starts a fake Stripe on 127.0.0.1; use [`FakeStripe::url`] as the client's `api_base`.
pub async fn spawn() -> std::io::Result<FakeStripe> {
    let shared = Shared::default();
    let router = Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .with_state(shared.clone());
    let server = FakeServer::spawn(router, Recorder::default()).await?;
    Ok(FakeStripe { server, shared })
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Stripe's error envelope.
fn error(status: StatusCode, kind: &str, code: Option<&str>, message: &str) -> Response {
    let mut err = json!({ "type": kind, "message": message });
    if let Some(code) = code {
        err["code"] = json!(code);
    }
    (status, Json(json!({ "error": err }))).into_response()
}

async fn create_session(State(shared): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !auth.starts_with("Bearer sk_") {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            None,
            "Invalid API Key provided.",
        );
    }
    let form: HashMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .unwrap_or_default()
            .into_iter()
            .collect();
    let field = |k: &str| form.get(k).cloned();
    let amount =
        field("line_items[0][price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok());
    let quantity = field("line_items[0][quantity]").and_then(|q| q.parse::<i64>().ok());
    let (Some(currency), Some(amount), Some(quantity), Some(success_url)) = (
        field("line_items[0][price_data][currency]"),
        amount,
        quantity,
        field("success_url"),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_missing"),
            "Missing required param: line_items, or success_url.",
        );
    };
    if field("mode").as_deref() != Some("payment") {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            Some("parameter_invalid_empty"),
            "mode must be `payment` for one-off top-ups.",
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut sessions = shared.lock();
    if let Some(existing) = key.as_ref().and_then(|k| sessions.by_key.get(k))
        && let Some(session) = sessions.by_id.get(existing)
    {
        return (StatusCode::OK, Json(session.clone())).into_response();
    }
    let metadata: serde_json::Map<String, Value> = form
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("metadata[")?.strip_suffix(']')?;
            Some((name.to_string(), json!(v)))
        })
        .collect();
    let id = format!("cs_test_{}", short_id());
    let created = unix_now();
    let session = json!({
        "id": id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "amount_subtotal": amount * quantity,
        "amount_total": amount * quantity,
        "currency": currency,
        "client_reference_id": field("client_reference_id"),
        "metadata": metadata,
        "payment_intent": null,
        "success_url": success_url,
        "cancel_url": field("cancel_url"),
        "url": format!("https://checkout.stripe.com/c/pay/{id}"),
        "created": created,
        "expires_at": created + 24 * 3600,
        "livemode": false,
    });
    sessions.by_id.insert(id.clone(), session.clone());
    if let Some(key) = key {
        sessions.by_key.insert(key, id);
    }
    (StatusCode::OK, Json(session)).into_response()
}

/// The `Stripe-Signature` header value for `body` signed at `t` with `secret`.
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    // HMAC accepts any key length, so this never falls back in practice.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default()));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

impl FakeStripe {
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    pub fn fail_next(&self, path_contains: &str, status: u16, body: Value) {
        self.server.fail_next(path_contains, status, body)
    }

    /// A session as currently stored.
    pub fn session(&self, id: &str) -> Option<Value> {
        self.shared.lock().by_id.get(id).cloned()
    }

    /// Every session created so far, in no particular order.
    pub fn sessions(&self) -> Vec<Value> {
        self.shared.lock().by_id.values().cloned().collect()
    }

    /// Moves the session to the state `kind` describes and returns the event body Stripe
    /// would send (`None` for an unknown session). The payment intent id stays the same
    /// across events about one session, as it does at Stripe.
    pub fn event(&self, session_id: &str, kind: StripeEventKind) -> Option<(String, String)> {
        let mut sessions = self.shared.lock();
        let session = sessions.by_id.get_mut(session_id)?;
        let (status, payment_status, has_intent) = kind.session_state();
        session["status"] = json!(status);
        session["payment_status"] = json!(payment_status);
        if has_intent && session["payment_intent"].is_null() {
            session["payment_intent"] = json!(format!("pi_test_{}", short_id()));
        }
        if status != "open" {
            session["url"] = Value::Null;
        }
        let event_id = format!("evt_test_{}", short_id());
        let event = json!({
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": unix_now(),
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": kind.event_type(),
            "data": { "object": session.clone() },
        });
        Some((event_id, event.to_string()))
    }

    /// [`FakeStripe::event`], signed with the endpoint `secret` at time `t` (unix seconds).
    pub fn signed_event(
        &self,
        session_id: &str,
        kind: StripeEventKind,
        secret: &str,
        t: i64,
    ) -> Option<StripeWebhook> {
        let (event_id, body) = self.event(session_id, kind)?;
        let signature = sign(secret, t, &body);
        Some(StripeWebhook {
            event_id,
            body,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_stripe() {
        assert_eq!(
            sign(
                "whsec_test_secret",
                1_700_000_000,
                r#"{"id":"evt_test_webhook","object":"event"}"#
            ),
            "t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"
        );
    }
}
