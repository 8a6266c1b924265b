//! Turning local wall-clock times into UTC instants, with the daylight-saving rules spelled out
//! once: a time that does not exist (spring forward) is no slot start, an ambiguous one (fall
//! back) means its earlier instant.
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant a slot starting at local `at` begins: `None` inside a DST gap, the earlier of
/// the two instants when the wall clock shows `at` twice.
pub fn resolve_start(tz: Tz, at: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&at)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The instant an opening-hours boundary at local `at` stands for. Unlike a slot start a
/// boundary always exists: inside a gap it is the moment the clocks jump, the first instant
/// whose wall time is past `at`, so everything open before and after the gap stays open.
pub fn resolve_boundary(tz: Tz, at: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Gaps are whole minutes in every current zone and never longer than a day.
    (0..=24 * 60).find_map(|m| resolve_start(tz, at + Duration::minutes(m)))
}

/// The UTC range `[start, end)` covered by local calendar day `day` in `tz` (23, 24 or 25 hours
/// long around DST changes).
pub fn local_day_bounds(tz: Tz, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let next = day.succ_opt()?;
    let start = resolve_boundary(tz, day.and_hms_opt(0, 0, 0)?)?;
    let end = resolve_boundary(tz, next.and_hms_opt(0, 0, 0)?)?;
    Some((start, end))
}
