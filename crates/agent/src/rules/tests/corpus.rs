//! Real customers' phrasing, measured: each case is a short conversation (lower case, typos,
//! no punctuation, times and dates in words) and what it must end in. A case passes when it
//! books exactly what was asked or says what it must; any write that was not asked for is
//! an unintended booking and fails the test outright. The rate per language is printed
//! (`cargo test corpus -- --nocapture`) and must stay at 90% or more.
use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use switchboard_domain::Language;

use super::Chat;
use super::corpus_cases::EN;
use super::corpus_he::HE;
use super::corpus_ru::RU;
use crate::context::StaffInfo;

/// What a conversation must end in.
pub(super) enum Want {
    /// Exactly one booking: service (0 haircut, 1 manicure, 2 coloring), local (month, day),
    /// (hour, minute), and the staff member asked for (0 Anna, 1 Dana) if any.
    Book(usize, (u32, u32), (u32, u32), Option<usize>),
    /// Nothing written, and the last reply contains this text.
    Say(&'static str),
}

pub(super) type Case = (&'static [&'static str], Want);

/// A salon with Anna and Dana, a 15-minute grid, and the aliases a business would add.
pub(super) fn salon(lang: Language, tz: Tz, currency: &str) -> Chat {
    let mut c = Chat::new(lang, tz, currency, [4500, 3000, 9000]);
    c.cal.step_min = 15;
    let dana = c.cal.hire(1);
    let all: Vec<_> = c.ctx.services.iter().map(|s| s.id).collect();
    let team = [("Anna", c.cal.first_staff())]
        .into_iter()
        .chain(dana.into_iter().map(|id| ("Dana", id)));
    c.ctx.staff = team
        .map(|(name, id)| StaffInfo {
            id,
            name: name.into(),
            service_ids: all.clone(),
        })
        .collect();
    let aliases: [&[&str]; 3] = [
        &["trim"],
        &["nails", "ногти", "ציפורניים"],
        &["color", "покраска", "צבע"],
    ];
    for (svc, names) in c.ctx.services.iter_mut().zip(aliases) {
        svc.aliases = names.iter().map(|s| s.to_string()).collect();
    }
    c
}

/// Runs every case; returns the failures (unintended bookings marked) and the rate.
async fn measure(lang: Language, tz: Tz, currency: &str, cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    for (messages, want) in cases {
        let mut c = salon(lang, tz, currency);
        let mut last = String::new();
        for m in *messages {
            last = c.say(m).await;
        }
        let booked = c.cal.appointments();
        let verdict = match want {
            Want::Say(text) if booked.is_empty() && last.contains(text) => None,
            Want::Say(text) if booked.is_empty() => Some(format!("no {text:?} in {last:?}")),
            Want::Say(_) => Some("UNINTENDED BOOKING".to_string()),
            Want::Book(service, (mo, d), (h, mi), staff) => {
                let svc = [
                    &c.services.haircut,
                    &c.services.manicure,
                    &c.services.coloring,
                ][*service]
                    .id;
                let staff_id = staff.and_then(|i| c.ctx.staff.get(i)).map(|m| m.id);
                match booked.as_slice() {
                    [] => Some(format!("not booked; last reply {last:?}")),
                    [a] => {
                        let local = a.start_utc.with_timezone(&tz);
                        let right = a.service_id == svc
                            && (local.month(), local.day()) == (*mo, *d)
                            && (local.hour(), local.minute()) == (*h, *mi)
                            && staff_id.is_none_or(|s| a.staff_id == Some(s));
                        (!right).then(|| format!("UNINTENDED BOOKING {local} {:?}", a.staff_id))
                    }
                    _ => Some("UNINTENDED BOOKING: more than one".to_string()),
                }
            }
        };
        if let Some(v) = verdict {
            failures.push(format!("{messages:?}: {v}"));
        }
    }
    failures
}

async fn check(lang: Language, tz: Tz, currency: &str, cases: &[Case]) {
    let failures = measure(lang, tz, currency, cases).await;
    assert_rate(&format!("{lang:?}"), &failures, cases.len(), 40);
}

/// Prints how many conversations of a corpus were handled, and fails on any unintended write,
/// on a corpus smaller than `min_cases`, or on a rate under 90%.
pub(super) fn assert_rate(label: &str, failures: &[String], cases: usize, min_cases: usize) {
    let rate = 1.0 - failures.len() as f64 / cases as f64;
    let listed = failures.join("\n");
    println!(
        "{label}: {} of {cases} conversations handled ({:.0}%)\n{listed}",
        cases - failures.len(),
        rate * 100.0,
    );
    assert!(
        failures.iter().all(|f| !f.contains("UNINTENDED")),
        "unintended writes:\n{listed}"
    );
    assert!(
        cases >= min_cases,
        "the corpus keeps {min_cases}+ phrasings"
    );
    assert!(rate >= 0.9, "{:.0}%:\n{listed}", rate * 100.0);
}

#[tokio::test]
async fn english_corpus_books_what_was_asked_nine_times_in_ten_and_never_anything_else() {
    check(Language::En, chrono_tz::America::New_York, "USD", EN).await;
}

#[tokio::test]
async fn russian_corpus_books_what_was_asked_nine_times_in_ten_and_never_anything_else() {
    check(Language::Ru, chrono_tz::Europe::Moscow, "RUB", RU).await;
}

#[tokio::test]
async fn hebrew_corpus_books_what_was_asked_nine_times_in_ten_and_never_anything_else() {
    check(Language::He, chrono_tz::Asia::Jerusalem, "ILS", HE).await;
}
