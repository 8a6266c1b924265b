//! Weekly opening hours as local wall-clock times: a time of day, an opening interval, and the
//! seven days of a week.
use std::fmt;

use chrono::Weekday;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::CalendarError;

/// Minutes since local midnight, `00:00` to `24:00` inclusive. `24:00` exists so a day can be
/// open until midnight without wrapping into the next day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    /// `None` unless `hour:minute` lies in `00:00..=24:00`.
    pub fn new(hour: u32, minute: u32) -> Option<Self> {
        let total = hour.checked_mul(60)?.checked_add(minute)?;
        if minute >= 60 || total > 24 * 60 {
            return None;
        }
        u16::try_from(total).ok().map(TimeOfDay)
    }

    pub fn from_minutes(minutes: u32) -> Option<Self> {
        Self::new(minutes / 60, minutes % 60)
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    /// Parses `H:MM` or `HH:MM` (seconds, if present as `:00`, are accepted and dropped).
    pub fn parse(s: &str) -> Result<Self, CalendarError> {
        let bad = || CalendarError::BadTimeOfDay(s.to_string());
        let mut parts = s.trim().split(':');
        let hour = parts.next().ok_or_else(bad)?;
        let minute = parts.next().ok_or_else(bad)?;
        if let Some(sec) = parts.next()
            && (sec != "00" || parts.next().is_some())
        {
            return Err(bad());
        }
        if hour.is_empty() || hour.len() > 2 || minute.len() != 2 {
            return Err(bad());
        }
        let hour: u32 = hour.parse().map_err(|_| bad())?;
        let minute: u32 = minute.parse().map_err(|_| bad())?;
        Self::new(hour, minute).ok_or_else(bad)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeOfDay::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for TimeOfDay {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$"))
            .examples([serde_json::json!("09:30")])
            .into()
    }
}

impl utoipa::ToSchema for TimeOfDay {}

/// One opening interval of a day in local time, `start < end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "RawInterval")]
pub struct OpenInterval {
    start: TimeOfDay,
    end: TimeOfDay,
}

#[derive(Deserialize)]
struct RawInterval {
    start: TimeOfDay,
    end: TimeOfDay,
}

impl TryFrom<RawInterval> for OpenInterval {
    type Error = CalendarError;
    fn try_from(raw: RawInterval) -> Result<Self, Self::Error> {
        OpenInterval::new(raw.start, raw.end)
    }
}

impl OpenInterval {
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Result<Self, CalendarError> {
        if end <= start {
            return Err(CalendarError::EmptyInterval { start, end });
        }
        Ok(Self { start, end })
    }

    /// `"09:00", "18:00"` style constructor for configuration and tests.
    pub fn parse(start: &str, end: &str) -> Result<Self, CalendarError> {
        Self::new(TimeOfDay::parse(start)?, TimeOfDay::parse(end)?)
    }

    pub fn start(&self) -> TimeOfDay {
        self.start
    }

    pub fn end(&self) -> TimeOfDay {
        self.end
    }
}

/// Opening hours for each day of the week; an empty list means closed that day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct WeeklyHours {
    pub mon: Vec<OpenInterval>,
    pub tue: Vec<OpenInterval>,
    pub wed: Vec<OpenInterval>,
    pub thu: Vec<OpenInterval>,
    pub fri: Vec<OpenInterval>,
    pub sat: Vec<OpenInterval>,
    pub sun: Vec<OpenInterval>,
}

impl WeeklyHours {
    /// The same intervals on each of `days`, closed on the others.
    pub fn on(days: &[Weekday], intervals: &[OpenInterval]) -> Self {
        let mut hours = Self::default();
        for day in days {
            *hours.day_mut(*day) = intervals.to_vec();
        }
        hours
    }

    pub fn day(&self, day: Weekday) -> &[OpenInterval] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<OpenInterval> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }

    pub fn is_closed_all_week(&self) -> bool {
        self.intervals().next().is_none()
    }

    /// Every opening interval of the week, Monday first.
    pub fn intervals(&self) -> impl Iterator<Item = &OpenInterval> {
        [
            &self.mon, &self.tue, &self.wed, &self.thu, &self.fri, &self.sat, &self.sun,
        ]
        .into_iter()
        .flatten()
    }
}
