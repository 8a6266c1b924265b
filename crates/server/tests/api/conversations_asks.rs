//! More of the rule-based agent as real customers write, over signed Twilio webhooks, in
//! English, Russian and Hebrew: a change of mind before the yes, two requests in one message,
//! several appointments to list and choose from, and questions off the script. Nothing is
//! booked that the customer did not confirm.
use chrono::Duration;
use serde_json::json;
use switchboard_test_support::twilio;

use crate::agent::{Sms, has};
use crate::calendar::tomorrow;
use crate::conversations::{at, booked, team_salon, tz};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_change_of_mind_before_the_yes_books_the_last_choice() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut en = Sms::open(&app, key, &fake, "+14155550109").await;
    let mut ru = en.another("+14155550110");
    let mut he = en.another("+14155550111");
    let day = tomorrow(tz());

    has(&en.say("haircut tomorrow at 11am").await, &["Haircut with"]);
    has(
        &en.say("actually make it a manicure").await,
        &["Manicure with", "11:00 AM"],
    );
    has(&en.say("no wait, 1pm").await, &["Manicure with", "1:00 PM"]);
    has(&en.say("yes").await, &["booked for Manicure"]);
    has(&ru.say("стрижка завтра в 11").await, &["Стрижка"]);
    has(&ru.say("нет, лучше маникюр").await, &["Маникюр", "11:00"]);
    has(&ru.say("да").await, &["Вы записаны: Маникюр"]);
    has(&he.say("תספורת מחר ב-12").await, &["תספורת"]);
    has(&he.say("לא, בעצם מניקור").await, &["מניקור", "12:00"]);
    has(&he.say("כן").await, &["נקבע לך תור: מניקור"]);
    let all: Vec<_> = booked(&app, key)
        .await
        .into_iter()
        .map(|a| (a.0, a.2))
        .collect();
    assert_eq!(
        all,
        [
            (t.manicure.clone(), at(day, 11, 0)),
            (t.manicure.clone(), at(day, 12, 0)),
            (t.manicure.clone(), at(day, 13, 0)),
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn two_requests_in_one_message_are_both_booked() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut en = Sms::open(&app, key, &fake, "+14155550112").await;
    let mut ru = en.another("+14155550113");
    let mut he = en.another("+14155550114");

    for (c, ask, first, yes, next) in [
        (
            &mut en,
            "haircut and nails tomorrow at 11am",
            "one at a time: Haircut, Manicure",
            "yes",
            "Free times for Manicure",
        ),
        (
            &mut ru,
            "стрижка и маникюр послезавтра в 12",
            "Запишу по очереди: Стрижка, Маникюр",
            "да",
            "(Маникюр)",
        ),
        (
            &mut he,
            "תספורת ומניקור בעוד 3 ימים ב-12",
            "נקבע אחד אחרי השני: תספורת, מניקור",
            "כן",
            "(מניקור)",
        ),
    ] {
        has(&c.say(ask).await, &[first]);
        has(&c.say(yes).await, &[next]);
        c.say("1").await;
        c.say(yes).await;
    }
    let all = booked(&app, key).await;
    assert_eq!(all.len(), 6, "{all:?}");
    let haircuts = all.iter().filter(|a| a.0 == t.haircut).count();
    assert_eq!(haircuts, 3, "one haircut and one manicure each");
    app.stop().await;
}

#[tokio::test]
async fn several_appointments_are_all_listed_and_cancel_acts_on_the_one_named() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut en = Sms::open(&app, key, &fake, "+14155550115").await;
    let mut ru = en.another("+14155550116");
    let mut he = en.another("+14155550117");
    let day = tomorrow(tz());
    for (i, phone) in ["+14155550115", "+14155550116", "+14155550117"]
        .iter()
        .enumerate()
    {
        let h = 10 + 2 * u32::try_from(i).unwrap();
        for (service, offset) in [(&t.haircut, 0), (&t.manicure, 1), (&t.haircut, 2)] {
            let r = app
                .book(
                    key,
                    json!({"service_id": service,
                       "start": at(day + Duration::days(offset), h, 0), "customer_phone": phone}),
                )
                .await;
            assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        }
    }
    let lines = |r: &str| r.matches('•').count();
    for (c, list, cancel, confirm, yes, done, mv, which) in [
        (
            &mut en,
            "what are my appointments",
            "cancel my manicure",
            "Cancel your Manicure",
            "yes",
            "is cancelled",
            "move my haircut",
            "Which appointment would you like to move?",
        ),
        (
            &mut ru,
            "мои записи",
            "отменить маникюр",
            "Отменить запись: Маникюр",
            "да",
            "Запись отменена",
            "перенести стрижку",
            "Какую запись перенести?",
        ),
        (
            &mut he,
            "התורים שלי",
            "לבטל את המניקור",
            "לבטל את התור: מניקור",
            "כן",
            "התור בוטל",
            "להזיז את התספורת",
            "איזה תור להזיז?",
        ),
    ] {
        assert_eq!(lines(&c.say(list).await), 3, "{list}");
        has(&c.say(cancel).await, &[confirm]);
        has(&c.say(yes).await, &[done]);
        let r = c.say(mv).await;
        has(&r, &[which]);
        assert_eq!(r.matches(")").count(), 2, "only the two haircuts: {r}");
    }
    let all = booked(&app, key).await;
    assert_eq!(all.len(), 6, "three manicures cancelled, nothing else");
    assert!(all.iter().all(|a| a.0 == t.haircut));
    app.stop().await;
}

#[tokio::test]
async fn an_off_script_question_gets_an_honest_answer_and_an_offer_of_a_person() {
    let app = spawn_app().await;
    let t = team_salon(&app).await;
    let key = &t.a.owner_key;
    let fake = twilio::spawn().await.unwrap();
    let mut en = Sms::open(&app, key, &fake, "+14155550118").await;
    let mut ru = en.another("+14155550119");
    let mut he = en.another("+14155550120");

    for (c, ask, honest, no, not_offered, reply) in [
        (
            &mut en,
            "is there wifi?",
            "I don't know that",
            "no",
            "do you do tattoos?",
            "we don't offer that",
        ),
        (
            &mut ru,
            "а можно прийти с собакой?",
            "я этого не знаю",
            "нет",
            "вы делаете татуировки?",
            "такой услуги у нас нет",
        ),
        (
            &mut he,
            "יש לכם חניה?",
            "אין לי את המידע הזה",
            "לא",
            "אתם עושים קעקועים?",
            "אנחנו לא מציעים את זה",
        ),
    ] {
        let r = c.say(ask).await;
        has(&r, &[honest]);
        assert!(!r.contains("Haircut") && !r.contains("Стрижка") && !r.contains("תספורת"));
        c.say(no).await;
        has(&c.say(not_offered).await, &[reply]);
    }
    has(&en.say("yes").await, &["asked a colleague"]);
    assert!(booked(&app, key).await.is_empty());
    app.stop().await;
}
