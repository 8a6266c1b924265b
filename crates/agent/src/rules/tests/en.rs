//! English conversations (New York, dollars).
use chrono_tz::America::New_York;
use switchboard_domain::Language;

use super::{Chat, Stage, date, has};
use crate::booking::AgentAction;

fn chat() -> Chat {
    Chat::new(Language::En, New_York, "USD", [4500, 3000, 9000])
}

#[tokio::test]
async fn greets_quotes_offers_picks_confirms_and_books() {
    let mut c = chat();
    has(&c.say("Hi there").await, &["Studio Bella", "book"]);
    assert_eq!(c.stage(), Stage::Greeting);
    has(
        &c.say("How much is a haircut?").await,
        &["Haircut — 45 min — $45.00"],
    );
    assert_eq!(c.stage(), Stage::Consulting);
    let r = c.say("Can I book one tomorrow?").await;
    has(
        &r,
        &[
            "Free times for Haircut tomorrow",
            "1) 9:00 AM",
            "2) 10:30 AM",
            "6) 5:00 PM",
        ],
    );
    assert_eq!(c.stage(), Stage::Booking);
    let r = c.say("the second one").await;
    has(
        &r,
        &["Haircut tomorrow at 10:30 AM, $45.00. Shall I book it?"],
    );
    assert_eq!(c.stage(), Stage::Confirming);
    assert!(
        c.cal.writes().is_empty(),
        "nothing is written before the yes"
    );
    assert_eq!(c.cal.holds(), 1);
    let r = c.say("Yes").await;
    has(&r, &["You're booked for Haircut tomorrow at 10:30 AM"]);
    assert_eq!(c.cal.writes(), ["create 2026-05-13 10:30"]);
    assert_eq!(c.stage(), Stage::Completed);
    assert!(
        c.actions
            .iter()
            .any(|a| matches!(a, AgentAction::Booked { .. }))
    );
    has(&c.say("thanks, bye").await, &["You're welcome"]);
}

#[tokio::test]
async fn taken_time_gets_nearest_alternatives_and_a_no_writes_nothing() {
    let mut c = chat();
    c.cal.block_local(date(5, 13), 15, 0, 60);
    let r = c.say("haircut tomorrow at 3pm").await;
    has(
        &r,
        &[
            "the time you asked for (tomorrow at 3:00 PM) is already taken",
            "1) 1:30 PM",
            "2) 2:00 PM",
            "3) 4:00 PM",
        ],
    );
    let r = c.say("4pm works").await;
    has(&r, &["Haircut tomorrow at 4:00 PM, $45.00"]);
    let r = c.say("no").await;
    has(&r, &["haven't booked anything"]);
    assert!(c.cal.writes().is_empty());
    assert!(c.cal.appointments().is_empty());
    assert_eq!(c.stage(), Stage::CollectingInfo);
    // The service is remembered: a new time alone is enough.
    let r = c.say("what about Friday at 11?").await;
    has(&r, &["Haircut on Friday, May 15 at 11:00 AM, $45.00"]);
}

#[tokio::test]
async fn cancels_after_confirmation() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    let r = c.say("I need to cancel my appointment").await;
    has(
        &r,
        &["Cancel your Haircut on Thursday, May 14 at 11:00 AM? (yes/no)"],
    );
    assert!(c.cal.writes().is_empty());
    let r = c.say("yes please").await;
    has(
        &r,
        &["Your Haircut on Thursday, May 14 at 11:00 AM is cancelled."],
    );
    assert_eq!(c.cal.writes(), ["cancel"]);
    assert!(c.cal.appointments().is_empty());
}

#[tokio::test]
async fn reschedules_to_the_requested_time() {
    let mut c = chat();
    let id = c
        .cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    let r = c
        .say("Can I reschedule my appointment to Friday at 2pm?")
        .await;
    has(
        &r,
        &[
            "Move your Haircut from Thursday, May 14 at 11:00 AM to Friday, May 15 at 2:00 PM? (yes/no)",
        ],
    );
    let r = c.say("ok").await;
    has(&r, &["Your Haircut is now on Friday, May 15 at 2:00 PM"]);
    assert_eq!(c.cal.writes(), ["reschedule 2026-05-15 14:00"]);
    assert_eq!(c.cal.appointments()[0].id, id);
}

#[tokio::test]
async fn reschedule_without_a_time_asks_for_one() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.manicure.id, date(5, 14), 11, 0);
    has(
        &c.say("I'd like to move my appointment").await,
        &["Your Manicure is on Thursday, May 14 at 11:00 AM. What day and time"],
    );
    let r = c.say("Monday morning").await;
    has(
        &r,
        &["Free times for Manicure on Monday, May 18", "9:00 AM"],
    );
    let r = c.say("1").await;
    has(
        &r,
        &["Move your Manicure from Thursday, May 14 at 11:00 AM to Monday, May 18 at 9:00 AM?"],
    );
    c.say("yes").await;
    assert_eq!(c.cal.writes(), ["reschedule 2026-05-18 09:00"]);
}

#[tokio::test]
async fn several_appointments_are_listed_to_choose_from() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    c.cal
        .add_appointment(c.services.manicure.id, date(5, 16), 12, 0);
    has(
        &c.say("what appointments do I have? my appointments please")
            .await,
        &[
            "• Haircut — Thursday, May 14 at 11:00 AM",
            "• Manicure — Saturday, May 16 at 12:00 PM",
        ],
    );
    let r = c.say("cancel one please").await;
    has(
        &r,
        &["Which appointment would you like to cancel?", "2) Manicure"],
    );
    has(
        &c.say("2").await,
        &["Cancel your Manicure on Saturday, May 16 at 12:00 PM?"],
    );
    c.say("yes").await;
    assert_eq!(c.cal.appointments().len(), 1);
    assert_eq!(c.cal.appointments()[0].service_id, c.services.haircut.id);
}

#[tokio::test]
async fn answers_information_questions_and_hands_over() {
    let mut c = chat();
    has(
        &c.say("What are your opening hours?").await,
        &["Our opening hours:\n9:00-18:00"],
    );
    has(
        &c.say("where are you located?").await,
        &["Studio Bella is at 12 Main St."],
    );
    has(
        &c.say("blah blah purple monkey").await,
        &["I can help you book", "haircut tomorrow at 3pm"],
    );
    has(
        &c.say("what services do you have?").await,
        &[
            "Haircut — 45 min — $45.00",
            "Manicure — 60 min — $30.00",
            "Hair coloring — 90 min — $90.00",
        ],
    );
    has(
        &c.say("I want to talk to a real person").await,
        &["asked a colleague"],
    );
    assert_eq!(c.cal.handovers(), ["I want to talk to a real person"]);
    assert!(
        c.actions
            .iter()
            .any(|a| matches!(a, AgentAction::HandedOver { .. }))
    );
}

#[tokio::test]
async fn asks_which_service_then_offers_the_nearest_times() {
    let mut c = chat();
    let r = c.say("I'd like to book an appointment").await;
    has(
        &r,
        &[
            "Which service would you like?",
            "1) Haircut",
            "2) Manicure",
            "3) Hair coloring",
        ],
    );
    assert_eq!(c.stage(), Stage::CollectingInfo);
    let r = c.say("2").await;
    // Today after the one-hour lead time, then one per day.
    has(
        &r,
        &[
            "Free times for Manicure:",
            "1) today, 11:00 AM",
            "2) tomorrow, 9:00 AM",
        ],
    );
    has(
        &c.say("the last one").await,
        &["Manicure on Saturday, May 16 at 9:00 AM, $30.00"],
    );
}
