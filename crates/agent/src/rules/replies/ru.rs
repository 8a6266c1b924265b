//! Russian replies.
use super::{Purpose, Say, lines, numbered};

/// ", мастер Анна", or nothing when no one is named (the name stays in the nominative).
fn master(staff: &Option<String>) -> String {
    staff
        .as_ref()
        .map(|s| format!(", мастер {s}"))
        .unwrap_or_default()
}

pub(super) fn render(say: &Say) -> String {
    match say {
        Say::Greeting { business } => format!(
            "Здравствуйте! Это {business}. Я могу записать вас, перенести или отменить запись, подсказать цены, часы работы и адрес. Чем помочь?"
        ),
        Say::Services { items } => format!("Наши услуги:\n{}", lines(items)),
        Say::AskService { items } => format!(
            "На какую услугу вас записать?\n{}\nОтветьте номером или названием.",
            numbered(items)
        ),
        Say::OfferSlots { service, day, slots } => {
            // Weekday names stay in the nominative, so no preposition that would need a case.
            let when = day.as_ref().map(|d| format!(" — {d}")).unwrap_or_default();
            format!(
                "Свободное время{when} ({service}):\n{}\nОтветьте номером или временем.",
                numbered(slots)
            )
        }
        Say::Taken { requested, slots } => format!(
            "К сожалению, {requested} занято. Ближайшее свободное время:\n{}\nКакой вариант вам подходит?",
            numbered(slots)
        ),
        Say::NoneOnDay { day, slots } => format!(
            "Свободного времени нет ({day}). Ближайшие свободные окна:\n{}\nКакой вариант вам подходит?",
            numbered(slots)
        ),
        Say::NothingFree { service } => format!(
            "К сожалению, на «{service}» в ближайшие две недели свободного времени нет. Попросить администратора связаться с вами?"
        ),
        Say::JustTaken { slots } => format!(
            "К сожалению, это время только что заняли. Ближайшее свободное время:\n{}\nКакой вариант вам подходит?",
            numbered(slots)
        ),
        Say::ConfirmBooking { service, when, price, staff } => format!(
            "{service}{}, {when}, {price}. Записываю? (да/нет)",
            master(staff)
        ),
        Say::Booked { service, when, staff } => {
            format!("Готово! Вы записаны: {service}{}, {when}. Ждём вас!", master(staff))
        }
        Say::Closed { day, slots } => format!(
            "Мы не работаем ({day}). Ближайшее время, когда мы открыты:\n{}\nКакой вариант вам подходит?",
            numbered(slots)
        ),
        Say::DontKnow { pass_on } => format!(
            "К сожалению, я этого не знаю.{}",
            if *pass_on { " Передать ваш вопрос администратору? (да/нет)" } else { "" }
        ),
        Say::NotOffered { items, pass_on } => format!(
            "К сожалению, такой услуги у нас нет. Наши услуги:\n{}{}",
            lines(items),
            if *pass_on { "\nПередать ваш вопрос администратору? (да/нет)" } else { "" }
        ),
        Say::StaffUnknown { name, team } => format!(
            "Мастера с именем {name} у нас нет. Наши мастера: {}. К кому вас записать, или подобрать ближайшее время у любого мастера?",
            team.join(", ")
        ),
        Say::AnythingElse => "Хорошо. Чем ещё могу помочь?".into(),
        Say::StaffBusy { staff, slots } => format!(
            "Мастер {staff} в это время занят(а). Ближайшее свободное время у мастера {staff}:\n{}\nКакой вариант вам подходит?",
            numbered(slots)
        ),
        Say::StaffNothingFree { staff } => format!(
            "К сожалению, у мастера {staff} нет свободного времени на эту услугу в ближайшие две недели. Записать к другому мастеру?"
        ),
        Say::AskDate => "Извините, я не понял дату. На какой день вас записать? Например: завтра, в пятницу или 15.05.".into(),
        Say::OneAtATime { items } => format!(
            "Запишу по очереди: {}. Начнём с первой услуги: {}.",
            items.join(", затем "),
            items.first().map(String::as_str).unwrap_or_default()
        ),
        Say::OnePersonAtATime => "Запишу по одному: сначала первую запись, затем следующего человека.".into(),
        Say::ConfirmCancel { service, when } => {
            format!("Отменить запись: {service}, {when}? (да/нет)")
        }
        Say::Cancelled { service, when } => {
            format!("Запись отменена: {service}, {when}.")
        }
        Say::ConfirmReschedule { service, from, to, staff } => {
            format!(
                "Перенести запись ({service})?\nБыло: {from}\nСтанет: {to}{}\n(да/нет)",
                master(staff)
            )
        }
        Say::Rescheduled { service, when } => {
            format!("Готово! Запись перенесена: {service}, {when}.")
        }
        Say::AskNewTime { service, current } => format!(
            "Вы записаны: {service}, {current}. На какой день и время перенести?"
        ),
        Say::ChooseAppointment { purpose, items } => {
            let verb = match purpose {
                Purpose::Cancel => "отменить",
                Purpose::Reschedule => "перенести",
            };
            format!(
                "Какую запись {verb}?\n{}\nОтветьте номером.",
                numbered(items)
            )
        }
        Say::NoAppointments => "У вас нет предстоящих записей.".into(),
        Say::MyAppointments { items } => format!("Ваши записи:\n{}", lines(items)),
        Say::NotBooked => {
            "Хорошо, я ничего не записал. Подобрать другой день или время?".into()
        }
        Say::Unchanged => "Хорошо, запись остаётся без изменений.".into(),
        Say::AskOtherTime => "Хорошо. Какой другой день или время вам удобны?".into(),
        Say::Hours { text: Some(t) } => format!("Часы работы: {t}"),
        Say::Hours { text: None } => {
            "У меня нет под рукой часов работы, администратор подскажет.".into()
        }
        Say::Address { business, text: Some(a) } => format!("{business}: {a}."),
        Say::Address { text: None, .. } => {
            "У меня нет под рукой адреса, администратор подскажет.".into()
        }
        Say::Handover => {
            "Я передал ваш вопрос администратору, вам скоро ответят здесь.".into()
        }
        Say::Thanks => "Пожалуйста! Хорошего дня.".into(),
        Say::Both(first, second) => format!("{}\n\n{}", render(first), render(second)),
        Say::Repeat(inner) => format!("Извините, я не понял. {}", render(inner)),
        Say::PickFromList { count } => format!(
            "Пожалуйста, ответьте номером от 1 до {count} или назовите другой день или время."
        ),
        Say::ToolFailed => "Извините, у нас что-то пошло не так. Попробуйте ещё раз чуть позже или попросите администратора.".into(),
        Say::Fallback => "Я могу записать вас, перенести или отменить запись, подсказать цены, часы работы и адрес. Например: «стрижка завтра в 15:00».".into(),
    }
}
