//! Hebrew replies.
use super::{Purpose, Say, lines, numbered};

/// "ביום שלישי, 12.05" and "בשבת", but plain "היום" and "מחר".
fn on(day: &str) -> String {
    if day.starts_with("יום") || day.starts_with("שבת") {
        format!("ב{day}")
    } else {
        day.to_string()
    }
}

pub(super) fn render(say: &Say) -> String {
    match say {
        Say::Greeting { business } => format!(
            "שלום! כאן {business}. אפשר לקבוע, להזיז או לבטל תור, ולשאול על מחירים, שעות פתיחה וכתובת. במה אפשר לעזור?"
        ),
        Say::Services { items } => format!("השירותים שלנו:\n{}", lines(items)),
        Say::AskService { items } => format!(
            "לאיזה שירות לקבוע?\n{}\nאפשר לענות במספר או בשם.",
            numbered(items)
        ),
        Say::OfferSlots { service, day, slots } => {
            let when = day.as_ref().map(|d| format!(" ל{d}")).unwrap_or_default();
            format!(
                "שעות פנויות{when} ({service}):\n{}\nאפשר לענות במספר או בשעה.",
                numbered(slots)
            )
        }
        Say::Taken { requested, slots } => format!(
            "מצטערים, {requested} תפוס. השעות הפנויות הקרובות:\n{}\nמה מתאים לך?",
            numbered(slots)
        ),
        Say::NoneOnDay { day, slots } => format!(
            "אין שעות פנויות {}. השעות הפנויות הבאות:\n{}\nמה מתאים לך?",
            on(day),
            numbered(slots)
        ),
        Say::NothingFree { service } => format!(
            "מצטערים, אין שעות פנויות ל{service} בשבועיים הקרובים. לבקש מנציג לחזור אליך?"
        ),
        Say::JustTaken { slots } => format!(
            "מצטערים, השעה הזאת נתפסה הרגע. השעות הפנויות הקרובות:\n{}\nמה מתאים לך?",
            numbered(slots)
        ),
        Say::ConfirmBooking { service, when, price } => format!(
            "{service}, {when}, {price}. לקבוע? (כן/לא)"
        ),
        Say::Booked { service, when } => {
            format!("מעולה! נקבע לך תור: {service}, {when}. נתראה!")
        }
        Say::ConfirmCancel { service, when } => {
            format!("לבטל את התור: {service}, {when}? (כן/לא)")
        }
        Say::Cancelled { service, when } => {
            format!("התור בוטל: {service}, {when}.")
        }
        Say::ConfirmReschedule { service, from, to } => {
            format!("להזיז את התור ({service}) מ{from} ל{to}? (כן/לא)")
        }
        Say::Rescheduled { service, when } => {
            format!("מעולה! התור הוזז: {service}, {when}.")
        }
        Say::AskNewTime { service, current } => format!(
            "התור שלך: {service}, {current}. לאיזה יום ושעה להזיז?"
        ),
        Say::ChooseAppointment { purpose, items } => {
            let verb = match purpose {
                Purpose::Cancel => "לבטל",
                Purpose::Reschedule => "להזיז",
            };
            format!("איזה תור {verb}?\n{}\nאפשר לענות במספר.", numbered(items))
        }
        Say::NoAppointments => "אין לך תורים קרובים.".into(),
        Say::MyAppointments { items } => format!("התורים הקרובים שלך:\n{}", lines(items)),
        Say::NotBooked => "בסדר, לא קבעתי כלום. לחפש יום או שעה אחרים?".into(),
        Say::Unchanged => "בסדר, התור נשאר כמו שהוא.".into(),
        Say::AskOtherTime => "בסדר. איזה יום או שעה אחרים מתאימים לך?".into(),
        Say::Hours { text: Some(t) } => format!("שעות הפתיחה שלנו: {t}"),
        Say::Hours { text: None } => "אין לי כרגע את שעות הפתיחה, נציג יוכל לעזור.".into(),
        Say::Address { business, text: Some(a) } => format!("הכתובת של {business}: {a}."),
        Say::Address { text: None, .. } => "אין לי כרגע את הכתובת, נציג יוכל לעזור.".into(),
        Say::Handover => "העברתי את הפנייה לנציג, יחזרו אליך כאן בקרוב.".into(),
        Say::Thanks => "בשמחה! יום נעים.".into(),
        Say::Both(first, second) => format!("{}\n\n{}", render(first), render(second)),
        Say::Repeat(inner) => format!("סליחה, לא הבנתי. {}", render(inner)),
        Say::PickFromList { count } => format!(
            "אפשר לענות במספר בין 1 ל-{count}, או לבקש יום או שעה אחרים."
        ),
        Say::ToolFailed => "מצטערים, משהו השתבש אצלנו. אפשר לנסות שוב בעוד רגע או לבקש נציג.".into(),
        Say::Fallback => "אפשר לקבוע, להזיז או לבטל תור, ולשאול על מחירים, שעות פתיחה וכתובת. למשל: \"תספורת מחר בשעה 15:00\".".into(),
    }
}
