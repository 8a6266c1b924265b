//! Every reply in every language: present, formatting cleanly with its arguments, and every
//! message of `agent.ftl` used by some reply.
use std::collections::BTreeSet;

use switchboard_i18n::{LANGUAGES, message_ids_in};

use super::*;

/// At least one of each variant, and each optional part both present and absent.
fn samples() -> Vec<Say> {
    let s = |x: &str| x.to_string();
    let slots = vec![s("10:00"), s("11:00")];
    vec![
        Say::Greeting {
            business: s("Salon"),
        },
        Say::Services {
            items: slots.clone(),
        },
        Say::AskService {
            items: slots.clone(),
        },
        Say::OfferSlots {
            service: s("Haircut"),
            day: None,
            slots: slots.clone(),
        },
        Say::OfferSlots {
            service: s("Haircut"),
            day: Some(s("Tuesday, May 12")),
            slots: slots.clone(),
        },
        Say::Taken {
            requested: s("Tuesday, May 12 at 3:00 PM"),
            slots: slots.clone(),
        },
        Say::NoneOnDay {
            day: s("Tuesday, May 12"),
            slots: slots.clone(),
        },
        Say::Closed {
            day: s("Saturday, May 16"),
            slots: slots.clone(),
        },
        Say::NothingFree {
            service: s("Haircut"),
        },
        Say::JustTaken {
            slots: slots.clone(),
        },
        Say::ConfirmBooking {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
            price: s("$45.00"),
            staff: None,
        },
        Say::ConfirmBooking {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
            price: s("$45.00"),
            staff: Some(s("Anna")),
        },
        Say::Booked {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
            staff: None,
        },
        Say::Booked {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
            staff: Some(s("Anna")),
        },
        Say::ConfirmCancel {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
        },
        Say::Cancelled {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
        },
        Say::ConfirmReschedule {
            service: s("Haircut"),
            from: s("tomorrow at 3:00 PM"),
            to: s("Tuesday, May 12 at 4:00 PM"),
            staff: None,
        },
        Say::ConfirmReschedule {
            service: s("Haircut"),
            from: s("tomorrow at 3:00 PM"),
            to: s("Tuesday, May 12 at 4:00 PM"),
            staff: Some(s("Anna")),
        },
        Say::DontKnow { pass_on: true },
        Say::DontKnow { pass_on: false },
        Say::NotOffered {
            items: slots.clone(),
            pass_on: true,
        },
        Say::NotOffered {
            items: slots.clone(),
            pass_on: false,
        },
        Say::StaffUnknown {
            name: s("Olga"),
            team: vec![s("Anna"), s("Dana")],
        },
        Say::AnythingElse,
        Say::StaffBusy {
            staff: s("Anna"),
            slots: slots.clone(),
        },
        Say::StaffNothingFree { staff: s("Anna") },
        Say::AskDate,
        Say::OneAtATime {
            items: vec![s("Haircut"), s("Manicure")],
        },
        Say::OnePersonAtATime,
        Say::Rescheduled {
            service: s("Haircut"),
            when: s("tomorrow at 3:00 PM"),
        },
        Say::AskNewTime {
            service: s("Haircut"),
            current: s("tomorrow at 3:00 PM"),
        },
        Say::ChooseAppointment {
            purpose: Purpose::Cancel,
            items: slots.clone(),
        },
        Say::ChooseAppointment {
            purpose: Purpose::Reschedule,
            items: slots.clone(),
        },
        Say::NoAppointments,
        Say::MyAppointments {
            items: slots.clone(),
        },
        Say::NotBooked,
        Say::Unchanged,
        Say::AskOtherTime,
        Say::Hours {
            text: Some(s("Monday: 9:00 AM – 6:00 PM")),
        },
        Say::Hours { text: None },
        Say::Address {
            business: s("Salon"),
            text: Some(s("1 Main St")),
        },
        Say::Address {
            business: s("Salon"),
            text: None,
        },
        Say::Handover,
        Say::Thanks,
        Say::Repeat(Box::new(Say::Thanks)),
        Say::Both(Box::new(Say::Thanks), Box::new(Say::Handover)),
        Say::PickFromList { count: 3 },
        Say::ToolFailed,
        Say::Fallback,
    ]
}

#[test]
fn every_reply_renders_cleanly_in_every_language() {
    for lang in LANGUAGES {
        for say in samples() {
            let text = try_render(lang, &say)
                .unwrap_or_else(|e| panic!("{say:?} in {}: {e}", lang.code()));
            assert!(!text.trim().is_empty(), "{say:?} in {}", lang.code());
            assert!(!text.contains('{'), "{say:?} in {}: {text}", lang.code());
        }
    }
}

#[test]
fn every_agent_message_is_used_by_some_reply() {
    let mut used: BTreeSet<&str> = ["repeat", "change-done"].into();
    for say in samples() {
        used.insert(message(Language::En, &say).0);
    }
    for lang in LANGUAGES {
        let defined: BTreeSet<&str> = message_ids_in(lang, "agent.ftl").into_iter().collect();
        let unused: Vec<_> = defined.difference(&used).collect();
        assert!(
            unused.is_empty(),
            "{}: no reply uses {unused:?}",
            lang.code()
        );
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
    }
}

#[test]
fn a_date_takes_a_preposition_and_today_does_not() {
    let booked = |when: &str| Say::Booked {
        service: "Haircut".into(),
        when: when.into(),
        staff: None,
    };
    assert_eq!(
        render(Language::En, &booked("Tuesday, May 12 at 3:00 PM")),
        "Done! You're booked for Haircut on Tuesday, May 12 at 3:00 PM. See you then!"
    );
    assert_eq!(
        render(Language::En, &booked("tomorrow at 3:00 PM")),
        "Done! You're booked for Haircut tomorrow at 3:00 PM. See you then!"
    );
    let closed = |day: &str| Say::Closed {
        day: day.into(),
        slots: vec!["10:00".into()],
    };
    assert!(
        render(Language::He, &closed("יום שבת, 16 במאי"))
            .starts_with("מצטערים, אנחנו סגורים ביום שבת, 16 במאי.")
    );
    assert!(
        render(Language::He, &closed("מחר בשעה 20:00"))
            .starts_with("מצטערים, אנחנו סגורים מחר בשעה 20:00.")
    );
}

#[test]
fn a_named_staff_member_is_in_the_confirmation_in_every_language() {
    let say = Say::ConfirmBooking {
        service: "Haircut".into(),
        when: "tomorrow at 3:00 PM".into(),
        price: "$45.00".into(),
        staff: Some("Anna".into()),
    };
    assert!(
        render(Language::En, &say).starts_with("Haircut with Anna tomorrow at 3:00 PM, $45.00.")
    );
    assert!(render(Language::Ru, &say).contains("мастер Anna"));
    assert!(render(Language::He, &say).contains("אצל Anna"));
}
