//! Twilio client and webhooks against the fake Twilio.
use std::time::Duration;

use switchboard_channels::{
    InboundEvent, SendError, Sender, TwilioClient, TwilioCredentials, VerifyError, error::codes,
    twilio,
};
use switchboard_domain::message::{ChannelKind, DeliveryStatus, OutboundContent};
use switchboard_test_support::twilio as fake;

use super::{http, now_ms};

fn client(api_base: &str, kind: ChannelKind) -> TwilioClient {
    TwilioClient::new(
        http(),
        TwilioCredentials {
            account_sid: "AC0123".into(),
            auth_token: "secret-token".into(),
            from: Some("+18005551212".into()),
            messaging_service_sid: None,
        },
        kind,
    )
    .with_api_base(api_base)
    .with_status_callback("https://sb.example/webhooks/twilio/status")
}

#[tokio::test]
async fn sends_sms_and_whatsapp() {
    let f = fake::spawn().await.unwrap();
    let sms = client(&f.url(), ChannelKind::TwilioSms);
    let sent = sms
        .send(
            "+1 415 555 0100",
            &OutboundContent::text("Your visit is at 10:00"),
            "out-1",
        )
        .await
        .unwrap();
    assert!(sent.provider_message_id.starts_with("SM"));
    assert_eq!(sent.status, Some(DeliveryStatus::Queued));

    let wa = Sender::Twilio(client(&f.url(), ChannelKind::TwilioWhatsapp));
    assert_eq!(wa.kind(), ChannelKind::TwilioWhatsapp);
    wa.send("+14155550100", &OutboundContent::text("hi"), "out-2")
        .await
        .unwrap();

    let reqs = f.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].path, "/2010-04-01/Accounts/AC0123/Messages.json");
    assert!(
        reqs[0]
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    let forms = f.message_requests();
    assert_eq!(forms[0]["To"], "+14155550100");
    assert_eq!(forms[0]["Body"], "Your visit is at 10:00");
    assert_eq!(
        forms[0]["StatusCallback"],
        "https://sb.example/webhooks/twilio/status"
    );
    assert_eq!(forms[1]["To"], "whatsapp:+14155550100");
    assert_eq!(forms[1]["From"], "whatsapp:+18005551212");
}

#[tokio::test]
async fn server_error_is_retryable_then_succeeds() {
    let f = fake::spawn().await.unwrap();
    f.fail_next(
        "Messages.json",
        500,
        fake::error_body(20500, "Internal Server Error", 500),
    );
    let c = client(&f.url(), ChannelKind::TwilioSms);
    let err = c
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert_eq!((err.status(), err.code()), (Some(500), Some("20500")));
    let ok = c
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await;
    assert!(ok.is_ok());
}

#[tokio::test]
async fn invalid_number_is_permanent_with_twilio_code() {
    let f = fake::spawn().await.unwrap();
    f.fail_next(
        "Messages.json",
        400,
        fake::error_body(21211, "Invalid 'To' Phone Number: +1415555", 400),
    );
    let err = client(&f.url(), ChannelKind::TwilioSms)
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    match err {
        SendError::Permanent {
            status,
            code,
            message,
        } => {
            assert_eq!(status, Some(400));
            assert_eq!(code.as_deref(), Some("21211"));
            assert!(message.contains("Invalid 'To'"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let f = fake::spawn().await.unwrap();
    f.rate_limit_next(7);
    let err = client(&f.url(), ChannelKind::TwilioSms)
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.code(), Some("20429"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn wrong_credentials_are_permanent() {
    let f = fake::spawn().await.unwrap();
    let mut creds = client(&f.url(), ChannelKind::TwilioSms)
        .credentials()
        .clone();
    creds.auth_token = String::new();
    let c = TwilioClient::new(http(), creds, ChannelKind::TwilioSms).with_api_base(f.url());
    let err = c
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert_eq!((err.is_retryable(), err.code()), (false, Some("20003")));
}

#[tokio::test]
async fn unreachable_provider_is_a_retryable_connect_error() {
    // Bind and drop a listener to get a local port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = client(&format!("http://127.0.0.1:{port}"), ChannelKind::TwilioSms)
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.code(), Some(codes::CONNECT));
    assert!(!err.may_have_been_sent());
}

#[test]
fn webhooks_signed_by_the_fake_verify_and_parse() {
    let url = "https://sb.example/webhooks/twilio/sms?channel=abc";
    let params = fake::whatsapp_params("SM1", "+14155550100", "+14155238886", "Hello", "Ann");
    let (sig, body) = fake::signed_sms_webhook("secret-token", url, &params);
    assert_eq!(
        twilio::verify_webhook("secret-token", url, body.as_bytes(), Some(&sig)),
        Ok(())
    );
    // Behind a proxy that adds the default port, the same signature still holds.
    let with_port = "https://sb.example:443/webhooks/twilio/sms?channel=abc";
    assert_eq!(
        twilio::verify_webhook("secret-token", with_port, body.as_bytes(), Some(&sig)),
        Ok(())
    );
    assert_eq!(
        twilio::verify_webhook("other-token", url, body.as_bytes(), Some(&sig)),
        Err(VerifyError::Mismatch)
    );
    let forged = body.replace("Hello", "Hacked");
    assert_eq!(
        twilio::verify_webhook("secret-token", url, forged.as_bytes(), Some(&sig)),
        Err(VerifyError::Mismatch)
    );
    match twilio::parse_webhook(body.as_bytes(), now_ms()).unwrap() {
        InboundEvent::Message(m) => {
            assert_eq!(m.channel, ChannelKind::TwilioWhatsapp);
            assert_eq!(m.from.value(), "+14155550100");
            assert_eq!(m.profile_name.as_deref(), Some("Ann"));
        }
        other => panic!("{other:?}"),
    }

    let (sig, body) = fake::signed_sms_webhook(
        "secret-token",
        url,
        &fake::status_params("SM9", "undelivered", Some("30003")),
    );
    assert_eq!(
        twilio::verify_webhook("secret-token", url, body.as_bytes(), Some(&sig)),
        Ok(())
    );
    match twilio::parse_webhook(body.as_bytes(), now_ms()).unwrap() {
        InboundEvent::Status(s) => {
            assert_eq!(s.status, DeliveryStatus::Undelivered);
            assert_eq!(s.error_code.as_deref(), Some("30003"));
        }
        other => panic!("{other:?}"),
    }

    let json = r#"{"event":"x"}"#;
    let (json_url, sig) = fake::signed_json_webhook("secret-token", url, json);
    assert_eq!(
        twilio::verify_webhook("secret-token", &json_url, json.as_bytes(), Some(&sig)),
        Ok(())
    );
}
