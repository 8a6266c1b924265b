//! Finding the service a customer means by its name in any language, tolerating case,
//! inflection ("стрижку" is "Стрижка"), Hebrew prefixes ("לתספורת") and partial names.
use switchboard_domain::{Language, ServiceId};

use super::text::{Text, common_prefix, edit_distance, variants};
use crate::context::ServiceInfo;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ServiceMatch {
    None,
    One(ServiceId),
    /// Several services fit equally well ("стрижка" with men's and children's haircuts).
    Many(Vec<ServiceId>),
    /// Several different services named ("a haircut and a manicure"), in the order said.
    Several(Vec<ServiceId>),
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
/// they are equal; or when one is a typo of the other.
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
    if common >= 4 && common + 2 >= shorter {
        return true;
    }
    typo(a, b, la, lb)
}

/// One slip of the finger in a word of five letters or more (two from eight), ignoring a
/// Russian ending of up to two letters.
fn typo(a: &str, b: &str, la: usize, lb: usize) -> bool {
    let shorter = la.min(lb);
    if shorter < 5 || la.abs_diff(lb) > 2 {
        return false;
    }
    let limit = if shorter >= 8 { 2 } else { 1 };
    if edit_distance(a, b) <= limit {
        return true;
    }
    let stem = |w: &str, n: usize| w.chars().take(n.saturating_sub(2)).collect::<String>();
    shorter >= 6 && edit_distance(&stem(a, la), &stem(b, lb)) <= 1
}

/// How `name` is covered by the message: words of the name found, share of the name, and the
/// message words that matched them (an exact word preferred).
struct Cover {
    found: usize,
    share: usize,
    at: Vec<usize>,
}

fn cover(text: &Text, name: &str) -> Cover {
    let name = Text::new(name);
    let name_words: Vec<&str> = name.letter_words().filter(|w| !STOP.contains(w)).collect();
    let mut at = Vec::new();
    for nw in &name_words {
        let hits = |exact: bool| {
            text.words.iter().position(|w| {
                !STOP.contains(&w.as_str())
                    && w.chars().any(char::is_alphabetic)
                    && variants(w)
                        .iter()
                        .any(|v| if exact { v == nw } else { same_word(v, nw) })
            })
        };
        if let Some(i) = hits(true).or_else(|| hits(false)) {
            at.push(i);
        }
    }
    let found = at.len();
    Cover {
        found,
        share: (found * 100).checked_div(name_words.len()).unwrap_or(0),
        at,
    }
}

/// Words that turn down the service named right after them ("not a haircut", "вместо
/// стрижки", "במקום תספורת").
const NEGATIONS: &[&str] = &["not", "instead", "rather", "не", "вместо", "במקום"];

/// Phrases that say the later choice replaces the earlier one ("haircut, no, manicure").
pub(crate) const CORRECTIONS: &[&str] = &[
    "actually",
    "make it",
    "change to",
    "change it",
    "switch to",
    "better",
    "no",
    "nope",
    "лучше",
    "передумал*",
    "поменя*",
    "нет",
    "בעצם",
    "עדיף",
    "תחליפ*",
    "לא",
];

/// Verbs customers use instead of a service's noun («хочу подстричься», "בא לי להסתפר"),
/// with the noun they stand for. The noun then matches a business's service by name as usual.
const VERBS: &[(&str, &str)] = &[
    ("подстрич*", "стрижка"),
    ("пострич*", "стрижка"),
    ("подстричь*", "стрижка"),
    ("постричь*", "стрижка"),
    ("подстриг*", "стрижка"),
    ("постриг*", "стрижка"),
    ("покрасит*", "окрашивание"),
    ("покраси*", "окрашивание"),
    ("להסתפר", "תספורת"),
    ("להסתפרות", "תספורת"),
    ("לצבוע", "צביעת"),
];

/// `text` with each service verb replaced by its noun, word for word (positions kept).
fn with_nouns(text: &Text) -> Option<Text> {
    let mut changed = false;
    let words: Vec<&str> = text
        .words
        .iter()
        .map(|w| {
            match VERBS
                .iter()
                .find(|(verb, _)| super::text::word_matches(w, verb))
            {
                Some((_, noun)) => {
                    changed = true;
                    *noun
                }
                None => w.as_str(),
            }
        })
        .collect();
    changed.then(|| Text::new(&words.join(" ")))
}

pub(crate) fn match_services(text: &Text, services: &[ServiceInfo]) -> ServiceMatch {
    let nouns = with_nouns(text);
    let text = nouns.as_ref().unwrap_or(text);
    let mut found: Vec<(ServiceId, Cover)> = services
        .iter()
        .filter_map(|svc| {
            let names = [Language::En, Language::Ru, Language::He]
                .iter()
                .filter_map(|l| svc.names.get(l))
                .chain(svc.aliases.iter());
            names
                .map(|n| cover(text, n))
                .filter(|c| c.found > 0)
                .max_by_key(|c| (c.found, c.share))
                .map(|c| (svc.id, c))
        })
        .collect();
    found.sort_by_key(|(_, c)| std::cmp::Reverse((c.found, c.share)));
    let Some((_, best)) = found.first() else {
        return ServiceMatch::None;
    };
    let key = (best.found, best.share);
    let overlaps = |a: &Cover, b: &Cover| a.at.iter().any(|i| b.at.contains(i));
    // Equally good readings of the same words: the customer must say which.
    let tied: Vec<ServiceId> = found
        .iter()
        .filter(|(_, c)| (c.found, c.share) == key && overlaps(c, best))
        .map(|(id, _)| *id)
        .collect();
    if tied.len() > 1 {
        return ServiceMatch::Many(tied);
    }
    // Other services named in full by other words are further requests or corrections.
    let mut picked: Vec<&(ServiceId, Cover)> = Vec::new();
    for f in &found {
        let full = f.1.share == 100 || std::ptr::eq(f, &found[0]);
        if full && picked.iter().all(|p| !overlaps(&p.1, &f.1)) {
            picked.push(f);
        }
    }
    let first_at = |c: &Cover| c.at.iter().min().copied().unwrap_or(0);
    let negated = |c: &Cover| {
        let i = first_at(c);
        (i.saturating_sub(2)..i).any(|j| {
            text.words
                .get(j)
                .is_some_and(|w| variants(w).iter().any(|v| NEGATIONS.contains(v)))
        })
    };
    if picked.len() > 1 && picked.iter().any(|p| !negated(&p.1)) {
        picked.retain(|p| !negated(&p.1));
    }
    picked.sort_by_key(|p| first_at(&p.1));
    let corrected = text.has_any(CORRECTIONS);
    match picked.as_slice() {
        [] => ServiceMatch::None,
        [one] => ServiceMatch::One(one.0),
        [.., last] if corrected => ServiceMatch::One(last.0),
        several => ServiceMatch::Several(several.iter().map(|p| p.0).collect()),
    }
}
