//! Example-based tests of the slot search, including the 2026 DST changes of New York and
//! Jerusalem and Moscow's lack of them.
use chrono::{DateTime, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::*;
use crate::StaffId;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn every_day(start: &str, end: &str) -> WeeklyHours {
    use Weekday::*;
    WeeklyHours::on(
        &[Mon, Tue, Wed, Thu, Fri, Sat, Sun],
        &[OpenInterval::parse(start, end).unwrap()],
    )
}

fn rules(duration: u32, step: u32) -> SlotRules {
    SlotRules {
        duration_min: duration,
        buffer_before_min: 0,
        buffer_after_min: 0,
        lead_time_min: 0,
        step_min: step,
    }
}

fn query(tz: Tz, day: NaiveDate, rules: SlotRules) -> SlotQuery {
    SlotQuery {
        tz,
        now: utc("2020-01-01T00:00:00Z"),
        first_day: day,
        last_day: day,
        rules,
    }
}

fn staff(hours: WeeklyHours) -> StaffCalendar {
    StaffCalendar {
        staff_id: StaffId::new(),
        hours,
        time_off: vec![],
        busy: vec![],
    }
}

fn starts(slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s.start_utc.format("%Y-%m-%dT%H:%M").to_string())
        .collect()
}

fn local_starts(tz: Tz, slots: &[Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|s| {
            s.start_utc
                .with_timezone(&tz)
                .format("%H:%M%:z")
                .to_string()
        })
        .collect()
}

#[test]
fn time_of_day_parses_and_prints() {
    assert_eq!(TimeOfDay::parse("9:05").unwrap().minutes(), 545);
    assert_eq!(TimeOfDay::parse("24:00").unwrap(), TimeOfDay::END_OF_DAY);
    assert_eq!(TimeOfDay::parse("18:30:00").unwrap().to_string(), "18:30");
    for bad in [
        "24:01", "25:00", "9", "9:5", "ab:cd", "", "12:60", "10:00:30",
    ] {
        assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
    }
    assert!(OpenInterval::parse("18:00", "09:00").is_err());
    let json = serde_json::to_string(&every_day("09:00", "24:00")).unwrap();
    assert!(
        json.contains(r#"{"start":"09:00","end":"24:00"}"#),
        "{json}"
    );
    let back: WeeklyHours = serde_json::from_str(&json).unwrap();
    assert_eq!(back, every_day("09:00", "24:00"));
    assert!(serde_json::from_str::<OpenInterval>(r#"{"start":"10:00","end":"09:00"}"#).is_err());
}

#[test]
fn plain_day_on_a_grid() {
    let tz = chrono_tz::Europe::Moscow;
    let slots = free_slots(
        &query(tz, date(2026, 5, 12), rules(60, 30)),
        &[staff(every_day("09:00", "12:00"))],
    );
    // 09:00 .. 11:00 starts; a 60-minute appointment at 11:30 would run past closing.
    assert_eq!(
        local_starts(tz, &slots),
        [
            "09:00+03:00",
            "09:30+03:00",
            "10:00+03:00",
            "10:30+03:00",
            "11:00+03:00"
        ]
    );
    assert!(
        slots
            .iter()
            .all(|s| s.end_utc - s.start_utc == chrono::Duration::minutes(60))
    );
}

#[test]
fn closed_days_and_zero_duration_give_nothing() {
    let tz = chrono_tz::Europe::Moscow;
    let hours = WeeklyHours::on(
        &[Weekday::Mon],
        &[OpenInterval::parse("09:00", "18:00").unwrap()],
    );
    // 2026-05-12 is a Tuesday.
    assert!(
        free_slots(
            &query(tz, date(2026, 5, 12), rules(30, 30)),
            &[staff(hours.clone())]
        )
        .is_empty()
    );
    assert!(free_slots(&query(tz, date(2026, 5, 11), rules(0, 30)), &[staff(hours)]).is_empty());
}

#[test]
fn busy_buffers_time_off_and_lead_time() {
    let tz = chrono_tz::UTC;
    let mut cal = staff(every_day("09:00", "13:00"));
    cal.busy.push(Interval::new(
        utc("2026-05-12T10:00:00Z"),
        utc("2026-05-12T10:30:00Z"),
    ));
    cal.time_off.push(Interval::new(
        utc("2026-05-12T12:00:00Z"),
        utc("2026-05-12T13:00:00Z"),
    ));
    let mut r = rules(30, 30);
    r.buffer_after_min = 15;
    let mut q = query(tz, date(2026, 5, 12), r);
    q.now = utc("2026-05-12T08:50:00Z");
    q.rules.lead_time_min = 30; // nothing before 09:20
    let slots = free_slots(&q, &[cal]);
    // 09:30 ends 10:00 but its clean-up runs to 10:15, into the 10:00 booking.
    // 10:30 starts right when the booking ends (half-open). 11:30 + 15 min reaches time off.
    assert_eq!(starts(&slots), ["2026-05-12T10:30", "2026-05-12T11:00"]);
}

#[test]
fn buffer_before_keeps_distance_from_previous_booking() {
    let tz = chrono_tz::UTC;
    let mut cal = staff(every_day("09:00", "12:00"));
    cal.busy.push(Interval::new(
        utc("2026-05-12T09:00:00Z"),
        utc("2026-05-12T10:00:00Z"),
    ));
    let mut r = rules(60, 30);
    r.buffer_before_min = 10;
    let slots = free_slots(&query(tz, date(2026, 5, 12), r), &[cal]);
    assert_eq!(starts(&slots), ["2026-05-12T10:30", "2026-05-12T11:00"]);
}

#[test]
fn two_staff_are_merged_in_time_order() {
    let tz = chrono_tz::UTC;
    let a = staff(every_day("09:00", "10:00"));
    let b = staff(every_day("09:30", "10:30"));
    let slots = free_slots(
        &query(tz, date(2026, 5, 12), rules(30, 30)),
        &[a.clone(), b.clone()],
    );
    let who: Vec<_> = slots
        .iter()
        .map(|s| (s.start_utc.format("%H:%M").to_string(), s.staff_id))
        .collect();
    let mut expected = vec![
        ("09:00".to_string(), a.staff_id),
        ("09:30".to_string(), a.staff_id.min(b.staff_id)),
        ("09:30".to_string(), a.staff_id.max(b.staff_id)),
        ("10:00".to_string(), b.staff_id),
    ];
    expected.sort();
    assert_eq!(who, expected);
}

#[test]
fn new_york_spring_forward_skips_missing_times() {
    // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
    let tz = chrono_tz::America::New_York;
    let slots = free_slots(
        &query(tz, date(2026, 3, 8), rules(30, 30)),
        &[staff(every_day("01:00", "05:00"))],
    );
    assert_eq!(
        local_starts(tz, &slots),
        [
            "01:00-05:00",
            "01:30-05:00",
            "03:00-04:00",
            "03:30-04:00",
            "04:00-04:00",
            "04:30-04:00"
        ]
    );
    // In UTC the morning is continuous: 06:00 .. 08:30, no hole and no overlap.
    assert_eq!(starts(&slots)[0], "2026-03-08T06:00");
    assert_eq!(starts(&slots)[2], "2026-03-08T07:00");
}

#[test]
fn new_york_fall_back_takes_the_earlier_instant() {
    // 2026-11-01: clocks fall back from 02:00 EDT to 01:00 EST, so 01:00-02:00 happens twice.
    let tz = chrono_tz::America::New_York;
    let slots = free_slots(
        &query(tz, date(2026, 11, 1), rules(30, 30)),
        &[staff(every_day("00:00", "03:00"))],
    );
    assert_eq!(
        local_starts(tz, &slots),
        [
            "00:00-04:00",
            "00:30-04:00",
            "01:00-04:00",
            "01:30-04:00",
            "02:00-05:00",
            "02:30-05:00"
        ]
    );
    let utc_starts = starts(&slots);
    assert_eq!(utc_starts[2], "2026-11-01T05:00");
    assert_eq!(utc_starts[4], "2026-11-01T07:00");
}

#[test]
fn regular_business_day_follows_the_offset_change() {
    let tz = chrono_tz::America::New_York;
    let mut q = query(tz, date(2026, 3, 6), rules(60, 60));
    q.last_day = date(2026, 3, 9);
    let slots = free_slots(&q, &[staff(every_day("09:00", "10:00"))]);
    assert_eq!(
        starts(&slots),
        [
            "2026-03-06T14:00",
            "2026-03-07T14:00",
            "2026-03-08T13:00",
            "2026-03-09T13:00"
        ]
    );
}

#[test]
fn moscow_has_no_dst() {
    let tz = chrono_tz::Europe::Moscow;
    let mut q = query(tz, date(2026, 3, 28), rules(60, 60));
    q.last_day = date(2026, 3, 30);
    let slots = free_slots(&q, &[staff(every_day("02:00", "03:00"))]);
    assert_eq!(
        starts(&slots),
        ["2026-03-27T23:00", "2026-03-28T23:00", "2026-03-29T23:00"]
    );
    let mut q = query(tz, date(2026, 10, 24), rules(60, 60));
    q.last_day = date(2026, 10, 26);
    let slots = free_slots(&q, &[staff(every_day("02:00", "03:00"))]);
    assert_eq!(slots.len(), 3);
}

#[test]
fn jerusalem_spring_forward_and_fall_back() {
    let tz = chrono_tz::Asia::Jerusalem;
    // Friday 2026-03-27 02:00 IST -> 03:00 IDT.
    let slots = free_slots(
        &query(tz, date(2026, 3, 27), rules(60, 60)),
        &[staff(every_day("01:00", "05:00"))],
    );
    assert_eq!(
        local_starts(tz, &slots),
        ["01:00+02:00", "03:00+03:00", "04:00+03:00"]
    );
    // Sunday 2026-10-25 02:00 IDT -> 01:00 IST.
    let slots = free_slots(
        &query(tz, date(2026, 10, 25), rules(60, 60)),
        &[staff(every_day("00:00", "03:00"))],
    );
    assert_eq!(
        local_starts(tz, &slots),
        ["00:00+03:00", "01:00+03:00", "02:00+02:00"]
    );
    // An ordinary working Sunday after the spring change opens at 06:00 UTC, before it at 07:00.
    let mut q = query(tz, date(2026, 3, 22), rules(60, 60));
    q.last_day = date(2026, 3, 29);
    let hours = WeeklyHours::on(
        &[Weekday::Sun],
        &[OpenInterval::parse("09:00", "10:00").unwrap()],
    );
    assert_eq!(
        starts(&free_slots(&q, &[staff(hours)])),
        ["2026-03-22T07:00", "2026-03-29T06:00"]
    );
}

#[test]
fn opening_hours_ending_inside_a_gap_close_at_the_jump() {
    // Open 00:00-02:30 on the New York spring-forward night: 02:30 does not exist, so the day
    // closes at the jump (07:00 UTC); a 30-minute slot at 01:30 EST still fits.
    let tz = chrono_tz::America::New_York;
    let slots = free_slots(
        &query(tz, date(2026, 3, 8), rules(30, 30)),
        &[staff(every_day("00:00", "02:30"))],
    );
    assert_eq!(local_starts(tz, &slots).last().unwrap(), "01:30-05:00");
}

#[test]
fn day_bounds_are_23_and_25_hours_on_change_days() {
    let tz = chrono_tz::America::New_York;
    let (s, e) = local_day_bounds(tz, date(2026, 3, 8)).unwrap();
    assert_eq!(e - s, chrono::Duration::hours(23));
    let (s, e) = local_day_bounds(tz, date(2026, 11, 1)).unwrap();
    assert_eq!(e - s, chrono::Duration::hours(25));
    assert_eq!(
        s,
        tz.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    );
}

#[test]
fn nearest_alternatives_are_closest_unique_and_chronological() {
    let a = StaffId::new();
    let b = StaffId::new();
    let at = |h: u32, m: u32, staff| Slot {
        start_utc: Utc.with_ymd_and_hms(2026, 5, 12, h, m, 0).unwrap(),
        end_utc: Utc.with_ymd_and_hms(2026, 5, 12, h, m, 0).unwrap()
            + chrono::Duration::minutes(30),
        staff_id: staff,
    };
    let slots = vec![
        at(9, 0, a),
        at(12, 0, a),
        at(14, 0, a),
        at(14, 0, b),
        at(16, 0, b),
        at(17, 0, a),
    ];
    let requested = Utc.with_ymd_and_hms(2026, 5, 12, 15, 0, 0).unwrap();
    let alt = nearest_alternatives(requested, &slots, 3);
    // 14:00 and 16:00 are both an hour away; 17:00 beats 12:00.
    assert_eq!(
        alt.iter()
            .map(|s| s.start_utc.format("%H:%M").to_string())
            .collect::<Vec<_>>(),
        ["14:00", "16:00", "17:00"]
    );
    assert_eq!(alt[0].staff_id, a);
    assert!(nearest_alternatives(requested, &[], 3).is_empty());
    assert_eq!(nearest_alternatives(requested, &slots, 0).len(), 0);
}
