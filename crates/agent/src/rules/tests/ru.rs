//! Russian conversations (Moscow, roubles).
use chrono_tz::Europe::Moscow;
use switchboard_domain::Language;

use super::{Chat, Stage, date, has};

fn chat() -> Chat {
    Chat::new(Language::Ru, Moscow, "RUB", [150_000, 200_000, 500_000])
}

#[tokio::test]
async fn books_a_haircut_in_russian() {
    let mut c = chat();
    let r = c
        .say("Здравствуйте! Хочу записаться на стрижку завтра")
        .await;
    has(
        &r,
        &[
            "Свободное время — завтра (Стрижка):",
            "1) 09:00",
            "2) 10:30",
        ],
    );
    let r = c.say("второй").await;
    has(
        &r,
        &["Стрижка, завтра в 10:30, 1\u{a0}500,00 ₽. Записываю? (да/нет)"],
    );
    assert!(c.cal.writes().is_empty());
    let r = c.say("да").await;
    has(&r, &["Готово! Вы записаны: Стрижка, завтра в 10:30."]);
    assert_eq!(c.cal.writes(), ["create 2026-05-13 10:30"]);
    has(&c.say("спасибо!").await, &["Пожалуйста"]);
}

#[tokio::test]
async fn prices_hours_address_and_fallback_in_russian() {
    let mut c = chat();
    has(
        &c.say("Добрый день").await,
        &["Здравствуйте! Это Studio Bella"],
    );
    has(
        &c.say("сколько стоит маникюр?").await,
        &["Маникюр — 60 мин — 2\u{a0}000,00 ₽"],
    );
    has(
        &c.say("какие у вас услуги и цены?").await,
        &["Окрашивание волос — 90 мин — 5\u{a0}000,00 ₽"],
    );
    has(
        &c.say("до скольки вы работаете?").await,
        &["Часы работы:\n9:00-18:00"],
    );
    has(
        &c.say("какой у вас адрес?").await,
        &["Studio Bella: 12 Main St."],
    );
    has(&c.say("расскажите анекдот").await, &["Я могу записать вас"]);
    has(
        &c.say("позовите администратора").await,
        &["передал ваш вопрос администратору"],
    );
}

#[tokio::test]
async fn busy_time_offers_alternatives_and_no_books_nothing() {
    let mut c = chat();
    c.cal.block_local(date(5, 13), 15, 0, 60);
    let r = c.say("Можно на стрижку в среду в 3 часа дня?").await;
    has(
        &r,
        &[
            "К сожалению, это время занято (завтра в 15:00)",
            "1) 13:30",
            "2) 14:00",
            "3) 16:00",
        ],
    );
    has(
        &c.say("давайте в 16:00").await,
        &["Стрижка, завтра в 16:00"],
    );
    has(&c.say("нет, не надо").await, &["я ничего не записал"]);
    assert!(c.cal.writes().is_empty());
    assert_eq!(c.stage(), Stage::CollectingInfo);
}

#[tokio::test]
async fn cancels_in_russian() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    has(
        &c.say("Хочу отменить запись").await,
        &["Отменить запись: Стрижка, четверг, 14 мая в 11:00? (да/нет)"],
    );
    has(
        &c.say("да, отменяйте").await,
        &["Запись отменена: Стрижка, четверг, 14 мая в 11:00."],
    );
    assert_eq!(c.cal.writes(), ["cancel"]);
}

#[tokio::test]
async fn reschedules_in_russian() {
    let mut c = chat();
    c.cal
        .add_appointment(c.services.haircut.id, date(5, 14), 11, 0);
    let r = c
        .say("Перенесите, пожалуйста, мою запись на пятницу в 14:00")
        .await;
    has(
        &r,
        &[
            "Было: четверг, 14 мая в 11:00",
            "Станет: пятница, 15 мая в 14:00",
        ],
    );
    has(
        &c.say("конечно").await,
        &["Запись перенесена: Стрижка, пятница, 15 мая в 14:00."],
    );
    assert_eq!(c.cal.writes(), ["reschedule 2026-05-15 14:00"]);
}

#[tokio::test]
async fn evening_on_a_weekday_with_inflection() {
    let mut c = chat();
    let r = c.say("а на маникюр в субботу вечером есть окошко?").await;
    has(
        &r,
        &["Свободное время — суббота, 16 мая (Маникюр):", "1) 17:00"],
    );
    has(
        &c.say("первое").await,
        &["Маникюр, суббота, 16 мая в 17:00, 2\u{a0}000,00 ₽"],
    );
}
