//! The confirmation gate of the model's tool loop: a write runs only when it is exactly the
//! change proposed in the previous turn, the customer's latest message is a yes to it, and no
//! other write ran in this turn. A refused write becomes the proposal the next yes may approve.
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::booking::BookingTools;
use crate::rules::{self, PendingAction, RuleState, Stage};
use crate::tools::ToolInvocation;

pub(crate) struct Gate<'a> {
    /// The change proposed in the previous turn: with a yes, the one write allowed now.
    pub proposal: Option<&'a PendingAction>,
    /// The customer's latest message is an explicit yes to it.
    pub confirmed: bool,
    tz: Tz,
}

impl<'a> Gate<'a> {
    pub fn new(state: &'a RuleState, text: &str, tz: Tz) -> Self {
        let proposal = match state.stage {
            Stage::Confirming => state.pending.as_ref(),
            _ => None,
        };
        Gate {
            proposal,
            confirmed: proposal.is_some() && rules::is_confirmation(text),
            tz,
        }
    }

    /// Whether the write `inv` may run now; `wrote` says a write already ran this turn.
    pub fn allows(&self, inv: &ToolInvocation, wrote: bool) -> bool {
        self.confirmed && !wrote && self.proposal.is_some_and(|p| self.matches(inv, p))
    }

    /// Whether a write is exactly the change proposed before.
    fn matches(&self, inv: &ToolInvocation, p: &PendingAction) -> bool {
        let tz = self.tz;
        match (inv, p) {
            (ToolInvocation::CreateAppointment(a), PendingAction::Create { service_id, slot }) => {
                a.service_id == *service_id
                    && a.start_utc(tz).is_ok_and(|t| t == slot.start_utc)
                    && a.staff_id.is_none_or(|s| s == slot.staff_id)
            }
            (
                ToolInvocation::CancelAppointment(a),
                PendingAction::Cancel { appointment_id, .. },
            ) => a.appointment_id == *appointment_id,
            (
                ToolInvocation::RescheduleAppointment(a),
                PendingAction::Reschedule {
                    appointment_id,
                    slot,
                    ..
                },
            ) => {
                a.appointment_id == *appointment_id
                    && a.new_start_utc(tz).is_ok_and(|t| t == slot.start_utc)
                    && a.staff_id.is_none_or(|s| s == slot.staff_id)
            }
            _ => false,
        }
    }

    /// The proposal a refused write stands for, when it names a real, free change.
    pub async fn propose(
        &self,
        inv: &ToolInvocation,
        tools: &dyn BookingTools,
    ) -> Option<PendingAction> {
        let tz = self.tz;
        let free = |service, staff, start: DateTime<Utc>| async move {
            tools
                .free_slots(service, staff, start, start + Duration::minutes(1))
                .await
                .ok()?
                .into_iter()
                .find(|s| s.start_utc == start)
        };
        match inv {
            ToolInvocation::CreateAppointment(a) => {
                let start = a.start_utc(tz).ok()?;
                let slot = free(a.service_id, a.staff_id, start).await?;
                Some(PendingAction::Create {
                    service_id: a.service_id,
                    slot,
                })
            }
            ToolInvocation::CancelAppointment(a) => {
                let appt = tools.appointment(a.appointment_id).await.ok()?;
                Some(PendingAction::Cancel {
                    appointment_id: appt.id,
                    service_id: appt.service_id,
                    start_utc: appt.start_utc,
                })
            }
            ToolInvocation::RescheduleAppointment(a) => {
                let appt = tools.appointment(a.appointment_id).await.ok()?;
                let start = a.new_start_utc(tz).ok()?;
                let slot = free(appt.service_id, a.staff_id, start).await?;
                Some(PendingAction::Reschedule {
                    appointment_id: appt.id,
                    service_id: appt.service_id,
                    from_utc: appt.start_utc,
                    slot,
                })
            }
            _ => None,
        }
    }
}
