//! The built-in rule-based agent: the product's no-API-key front desk, and the fallback when
//! the model fails. It understands booking conversations in English, Russian and Hebrew by
//! keywords and date/time patterns, keeps its memory in a serialisable [`RuleState`], and reads
//! and writes the calendar only through [`BookingTools`](crate::BookingTools).
//!
//! Language understanding is pure and synchronous; only the calendar calls are async.

mod asks;
mod confirm;
mod flow;
mod format;
mod intent;
mod keywords;
mod manage;
mod replies;
mod search;
mod services;
mod shift;
mod staff;
mod state;
mod text;
mod when;
mod when_dates;
mod when_patterns;
mod when_words;
mod yes_no;

#[cfg(test)]
mod tests;

pub use format::money as format_money;
pub use state::{ManageKind, PendingAction, Question, RescheduleTarget, RuleState, Stage};
pub use when::{DateSpec, DayPart, When};

use chrono::NaiveDate;
use switchboard_domain::Language;

use crate::booking::{AgentAction, BookingTools};
use crate::context::BusinessContext;

/// The outcome of one turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleTurn {
    pub reply: String,
    pub language: Language,
    pub state: RuleState,
    /// Calendar changes and handovers done during the turn.
    pub actions: Vec<AgentAction>,
}

/// Answers one customer message.
///
/// Writes (create, cancel, reschedule) happen only when `state` was waiting for a yes
/// ([`Stage::Confirming`]) and `text` is that yes.
pub async fn respond(
    state: &RuleState,
    text: &str,
    ctx: &BusinessContext,
    tools: &dyn BookingTools,
) -> RuleTurn {
    let lang = Language::detect(text)
        .or(state.language)
        .unwrap_or(ctx.default_language);
    let today = ctx.local_now().date_naive();
    let msg = intent::parse(text, lang, today, &ctx.services, &ctx.staff);
    let mut turn = flow::Turn {
        state: state.clone(),
        ctx,
        tools,
        lang,
        today,
        actions: Vec::new(),
    };
    turn.state.language = Some(lang);
    let say = turn.handle(&msg, text).await;
    RuleTurn {
        reply: replies::render(lang, &say),
        language: lang,
        state: turn.state,
        actions: turn.actions,
    }
}

/// Reads the date, time and part of day in `text` relative to `today` (exposed for the
/// server's slot-picker and for tests).
pub fn parse_when(text: &str, lang: Language, today: NaiveDate) -> When {
    when::parse_when(&text::Text::new(text), lang, today)
}

/// Whether `text` is an explicit yes ("yes", "да", "כן", a thumbs-up...) rather than a no. The
/// orchestrator lets the model write to the calendar only after such a message.
pub fn is_confirmation(text: &str) -> bool {
    let lang = Language::detect(text).unwrap_or(Language::En);
    let today = NaiveDate::default();
    intent::parse(text, lang, today, &[], &[]).yes_no == Some(true)
}
