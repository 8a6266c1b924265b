//! The public pay form: limited per phone and per client address (429 with `Retry-After`),
//! and nothing lasting until a payment succeeds: the customer is registered when the paid
//! top-up is credited, not when the form is sent.
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::stripe::{self as fake_stripe, StripeEventKind};

use crate::helpers::{Seeded, TestApp, assert_error, spawn_app_with};

const WHSEC: &str = "whsec_test_secret";

async fn stripe_shop(app: &TestApp) -> Seeded {
    let a = app.seed_business("Pay Form Shop").await;
    let r = app
        .request(
            Method::PUT,
            "/api/v1/billing/providers/stripe",
            Some(&a.owner_key),
            Some(json!({"credentials": {"secret_key": "sk_test_1", "webhook_secret": WHSEC}})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    a
}

async fn submit(app: &TestApp, business: &str, phone: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url(&format!("/pay/{business}")))
        .form(&[("amount", "1000"), ("phone", phone)])
        .send()
        .await
        .unwrap()
}

async fn customers(app: &TestApp, business: &str) -> i64 {
    app.store
        .tenant(business.parse().unwrap())
        .count_customers()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pay_form_registers_the_customer_only_when_the_payment_is_credited() {
    let stripe = fake_stripe::spawn().await.unwrap();
    let app = spawn_app_with(|c| c.stripe_api_base = stripe.url()).await;
    let a = stripe_shop(&app).await;
    let r = submit(&app, &a.business_id, "+14155550177").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        customers(&app, &a.business_id).await,
        0,
        "unpaid: no customer"
    );
    let session = stripe.sessions()[0].clone();
    let topup_id = session["client_reference_id"].as_str().unwrap();
    let t: Value = app
        .get(&format!("/api/v1/topups/{topup_id}"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert!(t["customer_id"].is_null(), "{t}");

    let now = switchboard_domain::time::now_ms() / 1000;
    let paid = stripe
        .signed_event(
            session["id"].as_str().unwrap(),
            StripeEventKind::CompletedPaid,
            WHSEC,
            now,
        )
        .unwrap();
    let r = app
        .client
        .post(app.url(&format!("/webhooks/stripe/{}", a.business_id)))
        .header("stripe-signature", paid.signature)
        .header("content-type", "application/json")
        .body(paid.body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(customers(&app, &a.business_id).await, 1);
    let t: Value = app
        .get(&format!("/api/v1/topups/{topup_id}"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t["status"], "paid");
    let customer = t["customer_id"].as_str().unwrap();
    let c: Value = app
        .get(
            &format!("/api/v1/billing/customers/{customer}"),
            &a.owner_key,
        )
        .await
        .json()
        .await
        .unwrap();
    let usd = c["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["available"], 1000);
    app.stop().await;
}

#[tokio::test]
async fn one_phone_is_limited_on_the_pay_form() {
    let stripe = fake_stripe::spawn().await.unwrap();
    let app = spawn_app_with(|c| c.stripe_api_base = stripe.url()).await;
    let a = stripe_shop(&app).await;
    for _ in 0..5 {
        assert_eq!(
            submit(&app, &a.business_id, "+14155550178").await.status(),
            303
        );
    }
    let r = submit(&app, &a.business_id, "+14155550178").await;
    assert!(r.headers().contains_key("retry-after"));
    assert_error(r, 429, "rate_limited").await;
    assert_eq!(
        stripe.sessions().len(),
        5,
        "no checkout opened past the limit"
    );
    // Another number is still served.
    assert_eq!(
        submit(&app, &a.business_id, "+14155550179").await.status(),
        303
    );
    app.stop().await;
}

#[tokio::test]
async fn one_client_address_is_limited_on_the_pay_form() {
    let stripe = fake_stripe::spawn().await.unwrap();
    let app = spawn_app_with(|c| c.stripe_api_base = stripe.url()).await;
    let a = stripe_shop(&app).await;
    let mut statuses = Vec::new();
    for i in 0..11 {
        let phone = format!("+1415555{:04}", 200 + i);
        statuses.push(submit(&app, &a.business_id, &phone).await.status().as_u16());
    }
    assert!(statuses[..10].iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(statuses[10], 429, "{statuses:?}");
    assert_eq!(customers(&app, &a.business_id).await, 0);
    app.stop().await;
}
