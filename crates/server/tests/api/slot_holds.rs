//! Slot holds over the real webhook path: the time held for a customer's proposal is free
//! for the next customer as soon as the proposal is dropped (a no, a new search, a
//! handover), not when the hold expires.
use serde_json::json;
use switchboard_test_support::twilio;

use crate::agent::{Sms, agent_settings, has};
use crate::calendar::{salon, tomorrow};
use crate::conversations::{TZ, at, booked, tz};
use crate::helpers::spawn_app;

/// Customer A is proposed 11:00 and then does `step`; customer B then gets exactly 11:00.
async fn held_time_is_freed_by(step: &str, reply: &str) {
    let app = spawn_app().await;
    let a = app.seed_agent_business("Studio Bella", TZ).await;
    let key = &a.owner_key;
    salon(&app, key).await;
    agent_settings(&app, key, json!({"burst_ms": 0})).await;
    let fake = twilio::spawn().await.unwrap();
    let mut first = Sms::open(&app, key, &fake, "+14155550101").await;
    let mut next = first.another("+14155550102");

    has(
        &first.say("haircut tomorrow at 11am").await,
        &["Haircut with Anna tomorrow at 11:00 AM, $40.00. Shall I book it?"],
    );
    has(
        &next.say("haircut tomorrow at 11am").await,
        &["(tomorrow at 11:00 AM) is already taken"],
    );
    has(&first.say(step).await, &[reply]);
    has(
        &next.say("haircut tomorrow at 11am").await,
        &["Haircut with Anna tomorrow at 11:00 AM, $40.00. Shall I book it?"],
    );
    has(&next.say("yes").await, &["You're booked"]);
    let all = booked(&app, key).await;
    assert_eq!(all.len(), 1, "only the next customer's yes booked");
    assert_eq!(all[0].2, at(tomorrow(tz()), 11, 0));
    app.stop().await;
}

#[tokio::test]
async fn a_no_frees_the_held_time_for_the_next_customer_at_once() {
    held_time_is_freed_by("no", "haven't booked anything").await;
}

#[tokio::test]
async fn a_new_search_frees_the_held_time_at_once() {
    // The new time is held instead of the old one.
    held_time_is_freed_by("what about the day after tomorrow?", "Shall I book it?").await;
}

#[tokio::test]
async fn a_handover_frees_the_held_time_at_once() {
    held_time_is_freed_by("can I talk to a person", "asked a colleague").await;
}

#[tokio::test]
async fn another_service_frees_the_held_time_at_once() {
    let app = spawn_app().await;
    let a = app.seed_agent_business("Studio Bella", TZ).await;
    let key = &a.owner_key;
    let (haircut, anna) = salon(&app, key).await;
    let r = app
        .create_service(
            key,
            json!({"names": {"en": "Manicure"}, "duration_min": 60, "price_minor": 3000,
                   "currency": "USD", "step_min": 60}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let manicure: serde_json::Value = r.json().await.unwrap();
    let r = app
        .patch(
            &format!("/api/v1/staff/{anna}"),
            key,
            json!({"service_ids": [haircut, manicure["id"]]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    agent_settings(&app, key, json!({"burst_ms": 0})).await;
    let fake = twilio::spawn().await.unwrap();
    let mut first = Sms::open(&app, key, &fake, "+14155550121").await;
    let mut next = first.another("+14155550122");

    has(
        &first.say("haircut tomorrow at 11am").await,
        &["Haircut with Anna tomorrow at 11:00 AM"],
    );
    has(
        &next.say("haircut tomorrow at 11am").await,
        &["is already taken"],
    );
    // A manicure the day after: the haircut's hold gives way to the manicure's.
    has(
        &first
            .say("actually a manicure the day after tomorrow")
            .await,
        &["Manicure"],
    );
    has(
        &next.say("haircut tomorrow at 11am").await,
        &["Haircut with Anna tomorrow at 11:00 AM"],
    );
    has(&next.say("yes").await, &["You're booked"]);
    let all = booked(&app, key).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].2, at(tomorrow(tz()), 11, 0));
    app.stop().await;
}

#[tokio::test]
async fn a_no_to_the_model_frees_its_held_time_at_once() {
    let app = spawn_app().await;
    let model = switchboard_test_support::openai::FakeOpenAi::spawn()
        .await
        .unwrap();
    let (a, haircut) = crate::agent_model::model_salon(&app, &model, json!({})).await;
    let key = &a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut first = Sms::open(&app, key, &fake, "+14155550123").await;
    let day = tomorrow(tz());
    let book_next = || {
        app.book(key,
            json!({"service_id": haircut, "start": at(day, 11, 0), "customer_phone": "+14155550124"}),
        )
    };

    model.push_tool_call(
        "hold_slot",
        json!({"service_id": haircut, "start": format!("{day}T11:00")}),
    );
    model.push_content("A haircut tomorrow at 11:00. Shall I book it?");
    has(
        &first.say("haircut tomorrow at 11").await,
        &["Shall I book it?"],
    );
    assert_eq!(
        book_next().await.status(),
        409,
        "held for the first customer"
    );
    model.push_content("OK, I haven't booked anything.");
    has(&first.say("no").await, &["haven't booked"]);
    assert_eq!(book_next().await.status(), 201, "free for the next at once");
    app.stop().await;
}
