//! Meta WhatsApp Cloud, Telegram (webhook and long polling) and the WhatsApp Web bridge end to
//! end over real HTTP, and the messaging feature flag.
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::{evolution, meta, telegram};

use crate::helpers::{ADMIN, assert_error, spawn_app};
use crate::messaging::OUR_NUMBER;

#[tokio::test]
async fn meta_handshake_signature_and_statuses() {
    let app = spawn_app().await;
    let a = app.seed_business("Meta Shop").await;
    let fake = meta::spawn().await.unwrap();
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "meta_whatsapp", "address": "106540352242922", "api_base": fake.url(),
            "credentials": {"access_token": "EAAG-token", "app_secret": "meta-app-secret", "verify_token": "verify-me"}}))
        .await;
    assert_eq!(r.status(), 201);
    let ch: Value = r.json().await.unwrap();
    let path = format!("/webhooks/meta/{}", ch["id"].as_str().unwrap());
    let r = app
        .client
        .get(app.url(&format!(
            "{path}?{}",
            meta::handshake_query("verify-me", "1158201444")
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "1158201444");
    let r = app
        .client
        .get(app.url(&format!("{path}?{}", meta::handshake_query("nope", "1"))))
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;

    let body = meta::text_message(
        "106540352242922",
        "14155550100",
        "Dana",
        "wamid.A1",
        "Привет",
    )
    .to_string();
    let post = |sig: String, body: String| {
        app.client
            .post(app.url(&path))
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sig)
            .body(body)
            .send()
    };
    assert_error(
        post("sha256=00".into(), body.clone()).await.unwrap(),
        403,
        "forbidden",
    )
    .await;
    for _ in 0..3 {
        assert_eq!(
            post(
                meta::signed_payload("meta-app-secret", body.as_bytes()),
                body.clone()
            )
            .await
            .unwrap()
            .status(),
            200
        );
    }
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);
    let garbage = "{not json".to_string();
    assert_error(
        post(
            meta::signed_payload("meta-app-secret", garbage.as_bytes()),
            garbage,
        )
        .await
        .unwrap(),
        400,
        "invalid_payload",
    )
    .await;

    // A reply goes out through the Graph API.
    let convs: Value = app
        .get("/api/v1/conversations", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let conv = convs["items"][0]["id"].as_str().unwrap();
    let r = app.post_text(&a.owner_key, &conv, "Здравствуйте!").await;
    assert_eq!(r.status(), 202);
    app.state.worker.drain().await.unwrap();
    let sent = fake.message_requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["text"]["body"], "Здравствуйте!");
    // Meta's status webhooks move it on; a late `sent` does not move it back.
    let queued: Value = r.json().await.unwrap();
    let msg_id = queued["message_ids"][0].as_str().unwrap().parse().unwrap();
    let wamid = tenant
        .get_message(msg_id)
        .await
        .unwrap()
        .provider_message_id
        .unwrap();
    for st in ["read", "sent", "delivered"] {
        let body = meta::status("106540352242922", &wamid, st, None).to_string();
        assert_eq!(
            post(
                meta::signed_payload("meta-app-secret", body.as_bytes()),
                body
            )
            .await
            .unwrap()
            .status(),
            200
        );
    }
    let row = tenant.get_message(msg_id).await.unwrap();
    assert_eq!(
        row.status,
        switchboard_store::messaging::MessageStatus::Read
    );
    assert!(row.read_at.is_some() && row.delivered_at.is_some());
    app.stop().await;
}

#[tokio::test]
async fn telegram_secret_token_and_replies() {
    let app = spawn_app().await;
    let a = app.seed_business("Bot Shop").await;
    let fake = telegram::spawn().await.unwrap();
    let r = app.create_channel(&a.owner_key, json!({"kind": "telegram", "address": "demo_bot", "api_base": fake.url(), "credentials": {"bot_token": "123:ABC", "secret_token": "tg-secret"}})).await;
    assert_eq!(r.status(), 201);
    let ch: Value = r.json().await.unwrap();
    let id = ch["id"].as_str().unwrap();
    let r = app
        .request(
            Method::POST,
            &format!("/api/v1/channels/{id}/telegram/set-webhook"),
            Some(&a.owner_key),
            None,
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let hook = fake.webhook().expect("setWebhook called");
    assert!(hook.url.ends_with(&format!("/webhooks/telegram/{id}")));

    let update = telegram::text_update(1001, 555, "Ivan", Some("ivan"), "שלום").to_string();
    let post = |secret: Option<&str>| {
        let mut r = app
            .client
            .post(app.url(&format!("/webhooks/telegram/{id}")))
            .header("content-type", "application/json")
            .body(update.clone());
        if let Some(s) = secret {
            r = r.header("x-telegram-bot-api-secret-token", s);
        }
        r.send()
    };
    assert_error(post(None).await.unwrap(), 403, "forbidden").await;
    assert_error(post(Some("wrong")).await.unwrap(), 403, "forbidden").await;
    assert_eq!(post(Some("tg-secret")).await.unwrap().status(), 200);
    assert_eq!(post(Some("tg-secret")).await.unwrap().status(), 200);
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);
    let convs: Value = app
        .get("/api/v1/conversations", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let conv = convs["items"][0]["id"].as_str().unwrap();
    let r = app.post_message(&a.owner_key, json!({"conversation_id": conv, "content": {"type": "keyboard", "text": "Pick a time", "buttons": [{"label": "10:00", "data": "slot:1"}]}})).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    app.state.worker.drain().await.unwrap();
    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["chat_id"], 555);
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_feature_answers_403_with_the_stable_body() {
    let app = spawn_app().await;
    let a = app.seed_business("Flags").await;
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            ADMIN,
            json!({"features": {"messaging": false}}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let body = assert_error(
        app.get("/api/v1/channels", &a.owner_key).await,
        403,
        "feature_disabled",
    )
    .await;
    assert_eq!(body["feature"], "messaging");
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            ADMIN,
            json!({"features": {"messaging": true, "whatsapp": false}}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.get("/api/v1/channels", &a.owner_key).await.status(),
        200
    );
    let body = assert_error(
        app.create_channel(&a.owner_key, json!({"kind": "twilio_whatsapp", "address": OUR_NUMBER, "credentials": {"account_sid": "AC1", "auth_token": "t"}})).await,
        403,
        "feature_disabled",
    )
    .await;
    assert_eq!(body["feature"], "whatsapp");
    app.stop().await;
}

#[tokio::test]
async fn whatsapp_web_bridge_registration_secret_and_health() {
    let app = spawn_app().await;
    let a = app.seed_business("Bridge Shop").await;
    let fake = evolution::spawn().await.unwrap();
    let r = app
        .create_channel(&a.owner_key, json!({"kind": "whatsapp_web", "address": "shop1", "api_base": fake.url(), "credentials": {"api_key": "evo-key"}}))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let ch: Value = r.json().await.unwrap();
    let id = ch["id"].as_str().unwrap();
    // The bridge's webhook now points at us, carrying the channel's secret header.
    let hook = fake.webhook("shop1").expect("webhook registered");
    let hook_text = hook.to_string();
    assert!(
        hook_text.contains(&format!("/webhooks/whatsapp-web/{id}")),
        "{hook_text}"
    );
    let secret = hook
        .pointer("/webhook/headers/x-switchboard-secret")
        .or_else(|| hook.pointer("/headers/x-switchboard-secret"))
        .and_then(Value::as_str)
        .expect("secret header registered")
        .to_string();

    let upsert = evolution::text_upsert(
        "shop1",
        "14155550100@s.whatsapp.net",
        "3EB0AA",
        "Dana",
        "hello",
    )
    .to_string();
    let post = |s: &str| {
        app.client
            .post(app.url(&format!("/webhooks/whatsapp-web/{id}")))
            .header("content-type", "application/json")
            .header("x-switchboard-secret", s.to_string())
            .body(upsert.clone())
            .send()
    };
    assert_error(post("wrong").await.unwrap(), 403, "forbidden").await;
    assert_eq!(post(&secret).await.unwrap().status(), 200);
    assert_eq!(post(&secret).await.unwrap().status(), 200);
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);

    let health: Value = app
        .get(&format!("/api/v1/channels/{id}/health"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(health["bridge_state"], "open");
    assert!(
        health["last_inbound_at"]
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
    );
    app.stop().await;
}

#[tokio::test]
async fn telegram_long_polling_stores_updates_once() {
    let app = spawn_app().await;
    let a = app.seed_business("Polling Bot").await;
    let fake = telegram::spawn().await.unwrap();
    let r = app.create_channel(&a.owner_key, json!({"kind": "telegram", "api_base": fake.url(), "polling": true, "credentials": {"bot_token": "42:XYZ"}})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let ch: Value = r.json().await.unwrap();
    let row = app
        .store
        .tenant(a.business_id.parse().unwrap())
        .get_channel(ch["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    assert!(switchboard_messaging::telegram_poll::is_polling(&row));
    fake.push_update(telegram::text_update(
        7001,
        777,
        "Olga",
        None,
        "Здравствуйте",
    ));
    fake.push_update(telegram::text_update(
        7002,
        777,
        "Olga",
        None,
        "Можно записаться?",
    ));
    let poller = switchboard_server::messaging::poller(&app.state);
    let offset = switchboard_messaging::telegram_poll::poll_once(&poller, &row, None, 0)
        .await
        .unwrap();
    assert_eq!(offset, Some(7003));
    // Seen again (as after a restart without the offset): nothing is stored twice.
    switchboard_messaging::telegram_poll::poll_once(&poller, &row, None, 0)
        .await
        .unwrap();
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 2);
    assert_eq!(app.state.worker.drain().await.unwrap(), 2);
    app.stop().await;
}
