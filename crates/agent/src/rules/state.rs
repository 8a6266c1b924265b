//! The rule-based agent's memory between turns: what it has learned and what it is waiting
//! for. The caller stores it (as JSON) with the conversation and passes it back next turn.
use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::calendar::Slot;
use switchboard_domain::{AppointmentId, Language, ServiceId, StaffId};

use super::when::{DateSpec, DayPart};

/// Where the dialogue stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stage {
    /// Nothing asked yet.
    #[default]
    Greeting,
    /// Waiting for what is missing to search (which service, which appointment, when).
    CollectingInfo,
    /// Answered a question about the business (prices, hours, address, bookings).
    Consulting,
    /// Free times were offered; waiting for a pick.
    Booking,
    /// A change was proposed; waiting for yes or no. Only from here can a write happen.
    Confirming,
    /// A booking, cancellation, move or handover was done.
    Completed,
}

/// Cancelling or moving an existing appointment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManageKind {
    Cancel,
    Reschedule,
}

/// The write the customer is being asked to confirm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum PendingAction {
    Create {
        service_id: ServiceId,
        slot: Slot,
    },
    Cancel {
        appointment_id: AppointmentId,
        service_id: ServiceId,
        start_utc: DateTime<Utc>,
    },
    Reschedule {
        appointment_id: AppointmentId,
        service_id: ServiceId,
        from_utc: DateTime<Utc>,
        slot: Slot,
    },
}

/// An appointment being moved while a new time is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescheduleTarget {
    pub appointment_id: AppointmentId,
    pub service_id: ServiceId,
    pub start_utc: DateTime<Utc>,
}

/// The last question asked, so a bare "2" can be understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "question", rename_all = "snake_case")]
pub enum Question {
    /// Which of these services (all when empty).
    Service { options: Vec<ServiceId> },
    /// Which of the offered slots.
    Slot,
    /// Which appointment to cancel or move.
    Appointment {
        kind: ManageKind,
        options: Vec<AppointmentId>,
    },
    /// Yes or no to the pending action.
    Confirm,
    /// Yes or no to passing an unanswered question to a person.
    PassOn { text: String },
}

/// Everything the rule-based agent remembers about one conversation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleState {
    /// The language of the conversation so far.
    pub language: Option<Language>,
    pub stage: Stage,
    pub service_id: Option<ServiceId>,
    /// The staff member the customer asked for.
    pub staff_id: Option<StaffId>,
    /// Further requests from the same message ("a haircut and a manicure", "for me and my
    /// son"), booked one after another.
    pub queued: Vec<ServiceId>,
    pub date: Option<DateSpec>,
    pub time: Option<NaiveTime>,
    pub part: Option<DayPart>,
    /// The numbered slots last shown to the customer.
    pub offered: Vec<Slot>,
    /// The slot picked (and held) and awaiting confirmation.
    pub chosen: Option<Slot>,
    pub pending: Option<PendingAction>,
    pub reschedule: Option<RescheduleTarget>,
    pub question: Option<Question>,
}

impl RuleState {
    /// Forgets the request once it is done, keeping the language.
    pub(crate) fn finish(&mut self) {
        *self = RuleState {
            language: self.language,
            stage: Stage::Completed,
            ..RuleState::default()
        };
    }

    /// After a booking, moves on to the next queued request, keeping the day asked for.
    pub(crate) fn next_request(&mut self) -> Option<ServiceId> {
        if self.queued.is_empty() {
            return None;
        }
        let next = self.queued.remove(0);
        let (date, part, queued) = (self.date, self.part, std::mem::take(&mut self.queued));
        self.finish();
        self.service_id = Some(next);
        self.date = date;
        self.part = part;
        self.queued = queued;
        Some(next)
    }
}
