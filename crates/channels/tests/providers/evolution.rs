//! WhatsApp Web bridge client and webhooks against the fake Evolution API.
use switchboard_channels::{
    EvolutionClient, EvolutionCredentials, InboundEvent, Sender, VerifyError,
    evolution::{self, ConnectResult, ConnectionState},
};
use switchboard_domain::message::{DeliveryStatus, OutboundContent};
use switchboard_test_support::evolution as fake;

use super::{http, now_ms};

fn client(api_base: &str) -> EvolutionClient {
    EvolutionClient::new(
        http(),
        api_base,
        EvolutionCredentials {
            instance: "shop-1".into(),
            api_key: "bridge-key".into(),
            webhook_secret: "hook-secret".into(),
        },
    )
}

#[tokio::test]
async fn sends_text_and_media() {
    let f = fake::spawn().await.unwrap();
    f.require_api_key("bridge-key");
    let s = Sender::Evolution(client(&f.url()));
    let sent = s
        .send("+14155550100", &OutboundContent::text("Hi Ann"), "out-1")
        .await
        .unwrap();
    assert!(sent.provider_message_id.starts_with("3EB0"));
    assert_eq!(sent.status, Some(DeliveryStatus::Sending));
    s.send(
        "+14155550100",
        &OutboundContent::Media {
            url: "https://x.example/price.pdf".into(),
            caption: None,
            content_type: Some("application/pdf".into()),
        },
        "out-2",
    )
    .await
    .unwrap();
    let reqs = f.requests();
    assert_eq!(reqs[0].path, "/message/sendText/shop-1");
    assert_eq!(reqs[0].header("apikey"), Some("bridge-key"));
    assert_eq!(
        f.sent()[0],
        serde_json::json!({"number": "14155550100", "text": "Hi Ann"})
    );
    assert_eq!(reqs[1].path, "/message/sendMedia/shop-1");
    assert_eq!(f.sent()[1]["mediatype"], "document");
}

#[tokio::test]
async fn closed_session_is_retryable_then_succeeds() {
    let f = fake::spawn().await.unwrap();
    f.set_state("shop-1", "close");
    let c = client(&f.url());
    let err = c
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.message(), "Connection Closed");
    f.set_state("shop-1", "open");
    assert!(
        c.send("+14155550100", &OutboundContent::text("x"), "k")
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn number_without_whatsapp_is_permanent() {
    let f = fake::spawn().await.unwrap();
    f.mark_not_on_whatsapp("14155550199");
    let err = client(&f.url())
        .send("+14155550199", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(!err.is_retryable());
    assert_eq!(
        (err.status(), err.code()),
        (Some(400), Some(evolution::NOT_ON_WHATSAPP))
    );
}

#[tokio::test]
async fn wrong_api_key_is_permanent() {
    let f = fake::spawn().await.unwrap();
    f.require_api_key("other");
    let err = client(&f.url())
        .send("+14155550100", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.is_retryable()), (Some(401), false));
}

#[tokio::test]
async fn webhook_registration_state_pairing_and_logout() {
    let f = fake::spawn().await.unwrap();
    let c = client(&f.url());
    c.set_webhook("https://sb.example/webhooks/evolution/abc")
        .await
        .unwrap();
    let body = f.requests()[0].json();
    assert_eq!(
        body["webhook"]["headers"]["x-switchboard-secret"],
        "hook-secret"
    );
    assert_eq!(body["webhook"]["byEvents"], false);
    assert_eq!(body["webhook"]["events"][0], "MESSAGES_UPSERT");
    assert_eq!(
        f.webhook("shop-1").unwrap()["url"],
        "https://sb.example/webhooks/evolution/abc"
    );

    assert_eq!(c.connection_state().await.unwrap(), ConnectionState::Open);
    assert_eq!(c.connect(None).await.unwrap(), ConnectResult::AlreadyOpen);
    c.logout().await.unwrap();
    assert_eq!(c.connection_state().await.unwrap(), ConnectionState::Close);
    match c.connect(Some("14155550100")).await.unwrap() {
        ConnectResult::Qr(qr) => {
            assert!(qr.base64.starts_with("data:image/png;base64,"));
            assert_eq!(qr.pairing_code.as_deref(), Some("WZYEH1YY"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        f.requests()
            .iter()
            .any(|r| r.path == "/instance/connect/shop-1?number=14155550100")
    );
    assert_eq!(
        c.connection_state().await.unwrap(),
        ConnectionState::Connecting
    );
}

#[test]
fn events_built_by_the_fake_verify_and_parse() {
    let (name, value) = fake::secret_header("hook-secret");
    assert_eq!(name, evolution::SECRET_HEADER);
    assert_eq!(
        evolution::verify_secret("hook-secret", Some(&value)),
        Ok(())
    );
    assert_eq!(
        evolution::verify_secret("hook-secret", Some("x")),
        Err(VerifyError::Mismatch)
    );

    let parse = |v: serde_json::Value| {
        evolution::parse_webhook(v.to_string().as_bytes(), now_ms()).unwrap()
    };
    match &parse(fake::text_upsert(
        "shop-1",
        "14155550100@s.whatsapp.net",
        "K1",
        "Ann",
        "Hi",
    ))[..]
    {
        [InboundEvent::Message(m)] => {
            assert_eq!(m.provider_message_id, "K1");
            assert_eq!(m.from.value(), "+14155550100");
        }
        other => panic!("{other:?}"),
    }
    match &parse(fake::status_update("shop-1", "K2", "READ"))[..] {
        [InboundEvent::Status(s)] => assert_eq!(s.status, DeliveryStatus::Read),
        other => panic!("{other:?}"),
    }
    match &parse(fake::connection_update("shop-1", "open"))[..] {
        [InboundEvent::Connection(c)] => assert_eq!(c.state, ConnectionState::Open),
        other => panic!("{other:?}"),
    }
    match &parse(fake::qrcode_updated("shop-1", fake::QR_PNG_DATA_URL))[..] {
        [InboundEvent::QrCode(q)] => assert_eq!(q.base64, fake::QR_PNG_DATA_URL),
        other => panic!("{other:?}"),
    }
}
