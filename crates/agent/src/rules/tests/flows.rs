//! Safety rules of the flow, shown in English: no write without a fresh yes, changes of mind,
//! slots stolen before the booking, calendar failures.
use chrono_tz::America::New_York;
use switchboard_domain::Language;

use super::{Chat, Stage, date, has};

fn chat() -> Chat {
    Chat::new(Language::En, New_York, "USD", [4500, 3000, 9000])
}

#[tokio::test]
async fn a_yes_out_of_the_blue_writes_nothing() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    for text in ["yes", "ok", "confirm", "2"] {
        c.say(text).await;
    }
    assert!(c.cal.writes().is_empty());
    assert_eq!(c.cal.appointments().len(), 1);
}

#[tokio::test]
async fn a_yes_after_leaving_confirmation_writes_nothing() {
    let mut c = chat();
    has(
        &c.say("haircut tomorrow at 10am").await,
        &["Shall I book it?"],
    );
    c.say("what's your address?").await;
    // The side question kept the proposal open and repeated it.
    assert_eq!(c.stage(), Stage::Confirming);
    c.say("I want to talk to a person").await;
    c.say("yes").await;
    assert!(
        c.cal.writes().is_empty(),
        "the handover dropped the proposal"
    );
}

#[tokio::test]
async fn changing_the_time_during_confirmation_proposes_again() {
    let mut c = chat();
    has(
        &c.say("haircut tomorrow at 10am").await,
        &["tomorrow at 10:00 AM"],
    );
    let r = c.say("actually make it 5pm").await;
    has(
        &r,
        &["Haircut tomorrow at 5:00 PM, $45.00. Shall I book it?"],
    );
    assert!(c.cal.writes().is_empty());
    has(&c.say("yes, 5pm").await, &["booked"]);
    assert_eq!(c.cal.writes(), ["create 2026-05-13 17:00"]);
}

#[tokio::test]
async fn unclear_answer_repeats_the_question() {
    let mut c = chat();
    c.say("haircut tomorrow at 10am").await;
    has(
        &c.say("hmm let me think").await,
        &["didn't catch that", "Shall I book it?"],
    );
    assert_eq!(c.stage(), Stage::Confirming);
    c.say("yes").await;
    assert_eq!(c.cal.writes(), ["create 2026-05-13 10:00"]);
}

#[tokio::test]
async fn slot_taken_at_the_last_moment_offers_alternatives() {
    let mut c = chat();
    c.say("haircut tomorrow at 10am").await;
    c.cal.steal_next();
    let r = c.say("yes").await;
    has(
        &r,
        &[
            "taken a moment ago",
            "1) 9:00 AM",
            "2) 9:30 AM",
            "3) 10:30 AM",
        ],
    );
    assert!(c.cal.writes().is_empty());
    assert_eq!(c.stage(), Stage::Booking);
    has(&c.say("3").await, &["tomorrow at 10:30 AM"]);
    c.say("yes").await;
    assert_eq!(c.cal.writes(), ["create 2026-05-13 10:30"]);
}

#[tokio::test]
async fn calendar_failure_is_apologised_for() {
    let mut c = chat();
    c.cal.fail_reads(true);
    has(&c.say("haircut tomorrow").await, &["something went wrong"]);
    c.cal.fail_reads(false);
    has(
        &c.say("haircut tomorrow").await,
        &["Free times for Haircut tomorrow"],
    );
}

#[tokio::test]
async fn decline_of_offered_list_asks_for_another_time() {
    let mut c = chat();
    c.say("manicure on friday").await;
    assert_eq!(c.stage(), Stage::Booking);
    has(
        &c.say("no, none of these").await,
        &["Which other day or time"],
    );
    assert!(c.state.offered.is_empty());
    has(
        &c.say("saturday afternoon").await,
        &["Free times for Manicure on Saturday, May 16", "12:00 PM"],
    );
}

#[tokio::test]
async fn a_day_with_nothing_free_offers_the_next_days() {
    let mut c = chat();
    // Sunday is closed in the English business.
    let r = c.say("haircut on sunday").await;
    has(
        &r,
        &[
            "There is nothing free on Sunday, May 17",
            "1) Monday, May 18, 9:00 AM",
        ],
    );
}

#[tokio::test]
async fn yes_to_a_single_offered_time_picks_it() {
    let mut c = chat();
    // Leave only 17:00 free on Wednesday after 16:00.
    for h in 9..17 {
        c.cal.block_local(date(5, 13), h, 0, 60);
    }
    let r = c.say("haircut tomorrow").await;
    has(&r, &["1) 5:00 PM"]);
    has(
        &c.say("yes").await,
        &["tomorrow at 5:00 PM, $45.00. Shall I book it?"],
    );
}

mod property {
    use proptest::prelude::*;

    use super::*;

    const PHRASES: &[&str] = &[
        "hi",
        "haircut tomorrow at 10am",
        "manicure on friday",
        "yes",
        "no",
        "2",
        "the first one",
        "cancel my appointment",
        "move my appointment to monday at 11",
        "what are your hours",
        "да",
        "нет",
        "כן",
        "לא",
        "завтра в 15:00",
        "אני רוצה לבטל",
        "hmm",
        "5pm",
        "thanks",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever the customer says, a calendar write only ever happens on the turn right
        /// after a proposal, and only when that turn says yes.
        #[test]
        fn writes_only_follow_a_confirmation(picks in prop::collection::vec(0usize..PHRASES.len(), 1..10)) {
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            rt.block_on(async {
                let mut c = chat();
                c.cal.add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
                for i in picks {
                    let before = c.state.clone();
                    let writes = c.cal.writes().len();
                    let text = PHRASES[i];
                    c.say(text).await;
                    if c.cal.writes().len() > writes {
                        assert_eq!(before.stage, Stage::Confirming, "wrote after {text:?}");
                        assert!(before.pending.is_some());
                        let yes = ["yes", "да", "כן"].contains(&text)
                            || text.contains("cancel") || text.contains("לבטל");
                        assert!(yes, "wrote after {text:?}");
                    }
                }
            });
        }
    }
}
