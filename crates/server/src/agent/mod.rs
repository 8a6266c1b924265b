//! The `conversation.process` job around the agent's turn: [`process`] waits out a burst of
//! messages and checks that the agent may answer; [`turn`] loads the conversation for
//! `switchboard_agent::run_turn` and commits its outcome (reply, state, record) to the
//! outbox. The turn itself — model, confirmation gate, rule-based agent — is the agent crate's.
pub mod config;

mod process;
mod turn;

use std::sync::Arc;

use chrono_tz::Tz;
use switchboard_crm::CrmAdapter;
use switchboard_store::{Store, businesses::Business};

use self::turn::Turn;

pub use process::ProcessTurn;

/// The calendar of a business, behind the CRM adapter (the built-in one for now).
pub fn crm_for(store: &Store, business: &Business) -> Arc<dyn CrmAdapter> {
    switchboard_crm::adapter_for(store, business)
}

pub fn business_tz(business: &Business) -> Tz {
    switchboard_crm::business_tz(business)
}
