//! The business's weekly opening hours as the agent reads them: when it is open (to tell a
//! customer "we're closed then" instead of "that time is taken") and how to write the week in
//! the customer's language, starting from the business's first working day.
use chrono::{NaiveTime, Timelike, Weekday};
use switchboard_domain::Language;
use switchboard_domain::calendar::{TimeOfDay, WeeklyHours};
use switchboard_i18n::{args, format, text};

/// Monday first, as `Weekday::num_days_from_monday` counts.
const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Opening and closing time of one day.
type Span = (TimeOfDay, TimeOfDay);

fn index(day: Weekday) -> usize {
    usize::try_from(day.num_days_from_monday()).unwrap_or(0)
}

/// For each weekday, the span from the earliest opening to the latest closing of anyone
/// working that day; `None` when nobody works. All closed means the hours are unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpeningHours {
    days: [Option<Span>; 7],
}

impl OpeningHours {
    /// The business's hours from its staff's weekly hours.
    pub fn from_staff<'a>(hours: impl IntoIterator<Item = &'a WeeklyHours>) -> Self {
        let mut days: [Option<Span>; 7] = [None; 7];
        for week in hours {
            for (i, day) in WEEK.iter().enumerate() {
                for interval in week.day(*day) {
                    let (start, end) = (interval.start(), interval.end());
                    if let Some(slot) = days.get_mut(i) {
                        *slot = Some(match *slot {
                            Some((s, e)) => (s.min(start), e.max(end)),
                            None => (start, end),
                        });
                    }
                }
            }
        }
        Self { days }
    }

    /// Whether any day is open; without hours nothing is ever called closed.
    pub fn is_known(&self) -> bool {
        self.days.iter().any(Option::is_some)
    }

    pub fn span(&self, day: Weekday) -> Option<Span> {
        self.days.get(index(day)).copied().flatten()
    }

    /// Nobody works on `day` (and the hours are known).
    pub fn is_closed_on(&self, day: Weekday) -> bool {
        self.is_known() && self.span(day).is_none()
    }

    /// The business is closed at local time `at` on `day`: a closed day, or before opening
    /// or from closing time on.
    pub fn is_closed_at(&self, day: Weekday, at: NaiveTime) -> bool {
        if !self.is_known() {
            return false;
        }
        let minutes = at.hour() * 60 + at.minute();
        match self.span(day) {
            Some((open, close)) => minutes < open.minutes() || minutes >= close.minutes(),
            None => true,
        }
    }

    /// The day the business's week starts on: the first open day after its longest run of
    /// closed days (Sunday for a Sunday–Thursday business), Monday when it never closes.
    pub fn first_day(&self) -> Weekday {
        let closed = |i: usize| self.days.get(i % 7).is_some_and(Option::is_none);
        let mut best: Option<(usize, usize)> = None; // (run length, first open day after it)
        for start in 0..7 {
            // Only count runs from their beginning.
            if !closed(start) || closed(start + 6) {
                continue;
            }
            let len = (start..start + 7).take_while(|i| closed(*i)).count();
            if len < 7 && best.is_none_or(|(l, _)| len > l) {
                best = Some((len, (start + len) % 7));
            }
        }
        best.and_then(|(_, i)| WEEK.get(i).copied())
            .unwrap_or(Weekday::Mon)
    }

    /// The week in `lang`, one line per run of days with the same hours, from
    /// [`first_day`](Self::first_day): "Sunday–Thursday: 9:00 AM – 6:00 PM" /
    /// "воскресенье – четверг: 09:00–18:00". `None` when the hours are unknown.
    pub fn describe(&self, lang: Language) -> Option<String> {
        if !self.is_known() {
            return None;
        }
        let first = index(self.first_day());
        let order: Vec<Weekday> = (first..first + 7)
            .filter_map(|i| WEEK.get(i % 7).copied())
            .collect();
        let mut runs: Vec<(Weekday, Weekday, Option<Span>)> = Vec::new();
        for day in order {
            let span = self.span(day);
            match runs.last_mut() {
                Some((_, last, s)) if *s == span => *last = day,
                _ => runs.push((day, day, span)),
            }
        }
        let lines: Vec<String> = runs
            .iter()
            .map(|(a, b, span)| {
                let days = if a == b {
                    format::weekday(*a, lang)
                } else {
                    let range = args([
                        ("first", format::weekday(*a, lang).into()),
                        ("last", format::weekday(*b, lang).into()),
                    ]);
                    text(lang, "hours-days", Some(&range))
                };
                match span {
                    Some((open, close)) => {
                        let a = args([
                            ("days", days.into()),
                            ("from", format::time_of_day(open.minutes(), lang).into()),
                            ("to", format::time_of_day(close.minutes(), lang).into()),
                        ]);
                        text(lang, "hours-open", Some(&a))
                    }
                    None => text(lang, "hours-closed", Some(&args([("days", days.into())]))),
                }
            })
            .collect();
        Some(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests;
