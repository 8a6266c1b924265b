//! Changing and removing channels: PATCH keeps what was not sent and seals new credentials
//! (shown masked), DELETE keeps the conversations and messages while the channel leaves the
//! list and its webhooks are refused; another business's channel is 404 for both. An API
//! inbound message delivered twice answers the first delivery's conversation.
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_messaging::Credentials;
use switchboard_test_support::twilio;

use crate::helpers::{TestApp, assert_error, spawn_app};

const TOKEN: &str = "twilio-auth-token-1234";
const NEW_TOKEN: &str = "rotated-auth-token-5678";
const OUR_NUMBER: &str = "+14155559999";

async fn sms_channel(app: &TestApp, key: &str) -> Value {
    let r = app
        .create_channel(key,
            json!({"kind": "twilio_sms", "name": "Front desk SMS", "address": OUR_NUMBER,
                   "credentials": {"account_sid": "AC00000000000000000000000000000000", "auth_token": TOKEN}}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn api_channel(app: &TestApp, key: &str) -> String {
    let r = app
        .create_channel(key, json!({"kind": "api", "name": "web chat"}))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

async fn delete(app: &TestApp, path: &str, key: &str) -> reqwest::Response {
    app.request(Method::DELETE, path, Some(key), None).await
}

async fn inbound(app: &TestApp, key: &str, channel: &str, message_id: &str) -> reqwest::Response {
    app.post_inbound(key,
        json!({"channel_id": channel, "message_id": message_id, "from": "+14155550123", "text": "hello"}),
    )
    .await
}

async fn stored_credentials(app: &TestApp, business: &str, channel: &str) -> Credentials {
    let row = app
        .store
        .tenant(business.parse().unwrap())
        .get_channel(channel.parse().unwrap())
        .await
        .unwrap();
    Credentials::open(&app.state.secrets, &row).unwrap()
}

#[tokio::test]
async fn patch_replaces_what_is_sent_keeps_the_rest_and_reseals_credentials() {
    let app = spawn_app().await;
    let a = app.seed_business("Patch Salon").await;
    let ch = sms_channel(&app, &a.owner_key).await;
    let id = ch["id"].as_str().unwrap();
    let r = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &a.owner_key,
            json!({"credentials": {"auth_token": NEW_TOKEN}, "api_base": "http://127.0.0.1:9/twilio/", "send_rate_per_sec": 5}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["name"], "Front desk SMS", "unsent name kept");
    assert_eq!(v["api_base"], "http://127.0.0.1:9/twilio");
    assert_eq!(v["credentials"]["auth_token"], "••••5678", "masked");
    assert_eq!(
        v["credentials"]["account_sid"],
        "AC00000000000000000000000000000000"
    );
    assert!(!v.to_string().contains(NEW_TOKEN));
    let creds = stored_credentials(&app, &a.business_id, id).await;
    assert_eq!(creds.auth_token.as_deref(), Some(NEW_TOKEN));
    assert_eq!(
        creds.account_sid.as_deref(),
        Some("AC00000000000000000000000000000000")
    );
    // The stored answer is what GET shows; `null` removes the API base override.
    let r = app
        .patch(
            &format!("/api/v1/channels/{id}"),
            &a.owner_key,
            json!({"name": "SMS", "api_base": null}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let got: Value = app
        .get(&format!("/api/v1/channels/{id}"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["name"], "SMS");
    assert!(got["api_base"].is_null());
    app.stop().await;
}

#[tokio::test]
async fn patch_with_bad_values_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let a = app.seed_business("Strict Salon").await;
    let ch = sms_channel(&app, &a.owner_key).await;
    let path = format!("/api/v1/channels/{}", ch["id"].as_str().unwrap());
    for bad in [
        json!({"api_base": "ftp://bridge.example"}),
        json!({"credentials": {"auth_token": ""}}),
        json!({"polling": true}),
        json!({"send_rate_per_sec": 0}),
        json!({"name": "  "}),
    ] {
        let r = app.patch(&path, &a.owner_key, bad.clone()).await;
        assert_error(r, 422, "validation_failed").await;
    }
    // An internal address the operator has not allowed is refused like on create.
    let r = app
        .patch(&path, &a.owner_key, json!({"api_base": "http://10.1.2.3/"}))
        .await;
    assert_error(r, 422, "outbound_address_blocked").await;
    let r = app
        .patch(&path, &a.owner_key, json!({"colour": "red"}))
        .await;
    assert_eq!(r.status(), 422, "unknown fields are refused");
    let creds = stored_credentials(&app, &a.business_id, ch["id"].as_str().unwrap()).await;
    assert_eq!(creds.auth_token.as_deref(), Some(TOKEN));
    app.stop().await;
}

#[tokio::test]
async fn another_business_channel_is_404_for_patch_and_delete() {
    let app = spawn_app().await;
    let a = app.seed_business("Owner Salon").await;
    let b = app.seed_business("Other Salon").await;
    let ch = sms_channel(&app, &a.owner_key).await;
    let path = format!("/api/v1/channels/{}", ch["id"].as_str().unwrap());
    assert_error(
        app.patch(&path, &b.owner_key, json!({"name": "mine now"}))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_error(delete(&app, &path, &b.owner_key).await, 404, "not_found").await;
    let got: Value = app.get(&path, &a.owner_key).await.json().await.unwrap();
    assert_eq!(got["name"], "Front desk SMS");
    app.stop().await;
}

#[tokio::test]
async fn delete_hides_the_channel_keeps_its_messages_and_refuses_its_webhooks() {
    let app = spawn_app().await;
    let a = app.seed_business("Closing Salon").await;
    let key = &a.owner_key;
    let ch = sms_channel(&app, key).await;
    let sms = ch["id"].as_str().unwrap().to_string();
    let chat = api_channel(&app, key).await;
    let r = inbound(&app, key, &chat, "m1").await;
    assert_eq!(r.status(), 200);
    let first: Value = r.json().await.unwrap();
    let conv = first["conversation_id"].as_str().unwrap().to_string();

    // A signed webhook is accepted while the channel exists.
    let url = format!("{}/webhooks/twilio/{sms}", app.base);
    let webhook = |sid: &str| {
        let params = twilio::sms_params(sid, "+14155550100", OUR_NUMBER, "Hi");
        let (sig, body) = twilio::signed_sms_webhook(TOKEN, &url, &params);
        app.client
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-twilio-signature", sig)
            .body(body)
            .send()
    };
    assert_eq!(webhook("SM0001").await.unwrap().status(), 200);

    for id in [&sms, &chat] {
        let r = delete(&app, &format!("/api/v1/channels/{id}"), key).await;
        assert_eq!(r.status(), 204);
    }
    let list: Vec<Value> = app.get("/api/v1/channels", key).await.json().await.unwrap();
    assert!(list.is_empty(), "{list:?}");
    assert_error(
        app.get(&format!("/api/v1/channels/{sms}"), key).await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        delete(&app, &format!("/api/v1/channels/{sms}"), key).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(webhook("SM0002").await.unwrap().status(), 404);
    assert_error(inbound(&app, key, &chat, "m2").await, 404, "not_found").await;

    // The conversation and its message stay.
    let r = app.get(&format!("/api/v1/conversations/{conv}"), key).await;
    assert_eq!(r.status(), 200);
    let messages = app
        .store
        .tenant(a.business_id.parse().unwrap())
        .conversation_messages(conv.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        app.store
            .tenant(a.business_id.parse().unwrap())
            .count_messages("in")
            .await
            .unwrap(),
        2,
        "the SMS received before the delete is kept too"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_duplicate_api_inbound_message_answers_the_first_conversation() {
    let app = spawn_app().await;
    let a = app.seed_business("Twice Salon").await;
    let chat = api_channel(&app, &a.owner_key).await;
    let first: Value = inbound(&app, &a.owner_key, &chat, "m-dup")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["duplicate"], false);
    let again = inbound(&app, &a.owner_key, &chat, "m-dup").await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["conversation_id"], first["conversation_id"]);
    assert_eq!(again["message_id"], first["message_id"]);
    app.stop().await;
}
