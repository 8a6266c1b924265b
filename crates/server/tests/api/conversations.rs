//! The rule-based agent as real customers write, over signed Twilio webhooks, in English,
//! Russian and Hebrew (more in `conversations_asks`): a named staff member is honoured or declined; times and dates in words and numbers; a change of mind; two
//! requests in one message; several appointments; questions off the script. Every test also
//! checks that nothing was booked that the customer did not confirm.
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use switchboard_test_support::twilio;

use crate::agent::{Sms, agent_settings, appointments, has};
use crate::calendar::{all_week, tomorrow};
use crate::helpers::{Seeded, TestApp, assert_error, spawn_app};

pub(crate) const TZ: &str = "America/New_York";

pub(crate) fn tz() -> Tz {
    TZ.parse().unwrap()
}

/// Local `date h:m` as UTC.
pub(crate) fn at(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    tz().from_local_datetime(&date.and_hms_opt(h, m, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Booked appointments as (service, staff, start), in start order.
pub(crate) async fn booked(app: &TestApp, key: &str) -> Vec<(String, String, DateTime<Utc>)> {
    let mut v: Vec<_> = appointments(app, key, "status=booked")
        .await
        .iter()
        .map(|a| {
            (
                a["service_id"].as_str().unwrap().to_string(),
                a["staff_id"].as_str().unwrap().to_string(),
                a["start"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    v.sort_by_key(|a| a.2);
    v
}

pub(crate) struct Team {
    pub a: Seeded,
    pub haircut: String,
    pub manicure: String,
    pub anna: String,
    pub dana: String,
}

/// A salon where Anna and Dana both do haircuts (60 min) and manicures (45 min, with the
/// aliases the business added), every day 09:00-18:00, starts every 15 minutes.
pub(crate) async fn team_salon(app: &TestApp) -> Team {
    let a = app.seed_agent_business("Studio Bella", TZ).await;
    let key = &a.owner_key;
    let mut ids = Vec::new();
    for body in [
        json!({"names": {"en": "Haircut", "ru": "Стрижка", "he": "תספורת"}, "duration_min": 60,
               "price_minor": 4000, "currency": "USD", "step_min": 15}),
        json!({"names": {"en": "Manicure", "ru": "Маникюр", "he": "מניקור"}, "duration_min": 45,
               "price_minor": 3000, "currency": "USD", "step_min": 15,
               "aliases": ["nails", "ногти", "ציפורניים"]}),
    ] {
        let r = app.create_service(key, body).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let v: Value = r.json().await.unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let mut staff = Vec::new();
    for name in ["Anna", "Dana"] {
        let r = app
            .create_staff(
                key,
                json!({"name": name, "hours": all_week("09:00", "18:00"), "service_ids": ids}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let v: Value = r.json().await.unwrap();
        staff.push(v["id"].as_str().unwrap().to_string());
    }
    agent_settings(app, key, json!({"burst_ms": 0})).await;
    let [haircut, manicure] = <[String; 2]>::try_from(ids).unwrap();
    let [anna, dana] = <[String; 2]>::try_from(staff).unwrap();
    Team {
        a,
        haircut,
        manicure,
        anna,
        dana,
    }
}

#[tokio::test]
async fn service_aliases_are_stored_and_an_empty_one_is_refused() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let v: Value = app
        .get(&format!("/api/v1/services/{}", t.manicure), key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["aliases"], json!(["nails", "ногти", "ציפורניים"]));
    assert_error(
        app.patch(
            &format!("/api/v1/services/{}", t.manicure),
            key,
            json!({"aliases": ["mani", " "]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_named_staff_member_is_honoured_or_the_customer_hears_she_is_busy() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let day = tomorrow(tz());
    // Anna is taken tomorrow at 3 PM by someone else.
    let r = app
        .book(
            key,
            json!({"service_id": t.haircut, "staff_id": t.anna,
               "start": at(day, 15, 0), "customer_phone": "+14155550150"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let fake = twilio::spawn().await.unwrap();
    let mut en = Sms::open(&app, key, &fake, "+14155550103").await;
    let mut ru = en.another("+14155550104");
    let mut he = en.another("+14155550105");

    has(
        &en.say("haircut with dana tomorrow at 11am").await,
        &["Haircut with Dana tomorrow at 11:00 AM"],
    );
    has(&en.say("yes").await, &["booked for Haircut with Dana"]);
    has(
        &ru.say("стрижка к Ане завтра в 12").await,
        &["мастер Anna", "12:00"],
    );
    has(&ru.say("да").await, &["Вы записаны"]);
    has(
        &he.say("תספורת אצל אנה מחר ב-11").await,
        &["אצל Anna", "11:00"],
    );
    has(&he.say("כן").await, &["נקבע לך תור"]);
    // Declined: the one asked for is busy, and nobody else is booked in her place.
    has(
        &en.say("haircut with anna tomorrow at 3pm").await,
        &["Anna is not available then"],
    );
    has(
        &ru.say("стрижка к Ане завтра в 15:00").await,
        &["Мастер Anna в это время занят"],
    );
    has(
        &he.say("תספורת אצל אנה מחר ב-15:00").await,
        &["Anna לא פנוי/ה"],
    );
    has(
        &en.say("haircut with Olga tomorrow").await,
        &["We have no one called Olga", "Anna, Dana"],
    );
    let all = booked(&app, key).await;
    let mine: Vec<_> = all
        .iter()
        .filter(|a| a.2 != at(day, 15, 0))
        .map(|a| (a.1.as_str(), a.2))
        .collect();
    assert_eq!(mine.len(), 3, "exactly the three confirmed: {mine:?}");
    assert!(mine.contains(&(t.dana.as_str(), at(day, 11, 0))));
    assert!(mine.contains(&(t.anna.as_str(), at(day, 11, 0))));
    assert!(mine.contains(&(t.anna.as_str(), at(day, 12, 0))));
    app.stop().await;
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[tokio::test]
async fn times_and_dates_in_words_and_numbers_book_exactly_what_was_said() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let en = Sms::open(&app, key, &fake, "+14155550106").await;
    let ru = en.another("+14155550107");
    let he = en.another("+14155550108");
    let today = Utc::now().with_timezone(&tz()).date_naive();
    let (d2, d3, d4) = (
        today + Duration::days(2),
        today + Duration::days(3),
        today + Duration::days(4),
    );

    let mut cs = [en, ru, he];
    let conversations: [(usize, String, &str, &str); 6] = [
        (
            0,
            format!("haircut on the {} at quarter to four", ordinal(d2.day())),
            "3:45 PM",
            "yes",
        ),
        (
            1,
            format!("стрижка {}-го в полпятого", d3.day()),
            "16:30",
            "да",
        ),
        (
            2,
            format!("תספורת ב-{} לחודש ברבע לארבע", d4.day()),
            "15:45",
            "כן",
        ),
        (
            0,
            format!("nails {}/{} at ten in the morning", d3.month(), d3.day()),
            "10:00 AM",
            "yes",
        ),
        (
            1,
            format!("маникюр {}.{:02} в десять утра", d4.day(), d4.month()),
            "10:00",
            "да",
        ),
        (
            2,
            format!("מניקור {}.{} בעשר בבוקר", d2.day(), d2.month()),
            "10:00",
            "כן",
        ),
    ];
    for (i, ask, time, yes) in conversations {
        let c = &mut cs[i];
        has(&c.say(&ask).await, &[time]);
        let before = booked(&app, key).await.len();
        c.say(yes).await;
        assert_eq!(booked(&app, key).await.len(), before + 1, "{ask}");
    }
    let starts: Vec<_> = booked(&app, key)
        .await
        .iter()
        .map(|a| (a.0.clone(), a.2))
        .collect();
    let want = [
        (t.manicure.clone(), at(d2, 10, 0)),
        (t.haircut.clone(), at(d2, 15, 45)),
        (t.manicure.clone(), at(d3, 10, 0)),
        (t.haircut.clone(), at(d3, 16, 30)),
        (t.manicure.clone(), at(d4, 10, 0)),
        (t.haircut.clone(), at(d4, 15, 45)),
    ];
    assert_eq!(starts, want);
    // A date the agent cannot read is asked about; nothing is proposed for today.
    for (c, (ask, reply)) in cs.iter_mut().zip([
        ("haircut on the 35th at 3pm", "couldn't make out the date"),
        ("стрижка 35-го в 15", "не понял дату"),
        ("תספורת ב-35 לחודש ב-15", "לא הבנתי את התאריך"),
    ]) {
        has(&c.say(ask).await, &[reply]);
    }
    assert_eq!(booked(&app, key).await.len(), 6);
    app.stop().await;
}
