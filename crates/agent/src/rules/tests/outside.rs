//! One conversation per class the outside re-check found failing: an hour said without
//! "at", a move by an offset or to a time alone, a service said as a verb, a kind of service
//! the business lacks, texting shorthand for yes, and a companion named before "me".
use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use switchboard_domain::Language;

use super::corpus::salon;
use super::{Chat, date, has};

fn local(c: &Chat, tz: Tz) -> Vec<((u32, u32), (u32, u32))> {
    c.cal
        .appointments()
        .iter()
        .map(|a| {
            let l = a.start_utc.with_timezone(&tz);
            ((l.month(), l.day()), (l.hour(), l.minute()))
        })
        .collect()
}

const NY: Tz = chrono_tz::America::New_York;
const MSK: Tz = chrono_tz::Europe::Moscow;
const JLM: Tz = chrono_tz::Asia::Jerusalem;

#[tokio::test]
async fn a_new_hour_without_at_replaces_the_proposed_one_before_yes() {
    let mut c = salon(Language::En, NY, "USD");
    c.say("haircut tmrw at 3").await;
    let r = c.say("actually make it 4").await;
    has(&r, &["4:00 PM"]);
    c.say("yes").await;
    assert_eq!(local(&c, NY), [((5, 13), (16, 0))]);
}

#[tokio::test]
async fn a_hebrew_change_to_a_bare_hour_books_the_new_hour() {
    let mut c = salon(Language::He, JLM, "ILS");
    c.say("תספורת מחר ב3").await;
    let r = c.say("בעצם תעשי 4").await;
    has(&r, &["16:00"]);
    c.say("כן").await;
    assert_eq!(local(&c, JLM), [((5, 13), (16, 0))]);
}

#[tokio::test]
async fn an_hour_right_after_the_day_is_a_time_not_a_list() {
    let mut c = salon(Language::En, NY, "USD");
    let r = c.say("trim tmrw 10ish").await;
    has(&r, &["tomorrow at 10:00 AM", "Shall I book it?"]);
}

#[tokio::test]
async fn an_appointment_moved_an_hour_later_keeps_its_day() {
    let mut c = salon(Language::Ru, MSK, "RUB");
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 14, 0);
    let r = c.say("перенесите мою запись на час позже").await;
    has(&r, &["15:00"]);
    c.say("да").await;
    assert_eq!(local(&c, MSK), [((5, 14), (15, 0))]);
}

#[tokio::test]
async fn a_move_to_a_time_alone_stays_on_the_appointments_day_not_today() {
    let mut c = salon(Language::En, NY, "USD");
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 14, 0);
    let r = c.say("can i move my haircut to 4pm").await;
    has(&r, &["to Thursday, May 14 at 4:00 PM"]);
    c.say("yes").await;
    assert_eq!(local(&c, NY), [((5, 14), (16, 0))]);
}

#[tokio::test]
async fn a_hebrew_move_request_by_its_verb_moves_the_appointment() {
    let mut c = salon(Language::He, JLM, "ILS");
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 14, 0);
    c.say("תזיזי את התור ליום שישי ב4").await;
    c.say("כן").await;
    assert_eq!(local(&c, JLM), [((5, 15), (16, 0))]);
}

#[tokio::test]
async fn a_service_said_as_a_verb_is_that_service() {
    let mut c = salon(Language::Ru, MSK, "RUB");
    let r = c.say("хочу подстричься в четверг в 3").await;
    has(&r, &["Стрижка", "15:00"]);
    let mut c = salon(Language::He, JLM, "ILS");
    let r = c.say("בא לי להסתפר מחר בשלוש").await;
    has(&r, &["תספורת", "15:00"]);
}

#[tokio::test]
async fn a_kind_of_service_the_business_lacks_is_answered_as_not_offered() {
    let mut c = salon(Language::Ru, MSK, "RUB");
    let r = c.say("у вас делают наращивание ресниц?").await;
    has(&r, &["такой услуги у нас нет"]);
    let mut c = salon(Language::He, JLM, "ILS");
    let r = c.say("יש לכם הארכת ריסים?").await;
    has(&r, &["לא מציעים"]);
    assert!(c.cal.appointments().is_empty());
}

#[tokio::test]
async fn which_appointments_do_i_have_lists_them_in_russian() {
    let mut c = salon(Language::Ru, MSK, "RUB");
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 14, 0);
    let r = c.say("какие у меня записи").await;
    has(&r, &["Ваши записи", "14 мая"]);
}

#[tokio::test]
async fn texting_shorthand_y_confirms_the_proposal() {
    let mut c = salon(Language::En, NY, "USD");
    c.say("haircut thurs quarter past 11").await;
    c.say("y").await;
    assert_eq!(local(&c, NY), [((5, 14), (11, 15))]);
}

#[tokio::test]
async fn an_at_sign_before_the_hour_is_a_time() {
    let mut c = salon(Language::En, NY, "USD");
    let r = c.say("can i get a haircut on the 19th @ 3").await;
    has(&r, &["May 19 at 3:00 PM"]);
}

#[tokio::test]
async fn a_companion_named_before_me_is_a_second_person() {
    let mut c = salon(Language::En, NY, "USD");
    let r = c.say("hair cut for my daughter and me tmrw at 4").await;
    has(&r, &["one appointment at a time"]);
}

#[tokio::test]
async fn a_yes_with_a_but_never_books_the_old_proposal() {
    let mut c = salon(Language::En, NY, "USD");
    c.say("haircut tomorrow at 2").await;
    let r = c.say("ok but later if possible").await;
    has(&r, &["2:00 PM", "Shall I book it?"]);
    assert!(
        c.cal.appointments().is_empty(),
        "nothing booked on a hedged yes"
    );
}

#[tokio::test]
async fn a_yes_that_names_another_hour_proposes_that_hour() {
    let mut c = salon(Language::En, NY, "USD");
    c.say("haircut tomorrow at 2").await;
    let r = c.say("ok but can we do 3 instead").await;
    has(&r, &["3:00 PM", "Shall I book it?"]);
    c.say("yes").await;
    assert_eq!(local(&c, NY), [((5, 13), (15, 0))]);
}
