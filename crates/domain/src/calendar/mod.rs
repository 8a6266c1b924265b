//! Calendar slot maths: weekly opening hours in local time, time off and busy intervals in UTC,
//! and the free appointment slots they leave, correct across daylight-saving changes.
//!
//! Everything here is pure: the store loads hours, time off, appointments and active holds, and
//! these functions compute what can still be booked.

mod hours;
mod local;
mod slots;
mod start;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use hours::{OpenInterval, TimeOfDay, WeeklyHours};
pub use local::{local_day_bounds, resolve_boundary, resolve_start};
pub use slots::{
    DEFAULT_GRID_MIN, SlotQuery, SlotRules, StaffCalendar, free_slots, nearest_alternatives,
};
pub use start::{StartProblem, check_start};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StaffId;

/// The years the calendar accepts. Date arithmetic near chrono's limits panics, and a year
/// like +262142 can arrive from an API client or a model's tool call.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=2200;

/// Whether `t` lies in [`YEARS`].
pub fn plausible(t: DateTime<Utc>) -> bool {
    YEARS.contains(&chrono::Datelike::year(&t))
}

/// Why calendar input was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("time of day must look like HH:MM between 00:00 and 24:00, got {0:?}")]
    BadTimeOfDay(String),
    #[error("an opening interval must end after it starts ({start} - {end})")]
    EmptyInterval { start: TimeOfDay, end: TimeOfDay },
}

/// A half-open UTC range `[start, end)`: an appointment, an active hold or time off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    /// Half-open overlap: back-to-back intervals (one ends when the next starts) do not overlap.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// One bookable slot: a staff member free from `start_utc` to `end_utc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Slot {
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub staff_id: StaffId,
}

impl Slot {
    pub fn interval(&self) -> Interval {
        Interval::new(self.start_utc, self.end_utc)
    }
}
