//! Localised formatting of money, times and dates for replies. Money stays in integer minor
//! units all the way to the string.
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use switchboard_domain::Language;

/// Digits after the decimal point of an ISO 4217 currency.
fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// Groups the integer part in threes with `sep`.
fn group(mut n: u64, sep: &str) -> String {
    let mut parts = Vec::new();
    loop {
        if n < 1000 {
            parts.push(n.to_string());
            break;
        }
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join(sep)
}

/// `$45.00`, `45,00 ₽`, `₪45.00`, `€1,250.50`, `12.50 CHF`.
pub fn money(minor: i64, currency: &str) -> String {
    let currency = currency.trim().to_ascii_uppercase();
    let exp = exponent(&currency);
    let scale = 10u64.pow(exp);
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    let (major, fraction) = (abs / scale, abs % scale);
    let with = |thousands: &str, decimal: &str| {
        if exp == 0 {
            group(major, thousands)
        } else {
            format!(
                "{}{decimal}{:0width$}",
                group(major, thousands),
                fraction,
                width = usize::try_from(exp).unwrap_or(2)
            )
        }
    };
    match currency.as_str() {
        "USD" => format!("{sign}${}", with(",", ".")),
        "EUR" => format!("{sign}€{}", with(",", ".")),
        "GBP" => format!("{sign}£{}", with(",", ".")),
        "ILS" => format!("{sign}₪{}", with(",", ".")),
        "RUB" => format!("{sign}{} ₽", with("\u{a0}", ",")),
        other => format!("{sign}{} {other}", with(",", ".")),
    }
}

pub fn duration(minutes: u32, lang: Language) -> String {
    match lang {
        Language::En => format!("{minutes} min"),
        Language::Ru => format!("{minutes} мин"),
        Language::He => format!("{minutes} דק׳"),
    }
}

/// `3:00 PM` in English, `15:00` in Russian and Hebrew.
pub fn time(at: DateTime<Tz>, lang: Language) -> String {
    match lang {
        Language::En => {
            let (pm, h) = at.hour12();
            format!("{h}:{:02} {}", at.minute(), if pm { "PM" } else { "AM" })
        }
        _ => format!("{:02}:{:02}", at.hour(), at.minute()),
    }
}

fn weekday_name(day: Weekday, lang: Language) -> &'static str {
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const RU: [&str; 7] = [
        "понедельник",
        "вторник",
        "среда",
        "четверг",
        "пятница",
        "суббота",
        "воскресенье",
    ];
    const HE: [&str; 7] = [
        "יום שני",
        "יום שלישי",
        "יום רביעי",
        "יום חמישי",
        "יום שישי",
        "שבת",
        "יום ראשון",
    ];
    let i = usize::try_from(day.num_days_from_monday()).unwrap_or(0);
    let table = match lang {
        Language::En => &EN,
        Language::Ru => &RU,
        Language::He => &HE,
    };
    table.get(i).copied().unwrap_or_default()
}

fn month_name(month: u32, lang: Language) -> &'static str {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let i = usize::try_from(month.saturating_sub(1)).unwrap_or(0);
    match lang {
        Language::Ru => RU.get(i).copied().unwrap_or_default(),
        _ => EN.get(i).copied().unwrap_or_default(),
    }
}

/// "today", "tomorrow", or "Tuesday, May 12" / "вторник, 12 мая" / "יום שלישי, 12.05".
pub fn day(date: NaiveDate, today: NaiveDate, lang: Language) -> String {
    let delta = (date - today).num_days();
    match (lang, delta) {
        (Language::En, 0) => "today".into(),
        (Language::En, 1) => "tomorrow".into(),
        (Language::Ru, 0) => "сегодня".into(),
        (Language::Ru, 1) => "завтра".into(),
        (Language::He, 0) => "היום".into(),
        (Language::He, 1) => "מחר".into(),
        (Language::En, _) => format!(
            "{}, {} {}",
            weekday_name(date.weekday(), lang),
            month_name(date.month(), lang),
            date.day()
        ),
        (Language::Ru, _) => format!(
            "{}, {} {}",
            weekday_name(date.weekday(), lang),
            date.day(),
            month_name(date.month(), lang)
        ),
        (Language::He, _) => format!(
            "{}, {:02}.{:02}",
            weekday_name(date.weekday(), lang),
            date.day(),
            date.month()
        ),
    }
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
        format!(
            "{}, {}",
            day(local.date_naive(), today, lang),
            time(local, lang)
        )
    } else {
        time(local, lang)
    }
}

/// A moment as a customer reads it: "tomorrow at 3:00 PM", "вторник, 12 мая, в 15:00",
/// "מחר בשעה 15:00".
pub fn moment(at: DateTime<Utc>, tz: Tz, today: NaiveDate, lang: Language) -> String {
    let local = at.with_timezone(&tz);
    let d = day(local.date_naive(), today, lang);
    let t = time(local, lang);
    match lang {
        Language::En if !(0..=1).contains(&(local.date_naive() - today).num_days()) => {
            format!("on {d} at {t}")
        }
        Language::En => format!("{d} at {t}"),
        Language::Ru => format!("{d} в {t}"),
        Language::He => format!("{d} בשעה {t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_minor_units() {
        assert_eq!(money(4500, "USD"), "$45.00");
        assert_eq!(money(4500, "RUB"), "45,00 ₽");
        assert_eq!(money(4500, "ils"), "₪45.00");
        assert_eq!(money(125_050, "EUR"), "€1,250.50");
        assert_eq!(money(25_000_000, "RUB"), "250\u{a0}000,00 ₽");
        assert_eq!(money(-5, "USD"), "-$0.05");
        assert_eq!(money(1500, "JPY"), "1,500 JPY");
        assert_eq!(money(1250, "CHF"), "12.50 CHF");
        assert_eq!(money(i64::MIN, "USD"), "-$92,233,720,368,547,758.08");
    }
}
