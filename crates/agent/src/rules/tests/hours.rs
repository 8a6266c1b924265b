//! Opening hours and closed times in each language, for a Sunday-to-Thursday business: the
//! week is written with the language's weekday names from the first working day, and a time
//! when the business is closed is answered as closed, with the nearest open times.
use chrono::Weekday;
use chrono_tz::{Asia::Jerusalem, Europe::Moscow, Tz};
use switchboard_domain::Language;
use switchboard_domain::calendar::{OpenInterval, WeeklyHours};

use super::{Chat, Stage, has};
use crate::hours::OpeningHours;

/// A business open Sunday to Thursday, 9:00 to 18:00, whose hours the agent derives itself.
fn sun_to_thu(lang: Language, tz: Tz, currency: &str) -> Chat {
    let mut c = Chat::new(lang, tz, currency, [4_500, 6_000, 12_000]);
    use Weekday::*;
    c.cal.hours = WeeklyHours::on(
        &[Sun, Mon, Tue, Wed, Thu],
        &[OpenInterval::parse("09:00", "18:00").unwrap()],
    );
    c.ctx.hours_text = None;
    c.ctx.opening_hours = OpeningHours::from_staff([&c.cal.hours]);
    c
}

fn assert_nothing_written(c: &Chat) {
    assert!(c.cal.writes().is_empty(), "{:?}", c.cal.writes());
    assert_eq!(c.cal.holds(), 0, "a closed time is never held");
}

#[tokio::test]
async fn english_hours_start_on_sunday_with_a_12_hour_clock() {
    let mut c = sun_to_thu(Language::En, chrono_tz::America::New_York, "USD");
    has(
        &c.say("what are your opening hours?").await,
        &["Our opening hours:\nSunday–Thursday: 9:00 AM – 6:00 PM\nFriday–Saturday: closed"],
    );
}

#[tokio::test]
async fn russian_hours_use_russian_weekday_names_from_sunday() {
    let mut c = sun_to_thu(Language::Ru, Moscow, "RUB");
    has(
        &c.say("какой у вас режим работы?").await,
        &["Часы работы:\nвоскресенье – четверг: 09:00–18:00\nпятница – суббота: выходной"],
    );
}

#[tokio::test]
async fn hebrew_hours_use_hebrew_weekday_names_from_sunday() {
    let mut c = sun_to_thu(Language::He, Jerusalem, "ILS");
    has(
        &c.say("מה שעות הפתיחה?").await,
        &["שעות הפתיחה שלנו:\nיום ראשון–יום חמישי: 9:00–18:00\nיום שישי–יום שבת: סגור"],
    );
}

#[tokio::test]
async fn english_closed_day_says_closed_and_offers_the_nearest_open_times() {
    let mut c = sun_to_thu(Language::En, chrono_tz::America::New_York, "USD");
    let r = c.say("haircut on saturday at 12pm").await;
    has(
        &r,
        &[
            "Sorry, we're closed on Saturday, May 16 at 12:00 PM.",
            "1) Sunday, May 17, 9:00 AM",
        ],
    );
    assert!(!r.contains("not available") && !r.contains("taken"), "{r}");
    assert_eq!(c.stage(), Stage::Booking);
    assert_nothing_written(&c);
}

#[tokio::test]
async fn english_after_hours_says_closed_then() {
    let mut c = sun_to_thu(Language::En, chrono_tz::America::New_York, "USD");
    let r = c.say("haircut tomorrow at 8pm").await;
    has(&r, &["Sorry, we're closed tomorrow at 8:00 PM.", "5:00 PM"]);
    assert_nothing_written(&c);
}

#[tokio::test]
async fn english_closed_day_without_a_time_says_closed_that_day() {
    let mut c = sun_to_thu(Language::En, chrono_tz::America::New_York, "USD");
    let r = c.say("can I get a haircut on friday?").await;
    has(
        &r,
        &[
            "Sorry, we're closed on Friday, May 15.",
            "Sunday, May 17, 9:00 AM",
        ],
    );
    assert_nothing_written(&c);
}

#[tokio::test]
async fn russian_closed_day_and_after_hours_say_closed() {
    let mut c = sun_to_thu(Language::Ru, Moscow, "RUB");
    let r = c.say("стрижка в субботу в 12:00").await;
    has(
        &r,
        &["К сожалению, в это время мы не работаем (суббота, 16 мая в 12:00)."],
    );
    let mut c = sun_to_thu(Language::Ru, Moscow, "RUB");
    let r = c.say("стрижка завтра в 20:00").await;
    has(
        &r,
        &[
            "К сожалению, в это время мы не работаем (завтра в 20:00).",
            "17:00",
        ],
    );
    assert_nothing_written(&c);
}

#[tokio::test]
async fn hebrew_closed_day_and_after_hours_say_closed() {
    let mut c = sun_to_thu(Language::He, Jerusalem, "ILS");
    let r = c.say("תספורת ביום שבת בשעה 12:00").await;
    has(&r, &["מצטערים, אנחנו סגורים ביום שבת, 16 במאי בשעה 12:00."]);
    let mut c = sun_to_thu(Language::He, Jerusalem, "ILS");
    let r = c.say("תספורת מחר בשעה 20:00").await;
    has(&r, &["מצטערים, אנחנו סגורים מחר בשעה 20:00.", "17:00"]);
    assert_nothing_written(&c);
}
