//! Messaging end to end over real HTTP: provider webhooks (verified, idempotent), the outbox
//! against fake providers (retries, permanent failures), status callbacks, conversations.
use serde_json::{Value, json};
use switchboard_test_support::twilio;

use crate::helpers::{TestApp, assert_error, spawn_app, spawn_app_with};

pub(crate) const TOKEN: &str = "twilio-auth-token-1234";
pub(crate) const OUR_NUMBER: &str = "+14155559999";

pub(crate) async fn twilio_channel(app: &TestApp, key: &str, kind: &str, api_base: &str) -> Value {
    let r = app
        .create_channel(key,
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
    assert!(
        full["messages"][0]["processed_at"]
            .as_str()
            .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
    );
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
    let r = app
        .post_text(&a.owner_key, &conv, "Your visit is confirmed")
        .await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let sent: Value = r.json().await.unwrap();
    let msg_id = sent["message_ids"][0].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while fake.message_requests().len() < 2 && std::time::Instant::now() < deadline {
        app.state.worker.drain().await.unwrap();
        app.clock.advance(std::time::Duration::from_millis(20));
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
        matches!(
            row.status,
            switchboard_store::messaging::MessageStatus::Queued
                | switchboard_store::messaging::MessageStatus::Sending
                | switchboard_store::messaging::MessageStatus::Sent
        ),
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
    assert_eq!(
        row.status,
        switchboard_store::messaging::MessageStatus::Read
    );
    assert!(row.sent_at.is_some() && row.delivered_at.is_some() && row.read_at.is_some());

    // A 400 is a permanent failure with the provider's code, and is not retried.
    fake.fail_next(
        "Messages.json",
        400,
        twilio::error_body(21211, "The 'To' number is not a valid phone number.", 400),
    );
    let r = app.post_message(&a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": "second"}, "idempotency_key": "k-2"})).await;
    let again = app.post_message(&a.owner_key, json!({"conversation_id": conv, "content": {"type": "text", "body": "second"}, "idempotency_key": "k-2"})).await;
    let first: Value = r.json().await.unwrap();
    let second: Value = again.json().await.unwrap();
    assert_eq!(
        first["message_ids"], second["message_ids"],
        "idempotent send"
    );
    let before = fake.message_requests().len();
    for _ in 0..3 {
        app.state.worker.drain().await.unwrap();
        app.clock.advance(std::time::Duration::from_millis(60));
    }
    assert_eq!(fake.message_requests().len(), before + 1);
    let row = tenant
        .get_message(first["message_ids"][0].as_str().unwrap().parse().unwrap())
        .await
        .unwrap();
    assert_eq!(
        row.status,
        switchboard_store::messaging::MessageStatus::Failed
    );
    assert_eq!(row.error_code.as_deref(), Some("21211"));
    app.stop().await;
}
