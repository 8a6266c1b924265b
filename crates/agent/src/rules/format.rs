//! Dates, times, durations and prices for replies, in the customer's language: thin wrappers
//! over `switchboard_i18n::format` (ICU4X) taking the business's time zone into account.
//! Money stays in integer minor units all the way to the string.
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use switchboard_domain::Language;
use switchboard_i18n::format as i18n;

/// `$45.00`, `45,00 ₽`, `45.00 ₪`, `12.50 CHF`.
pub fn money(minor: i64, currency: &str, lang: Language) -> String {
    i18n::money(minor, currency, lang)
}

pub fn duration(minutes: u32, lang: Language) -> String {
    i18n::duration(minutes, lang)
}

/// `3:00 PM` in English, `15:00` in Russian and Hebrew.
pub fn time(at: DateTime<Tz>, lang: Language) -> String {
    i18n::time(at.time(), lang)
}

/// "today", "tomorrow", or "Tuesday, May 12" / "вторник, 12 мая" / "יום שלישי, 12 במאי".
pub fn day(date: NaiveDate, today: NaiveDate, lang: Language) -> String {
    i18n::day(date, today, lang)
}

/// One entry of a list of times: just the time when the whole list is on one day, else
/// "tomorrow, 3:00 PM" / "вторник, 12 мая, 15:00".
pub fn slot_label(
    at: DateTime<Utc>,
    tz: Tz,
    today: NaiveDate,
    lang: Language,
    with_day: bool,
) -> String {
    let local = at.with_timezone(&tz);
    if with_day {
        i18n::day_and_time(local.date_naive(), local.time(), today, lang)
    } else {
        time(local, lang)
    }
}

/// A moment as a customer reads it, without a preposition (the message adds one where the
/// language needs it): "tomorrow at 3:00 PM", "вторник, 12 мая в 15:00", "מחר בשעה 15:00".
pub fn moment(at: DateTime<Utc>, tz: Tz, today: NaiveDate, lang: Language) -> String {
    let local = at.with_timezone(&tz);
    i18n::moment(local.date_naive(), local.time(), today, lang)
}
