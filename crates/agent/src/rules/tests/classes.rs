//! One conversation per class of real-customer behaviour that used to go wrong: the person
//! asked for, several requests in one message, a date not understood, a question off the
//! script, several appointments to choose from.
use chrono_tz::America::New_York;
use switchboard_domain::Language;

use super::{Chat, date, has};
use crate::context::StaffInfo;

/// The salon with Anna (the calendar's first staff member) and Dana.
fn team() -> Chat {
    let mut c = Chat::new(Language::En, New_York, "USD", [4500, 3000, 9000]);
    let dana = c.cal.hire(1);
    let all: Vec<_> = c.ctx.services.iter().map(|s| s.id).collect();
    let anna = c.cal.first_staff();
    c.ctx.staff = [("Anna", anna)]
        .into_iter()
        .chain(dana.into_iter().map(|id| ("Dana", id)))
        .map(|(name, id)| StaffInfo {
            id,
            name: name.into(),
            service_ids: all.clone(),
        })
        .collect();
    c
}

#[tokio::test]
async fn a_busy_staff_member_is_never_swapped_for_another() {
    let mut c = team();
    let anna = c.cal.first_staff();
    c.cal.block_staff(anna, date(5, 13), 15, 0, 60);
    let r = c.say("haircut with anna tomorrow at 3pm").await;
    has(&r, &["Anna is not available then", "1) "]);
    let r = c.say("1").await;
    has(&r, &["Haircut with Anna tomorrow"]);
    c.say("yes").await;
    let booked = c.cal.appointments();
    assert_eq!(booked.len(), 1);
    assert_eq!(
        booked[0].staff_id,
        Some(anna),
        "booked with the one asked for"
    );
}

#[tokio::test]
async fn two_services_in_one_message_are_both_booked_one_after_the_other() {
    let mut c = team();
    let r = c.say("haircut and manicure tomorrow at 11").await;
    has(&r, &["one at a time: Haircut, Manicure", "Haircut with"]);
    let r = c.say("yes").await;
    has(
        &r,
        &["You're booked for Haircut", "Free times for Manicure"],
    );
    c.say("1").await;
    c.say("yes").await;
    let services: Vec<_> = c.cal.appointments().iter().map(|a| a.service_id).collect();
    assert_eq!(
        services,
        [c.services.haircut.id, c.services.manicure.id],
        "neither request was dropped"
    );
}

#[tokio::test]
async fn a_date_not_understood_is_asked_about_and_never_replaced_by_today() {
    let mut c = team();
    let r = c.say("haircut on the 32nd at 3pm").await;
    has(&r, &["couldn't make out the date"]);
    assert!(c.cal.holds() == 0 && c.cal.writes().is_empty());
    let r = c.say("friday").await;
    has(&r, &["Haircut with", "on Friday, May 15 at 3:00 PM"]);
}

#[tokio::test]
async fn an_off_script_question_is_answered_honestly_and_passed_on_when_wanted() {
    let mut c = team();
    let r = c.say("hi, can i bring my dog?").await;
    has(&r, &["I don't know", "pass your question to a colleague"]);
    assert!(
        !r.contains("Our services"),
        "no menu as if it were an answer"
    );
    let r = c.say("yes please").await;
    has(&r, &["asked a colleague"]);
    assert_eq!(c.cal.handovers(), ["hi, can i bring my dog?"]);
    assert!(c.cal.writes().is_empty());
}

#[tokio::test]
async fn cancel_names_the_appointment_meant_and_asks_which_when_ambiguous() {
    let mut c = team();
    let h = c.services.haircut.id;
    let m = c.services.manicure.id;
    c.cal.add_appointment(h, date(5, 14), 11, 0);
    c.cal.add_appointment(m, date(5, 15), 12, 0);
    c.cal.add_appointment(h, date(5, 16), 10, 0);
    let r = c.say("my appointments").await;
    has(
        &r,
        &[
            "Haircut — Thursday",
            "Manicure — Friday",
            "Haircut — Saturday",
        ],
    );
    let r = c.say("cancel my manicure").await;
    has(&r, &["Cancel your Manicure on Friday, May 15"]);
    c.say("no").await;
    let r = c.say("cancel my haircut").await;
    has(&r, &["Which appointment would you like to cancel?"]);
    let r = c.say("the one on saturday").await;
    has(&r, &["Cancel your Haircut on Saturday, May 16"]);
    c.say("yes").await;
    assert_eq!(c.cal.appointments().len(), 2);
    assert_eq!(c.cal.writes(), ["cancel"]);
}

#[tokio::test]
async fn a_booking_for_two_people_books_both_one_after_the_other() {
    let mut c = team();
    let r = c.say("haircut for me and my son tomorrow at 11").await;
    has(&r, &["one appointment at a time", "Haircut with"]);
    let r = c.say("yes").await;
    has(&r, &["You're booked for Haircut", "Free times for Haircut"]);
    c.say("11am").await;
    c.say("yes").await;
    let booked = c.cal.appointments();
    assert_eq!(booked.len(), 2, "the second person was not dropped");
    assert_ne!(
        booked[0].staff_id, booked[1].staff_id,
        "both at 11, side by side"
    );
}
