//! Finding the service a customer means by its name in any language, tolerating case,
//! inflection ("стрижку" is "Стрижка"), Hebrew prefixes ("לתספורת") and partial names.
use switchboard_domain::{Language, ServiceId};

use super::text::{Text, common_prefix, variants};
use crate::context::ServiceInfo;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ServiceMatch {
    None,
    One(ServiceId),
    /// Several services fit equally well ("стрижка" with men's and children's haircuts).
    Many(Vec<ServiceId>),
}

/// Words too common to identify a service by (checked on both sides, so "make an
/// appointment" does not find "Makeup").
const STOP: &[&str] = &[
    "for",
    "the",
    "and",
    "with",
    "make",
    "want",
    "need",
    "like",
    "have",
    "book",
    "booking",
    "time",
    "free",
    "next",
    "this",
    "that",
    "what",
    "when",
    "would",
    "could",
    "please",
    "today",
    "tomorrow",
    "appointment",
    "на",
    "для",
    "и",
    "с",
    "хочу",
    "можно",
    "время",
    "завтра",
    "сегодня",
    "запись",
    "записаться",
    "пожалуйста",
    "свободно",
    "של",
    "עם",
    "אפשר",
    "רוצה",
    "מחר",
    "היום",
    "תור",
];

/// Two words are the same word when they share a long enough beginning: all of the shorter
/// one, or all but its last two letters (Russian endings), and at least four letters unless
/// they are equal.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let shorter = la.min(lb);
    if shorter < 4 {
        return false;
    }
    let common = common_prefix(a, b);
    common >= 4 && common + 2 >= shorter
}

/// How well `name` is covered by the message: (words of the name found, share of the name).
fn score(text: &Text, name: &str) -> (usize, usize) {
    let name = Text::new(name);
    let name_words: Vec<&str> = name.letter_words().filter(|w| !STOP.contains(w)).collect();
    if name_words.is_empty() {
        return (0, 0);
    }
    let found = name_words
        .iter()
        .filter(|nw| {
            text.letter_words()
                .filter(|w| !STOP.contains(w))
                .any(|w| variants(w).iter().any(|v| same_word(v, nw)))
        })
        .count();
    (found, found * 100 / name_words.len())
}

pub(crate) fn match_services(text: &Text, services: &[ServiceInfo]) -> ServiceMatch {
    let mut best: (usize, usize) = (0, 0);
    let mut ids: Vec<ServiceId> = Vec::new();
    for svc in services {
        let s = [Language::En, Language::Ru, Language::He]
            .iter()
            .filter_map(|l| svc.names.get(l))
            .map(|n| score(text, n))
            .max()
            .unwrap_or((0, 0));
        if s.0 == 0 {
            continue;
        }
        if s > best {
            best = s;
            ids.clear();
        }
        if s == best {
            ids.push(svc.id);
        }
    }
    match ids.len() {
        0 => ServiceMatch::None,
        1 => ids
            .first()
            .map_or(ServiceMatch::None, |id| ServiceMatch::One(*id)),
        _ => ServiceMatch::Many(ids),
    }
}
