//! Telegram client, long polling and webhooks against the fake Bot API.
use std::time::Duration;

use switchboard_channels::{
    InboundEvent, Sender, TelegramClient, TelegramCredentials, VerifyError, telegram,
};
use switchboard_domain::message::{Button, ChannelKind, OutboundContent};
use switchboard_test_support::telegram as fake;

use super::{http, now_ms};

fn client(api_base: &str) -> TelegramClient {
    TelegramClient::new(
        http(),
        TelegramCredentials {
            bot_token: "123456:ABC-DEF".into(),
            secret_token: "tg-secret".into(),
        },
    )
    .with_api_base(api_base)
}

#[tokio::test]
async fn sends_keyboards_and_media() {
    let f = fake::spawn().await.unwrap();
    let s = Sender::Telegram(client(&f.url()));
    assert_eq!(s.kind(), ChannelKind::Telegram);
    let sent = s
        .send(
            "4242",
            &OutboundContent::Keyboard {
                text: "Pick a time".into(),
                buttons: vec![
                    Button {
                        label: "10:00".into(),
                        data: "slot:1".into(),
                    },
                    Button {
                        label: "11:30".into(),
                        data: "slot:2".into(),
                    },
                ],
            },
            "out-1",
        )
        .await
        .unwrap();
    assert_eq!(sent.provider_message_id, "4242:101");
    s.send(
        "4242",
        &OutboundContent::Media {
            url: "https://x.example/menu.jpg".into(),
            caption: Some("Menu".into()),
            content_type: None,
        },
        "out-2",
    )
    .await
    .unwrap();
    let reqs = f.requests();
    assert_eq!(reqs[0].path, "/bot123456:ABC-DEF/sendMessage");
    assert_eq!(reqs[1].path, "/bot123456:ABC-DEF/sendPhoto");
    let sent = f.sent();
    assert_eq!(
        sent[0]["reply_markup"]["inline_keyboard"][1][0]["callback_data"],
        "slot:2"
    );
    assert_eq!(sent[1]["photo"], "https://x.example/menu.jpg");
}

#[tokio::test]
async fn server_error_then_success() {
    let f = fake::spawn().await.unwrap();
    f.fail_next("sendMessage", 502, fake::error_body(502, "Bad Gateway"));
    let c = client(&f.url());
    let err = c
        .send("1", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(502));
    assert!(c.send("1", &OutboundContent::text("x"), "k").await.is_ok());
}

#[tokio::test]
async fn blocked_user_is_permanent_with_description() {
    let f = fake::spawn().await.unwrap();
    f.block_chat(99);
    let err = client(&f.url())
        .send("99", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(!err.is_retryable());
    assert_eq!(err.code(), Some("403"));
    assert_eq!(err.message(), "Forbidden: bot was blocked by the user");
}

#[tokio::test]
async fn flood_control_carries_retry_after() {
    let f = fake::spawn().await.unwrap();
    f.rate_limit_next(12);
    let err = client(&f.url())
        .send("1", &OutboundContent::text("x"), "k")
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.code(), Some("429"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(12)));
}

#[tokio::test]
async fn webhook_registration_and_callback_answers() {
    let f = fake::spawn().await.unwrap();
    let c = client(&f.url());
    c.set_webhook("https://sb.example/webhooks/telegram/abc")
        .await
        .unwrap();
    let hook = f.webhook().unwrap();
    assert_eq!(hook.secret_token.as_deref(), Some("tg-secret"));
    assert_eq!(
        f.requests()[0].json()["allowed_updates"],
        serde_json::json!(["message", "callback_query"])
    );
    // While a webhook is set, long polling is refused: a permanent 409.
    let err = c.get_updates(None, 0).await.unwrap_err();
    assert_eq!((err.status(), err.is_retryable()), (Some(409), false));
    c.delete_webhook(false).await.unwrap();
    assert!(f.webhook().is_none());
    c.answer_callback_query("cb-1", Some("Booked"))
        .await
        .unwrap();
}

#[tokio::test]
async fn long_polling_delivers_and_confirms_updates() {
    let f = fake::spawn().await.unwrap();
    let c = client(&f.url());
    f.push_update(fake::text_update(0, 42, "Ann", Some("ann"), "Hi"));
    let first = c.get_updates(None, 0).await.unwrap();
    assert_eq!(first.len(), 1);
    match &first[0].event {
        Some(InboundEvent::Message(m)) => assert_eq!(m.text.as_deref(), Some("Hi")),
        other => panic!("{other:?}"),
    }
    let offset = telegram::next_offset(&first, None);

    // A poll that is waiting gets an update pushed while it waits.
    let pusher = {
        let update = fake::callback_update(0, 42, "cb-9", "slot:1");
        let started = std::time::Instant::now();
        let asked = f.requests().len();
        let poll = c.get_updates(offset, 5);
        tokio::pin!(poll);
        // Push only once the fake holds the poll open.
        let poll_arrived = async {
            while f.requests().len() == asked {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::select! {
            _ = &mut poll => panic!("returned before any update"),
            _ = poll_arrived => {}
        }
        f.push_update(update);
        let got = poll.await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(4));
        got
    };
    assert_eq!(
        pusher.len(),
        1,
        "the confirmed update is not delivered again"
    );
    match &pusher[0].event {
        Some(InboundEvent::Message(m)) => {
            assert_eq!(m.button_payload.as_deref(), Some("slot:1"));
            assert_eq!(m.callback_id.as_deref(), Some("cb-9"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn webhook_secret_and_parsing() {
    let (name, value) = fake::webhook_header("tg-secret");
    assert_eq!(name, telegram::SECRET_HEADER);
    assert_eq!(
        telegram::verify_secret_token("tg-secret", Some(&value)),
        Ok(())
    );
    assert_eq!(
        telegram::verify_secret_token("tg-secret", Some("guess")),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        telegram::verify_secret_token("tg-secret", None),
        Err(VerifyError::Missing)
    );
    let body = fake::photo_update(77, 42, "FILE", Some("my nails")).to_string();
    match telegram::parse_update(body.as_bytes(), now_ms()).unwrap() {
        Some(InboundEvent::Message(m)) => {
            assert_eq!(m.provider_message_id, "77");
            assert_eq!(m.media[0].provider_media_id.as_deref(), Some("FILE"));
            assert_eq!(m.text.as_deref(), Some("my nails"));
        }
        other => panic!("{other:?}"),
    }
}
