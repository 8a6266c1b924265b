//! What the rule-based agent says, as data, rendered into English, Russian or Hebrew text.
//! Dates, times and prices arrive already formatted for the language; the sentences around
//! them are Fluent messages (`crates/i18n/locales/*/agent.ftl`), one per variant, so a new
//! variant is one arm in [`message`] and one message in each language's file.
#[cfg(test)]
mod tests;

use switchboard_domain::Language;
use switchboard_i18n::{Args, FluentValue, I18nError, format::day_kind};

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
    /// The business is closed on the requested day or at the requested time (`day` is a day
    /// or a moment); `slots` are the nearest times it is open and free.
    Closed {
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
        /// Who will do it, when the customer chose someone or only one person can.
        staff: Option<String>,
    },
    Booked {
        service: String,
        when: String,
        staff: Option<String>,
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
    let lookup = |id: &str, args: &Args| Ok(switchboard_i18n::text(lang, id, Some(args)));
    render_with(lang, say, &lookup).unwrap_or_default()
}

/// Like [`render`], but fails on a message missing in `lang` or not formatting cleanly.
#[cfg(test)]
pub(crate) fn try_render(lang: Language, say: &Say) -> Result<String, I18nError> {
    render_with(lang, say, &|id, args| {
        switchboard_i18n::try_text(lang, id, Some(args))
    })
}

type Lookup<'l> = dyn Fn(&str, &Args) -> Result<String, I18nError> + 'l;

fn render_with(lang: Language, say: &Say, lookup: &Lookup) -> Result<String, I18nError> {
    match say {
        Say::Both(first, second) => Ok(format!(
            "{}\n\n{}",
            render_with(lang, first, lookup)?,
            render_with(lang, second, lookup)?
        )),
        Say::Repeat(inner) => {
            let question = render_with(lang, inner, lookup)?;
            let mut args = Args::new();
            args.set("question", question);
            lookup("repeat", &args)
        }
        other => {
            let (id, args) = message(lang, other);
            lookup(id, &args)
        }
    }
}

/// Arguments of a message.
struct A<'a> {
    lang: Language,
    args: Args<'a>,
}

impl<'a> A<'a> {
    fn new(lang: Language) -> Self {
        Self {
            lang,
            args: Args::new(),
        }
    }

    fn s(mut self, name: &'static str, value: impl Into<FluentValue<'a>>) -> Self {
        self.args.set(name, value);
        self
    }

    /// A day or a moment, with `<name>-kind` telling a date from "today"/"tomorrow".
    fn day(mut self, name: &'static str, kind: &'static str, value: &'a str) -> Self {
        self.args.set(kind, day_kind(value, self.lang));
        self.args.set(name, value);
        self
    }

    fn numbered(self, name: &'static str, items: &[String]) -> Self {
        self.s(name, numbered(items))
    }
}

/// The message id and arguments of one reply (not `Both` or `Repeat`).
fn message<'a>(lang: Language, say: &'a Say) -> (&'static str, Args<'a>) {
    let a = A::new(lang);
    let (id, a) = match say {
        Say::Greeting { business } => ("greeting", a.s("business", business.as_str())),
        Say::Services { items } => ("services", a.s("items", lines(items))),
        Say::AskService { items } => ("ask-service", a.numbered("items", items)),
        Say::OfferSlots {
            service,
            day: None,
            slots,
        } => (
            "offer-slots",
            a.s("service", service.as_str()).numbered("slots", slots),
        ),
        Say::OfferSlots {
            service,
            day: Some(day),
            slots,
        } => (
            "offer-slots-day",
            a.s("service", service.as_str())
                .day("day", "day-kind", day)
                .numbered("slots", slots),
        ),
        Say::Taken { requested, slots } => (
            "taken",
            a.day("requested", "requested-kind", requested)
                .numbered("slots", slots),
        ),
        Say::NoneOnDay { day, slots } => (
            "none-on-day",
            a.day("day", "day-kind", day).numbered("slots", slots),
        ),
        Say::Closed { day, slots } => (
            "closed",
            a.day("day", "day-kind", day).numbered("slots", slots),
        ),
        Say::NothingFree { service } => ("nothing-free", a.s("service", service.as_str())),
        Say::JustTaken { slots } => ("just-taken", a.numbered("slots", slots)),
        Say::ConfirmBooking {
            service,
            when,
            price,
            staff,
        } => {
            let a = a
                .s("service", service.as_str())
                .day("when", "when-kind", when)
                .s("price", price.as_str());
            match staff {
                Some(staff) => ("confirm-booking-staff", a.s("staff", staff.as_str())),
                None => ("confirm-booking", a),
            }
        }
        Say::Booked {
            service,
            when,
            staff,
        } => {
            let a = a
                .s("service", service.as_str())
                .day("when", "when-kind", when);
            match staff {
                Some(staff) => ("booked-staff", a.s("staff", staff.as_str())),
                None => ("booked", a),
            }
        }
        Say::ConfirmCancel { service, when } => (
            "confirm-cancel",
            a.s("service", service.as_str())
                .day("when", "when-kind", when),
        ),
        Say::Cancelled { service, when } => (
            "cancelled",
            a.s("service", service.as_str())
                .day("when", "when-kind", when),
        ),
        Say::ConfirmReschedule {
            service,
            from,
            to,
            staff,
        } => {
            let a = a
                .s("service", service.as_str())
                .day("from", "from-kind", from)
                .day("to", "to-kind", to);
            match staff {
                Some(staff) => ("confirm-reschedule-staff", a.s("staff", staff.as_str())),
                None => ("confirm-reschedule", a),
            }
        }
        Say::Rescheduled { service, when } => (
            "rescheduled",
            a.s("service", service.as_str())
                .day("when", "when-kind", when),
        ),
        Say::AskNewTime { service, current } => (
            "ask-new-time",
            a.s("service", service.as_str())
                .day("current", "current-kind", current),
        ),
        Say::ChooseAppointment { purpose, items } => (
            "choose-appointment",
            a.s(
                "purpose",
                match purpose {
                    Purpose::Cancel => "cancel",
                    Purpose::Reschedule => "reschedule",
                },
            )
            .numbered("items", items),
        ),
        Say::NoAppointments => ("no-appointments", a),
        Say::MyAppointments { items } => ("my-appointments", a.s("items", lines(items))),
        Say::NotBooked => ("not-booked", a),
        Say::Unchanged => ("unchanged", a),
        Say::AskOtherTime => ("ask-other-time", a),
        Say::Hours { text: Some(t) } => ("hours", a.s("hours", t.as_str())),
        Say::Hours { text: None } => ("hours-unknown", a),
        Say::Address {
            business,
            text: Some(t),
        } => (
            "address",
            a.s("business", business.as_str()).s("address", t.as_str()),
        ),
        Say::Address { text: None, .. } => ("address-unknown", a),
        Say::Handover => ("handover", a),
        Say::Thanks => ("thanks", a),
        Say::PickFromList { count } => ("pick-from-list", a.s("count", *count)),
        Say::DontKnow { pass_on: true } => ("dont-know-pass-on", a),
        Say::DontKnow { pass_on: false } => ("dont-know", a),
        Say::NotOffered {
            items,
            pass_on: true,
        } => ("not-offered-pass-on", a.s("items", lines(items))),
        Say::NotOffered {
            items,
            pass_on: false,
        } => ("not-offered", a.s("items", lines(items))),
        Say::StaffUnknown { name, team } => (
            "staff-unknown",
            a.s("name", name.as_str()).s("team", team.join(", ")),
        ),
        Say::AnythingElse => ("anything-else", a),
        Say::StaffBusy { staff, slots } => (
            "staff-busy",
            a.s("staff", staff.as_str()).numbered("slots", slots),
        ),
        Say::StaffNothingFree { staff } => ("staff-nothing-free", a.s("staff", staff.as_str())),
        Say::AskDate => ("ask-date", a),
        Say::OneAtATime { items } => (
            "one-at-a-time",
            a.s("items", items.join(", ")).s(
                "first",
                items.first().map(String::as_str).unwrap_or_default(),
            ),
        ),
        Say::OnePersonAtATime => ("one-person-at-a-time", a),
        Say::ToolFailed => ("tool-failed", a),
        Say::Fallback => ("fallback", a),
        // Composite replies are rendered by `render_with`; reaching here is a bug, and the
        // fallback text is the least confusing answer.
        Say::Both(..) | Say::Repeat(..) => ("fallback", a),
    };
    (id, a.args)
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
