//! The regular expressions behind date and time parsing, compiled once. A pattern that failed
//! to compile would be `None` and simply never match; a test proves they all compile.
use std::sync::LazyLock;

use regex::Regex;

pub(super) static ISO_DATE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b").ok());
pub(super) static NUM_DATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.:/])(\d{1,2})([./])(\d{1,2})(?:[./](\d{4}|\d{2}))?(?:$|[^\d:/])").ok()
});
pub(super) static EN_DAY_MONTH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({EN_MONTHS})\b\.?(?:\s+(\d{{4}}))?"
    ))
    .ok()
});
pub(super) static EN_MONTH_DAY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({EN_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"
    ))
    .ok()
});
pub(super) static RU_DAY_MONTH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"\b(\d{1,2})\s+(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)\p{L}*(?:\s+(\d{4}))?",
    )
    .ok()
});
pub(super) static HE_DAY_MONTH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(\d{1,2})\s*(?:ב|ל)?-?\s*(ינואר|פברואר|מרץ|מרס|אפריל|מאי|יוני|יולי|אוגוסט|ספטמבר|אוקטובר|נובמבר|דצמבר)(?:\s+(\d{4}))?",
    )
    .ok()
});
pub(super) static IN_DAYS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:\bin\s+(\d{1,2})\s+days?\b|через\s+(\d{1,2})\s+(?:дн|день|дня)|בעוד\s+(\d{1,2})\s+ימים)",
    )
    .ok()
});
pub(super) static CLOCK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.:/])(\d{1,2})[:.](\d{2})(?:\s*([ap])\.?\s?m\b\.?)?(?:$|[^\d])").ok()
});
pub(super) static AM_PM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\d:.])(\d{1,2})\s*([ap])\.?\s?m\b\.?").ok());
pub(super) static RU_HOUR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^\p{L}])(?:во?|к|около)\s+(\d{1,2})(?:\s*(?:час\p{L}*|ч\b\.?))?(?:\s+(утра|дня|вечера|ночи))?(?:$|[^\d:.\p{L}])",
    )
    .ok()
});
pub(super) static RU_HOUR_PART: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d])(\d{1,2})\s*(?:час\p{L}*\s*)?(утра|дня|вечера|ночи)\b").ok()
});
pub(super) static HE_HOUR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\p{L}])(?:ב|ל|סביב|בסביבות)(?:שעה)?\s*-?\s*(\d{1,2})(?:$|[^\d:.])").ok()
});
pub(super) static EN_AT_HOUR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:\b(?:at|around|about|by)\s+|@\s*)(\d{1,2})(?:\s*o'?clock)?(?:$|[^\d:.\p{L}])")
        .ok()
});
/// "7 in the evening", "7 בערב": an hour with its part of the day and no "at".
pub(super) static HOUR_PART: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?:^|[^\d:.])(\d{1,2})\s+(?:in\s+the\s+|this\s+)?(morning|afternoon|evening|night|בבוקר|בצהריים|אחה"צ|בערב|בלילה)"#,
    )
    .ok()
});
/// A day of the month alone: "on the 15th", "15-го", "15 числа", "ב-15 לחודש".
pub(super) static ORDINAL_DAY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:\b(\d{1,2})(?:st|nd|rd|th)\b|(?:^|[^\d:.])(\d{1,2})\s*-?\s*(?:го|е|ое|ого)(?:\s+числа)?(?:$|[^\p{L}])|(?:^|[^\d:.])(\d{1,2})\s+числ[ао]|(?:^|[^\d:.])(\d{1,2})\s*לחודש)",
    )
    .ok()
});
/// An hour with no "at" that only a time can be: "make it 4", "can we do 4", "4 instead",
/// "4 works", "10ish",
/// "лучше 4", "תעשי 4", or a bare number right after a day ("tomorrow 3", "מחר 5").
pub(super) static BARE_HOUR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?:^|[^\p{L}])(?:make\s+it|(?:can|could)\s+(?:we|you|i)\s+do|let'?s\s+do|change\s+it\s+to|how\s+about|what\s+about|rather|instead|давайте|давай|лучше|тогда|можно|תעשי|תעשה|תעשו|עדיף|אולי|יותר\s+טוב)",
        r"|\b(?:today|tonight|tomorrow|tmrw|tmr|tomorow|tommorow|mon|monday|tue|tues|tuesday|wed|weds|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)",
        r"|(?:^|[^\p{L}])(?:сегодня|завтра|послезавтра|пн|вт|ср|чт|пт|сб|вс|היום|מחר|מחרתיים))",
        r"\s+(\d{1,2})(?:\s*-?ish)?(?:$|[^\d:./\p{L}])",
        r"|(?:^|[^\d:./])(\d{1,2})\s*-?ish\b",
        r"|(?:^|[^\d:./])(\d{1,2})\s+instead\b",
        r"|(?:^|[^\d:./])(\d{1,2})\s+(?:works|would\s+work|is\s+(?:fine|good|ok|okay|better)|pls|please)\b",
    ))
    .ok()
});
pub(super) static OCLOCK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})\s*o'?clock\b").ok());

const EN_MONTHS: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";

/// Every pattern, so a test can prove they all compile.
#[cfg(test)]
pub(crate) fn all_patterns() -> Vec<&'static LazyLock<Option<Regex>>> {
    vec![
        &ISO_DATE,
        &NUM_DATE,
        &EN_DAY_MONTH,
        &EN_MONTH_DAY,
        &RU_DAY_MONTH,
        &HE_DAY_MONTH,
        &IN_DAYS,
        &CLOCK,
        &AM_PM,
        &RU_HOUR,
        &RU_HOUR_PART,
        &HE_HOUR,
        &EN_AT_HOUR,
        &OCLOCK,
        &BARE_HOUR,
        &HOUR_PART,
        &ORDINAL_DAY,
    ]
}

pub(super) fn month_number(name: &str) -> Option<u32> {
    const TABLE: [(&str, u32); 36] = [
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
        ("январ", 1),
        ("феврал", 2),
        ("март", 3),
        ("апрел", 4),
        ("ма", 5),
        ("июн", 6),
        ("июл", 7),
        ("август", 8),
        ("сентябр", 9),
        ("октябр", 10),
        ("ноябр", 11),
        ("декабр", 12),
        ("ינואר", 1),
        ("פברואר", 2),
        ("מר", 3),
        ("אפריל", 4),
        ("מאי", 5),
        ("יוני", 6),
        ("יולי", 7),
        ("אוגוסט", 8),
        ("ספטמבר", 9),
        ("אוקטובר", 10),
        ("נובמבר", 11),
        ("דצמבר", 12),
    ];
    TABLE
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))
        .map(|(_, n)| *n)
}
