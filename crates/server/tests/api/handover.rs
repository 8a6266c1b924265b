//! Handover to a person: the agent's handover publishes an event and opens a handover that the
//! API lists (who, when, why); resuming the bot closes it and answers what the customer wrote
//! during the pause, unless a person already answered it.
use serde_json::{Value, json};

use crate::calendar::salon;
use crate::chat::{Channel, Path, agent_settings};
use crate::helpers::{Seeded, TestApp, spawn_app};

const CUSTOMER: &str = "+12125550177";

async fn setup() -> (TestApp, Seeded, Channel) {
    let app = spawn_app().await;
    let a = app
        .seed_agent_business("Handover Salon", "America/New_York")
        .await;
    salon(&app, &a.owner_key).await;
    agent_settings(&app, &a.owner_key, json!({"burst_ms": 0})).await;
    let channel = Channel::open(&app, &a.owner_key, Path::TwilioSms).await;
    (app, a, channel)
}

async fn handovers(app: &TestApp, key: &str) -> Vec<Value> {
    let r = app.get("/api/v1/handovers", key).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn resume(app: &TestApp, key: &str, conversation: &str) -> Value {
    let r = app
        .post(
            &format!("/api/v1/conversations/{conversation}/actions"),
            key,
            json!({"action": "resume_bot"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_handover_publishes_an_event_and_is_listed_as_open() {
    let (app, a, channel) = setup().await;
    let mut events = app.store.events.subscribe();
    let told = channel
        .say(&app, CUSTOMER, "I want to talk to a real person")
        .await;
    assert!(!told.is_empty(), "the customer is told someone will reply");
    let mut event = None;
    while let Ok(e) = events.try_recv() {
        if e.kind == "conversation.handover" {
            event = Some(e);
        }
    }
    let event = event.expect("a conversation.handover event");
    let open = handovers(&app, &a.owner_key).await;
    assert_eq!(open.len(), 1, "{open:?}");
    let h = &open[0];
    assert_eq!(h["conversation_id"], event.data["conversation_id"]);
    assert_eq!(h["customer_id"], event.data["customer_id"]);
    assert!(
        h["reason"]
            .as_str()
            .is_some_and(|r| r.contains("real person")),
        "{h}"
    );
    assert!(
        h["since"]
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
        "{h}"
    );
    let conv: Value = app
        .get(
            &format!(
                "/api/v1/conversations/{}",
                h["conversation_id"].as_str().unwrap()
            ),
            &a.owner_key,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(conv["bot_paused"], true);
    assert!(
        conv["handover_at"]
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
    );
    app.stop().await;
}

#[tokio::test]
async fn resuming_the_bot_answers_the_messages_of_the_pause() {
    let (app, a, channel) = setup().await;
    channel
        .say(&app, CUSTOMER, "I want to talk to a real person")
        .await;
    let conversation = handovers(&app, &a.owner_key).await[0]["conversation_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        channel
            .say(&app, CUSTOMER, "Can I book a haircut tomorrow?")
            .await,
        "",
        "the bot stays quiet while paused"
    );
    let resumed = resume(&app, &a.owner_key, &conversation).await;
    assert_eq!(resumed["bot_paused"], false);
    assert_eq!(resumed["handover_at"], Value::Null);
    assert!(handovers(&app, &a.owner_key).await.is_empty());
    let before = channel.sent_to(CUSTOMER).len();
    app.state.worker.drain().await.unwrap();
    let answer = channel.sent_to(CUSTOMER)[before..].join("\n");
    assert!(
        answer.contains("Haircut"),
        "the question asked during the pause is answered: {answer:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn messages_a_person_answered_during_the_pause_are_not_answered_again() {
    let (app, a, channel) = setup().await;
    channel
        .say(&app, CUSTOMER, "I want to talk to a real person")
        .await;
    let conversation = handovers(&app, &a.owner_key).await[0]["conversation_id"]
        .as_str()
        .unwrap()
        .to_string();
    channel
        .say(&app, CUSTOMER, "Can I book a haircut tomorrow?")
        .await;
    let r = app
        .post_text(&a.owner_key, &conversation, "Sure, booked you at 10.")
        .await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    app.state.worker.drain().await.unwrap();
    let before = channel.sent_to(CUSTOMER).len();
    resume(&app, &a.owner_key, &conversation).await;
    app.state.worker.drain().await.unwrap();
    assert_eq!(
        channel.sent_to(CUSTOMER).len(),
        before,
        "the bot did not answer what the person already answered"
    );
    app.stop().await;
}
