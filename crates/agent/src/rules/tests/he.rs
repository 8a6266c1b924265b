//! Hebrew conversations (Jerusalem, shekels, Sunday to Friday).
use chrono_tz::Asia::Jerusalem;
use switchboard_domain::Language;

use super::{Chat, Stage, date, has};

fn chat() -> Chat {
    Chat::new(Language::He, Jerusalem, "ILS", [12_000, 15_000, 40_000])
}

#[tokio::test]
async fn books_a_haircut_in_hebrew() {
    let mut c = chat();
    let r = c.say("שלום, אפשר לקבוע תור לתספורת מחר?").await;
    has(&r, &["שעות פנויות למחר (תספורת):", "1) 9:00", "2) 10:30"]);
    let r = c.say("הראשון").await;
    has(&r, &["תספורת, מחר בשעה 9:00, 120.00 ₪. לקבוע? (כן/לא)"]);
    assert!(c.cal.writes().is_empty());
    has(&c.say("כן").await, &["נקבע לך תור: תספורת, מחר בשעה 9:00."]);
    assert_eq!(c.cal.writes(), ["create 2026-05-13 09:00"]);
    has(&c.say("תודה רבה").await, &["בשמחה"]);
}

#[tokio::test]
async fn information_in_hebrew() {
    let mut c = chat();
    has(&c.say("היי").await, &["שלום! כאן Studio Bella"]);
    has(
        &c.say("כמה עולה מניקור?").await,
        &["מניקור — 60 דק׳ — 150.00 ₪"],
    );
    has(
        &c.say("מה שעות הפתיחה?").await,
        &["שעות הפתיחה שלנו:\n9:00-18:00"],
    );
    has(
        &c.say("איפה אתם נמצאים?").await,
        &["הכתובת של Studio Bella: 12 Main St."],
    );
    has(&c.say("מה המצב").await, &["אפשר לקבוע, להזיז או לבטל תור"]);
    has(
        &c.say("אפשר לדבר עם נציג?").await,
        &["העברתי את הפנייה לנציג"],
    );
    assert_eq!(c.cal.handovers().len(), 1);
}

#[tokio::test]
async fn taken_time_and_declines_in_hebrew() {
    let mut c = chat();
    c.cal.block_local(date(5, 13), 15, 0, 60);
    let r = c.say("תספורת מחר ב-15:00").await;
    has(
        &r,
        &[
            "מצטערים, השעה שביקשת (מחר בשעה 15:00) כבר תפוסה",
            "1) 13:30",
            "2) 14:00",
            "3) 16:00",
        ],
    );
    has(&c.say("השני").await, &["תספורת, מחר בשעה 14:00"]);
    has(&c.say("לא").await, &["לא קבעתי כלום"]);
    assert!(c.cal.writes().is_empty());
    assert_eq!(c.stage(), Stage::CollectingInfo);
}

#[tokio::test]
async fn cancels_and_reschedules_in_hebrew() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    let r = c.say("אפשר להזיז את התור ליום שישי בשעה 12?").await;
    has(
        &r,
        &[
            "להזיז את התור (תספורת) מיום חמישי, 14 במאי בשעה 11:00 ליום שישי, 15 במאי בשעה 12:00? (כן/לא)",
        ],
    );
    has(
        &c.say("מאשר").await,
        &["התור הוזז: תספורת, יום שישי, 15 במאי בשעה 12:00."],
    );
    assert_eq!(c.cal.writes(), ["reschedule 2026-05-15 12:00"]);
    has(
        &c.say("אני רוצה לבטל את התור").await,
        &["לבטל את התור: תספורת, יום שישי, 15 במאי בשעה 12:00? (כן/לא)"],
    );
    has(&c.say("כן").await, &["התור בוטל"]);
    assert_eq!(c.cal.writes(), ["reschedule 2026-05-15 12:00", "cancel"]);
    has(&c.say("מתי התור שלי?").await, &["אין לך תורים קרובים"]);
}

#[tokio::test]
async fn sunday_morning_is_a_working_day() {
    let mut c = chat();
    let r = c.say("מניקור ביום ראשון בבוקר").await;
    has(
        &r,
        &["שעות פנויות ליום ראשון, 17 במאי (מניקור):", "1) 9:00"],
    );
}
