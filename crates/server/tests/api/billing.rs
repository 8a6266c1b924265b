//! Prepaid billing over HTTP: top-ups through the fake Stripe and Square (credited once
//! whatever the events, forged or stale signatures refused, receipt queued), calls
//! (authorize, settle, split), manual adjustments (roles, audit), reports and CSV, and the
//! AI-reply gate the message path calls.
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::{
    square::{self as fake_square, SquarePaymentEvent},
    stripe::{self as fake_stripe, StripeEventKind},
};

use crate::helpers::{TestApp, assert_error, spawn_app_with};

pub(crate) const PHONE: &str = "+14155550123";
pub(crate) const WHSEC: &str = "whsec_test_secret";

pub(crate) fn unix_now() -> i64 {
    switchboard_domain::time::now_ms() / 1000
}

/// An `api` channel and one inbound message from PHONE: a customer with a conversation.
pub(crate) async fn customer_with_conversation(app: &TestApp, key: &str) -> (String, String) {
    let r = app
        .create_channel(key, json!({"kind": "api", "name": "api", "address": "api"}))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let ch: Value = r.json().await.unwrap();
    let r = app
        .post_inbound(
            key,
            json!({"channel_id": ch["id"], "message_id": "m1", "from": PHONE, "text": "hello"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let m: Value = r.json().await.unwrap();
    let conv = m["conversation_id"].as_str().unwrap().to_string();
    let c: Value = app
        .get(&format!("/api/v1/conversations/{conv}"), key)
        .await
        .json()
        .await
        .unwrap();
    let customer = c["customer_id"]
        .as_str()
        .or(c["conversation"]["customer_id"].as_str())
        .unwrap()
        .to_string();
    (customer, conv)
}

pub(crate) async fn put(app: &TestApp, path: &str, key: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, path, Some(key), Some(body)).await
}

pub(crate) async fn available(app: &TestApp, key: &str, customer: &str) -> i64 {
    let r = app
        .get(&format!("/api/v1/billing/customers/{customer}"), key)
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == "USD")
        .map_or(0, |b| b["available"].as_i64().unwrap())
}

pub(crate) async fn receipts(app: &TestApp, business: &str, conv: &str) -> usize {
    let t = app.store.tenant(business.parse().unwrap());
    t.conversation_messages(conv.parse().unwrap())
        .await
        .unwrap()
        .iter()
        .filter(|m| m.author == "billing")
        .count()
}

#[tokio::test]
async fn stripe_top_up_is_credited_once_and_forgeries_are_refused() {
    let stripe = fake_stripe::spawn().await.unwrap();
    let app = spawn_app_with(|c| c.stripe_api_base = stripe.url()).await;
    let a = app.seed_business("Stripe Shop").await;
    let key = a.owner_key.as_str();
    let (customer, conv) = customer_with_conversation(&app, key).await;
    let r = put(
        &app,
        "/api/v1/billing/providers/stripe",
        key,
        json!({"credentials": {"secret_key": "sk_test_1", "webhook_secret": WHSEC}}),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // The public page lists the default amounts and asks for a phone number.
    let page = app
        .client
        .get(app.url(&format!("/pay/{}", a.business_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("$10.00") && html.contains("$20.00") && html.contains("$30.00"));
    assert!(html.contains("name=\"phone\""));

    // A bad phone or amount is refused with a stable code.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = |amount: &str, phone: &str| {
        no_redirect
            .post(app.url(&format!("/pay/{}", a.business_id)))
            .form(&[("amount", amount), ("phone", phone)])
            .send()
    };
    assert_error(
        form("2000", "0123").await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_error(form("1234", PHONE).await.unwrap(), 422, "invalid_amount").await;

    // The form creates the top-up and a Checkout Session, then redirects there.
    let r = form("2000", PHONE).await.unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("https://checkout.stripe.com/"));
    let sessions = stripe.sessions();
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    let topup_id = session["client_reference_id"].as_str().unwrap().to_string();
    assert_eq!(session["metadata"]["topup_id"], topup_id.as_str());
    assert_eq!(session["amount_total"], 2000);
    assert_eq!(session["currency"], "usd");
    let sid = session["id"].as_str().unwrap().to_string();

    let hook = format!("/webhooks/stripe/{}", a.business_id);
    let deliver = |body: String, sig: String| {
        app.client
            .post(app.url(&hook))
            .header("stripe-signature", sig)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    // Forged signature and a stale timestamp: refused, nothing credited.
    let forged = stripe
        .signed_event(
            &sid,
            StripeEventKind::CompletedPaid,
            "whsec_wrong",
            unix_now(),
        )
        .unwrap();
    assert_error(
        deliver(forged.body, forged.signature).await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    let stale = stripe
        .signed_event(
            &sid,
            StripeEventKind::CompletedPaid,
            WHSEC,
            unix_now() - 301,
        )
        .unwrap();
    assert_error(
        deliver(stale.body, stale.signature).await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    assert_eq!(available(&app, key, &customer).await, 0);

    // An unpaid completion credits nothing; the async success does.
    let unpaid = stripe
        .signed_event(&sid, StripeEventKind::CompletedUnpaid, WHSEC, unix_now())
        .unwrap();
    assert_eq!(
        deliver(unpaid.body, unpaid.signature)
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(available(&app, key, &customer).await, 0);
    let paid = stripe
        .signed_event(
            &sid,
            StripeEventKind::AsyncPaymentSucceeded,
            WHSEC,
            unix_now(),
        )
        .unwrap();
    // The same event three times, plus another event of the same payment.
    for _ in 0..3 {
        let r = deliver(paid.body.clone(), paid.signature.clone())
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let again = stripe
        .signed_event(&sid, StripeEventKind::CompletedPaid, WHSEC, unix_now())
        .unwrap();
    assert_eq!(
        deliver(again.body, again.signature).await.unwrap().status(),
        200
    );

    assert_eq!(available(&app, key, &customer).await, 2000);
    // A signed event of the business's other Stripe sales is acknowledged and ignored (a 4xx
    // would make Stripe retry it for days and disable the endpoint).
    let foreign = r#"{"id":"evt_other","object":"event","type":"checkout.session.completed","data":{"object":{"id":"cs_other","object":"checkout.session","payment_status":"paid","amount_total":500,"currency":"usd","metadata":{}}}}"#;
    let t = unix_now();
    let sig = fake_stripe::sign(WHSEC, t, foreign);
    let r = deliver(foreign.to_string(), sig).await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(available(&app, key, &customer).await, 2000);
    let t: Value = app
        .get(&format!("/api/v1/topups/{topup_id}"), key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["status"], "paid");
    assert_eq!(t["phone"], PHONE);
    assert_eq!(
        receipts(&app, &a.business_id, &conv).await,
        1,
        "one receipt"
    );
    let ledger: Value = app
        .get(&format!("/api/v1/billing/customers/{customer}/ledger"), key)
        .await
        .json()
        .await
        .unwrap();
    let entries = ledger["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["kind"], "topup");
    assert_eq!(entries[0]["amount"], 2000);
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.ledger_postings_sum().await.unwrap(), 0);
    app.stop().await;
}

#[tokio::test]
async fn square_repeated_payment_updates_credit_once() {
    let square = fake_square::spawn().await.unwrap();
    let app = spawn_app_with(|c| c.square_api_base = square.url()).await;
    let a = app.seed_business("Square Shop").await;
    let key = a.owner_key.as_str();
    let (customer, conv) = customer_with_conversation(&app, key).await;
    let r = put(&app, "/api/v1/billing/providers/square", key,
        json!({"credentials": {"access_token": "sq-token", "signature_key": "sq-sig"}, "settings": {"location_id": "L1"}})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = app
        .post(
            "/api/v1/topups",
            key,
            json!({"customer_id": customer, "amount": 3000, "provider": "square"}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let topup: Value = r.json().await.unwrap();
    let order_id = topup["provider_ref"].as_str().unwrap().to_string();
    assert_eq!(
        square.order(&order_id).unwrap()["reference_id"],
        topup["id"]
    );

    let url = format!("{}/webhooks/square/{}", app.base, a.business_id);
    let deliver = |n: fake_square::SquareWebhook| {
        app.client
            .post(&url)
            .header("x-square-hmacsha256-signature", n.signature)
            .header("content-type", "application/json")
            .body(n.body)
            .send()
    };
    let forged = square
        .signed_payment_notification(
            &order_id,
            SquarePaymentEvent::Updated,
            "COMPLETED",
            &url,
            "wrong",
        )
        .unwrap();
    assert_error(deliver(forged).await.unwrap(), 403, "forbidden").await;
    let created = square
        .signed_payment_notification(
            &order_id,
            SquarePaymentEvent::Created,
            "APPROVED",
            &url,
            "sq-sig",
        )
        .unwrap();
    assert_eq!(deliver(created).await.unwrap().status(), 200);
    assert_eq!(available(&app, key, &customer).await, 0);
    for _ in 0..3 {
        let n = square
            .signed_payment_notification(
                &order_id,
                SquarePaymentEvent::Updated,
                "COMPLETED",
                &url,
                "sq-sig",
            )
            .unwrap();
        let r = deliver(n).await.unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    assert_eq!(available(&app, key, &customer).await, 3000);
    assert_eq!(receipts(&app, &a.business_id, &conv).await, 1);
    app.stop().await;
}
