//! English replies.
use super::{Purpose, Say, lines, numbered};

/// "on Tuesday, May 12", but plain "today" and "tomorrow".
fn on(day: &str) -> String {
    if day == "today" || day == "tomorrow" {
        day.to_string()
    } else {
        format!("on {day}")
    }
}

/// " with Anna", or nothing when no one is named.
fn with(staff: &Option<String>) -> String {
    staff
        .as_ref()
        .map(|s| format!(" with {s}"))
        .unwrap_or_default()
}

pub(super) fn render(say: &Say) -> String {
    match say {
        Say::Greeting { business } => format!(
            "Hi! This is {business}. I can book, move or cancel an appointment, and tell you our prices, hours and address. What would you like?"
        ),
        Say::Services { items } => format!("Our services:\n{}", lines(items)),
        Say::AskService { items } => format!(
            "Which service would you like?\n{}\nReply with a number or the name.",
            numbered(items)
        ),
        Say::OfferSlots { service, day, slots } => {
            let when = day.as_ref().map(|d| format!(" {}", on(d))).unwrap_or_default();
            format!(
                "Free times for {service}{when}:\n{}\nReply with a number or a time.",
                numbered(slots)
            )
        }
        Say::Taken { requested, slots } => format!(
            "Sorry, {requested} is not available. The nearest free times:\n{}\nWhich one suits you?",
            numbered(slots)
        ),
        Say::NoneOnDay { day, slots } => format!(
            "There is nothing free {}. The next free times:\n{}\nWhich one suits you?",
            on(day),
            numbered(slots)
        ),
        Say::NothingFree { service } => format!(
            "I'm sorry, there are no free times for {service} in the next two weeks. Shall I ask a colleague to contact you?"
        ),
        Say::JustTaken { slots } => format!(
            "Sorry, that time was taken a moment ago. The nearest free times:\n{}\nWhich one suits you?",
            numbered(slots)
        ),
        Say::ConfirmBooking { service, when, price, staff } => format!(
            "{service}{} {when}, {price}. Shall I book it? (yes/no)",
            with(staff)
        ),
        Say::Booked { service, when, staff } => {
            format!("Done! You're booked for {service}{} {when}. See you then!", with(staff))
        }
        Say::Closed { day, slots } => format!(
            "We're closed {}. The nearest open times:\n{}\nWhich one suits you?",
            on(day),
            numbered(slots)
        ),
        Say::DontKnow { pass_on } => format!(
            "I'm sorry, I don't know that.{}",
            if *pass_on { " Shall I pass your question to a colleague? (yes/no)" } else { "" }
        ),
        Say::NotOffered { items, pass_on } => format!(
            "Sorry, we don't offer that. Our services:\n{}{}",
            lines(items),
            if *pass_on { "\nShall I pass your question to a colleague? (yes/no)" } else { "" }
        ),
        Say::StaffUnknown { name, team } => format!(
            "We have no one called {name}. Our team: {}. Who would you like, or shall I find the nearest free time with anyone?",
            team.join(", ")
        ),
        Say::AnythingElse => "OK. Anything else I can help with?".into(),
        Say::StaffBusy { staff, slots } => format!(
            "{staff} is not available then. {staff}'s nearest free times:\n{}\nWhich one suits you?",
            numbered(slots)
        ),
        Say::StaffNothingFree { staff } => format!(
            "I'm sorry, {staff} has no free time for this in the next two weeks. Would someone else suit you?"
        ),
        Say::AskDate => "Sorry, I couldn't make out the date. Which day would you like? For example: tomorrow, Friday or May 15.".into(),
        Say::OneAtATime { items } => format!(
            "I'll book them one at a time: {}. Let's start with {}.",
            items.join(", then "),
            items.first().map(String::as_str).unwrap_or_default()
        ),
        Say::OnePersonAtATime => "I'll book one appointment at a time: first one, then we'll do the next person's.".into(),
        Say::ConfirmCancel { service, when } => {
            format!("Cancel your {service} {when}? (yes/no)")
        }
        Say::Cancelled { service, when } => {
            format!("Your {service} {when} is cancelled.")
        }
        Say::ConfirmReschedule { service, from, to, staff } => {
            format!(
                "Move your {service} from {} to {}{}? (yes/no)",
                from.trim_start_matches("on "),
                to.trim_start_matches("on "),
                with(staff)
            )
        }
        Say::Rescheduled { service, when } => {
            format!("Done! Your {service} is now {when}.")
        }
        Say::AskNewTime { service, current } => format!(
            "Your {service} is {current}. What day and time would suit you instead?"
        ),
        Say::ChooseAppointment { purpose, items } => {
            let verb = match purpose {
                Purpose::Cancel => "cancel",
                Purpose::Reschedule => "move",
            };
            format!(
                "Which appointment would you like to {verb}?\n{}\nReply with a number.",
                numbered(items)
            )
        }
        Say::NoAppointments => "You have no upcoming appointments.".into(),
        Say::MyAppointments { items } => {
            format!("Your upcoming appointments:\n{}", lines(items))
        }
        Say::NotBooked => {
            "OK, I haven't booked anything. Would another day or time suit you?".into()
        }
        Say::Unchanged => "OK, your appointment stays as it is.".into(),
        Say::AskOtherTime => "OK. Which other day or time would suit you?".into(),
        Say::Hours { text: Some(t) } => format!("Our opening hours: {t}"),
        Say::Hours { text: None } => {
            "I don't have our opening hours at hand; a colleague can tell you.".into()
        }
        Say::Address { business, text: Some(a) } => format!("{business} is at {a}."),
        Say::Address { text: None, .. } => {
            "I don't have the address at hand; a colleague can tell you.".into()
        }
        Say::Handover => {
            "I've asked a colleague to take over; they will reply here shortly.".into()
        }
        Say::Thanks => "You're welcome! Have a great day.".into(),
        Say::Both(first, second) => format!("{}\n\n{}", render(first), render(second)),
        Say::Repeat(inner) => format!("Sorry, I didn't catch that. {}", render(inner)),
        Say::PickFromList { count } => format!(
            "Please reply with a number from 1 to {count}, or name another day or time."
        ),
        Say::ToolFailed => "Sorry, something went wrong on our side. Please try again in a moment, or ask for a person.".into(),
        Say::Fallback => "I can help you book, move or cancel an appointment, and tell you our prices, hours and address. For example: \"haircut tomorrow at 3pm\".".into(),
    }
}
