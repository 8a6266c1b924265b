//! One turn of the rule-based agent: decide what the message is about, given what the agent
//! was waiting for, and dispatch to the booking, management or information answers.
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use switchboard_domain::Language;

use super::asks::OffScript;
use super::format;
use super::intent::{Intent, Parsed};
use super::replies::Say;
use super::services::ServiceMatch;
use super::state::{ManageKind, Question, RuleState, Stage};
use crate::booking::{AgentAction, BookingTools, ToolError};
use crate::context::{BusinessContext, ServiceInfo};

pub(crate) struct Turn<'a> {
    pub state: RuleState,
    pub ctx: &'a BusinessContext,
    pub tools: &'a dyn BookingTools,
    pub lang: Language,
    pub today: NaiveDate,
    pub actions: Vec<AgentAction>,
}

impl Turn<'_> {
    pub async fn handle(&mut self, msg: &Parsed, raw: &str) -> Say {
        match self.dispatch(msg, raw).await {
            Ok(say) => say,
            Err(e) => {
                tracing::warn!(error = %e, "calendar tool failed during a rule-based turn");
                self.state.pending = None;
                self.state.question = None;
                Say::ToolFailed
            }
        }
    }

    async fn dispatch(&mut self, msg: &Parsed, raw: &str) -> Result<Say, ToolError> {
        if msg.has(Intent::Human) {
            return self.handover(raw).await;
        }
        if let Some(Question::PassOn { text }) = self.state.question.clone()
            && !msg.has_booking_details()
        {
            match msg.yes_no {
                Some(true) => return self.handover(&text).await,
                Some(false) => {
                    self.state.question = None;
                    return Ok(self.info(Say::AnythingElse));
                }
                None => {}
            }
        }
        if self.state.stage == Stage::Confirming
            && let Some(pending) = self.state.pending.clone()
            && let Some(say) = self.answer_confirmation(&pending, msg).await?
        {
            return Ok(say);
        }
        // Anything but a yes drops the proposal: a write needs a fresh confirmation.
        self.state.pending = None;
        self.state.chosen = None;

        if msg.has(Intent::Cancel) {
            return self.start_manage(ManageKind::Cancel, msg).await;
        }
        if msg.has(Intent::Reschedule) {
            return self.start_manage(ManageKind::Reschedule, msg).await;
        }
        if let Some(Question::Appointment { kind, options }) = self.state.question.clone()
            && let Some(i) = msg.choice.and_then(|c| c.index(options.len()))
            && let Some(id) = options.get(i)
        {
            return self.pick_appointment(kind, *id, msg).await;
        }
        // "The one on Saturday" answers "which appointment?" as well as a number does.
        if let Some(Question::Appointment { kind, .. }) = self.state.question
            && (msg.when.day().is_some()
                || msg.when.time.is_some()
                || !matches!(msg.service, ServiceMatch::None))
        {
            return self.start_manage(kind, msg).await;
        }
        if msg.has(Intent::MyAppointments) {
            return self.list_appointments().await;
        }
        if let Some(slot) = self.picked_slot(msg) {
            return self.choose(slot).await;
        }
        let mut when = msg.when;
        if let Some(Question::Service { options }) = self.state.question.clone() {
            let options = self.service_options(&options);
            if let Some(i) = msg.choice.and_then(|c| c.index(options.len()))
                && let Some(id) = options.get(i)
            {
                self.state.service_id = Some(*id);
                return self.booking(msg, when).await;
            }
        }
        if let Some(off) = msg.off_script {
            let say = self.off_script_answer(off, Some(raw));
            return Ok(self.info(say));
        }
        if msg.has(Intent::Hours) && !msg.has(Intent::Book) {
            return Ok(self.info(Say::Hours {
                text: self.ctx.hours_for(self.lang),
            }));
        }
        if msg.has(Intent::Address) {
            return Ok(self.info(Say::Address {
                business: self.ctx.name.clone(),
                text: self.ctx.address.clone(),
            }));
        }
        if msg.has(Intent::Prices) && msg.when.is_empty() {
            return Ok(self.prices(msg));
        }
        // A bare "15" after the service is known is an hour.
        if when.time.is_none()
            && self.state.service_id.is_some()
            && let Some(h) = msg.bare_number.filter(|h| (1..=23).contains(h))
        {
            when.time = bare_hour(h);
        }
        let rescheduling = self.state.reschedule.is_some() && !when.is_empty();
        if msg.has(Intent::Book) || msg.has_booking_details() || rescheduling || when.time.is_some()
        {
            return self.booking(msg, when).await;
        }
        if msg.yes_no == Some(false) && !self.state.offered.is_empty() {
            self.state.offered.clear();
            self.state.question = None;
            self.state.stage = Stage::CollectingInfo;
            return Ok(Say::AskOtherTime);
        }
        if msg.yes_no == Some(true)
            && let [only] = self.state.offered.as_slice()
        {
            let only = *only;
            return self.choose(only).await;
        }
        if msg.has(Intent::Greeting) {
            if matches!(self.state.stage, Stage::Completed) {
                self.state.stage = Stage::Greeting;
            }
            return Ok(Say::Greeting {
                business: self.ctx.name.clone(),
            });
        }
        if msg.has(Intent::Thanks) {
            self.state.finish();
            return Ok(Say::Thanks);
        }
        if !self.state.offered.is_empty() {
            return Ok(Say::PickFromList {
                count: self.state.offered.len(),
            });
        }
        if let Some(Question::Service { options }) = &self.state.question {
            let items = self.service_items(&self.service_options(options));
            return Ok(Say::Repeat(Box::new(Say::AskService { items })));
        }
        Ok(Say::Fallback)
    }

    async fn handover(&mut self, raw: &str) -> Result<Say, ToolError> {
        self.tools.handover(raw).await?;
        self.actions.push(AgentAction::HandedOver {
            reason: raw.to_string(),
        });
        self.state.finish();
        Ok(Say::Handover)
    }

    /// The honest answer to a question off the script; with `pass_on` (the question), an
    /// offer to pass it to a person, whose yes hands the conversation over.
    pub(super) fn off_script_answer(&mut self, off: OffScript, pass_on: Option<&str>) -> Say {
        if let Some(text) = pass_on {
            self.state.question = Some(Question::PassOn {
                text: text.to_string(),
            });
        }
        let pass_on = pass_on.is_some();
        match off {
            OffScript::NotOffered => Say::NotOffered {
                items: self.service_items(&[]),
                pass_on,
            },
            OffScript::Unknown => Say::DontKnow { pass_on },
        }
    }

    /// An informational answer: slots on offer stay open.
    fn info(&mut self, say: Say) -> Say {
        if self.state.offered.is_empty() {
            self.state.stage = Stage::Consulting;
        }
        say
    }

    fn prices(&mut self, msg: &Parsed) -> Say {
        let only: Vec<_> = match &msg.service {
            ServiceMatch::One(id) => {
                self.state.service_id = Some(*id);
                vec![*id]
            }
            ServiceMatch::Many(ids) | ServiceMatch::Several(ids) => ids.clone(),
            ServiceMatch::None => Vec::new(),
        };
        let items = self.service_items(&only);
        self.info(Say::Services { items })
    }

    /// The services among `ids`, or all when `ids` is empty.
    pub(super) fn service_options(
        &self,
        ids: &[switchboard_domain::ServiceId],
    ) -> Vec<switchboard_domain::ServiceId> {
        if ids.is_empty() {
            self.ctx.services.iter().map(|s| s.id).collect()
        } else {
            ids.to_vec()
        }
    }

    /// "Haircut — 45 min — $45.00" for each of `ids` (all services when empty).
    pub(super) fn service_items(&self, ids: &[switchboard_domain::ServiceId]) -> Vec<String> {
        self.service_options(ids)
            .iter()
            .filter_map(|id| self.ctx.service(*id))
            .map(|s| self.service_line(s))
            .collect()
    }

    fn service_line(&self, s: &ServiceInfo) -> String {
        format!(
            "{} — {} — {}",
            s.name(self.lang),
            format::duration(s.duration_min, self.lang),
            format::money(s.price_minor, &s.currency, self.lang)
        )
    }

    pub(super) fn service_name(&self, id: switchboard_domain::ServiceId) -> String {
        self.ctx
            .service(id)
            .map(|s| s.name(self.lang).to_string())
            .unwrap_or_default()
    }

    pub(super) fn moment(&self, at: DateTime<Utc>) -> String {
        format::moment(at, self.ctx.timezone, self.today, self.lang)
    }
}

/// A bare hour: 1 to 7 is the afternoon, as in "at 3".
fn bare_hour(h: u32) -> Option<NaiveTime> {
    let h = if (1..=7).contains(&h) { h + 12 } else { h };
    NaiveTime::from_hms_opt(h, 0, 0)
}
