//! A fake Square: creates payment links with their orders like
//! `POST /v2/online-checkout/payment-links`, serves `GET /v2/orders/{id}`, and builds signed
//! `payment.created` / `payment.updated` notifications for those orders.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::recorder::{FakeServer, Recorded, Recorder};

/// Which payment notification to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SquarePaymentEvent {
    Created,
    Updated,
}

impl SquarePaymentEvent {
    fn event_type(self) -> &'static str {
        match self {
            SquarePaymentEvent::Created => "payment.created",
            SquarePaymentEvent::Updated => "payment.updated",
        }
    }
}

/// A notification ready to POST: the exact body and its `x-square-hmacsha256-signature`.
#[derive(Clone, Debug)]
pub struct SquareWebhook {
    pub event_id: String,
    pub payment_id: String,
    pub body: String,
    pub signature: String,
}

#[derive(Default)]
struct Store {
    links: HashMap<String, Value>,
    orders: HashMap<String, Value>,
    /// idempotency_key -> the first answer, replayed for repeats.
    replies: HashMap<String, Value>,
    /// order id -> payment id, so every notification about one order names one payment.
    payments: HashMap<String, String>,
}

#[derive(Clone, Default)]
struct Shared {
    store: Arc<Mutex<Store>>,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The running fake and its helpers.
pub struct FakeSquare {
    pub server: FakeServer,
    shared: Shared,
}

/// Starts a fake Square on 127.0.0.1; use [`FakeSquare::url`] as the client's `api_base`.
pub async fn spawn() -> std::io::Result<FakeSquare> {
    let shared = Shared::default();
    let router = Router::new()
        .route("/v2/online-checkout/payment-links", post(create_link))
        .route("/v2/orders/{order_id}", get(retrieve_order))
        .with_state(shared.clone());
    let server = FakeServer::spawn(router, Recorder::default()).await?;
    Ok(FakeSquare { server, shared })
}

/// RFC 3339 UTC for the current second, without pulling a date crate into test support.
fn now_rfc3339() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, unsigned form).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A Square-looking id: upper-case letters and digits.
fn square_id(len: usize) -> String {
    let raw = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    raw.chars().take(len).collect()
}

/// Square's error envelope.
fn error(status: StatusCode, category: &str, code: &str, detail: &str) -> Response {
    let body = json!({ "errors": [{ "category": category, "code": code, "detail": detail }] });
    (status, Json(body)).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > "Bearer ".len() && v.starts_with("Bearer "))
}

fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "AUTHENTICATION_ERROR",
        "UNAUTHORIZED",
        "This request could not be authorized.",
    )
}

async fn create_link(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let key = body["idempotency_key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut store = shared.lock();
    if let Some(reply) = store.replies.get(&key).filter(|_| !key.is_empty()) {
        return (StatusCode::OK, Json(reply.clone())).into_response();
    }
    let order_in = &body["order"];
    let Some(location_id) = order_in["location_id"].as_str() else {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_ERROR",
            "MISSING_REQUIRED_PARAMETER",
            "Missing required parameter: order.location_id",
        );
    };
    let mut total: i64 = 0;
    let mut currency = Value::Null;
    let mut line_items = Vec::new();
    for item in order_in["line_items"].as_array().into_iter().flatten() {
        let amount = item["base_price_money"]["amount"]
            .as_i64()
            .unwrap_or_default();
        let quantity: i64 = item["quantity"]
            .as_str()
            .and_then(|q| q.parse().ok())
            .unwrap_or(0);
        currency = item["base_price_money"]["currency"].clone();
        total += amount * quantity;
        let money = json!({ "amount": amount * quantity, "currency": currency });
        line_items.push(json!({
            "uid": square_id(21),
            "name": item["name"],
            "quantity": item["quantity"],
            "item_type": "ITEM",
            "base_price_money": item["base_price_money"],
            "gross_sales_money": money,
            "total_money": money,
        }));
    }
    if line_items.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_ERROR",
            "MISSING_REQUIRED_PARAMETER",
            "Missing required parameter: order.line_items",
        );
    }
    let now = now_rfc3339();
    let order_id = square_id(29);
    let order = json!({
        "id": order_id,
        "location_id": location_id,
        "reference_id": order_in["reference_id"],
        "source": { "name": "Switchboard" },
        "line_items": line_items,
        "total_money": { "amount": total, "currency": currency },
        "net_amount_due_money": { "amount": total, "currency": currency },
        "state": "DRAFT",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    });
    let link_id = square_id(16);
    let link = json!({
        "id": link_id,
        "version": 1,
        "order_id": order_id,
        "url": format!("https://sandbox.square.link/u/{}", square_id(8)),
        "long_url": format!("https://sandbox.square.link/u/{link_id}?src=sheet"),
        "created_at": now,
    });
    let reply = json!({ "payment_link": link, "related_resources": { "orders": [order] } });
    store.links.insert(link_id, link);
    store.orders.insert(order_id, order);
    if !key.is_empty() {
        store.replies.insert(key, reply.clone());
    }
    (StatusCode::OK, Json(reply)).into_response()
}

async fn retrieve_order(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(order_id): Path<String>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    match shared.lock().orders.get(&order_id) {
        Some(order) => (StatusCode::OK, Json(json!({ "order": order }))).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            "INVALID_REQUEST_ERROR",
            "NOT_FOUND",
            &format!("Order with id `{order_id}` not found."),
        ),
    }
}

/// `x-square-hmacsha256-signature` for `body` delivered to `notification_url`.
pub fn sign(signature_key: &str, notification_url: &str, body: &str) -> String {
    // HMAC accepts any key length, so this never falls back in practice.
    let mut mac = Hmac::<Sha256>::new_from_slice(signature_key.as_bytes())
        .unwrap_or_else(|_| <Hmac<Sha256> as hmac::digest::KeyInit>::new(&Default::default()));
    mac.update(notification_url.as_bytes());
    mac.update(body.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl FakeSquare {
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    pub fn fail_next(&self, path_contains: &str, status: u16, body: Value) {
        self.server.fail_next(path_contains, status, body)
    }

    pub fn order(&self, order_id: &str) -> Option<Value> {
        self.shared.lock().orders.get(order_id).cloned()
    }

    pub fn payment_link(&self, link_id: &str) -> Option<Value> {
        self.shared.lock().links.get(link_id).cloned()
    }

    /// The notification body Square sends when the payment for `order_id` is created or
    /// changes to `status` (`APPROVED`, `COMPLETED`, `FAILED`, `CANCELED`); `None` for an
    /// unknown order. Returns `(event_id, payment_id, body)`. A `COMPLETED` payment also
    /// marks the order `COMPLETED`, as paying a payment-link order does.
    pub fn payment_notification(
        &self,
        order_id: &str,
        event: SquarePaymentEvent,
        status: &str,
    ) -> Option<(String, String, String)> {
        let mut store = self.shared.lock();
        let order = store.orders.get_mut(order_id)?;
        if status == "COMPLETED" {
            order["state"] = json!("COMPLETED");
        }
        let money = order["total_money"].clone();
        let location_id = order["location_id"].clone();
        let payment_id = store
            .payments
            .entry(order_id.to_string())
            .or_insert_with(|| square_id(29))
            .clone();
        let now = now_rfc3339();
        let event_id = uuid::Uuid::new_v4().to_string();
        let body = json!({
            "merchant_id": "MLFAKEMERCHANT",
            "type": event.event_type(),
            "event_id": event_id,
            "created_at": now,
            "data": {
                "type": "payment",
                "id": payment_id,
                "object": { "payment": {
                    "id": payment_id,
                    "created_at": now,
                    "updated_at": now,
                    "amount_money": money,
                    "total_money": money,
                    "approved_money": money,
                    "status": status,
                    "source_type": "CARD",
                    "location_id": location_id,
                    "order_id": order_id,
                    "version_token": square_id(20),
                }},
            },
        });
        Some((event_id, payment_id, body.to_string()))
    }

    /// [`FakeSquare::payment_notification`], signed for `notification_url` with the
    /// subscription's `signature_key`.
    pub fn signed_payment_notification(
        &self,
        order_id: &str,
        event: SquarePaymentEvent,
        status: &str,
        notification_url: &str,
        signature_key: &str,
    ) -> Option<SquareWebhook> {
        let (event_id, payment_id, body) = self.payment_notification(order_id, event, status)?;
        let signature = sign(signature_key, notification_url, &body);
        Some(SquareWebhook {
            event_id,
            payment_id,
            body,
            signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_like_the_square_sdk() {
        let url = "https://webhook.site/webhooks";
        let body = r#"{"data":{"type":"webhooks","id":">id<"}}"#;
        assert_eq!(
            sign("signature-key", url, body),
            "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="
        );
    }

    #[test]
    fn dates_are_rfc3339() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20);
        assert!(now.starts_with("20") && now.ends_with('Z'));
    }
}
