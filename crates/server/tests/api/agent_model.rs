//! The agent with a model (fake OpenAI-compatible server): tools, writes only after a yes,
//! fallback to the rule-based agent, handover, and billing in the message path.
use std::time::{Duration, Instant};

use chrono::Datelike;
use chrono_tz::Tz;
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::{
    openai::{FakeOpenAi, ScriptedReply},
    twilio,
};

use crate::agent::{
    Sms, agent_salon, agent_settings, appointments, customer_ledger, has, only_conversation,
};
use crate::calendar::{at, tomorrow};
use crate::helpers::{Seeded, TestApp, spawn_app};

/// A business whose agent uses the fake model.
pub(crate) async fn model_salon(
    app: &TestApp,
    model: &FakeOpenAi,
    extra: Value,
) -> (Seeded, String) {
    let (a, haircut, _) = agent_salon(app, "America/New_York").await;
    let mut settings = json!({"burst_ms": 0, "llm": {"base_url": model.url(), "model": "fake-gpt", "api_key": "sk-test-key"}});
    for (k, v) in extra.as_object().unwrap() {
        settings[k] = v.clone();
    }
    agent_settings(app, &a.owner_key, settings).await;
    (a, haircut)
}

#[tokio::test]
async fn the_model_runs_tools_and_writes_only_after_a_yes() {
    let app = spawn_app().await;
    let model = FakeOpenAi::spawn().await.unwrap();
    let (a, haircut) = model_salon(&app, &model, json!({})).await;
    let key = &a.owner_key;
    // The key is sealed and never shown.
    let v: Value = app.get("/api/v1/agent", key).await.json().await.unwrap();
    assert_eq!(v["llm_api_key_set"], true);
    assert_eq!(v["engine"], "llm");
    assert!(!v.to_string().contains("sk-test-key"));
    // The stored key only goes to the host it was given for.
    let mut moved = json!({"burst_ms": 0, "llm": {"base_url": "https://elsewhere.example/v1", "model": "fake-gpt"}});
    let r = app
        .request(Method::PUT, "/api/v1/agent", Some(key), Some(moved.clone()))
        .await;
    crate::helpers::assert_error(r, 422, "validation_failed").await;
    moved["llm"]["base_url"] = json!(model.url());
    agent_settings(&app, key, moved).await;
    let v: Value = app.get("/api/v1/agent", key).await.json().await.unwrap();
    assert_eq!(v["llm_api_key_set"], true);

    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, key, &fake, "+14155550133").await;
    let tz: Tz = "America/New_York".parse().unwrap();
    let day = tomorrow(tz);
    let start = format!("{day}T10:00");
    // Turn 1: the model looks for slots, then tries to book before the customer said yes.
    model.push_tool_call(
        "free_slots",
        json!({"service_id": haircut, "date": day.to_string()}),
    );
    model.push_tool_call(
        "create_appointment",
        json!({"service_id": haircut, "start": start}),
    );
    model.push_content(format!(
        "I can book a haircut on {} at 10:00. Shall I?",
        day.weekday()
    ));
    has(
        &c.say("I'd like a haircut tomorrow at 10").await,
        &["Shall I?"],
    );
    assert!(
        appointments(&app, key, "status=booked").await.is_empty(),
        "the orchestrator refused the early write"
    );
    let bodies = model.bodies();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["model"], "fake-gpt");
    assert!(
        bodies[0]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["function"]["name"] == "create_appointment")
    );
    let system = bodies[0]["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains("Studio Bella")
            && system.contains("America/New_York")
            && system.contains("Haircut")
    );
    let fed_back = bodies[1]["messages"].to_string();
    assert!(
        fed_back.contains(&format!("{day}T10:00")),
        "slots fed back: {fed_back}"
    );
    assert!(
        bodies[2]["messages"]
            .to_string()
            .contains("confirmation_required")
    );
    // The model's key went out as a bearer token.
    let requests = model.requests();
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer sk-test-key")
    );

    // Turn 2: the customer says yes; now the write runs.
    model.push_tool_call(
        "create_appointment",
        json!({"service_id": haircut, "start": start}),
    );
    model.push_content("Done! See you tomorrow at 10:00.");
    has(&c.say("yes").await, &["Done!"]);
    let booked = appointments(&app, key, "status=booked").await;
    assert_eq!(booked.len(), 1);
    assert_eq!(
        booked[0]["start"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        at(tz, day, 10)
    );

    // A tool error goes back to the model, which answers anyway.
    model.push_tool_call("cancel_appointment", json!({"appointment_id": "not-an-id"}));
    model.push_content("Sorry, I could not find that booking.");
    has(&c.say("cancel the other one").await, &["could not find"]);

    let conv = only_conversation(&app, key).await;
    let turns: Vec<Value> = app
        .get(&format!("/api/v1/conversations/{conv}/turns"), key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(turns.len(), 3);
    assert!(
        turns
            .iter()
            .all(|t| t["engine"] == "llm" && t["model"] == "fake-gpt")
    );
    let outcomes: Vec<(String, String)> = turns
        .iter()
        .flat_map(|t| t["tool_calls"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("free_slots".to_string(), "ok".to_string()),
            ("create_appointment".into(), "refused".into()),
            ("create_appointment".into(), "ok".into()),
            ("cancel_appointment".into(), "error".into()),
        ]
    );
    let tokens: i64 = turns
        .iter()
        .map(|t| t["total_tokens"].as_i64().unwrap())
        .sum();
    assert!(tokens > 0);
    let usage: Value = app
        .get("/api/v1/agent/usage", key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(usage["total_tokens"].as_i64().unwrap(), tokens);
    assert_eq!(usage["llm_turns"], 3);
    assert_eq!(usage["tool_calls"], 4);
    let per_conv: Value = app
        .get(&format!("/api/v1/agent/usage?conversation_id={conv}"), key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(per_conv["total_tokens"].as_i64().unwrap(), tokens);
    app.stop().await;
}

#[tokio::test]
async fn a_failing_or_slow_model_falls_back_to_the_rule_based_agent() {
    let app = spawn_app().await;
    let model = FakeOpenAi::spawn().await.unwrap();
    let (a, _) = model_salon(&app, &model, json!({"turn_budget_ms": 1500})).await;
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, &a.owner_key, &fake, "+14155550144").await;

    // 500s on every attempt.
    for _ in 0..6 {
        model.push(ScriptedReply::error(500, "upstream exploded"));
    }
    let started = Instant::now();
    has(
        &c.say("Hi, what services do you offer?").await,
        &["Haircut", "$40.00"],
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    // A model slower than the budget (the unused 500s are dropped first).
    model.clear_script();
    for _ in 0..4 {
        model.push(ScriptedReply::content("too late").with_delay(Duration::from_secs(10)));
    }
    let started = Instant::now();
    let reply = c.say("Can I book a haircut tomorrow?").await;
    let took = started.elapsed();
    has(&reply, &["Free times for Haircut tomorrow"]);
    assert!(!reply.contains("too late"));
    assert!(
        took < Duration::from_secs(5),
        "answered within the budget, took {took:?}"
    );

    let conv = only_conversation(&app, &a.owner_key).await;
    let turns: Vec<Value> = app
        .get(&format!("/api/v1/conversations/{conv}/turns"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(turns.len(), 2);
    assert!(turns.iter().all(|t| t["engine"] == "rules_fallback"));
    assert!(
        turns[0]["error"].as_str().unwrap().contains("500"),
        "{}",
        turns[0]["error"]
    );
    assert!(
        turns[1]["error"].as_str().unwrap().contains("time"),
        "{}",
        turns[1]["error"]
    );
    app.stop().await;
}

#[tokio::test]
async fn asking_for_a_human_pauses_the_bot() {
    let app = spawn_app().await;
    let (a, _, _) = agent_salon(&app, "America/New_York").await;
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, &a.owner_key, &fake, "+14155550155").await;
    let mut events = app.store.events.subscribe();
    let r = c.say("I want to talk to a human").await;
    assert!(!r.is_empty());
    let conv = only_conversation(&app, &a.owner_key).await;
    let v: Value = app
        .get(&format!("/api/v1/conversations/{conv}"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["bot_paused"], true);
    let mut handed = false;
    while let Ok(e) = events.try_recv() {
        handed |= e.kind == "conversation.handover";
    }
    assert!(handed, "staff were alerted");
    // The bot stays quiet until a person resumes it.
    assert_eq!(c.say("hello?").await, "");
    app.stop().await;
}

/// Billing in the message path: a customer with no balance gets the payment link (once per
/// cooldown) and the agent is not called; the Stripe payment credits the wallet and sends a
/// receipt; the next message is answered and charged.
#[tokio::test]
async fn no_balance_gets_a_payment_link_then_a_top_up_pays_for_replies() {
    use switchboard_test_support::stripe::{self as fake_stripe, StripeEventKind};
    let stripe = fake_stripe::spawn().await.unwrap();
    let app = crate::helpers::spawn_app_with(|c| c.stripe_api_base = stripe.url()).await;
    let (a, _, _) = agent_salon(&app, "America/New_York").await;
    let key = a.owner_key.as_str();
    let r = app
        .request(
            Method::PUT,
            "/api/v1/billing/tariff",
            Some(key),
            Some(json!({"ai_reply_price": 25, "payment_link_cooldown_secs": 3600})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = app
        .request(
            Method::PUT,
            "/api/v1/billing/providers/stripe",
            Some(key),
            Some(json!({"credentials": {"secret_key": "sk_test_1", "webhook_secret": "whsec_test_secret"}})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let fake = twilio::spawn().await.unwrap();
    let phone = "+14155550166";
    let mut c = Sms::open(&app, key, &fake, phone).await;

    let r = c.say("Hi, what services do you offer?").await;
    has(&r, &[&format!("/pay/{}", a.business_id)]);
    assert!(!r.contains("Haircut"), "the agent was not called: {r}");
    assert_eq!(c.say("hello??").await, "", "one link per cooldown");
    let conv = only_conversation(&app, key).await;
    let turns: Vec<Value> = app
        .get(&format!("/api/v1/conversations/{conv}/turns"), key)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        turns.iter().all(|t| t["engine"] == "payment_required"),
        "{turns:?}"
    );

    // The customer pays $10 through the payment page.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .post(app.url(&format!("/pay/{}", a.business_id)))
        .form(&[("amount", "1000"), ("phone", phone)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let session = stripe.sessions()[0]["id"].as_str().unwrap().to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let paid = stripe
        .signed_event(
            &session,
            StripeEventKind::CompletedPaid,
            "whsec_test_secret",
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
    assert_eq!(r.status(), 200);
    app.state.worker.drain().await.unwrap();
    let receipt: Vec<String> = fake
        .message_requests()
        .into_iter()
        .filter_map(|m| m.get("Body").cloned())
        .filter(|b| b.contains("$10.00"))
        .collect();
    assert_eq!(receipt.len(), 1, "one receipt on the customer's channel");
    c.seen += 1;

    // Now the agent answers, and the reply is charged.
    has(&c.say("What services do you offer?").await, &["Haircut"]);
    let (customer, ledger) = customer_ledger(&app, key, &conv).await;
    let text = ledger.to_string();
    assert!(text.contains("ai_reply"), "{text}");
    let balance: Value = app
        .get(&format!("/api/v1/billing/customers/{customer}"), key)
        .await
        .json()
        .await
        .unwrap();
    assert!(balance.to_string().contains("975"), "{balance}");
    app.stop().await;
}

/// The model may write only the change it proposed in the previous turn, after a yes; a "yes"
/// to nothing, or a write other than the proposal, is refused. The rule-based agent honours
/// the model's proposal when the model fails, and a model failing after its write still tells
/// the customer it is done.
#[tokio::test]
async fn model_writes_need_the_proposal_and_a_yes() {
    let app = spawn_app().await;
    let model = FakeOpenAi::spawn().await.unwrap();
    let (a, haircut) = model_salon(&app, &model, json!({"turn_budget_ms": 3000})).await;
    let key = &a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, key, &fake, "+14155550188").await;
    let tz: Tz = "America/New_York".parse().unwrap();
    let day = tomorrow(tz);
    let at11 = format!("{day}T11:00");
    let at12 = format!("{day}T12:00");

    // "ok" with nothing proposed: the write is refused (and becomes the proposal).
    model.push_tool_call(
        "create_appointment",
        json!({"service_id": haircut, "start": at11}),
    );
    model.push_content("Shall I book 11:00?");
    c.say("ok great, book me tomorrow at 11").await;
    // A yes, but the model books something else: refused again.
    model.push_tool_call(
        "create_appointment",
        json!({"service_id": haircut, "start": at12}),
    );
    model.push_content("Shall I book 12:00 instead?");
    c.say("yes").await;
    assert!(appointments(&app, key, "status=booked").await.is_empty());

    // The model is down for the next yes: the rule-based agent books the proposal (12:00).
    for _ in 0..6 {
        model.push(ScriptedReply::error(500, "down"));
    }
    let r = c.say("yes").await;
    has(
        &r,
        &["You're booked for Haircut with Anna tomorrow at 12:00 PM"],
    );
    model.clear_script();
    let booked = appointments(&app, key, "status=booked").await;
    assert_eq!(booked.len(), 1);
    assert_eq!(
        booked[0]["start"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        at(tz, day, 12)
    );

    // A hold proposes; the yes writes; the model then fails: the customer still hears it is done.
    let at15 = format!("{day}T15:00");
    model.push_tool_call("hold_slot", json!({"service_id": haircut, "start": at15}));
    model.push_content("I'm holding 3 PM for you. Book it?");
    c.say("another haircut tomorrow at 3pm please").await;
    model.push_tool_call(
        "create_appointment",
        json!({"service_id": haircut, "start": at15}),
    );
    for _ in 0..6 {
        model.push(ScriptedReply::error(500, "down"));
    }
    has(&c.say("yes please").await, &["Done!"]);
    assert_eq!(appointments(&app, key, "status=booked").await.len(), 2);

    let conv = only_conversation(&app, key).await;
    let turns: Vec<Value> = app
        .get(&format!("/api/v1/conversations/{conv}/turns"), key)
        .await
        .json()
        .await
        .unwrap();
    let outcomes: Vec<String> = turns
        .iter()
        .flat_map(|t| t["tool_calls"].as_array().unwrap().clone())
        .map(|c| {
            format!(
                "{}:{}",
                c["name"].as_str().unwrap(),
                c["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        outcomes[..2],
        [
            "create_appointment:refused".to_string(),
            "create_appointment:refused".into()
        ]
    );
    assert_eq!(turns[2]["engine"], "rules_fallback");
    assert_eq!(turns[4]["engine"], "llm");
    assert!(turns[4]["error"].is_string());
    app.stop().await;
}

/// A business with a welcome credit: a new number's first message is paid from it.
#[tokio::test]
async fn a_new_number_gets_the_welcome_credit_and_is_answered() {
    let app = spawn_app().await;
    let (a, _, _) = agent_salon(&app, "America/New_York").await;
    let key = a.owner_key.as_str();
    let r = app
        .request(
            Method::PUT,
            "/api/v1/billing/tariff",
            Some(key),
            Some(json!({"ai_reply_price": 25, "welcome_credit": 100})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let fake = twilio::spawn().await.unwrap();
    let mut c = Sms::open(&app, key, &fake, "+14155550199").await;
    has(&c.say("What services do you offer?").await, &["Haircut"]);
    has(&c.say("How much is a haircut?").await, &["$40.00"]);
    let conv = only_conversation(&app, key).await;
    let (_, ledger) = customer_ledger(&app, key, &conv).await;
    let kinds: Vec<&str> = ledger["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "welcome_credit").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "ai_reply").count(),
        2,
        "{kinds:?}"
    );
    app.stop().await;
}
