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
    },
    Booked {
        service: String,
        when: String,
    },
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
