//! Customer-facing texts in the customer's language through the real paths: opening hours
//! derived from staff hours with the language's weekday names from the business's first
//! working day, closed times answered as closed, and the pay page of a Hebrew business.
use serde_json::{Value, json};
use switchboard_test_support::telegram;

use crate::helpers::{ADMIN, Seeded, TestApp, spawn_app};

/// A Jerusalem salon open Sunday to Thursday 9:00–18:00, its agent answering over Telegram
/// with no burst wait. Returns the business and its Telegram channel id.
async fn sunday_to_thursday_salon(
    app: &TestApp,
    fake: &telegram::FakeTelegram,
) -> (Seeded, String) {
    let a = app
        .seed_agent_business("Salon Dana", "Asia/Jerusalem")
        .await;
    let key = a.owner_key.as_str();
    let r = app
        .create_service(
            key,
            json!({"names": {"en": "Haircut", "ru": "Стрижка", "he": "תספורת"}, "duration_min": 60,
                   "price_minor": 12000, "currency": "ILS"}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let haircut: Value = r.json().await.unwrap();
    let day = json!([{"start": "09:00", "end": "18:00"}]);
    let hours = json!({"sun": day, "mon": day, "tue": day, "wed": day, "thu": day});
    let r = app
        .create_staff(
            key,
            json!({"name": "Dana", "hours": hours, "service_ids": [haircut["id"]]}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/agent",
            Some(key),
            Some(json!({"burst_ms": 0})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = app
        .create_channel(key, json!({"kind": "telegram", "address": "dana_bot", "api_base": fake.url(), "credentials": {"bot_token": "123:ABC", "secret_token": "tg-secret"}}))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let ch: Value = r.json().await.unwrap();
    let id = ch["id"].as_str().unwrap().to_string();
    (a, id)
}

/// Sends one Telegram message and returns the bot's answer to it.
async fn say(app: &TestApp, fake: &telegram::FakeTelegram, channel: &str, text: &str) -> String {
    let before = fake.sent().len();
    let update_id = 900 + i64::try_from(before).unwrap();
    let r = app
        .client
        .post(app.url(&format!("/webhooks/telegram/{channel}")))
        .header("content-type", "application/json")
        .header("x-telegram-bot-api-secret-token", "tg-secret")
        .body(telegram::text_update(update_id, 777, "Dana", Some("dana"), text).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.state.worker.drain().await.unwrap();
    fake.sent()[before..]
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn hebrew_hours_use_hebrew_weekday_names_from_sunday() {
    let app = spawn_app().await;
    let fake = telegram::spawn().await.unwrap();
    let (_, channel) = sunday_to_thursday_salon(&app, &fake).await;
    let reply = say(&app, &fake, &channel, "מה שעות הפתיחה?").await;
    assert!(
        reply.contains("יום ראשון–יום חמישי: 9:00–18:00\nיום שישי–יום שבת: סגור"),
        "{reply}"
    );
    app.stop().await;
}

#[tokio::test]
async fn russian_hours_use_russian_weekday_names_from_sunday() {
    let app = spawn_app().await;
    let fake = telegram::spawn().await.unwrap();
    let (_, channel) = sunday_to_thursday_salon(&app, &fake).await;
    let reply = say(&app, &fake, &channel, "Какой у вас режим работы?").await;
    assert!(
        reply.contains("воскресенье – четверг: 09:00–18:00\nпятница – суббота: выходной"),
        "{reply}"
    );
    app.stop().await;
}

#[tokio::test]
async fn english_hours_use_the_12_hour_clock_from_sunday() {
    let app = spawn_app().await;
    let fake = telegram::spawn().await.unwrap();
    let (_, channel) = sunday_to_thursday_salon(&app, &fake).await;
    let reply = say(&app, &fake, &channel, "what are your opening hours?").await;
    assert!(
        reply.contains("Sunday–Thursday: 9:00 AM – 6:00 PM\nFriday–Saturday: closed"),
        "{reply}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_request_for_a_closed_day_is_answered_as_closed() {
    let app = spawn_app().await;
    let fake = telegram::spawn().await.unwrap();
    let (a, channel) = sunday_to_thursday_salon(&app, &fake).await;
    let reply = say(&app, &fake, &channel, "תספורת ביום שבת בשעה 12:00").await;
    assert!(
        reply.starts_with("מצטערים, אנחנו סגורים ביום שבת,"),
        "{reply}"
    );
    assert!(
        reply.contains("1) "),
        "the nearest open times are offered: {reply}"
    );
    let r = app.get("/api/v1/appointments", &a.owner_key).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Vec<Value>>().await.unwrap(), Vec::<Value>::new());
    app.stop().await;
}

#[tokio::test]
async fn the_pay_page_of_a_hebrew_business_is_in_hebrew() {
    let app = spawn_app().await;
    let a = app.seed_business("Salon Dana").await;
    let r = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/businesses/{}", a.business_id),
            Some(ADMIN),
            Some(json!({"default_language": "he"})),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let page = app
        .client
        .get(app.url(&format!("/pay/{}", a.business_id)))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for needle in [
        "lang=\"he\" dir=\"rtl\"",
        "<title>טעינת יתרה — Salon Dana</title>",
        "מספר טלפון",
        ">לתשלום</button>",
        "10.00 $",
    ] {
        assert!(html.contains(needle), "missing {needle:?} in\n{html}");
    }
    assert!(!html.contains("Top up"), "{html}");
    app.stop().await;
}
