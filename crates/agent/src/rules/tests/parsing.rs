//! Tables of phrases and what they mean, with "now" fixed at Tuesday 2026-05-12.
use chrono::{NaiveDate, NaiveTime};
use switchboard_domain::Language;

use super::services;
use crate::rules::intent::{Choice, Intent, parse};
use crate::rules::services::ServiceMatch;
use crate::rules::when_patterns::all_patterns;
use crate::rules::{DateSpec, DayPart, When, parse_when};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 12).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> Option<DateSpec> {
    Some(DateSpec::Day {
        date: NaiveDate::from_ymd_opt(y, m, day).unwrap(),
    })
}

fn week(m: u32, day: u32) -> Option<DateSpec> {
    Some(DateSpec::Week {
        start: NaiveDate::from_ymd_opt(2026, m, day).unwrap(),
    })
}

fn t(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

use DayPart::{Afternoon, Evening, Morning};

/// A phrase and the date, time and part of day it means.
type Case<'a> = (
    &'a str,
    Option<DateSpec>,
    Option<NaiveTime>,
    Option<DayPart>,
);

fn check(lang: Language, cases: &[Case<'_>]) {
    let mut failures = Vec::new();
    for (text, date, time, part) in cases {
        let got = parse_when(text, lang, today());
        let want = When {
            date: *date,
            time: *time,
            part: *part,
            unclear_date: false,
        };
        if got != want {
            failures.push(format!("{text:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_patterns_compile() {
    for (i, p) in all_patterns().into_iter().enumerate() {
        assert!(p.is_some(), "pattern {i} does not compile");
    }
}

#[test]
fn english_phrases() {
    check(
        Language::En,
        &[
            ("tomorrow at 3pm", d(2026, 5, 13), t(15, 0), None),
            ("today 15:00", d(2026, 5, 12), t(15, 0), None),
            (
                "day after tomorrow in the morning",
                d(2026, 5, 14),
                None,
                Some(Morning),
            ),
            ("on Friday at 10:30am", d(2026, 5, 15), t(10, 30), None),
            ("next Monday", d(2026, 5, 18), None, None),
            ("Tuesday", d(2026, 5, 19), None, None),
            ("sometime next week", week(5, 18), None, None),
            ("next week on wednesday at 9", d(2026, 5, 20), t(9, 0), None),
            ("Dec 25 at 2:30 pm", d(2026, 12, 25), t(14, 30), None),
            ("25th of December", d(2026, 12, 25), None, None),
            ("12/25", d(2026, 12, 25), None, None),
            ("25/12 at noon", d(2026, 12, 25), t(12, 0), None),
            ("5/1", d(2027, 5, 1), None, None),
            ("June 3rd, 2027", d(2027, 6, 3), None, None),
            ("2026-06-01 09:00", d(2026, 6, 1), t(9, 0), None),
            ("at 3", None, t(15, 0), None),
            ("at 9", None, t(9, 0), None),
            ("at 7 in the evening", None, t(19, 0), Some(Evening)),
            ("this afternoon at 2", None, t(14, 0), Some(Afternoon)),
            ("tonight at 7", d(2026, 5, 12), t(19, 0), Some(Evening)),
            ("3 o'clock", None, t(15, 0), None),
            ("in 3 days", d(2026, 5, 15), None, None),
            (
                "good morning, anything free tomorrow?",
                d(2026, 5, 13),
                None,
                None,
            ),
            ("may I book a haircut?", None, None, None),
            ("12:30", None, t(12, 30), None),
            ("07:30", None, t(7, 30), None),
            ("11am", None, t(11, 0), None),
            ("12am", None, t(0, 0), None),
        ],
    );
}

#[test]
fn russian_phrases() {
    check(
        Language::Ru,
        &[
            ("завтра в 15:00", d(2026, 5, 13), t(15, 0), None),
            ("послезавтра утром", d(2026, 5, 14), None, Some(Morning)),
            ("в понедельник", d(2026, 5, 18), None, None),
            ("во вторник", d(2026, 5, 19), None, None),
            ("в среду в 3 часа дня", d(2026, 5, 13), t(15, 0), None),
            ("в четверг в 11", d(2026, 5, 14), t(11, 0), None),
            ("в пятницу вечером", d(2026, 5, 15), None, Some(Evening)),
            (
                "в субботу в 10 утра",
                d(2026, 5, 16),
                t(10, 0),
                Some(Morning),
            ),
            ("в воскресенье днем", d(2026, 5, 17), None, Some(Afternoon)),
            ("на следующей неделе", week(5, 18), None, None),
            ("25.12 в 14:30", d(2026, 12, 25), t(14, 30), None),
            ("25.12.2027", d(2027, 12, 25), None, None),
            ("1 мая", d(2027, 5, 1), None, None),
            ("20 мая в 9:30", d(2026, 5, 20), t(9, 30), None),
            (
                "сегодня в 7 вечера",
                d(2026, 5, 12),
                t(19, 0),
                Some(Evening),
            ),
            ("в 12 ночи", None, t(0, 0), None),
            ("через 3 дня", d(2026, 5, 15), None, None),
            ("через неделю", d(2026, 5, 19), None, None),
            ("в 15", None, t(15, 0), None),
            ("в 15.30", None, t(15, 30), None),
            ("к 9 часам", None, t(9, 0), None),
            (
                "Доброе утро! Ёлки, завтра можно?",
                d(2026, 5, 13),
                None,
                None,
            ),
            ("Добрый вечер", None, None, None),
            ("в полдень", None, t(12, 0), None),
        ],
    );
}

#[test]
fn hebrew_phrases() {
    check(
        Language::He,
        &[
            ("מחר בשעה 15:00", d(2026, 5, 13), t(15, 0), None),
            ("היום ב-15", d(2026, 5, 12), t(15, 0), None),
            ("להיום בערב", d(2026, 5, 12), None, Some(Evening)),
            ("מחרתיים בבוקר", d(2026, 5, 14), None, Some(Morning)),
            ("ביום שני", d(2026, 5, 18), None, None),
            ("יום ה'", d(2026, 5, 14), None, None),
            ("יום ה׳ בשעה 10", d(2026, 5, 14), t(10, 0), None),
            ("בשישי", d(2026, 5, 15), None, None),
            ("בשבת", d(2026, 5, 16), None, None),
            ("יום ראשון בצהריים", d(2026, 5, 17), None, Some(Afternoon)),
            ("בשבוע הבא", week(5, 17), None, None),
            ("שבוע הבא ביום שלישי", d(2026, 5, 19), None, None),
            ("25.12 בשעה 10", d(2026, 12, 25), t(10, 0), None),
            ("ב-3 אחה״צ", None, t(15, 0), Some(Afternoon)),
            ("בשעה 9", None, t(9, 0), None),
            ("20 במאי", d(2026, 5, 20), None, None),
            ("בוקר טוב", None, None, None),
            ("ערב טוב, יש תור מחר?", d(2026, 5, 13), None, None),
        ],
    );
}

#[test]
fn intents_in_three_languages() {
    let s = services("USD", [1, 2, 3]);
    let all = [s.haircut.clone(), s.manicure.clone(), s.coloring.clone()];
    let cases: &[(&str, Language, Intent)] = &[
        ("Hello!", Language::En, Intent::Greeting),
        ("Привет", Language::Ru, Intent::Greeting),
        ("שלום", Language::He, Intent::Greeting),
        ("what are your prices", Language::En, Intent::Prices),
        ("Прайс пришлите", Language::Ru, Intent::Prices),
        ("מחירון בבקשה", Language::He, Intent::Prices),
        ("any availability on friday?", Language::En, Intent::Book),
        ("есть свободное время?", Language::Ru, Intent::Book),
        ("יש תורים פנויים?", Language::He, Intent::Book),
        (
            "when is my appointment",
            Language::En,
            Intent::MyAppointments,
        ),
        ("когда я записан?", Language::Ru, Intent::MyAppointments),
        ("מתי התור שלי", Language::He, Intent::MyAppointments),
        ("please cancel", Language::En, Intent::Cancel),
        ("отмените", Language::Ru, Intent::Cancel),
        ("תבטלו לי", Language::He, Intent::Cancel),
        ("can we postpone", Language::En, Intent::Reschedule),
        ("хочу перенести", Language::Ru, Intent::Reschedule),
        ("אפשר לדחות?", Language::He, Intent::Reschedule),
        ("are you open on sunday", Language::En, Intent::Hours),
        ("режим работы", Language::Ru, Intent::Hours),
        ("עד מתי אתם פתוחים", Language::He, Intent::Hours),
        ("what's the address", Language::En, Intent::Address),
        ("как до вас добраться", Language::Ru, Intent::Address),
        ("מה הכתובת", Language::He, Intent::Address),
        ("let me speak to a manager", Language::En, Intent::Human),
        ("соедините с живым человеком", Language::Ru, Intent::Human),
        ("רוצה נציג אנושי", Language::He, Intent::Human),
        ("thank you!", Language::En, Intent::Thanks),
        ("спасибо большое", Language::Ru, Intent::Thanks),
        ("תודה", Language::He, Intent::Thanks),
    ];
    for (text, lang, intent) in cases {
        let p = parse(text, *lang, today(), &all, &[]);
        assert!(
            p.has(*intent),
            "{text:?} should be {intent:?}, got {:?}",
            p.intents
        );
    }
    let p = parse("blah", Language::En, today(), &all, &[]);
    assert!(p.intents.is_empty());
}

#[test]
fn yes_no_and_choices() {
    let yes_no: &[(&str, Option<bool>)] = &[
        ("yes", Some(true)),
        ("Yeah sure", Some(true)),
        ("no thanks", Some(false)),
        ("Да, конечно", Some(true)),
        ("нет", Some(false)),
        ("не подходит", Some(false)),
        ("כן", Some(true)),
        ("מאשרת", Some(true)),
        ("לא תודה", Some(false)),
        ("👍", Some(true)),
        ("maybe", None),
    ];
    for (text, want) in yes_no {
        assert_eq!(
            parse(text, Language::En, today(), &[], &[]).yes_no,
            *want,
            "{text}"
        );
    }
    let choices: &[(&str, Option<Choice>)] = &[
        ("2", Some(Choice::Nth(2))),
        ("#3", Some(Choice::Nth(3))),
        ("option 4", Some(Choice::Nth(4))),
        ("the first one", Some(Choice::Nth(1))),
        ("второй", Some(Choice::Nth(2))),
        ("вариант 3", Some(Choice::Nth(3))),
        ("последний", Some(Choice::Last)),
        ("הראשון", Some(Choice::Nth(1))),
        ("השלישית", Some(Choice::Nth(3))),
        ("בראשון", None),
        ("יום שני", None),
        ("вторник", None),
        ("at 2", None),
    ];
    for (text, want) in choices {
        assert_eq!(
            parse(text, Language::En, today(), &[], &[]).choice,
            *want,
            "{text}"
        );
    }
}

#[test]
fn services_by_name_in_any_language() {
    let s = services("USD", [1, 2, 3]);
    let all = [s.haircut.clone(), s.manicure.clone(), s.coloring.clone()];
    let cases: &[(&str, ServiceMatch)] = &[
        ("HAIRCUT please", ServiceMatch::One(s.haircut.id)),
        ("a haircut", ServiceMatch::One(s.haircut.id)),
        ("записаться на стрижку", ServiceMatch::One(s.haircut.id)),
        ("маникюра", ServiceMatch::One(s.manicure.id)),
        ("לתספורת", ServiceMatch::One(s.haircut.id)),
        ("מניקור", ServiceMatch::One(s.manicure.id)),
        (
            "покраска? окрашивание волос",
            ServiceMatch::One(s.coloring.id),
        ),
        ("hair coloring", ServiceMatch::One(s.coloring.id)),
        ("make an appointment", ServiceMatch::None),
        ("мне бы записаться", ServiceMatch::None),
    ];
    for (text, want) in cases {
        assert_eq!(
            &parse(text, Language::En, today(), &all, &[]).service,
            want,
            "{text}"
        );
    }
}
