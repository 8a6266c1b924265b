//! Existing appointments: listing them, and starting a cancellation or a move (which one, and
//! for a move, when to).
use chrono::Duration;
use switchboard_domain::AppointmentId;

use super::flow::Turn;
use super::intent::Parsed;
use super::replies::Say;
use super::services::ServiceMatch;
use super::staff::StaffAsk;
use super::state::{ManageKind, PendingAction, Question, RescheduleTarget, Stage};
use super::when::{DateSpec, When};
use crate::booking::ToolError;
use crate::context::AppointmentInfo;

impl Turn<'_> {
    async fn upcoming(&self) -> Result<Vec<AppointmentInfo>, ToolError> {
        let mut list = self.tools.list_appointments().await?;
        list.retain(|a| a.end_utc > self.ctx.now);
        list.sort_by_key(|a| a.start_utc);
        Ok(list)
    }

    fn appointment_line(&self, a: &AppointmentInfo) -> String {
        let staff = a
            .staff_id
            .and_then(|id| self.ctx.staff_name(id))
            .or(a.staff_name.as_deref());
        let line = format!(
            "{} — {}",
            self.service_name(a.service_id),
            self.moment(a.start_utc)
        );
        match staff {
            Some(name) => format!("{line} — {name}"),
            None => line,
        }
    }

    pub(super) async fn list_appointments(&mut self) -> Result<Say, ToolError> {
        let list = self.upcoming().await?;
        if self.state.offered.is_empty() {
            self.state.stage = Stage::Consulting;
        }
        if list.is_empty() {
            return Ok(Say::NoAppointments);
        }
        let items = list.iter().map(|a| self.appointment_line(a)).collect();
        Ok(Say::MyAppointments { items })
    }

    pub(super) async fn start_manage(
        &mut self,
        kind: ManageKind,
        msg: &Parsed,
    ) -> Result<Say, ToolError> {
        self.state.offered.clear();
        self.state.reschedule = None;
        let list = self.upcoming().await?;
        if list.is_empty() {
            self.state.question = None;
            self.state.stage = Stage::Consulting;
            return Ok(Say::NoAppointments);
        }
        if let [only] = list.as_slice() {
            let when = self.shifted(only, msg).unwrap_or(msg.when);
            return self.manage(kind, only.clone(), when).await;
        }
        // Several: the message may name the one it means by day, time or service.
        let tz = self.ctx.timezone;
        let named: Vec<&AppointmentInfo> = list
            .iter()
            .filter(|a| {
                let local = a.start_utc.with_timezone(&tz);
                let day_ok = msg.when.day().is_none_or(|d| d == local.date_naive());
                let time_ok = msg.when.time.is_none_or(|t| t == local.time());
                let service_ok = match &msg.service {
                    ServiceMatch::One(id) => a.service_id == *id,
                    ServiceMatch::Many(ids) | ServiceMatch::Several(ids) => {
                        ids.contains(&a.service_id)
                    }
                    ServiceMatch::None => true,
                };
                let staff_ok = match &msg.staff {
                    StaffAsk::Known(id) => a.staff_id == Some(*id),
                    _ => true,
                };
                day_ok && time_ok && service_ok && staff_ok
            })
            .collect();
        let said_something = msg.when.day().is_some()
            || msg.when.time.is_some()
            || !matches!(msg.service, ServiceMatch::None)
            || matches!(msg.staff, StaffAsk::Known(_));
        if let [one] = named.as_slice()
            && said_something
        {
            // The details described the existing appointment, not the new time.
            let when = self.shifted(one, msg).unwrap_or_default();
            return self.manage(kind, (*one).clone(), when).await;
        }
        if kind == ManageKind::Reschedule {
            // "Move my appointment to Friday": keep Friday for after the customer picks which.
            self.state.date = msg.when.date;
            self.state.time = msg.when.time;
            self.state.part = msg.when.part;
        }
        // Only the ones that fit what was said, when several do ("cancel my haircut").
        let list: Vec<&AppointmentInfo> = if named.len() > 1 && said_something {
            named
        } else {
            list.iter().collect()
        };
        let items = list.iter().map(|a| self.appointment_line(a)).collect();
        self.state.question = Some(Question::Appointment {
            kind,
            options: list.iter().map(|a| a.id).collect(),
        });
        self.state.stage = Stage::CollectingInfo;
        Ok(Say::ChooseAppointment {
            purpose: kind,
            items,
        })
    }

    /// The new time of "an hour later": the appointment's own start moved by the offset.
    fn shifted(&self, a: &AppointmentInfo, msg: &Parsed) -> Option<When> {
        let local =
            (a.start_utc + Duration::minutes(msg.shift_min?)).with_timezone(&self.ctx.timezone);
        Some(When {
            date: Some(DateSpec::Day {
                date: local.date_naive(),
            }),
            time: Some(local.time()),
            part: None,
            unclear_date: false,
        })
    }

    pub(super) async fn pick_appointment(
        &mut self,
        kind: ManageKind,
        id: AppointmentId,
        msg: &Parsed,
    ) -> Result<Say, ToolError> {
        let list = self.upcoming().await?;
        let Some(appointment) = list.into_iter().find(|a| a.id == id) else {
            return self.start_manage(kind, msg).await;
        };
        // A new time remembered from "move my appointment to Friday".
        let when = When {
            date: self.state.date.take(),
            time: self.state.time.take(),
            part: self.state.part.take(),
            unclear_date: false,
        };
        self.manage(kind, appointment, when).await
    }

    async fn manage(
        &mut self,
        kind: ManageKind,
        a: AppointmentInfo,
        when: When,
    ) -> Result<Say, ToolError> {
        match kind {
            ManageKind::Cancel => {
                let pending = PendingAction::Cancel {
                    appointment_id: a.id,
                    service_id: a.service_id,
                    start_utc: a.start_utc,
                };
                let say = self.confirm_question(&pending);
                self.state.pending = Some(pending);
                self.state.question = Some(Question::Confirm);
                self.state.stage = Stage::Confirming;
                Ok(say)
            }
            ManageKind::Reschedule => {
                self.state.reschedule = Some(RescheduleTarget {
                    appointment_id: a.id,
                    service_id: a.service_id,
                    start_utc: a.start_utc,
                });
                self.state.service_id = Some(a.service_id);
                self.state.date = None;
                self.state.time = None;
                self.state.part = None;
                self.state.question = None;
                if when.is_empty() {
                    self.state.stage = Stage::CollectingInfo;
                    return Ok(Say::AskNewTime {
                        service: self.service_name(a.service_id),
                        current: self.moment(a.start_utc),
                    });
                }
                // "Move it to 4pm" keeps the appointment's own day; today would be a
                // different appointment from the one the customer has in mind.
                let mut when = when;
                if when.date.is_none() && when.time.is_some() && !when.unclear_date {
                    let day = a.start_utc.with_timezone(&self.ctx.timezone).date_naive();
                    when.date = Some(DateSpec::Day { date: day });
                }
                let msg = Parsed::empty();
                self.booking(&msg, when).await
            }
        }
    }
}
