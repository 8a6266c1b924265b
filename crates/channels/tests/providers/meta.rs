//! Meta WhatsApp Cloud client and webhooks against the fake Graph API.
use std::time::Duration;

use switchboard_channels::{InboundEvent, MetaClient, MetaCredentials, VerifyError, meta};
use switchboard_domain::message::{Button, DeliveryStatus, OutboundContent};
use switchboard_test_support::meta as fake;

use super::{http, now_ms};

fn client(api_base: &str) -> MetaClient {
    MetaClient::new(
        http(),
        MetaCredentials {
            phone_number_id: "106540352242922".into(),
            access_token: "EAAG-token".into(),
            app_secret: "app-secret".into(),
            verify_token: "verify-me".into(),
        },
    )
    .with_api_base(api_base)
}

#[tokio::test]
async fn sends_text_template_and_buttons() {
    let f = fake::spawn().await.unwrap();
    let c = client(&f.url());
    let sent = c
        .send("+16505551234", &OutboundContent::text("hello"), "out-1")
        .await
        .unwrap();
    assert!(sent.provider_message_id.starts_with("wamid."));
    c.send(
        "+16505551234",
        &OutboundContent::Template {
            name: "appointment_reminder".into(),
            language: "en_US".into(),
            variables: vec!["Ann".into(), "10:00".into()],
        },
        "out-2",
    )
    .await
    .unwrap();
    c.send(
        "+16505551234",
        &OutboundContent::Keyboard {
            text: "Pick a time".into(),
            buttons: vec![Button {
                label: "10:00".into(),
                data: "slot:1".into(),
            }],
        },
        "out-3",
    )
    .await
    .unwrap();

    let reqs = f.requests();
    assert_eq!(reqs[0].path, "/v21.0/106540352242922/messages");
    assert_eq!(reqs[0].header("authorization"), Some("Bearer EAAG-token"));
    let bodies = f.message_requests();
    assert_eq!(bodies[0]["to"], "16505551234");
    assert_eq!(bodies[0]["text"]["body"], "hello");
    assert_eq!(
        bodies[1]["template"]["components"][0]["parameters"][1]["text"],
        "10:00"
    );
    assert_eq!(
        bodies[2]["interactive"]["action"]["buttons"][0]["reply"]["id"],
        "slot:1"
    );
}

#[tokio::test]
async fn server_error_then_success() {
    let f = fake::spawn().await.unwrap();
    f.fail_next(
        "/messages",
        500,
        fake::error_body(2, "Service temporarily unavailable"),
    );
    let c = client(&f.url());
    let err = c
        .send("+16505551234", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.code(), Some("2"));
    assert!(
        c.send("+16505551234", &OutboundContent::text("x"), "k")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn permanent_error_carries_graph_code() {
    let f = fake::spawn().await.unwrap();
    f.fail_next(
        "/messages",
        400,
        fake::error_body(
            131030,
            "(#131030) Recipient phone number not in allowed list",
        ),
    );
    let err = client(&f.url())
        .send("+16505551234", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(!err.is_retryable());
    assert_eq!((err.status(), err.code()), (Some(400), Some("131030")));
}

#[tokio::test]
async fn throttling_is_retryable_even_as_a_400_and_honours_retry_after() {
    let f = fake::spawn().await.unwrap();
    f.rate_limit_next(30);
    let c = client(&f.url());
    let err = c
        .send("+16505551234", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.code(), Some("130429"));
    // Meta usually answers throttling with HTTP 400: the code alone makes it retryable.
    f.fail_next(
        "/messages",
        400,
        fake::error_body(80007, "Rate limit issues"),
    );
    assert!(
        c.send("+16505551234", &OutboundContent::text("x"), "k")
            .await
            .unwrap_err()
            .is_retryable()
    );
}

#[tokio::test]
async fn missing_token_is_permanent() {
    let f = fake::spawn().await.unwrap();
    let mut creds = client(&f.url()).credentials().clone();
    creds.access_token = String::new();
    let err = MetaClient::new(http(), creds)
        .with_api_base(f.url())
        .send("+16505551234", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert_eq!((err.is_retryable(), err.code()), (false, Some("190")));
}

#[test]
fn webhooks_signed_by_the_fake_verify_and_parse() {
    let payload = fake::text_message("106540352242922", "16505551234", "Ann", "wamid.A1", "Hi");
    let body = payload.to_string();
    let header = fake::signed_payload("app-secret", body.as_bytes());
    assert_eq!(
        meta::verify_signature("app-secret", body.as_bytes(), Some(&header)),
        Ok(())
    );
    assert_eq!(
        meta::verify_signature("app-secret", b"{}", Some(&header)),
        Err(VerifyError::Mismatch)
    );
    let events = meta::parse_webhook(body.as_bytes(), now_ms()).unwrap();
    match &events[..] {
        [InboundEvent::Message(m)] => {
            assert_eq!(m.provider_message_id, "wamid.A1");
            assert_eq!(m.profile_name.as_deref(), Some("Ann"));
            assert_eq!(m.to.as_deref(), Some("106540352242922"));
        }
        other => panic!("{other:?}"),
    }
    let press = fake::button_reply("1", "16505551234", "wamid.B", "slot:1", "10:00");
    match &meta::parse_webhook(press.to_string().as_bytes(), now_ms()).unwrap()[..] {
        [InboundEvent::Message(m)] => assert_eq!(m.button_payload.as_deref(), Some("slot:1")),
        other => panic!("{other:?}"),
    }
    let failed = fake::status(
        "1",
        "wamid.A1",
        "failed",
        Some((131047, "Re-engagement message")),
    );
    match &meta::parse_webhook(failed.to_string().as_bytes(), now_ms()).unwrap()[..] {
        [InboundEvent::Status(s)] => {
            assert_eq!(s.status, DeliveryStatus::Failed);
            assert_eq!(s.error_code.as_deref(), Some("131047"));
        }
        other => panic!("{other:?}"),
    }
    let q = fake::handshake_query("verify-me", "1158201444");
    assert_eq!(
        meta::verify_handshake_query("verify-me", &q),
        Some("1158201444".into())
    );
    assert_eq!(meta::verify_handshake_query("wrong", &q), None);
}
