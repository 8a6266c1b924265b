//! Waiting for a yes: the proposal the customer is asked to confirm (it always names the
//! service, the staff member, the day and the time), and what a yes, a no or a change does.
use super::flow::Turn;
use super::format;
use super::intent::{Intent, Parsed};
use super::replies::Say;
use super::services::ServiceMatch;
use super::staff::StaffAsk;
use super::state::{PendingAction, Stage};
use crate::booking::{AgentAction, ToolError};

impl Turn<'_> {
    /// The answer to "shall I ...?": `None` when the message is about something else.
    pub(super) async fn answer_confirmation(
        &mut self,
        pending: &PendingAction,
        msg: &Parsed,
    ) -> Result<Option<Say>, ToolError> {
        let is_cancel = matches!(pending, PendingAction::Cancel { .. });
        let restates = self.restates_pending(pending, msg);
        let yes = msg.yes_no == Some(true)
            || (is_cancel && msg.has(Intent::Cancel) && msg.yes_no != Some(false));
        let no = msg.yes_no == Some(false) || (!is_cancel && msg.has(Intent::Cancel));
        let changes = (msg.has_booking_details() && !restates) || msg.has(Intent::Reschedule);
        // "ok but can we do 3 instead" with the 3 not understood: asking again is safe,
        // booking the old proposal is not.
        if yes && !no && !changes && !msg.hedged {
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
        let aside = if let Some(off) = msg.off_script {
            // The proposal is still the open question, so no offer to pass this on.
            Some(self.off_script_answer(off, None))
        } else if msg.has(Intent::Hours) {
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

    /// Does the message just repeat the proposal ("yes, at 3pm")? Another service or
    /// person named is a change of mind, never a yes to the old proposal.
    fn restates_pending(&self, pending: &PendingAction, msg: &Parsed) -> bool {
        let when = &msg.when;
        let (start, service, staff) = match pending {
            PendingAction::Create {
                slot, service_id, ..
            }
            | PendingAction::Reschedule {
                slot, service_id, ..
            } => (slot.start_utc, *service_id, Some(slot.staff_id)),
            PendingAction::Cancel {
                start_utc,
                service_id,
                ..
            } => (*start_utc, *service_id, None),
        };
        let same_service = match &msg.service {
            ServiceMatch::None => true,
            ServiceMatch::One(id) => *id == service,
            ServiceMatch::Many(ids) => ids.contains(&service),
            ServiceMatch::Several(_) => false,
        };
        let same_staff = match &msg.staff {
            StaffAsk::Known(id) => staff.is_none_or(|s| s == *id),
            StaffAsk::Unknown(_) => false,
            StaffAsk::None => true,
        };
        if !same_service || !same_staff || when.unclear_date {
            return false;
        }
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
                    staff: self.ctx.staff_name(slot.staff_id).map(str::to_string),
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
                staff: self.ctx.staff_name(slot.staff_id).map(str::to_string),
            },
        }
    }

    async fn execute(&mut self, pending: PendingAction) -> Result<Say, ToolError> {
        let result = match &pending {
            PendingAction::Create { service_id, slot } => self
                .tools
                .create_appointment(*service_id, slot.into(), "")
                .await
                .map(|appointment| {
                    let staff = appointment.staff_id.unwrap_or(slot.staff_id);
                    let say = Say::Booked {
                        service: self.service_name(*service_id),
                        when: self.moment(appointment.start_utc),
                        staff: self.ctx.staff_name(staff).map(str::to_string),
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
                .reschedule_appointment(*appointment_id, slot.into())
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
                // "A haircut and a manicure": on to the next request, on the same day.
                if matches!(pending, PendingAction::Create { .. })
                    && let Some(next) = self.state.next_request()
                {
                    let offer = self.search(next).await?;
                    return Ok(Say::Both(Box::new(say), Box::new(offer)));
                }
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
}
