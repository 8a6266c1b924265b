//! U+0000 in text: PostgreSQL text cannot hold it, so a verified provider message carrying one
//! is stored without it, and API input with one is a 422 on both databases (never a 500).
use serde_json::{Value, json};
use switchboard_test_support::twilio;

use crate::{
    helpers::{assert_error, spawn_app},
    messaging::{OUR_NUMBER, post_twilio, twilio_channel},
};

#[tokio::test]
async fn a_verified_webhook_with_a_nul_character_is_stored_without_it() {
    let app = spawn_app().await;
    let a = app.seed_business("Nul Salon").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let id = ch["id"].as_str().unwrap();
    let url = format!("{}/webhooks/twilio/{id}", app.base);
    let p = twilio::sms_params("SMnul0001", "+14155550123", OUR_NUMBER, "hi\0there");
    let r = post_twilio(&app, id, &url, &p, false).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let list: Value = app
        .get("/api/v1/conversations", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let conv = list["items"][0]["id"].as_str().unwrap().to_string();
    let conv: Value = app
        .get(&format!("/api/v1/conversations/{conv}"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(conv["messages"][0]["body"], "hithere");
    app.stop().await;
}

#[tokio::test]
async fn api_text_with_a_nul_character_is_a_422_naming_it() {
    let app = spawn_app().await;
    let a = app.seed_business("Nul Api Salon").await;
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "api", "name": "chat\u{0}"}))
        .await;
    let body = assert_error(r, 422, "validation_failed").await;
    assert!(body["message"].as_str().unwrap().contains("NUL"), "{body}");
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "api", "name": "chat"}))
        .await;
    assert_eq!(r.status(), 201);
    let ch: Value = r.json().await.unwrap();
    let r = app
        .post_inbound(&a.owner_key,
            json!({"channel_id": ch["id"], "message_id": "m1", "from": "+14155550123", "text": "a\u{0}b"}),
        )
        .await;
    assert_error(r, 422, "validation_failed").await;
    app.stop().await;
}
