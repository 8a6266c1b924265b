//! Conversations and replies over HTTP: auto-acknowledgement, the WhatsApp window, the send
//! throttle, conversation actions and filters, and the per-destination send limit.
use serde_json::{Value, json};
use switchboard_test_support::twilio;

use crate::helpers::{TestApp, assert_error, spawn_app};
use crate::messaging::{OUR_NUMBER, TOKEN, inbound_conversation, post_twilio, twilio_channel};

#[tokio::test]
async fn auto_acknowledgement_whatsapp_window_and_send_throttle() {
    let app = spawn_app().await;
    let a = app.seed_business("Window Shop").await;
    let fake = twilio::spawn().await.unwrap();
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            &a.owner_key,
            json!({"settings": {"auto_ack": "Thanks! We will answer shortly."}}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "twilio_whatsapp", "address": OUR_NUMBER, "api_base": fake.url(), "send_rate_per_sec": 1,
            "credentials": {"account_sid": "AC00000000000000000000000000000000", "auth_token": TOKEN}}))
        .await;
    assert_eq!(r.status(), 201);
    let ch: Value = r.json().await.unwrap();
    let id = ch["id"].as_str().unwrap();
    let url = format!("{}/webhooks/twilio/{id}", app.base);
    let params = twilio::whatsapp_params("SMW1", "+14155550100", OUR_NUMBER, "hello", "Dana");
    assert_eq!(
        post_twilio(&app, id, &url, &params, false).await.status(),
        200
    );
    app.state.worker.drain().await.unwrap();
    app.state.worker.drain().await.unwrap();
    let sent = fake.message_requests();
    assert_eq!(sent.len(), 1, "one acknowledgement");
    assert_eq!(sent[0]["Body"], "Thanks! We will answer shortly.");
    assert_eq!(sent[0]["To"], "whatsapp:+14155550100");
    let convs: Value = app
        .get("/api/v1/conversations", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let conv = convs["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        convs["items"][0]["bot_paused"], false,
        "the bot's own reply does not pause it"
    );

    // Inside the window: free text goes (the per-number throttle lets a burst of 5 through at
    // once, then one a second).
    let started = std::time::Instant::now();
    for i in 0..6 {
        let r = app
            .post_text(&a.owner_key, &conv, format!("part {i}"))
            .await;
        assert_eq!(r.status(), 202);
    }
    app.state.worker.drain().await.unwrap();
    assert_eq!(fake.message_requests().len(), 7);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "the sixth message waited for the throttle"
    );

    // 25 hours after the customer's last message only a template may go.
    switchboard_store::on_db!(&app.store.db, w, p => sqlx::query("UPDATE conversations SET last_inbound_at = last_inbound_at - 90000000")
        .execute(p).await.map(|r| r.rows_affected())).unwrap();
    let r = app.post_text(&a.owner_key, &conv, "late").await;
    assert_error(r, 422, "whatsapp_window_closed").await;
    let r = app
        .post_message(&a.owner_key, json!({"conversation_id": conv, "content": {"type": "template", "name": "HX0123456789abcdef0123456789abcdef", "language": "en_US", "variables": ["Dana", "10:00"]}}))
        .await;
    assert_eq!(r.status(), 202);
    app.state.worker.drain().await.unwrap();
    let last = fake.message_requests().pop().unwrap();
    assert_eq!(last["ContentSid"], "HX0123456789abcdef0123456789abcdef");
    app.stop().await;
}

#[tokio::test]
async fn conversation_actions_filters_and_send_rate_limit() {
    let app = spawn_app().await;
    let a = app.seed_business("Inbox Co").await;
    let other = app.seed_business("Other Inbox").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let conv = inbound_conversation(&app, &a.owner_key, &ch, "SM77").await;
    let users: Value = app.list_users(&a.owner_key).await.json().await.unwrap();
    let owner_id = users[0]["id"].as_str().unwrap();
    let actions = format!("/api/v1/conversations/{conv}/actions");
    let act = |body: Value| app.post(&actions, &a.owner_key, body);

    let c: Value = act(json!({"action": "assign", "user_id": owner_id}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["assignee_id"], owner_id);
    let mine: Value = app
        .get(
            &format!("/api/v1/conversations?assignee_id={owner_id}"),
            &a.owner_key,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let c: Value = act(json!({"action": "pause_bot"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["bot_paused"], true);
    let c: Value = act(json!({"action": "resume_bot"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["bot_paused"], false);
    let c: Value = act(json!({"action": "close"})).await.json().await.unwrap();
    assert_eq!(c["status"], "closed");
    let open: Value = app
        .get("/api/v1/conversations?status=open", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert!(open["items"].as_array().unwrap().is_empty());
    let c: Value = act(json!({"action": "reopen"})).await.json().await.unwrap();
    assert_eq!(c["status"], "open");
    assert_error(
        act(json!({"action": "teleport"})).await,
        422,
        "validation_failed",
    )
    .await;
    let stranger = users_of(&app, &other.owner_key).await;
    assert_error(
        act(json!({"action": "assign", "user_id": stranger})).await,
        422,
        "validation_failed",
    )
    .await;
    // Another business cannot see or touch it.
    assert_error(
        app.get(&format!("/api/v1/conversations/{conv}"), &other.owner_key)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.post(
            &format!("/api/v1/conversations/{conv}/actions"),
            &other.owner_key,
            json!({"action": "close"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.post_text(&other.owner_key, &conv, "x").await,
        404,
        "not_found",
    )
    .await;

    // Sends to one destination beyond its burst get 429 with Retry-After.
    let mut limited = None;
    for i in 0..30 {
        let r = app.post_text(&a.owner_key, &conv, format!("n{i}")).await;
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status(), 202);
    }
    let r = limited.expect("the destination limit applies");
    assert!(r.headers().contains_key("retry-after"));
    assert_error(r, 429, "rate_limited").await;
    app.stop().await;
}

async fn users_of(app: &TestApp, key: &str) -> String {
    let users: Value = app.list_users(key).await.json().await.unwrap();
    users[0]["id"].as_str().unwrap().to_string()
}
