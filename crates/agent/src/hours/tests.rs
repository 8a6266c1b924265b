use switchboard_domain::calendar::OpenInterval;

use super::*;

fn hours(days: &[Weekday], from: &str, to: &str) -> WeeklyHours {
    WeeklyHours::on(days, &[OpenInterval::parse(from, to).unwrap()])
}

fn sun_thu() -> OpeningHours {
    use Weekday::*;
    let mut week = hours(&[Sun, Mon, Tue, Wed, Thu], "09:00", "18:00");
    *week.day_mut(Fri) = vec![OpenInterval::parse("09:00", "13:00").unwrap()];
    OpeningHours::from_staff([&week])
}

#[test]
fn a_sunday_to_thursday_week_starts_on_sunday_in_every_language() {
    assert_eq!(sun_thu().first_day(), Weekday::Sun);
    assert_eq!(
        sun_thu().describe(Language::En).unwrap(),
        "Sunday–Thursday: 9:00 AM – 6:00 PM\nFriday: 9:00 AM – 1:00 PM\nSaturday: closed"
    );
    assert_eq!(
        sun_thu().describe(Language::Ru).unwrap(),
        "воскресенье – четверг: 09:00–18:00\nпятница: 09:00–13:00\nсуббота: выходной"
    );
    assert_eq!(
        sun_thu().describe(Language::He).unwrap(),
        "יום ראשון–יום חמישי: 9:00–18:00\nיום שישי: 9:00–13:00\nיום שבת: סגור"
    );
}

#[test]
fn a_monday_to_saturday_week_starts_on_monday() {
    use Weekday::*;
    let week =
        OpeningHours::from_staff([&hours(&[Mon, Tue, Wed, Thu, Fri, Sat], "10:00", "19:00")]);
    assert_eq!(week.first_day(), Mon);
    assert_eq!(
        week.describe(Language::En).unwrap(),
        "Monday–Saturday: 10:00 AM – 7:00 PM\nSunday: closed"
    );
}

#[test]
fn the_span_of_a_day_covers_everyone_working_it() {
    use Weekday::*;
    let anna = hours(&[Mon], "09:00", "14:00");
    let bob = hours(&[Mon], "12:00", "20:00");
    let week = OpeningHours::from_staff([&anna, &bob]);
    assert!(!week.is_closed_at(Mon, NaiveTime::from_hms_opt(19, 30, 0).unwrap()));
    assert!(week.is_closed_at(Mon, NaiveTime::from_hms_opt(20, 0, 0).unwrap()));
    assert!(week.is_closed_at(Mon, NaiveTime::from_hms_opt(8, 59, 0).unwrap()));
    assert!(week.is_closed_on(Tue));
}

#[test]
fn unknown_hours_are_never_closed_and_not_described() {
    let week = OpeningHours::default();
    assert!(!week.is_closed_at(Weekday::Sun, NaiveTime::MIN));
    assert!(!week.is_closed_on(Weekday::Sun));
    assert_eq!(week.describe(Language::En), None);
}
