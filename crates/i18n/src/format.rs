//! Dates, weekdays, times, numbers and money in a language's own style, from ICU4X's compiled
//! CLDR data: English uses the 12-hour clock ("2:30 PM") everywhere, Russian and Hebrew the
//! 24-hour one; weekday and month names, date order and digit grouping are the locale's.
//! Where a currency symbol goes is a Fluent message, because ICU4X's currency formatter is
//! not stable yet.
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use fixed_decimal::Decimal;
use icu_datetime::fieldsets::{E, MDE, T};
use icu_datetime::input::{Date, Time};
use icu_datetime::{DateTimeFormatter, NoCalendarFormatter};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use switchboard_domain::{Language, Money};

use crate::{FluentValue, args, text};

struct Formatters {
    weekday: DateTimeFormatter<E>,
    date: DateTimeFormatter<MDE>,
    time: NoCalendarFormatter<T>,
    decimal: DecimalFormatter,
}

fn build(lang: Language) -> Option<Formatters> {
    let locale: Locale = lang.code().parse().ok()?;
    let built = (|| -> Result<Formatters, String> {
        Ok(Formatters {
            weekday: DateTimeFormatter::try_new((&locale).into(), E::long())
                .map_err(|e| e.to_string())?,
            date: DateTimeFormatter::try_new((&locale).into(), MDE::long())
                .map_err(|e| e.to_string())?,
            time: NoCalendarFormatter::try_new((&locale).into(), T::hm())
                .map_err(|e| e.to_string())?,
            decimal: DecimalFormatter::try_new((&locale).into(), Default::default())
                .map_err(|e| e.to_string())?,
        })
    })();
    built
        .map_err(|e| tracing::error!(lang = lang.code(), error = %e, "no ICU formatters"))
        .ok()
}

static FORMATTERS: LazyLock<[Option<Formatters>; 3]> =
    LazyLock::new(|| [Language::En, Language::Ru, Language::He].map(build));

fn formatters(lang: Language) -> Option<&'static Formatters> {
    let [en, ru, he] = &*FORMATTERS;
    match lang {
        Language::En => en.as_ref(),
        Language::Ru => ru.as_ref(),
        Language::He => he.as_ref(),
    }
}

/// Plain spaces for the narrow no-break space CLDR puts before "PM": messages go out as SMS,
/// where that character would switch an English text to UCS-2 and halve its length.
fn plain(s: String) -> String {
    s.replace('\u{202f}', " ")
}

fn icu_date(date: NaiveDate) -> Option<Date<icu_calendar::Iso>> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    Date::try_new_iso(date.year(), month, day).ok()
}

/// Any date that falls on `day`, for formatting a weekday name.
fn a_date_on(day: Weekday) -> NaiveDate {
    // 2024-01-01 was a Monday.
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()
        + chrono::Duration::days(i64::from(day.num_days_from_monday()))
}

/// "Monday", "понедельник", "יום שני".
pub fn weekday(day: Weekday, lang: Language) -> String {
    let date = a_date_on(day);
    match (formatters(lang), icu_date(date)) {
        (Some(f), Some(d)) => plain(f.weekday.format(&d).to_string()),
        _ => date.format("%A").to_string(),
    }
}

/// "Tuesday, May 12", "вторник, 12 мая", "יום שלישי, 12 במאי".
pub fn date(date: NaiveDate, lang: Language) -> String {
    match (formatters(lang), icu_date(date)) {
        (Some(f), Some(d)) => plain(f.date.format(&d).to_string()),
        _ => date.format("%A, %B %-d").to_string(),
    }
}

/// "today", "tomorrow", or the date as [`date`] writes it.
pub fn day(date_: NaiveDate, today: NaiveDate, lang: Language) -> String {
    match (date_ - today).num_days() {
        0 => text(lang, "day-today", None),
        1 => text(lang, "day-tomorrow", None),
        _ => date(date_, lang),
    }
}

/// Whether `label` (a [`day`] or a moment built on one) names today or tomorrow rather than
/// a date: some languages need a preposition before a date but not before "today".
pub fn day_kind(label: &str, lang: Language) -> &'static str {
    if label.starts_with(&text(lang, "day-today", None)) {
        "today"
    } else if label.starts_with(&text(lang, "day-tomorrow", None)) {
        "tomorrow"
    } else {
        "date"
    }
}

/// "2:30 PM" in English, "14:30" in Russian and Hebrew.
pub fn time(at: NaiveTime, lang: Language) -> String {
    let icu = Time::try_new(
        u8::try_from(at.hour()).unwrap_or(0),
        u8::try_from(at.minute()).unwrap_or(0),
        0,
        0,
    );
    match (formatters(lang), icu) {
        (Some(f), Ok(t)) => plain(f.time.format(&t).to_string()),
        _ => at.format("%H:%M").to_string(),
    }
}

/// A wall-clock time given as minutes since midnight; the end of day (24:00) reads as
/// midnight.
pub fn time_of_day(minutes: u32, lang: Language) -> String {
    let at = NaiveTime::from_num_seconds_from_midnight_opt((minutes % (24 * 60)) * 60, 0)
        .unwrap_or_default();
    time(at, lang)
}

/// A day and a time: "tomorrow at 3:00 PM", "вторник, 12 мая, в 15:00", "מחר בשעה 15:00".
pub fn moment(date_: NaiveDate, at: NaiveTime, today: NaiveDate, lang: Language) -> String {
    let a = args([
        ("day", day(date_, today, lang).into()),
        ("time", time(at, lang).into()),
    ]);
    text(lang, "moment", Some(&a))
}

/// A day and a time in a list ("tomorrow, 3:00 PM").
pub fn day_and_time(date_: NaiveDate, at: NaiveTime, today: NaiveDate, lang: Language) -> String {
    let a = args([
        ("day", day(date_, today, lang).into()),
        ("time", time(at, lang).into()),
    ]);
    text(lang, "day-and-time", Some(&a))
}

/// "45 min", "45 мин", "45 דק׳".
pub fn duration(minutes: u32, lang: Language) -> String {
    text(
        lang,
        "duration-minutes",
        Some(&args([("count", minutes.into())])),
    )
}

/// Digits after the decimal point of an ISO 4217 currency.
fn exponent(currency: &str) -> i16 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "TOKENS" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// A currency's symbol where it is unambiguous to our customers; other codes print as is.
fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "ILS" => "₪",
        "RUB" => "₽",
        "JPY" => "¥",
        "CAD" => "CA$",
        "AUD" => "A$",
        _ => return None,
    })
}

/// The absolute value of `minor / 10^exponent` with the locale's separators and all its
/// fraction digits: "1,250.50", "1 250,50".
fn number(minor: i64, exponent: i16, lang: Language) -> String {
    let mut d = Decimal::from(minor.unsigned_abs());
    d.multiply_pow10(-exponent);
    d.absolute.pad_end(-exponent);
    match formatters(lang) {
        Some(f) => f.decimal.format(&d).to_string(),
        None => d.to_string(),
    }
}

/// An amount in minor units of `currency` (ISO 4217, or `TOKENS`): "$45.00", "45,00 ₽",
/// "45.00 ₪", "12.50 CHF", "150 tokens".
pub fn money(minor: i64, currency: &str, lang: Language) -> String {
    let code = currency.trim().to_ascii_uppercase();
    let amount = number(minor, exponent(&code), lang);
    let minus = if minor < 0 { "-" } else { "" };
    if code == "TOKENS" {
        let a = args([
            ("minus", minus.into()),
            ("amount", amount.into()),
            ("count", FluentValue::from(minor.unsigned_abs())),
        ]);
        return text(lang, "money-tokens", Some(&a));
    }
    let a = match symbol(&code) {
        Some(s) => args([
            ("minus", minus.into()),
            ("amount", amount.into()),
            ("symbol", s.into()),
        ]),
        None => args([
            ("minus", minus.into()),
            ("amount", amount.into()),
            ("symbol", code.clone().into()),
        ]),
    };
    let id = if symbol(&code).is_some() {
        "money"
    } else {
        "money-code"
    };
    text(lang, id, Some(&a))
}

/// [`money`] for a typed amount.
pub fn money_of(m: Money, lang: Language) -> String {
    money(m.minor, m.currency.code(), lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn weekday_names_are_the_languages_own() {
        assert_eq!(weekday(Weekday::Sun, Language::En), "Sunday");
        assert_eq!(weekday(Weekday::Sun, Language::Ru), "воскресенье");
        assert_eq!(weekday(Weekday::Sun, Language::He), "יום ראשון");
        assert_eq!(weekday(Weekday::Fri, Language::Ru), "пятница");
        assert_eq!(weekday(Weekday::Fri, Language::He), "יום שישי");
    }

    #[test]
    fn english_uses_a_12_hour_clock_russian_and_hebrew_a_24_hour_one() {
        assert_eq!(time(t(14, 30), Language::En), "2:30 PM");
        assert_eq!(time(t(9, 0), Language::En), "9:00 AM");
        assert_eq!(time(t(14, 30), Language::Ru), "14:30");
        assert_eq!(time(t(9, 0), Language::Ru), "09:00");
        assert_eq!(time(t(14, 30), Language::He), "14:30");
    }

    #[test]
    fn dates_follow_the_locales_order_and_names() {
        let may12 = d(2026, 5, 12);
        assert_eq!(date(may12, Language::En), "Tuesday, May 12");
        assert_eq!(date(may12, Language::Ru), "вторник, 12 мая");
        assert_eq!(date(may12, Language::He), "יום שלישי, 12 במאי");
        assert_eq!(day(may12, d(2026, 5, 11), Language::Ru), "завтра");
        assert_eq!(day(may12, may12, Language::He), "היום");
    }

    #[test]
    fn money_uses_the_locales_separators_and_symbol_place() {
        assert_eq!(money(4500, "USD", Language::En), "$45.00");
        assert_eq!(money(125_050, "EUR", Language::En), "€1,250.50");
        assert_eq!(money(4500, "RUB", Language::Ru), "45,00 ₽");
        assert_eq!(money(25_000_000, "RUB", Language::Ru), "250\u{a0}000,00 ₽");
        assert_eq!(money(4500, "ils", Language::He), "45.00 ₪");
        assert_eq!(money(-5, "USD", Language::En), "-$0.05");
        assert_eq!(money(1500, "JPY", Language::En), "¥1,500");
        assert_eq!(money(1250, "CHF", Language::En), "12.50 CHF");
        assert_eq!(money(150, "TOKENS", Language::En), "150 tokens");
        assert_eq!(money(1, "TOKENS", Language::En), "1 token");
        assert_eq!(money(3, "TOKENS", Language::Ru), "3 токена");
        assert_eq!(
            money(i64::MIN, "USD", Language::En),
            "-$92,233,720,368,547,758.08"
        );
    }
}
