//! Customers' real mobile numbers through every provider path: a message from an Israeli,
//! Russian, Ukrainian, Kazakh, German, British or US number (Twilio's magic test numbers and
//! fictional 555-01xx included) is stored under its E.164 number, answered and can book; the
//! same numbers typed by staff book through the API.
use serde_json::{Value, json};
use switchboard_domain::{PhoneE164, message::Identity};

use crate::calendar::{at, salon, tomorrow};
use crate::chat::{Channel, Path, agent_settings, booked};
use crate::helpers::{TestApp, spawn_app};

/// Real-format mobiles of the markets served (the first is the reported Israeli 52-1 range,
/// which libphonenumber's range tables miss).
const MOBILES: &[&str] = &[
    "+972521234567",
    "+972541234567",
    "+79123456789",
    "+380671234567",
    "+77011234567",
    "+4915123456789",
    "+447700900123",
    "+15005550006",
];

async fn agent_salon(app: &TestApp) -> (String, String) {
    let a = app
        .seed_agent_business("Phone Salon", "America/New_York")
        .await;
    salon(app, &a.owner_key).await;
    agent_settings(app, &a.owner_key, json!({"burst_ms": 0})).await;
    (a.business_id, a.owner_key)
}

/// Each number writes, is answered, picks the first free time and confirms it; the booking
/// belongs to the customer stored under that exact number.
async fn every_number_is_stored_answered_and_bookable(path: Path) {
    let app = spawn_app().await;
    let (biz, key) = agent_salon(&app).await;
    let channel = Channel::open(&app, &key, path).await;
    let tenant = app.store.tenant(biz.parse().unwrap());
    for (i, number) in MOBILES.iter().enumerate() {
        let reply = channel
            .say(&app, number, "Can I book a haircut tomorrow?")
            .await;
        assert!(reply.contains("Haircut"), "{number} got: {reply:?}");
        let reply = channel.say(&app, number, "1").await;
        assert!(!reply.is_empty(), "{number} got no proposal");
        channel.say(&app, number, "yes").await;
        let customer = tenant
            .find_customer(&Identity::Phone(PhoneE164::from_provider(number).unwrap()))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{number} is not stored as a phone identity"));
        let all = booked(&app, &key).await;
        assert_eq!(all.len(), i + 1, "{number} did not book");
        assert!(
            all.iter().any(|a| a["customer_id"] == customer.to_string()),
            "the booking of {number} belongs to someone else"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn twilio_sms_from_every_market_is_stored_answered_and_bookable() {
    every_number_is_stored_answered_and_bookable(Path::TwilioSms).await;
}

#[tokio::test]
async fn twilio_whatsapp_from_every_market_is_stored_answered_and_bookable() {
    every_number_is_stored_answered_and_bookable(Path::TwilioWhatsapp).await;
}

#[tokio::test]
async fn meta_whatsapp_from_every_market_is_stored_answered_and_bookable() {
    every_number_is_stored_answered_and_bookable(Path::Meta).await;
}

#[tokio::test]
async fn a_sender_that_is_not_a_phone_number_is_kept_not_refused() {
    let app = spawn_app().await;
    let (biz, key) = agent_salon(&app).await;
    let channel = Channel::open(&app, &key, Path::TwilioSms).await;
    channel.deliver(&app, "MyShop", "hello").await;
    let tenant = app.store.tenant(biz.parse().unwrap());
    assert!(
        tenant
            .find_customer(&Identity::Raw("MyShop".into()))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(tenant.count_messages("in").await.unwrap(), 1);
    app.stop().await;
}

#[tokio::test]
async fn numbers_typed_by_staff_book_for_every_market() {
    let app = spawn_app().await;
    let a = app.seed_business("Typed Salon").await;
    let (haircut, _) = salon(&app, &a.owner_key).await;
    let tz = crate::calendar::TZ.parse().unwrap();
    let typed = [
        "+972 52-123-4567",
        "+972 58-123-4567",
        "+7 912 345-67-89",
        "+380 67 123 4567",
        "+7 727 123 4567",
        "+49 151 23456789",
        "+44 7700 900123",
        "+1 (212) 555-0123",
    ];
    for (i, phone) in typed.iter().enumerate() {
        let r = app
            .book(
                &a.owner_key,
                json!({"service_id": haircut, "start": at(tz, tomorrow(tz), 9 + i as u32),
                       "customer_phone": phone, "customer_name": "Dana"}),
            )
            .await;
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{phone}: {body}");
    }
    let r = app
        .book(
            &a.owner_key,
            json!({"service_id": haircut, "start": at(tz, tomorrow(tz), 17),
                   "customer_phone": "+972 52-123-45"}),
        )
        .await;
    crate::helpers::assert_error(r, 422, "validation_failed").await;
    app.stop().await;
}
