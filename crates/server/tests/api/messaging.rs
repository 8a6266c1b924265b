//! Messaging end to end over real HTTP: provider webhooks (verified, idempotent), the outbox
//! against fake providers (retries, permanent failures), status callbacks, conversations.
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::{evolution, meta, telegram, twilio};

use crate::helpers::{ADMIN, TestApp, assert_error, spawn_app, spawn_app_with};

pub(crate) const TOKEN: &str = "twilio-auth-token-1234";
pub(crate) const OUR_NUMBER: &str = "+14155559999";

pub(crate) async fn twilio_channel(app: &TestApp, key: &str, kind: &str, api_base: &str) -> Value {
    let r = app
        .post(
            "/api/v1/channels",
            key,
            json!({"kind": kind, "address": OUR_NUMBER, "api_base": api_base,
                   "credentials": {"account_sid": "AC00000000000000000000000000000000", "auth_token": TOKEN}}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// Posts a Twilio webhook signed for `signed_url` to our local server.
pub(crate) async fn post_twilio(
    app: &TestApp,
    channel_id: &str,
    signed_url: &str,
    params: &[(String, String)],
    tamper: bool,
) -> reqwest::Response {
    let (sig, mut body) = twilio::signed_sms_webhook(TOKEN, signed_url, params);
    if tamper {
        body.push_str("&Extra=1");
    }
    app.client
        .post(app.url(&format!("/webhooks/twilio/{channel_id}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", sig)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn twilio_inbound_is_verified_stored_once_and_acknowledged_with_empty_twiml() {
    // The server sits behind a proxy: Twilio signs the public URL, not our local address.
    let app = spawn_app_with(|c| c.public_url = "https://front.example.com".into()).await;
    let a = app.seed_business("Inbound Salon").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let id = ch["id"].as_str().unwrap();
    let url = format!("https://front.example.com/webhooks/twilio/{id}");
    assert_eq!(ch["webhook_urls"]["incoming_message"], url);
    assert!(!ch.to_string().contains(TOKEN), "credentials are masked");

    let params = twilio::sms_params("SM0001", "+1 (415) 555-0100", OUR_NUMBER, "Hi, can I book?");
    // Forged, missing and altered requests: 403, nothing stored.
    let (_, body) = twilio::signed_sms_webhook("wrong-token", &url, &params);
    let r = app
        .client
        .post(app.url(&format!("/webhooks/twilio/{id}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "x-twilio-signature",
            twilio::signature("wrong-token", &url, &params),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    let r = app
        .client
        .post(app.url(&format!("/webhooks/twilio/{id}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_error(r, 403, "forbidden").await;
    assert_error(
        post_twilio(&app, id, &url, &params, true).await,
        403,
        "forbidden",
    )
    .await;
    // Signed for the local URL instead of the public one: refused.
    assert_error(
        post_twilio(
            &app,
            id,
            &app.url(&format!("/webhooks/twilio/{id}")),
            &params,
            false,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 0);

    // The same message five times, three of them at once: stored once, processed once.
    let (r1, r2, r3) = tokio::join!(
        post_twilio(&app, id, &url, &params, false),
        post_twilio(&app, id, &url, &params, false),
        post_twilio(&app, id, &url, &params, false)
    );
    for r in [
        r1,
        r2,
        r3,
        post_twilio(&app, id, &url, &params, false).await,
        post_twilio(&app, id, &url, &params, false).await,
    ] {
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/xml");
        assert!(r.text().await.unwrap().ends_with("<Response/>"));
    }
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);
    assert_eq!(app.state.worker.drain().await.unwrap(), 1);
    assert_eq!(app.state.worker.drain().await.unwrap(), 0);
    let convs: Value = app
        .get("/api/v1/conversations", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    let conv = &convs["items"][0];
    let full: Value = app
        .get(
            &format!("/api/v1/conversations/{}", conv["id"].as_str().unwrap()),
            &a.owner_key,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full["messages"][0]["body"], "Hi, can I book?");
    assert!(full["messages"][0]["processed_at"].is_i64());
    // Nothing was sent in the webhook answer or through the API (no auto-acknowledgement set).
    assert!(fake.requests().is_empty());

    // Malformed bodies get a clear 4xx, never a 500.
    for bad in [
        &b"%%%=%"[..],
        &[0xff, 0xfe, 0x00][..],
        &b"MessageSid=SM1&From="[..],
    ] {
        let sig = twilio::signature::<&str, &str>(TOKEN, &url, &[]);
        let r = app
            .client
            .post(app.url(&format!("/webhooks/twilio/{id}")))
            .header("x-twilio-signature", sig)
            .body(bad.to_vec())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let r = app
        .client
        .post(app.url(&format!("/webhooks/twilio/{id}")))
        .body(vec![b'a'; 5 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_error(r, 413, "payload_too_large").await;
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);
    app.stop().await;
}

#[tokio::test]
async fn one_customer_across_sms_and_whatsapp() {
    let app = spawn_app().await;
    let a = app.seed_business("Same Person").await;
    let fake = twilio::spawn().await.unwrap();
    let sms = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let wa = twilio_channel(&app, &a.owner_key, "twilio_whatsapp", &fake.url()).await;
    for (ch, params) in [
        (
            &sms,
            twilio::sms_params("SM1", "+1 (415) 555-0100", OUR_NUMBER, "hello by sms"),
        ),
        (
            &wa,
            twilio::whatsapp_params(
                "SM2",
                "+14155550100",
                OUR_NUMBER,
                "hello by whatsapp",
                "Dana",
            ),
        ),
    ] {
        let id = ch["id"].as_str().unwrap();
        let url = format!("{}/webhooks/twilio/{id}", app.base);
        assert_eq!(
            post_twilio(&app, id, &url, &params, false).await.status(),
            200
        );
    }
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_customers().await.unwrap(), 1);
    assert_eq!(tenant.count_messages("in").await.unwrap(), 2);
    app.stop().await;
}

pub(crate) async fn inbound_conversation(
    app: &TestApp,
    key: &str,
    ch: &Value,
    sid: &str,
) -> String {
    let id = ch["id"].as_str().unwrap();
    let url = format!("{}/webhooks/twilio/{id}", app.base);
    let params = twilio::sms_params(sid, "+14155550100", OUR_NUMBER, "hi");
    assert_eq!(
        post_twilio(app, id, &url, &params, false).await.status(),
        200
    );
    let convs: Value = app
        .get("/api/v1/conversations", key)
        .await
        .json()
        .await
        .unwrap();
    convs["items"][0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn outbox_retries_server_errors_and_fails_permanently_on_client_errors() {
    let app = spawn_app().await;
    let a = app.seed_business("Outbox").await;
    let fake = twilio::spawn().await.unwrap();
    let ch = twilio_channel(&app, &a.owner_key, "twilio_sms", &fake.url()).await;
    let conv = inbound_conversation(&app, &a.owner_key, &ch, "SM10").await;
    app.state.worker.drain().await.unwrap();

    // A 500, then success: delivered exactly once.
    fake.fail_next(
        "Messages.json",
        500,
        twilio::error_body(20500, "Internal Server Error", 500),
    );
    let r = app.post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": "Your visit is confirmed"}})).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let sent: Value = r.json().await.unwrap();
    let msg_id = sent["message_ids"][0].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while fake.message_requests().len() < 2 && std::time::Instant::now() < deadline {
        app.state.worker.drain().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        fake.message_requests().len(),
        2,
        "one failed attempt and one success"
    );
    assert_eq!(
        fake.message_requests()[1]["Body"],
        "Your visit is confirmed"
    );
    assert_eq!(fake.message_requests()[1]["To"], "+14155550100");
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    let row = tenant.get_message(msg_id.parse().unwrap()).await.unwrap();
    assert!(
        matches!(row.status.as_str(), "queued" | "sending" | "sent"),
        "{}",
        row.status
    );
    let provider_id = row
        .provider_message_id
        .clone()
        .expect("provider id recorded");
    app.state.worker.drain().await.unwrap();
    assert_eq!(fake.message_requests().len(), 2, "never sent twice");
    // A human reply paused the bot.
    let c: Value = app
        .get(&format!("/api/v1/conversations/{conv}"), &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["bot_paused"], true);

    // Status callbacks out of order end at the furthest state.
    let url = format!(
        "{}/webhooks/twilio/{}",
        app.base,
        ch["id"].as_str().unwrap()
    );
    for st in ["delivered", "sent", "queued", "read", "delivered"] {
        let p = twilio::status_params(&provider_id, st, None);
        assert_eq!(
            post_twilio(&app, ch["id"].as_str().unwrap(), &url, &p, false)
                .await
                .status(),
            200
        );
    }
    let row = tenant.get_message(msg_id.parse().unwrap()).await.unwrap();
    assert_eq!(row.status, "read");
    assert!(row.sent_at.is_some() && row.delivered_at.is_some() && row.read_at.is_some());

    // A 400 is a permanent failure with the provider's code, and is not retried.
    fake.fail_next(
        "Messages.json",
        400,
        twilio::error_body(21211, "The 'To' number is not a valid phone number.", 400),
    );
    let r = app.post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": "second"}, "idempotency_key": "k-2"})).await;
    let again = app.post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": "second"}, "idempotency_key": "k-2"})).await;
    let first: Value = r.json().await.unwrap();
    let second: Value = again.json().await.unwrap();
    assert_eq!(
        first["message_ids"], second["message_ids"],
        "idempotent send"
    );
    let before = fake.message_requests().len();
    for _ in 0..3 {
        app.state.worker.drain().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
    assert_eq!(fake.message_requests().len(), before + 1);
    let row = tenant
        .get_message(first["message_ids"][0].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    assert_eq!(row.status, "failed");
    assert_eq!(row.error_code.as_deref(), Some("21211"));
    app.stop().await;
}

#[tokio::test]
async fn meta_handshake_signature_and_statuses() {
    let app = spawn_app().await;
    let a = app.seed_business("Meta Shop").await;
    let fake = meta::spawn().await.unwrap();
    let r = app
        .post("/api/v1/channels", &a.owner_key, json!({"kind": "meta_whatsapp", "address": "106540352242922", "api_base": fake.url(),
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
    let r = app
        .post(
            "/api/v1/messages",
            &a.owner_key,
            json!({"conversation_id": conv, "content": {"type": "text", "body": "Здравствуйте!"}}),
        )
        .await;
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
    assert_eq!(row.status, "read");
    assert!(row.read_at.is_some() && row.delivered_at.is_some());
    app.stop().await;
}

#[tokio::test]
async fn telegram_secret_token_and_replies() {
    let app = spawn_app().await;
    let a = app.seed_business("Bot Shop").await;
    let fake = telegram::spawn().await.unwrap();
    let r = app.post("/api/v1/channels", &a.owner_key, json!({"kind": "telegram", "address": "demo_bot", "api_base": fake.url(), "credentials": {"bot_token": "123:ABC", "secret_token": "tg-secret"}})).await;
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
    let r = app.post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "keyboard", "text": "Pick a time", "buttons": [{"label": "10:00", "data": "slot:1"}]}})).await;
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
        app.post("/api/v1/channels", &a.owner_key, json!({"kind": "twilio_whatsapp", "address": OUR_NUMBER, "credentials": {"account_sid": "AC1", "auth_token": "t"}})).await,
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
        .post("/api/v1/channels", &a.owner_key, json!({"kind": "whatsapp_web", "address": "shop1", "api_base": fake.url(), "credentials": {"api_key": "evo-key"}}))
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
    assert!(health["last_inbound_at"].is_i64());
    app.stop().await;
}

#[tokio::test]
async fn telegram_long_polling_stores_updates_once() {
    let app = spawn_app().await;
    let a = app.seed_business("Polling Bot").await;
    let fake = telegram::spawn().await.unwrap();
    let r = app.post("/api/v1/channels", &a.owner_key, json!({"kind": "telegram", "api_base": fake.url(), "polling": true, "credentials": {"bot_token": "42:XYZ"}})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let ch: Value = r.json().await.unwrap();
    let row = app
        .store
        .tenant(a.business_id.parse().unwrap())
        .get_channel(ch["id"].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    assert!(switchboard_server::messaging::telegram_poll::is_polling(
        &row
    ));
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
    let offset = switchboard_server::messaging::telegram_poll::poll_once(&app.state, &row, None, 0)
        .await
        .unwrap();
    assert_eq!(offset, Some(7003));
    // Seen again (as after a restart without the offset): nothing is stored twice.
    switchboard_server::messaging::telegram_poll::poll_once(&app.state, &row, None, 0)
        .await
        .unwrap();
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    assert_eq!(tenant.count_messages("in").await.unwrap(), 2);
    assert_eq!(app.state.worker.drain().await.unwrap(), 2);
    app.stop().await;
}

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
        .post("/api/v1/channels", &a.owner_key, json!({"kind": "twilio_whatsapp", "address": OUR_NUMBER, "api_base": fake.url(), "send_rate_per_sec": 1,
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
        let r = app.post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": format!("part {i}")}})).await;
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
    let r = app
        .post(
            "/api/v1/messages",
            &a.owner_key,
            json!({"conversation_id": conv, "content": {"type": "text", "body": "late"}}),
        )
        .await;
    assert_error(r, 422, "whatsapp_window_closed").await;
    let r = app
        .post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "template", "name": "HX0123456789abcdef0123456789abcdef", "language": "en_US", "variables": ["Dana", "10:00"]}}))
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
    let users: Value = app
        .get("/api/v1/users", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
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
        app.post(
            "/api/v1/messages",
            &other.owner_key,
            json!({"conversation_id": conv, "content": {"type": "text", "body": "x"}}),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // Sends to one destination beyond its burst get 429 with Retry-After.
    let mut limited = None;
    for i in 0..30 {
        let r = app.post("/api/v1/messages", &a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": format!("n{i}")}})).await;
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
    let users: Value = app.get("/api/v1/users", key).await.json().await.unwrap();
    users[0]["id"].as_str().unwrap().to_string()
}
