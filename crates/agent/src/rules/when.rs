//! Natural date and time phrases in English, Russian and Hebrew, read relative to "today" in
//! the business's time zone: "tomorrow at 3pm", "в пятницу в 3 часа дня", "מחר בשעה 15".
//!
//! Conventions: a weekday name means its next occurrence after today; numeric dates are
//! day-first (`25.12`, `25/12`) except `12/25` in English; a bare hour from 1 to 7 with no
//! am/pm or part of day means the afternoon (businesses are rarely open at 3 a.m.).
use std::sync::LazyLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike, Weekday};
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};
use switchboard_domain::Language;

use super::text::{Text, word_matches};
use super::when_patterns::{
    AM_PM, CLOCK, EN_AT_HOUR, EN_DAY_MONTH, EN_MONTH_DAY, HE_DAY_MONTH, HE_HOUR, HOUR_PART,
    IN_DAYS, ISO_DATE, NUM_DATE, OCLOCK, ORDINAL_DAY, RU_DAY_MONTH, RU_HOUR, RU_HOUR_PART,
    month_number,
};
use super::when_words::{spell_ru_days, spell_times};

/// A part of the day named in words ("in the morning", "вечером", "בערב").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    Morning,
    Afternoon,
    Evening,
}

impl DayPart {
    /// Local start times this part covers: morning before noon, afternoon until five, evening
    /// after.
    pub fn contains(self, t: NaiveTime) -> bool {
        let h = t.hour();
        match self {
            DayPart::Morning => h < 12,
            DayPart::Afternoon => (12..17).contains(&h),
            DayPart::Evening => h >= 17,
        }
    }
}

/// Which day(s) the customer named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateSpec {
    Day {
        date: NaiveDate,
    },
    /// "next week": the seven days from `start`.
    Week {
        start: NaiveDate,
    },
}

/// Everything about "when" found in one message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct When {
    pub date: Option<DateSpec>,
    pub time: Option<NaiveTime>,
    pub part: Option<DayPart>,
    /// A date was named but could not be read ("the 35th", "31.02", "in May"): it must be
    /// asked about, never replaced by a guess.
    pub unclear_date: bool,
}

impl When {
    pub fn is_empty(&self) -> bool {
        self.date.is_none() && self.time.is_none() && self.part.is_none() && !self.unclear_date
    }

    pub fn day(&self) -> Option<NaiveDate> {
        match self.date {
            Some(DateSpec::Day { date }) => Some(date),
            _ => None,
        }
    }
}

/// Reads the date, time and part of day out of a message.
pub fn parse_when(text: &Text, lang: Language, today: NaiveDate) -> When {
    let mut s = spell_ru_days(&spell_times(&text.norm));
    let mut when = When {
        date: explicit_date(&mut s, lang, today).map(|date| DateSpec::Day { date }),
        ..When::default()
    };
    if when.date.is_none()
        && let Some(day) = take(&ORDINAL_DAY, &mut s)
    {
        let n = (1..=4).find_map(|i| num(&day, i));
        match n.and_then(|n| day_of_month(today, n)) {
            Some(date) => when.date = Some(DateSpec::Day { date }),
            None => when.unclear_date = true,
        }
    }
    if when.date.is_none() && !when.unclear_date {
        when.date = relative_date(text, &mut s, lang, today);
    }
    when.part = day_part(text);
    when.time = time_of_day(&s, when.part);
    if when.date.is_none() && !when.unclear_date {
        when.unclear_date = unread_date(&s, text);
    }
    when
}

/// The next date with day of month `n` from today on (this month or the next that has it).
fn day_of_month(today: NaiveDate, n: u32) -> Option<NaiveDate> {
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
fn unread_date(rest: &str, text: &Text) -> bool {
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
        "january", "february", "march", "april", "june", "july", "august", "september",
        "october", "november", "december", "январ*", "феврал*", "март*", "апрел*", "июн*",
        "июл*", "август*", "сентябр*", "октябр*", "ноябр*", "декабр*", "ינואר", "פברואר", "מרץ",
        "אפריל", "יוני", "יולי", "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר", "דצמבר",
    ];
    text.has_any(&months) || text.has_any(&["числа", "число", "לחודש", "of the month", "date"])
}

/// The first match of `re` in `s`, blanked out of `s` so later patterns do not see it again.
fn take(re: &LazyLock<Option<Regex>>, s: &mut String) -> Option<Vec<Option<String>>> {
    let re = re.as_ref()?;
    let caps: Captures<'_> = re.captures(s)?;
    let whole = caps.get(0)?.range();
    let groups = (0..caps.len())
        .map(|i| caps.get(i).map(|m| m.as_str().to_string()))
        .collect();
    s.replace_range(whole.clone(), &" ".repeat(whole.len()));
    Some(groups)
}

fn num(g: &[Option<String>], i: usize) -> Option<u32> {
    g.get(i)?.as_deref()?.parse().ok()
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

fn explicit_date(s: &mut String, lang: Language, today: NaiveDate) -> Option<NaiveDate> {
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
        &["monday", "mon", "понедельн*", "понеделн*", "панедельн*", "пн"],
    ),
    (Weekday::Tue, &["tuesday", "tue", "tues", "вторник*", "вторнек*", "вт"]),
    (
        Weekday::Wed,
        &["wednesday", "wed", "weds", "среда", "среду", "среды", "серед*", "ср"],
    ),
    (
        Weekday::Thu,
        &["thursday", "thu", "thur", "thurs", "четверг*", "четверк*", "четверьг*", "чт"],
    ),
    (Weekday::Fri, &["friday", "fri", "пятниц*", "пятнец*", "питниц*", "пт"]),
    (Weekday::Sat, &["saturday", "sat", "суббот*", "субот*", "сб", "שבת"]),
    (Weekday::Sun, &["sunday", "sun", "воскресен*", "воскресень*", "воскрес*", "вс"]),
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

fn relative_date(
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
    if text.has_any(&["today", "tonight", "tday", "2day", "сегодня", "седня", "сегодни", "היום"]) {
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

fn day_part(text: &Text) -> Option<DayPart> {
    const PARTS: [(DayPart, &[&str]); 3] = [
        (
            DayPart::Morning,
            &[
                "morning",
                "mornings",
                "утр*",
                "с утра",
                "בוקר",
                "לפני הצהריים",
                "לפנה\"צ",
            ],
        ),
        (
            DayPart::Afternoon,
            &[
                "afternoon",
                "lunch*",
                "днем",
                "после обеда",
                "в обед",
                "к обеду",
                "צהריים",
                "אחה\"צ",
            ],
        ),
        (
            DayPart::Evening,
            &[
                "evening",
                "tonight",
                "after work",
                "вечер*",
                "после работы",
                "ערב",
                "אחרי העבודה",
            ],
        ),
    ];
    for (part, pats) in PARTS {
        for p in pats {
            let Some(i) = text.find(p) else { continue };
            // Greetings name parts of the day without asking for them.
            let prev = i.checked_sub(1).and_then(|j| text.words.get(j));
            let next = text.words.get(i + 1);
            let greeting = prev.is_some_and(|w| w == "good" || w.starts_with("добр"))
                || next.is_some_and(|w| word_matches(w, "טוב*"));
            if !greeting {
                return Some(part);
            }
        }
    }
    None
}

/// Hour and minute from the patterns, made 24-hour by am/pm, a part of day, or the
/// "1 to 7 means afternoon" guess.
fn time_of_day(s: &str, part: Option<DayPart>) -> Option<NaiveTime> {
    let mut s = s.to_string();
    if let Some(g) = take(&CLOCK, &mut s) {
        let raw = g.get(1)?.as_deref()?;
        let ampm = g.get(3).cloned().flatten();
        return to_time(raw, num(&g, 2)?, ampm.as_deref(), part);
    }
    if let Some(g) = take(&AM_PM, &mut s) {
        return to_time(g.get(1)?.as_deref()?, 0, g.get(2)?.as_deref(), part);
    }
    for re in [&RU_HOUR, &RU_HOUR_PART] {
        if let Some(g) = take(re, &mut s) {
            let ru_part = g.get(2).cloned().flatten();
            let raw = g.get(1)?.as_deref()?;
            return match ru_part.as_deref() {
                Some("утра") => to_time(raw, 0, Some("a"), None),
                Some("дня") | Some("вечера") => to_time(raw, 0, Some("p"), None),
                Some(_) => {
                    // "ночи": 12 at night is midnight, 2 at night is 02:00.
                    let h: u32 = raw.parse().ok()?;
                    NaiveTime::from_hms_opt(h % 12, 0, 0)
                }
                None => to_time(raw, 0, None, part),
            };
        }
    }
    if let Some(g) = take(&HOUR_PART, &mut s) {
        let raw = g.get(1)?.as_deref()?;
        let said = g.get(2).cloned().flatten().unwrap_or_default();
        let part = if said.contains("morning") || said == "בבוקר" {
            Some(DayPart::Morning)
        } else {
            Some(DayPart::Evening)
        };
        return to_time(raw, 0, None, part);
    }
    for re in [&HE_HOUR, &EN_AT_HOUR, &OCLOCK] {
        if let Some(g) = take(re, &mut s) {
            return to_time(g.get(1)?.as_deref()?, 0, None, part);
        }
    }
    let t = Text::new(&s);
    if t.has_any(&["noon", "midday", "полдень", "в полдень"]) {
        return NaiveTime::from_hms_opt(12, 0, 0);
    }
    None
}

fn to_time(
    hour: &str,
    minute: u32,
    ampm: Option<&str>,
    part: Option<DayPart>,
) -> Option<NaiveTime> {
    let h: u32 = hour.parse().ok()?;
    let h = match ampm {
        Some(a) if a.starts_with('p') => {
            if h > 12 {
                return None;
            }
            h % 12 + 12
        }
        Some(_) => {
            if h > 12 {
                return None;
            }
            h % 12
        }
        // "07:30" was written deliberately; "7:30" or "7" probably means the evening.
        None if hour.starts_with('0') || h > 12 => h,
        None => match part {
            Some(DayPart::Morning) => h % 12,
            Some(DayPart::Afternoon) | Some(DayPart::Evening) => h % 12 + 12,
            None if (1..=7).contains(&h) => h + 12,
            None => h,
        },
    };
    NaiveTime::from_hms_opt(h, minute, 0)
}
