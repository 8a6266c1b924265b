//! One turn of the rule-based agent: decide what the message is about, given what the agent
//! was waiting for, and dispatch to the booking, management or information answers.
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use switchboard_domain::Language;

use super::format;
use super::intent::{Intent, Parsed};
use super::replies::Say;
use super::services::ServiceMatch;
use super::state::{ManageKind, PendingAction, Question, RuleState, Stage};
use super::when::When;
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

    /// The answer to "shall I ...?": `None` when the message is about something else.
    async fn answer_confirmation(
        &mut self,
        pending: &PendingAction,
        msg: &Parsed,
    ) -> Result<Option<Say>, ToolError> {
        let is_cancel = matches!(pending, PendingAction::Cancel { .. });
        let restates = self.restates_pending(pending, &msg.when);
        let yes = msg.yes_no == Some(true)
            || (is_cancel && msg.has(Intent::Cancel) && msg.yes_no != Some(false));
        let no = msg.yes_no == Some(false) || (!is_cancel && msg.has(Intent::Cancel));
        let changes = (msg.has_booking_details() && !restates) || msg.has(Intent::Reschedule);
        if yes && !no && !changes {
            return self.execute(pending.clone()).await.map(Some);
        }
        if no && !changes {
            self.state.pending = None;
            self.state.chosen = None;
            self.state.question = None;
            return Ok(Some(
                if is_cancel || matches!(pending, PendingAction::Reschedule { .. }) {
                    self.state.finish();
                    Say::Unchanged
                } else {
                    self.state.stage = Stage::CollectingInfo;
                    Say::NotBooked
                },
            ));
        }
        if changes || msg.has(Intent::MyAppointments) {
            return Ok(None);
        }
        // A side question keeps the proposal open and asks again after answering.
        let question = self.confirm_question(pending);
        let aside = if msg.has(Intent::Hours) {
            Some(Say::Hours {
                text: self.ctx.hours_for(self.lang),
            })
        } else if msg.has(Intent::Address) {
            Some(Say::Address {
                business: self.ctx.name.clone(),
                text: self.ctx.address.clone(),
            })
        } else if msg.has(Intent::Prices) {
            Some(Say::Services {
                items: self.service_items(&[]),
            })
        } else {
            None
        };
        Ok(Some(match aside {
            Some(a) => Say::Both(Box::new(a), Box::new(question)),
            None => Say::Repeat(Box::new(question)),
        }))
    }

    /// Does the message just repeat the proposed time ("yes, at 3pm")?
    fn restates_pending(&self, pending: &PendingAction, when: &When) -> bool {
        let start = match pending {
            PendingAction::Create { slot, .. } | PendingAction::Reschedule { slot, .. } => {
                slot.start_utc
            }
            PendingAction::Cancel { start_utc, .. } => *start_utc,
        };
        let local = start.with_timezone(&self.ctx.timezone);
        let same_time = when.time.is_none_or(|t| t == local.time());
        let same_day = when.day().is_none_or(|d| d == local.date_naive());
        same_time && same_day && when.date.is_none_or(|_| when.day().is_some())
    }

    pub(super) fn confirm_question(&self, pending: &PendingAction) -> Say {
        match pending {
            PendingAction::Create { service_id, slot } => {
                let service = self.ctx.service(*service_id);
                Say::ConfirmBooking {
                    service: self.service_name(*service_id),
                    when: self.moment(slot.start_utc),
                    price: service
                        .map(|s| format::money(s.price_minor, &s.currency, self.lang))
                        .unwrap_or_default(),
                    staff: None,
                }
            }
            PendingAction::Cancel {
                service_id,
                start_utc,
                ..
            } => Say::ConfirmCancel {
                service: self.service_name(*service_id),
                when: self.moment(*start_utc),
            },
            PendingAction::Reschedule {
                service_id,
                from_utc,
                slot,
                ..
            } => Say::ConfirmReschedule {
                service: self.service_name(*service_id),
                from: self.moment(*from_utc),
                to: self.moment(slot.start_utc),
            },
        }
    }

    async fn execute(&mut self, pending: PendingAction) -> Result<Say, ToolError> {
        let result = match &pending {
            PendingAction::Create { service_id, slot } => self
                .tools
                .create_appointment(*service_id, slot)
                .await
                .map(|appointment| {
                    let say = Say::Booked {
                        service: self.service_name(*service_id),
                        when: self.moment(appointment.start_utc),
                        staff: None,
                    };
                    self.actions.push(AgentAction::Booked { appointment });
                    say
                }),
            PendingAction::Cancel {
                appointment_id,
                service_id,
                start_utc,
            } => self
                .tools
                .cancel_appointment(*appointment_id)
                .await
                .map(|()| {
                    self.actions.push(AgentAction::Cancelled {
                        appointment_id: *appointment_id,
                    });
                    Say::Cancelled {
                        service: self.service_name(*service_id),
                        when: self.moment(*start_utc),
                    }
                }),
            PendingAction::Reschedule {
                appointment_id,
                service_id,
                slot,
                ..
            } => self
                .tools
                .reschedule_appointment(*appointment_id, slot)
                .await
                .map(|appointment| {
                    let say = Say::Rescheduled {
                        service: self.service_name(*service_id),
                        when: self.moment(appointment.start_utc),
                    };
                    self.actions.push(AgentAction::Rescheduled { appointment });
                    say
                }),
        };
        match result {
            Ok(say) => {
                self.state.finish();
                Ok(say)
            }
            Err(ToolError::SlotTaken) => {
                let (service_id, start) = match &pending {
                    PendingAction::Create { service_id, slot }
                    | PendingAction::Reschedule {
                        service_id, slot, ..
                    } => (*service_id, slot.start_utc),
                    PendingAction::Cancel { .. } => return Err(ToolError::SlotTaken),
                };
                self.state.pending = None;
                self.state.chosen = None;
                self.just_taken(service_id, start).await
            }
            Err(e) => Err(e),
        }
    }

    async fn handover(&mut self, raw: &str) -> Result<Say, ToolError> {
        self.tools.handover(raw).await?;
        self.actions.push(AgentAction::HandedOver {
            reason: raw.to_string(),
        });
        self.state.finish();
        Ok(Say::Handover)
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
            ServiceMatch::Many(ids) => ids.clone(),
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
