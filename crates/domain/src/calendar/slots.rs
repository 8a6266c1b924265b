//! The free-slot search: walk each staff member's opening hours in local wall time on a step
//! grid, resolve each start to UTC, and keep what fits the hours, the lead time and the gaps
//! between busy intervals.
use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Interval, Slot, WeeklyHours, local};
use crate::StaffId;

/// The longest date range one search walks, so a bad request cannot loop for years.
const MAX_DAYS: i64 = 366;

/// The start-time grid of a business that has not chosen one: a customer can start at any
/// free quarter-hour.
pub const DEFAULT_GRID_MIN: u32 = 15;

/// How a service occupies the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlotRules {
    /// Length of the appointment itself.
    pub duration_min: u32,
    /// Preparation time before the appointment that must not overlap other bookings.
    #[serde(default)]
    pub buffer_before_min: u32,
    /// Clean-up time after the appointment that must not overlap other bookings.
    #[serde(default)]
    pub buffer_after_min: u32,
    /// No slot starts sooner than `now + lead_time`.
    #[serde(default)]
    pub lead_time_min: u32,
    /// Distance between candidate starts, counted from each opening time (15, 30, ...).
    /// Zero means "the duration".
    #[serde(default)]
    pub step_min: u32,
}

/// One staff member's calendar for the searched range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaffCalendar {
    pub staff_id: StaffId,
    pub hours: WeeklyHours,
    /// Vacations, sick days, breaks: UTC ranges when this person does not work.
    pub time_off: Vec<Interval>,
    /// Existing appointments and active holds.
    pub busy: Vec<Interval>,
}

/// What to search: local calendar days `first_day..=last_day` in the business time zone.
#[derive(Clone, Copy, Debug)]
pub struct SlotQuery {
    pub tz: Tz,
    pub now: DateTime<Utc>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub rules: SlotRules,
}

/// Every free slot of every staff member, ordered by start time then staff id.
///
/// A slot's appointment `[start, start + duration)` lies inside one opening interval of the
/// local day it starts on; widened by the buffers it overlaps no busy interval and no time off
/// (buffers may reach outside opening hours: preparing before opening is fine). Starts are
/// generated on wall-clock times `open, open + step, ...`; a start inside a DST gap is skipped
/// and an ambiguous one resolves to its earlier instant, so a slot is never offered twice.
pub fn free_slots(query: &SlotQuery, staff: &[StaffCalendar]) -> Vec<Slot> {
    let rules = query.rules;
    if rules.duration_min == 0 || query.last_day < query.first_day {
        return Vec::new();
    }
    let step = Duration::minutes(i64::from(if rules.step_min == 0 {
        rules.duration_min
    } else {
        rules.step_min
    }));
    let duration = Duration::minutes(i64::from(rules.duration_min));
    let before = Duration::minutes(i64::from(rules.buffer_before_min));
    let after = Duration::minutes(i64::from(rules.buffer_after_min));
    let earliest = query.now + Duration::minutes(i64::from(rules.lead_time_min));
    let last_day = query
        .last_day
        .min(query.first_day + Duration::days(MAX_DAYS - 1));

    let mut out = Vec::new();
    for cal in staff {
        let blocked = merged(cal.busy.iter().chain(&cal.time_off));
        let mut day = query.first_day;
        while day <= last_day {
            for open in cal.hours.day(day.weekday()) {
                let Some(midnight) = day.and_hms_opt(0, 0, 0) else {
                    continue;
                };
                let open_wall = midnight + Duration::minutes(i64::from(open.start().minutes()));
                let close_wall = midnight + Duration::minutes(i64::from(open.end().minutes()));
                let (Some(open_utc), Some(close_utc)) = (
                    local::resolve_boundary(query.tz, open_wall),
                    local::resolve_boundary(query.tz, close_wall),
                ) else {
                    continue;
                };
                let mut wall = open_wall;
                while wall < close_wall {
                    if let Some(start) = local::resolve_start(query.tz, wall) {
                        let end = start + duration;
                        let padded = Interval::new(start - before, end + after);
                        if start >= open_utc
                            && end <= close_utc
                            && start >= earliest
                            && !hits(&blocked, &padded)
                        {
                            out.push(Slot {
                                start_utc: start,
                                end_utc: end,
                                staff_id: cal.staff_id,
                            });
                        }
                    }
                    wall += step;
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
    }
    out.sort_by_key(|s| (s.start_utc, s.staff_id));
    // Overlapping opening intervals on one day would produce the same slot twice.
    out.dedup();
    out
}

/// Sorted, disjoint union of the non-empty intervals.
fn merged<'a>(intervals: impl Iterator<Item = &'a Interval>) -> Vec<Interval> {
    let mut all: Vec<Interval> = intervals.filter(|i| !i.is_empty()).copied().collect();
    all.sort_by_key(|i| i.start);
    let mut out: Vec<Interval> = Vec::with_capacity(all.len());
    for i in all {
        match out.last_mut() {
            Some(last) if i.start <= last.end => last.end = last.end.max(i.end),
            _ => out.push(i),
        }
    }
    out
}

/// Does `probe` overlap any of the sorted disjoint `blocked` intervals?
fn hits(blocked: &[Interval], probe: &Interval) -> bool {
    // The first interval that ends after the probe starts is the only candidate: every later
    // one starts after it ends.
    let idx = blocked.partition_point(|b| b.end <= probe.start);
    blocked.get(idx).is_some_and(|b| b.overlaps(probe))
}

/// The `n` free slots closest in time to `requested` (for "that time is taken, how about ...").
/// One slot per start time (when several staff are free at once the first listed wins); ties
/// in distance go to the earlier slot; the result is in chronological order.
pub fn nearest_alternatives(requested: DateTime<Utc>, slots: &[Slot], n: usize) -> Vec<Slot> {
    let mut seen = HashSet::new();
    let mut unique: Vec<Slot> = slots
        .iter()
        .filter(|s| seen.insert(s.start_utc))
        .copied()
        .collect();
    unique.sort_by_key(|s| ((s.start_utc - requested).abs(), s.start_utc));
    unique.truncate(n);
    unique.sort_by_key(|s| s.start_utc);
    unique
}
