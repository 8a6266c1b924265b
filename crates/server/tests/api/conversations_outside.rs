//! Phrasings from the outside re-check of the rule agent, over signed Twilio webhooks from
//! US, Israeli and Russian numbers: an hour said without "at", a change to a bare hour, a
//! service said as a verb, and moves by an offset or to a time alone. Each books or moves
//! exactly what the customer confirmed.
use chrono::Duration;
use switchboard_test_support::twilio;

use crate::agent::{Sms, has};
use crate::calendar::tomorrow;
use crate::conversations::{at, booked, team_salon, tz};
use crate::helpers::spawn_app;

#[tokio::test]
async fn bare_hours_and_service_verbs_book_what_was_confirmed() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut en = Sms::open(&app, key, &fake, "+14155550120").await;
    let mut he = en.another("+972521234568");
    let mut ru = en.another("+79995550121");
    let day = tomorrow(tz());

    has(&en.say("haircut tmrw 10ish").await, &["10:00 AM"]);
    has(&en.say("yes please").await, &["booked for Haircut"]);
    has(&he.say("תספורת מחר ב3").await, &["15:00"]);
    has(&he.say("בעצם תעשי 4").await, &["תספורת", "16:00"]);
    has(&he.say("כן").await, &["נקבע לך תור: תספורת"]);
    has(
        &ru.say("хочу подстричься послезавтра часиков в 5").await,
        &["Стрижка", "17:00"],
    );
    has(&ru.say("да, давайте").await, &["Вы записаны: Стрижка"]);
    let all: Vec<_> = booked(&app, key)
        .await
        .into_iter()
        .map(|a| (a.0, a.2))
        .collect();
    assert_eq!(
        all,
        [
            (t.haircut.clone(), at(day, 10, 0)),
            (t.haircut.clone(), at(day, 16, 0)),
            (t.haircut.clone(), at(day + Duration::days(1), 17, 0)),
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn a_move_by_an_offset_or_to_a_time_alone_stays_on_the_appointments_day() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut ru = Sms::open(&app, key, &fake, "+79995550122").await;
    let mut en = ru.another("+14155550123");
    let day = tomorrow(tz()) + Duration::days(1);

    has(&ru.say("стрижка послезавтра в 14").await, &["14:00"]);
    has(&ru.say("да").await, &["Вы записаны"]);
    has(
        &ru.say("перенесите мою запись на час позже").await,
        &["Станет", "15:00"],
    );
    ru.say("да").await;
    has(
        &en.say("haircut day after tomorrow at 11am").await,
        &["11:00 AM"],
    );
    has(&en.say("yes").await, &["booked for Haircut"]);
    let r = en.say("can i move my haircut to 4pm").await;
    has(&r, &["4:00 PM"]);
    assert!(!r.contains("today"), "the move stays on its own day: {r}");
    en.say("yes").await;
    let all: Vec<_> = booked(&app, key)
        .await
        .into_iter()
        .map(|a| (a.0, a.2))
        .collect();
    assert_eq!(
        all,
        [
            (t.haircut.clone(), at(day, 15, 0)),
            (t.haircut.clone(), at(day, 16, 0)),
        ]
    );
    app.stop().await;
}
