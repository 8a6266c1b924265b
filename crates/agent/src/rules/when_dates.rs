//! Dates as customers name them: numeric and month-name dates, weekdays (typos included),
//! "tomorrow", "in 3 days", "next week", a day of the month alone, and dates that were named
//! but cannot be read (which are asked about, never guessed).
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use switchboard_domain::Language;

use super::text::Text;
use super::when::{DateSpec, num, take};
use super::when_patterns::{
    EN_DAY_MONTH, EN_MONTH_DAY, HE_DAY_MONTH, IN_DAYS, ISO_DATE, NUM_DATE, RU_DAY_MONTH,
    month_number,
};

/// The next date with day of month `n` from today on (this month or the next that has it).
pub(super) fn day_of_month(today: NaiveDate, n: u32) -> Option<NaiveDate> {
    if !(1..=31).contains(&n) {
        return None;
    }
    let mut first = today.with_day(1)?;
    for _ in 0..3 {
        if let Some(d) = first.with_day(n).filter(|d| *d >= today) {
            return Some(d);
        }
        first = first.checked_add_months(chrono::Months::new(1))?;
    }
    None
}

/// Something that names a date but was not read as one: an impossible numeric date, a month
/// without a day, "числа" or "לחודש" with no number.
pub(super) fn unread_date(rest: &str, text: &Text) -> bool {
    if let Some(re) = NUM_DATE.as_ref()
        && let Some(c) = re.captures(rest)
    {
        let a: u32 = c.get(1).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        let b: u32 = c.get(3).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        let slash = c.get(2).is_some_and(|m| m.as_str() == "/");
        // A dotted pair that is a valid clock time ("15.30") is a time, not a date.
        if slash || a > 23 || b > 59 {
            return true;
        }
    }
    let months = [
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "январ*",
        "феврал*",
        "март*",
        "апрел*",
        "июн*",
        "июл*",
        "август*",
        "сентябр*",
        "октябр*",
        "ноябр*",
        "декабр*",
        "ינואר",
        "פברואר",
        "מרץ",
        "אפריל",
        "יוני",
        "יולי",
        "אוגוסט",
        "ספטמבר",
        "אוקטובר",
        "נובמבר",
        "דצמבר",
    ];
    text.has_any(&months) || text.has_any(&["числа", "число", "לחודש", "of the month", "date"])
}

fn year_of(g: &[Option<String>], i: usize) -> Option<i32> {
    let y: i32 = g.get(i)?.as_deref()?.parse().ok()?;
    Some(if y < 100 { 2000 + y } else { y })
}

/// A day and month without a year means the next such date from today on.
fn upcoming(today: NaiveDate, month: u32, day: u32, year: Option<i32>) -> Option<NaiveDate> {
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let this = NaiveDate::from_ymd_opt(today.year(), month, day);
    match this {
        Some(d) if d >= today => Some(d),
        _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
    }
}

pub(super) fn explicit_date(s: &mut String, lang: Language, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(g) = take(&ISO_DATE, s) {
        let y = g.get(1)?.as_deref()?.parse().ok()?;
        return NaiveDate::from_ymd_opt(y, num(&g, 2)?, num(&g, 3)?);
    }
    for re in [&EN_DAY_MONTH, &RU_DAY_MONTH, &HE_DAY_MONTH] {
        if let Some(g) = take(re, s) {
            let month = month_number(g.get(2)?.as_deref()?)?;
            return upcoming(today, month, num(&g, 1)?, year_of(&g, 3));
        }
    }
    if let Some(g) = take(&EN_MONTH_DAY, s) {
        let month = month_number(g.get(1)?.as_deref()?)?;
        return upcoming(today, month, num(&g, 2)?, year_of(&g, 3));
    }
    // Only consume a numeric pair when it is a valid date: `15.30` is a time.
    let re = NUM_DATE.as_ref()?;
    let (range, a, sep, b, year) = {
        let caps = re.captures(s)?;
        let a: u32 = caps.get(1)?.as_str().parse().ok()?;
        let b: u32 = caps.get(3)?.as_str().parse().ok()?;
        let year = caps.get(4).and_then(|m| m.as_str().parse::<i32>().ok());
        let sep = caps.get(2)?.as_str() == "/";
        (caps.get(0)?.range(), a, sep, b, year)
    };
    let year = year.map(|y| if y < 100 { 2000 + y } else { y });
    // Dots are always day-first; a slash is month-first in English. The other reading is
    // tried when the first is impossible (`25/12` in English).
    let (first, second) = if sep && lang == Language::En {
        ((b, a), (a, b))
    } else {
        ((a, b), (b, a))
    };
    let date = upcoming(today, first.1, first.0, year).or_else(|| {
        if sep {
            upcoming(today, second.1, second.0, year)
        } else {
            None
        }
    })?;
    s.replace_range(range.clone(), &" ".repeat(range.len()));
    Some(date)
}

const WEEKDAYS: [(Weekday, &[&str]); 7] = [
    (
        Weekday::Mon,
        &[
            "monday",
            "mon",
            "понедельн*",
            "понеделн*",
            "панедельн*",
            "пн",
        ],
    ),
    (
        Weekday::Tue,
        &["tuesday", "tue", "tues", "вторник*", "вторнек*", "вт"],
    ),
    (
        Weekday::Wed,
        &[
            "wednesday",
            "wed",
            "weds",
            "среда",
            "среду",
            "среды",
            "серед*",
            "ср",
        ],
    ),
    (
        Weekday::Thu,
        &[
            "thursday",
            "thu",
            "thur",
            "thurs",
            "четверг*",
            "четверк*",
            "четверьг*",
            "чт",
        ],
    ),
    (
        Weekday::Fri,
        &["friday", "fri", "пятниц*", "пятнец*", "питниц*", "пт"],
    ),
    (
        Weekday::Sat,
        &["saturday", "sat", "суббот*", "субот*", "сб", "שבת"],
    ),
    (
        Weekday::Sun,
        &[
            "sunday",
            "sun",
            "воскресен*",
            "воскресень*",
            "воскрес*",
            "вс",
        ],
    ),
];

/// Hebrew weekday names and letters, Sunday first; they need `יום` before them or a `ב`
/// prefix, because `שני` alone also means "second" and `ראשון` "first".
const HE_WEEKDAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Sun, "ראשון", "א"),
    (Weekday::Mon, "שני", "ב"),
    (Weekday::Tue, "שלישי", "ג"),
    (Weekday::Wed, "רביעי", "ד"),
    (Weekday::Thu, "חמישי", "ה"),
    (Weekday::Fri, "שישי", "ו"),
    (Weekday::Sat, "שבת", "ש"),
];

fn weekday(text: &Text) -> Option<Weekday> {
    for (day, pats) in WEEKDAYS {
        if text.has_any(pats) {
            return Some(day);
        }
    }
    // English names as typed in a hurry: "thrusday", "wendsday", "firday".
    for w in text.letter_words().filter(|w| w.len() >= 6 && w.is_ascii()) {
        for (day, pats) in WEEKDAYS {
            let Some(full) = pats.first() else { continue };
            let limit = if full.len() >= 8 { 2 } else { 1 };
            if super::text::edit_distance(w, full) <= limit {
                return Some(day);
            }
        }
    }
    for (i, w) in text.words.iter().enumerate() {
        let next = text.words.get(i + 1).map(String::as_str);
        let is_yom = w == "יום" || w == "ביום" || w == "וביום" || w == "ליום";
        for (day, name, letter) in HE_WEEKDAYS {
            if is_yom && next.is_some_and(|n| n == name || n == letter) {
                return Some(day);
            }
            if w.strip_prefix('ב') == Some(name) || w.strip_prefix("וב") == Some(name) {
                return Some(day);
            }
        }
    }
    None
}

fn next_weekday(today: NaiveDate, day: Weekday) -> NaiveDate {
    let ahead = (7 + day.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    today + Duration::days(if ahead == 0 { 7 } else { i64::from(ahead) })
}

pub(super) fn relative_date(
    text: &Text,
    s: &mut String,
    lang: Language,
    today: NaiveDate,
) -> Option<DateSpec> {
    let day = |d: NaiveDate| Some(DateSpec::Day { date: d });
    if text.has_any(&["day after tomorrow", "послезавтра", "מחרתיים"]) {
        return day(today + Duration::days(2));
    }
    if text.has_any(&[
        "tomorrow",
        "tmrw",
        "tmr",
        "tomorow",
        "tommorow",
        "tommorrow",
        "tomorrw",
        "2morrow",
        "2moro",
        "завтра",
        "завтро",
        "зафтра",
        "מחר",
    ]) {
        return day(today + Duration::days(1));
    }
    if text.has_any(&[
        "today",
        "tonight",
        "tday",
        "2day",
        "сегодня",
        "седня",
        "сегодни",
        "היום",
    ]) {
        return day(today);
    }
    if let Some(g) = take(&IN_DAYS, s) {
        let n = num(&g, 1).or_else(|| num(&g, 2)).or_else(|| num(&g, 3))?;
        return day(today + Duration::days(i64::from(n)));
    }
    if text.has_any(&["через неделю", "in a week"]) {
        return day(today + Duration::days(7));
    }
    let next_week = text.has_any(&["next week", "следующ* недел*", "שבוע הבא", "שבוע הקרוב"]);
    let wd = weekday(text);
    if next_week {
        // Israel's week starts on Sunday, Russia's and (for booking purposes) ours on Monday.
        let first = if lang == Language::He {
            Weekday::Sun
        } else {
            Weekday::Mon
        };
        let start = next_weekday(today, first);
        return match wd {
            Some(d) => {
                let offset = (7 + d.num_days_from_monday() - first.num_days_from_monday()) % 7;
                day(start + Duration::days(i64::from(offset)))
            }
            None => Some(DateSpec::Week { start }),
        };
    }
    wd.and_then(|d| day(next_weekday(today, d)))
}
