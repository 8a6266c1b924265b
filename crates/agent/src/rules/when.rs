//! Natural date and time phrases in English, Russian and Hebrew, read relative to "today" in
//! the business's time zone: "tomorrow at 3pm", "в пятницу в 3 часа дня", "מחר בשעה 15".
//!
//! Conventions: a weekday name means its next occurrence after today; numeric dates are
//! day-first (`25.12`, `25/12`) except `12/25` in English; a bare hour from 1 to 7 with no
//! am/pm or part of day means the afternoon (businesses are rarely open at 3 a.m.).
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveTime, Timelike};
use regex::{Captures, Regex};
use serde::{Deserialize, Serialize};
use switchboard_domain::Language;

use super::text::{Text, word_matches};
use super::when_dates::{day_of_month, explicit_date, relative_date, unread_date};
use super::when_patterns::{
    AM_PM, BARE_HOUR, CLOCK, EN_AT_HOUR, HE_HOUR, HOUR_PART, OCLOCK, ORDINAL_DAY, RU_HOUR,
    RU_HOUR_PART,
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

/// The first match of `re` in `s`, blanked out of `s` so later patterns do not see it again.
pub(super) fn take(re: &LazyLock<Option<Regex>>, s: &mut String) -> Option<Vec<Option<String>>> {
    let re = re.as_ref()?;
    let caps: Captures<'_> = re.captures(s)?;
    let whole = caps.get(0)?.range();
    let groups = (0..caps.len())
        .map(|i| caps.get(i).map(|m| m.as_str().to_string()))
        .collect();
    s.replace_range(whole.clone(), &" ".repeat(whole.len()));
    Some(groups)
}

pub(super) fn num(g: &[Option<String>], i: usize) -> Option<u32> {
    g.get(i)?.as_deref()?.parse().ok()
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
    if let Some(g) = take(&BARE_HOUR, &mut s) {
        let raw = (1..=4).find_map(|i| g.get(i).cloned().flatten())?;
        return to_time(&raw, 0, None, part);
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
