//! Square: the SDK's signature vectors, payment notifications, and the client against the fake.
use serde_json::json;
use switchboard_domain::{Currency, Money};
use switchboard_test_support::square::{self as fake, SquarePaymentEvent};

use super::*;
use crate::providers::{ProviderError, SignatureError};

const URL: &str = "https://webhook.site/webhooks";
const KEY: &str = "signature-key";
const BODY_ID: &[u8] = br#"{"data":{"type":"webhooks","id":">id<"}}"#;
const SIG_ID: &str = "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=";
const BODY_FAKE: &[u8] = br#"{"data":{"type":"webhooks","id":"fake_id"}}"#;
const SIG_FAKE: &str = "W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=";

#[test]
fn sdk_vectors_verify() {
    assert_eq!(verify_square_signature(KEY, URL, BODY_ID, SIG_ID), Ok(()));
    assert_eq!(
        verify_square_signature(KEY, URL, BODY_FAKE, SIG_FAKE),
        Ok(())
    );
    assert_eq!(sign_square(KEY, URL, BODY_ID), SIG_ID);
    assert_eq!(sign_square(KEY, URL, BODY_FAKE), SIG_FAKE);
}

#[test]
fn altered_forged_and_missing_are_refused() {
    assert_eq!(
        verify_square_signature(KEY, URL, BODY_FAKE, SIG_ID),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_square_signature(KEY, "https://webhook.site/webhooks/", BODY_ID, SIG_ID),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_square_signature("other-key", URL, BODY_ID, SIG_ID),
        Err(SignatureError::Mismatch)
    );
    let forged = sign_square("attacker", URL, BODY_ID);
    assert_eq!(
        verify_square_signature(KEY, URL, BODY_ID, &forged),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_square_signature(KEY, URL, BODY_ID, ""),
        Err(SignatureError::Missing)
    );
    assert_eq!(
        verify_square_signature(KEY, URL, BODY_ID, "not base64!"),
        Err(SignatureError::Malformed)
    );
    // Truncated: right prefix, wrong length.
    assert_eq!(
        verify_square_signature(KEY, URL, BODY_ID, "Cxt7+aTi4rKgcA0b"),
        Err(SignatureError::Mismatch)
    );
}

fn notification(kind: &str, status: &str) -> SquareEvent {
    let body = json!({
        "merchant_id": "ML1", "type": kind, "event_id": "ev-1", "created_at": "2025-01-23T10:00:00Z",
        "data": { "type": "payment", "id": "pay-1", "object": { "payment": {
            "id": "pay-1", "order_id": "order-1", "status": status,
            "amount_money": { "amount": 2000, "currency": "USD" }
        }}}
    });
    SquareEvent::parse(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn completed_payments_are_detected() {
    let expected = CompletedPayment {
        event_id: "ev-1".into(),
        payment_id: "pay-1".into(),
        order_id: "order-1".into(),
        amount: Money::new(2000, Currency::Usd),
    };
    let updated = notification("payment.updated", "COMPLETED").completed_payment();
    assert_eq!(updated.ok().flatten(), Some(expected.clone()));
    let created = notification("payment.created", "COMPLETED").completed_payment();
    assert_eq!(created.ok().flatten(), Some(expected));
    for (kind, status) in [
        ("payment.created", "APPROVED"),
        ("payment.updated", "PENDING"),
        ("payment.updated", "FAILED"),
        ("refund.updated", "COMPLETED"),
    ] {
        let none = notification(kind, status).completed_payment();
        assert!(matches!(none, Ok(None)), "{kind} {status}");
    }
    let mut orphan = notification("payment.updated", "COMPLETED");
    orphan.data.object["payment"]["order_id"] = serde_json::Value::Null;
    assert!(matches!(
        orphan.completed_payment(),
        Err(EventError::MissingOrder(_))
    ));
}

fn client_for(api_base: &str) -> SquareClient {
    let http = crate::providers::default_http_client().unwrap_or_default();
    SquareClient::new(http, "EAAA-token", "LOC1").with_api_base(api_base)
}

#[tokio::test]
async fn creates_a_link_and_maps_the_payment_back() {
    let square = fake::spawn().await.unwrap_or_else(|e| panic!("{e}"));
    let client = client_for(&square.url());
    let topup = "0190f3a1-7c1e-7000-8000-000000000002";
    let link = client
        .create_payment_link(
            topup,
            Money::new(2000, Currency::Usd),
            "Balance top-up $20.00",
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(link.url.starts_with("https://"));

    let requests = square.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.path, "/v2/online-checkout/payment-links");
    assert_eq!(req.header("authorization"), Some("Bearer EAAA-token"));
    assert_eq!(
        req.header("square-version"),
        Some(SquareClient::DEFAULT_VERSION)
    );
    assert_eq!(
        req.json(),
        json!({
            "idempotency_key": topup,
            "order": {
                "location_id": "LOC1",
                "reference_id": topup,
                "line_items": [{
                    "name": "Balance top-up $20.00",
                    "quantity": "1",
                    "base_price_money": { "amount": 2000, "currency": "USD" }
                }]
            }
        })
    );

    // The same top-up again gets the same link.
    let again = client
        .create_payment_link(
            topup,
            Money::new(2000, Currency::Usd),
            "Balance top-up $20.00",
        )
        .await;
    assert_eq!(again.ok(), Some(link.clone()));

    // The customer pays: created (approved), then updated (completed).
    let notify = "https://switchboard.example/webhooks/square";
    let first = square.signed_payment_notification(
        &link.order_id,
        SquarePaymentEvent::Created,
        "APPROVED",
        notify,
        KEY,
    );
    let first = first.unwrap_or_else(|| panic!("unknown order"));
    assert_eq!(
        verify_square_signature(KEY, notify, first.body.as_bytes(), &first.signature),
        Ok(())
    );
    let first_event = SquareEvent::parse(first.body.as_bytes()).ok();
    assert!(matches!(
        first_event.map(|e| e.completed_payment()),
        Some(Ok(None))
    ));

    let done = square.signed_payment_notification(
        &link.order_id,
        SquarePaymentEvent::Updated,
        "COMPLETED",
        notify,
        KEY,
    );
    let done = done.unwrap_or_else(|| panic!("unknown order"));
    assert_eq!(
        verify_square_signature(KEY, notify, done.body.as_bytes(), &done.signature),
        Ok(())
    );
    let paid = SquareEvent::parse(done.body.as_bytes())
        .ok()
        .and_then(|e| e.completed_payment().ok().flatten())
        .unwrap_or_else(|| panic!("not completed"));
    assert_eq!(paid.payment_id, first.payment_id);
    assert_eq!(paid.order_id, link.order_id);
    assert_eq!(paid.amount, Money::new(2000, Currency::Usd));

    let order = client
        .retrieve_order(&paid.order_id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(order.reference_id.as_deref(), Some(topup));
    assert_eq!(order.state.as_deref(), Some("COMPLETED"));
    assert_eq!(
        square.requests().last().map(|r| r.path.clone()),
        Some(format!("/v2/orders/{}", paid.order_id))
    );
}

#[tokio::test]
async fn errors_are_sorted_into_retryable_and_permanent() {
    let square = fake::spawn().await.unwrap_or_else(|e| panic!("{e}"));
    let client = client_for(&square.url());
    let usd = Money::new(1000, Currency::Usd);

    let missing = client.retrieve_order("NOPE").await.err();
    assert!(
        matches!(&missing, Some(ProviderError::Permanent { status: Some(404), code: Some(c), .. }) if c == "NOT_FOUND"),
        "{missing:?}"
    );

    let limited = json!({ "errors": [{ "category": "RATE_LIMIT_ERROR", "code": "RATE_LIMITED", "detail": "slow down" }] });
    square.fail_next("/v2/online-checkout", 429, limited);
    let err = client.create_payment_link("t-1", usd, "Top-up").await.err();
    assert!(
        err.as_ref().is_some_and(ProviderError::is_retryable),
        "{err:?}"
    );
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("RATE_LIMITED"));

    square.fail_next("/v2/online-checkout", 503, json!({}));
    let err = client.create_payment_link("t-1", usd, "Top-up").await.err();
    assert!(
        err.as_ref().is_some_and(ProviderError::is_retryable),
        "{err:?}"
    );

    let bad = json!({ "errors": [{ "category": "INVALID_REQUEST_ERROR", "code": "INVALID_VALUE", "detail": "bad currency" }] });
    square.fail_next("/v2/online-checkout", 400, bad);
    let err = client.create_payment_link("t-1", usd, "Top-up").await.err();
    assert!(
        matches!(&err, Some(ProviderError::Permanent { code: Some(c), message, .. }) if c == "INVALID_VALUE" && message == "bad currency"),
        "{err:?}"
    );

    // Refused locally: a path-unsafe order id, a too-long reference id, a tokens amount.
    let before = square.requests().len();
    assert!(client.retrieve_order("../payments").await.is_err());
    let long = "x".repeat(41);
    assert!(
        client
            .create_payment_link(&long, usd, "Top-up")
            .await
            .is_err()
    );
    let tokens = Money::new(5, Currency::Tokens);
    assert!(
        client
            .create_payment_link("t-1", tokens, "Top-up")
            .await
            .is_err()
    );
    assert_eq!(square.requests().len(), before);

    let closed = client_for("http://127.0.0.1:9");
    let err = closed.retrieve_order("ORDER1").await.err();
    assert!(
        err.as_ref().is_some_and(ProviderError::is_retryable),
        "{err:?}"
    );
}
