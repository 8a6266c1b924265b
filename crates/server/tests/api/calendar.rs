//! The built-in calendar through the API: services, staff, time off, free slots, holds,
//! appointments, and the database refusing double bookings under concurrency.
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Seeded, TestApp, assert_error, spawn_app};

pub const TZ: &str = "America/New_York";

/// Every day 09:00-18:00.
pub fn all_week(start: &str, end: &str) -> Value {
    let day = json!([{"start": start, "end": end}]);
    json!({"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day})
}

/// A haircut (60 min, $40, on the hour) and Anna, who works every day 09:00-18:00.
pub async fn salon(app: &TestApp, key: &str) -> (String, String) {
    let r = app
        .create_service(
            key,
            json!({"names": {"en": "Haircut", "ru": "Стрижка", "he": "תספורת"}, "duration_min": 60,
                   "price_minor": 4000, "currency": "USD", "step_min": 60}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let haircut: Value = r.json().await.unwrap();
    let haircut = haircut["id"].as_str().unwrap().to_string();
    let r = app
        .create_staff(
            key,
            json!({"name": "Anna", "hours": all_week("09:00", "18:00"), "service_ids": [haircut]}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let anna: Value = r.json().await.unwrap();
    (haircut, anna["id"].as_str().unwrap().to_string())
}

/// Local `date h:00` in `tz`, as UTC.
pub fn at(tz: Tz, date: NaiveDate, h: u32) -> DateTime<Utc> {
    tz.from_local_datetime(&date.and_hms_opt(h, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Tomorrow in `tz`.
pub fn tomorrow(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive() + Duration::days(1)
}

async fn book(app: &TestApp, key: &str, body: Value) -> reqwest::Response {
    app.book(key, body).await
}

async fn setup() -> (TestApp, Seeded, String, String) {
    let app = spawn_app().await;
    let a = app.seed_business("Calendar Salon").await;
    let (haircut, anna) = salon(&app, &a.owner_key).await;
    (app, a, haircut, anna)
}

#[tokio::test]
async fn services_staff_time_off_slots_and_appointments() {
    let (app, a, haircut, anna) = setup().await;
    let key = &a.owner_key;
    let tz: Tz = TZ.parse().unwrap();
    // Validation.
    assert_error(
        app.create_service(
            key,
            json!({"names": {"en": "X"}, "duration_min": 7, "price_minor": 1, "currency": "USD"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.create_service(
            key,
            json!({"names": {"xx": "X"}, "duration_min": 30, "price_minor": 1, "currency": "USD"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.create_service(
            key,
            json!({"names": {"en": "X"}, "duration_min": 30, "price_minor": 1, "currency": "usd"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.create_staff(
            key,
            json!({"name": "Bob", "hours": {"mon": [{"start": "18:00", "end": "09:00"}]}}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;

    // A day of slots: 09:00 to 17:00 on the hour.
    let day = tomorrow(tz) + Duration::days(1);
    let slots = |from: String, to: String| {
        let app = &app;
        let haircut = haircut.clone();
        async move {
            let r = app
                .get(
                    &format!("/api/v1/slots?service={haircut}&from={from}&to={to}"),
                    key,
                )
                .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
            let v: Value = r.json().await.unwrap();
            v["slots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["start_local"].as_str().unwrap()[11..].to_string())
                .collect::<Vec<_>>()
        }
    };
    let d = day.to_string();
    let all = slots(d.clone(), d.clone()).await;
    assert_eq!(
        all,
        [
            "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00"
        ]
    );

    // Time off 12:00-14:00 removes two slots.
    let r = app
        .post(
            &format!("/api/v1/staff/{anna}/time-off"),
            key,
            json!({"start": at(tz, day, 12), "end": at(tz, day, 14), "reason": "dentist"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let off: Value = r.json().await.unwrap();
    assert!(
        !slots(d.clone(), d.clone())
            .await
            .contains(&"12:00".to_string())
    );
    assert_eq!(slots(d.clone(), d.clone()).await.len(), 7);

    // Book 10:00 by phone; the slot disappears; the same time again is taken.
    let r = book(&app, key, json!({"service_id": haircut, "start": at(tz, day, 10), "customer_phone": "+1 415 555 0100", "customer_name": "Ann"})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let appt: Value = r.json().await.unwrap();
    assert_eq!(appt["status"], "booked");
    assert_eq!(appt["staff_id"], anna.as_str());
    assert_eq!(appt["price_minor"], 4000);
    assert!(
        !slots(d.clone(), d.clone())
            .await
            .contains(&"10:00".to_string())
    );
    assert_error(
        book(&app, key, json!({"service_id": haircut, "start": at(tz, day, 10), "customer_phone": "+14155550101"})).await,
        409,
        "slot_taken",
    )
    .await;
    // Outside hours is a request that can never succeed (422); inside time off is taken.
    assert_error(
        book(&app, key, json!({"service_id": haircut, "start": at(tz, day, 20), "customer_phone": "+14155550101"})).await,
        422,
        "outside_hours",
    )
    .await;
    assert_error(
        book(&app, key, json!({"service_id": haircut, "start": at(tz, day, 12), "customer_phone": "+14155550101"})).await,
        409,
        "slot_taken",
    )
    .await;
    assert_error(
        book(
            &app,
            key,
            json!({"service_id": haircut, "start": at(tz, day, 11)}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;

    // Move it to 15:00 (10:00 is free again), then cancel (15:00 free again).
    let id = appt["id"].as_str().unwrap();
    let path = format!("/api/v1/appointments/{id}/actions");
    let r = app
        .post(
            &path,
            key,
            json!({"action": "reschedule", "start": at(tz, day, 15)}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let free = slots(d.clone(), d.clone()).await;
    assert!(free.contains(&"10:00".to_string()) && !free.contains(&"15:00".to_string()));
    let r = app.post(&path, key, json!({"action": "cancel"})).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "cancelled");
    assert!(
        slots(d.clone(), d.clone())
            .await
            .contains(&"15:00".to_string())
    );
    assert_error(
        app.post(
            &path,
            key,
            json!({"action": "reschedule", "start": at(tz, day, 16)}),
        )
        .await,
        409,
        "invalid_state",
    )
    .await;

    // Lists and filters.
    let customer = appt["customer_id"].as_str().unwrap();
    let list: Value = app
        .get(
            &format!("/api/v1/appointments?customer_id={customer}&status=cancelled"),
            key,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_error(
        app.get("/api/v1/appointments?status=maybe", key).await,
        400,
        "invalid_query",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/slots?service={haircut}&from=tomorrow"),
            key,
        )
        .await,
        400,
        "invalid_query",
    )
    .await;

    // Removing the time off gives its slots back; a deactivated service has no slots.
    let r = app
        .request(
            Method::DELETE,
            &format!(
                "/api/v1/staff/{anna}/time-off/{}",
                off["id"].as_str().unwrap()
            ),
            Some(key),
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(slots(d.clone(), d.clone()).await.len(), 9);
    let r = app
        .request(
            Method::DELETE,
            &format!("/api/v1/services/{haircut}"),
            Some(key),
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_error(
        app.get(
            &format!("/api/v1/slots?service={haircut}&from={d}&to={d}"),
            key,
        )
        .await,
        409,
        "invalid_state",
    )
    .await;

    // Another business cannot see any of it.
    let b = app.seed_business("Other").await;
    assert_error(
        app.get(&format!("/api/v1/services/{haircut}"), &b.owner_key)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.get(&format!("/api/v1/appointments/{id}"), &b.owner_key)
            .await,
        404,
        "not_found",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn two_customers_racing_for_one_slot_get_exactly_one_booking() {
    let (app, a, haircut, _) = setup().await;
    let tz: Tz = TZ.parse().unwrap();
    let start = at(tz, tomorrow(tz) + Duration::days(2), 11);
    // Twelve customers at once, through the API.
    let tries = (0..12).map(|i| {
        let body = json!({"service_id": haircut, "start": start, "customer_phone": format!("+1415555{:04}", 200 + i)});
        let app = &app;
        let key = a.owner_key.clone();
        async move { book(app, &key, body).await.status().as_u16() }
    });
    let codes = futures::future::join_all(tries).await;
    assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 11, "{codes:?}");

    // Holds race the same way, and a held slot cannot be booked by someone else.
    let other = at(tz, tomorrow(tz) + Duration::days(2), 14);
    let holds = (0..8).map(|_| {
        let app = &app;
        let key = a.owner_key.clone();
        let body = json!({"service_id": haircut, "start": other});
        async move { app.post("/api/v1/slot-holds", &key, body).await }
    });
    let answers = futures::future::join_all(holds).await;
    let won: Vec<_> = answers.iter().filter(|r| r.status() == 201).collect();
    assert_eq!(won.len(), 1);
    assert_error(
        book(
            &app,
            &a.owner_key,
            json!({"service_id": haircut, "start": other, "customer_phone": "+14155550300"}),
        )
        .await,
        409,
        "slot_taken",
    )
    .await;
    let hold: Value = answers
        .into_iter()
        .find(|r| r.status() == 201)
        .unwrap()
        .json()
        .await
        .unwrap();
    // The holder books it with the hold.
    let r = book(&app, &a.owner_key, json!({"service_id": haircut, "start": other, "customer_phone": "+14155550301", "hold_id": hold["id"]})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    // The store refuses overlapping time directly too, whatever the caller checked.
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    let staff = tenant.list_staff(false).await.unwrap()[0].id;
    let customer = tenant
        .find_or_create_customer(
            &switchboard_domain::message::Identity::Phone("+14155550400".parse().unwrap()),
            None,
        )
        .await
        .unwrap();
    let overlapping = switchboard_store::calendar::NewAppointment {
        customer_id: customer,
        service_id: haircut.parse().unwrap(),
        staff_id: staff,
        start: start + Duration::minutes(30),
        end: start + Duration::minutes(90),
        source: switchboard_domain::booking::AppointmentSource::Staff,
        channel_id: None,
        conversation_id: None,
        notes: String::new(),
        price_minor: 0,
        currency: "USD".into(),
        hold_id: None,
        idempotency_key: None,
    };
    assert!(matches!(
        tenant.book_appointment(&overlapping).await,
        Err(switchboard_store::StoreError::SlotTaken)
    ));
    app.stop().await;
}

#[tokio::test]
async fn an_expired_hold_frees_its_slot() {
    let (app, a, haircut, anna) = setup().await;
    let tz: Tz = TZ.parse().unwrap();
    let start = at(tz, tomorrow(tz) + Duration::days(3), 9);
    let tenant = app.store.tenant(a.business_id.parse().unwrap());
    let hold = switchboard_store::calendar::NewHold {
        staff_id: anna.parse().unwrap(),
        service_id: haircut.parse().unwrap(),
        start,
        end: start + Duration::hours(1),
        conversation_id: None,
        customer_id: None,
        ttl_ms: 1000,
    };
    tenant.hold_slot(&hold).await.unwrap();
    assert!(matches!(
        tenant.hold_slot(&hold).await,
        Err(switchboard_store::StoreError::SlotTaken)
    ));
    let day = start.with_timezone(&tz).date_naive();
    let first_free = || async {
        let r: Value = app
            .get(
                &format!("/api/v1/slots?service={haircut}&from={day}&to={day}"),
                &a.owner_key,
            )
            .await
            .json()
            .await
            .unwrap();
        r["slots"][0]["start_local"].as_str().unwrap()[11..].to_string()
    };
    assert_eq!(first_free().await, "10:00");
    app.clock.advance(std::time::Duration::from_millis(1100));
    // Expired: offered again, and holdable again.
    assert_eq!(first_free().await, "09:00");
    tenant.hold_slot(&hold).await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn buffers_are_kept_by_search_and_database_and_odd_input_is_refused() {
    let (app, a, haircut, anna) = setup().await;
    let key = &a.owner_key;
    let tz: Tz = TZ.parse().unwrap();
    // Colouring needs 30 minutes of clean-up after it.
    let r = app
        .create_service(key,
            json!({"names": {"en": "Colour"}, "duration_min": 60, "price_minor": 9000, "currency": "USD", "buffer_after_min": 30, "step_min": 30}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let colour = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .patch(
            &format!("/api/v1/staff/{anna}"),
            key,
            json!({"service_ids": [haircut, colour]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let day = tomorrow(tz) + Duration::days(4);
    let r = book(
        &app,
        key,
        json!({"service_id": colour, "start": at(tz, day, 13), "customer_phone": "+14155550500"}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    // 14:00 is inside the clean-up: not offered, and refused by the database when asked.
    let d = day.to_string();
    let v: Value = app
        .get(
            &format!("/api/v1/slots?service={haircut}&from={d}&to={d}"),
            key,
        )
        .await
        .json()
        .await
        .unwrap();
    let starts: Vec<&str> = v["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["start_local"].as_str().unwrap()[11..])
        .collect();
    assert!(
        !starts.contains(&"14:00") && starts.contains(&"15:00"),
        "{starts:?}"
    );
    assert_error(
        book(&app, key, json!({"service_id": haircut, "start": at(tz, day, 14), "customer_phone": "+14155550501"})).await,
        409,
        "slot_taken",
    )
    .await;

    // Odd input gets a 4xx, never a crash.
    assert_error(
        book(&app, key, json!({"service_id": haircut, "start": "+262142-12-20T10:00:00Z", "customer_phone": "+14155550501"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_error(
        app.get(
            &format!("/api/v1/slots?service={haircut}&from=9999-12-31"),
            key,
        )
        .await,
        400,
        "invalid_query",
    )
    .await;
    assert_error(
        app.patch(
            &format!("/api/v1/staff/{anna}"),
            key,
            json!({"hours": {"mon": [{"start": "09:07", "end": "18:00"}]}}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    app.stop().await;
}
