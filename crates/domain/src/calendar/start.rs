//! Why a requested start time cannot be booked: it is off the start-time grid, outside the
//! opening hours, or really taken. Callers answer each differently (a client error for the
//! first two, "taken, how about ..." for the last), so the reason must not collapse into one.
use chrono::{DateTime, Utc};

use super::{Slot, SlotQuery, StaffCalendar, free_slots};

/// What stands in the way of a start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartProblem {
    /// Inside the hours, but not one of the offered starts (`open`, `open + step`, ...).
    OffGrid,
    /// The appointment would not fit in any opening interval of anyone who could take it.
    OutsideHours,
    /// On the grid and inside the hours, but booked, held, off work, or too soon.
    Taken,
}

/// The free slot starting exactly at `start`, or why there is none. `query` should cover the
/// local day of `start`; `staff` are the candidates for the booking.
pub fn check_start(
    query: &SlotQuery,
    staff: &[StaffCalendar],
    start: DateTime<Utc>,
) -> Result<Slot, StartProblem> {
    if let Some(slot) = free_slots(query, staff)
        .into_iter()
        .find(|s| s.start_utc == start)
    {
        return Ok(slot);
    }
    // The same search in an empty calendar with no lead time tells the hours and the grid
    // apart from what keeps the time busy.
    let empty: Vec<StaffCalendar> = staff
        .iter()
        .map(|c| StaffCalendar {
            staff_id: c.staff_id,
            hours: c.hours.clone(),
            time_off: Vec::new(),
            busy: Vec::new(),
        })
        .collect();
    let mut idle = *query;
    idle.now = DateTime::<Utc>::MIN_UTC;
    idle.rules.lead_time_min = 0;
    let starts_at = |q: &SlotQuery| free_slots(q, &empty).iter().any(|s| s.start_utc == start);
    if starts_at(&idle) {
        return Err(StartProblem::Taken);
    }
    let mut every_minute = idle;
    every_minute.rules.step_min = 1;
    if starts_at(&every_minute) {
        Err(StartProblem::OffGrid)
    } else {
        Err(StartProblem::OutsideHours)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Weekday};
    use chrono_tz::Tz;

    use super::*;
    use crate::StaffId;
    use crate::calendar::{Interval, OpenInterval, SlotRules, WeeklyHours};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .unwrap()
    }

    /// A 45-minute service on a 15-minute grid, 09:00-18:00 UTC on 2026-05-13.
    fn setup(busy: Vec<Interval>) -> (SlotQuery, Vec<StaffCalendar>) {
        use Weekday::*;
        let day = NaiveDate::from_ymd_opt(2026, 5, 13).unwrap();
        let q = SlotQuery {
            tz: Tz::UTC,
            now: utc("2026-05-01T00:00:00Z"),
            first_day: day,
            last_day: day,
            rules: SlotRules {
                duration_min: 45,
                buffer_before_min: 0,
                buffer_after_min: 0,
                lead_time_min: 0,
                step_min: 15,
            },
        };
        let staff = StaffCalendar {
            staff_id: StaffId::new(),
            hours: WeeklyHours::on(
                &[Mon, Tue, Wed, Thu, Fri, Sat, Sun],
                &[OpenInterval::parse("09:00", "18:00").unwrap()],
            ),
            time_off: vec![],
            busy,
        };
        (q, vec![staff])
    }

    #[test]
    fn a_free_start_on_the_grid_is_the_slot() {
        let (q, staff) = setup(vec![]);
        let slot = check_start(&q, &staff, utc("2026-05-13T11:00:00Z")).unwrap();
        assert_eq!(slot.end_utc, utc("2026-05-13T11:45:00Z"));
    }

    #[test]
    fn a_start_between_grid_points_is_off_grid() {
        let (q, staff) = setup(vec![]);
        let got = check_start(&q, &staff, utc("2026-05-13T11:10:00Z"));
        assert_eq!(got, Err(StartProblem::OffGrid));
    }

    #[test]
    fn a_start_that_does_not_fit_the_hours_is_outside_hours() {
        let (q, staff) = setup(vec![]);
        for t in [
            "2026-05-13T07:00:00Z",
            "2026-05-13T17:30:00Z",
            "2026-05-13T20:10:00Z",
        ] {
            assert_eq!(
                check_start(&q, &staff, utc(t)),
                Err(StartProblem::OutsideHours),
                "{t}"
            );
        }
    }

    #[test]
    fn a_busy_start_is_taken() {
        let busy = Interval::new(utc("2026-05-13T10:30:00Z"), utc("2026-05-13T11:30:00Z"));
        let (q, staff) = setup(vec![busy]);
        let got = check_start(&q, &staff, utc("2026-05-13T11:00:00Z"));
        assert_eq!(got, Err(StartProblem::Taken));
    }
}
