//! The confirmation gate: the model writes only the previous turn's proposal, only after a
//! yes, at most once per turn; a model failure after the write still confirms it.
use super::{Salon, calls, outcomes, says};
use crate::llm::LlmError;
use crate::rules::{PendingAction, RuleState, Stage};
use crate::turn::Engine;

#[tokio::test]
async fn a_write_before_any_proposal_is_refused() {
    let salon = Salon::new();
    let script = vec![
        calls(&[salon.book_call(11)]),
        says("Shall I book a haircut on Wednesday at 11:00?"),
    ];
    let turn = salon
        .turn(
            &RuleState::default(),
            "yes, book a haircut tomorrow at 11",
            script,
        )
        .await;

    assert!(salon.cal.writes().is_empty(), "nothing was written");
    assert_eq!(
        outcomes(&turn),
        [("create_appointment".to_string(), "refused")]
    );
    // The refused write is what the next yes may approve.
    assert_eq!(turn.state.stage, Stage::Confirming);
    assert_eq!(
        turn.state.pending,
        Some(PendingAction::Create {
            service_id: salon.haircut,
            slot: salon.slot(11),
        })
    );
}

#[tokio::test]
async fn a_yes_to_the_previous_proposal_lets_its_write_through() {
    let salon = Salon::new();
    let state = salon.proposed(salon.slot(11));
    let script = vec![
        calls(&[salon.book_call(11)]),
        says("Booked: Wednesday at 11:00."),
    ];
    let turn = salon.turn(&state, "yes", script).await;

    assert_eq!(salon.cal.writes(), ["create 2026-05-13 11:00"]);
    assert_eq!(outcomes(&turn), [("create_appointment".to_string(), "ok")]);
    assert_eq!(turn.state.stage, Stage::Completed);
    assert_eq!(turn.reply, "Booked: Wednesday at 11:00.");
}

#[tokio::test]
async fn a_yes_does_not_let_through_a_write_of_another_slot() {
    let salon = Salon::new();
    let state = salon.proposed(salon.slot(11));
    let script = vec![
        calls(&[salon.book_call(14)]),
        says("Shall I book 14:00 instead?"),
    ];
    let turn = salon.turn(&state, "yes", script).await;

    assert!(salon.cal.writes().is_empty(), "nothing was written");
    assert_eq!(
        outcomes(&turn),
        [("create_appointment".to_string(), "refused")]
    );
}

#[tokio::test]
async fn a_second_write_in_the_same_turn_is_refused() {
    let salon = Salon::new();
    let state = salon.proposed(salon.slot(11));
    let script = vec![
        calls(&[salon.book_call(11)]),
        calls(&[salon.book_call(11)]),
        says("Booked: Wednesday at 11:00."),
    ];
    let turn = salon.turn(&state, "yes", script).await;

    assert_eq!(salon.cal.writes(), ["create 2026-05-13 11:00"]);
    assert_eq!(
        outcomes(&turn),
        [
            ("create_appointment".to_string(), "ok"),
            ("create_appointment".to_string(), "refused"),
        ]
    );
}

#[tokio::test]
async fn a_model_failure_after_the_write_still_confirms_it() {
    let salon = Salon::new();
    let state = salon.proposed(salon.slot(11));
    let script = vec![
        calls(&[salon.book_call(11)]),
        Err(LlmError::Server {
            status: 500,
            message: "overloaded".into(),
        }),
    ];
    let turn = salon.turn(&state, "yes", script).await;

    assert_eq!(salon.cal.writes(), ["create 2026-05-13 11:00"]);
    // The model's engine, with its error, says the change is done; the rule-based agent does
    // not answer from the old state.
    assert_eq!(turn.engine, Engine::Llm);
    assert!(turn.error.is_some());
    assert_eq!(turn.state.stage, Stage::Completed);
    assert_eq!(
        turn.reply,
        switchboard_i18n::text(switchboard_domain::Language::En, "change-done", None)
    );
    assert!(turn.state.pending.is_none(), "the proposal is used up");
}
