//! Stripe: the official signature vector, event decisions, and the client against the fake.
use serde_json::json;
use switchboard_domain::{Currency, Money};
use switchboard_test_support::stripe::{self as fake, StripeEventKind};

use super::*;
use crate::providers::{ProviderError, SignatureError};

const SECRET: &str = "whsec_test_secret";
const T: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"id":"evt_test_webhook","object":"event"}"#;
const V1: &str = "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990";

fn header() -> String {
    format!("t={T},v1={V1}")
}

#[test]
fn official_vector_verifies_within_tolerance() {
    assert_eq!(sign_stripe(SECRET, T, BODY), header());
    let verify = |now| verify_stripe_signature(SECRET, &header(), BODY, now, 300);
    assert_eq!(verify(T), Ok(()));
    assert_eq!(verify(T + 300), Ok(()));
    assert_eq!(verify(T - 300), Ok(()));
    assert_eq!(verify(T + 301), Err(SignatureError::Stale));
    assert_eq!(verify(T - 301), Err(SignatureError::Stale));
}

#[test]
fn altered_forged_and_malformed_are_refused() {
    let altered = br#"{"id":"evt_test_webhook","object":"event "}"#;
    assert_eq!(
        verify_stripe_signature(SECRET, &header(), altered, T, 300),
        Err(SignatureError::Mismatch)
    );
    let forged = sign_stripe("whsec_attacker", T, BODY);
    assert_eq!(
        verify_stripe_signature(SECRET, &forged, BODY, T, 300),
        Err(SignatureError::Mismatch)
    );
    // A valid signature does not vouch for a different timestamp.
    let moved = format!("t={},v1={V1}", T + 1);
    assert_eq!(
        verify_stripe_signature(SECRET, &moved, BODY, T, 300),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_stripe_signature(SECRET, "", BODY, T, 300),
        Err(SignatureError::Missing)
    );
    for bad in [
        format!("v1={V1}"),
        format!("t={T}"),
        format!("t=soon,v1={V1}"),
        format!("t={T},t={T},v1={V1}"),
        format!("t={T};v1={V1}"),
        "garbage".to_string(),
    ] {
        assert_eq!(
            verify_stripe_signature(SECRET, &bad, BODY, T, 300),
            Err(SignatureError::Malformed),
            "{bad}"
        );
    }
    // The v0 scheme is not accepted in place of v1.
    assert_eq!(
        verify_stripe_signature(SECRET, &format!("t={T},v0={V1}"), BODY, T, 300),
        Err(SignatureError::Malformed)
    );
}

#[test]
fn any_v1_may_match() {
    let rolled = format!("t={T}, v1=00ff, v1=not-hex, v1={V1}");
    assert_eq!(
        verify_stripe_signature(SECRET, &rolled, BODY, T, 300),
        Ok(())
    );
}

fn event(kind: &str, session: serde_json::Value) -> StripeEvent {
    let body =
        json!({ "id": "evt_1", "object": "event", "type": kind, "data": { "object": session } });
    StripeEvent::parse(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn session(payment_status: &str) -> serde_json::Value {
    json!({
        "id": "cs_test_1", "object": "checkout.session", "status": "complete",
        "payment_status": payment_status, "client_reference_id": "topup-1",
        "metadata": { "topup_id": "topup-1" }, "amount_total": 2000, "currency": "usd",
        "payment_intent": "pi_1"
    })
}

#[test]
fn only_paid_sessions_credit() {
    let paid = event("checkout.session.completed", session("paid"));
    assert_eq!(
        paid.checkout_outcome().ok(),
        Some(CheckoutOutcome::Paid(PaidCheckout {
            event_id: "evt_1".into(),
            session_id: "cs_test_1".into(),
            payment_intent: Some("pi_1".into()),
            topup_id: "topup-1".into(),
            amount: Money::new(2000, Currency::Usd),
        }))
    );
    let waiting = event("checkout.session.completed", session("unpaid"));
    assert!(matches!(
        waiting.checkout_outcome(),
        Ok(CheckoutOutcome::AwaitingPayment { .. })
    ));
    let later = event("checkout.session.async_payment_succeeded", session("paid"));
    assert!(matches!(
        later.checkout_outcome(),
        Ok(CheckoutOutcome::Paid(_))
    ));
    let failed = event("checkout.session.async_payment_failed", session("unpaid"));
    assert!(matches!(
        failed.checkout_outcome(),
        Ok(CheckoutOutcome::Failed { .. })
    ));
    let other = event("payment_intent.succeeded", json!({ "id": "pi_1" }));
    assert!(matches!(
        other.checkout_outcome(),
        Ok(CheckoutOutcome::Ignored)
    ));
}

#[test]
fn sessions_parse_defensively() {
    let mut s = session("paid");
    s["payment_intent"] = json!({ "id": "pi_expanded", "object": "payment_intent" });
    s["metadata"] = serde_json::Value::Null;
    let paid = event("checkout.session.completed", s).checkout_outcome();
    assert_eq!(
        paid.ok()
            .and_then(CheckoutOutcome::paid)
            .map(|p| (p.payment_intent, p.topup_id)),
        Some((Some("pi_expanded".into()), "topup-1".into()))
    );
    let mut conflicting = session("paid");
    conflicting["metadata"]["topup_id"] = json!("topup-2");
    assert!(matches!(
        event("checkout.session.completed", conflicting).checkout_outcome(),
        Err(EventError::ConflictingTopupIds(_))
    ));
    let mut anonymous = session("paid");
    anonymous["metadata"] = json!({});
    anonymous["client_reference_id"] = serde_json::Value::Null;
    assert!(matches!(
        event("checkout.session.completed", anonymous).checkout_outcome(),
        Err(EventError::MissingTopupId(_))
    ));
    assert!(StripeEvent::parse(b"not json").is_err());
}

fn new_session(topup_id: &str) -> NewCheckoutSession<'_> {
    NewCheckoutSession {
        topup_id,
        amount: Money::new(2000, Currency::Usd),
        product_name: "Balance top-up $20.00",
        success_url: "https://example.test/paid",
        cancel_url: "https://example.test/cancel",
        customer_phone: Some("+14155550100"),
    }
}

fn client_for(api_base: &str) -> StripeClient {
    let http = crate::providers::default_http_client().unwrap_or_default();
    StripeClient::new(http, "sk_test_123").with_api_base(api_base)
}

#[tokio::test]
async fn creates_a_checkout_session_and_pays_it() {
    let stripe = fake::spawn().await.unwrap_or_else(|e| panic!("{e}"));
    let client = client_for(&stripe.url());
    let topup = "0190f3a1-7c1e-7000-8000-000000000001";
    let created = client.create_checkout_session(&new_session(topup)).await;
    let created = created.unwrap_or_else(|e| panic!("{e}"));
    assert!(created.id.starts_with("cs_test_"));
    assert!(created.url.starts_with("https://checkout.stripe.com/"));

    let requests = stripe.requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.path, "/v1/checkout/sessions");
    assert_eq!(req.header("authorization"), Some("Bearer sk_test_123"));
    assert_eq!(req.header("idempotency-key"), Some(topup));
    let form = req.form();
    for (k, v) in [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "2000"),
        (
            "line_items[0][price_data][product_data][name]",
            "Balance top-up $20.00",
        ),
        ("line_items[0][quantity]", "1"),
        ("success_url", "https://example.test/paid"),
        ("cancel_url", "https://example.test/cancel"),
        ("client_reference_id", topup),
        ("metadata[topup_id]", topup),
        ("metadata[customer_phone]", "+14155550100"),
    ] {
        assert_eq!(form.get(k).map(String::as_str), Some(v), "{k}");
    }

    // Retrying with the same top-up replays the first session.
    let again = client.create_checkout_session(&new_session(topup)).await;
    assert_eq!(again.ok(), Some(created.clone()));

    // The customer pays: the fake's signed event passes our verification and credits.
    let now = 1_800_000_000;
    let hook = stripe.signed_event(&created.id, StripeEventKind::CompletedPaid, SECRET, now);
    let hook = hook.unwrap_or_else(|| panic!("session not found"));
    assert_eq!(
        verify_stripe_signature(SECRET, &hook.signature, hook.body.as_bytes(), now, 300),
        Ok(())
    );
    let paid = StripeEvent::parse(hook.body.as_bytes())
        .and_then(|e| e.checkout_outcome())
        .ok()
        .and_then(CheckoutOutcome::paid);
    let paid = paid.unwrap_or_else(|| panic!("not paid"));
    assert_eq!(paid.event_id, hook.event_id);
    assert_eq!(
        (paid.topup_id.as_str(), paid.session_id.as_str()),
        (topup, created.id.as_str())
    );
    assert_eq!(paid.amount, Money::new(2000, Currency::Usd));
}

#[tokio::test]
async fn errors_are_sorted_into_retryable_and_permanent() {
    let stripe = fake::spawn().await.unwrap_or_else(|e| panic!("{e}"));
    let client = client_for(&stripe.url());
    let rate_limited = json!({ "error": { "type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests" } });
    stripe.fail_next("/v1/checkout/sessions", 429, rate_limited);
    let err = client
        .create_checkout_session(&new_session("t-1"))
        .await
        .err();
    assert!(
        err.as_ref().is_some_and(ProviderError::is_retryable),
        "{err:?}"
    );
    assert_eq!(err.as_ref().and_then(|e| e.code()), Some("rate_limit"));

    stripe.fail_next(
        "/v1/checkout/sessions",
        500,
        json!({ "error": { "type": "api_error", "message": "boom" } }),
    );
    let err = client
        .create_checkout_session(&new_session("t-1"))
        .await
        .err();
    assert!(
        err.as_ref().is_some_and(ProviderError::is_retryable),
        "{err:?}"
    );

    let invalid = json!({ "error": { "type": "invalid_request_error", "code": "parameter_invalid_integer", "message": "Invalid integer" } });
    stripe.fail_next("/v1/checkout/sessions", 400, invalid);
    let err = client
        .create_checkout_session(&new_session("t-1"))
        .await
        .err();
    assert!(
        matches!(&err, Some(ProviderError::Permanent { status: Some(400), code: Some(c), message, .. })
            if c == "parameter_invalid_integer" && message == "Invalid integer"),
        "{err:?}"
    );

    let wrong_key = StripeClient::new(reqwest::Client::new(), "rk_bad").with_api_base(stripe.url());
    let err = wrong_key
        .create_checkout_session(&new_session("t-1"))
        .await
        .err();
    assert!(
        matches!(
            err,
            Some(ProviderError::Permanent {
                status: Some(401),
                ..
            })
        ),
        "{err:?}"
    );

    // Nothing listening: a connection error, worth retrying.
    let closed = client_for("http://127.0.0.1:9");
    let err = closed
        .create_checkout_session(&new_session("t-1"))
        .await
        .err();
    assert!(
        err.as_ref().is_some_and(ProviderError::is_retryable),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_requests_never_leave_the_process() {
    let stripe = fake::spawn().await.unwrap_or_else(|e| panic!("{e}"));
    let client = client_for(&stripe.url());
    let mut tokens = new_session("t-1");
    tokens.amount = Money::new(100, Currency::Tokens);
    let mut zero = new_session("t-1");
    zero.amount = Money::zero(Currency::Usd);
    for req in [new_session("+14155550100"), new_session(""), tokens, zero] {
        let err = client.create_checkout_session(&req).await.err();
        assert_eq!(
            err.as_ref().and_then(|e| e.code()),
            Some("invalid_request"),
            "{err:?}"
        );
    }
    assert!(stripe.requests().is_empty());
}
