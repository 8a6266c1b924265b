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

/// " אצל אנה", or nothing when no one is named.
fn with(staff: &Option<String>) -> String {
    staff
        .as_ref()
        .map(|s| format!(" אצל {s}"))
        .unwrap_or_default()
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
        Say::ConfirmBooking { service, when, price, staff } => format!(
            "{service}{}, {when}, {price}. לקבוע? (כן/לא)",
            with(staff)
        ),
        Say::Booked { service, when, staff } => {
            format!("מעולה! נקבע לך תור: {service}{}, {when}. נתראה!", with(staff))
        }
        Say::Closed { day, slots } => format!(
            "אנחנו סגורים {}. השעות הפתוחות הקרובות:\n{}\nמה מתאים לך?",
            on(day),
            numbered(slots)
        ),
        Say::DontKnow { pass_on } => format!(
            "מצטערים, אין לי את המידע הזה.{}",
            if *pass_on { " להעביר את השאלה לנציג? (כן/לא)" } else { "" }
        ),
        Say::NotOffered { items, pass_on } => format!(
            "מצטערים, אנחנו לא מציעים את זה. השירותים שלנו:\n{}{}",
            lines(items),
            if *pass_on { "\nלהעביר את השאלה לנציג? (כן/לא)" } else { "" }
        ),
        Say::StaffUnknown { name, team } => format!(
            "אין אצלנו מישהו בשם {name}. הצוות שלנו: {}. אצל מי לקבוע, או לחפש את הזמן הפנוי הקרוב אצל כל אחד?",
            team.join(", ")
        ),
        Say::AnythingElse => "בסדר. אפשר לעזור במשהו נוסף?".into(),
        Say::StaffBusy { staff, slots } => format!(
            "{staff} לא פנוי/ה בזמן הזה. השעות הפנויות הקרובות אצל {staff}:\n{}\nמה מתאים לך?",
            numbered(slots)
        ),
        Say::StaffNothingFree { staff } => format!(
            "מצטערים, אין ל{staff} זמן פנוי לשירות הזה בשבועיים הקרובים. להציע מישהו אחר?"
        ),
        Say::AskDate => "סליחה, לא הבנתי את התאריך. לאיזה יום לקבוע? למשל: מחר, ביום שישי או 15.05.".into(),
        Say::OneAtATime { items } => format!(
            "נקבע אחד אחרי השני: {}. נתחיל עם {}.",
            items.join(", ואז "),
            items.first().map(String::as_str).unwrap_or_default()
        ),
        Say::OnePersonAtATime => "נקבע תור אחד בכל פעם: קודם הראשון, ואז נקבע לאדם הבא.".into(),
        Say::ConfirmCancel { service, when } => {
            format!("לבטל את התור: {service}, {when}? (כן/לא)")
        }
        Say::Cancelled { service, when } => {
            format!("התור בוטל: {service}, {when}.")
        }
        Say::ConfirmReschedule { service, from, to, staff } => {
            format!("להזיז את התור ({service}) מ{from} ל{to}{}? (כן/לא)", with(staff))
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
