//! Tenant-configured URLs cannot reach internal addresses unless the operator allows them,
//! and nothing a called address answers is repeated in our API answers.
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::{ChannelId, message::ChannelKind};
use switchboard_messaging::Credentials;
use switchboard_store::messaging::NewChannel;
use switchboard_test_support::{evolution, openai::FakeOpenAi, twilio};

use crate::{
    helpers::{TestApp, assert_error, spawn_app, spawn_app_with},
    messaging::{inbound_conversation, twilio_channel},
};

/// What a hostile or internal service answers; none of it may reach an API answer.
const SECRET: &str = "AKIAFAKEINTERNALSECRET";

/// An app whose operator allows no internal address (the production default).
async fn strict_app() -> TestApp {
    spawn_app_with(|c| c.outbound_allow = String::new()).await
}

#[tokio::test]
async fn a_private_api_base_is_refused_unless_the_operator_allows_it() {
    let app = strict_app().await;
    let a = app.seed_business("Careful Shop").await;
    let bridge = evolution::spawn().await.unwrap();
    let port = bridge.url().rsplit(':').next().unwrap().to_string();
    for base in [
        bridge.url(),
        format!("http://localhost:{port}"),
        format!("http://[::ffff:127.0.0.1]:{port}"),
        format!("http://2130706433:{port}"),
        "http://169.254.169.254/latest/meta-data".to_string(),
        "http://10.0.0.7:8080".to_string(),
        "http://[::1]:8080".to_string(),
        "http://[fd00:ec2::254]/".to_string(),
    ] {
        let r = app
            .create_channel(&a.owner_key, json!({"kind": "whatsapp_web", "address": "shop1", "api_base": base, "credentials": {"api_key": "evo-key"}}))
            .await;
        assert_error(r, 422, "outbound_address_blocked").await;
    }
    assert!(bridge.requests().is_empty(), "the bridge was never called");
    let channels: Value = app
        .get("/api/v1/channels", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(channels.as_array().unwrap().len(), 0, "nothing saved");
    app.stop().await;

    // An operator who runs the bridge next door allows it.
    let app = spawn_app_with(|c| c.outbound_allow = "127.0.0.0/8".into()).await;
    let a = app.seed_business("Bridge Shop").await;
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "whatsapp_web", "address": "shop1", "api_base": bridge.url(), "credentials": {"api_key": "evo-key"}}))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    assert!(!bridge.requests().is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_private_model_base_url_is_refused() {
    let app = strict_app().await;
    let a = app.seed_agent_business("Careful Salon", "UTC").await;
    let r = app
        .request(
            Method::PUT,
            "/api/v1/agent",
            Some(&a.owner_key),
            Some(json!({"llm": {"base_url": "http://127.0.0.1:11434/v1", "model": "llama"}})),
        )
        .await;
    assert_error(r, 422, "outbound_address_blocked").await;
    app.stop().await;
}

#[tokio::test]
async fn a_stored_private_model_is_never_called_and_the_rules_answer() {
    // The operator allows the SMS provider's port, not the model's.
    let fake = twilio::spawn().await.unwrap();
    let model = FakeOpenAi::spawn().await.unwrap();
    let sms_host = fake.url().trim_start_matches("http://").to_string();
    let app = spawn_app_with(|c| c.outbound_allow = sms_host).await;
    let a = app.seed_agent_business("Old Model Salon", "UTC").await;
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    // Saved while the operator allowed it; the allow-list has been tightened since.
    tenant
        .put_agent_config(
            &json!({"burst_ms": 0, "llm": {"base_url": model.url(), "model": "fake-gpt"}}),
            None,
        )
        .await
        .unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let conv = inbound_conversation(&app, &a.owner_key, &ch, "SM8001").await;
    app.state.worker.drain().await.unwrap();
    assert!(model.requests().is_empty(), "the model was never called");
    let turns = tenant.list_turns(conv.parse().unwrap()).await.unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0].engine, "rules_fallback");
    assert!(
        turns[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("refused"),
        "{:?}",
        turns[0].error
    );
    assert!(
        !turns[0].reply.is_empty(),
        "the customer still got an answer"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_stored_private_base_is_never_called_by_health_checks_or_the_outbox() {
    let app = strict_app().await;
    let a = app.seed_business("Old Bridge").await;
    let bridge = evolution::spawn().await.unwrap();
    // Saved while the operator allowed it; the allow-list has been tightened since.
    let id = ChannelId::new();
    let creds = Credentials {
        api_key: Some("evo-key".into()),
        webhook_secret: Some("hook-secret".into()),
        ..Default::default()
    };
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    tenant
        .create_channel(NewChannel {
            id,
            kind: ChannelKind::WhatsappWeb,
            name: "bridge".into(),
            address: "shop1".into(),
            credentials: creds.seal(&app.state.secrets, id).unwrap(),
            api_base: Some(bridge.url()),
            settings: json!({}),
        })
        .await
        .unwrap();
    let health: Value = app
        .get(&format!("/api/v1/channels/{id}/health"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        health["last_error"].as_str().unwrap().contains("refused"),
        "{health}"
    );

    let upsert = evolution::text_upsert(
        "shop1",
        "14155550100@s.whatsapp.net",
        "3EB0C1",
        "Dana",
        "hi",
    );
    let r = app
        .client
        .post(app.url(&format!("/webhooks/whatsapp-web/{id}")))
        .header("x-switchboard-secret", "hook-secret")
        .json(&upsert)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let convs: Value = app
        .get("/api/v1/conversations", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let conv = convs["items"][0]["id"].as_str().unwrap();
    let r = app.post_text(&a.owner_key, &conv, "hello").await;
    assert_eq!(r.status(), 202);
    let sent: Value = r.json().await.unwrap();
    app.state.worker.drain().await.unwrap();
    assert!(bridge.requests().is_empty(), "the bridge was never called");
    let row = tenant
        .get_message(sent["message_ids"][0].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        row.status,
        switchboard_store::messaging::MessageStatus::Failed
    );
    assert_eq!(row.error_code.as_deref(), Some("blocked_address"));
    app.stop().await;
}

/// Every answer of the API that can carry a provider's error, as one text.
async fn api_text(app: &TestApp, key: &str, conv: &str, channel: &str) -> String {
    let mut all = String::new();
    for path in [
        format!("/api/v1/conversations/{conv}"),
        format!("/api/v1/channels/{channel}"),
        format!("/api/v1/channels/{channel}/health"),
        "/api/v1/channels".to_string(),
        "/api/v1/jobs".to_string(),
    ] {
        let r = app.get(&path, key).await;
        assert_eq!(r.status(), 200, "{path}");
        all.push_str(&r.text().await.unwrap());
    }
    all
}

#[tokio::test]
async fn no_upstream_body_appears_in_any_api_answer() {
    let app = spawn_app().await;
    let a = app.seed_business("Leaky Provider").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let channel = ch["id"].as_str().unwrap();
    let conv = inbound_conversation(&app, &a.owner_key, &ch, "SM7001").await;
    app.state.worker.drain().await.unwrap();

    // A retryable answer, then a permanent one, both with a secret-looking body.
    fake.fail_next(
        "Messages.json",
        503,
        json!({"code": 20503, "message": SECRET, "status": 503}),
    );
    fake.fail_next(
        "Messages.json",
        400,
        json!({"code": SECRET, "message": format!("internal: {SECRET}"), "status": 400}),
    );
    let r = app.post_text(&a.owner_key, &conv, "hi").await;
    assert_eq!(r.status(), 202);
    for _ in 0..4 {
        app.state.worker.drain().await.unwrap();
        app.clock.advance(std::time::Duration::from_millis(120));
    }
    assert_eq!(fake.message_requests().len(), 2);
    let text = api_text(&app, &a.owner_key, &conv, channel).await;
    assert!(text.contains("HTTP 400"), "status kept: {text}");
    assert!(!text.contains(SECRET), "{text}");

    // A bridge that answers errors with the secret, at creation and on health checks.
    let bridge = evolution::spawn().await.unwrap();
    bridge.fail_next("/webhook/set", 400, json!({"message": SECRET}));
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "whatsapp_web", "address": "shop2", "api_base": bridge.url(), "credentials": {"api_key": "evo-key"}}))
        .await;
    let created = r.text().await.unwrap();
    assert!(created.contains("HTTP 400"), "{created}");
    assert!(!created.contains(SECRET), "{created}");
    let id = serde_json::from_str::<Value>(&created).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    bridge.fail_next("/instance/connectionState", 500, json!(SECRET));
    let health = app
        .get(&format!("/api/v1/channels/{id}/health"), &a.owner_key)
        .await
        .text()
        .await
        .unwrap();
    assert!(health.contains("HTTP 500"), "{health}");
    assert!(!health.contains(SECRET), "{health}");
    app.stop().await;
}

#[tokio::test]
async fn an_unreadable_allow_list_stops_start_up_naming_the_key() {
    let db = switchboard_test_support::db::fresh().await;
    let mut config = switchboard_server::Config::for_tests(&db.url);
    config.outbound_allow = "10.0.0.0/8, 10.0.0.0/33".into();
    let err = switchboard_server::AppState::new(config)
        .await
        .err()
        .expect("start-up refused");
    let text = err.to_string();
    assert!(text.contains("SWITCHBOARD_OUTBOUND_ALLOW"), "{text}");
    assert!(text.contains("10.0.0.0/33"), "{text}");
}
