//! Property tests: whatever the hours, bookings, rules and zone, every returned slot is inside
//! opening hours, after the lead time, and clear of busy time and time off.
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;
use crate::StaffId;

const ZONES: [Tz; 5] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::Moscow,
    chrono_tz::Asia::Jerusalem,
    chrono_tz::UTC,
    chrono_tz::Australia::Lord_Howe, // half-hour DST shift
];

/// Days around the 2026 DST changes of the zones above, plus ordinary ones.
const DAYS: [(i32, u32, u32); 8] = [
    (2026, 3, 7),
    (2026, 3, 26),
    (2026, 4, 4),
    (2026, 5, 12),
    (2026, 10, 3),
    (2026, 10, 24),
    (2026, 10, 31),
    (2026, 12, 31),
];

fn interval_strategy() -> impl Strategy<Value = OpenInterval> {
    // Quarter-hour grid, so DST edges at 00:00-04:00 are hit often.
    (0u32..96, 1u32..40).prop_filter_map("within a day", |(start, len)| {
        let end = (start + len).min(96);
        OpenInterval::new(
            TimeOfDay::from_minutes(start * 15)?,
            TimeOfDay::from_minutes(end * 15)?,
        )
        .ok()
    })
}

fn hours_strategy() -> impl Strategy<Value = WeeklyHours> {
    prop::collection::vec(prop::collection::vec(interval_strategy(), 0..3), 7).prop_map(|days| {
        let mut hours = WeeklyHours::default();
        let weekdays = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        for (day, intervals) in weekdays.iter().zip(days) {
            *hours.day_mut(*day) = intervals;
        }
        hours
    })
}

fn base(day: (i32, u32, u32)) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(day.0, day.1, day.2)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .unwrap()
}

/// Intervals as (offset minutes from the day before the searched range, length).
fn intervals_strategy() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((0i64..(5 * 24 * 60), 1i64..240), 0..8)
}

fn to_intervals(origin: DateTime<Utc>, raw: &[(i64, i64)]) -> Vec<Interval> {
    raw.iter()
        .map(|(off, len)| {
            let start = origin + Duration::minutes(*off);
            Interval::new(start, start + Duration::minutes(*len))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn slots_respect_hours_busy_time_off_and_lead(
        zone in 0usize..ZONES.len(),
        day in 0usize..DAYS.len(),
        span in 0i64..3,
        hours in hours_strategy(),
        busy in intervals_strategy(),
        time_off in intervals_strategy(),
        duration in prop::sample::select(vec![15u32, 30, 45, 60, 90, 120]),
        step in prop::sample::select(vec![0u32, 5, 15, 30, 60]),
        before in 0u32..30,
        after in 0u32..30,
        lead in 0u32..(24 * 60),
        now_offset in 0i64..(3 * 24 * 60),
    ) {
        let tz = ZONES[zone];
        let first_day = NaiveDate::from_ymd_opt(DAYS[day].0, DAYS[day].1, DAYS[day].2).unwrap();
        let origin = base(DAYS[day]) - Duration::days(1);
        let cal = StaffCalendar {
            staff_id: StaffId::new(),
            hours: hours.clone(),
            busy: to_intervals(origin, &busy),
            time_off: to_intervals(origin, &time_off),
        };
        let rules = SlotRules {
            duration_min: duration,
            buffer_before_min: before,
            buffer_after_min: after,
            lead_time_min: lead,
            step_min: step,
        };
        let now = origin + Duration::minutes(now_offset);
        let query = SlotQuery { tz, now, first_day, last_day: first_day + Duration::days(span), rules };
        let slots = free_slots(&query, std::slice::from_ref(&cal));

        for pair in slots.windows(2) {
            prop_assert!(pair[0].start_utc < pair[1].start_utc, "sorted and unique for one staff");
        }
        for slot in &slots {
            prop_assert_eq!(slot.end_utc - slot.start_utc, Duration::minutes(i64::from(duration)));
            prop_assert!(slot.start_utc >= now + Duration::minutes(i64::from(lead)));
            let padded = Interval::new(
                slot.start_utc - Duration::minutes(i64::from(before)),
                slot.end_utc + Duration::minutes(i64::from(after)),
            );
            for b in cal.busy.iter().chain(&cal.time_off) {
                prop_assert!(!padded.overlaps(b), "{:?} overlaps {:?}", slot, b);
            }
            // Within one opening interval of the local day the slot starts on, in wall time.
            let start_local = slot.start_utc.with_timezone(&tz).naive_local();
            let end_local = slot.end_utc.with_timezone(&tz).naive_local();
            let d = start_local.date();
            prop_assert!(d >= query.first_day && d <= query.last_day);
            let midnight = d.and_hms_opt(0, 0, 0).unwrap();
            let inside = hours.day(d.weekday()).iter().any(|open| {
                let o = midnight + Duration::minutes(i64::from(open.start().minutes()));
                let c = midnight + Duration::minutes(i64::from(open.end().minutes()));
                // A closing time inside a DST gap means the jump itself.
                let close = resolve_boundary(tz, c).unwrap();
                start_local >= o && start_local < c && (end_local <= c || slot.end_utc <= close)
            });
            prop_assert!(inside, "{:?} (local {} - {}) outside hours", slot, start_local, end_local);
        }
    }

    #[test]
    fn check_start_agrees_with_the_free_slots(
        zone in 0usize..ZONES.len(),
        day in 0usize..DAYS.len(),
        hours in hours_strategy(),
        busy in intervals_strategy(),
        duration in prop::sample::select(vec![15u32, 30, 45, 60, 90]),
        step in prop::sample::select(vec![5u32, 15, 30, 60]),
        minute in 0i64..(24 * 60),
    ) {
        let tz = ZONES[zone];
        let first_day = NaiveDate::from_ymd_opt(DAYS[day].0, DAYS[day].1, DAYS[day].2).unwrap();
        let origin = base(DAYS[day]) - Duration::days(1);
        let cal = StaffCalendar {
            staff_id: StaffId::new(),
            hours,
            busy: to_intervals(origin, &busy),
            time_off: Vec::new(),
        };
        let rules = SlotRules {
            duration_min: duration,
            buffer_before_min: 0,
            buffer_after_min: 0,
            lead_time_min: 0,
            step_min: step,
        };
        let query = SlotQuery { tz, now: origin - Duration::days(1), first_day, last_day: first_day, rules };
        let wall = first_day.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(minute);
        let Some(start) = resolve_start(tz, wall) else { return Ok(()) };
        let staff = std::slice::from_ref(&cal);
        let free = free_slots(&query, staff).iter().any(|s| s.start_utc == start);
        let got = check_start(&query, staff, start);
        prop_assert_eq!(got.is_ok(), free);
        if got == Err(StartProblem::Taken) {
            prop_assert!(!cal.busy.is_empty(), "taken in an empty calendar");
        }
    }

    #[test]
    fn nearest_alternatives_are_the_closest(
        offsets in prop::collection::vec(0i64..10_000, 0..30),
        requested in 0i64..10_000,
        n in 0usize..6,
    ) {
        let origin = base((2026, 5, 12));
        let staff = StaffId::new();
        let slots: Vec<Slot> = offsets.iter().map(|o| Slot {
            start_utc: origin + Duration::minutes(*o),
            end_utc: origin + Duration::minutes(*o + 30),
            staff_id: staff,
        }).collect();
        let requested = origin + Duration::minutes(requested);
        let alt = nearest_alternatives(requested, &slots, n);
        let mut distinct: Vec<_> = slots.iter().map(|s| s.start_utc).collect();
        distinct.sort();
        distinct.dedup();
        prop_assert_eq!(alt.len(), n.min(distinct.len()));
        for pair in alt.windows(2) {
            prop_assert!(pair[0].start_utc < pair[1].start_utc);
        }
        let worst = alt.iter().map(|s| (s.start_utc - requested).abs()).max();
        if let Some(worst) = worst {
            let closer = distinct.iter().filter(|t| (**t - requested).abs() < worst).count();
            prop_assert!(closer < alt.len(), "a closer slot was left out");
        }
    }
}
