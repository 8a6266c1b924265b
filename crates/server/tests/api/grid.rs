//! The start-time grid: by default a service can start at any free quarter-hour after opening,
//! whatever its duration; the grid is set per business and per service; a start that is off
//! the grid or outside the hours is a 422 with its own code, never `slot_taken`.
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::calendar::{TZ, all_week, tomorrow};
use crate::chat::{Channel, Path, agent_settings, booked};
use crate::helpers::{Seeded, TestApp, assert_error, spawn_app};

/// Local `date hh:mm` in `tz`, as UTC.
fn at_hm(tz: Tz, date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    tz.from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// A 45-minute manicure with no step of its own, and Lena, who works 09:00-18:00 every day.
async fn manicure(app: &TestApp, key: &str) -> String {
    let r = app
        .create_service(
            key,
            json!({"names": {"en": "Manicure", "ru": "Маникюр", "he": "מניקור"}, "duration_min": 45,
                   "price_minor": 3000, "currency": "USD"}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let service: Value = r.json().await.unwrap();
    let id = service["id"].as_str().unwrap().to_string();
    assert_eq!(
        service["step_min"],
        Value::Null,
        "no step: the business grid"
    );
    let r = app
        .create_staff(
            key,
            json!({"name": "Lena", "hours": all_week("09:00", "18:00"), "service_ids": [id]}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    id
}

async fn setup() -> (TestApp, Seeded, String, Tz) {
    let app = spawn_app().await;
    let a = app.seed_business("Grid Salon").await;
    let service = manicure(&app, &a.owner_key).await;
    (app, a, service, TZ.parse().unwrap())
}

async fn book(app: &TestApp, key: &str, service: &str, start: DateTime<Utc>) -> reqwest::Response {
    app.book(
        key,
        json!({"service_id": service, "start": start, "customer_phone": "+12125550123"}),
    )
    .await
}

async fn local_starts(app: &TestApp, key: &str, service: &str, day: NaiveDate) -> Vec<String> {
    let r = app
        .get(
            &format!("/api/v1/slots?service={service}&from={day}&to={day}"),
            key,
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start_local"].as_str().unwrap()[11..].to_string())
        .collect()
}

#[tokio::test]
async fn a_service_offers_every_free_quarter_hour_by_default() {
    let (app, a, service, tz) = setup().await;
    let starts = local_starts(&app, &a.owner_key, &service, tomorrow(tz)).await;
    // 09:00 to 17:15 (the last start that ends by 18:00), every 15 minutes.
    assert_eq!(starts.len(), 34, "{starts:?}");
    for t in ["09:00", "09:15", "11:00", "11:45", "17:15"] {
        assert!(starts.contains(&t.to_string()), "{t} missing in {starts:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_booking_at_a_free_quarter_hour_succeeds() {
    let (app, a, service, tz) = setup().await;
    let r = book(&app, &a.owner_key, &service, at_hm(tz, tomorrow(tz), 11, 0)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    app.stop().await;
}

#[tokio::test]
async fn a_booking_off_the_grid_is_422_off_grid() {
    let (app, a, service, tz) = setup().await;
    let r = book(
        &app,
        &a.owner_key,
        &service,
        at_hm(tz, tomorrow(tz), 11, 10),
    )
    .await;
    assert_error(r, 422, "off_grid").await;
    assert!(booked(&app, &a.owner_key).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_booking_outside_the_hours_is_422_outside_hours() {
    let (app, a, service, tz) = setup().await;
    let day = tomorrow(tz);
    // Before opening, after closing, and a start whose appointment would run past closing.
    for (h, m) in [(7, 0), (20, 0), (17, 30)] {
        let r = book(&app, &a.owner_key, &service, at_hm(tz, day, h, m)).await;
        assert_error(r, 422, "outside_hours").await;
    }
    app.stop().await;
}

#[tokio::test]
async fn a_booked_start_is_still_409_slot_taken() {
    let (app, a, service, tz) = setup().await;
    let start = at_hm(tz, tomorrow(tz), 11, 0);
    assert_eq!(
        book(&app, &a.owner_key, &service, start).await.status(),
        201
    );
    let r = book(&app, &a.owner_key, &service, start + Duration::minutes(15)).await;
    assert_error(r, 409, "slot_taken").await;
    app.stop().await;
}

#[tokio::test]
async fn the_grid_is_set_per_business_and_per_service() {
    let (app, a, service, tz) = setup().await;
    let key = &a.owner_key;
    let day = tomorrow(tz);
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            key,
            json!({"slot_step_min": 7}),
        )
        .await;
    assert_error(r, 422, "validation_failed").await;
    let r = app
        .patch(
            &format!("/api/v1/businesses/{}", a.business_id),
            key,
            json!({"slot_step_min": 30}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["slot_step_min"], 30);
    let starts = local_starts(&app, key, &service, day).await;
    assert_eq!(starts[..3], ["09:00", "09:30", "10:00"]);
    let r = book(&app, key, &service, at_hm(tz, day, 11, 15)).await;
    assert_error(r, 422, "off_grid").await;

    // The service's own step wins over the business grid; 0 gives it back to the grid.
    let r = app
        .patch(
            &format!("/api/v1/services/{service}"),
            key,
            json!({"step_min": 60}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let starts = local_starts(&app, key, &service, day).await;
    assert_eq!(starts[..3], ["09:00", "10:00", "11:00"]);
    let r = book(&app, key, &service, at_hm(tz, day, 11, 30)).await;
    assert_error(r, 422, "off_grid").await;
    let r = app
        .patch(
            &format!("/api/v1/services/{service}"),
            key,
            json!({"step_min": 0}),
        )
        .await;
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["step_min"], Value::Null);
    let r = book(&app, key, &service, at_hm(tz, day, 11, 30)).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    app.stop().await;
}

#[tokio::test]
async fn a_customer_asking_for_a_free_quarter_hour_gets_it() {
    let app = spawn_app().await;
    let a = app.seed_agent_business("Grid Agent", TZ).await;
    let key = &a.owner_key;
    let service = manicure(&app, key).await;
    agent_settings(&app, key, json!({"burst_ms": 0})).await;
    let channel = Channel::open(&app, key, Path::TwilioSms).await;
    let tz: Tz = TZ.parse().unwrap();
    let day = tomorrow(tz);
    for (customer, ask, h, m) in [
        (
            "+12125550141",
            "Can I book a manicure tomorrow at 11am?",
            11,
            0,
        ),
        ("+12125550142", "manicure tomorrow at 2:45pm please", 14, 45),
    ] {
        let proposal = channel.say(&app, customer, ask).await;
        assert!(
            !proposal.to_lowercase().contains("taken"),
            "{ask} was refused: {proposal}"
        );
        channel.say(&app, customer, "yes").await;
        let want = at_hm(tz, day, h, m);
        let all = booked(&app, key).await;
        assert!(
            all.iter().any(|b| b["service_id"] == service.as_str()
                && b["start"]
                    .as_str()
                    .and_then(|s| s.parse::<DateTime<Utc>>().ok())
                    == Some(want)),
            "{ask}: no booking at {want} in {all:?} (proposal: {proposal})"
        );
    }
    app.stop().await;
}
