//! Every source goes down the one ingest path: a message from the API channel publishes the
//! same `message.received` event as a webhook, and a repeated delivery publishes nothing.
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_api_channel_message_publishes_message_received_once() {
    let app = spawn_app().await;
    let a = app.seed_business("Events Salon").await;
    let r = app
        .post(
            "/api/v1/channels",
            &a.owner_key,
            json!({"kind": "api", "name": "web chat"}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let channel: Value = r.json().await.unwrap();
    let mut events = app.store.events.subscribe();
    let body = json!({"channel_id": channel["id"], "message_id": "m-1", "from": "+14155550123", "text": "hello"});
    let first: Value = app
        .post("/api/v1/messages/inbound", &a.owner_key, body.clone())
        .await
        .json()
        .await
        .unwrap();
    let again: Value = app
        .post("/api/v1/messages/inbound", &a.owner_key, body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["duplicate"], true);
    let mut received = Vec::new();
    while let Ok(e) = events.try_recv() {
        if e.kind == "message.received" {
            received.push(e);
        }
    }
    assert_eq!(received.len(), 1, "{received:?}");
    let e = &received[0];
    assert_eq!(
        e.business_id.map(|b| b.to_string()),
        Some(a.business_id.clone())
    );
    assert_eq!(e.data["conversation_id"], first["conversation_id"]);
    assert_eq!(e.data["channel_id"], channel["id"]);
    app.stop().await;
}
