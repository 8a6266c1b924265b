//! What the rule-based agent says, as data, rendered into English, Russian or Hebrew text.
//! Dates, times and prices arrive already formatted for the language.
mod en;
mod he;
mod ru;

use switchboard_domain::Language;

pub(crate) use super::state::ManageKind as Purpose;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Say {
    Greeting {
        business: String,
    },
    /// Lines like "Haircut — 45 min — $45.00".
    Services {
        items: Vec<String>,
    },
    AskService {
        items: Vec<String>,
    },
    OfferSlots {
        service: String,
        day: Option<String>,
        slots: Vec<String>,
    },
    /// The requested time is taken; `slots` are the nearest free ones.
    Taken {
        requested: String,
        slots: Vec<String>,
    },
    /// Nothing free on the requested day; `slots` are the next free ones.
    NoneOnDay {
        day: String,
        slots: Vec<String>,
    },
    NothingFree {
        service: String,
    },
    /// Someone booked the chosen time just now.
    JustTaken {
        slots: Vec<String>,
    },
    ConfirmBooking {
        service: String,
        when: String,
        price: String,
        /// Who will do it, when the calendar names staff.
        staff: Option<String>,
    },
    Booked {
        service: String,
        when: String,
        staff: Option<String>,
    },
    /// The business is closed then; `slots` are the nearest open times.
    #[allow(dead_code)] // said by the business-hours answers that land alongside this agent
    Closed {
        day: String,
        slots: Vec<String>,
    },
    /// An off-script question: honestly not known; `pass_on` offers to ask a person.
    DontKnow {
        pass_on: bool,
    },
    /// A service the business does not offer; `items` are the ones it does.
    NotOffered {
        items: Vec<String>,
        pass_on: bool,
    },
    /// No staff member has the name asked for; `team` are those who do work here.
    StaffUnknown {
        name: String,
        team: Vec<String>,
    },
    /// A no to passing a question on.
    AnythingElse,
    /// The staff member asked for is not free then; `slots` are their nearest free times.
    StaffBusy {
        staff: String,
        slots: Vec<String>,
    },
    /// The staff member asked for has nothing free soon (or does not do this service).
    StaffNothingFree {
        staff: String,
    },
    /// A date was named but not understood.
    AskDate,
    /// Several services in one message: booked one after another, in this order.
    OneAtATime {
        items: Vec<String>,
    },
    /// Booking for more than one person: one appointment at a time.
    OnePersonAtATime,
    ConfirmCancel {
        service: String,
        when: String,
    },
    Cancelled {
        service: String,
        when: String,
    },
    ConfirmReschedule {
        service: String,
        from: String,
        to: String,
        /// Who will do it at the new time, when the calendar names staff.
        staff: Option<String>,
    },
    Rescheduled {
        service: String,
        when: String,
    },
    AskNewTime {
        service: String,
        current: String,
    },
    ChooseAppointment {
        purpose: Purpose,
        items: Vec<String>,
    },
    NoAppointments,
    MyAppointments {
        items: Vec<String>,
    },
    /// "No" to a booking.
    NotBooked,
    /// "No" to a cancellation or a move.
    Unchanged,
    /// "No" to the offered times.
    AskOtherTime,
    Hours {
        text: Option<String>,
    },
    Address {
        business: String,
        text: Option<String>,
    },
    Handover,
    Thanks,
    /// Wraps a question repeated because the answer was not understood.
    Repeat(Box<Say>),
    /// An answer followed by the open question it interrupted.
    Both(Box<Say>, Box<Say>),
    PickFromList {
        count: usize,
    },
    ToolFailed,
    Fallback,
}

pub(crate) fn render(lang: Language, say: &Say) -> String {
    if let Say::Both(first, second) = say {
        return format!("{}\n\n{}", render(lang, first), render(lang, second));
    }
    match lang {
        Language::En => en::render(say),
        Language::Ru => ru::render(say),
        Language::He => he::render(say),
    }
}

/// "1) a\n2) b".
pub(super) fn numbered(items: &[String]) -> String {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}) {s}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn lines(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("• {s}"))
        .collect::<Vec<_>>()
        .join("\n")
}
