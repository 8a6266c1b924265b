//! Messages outside the booking script: questions the agent cannot answer ("is there
//! Wi-Fi?", "can I bring my dog?"), services the business does not offer ("do you do
//! tattoos?"), and bookings for more than one person. The agent answers these honestly
//! instead of showing its menu as if it were an answer.
use super::intent::Intent;
use super::text::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OffScript {
    /// Asks about a service none of the business's services is.
    NotOffered,
    /// Any other question the agent has no answer to.
    Unknown,
}

/// Phrases that ask whether the business does something, followed by what.
const OFFER_CUES: &[&str] = &[
    "do you do",
    "do you offer",
    "do you make",
    "can you do",
    "can i get",
    "how much is",
    "how much for",
    "how much does",
    "how much are",
    "price of",
    "вы делаете",
    "делаете ли",
    "делаете",
    "сколько стоит",
    "сколько стоят",
    "цена на",
    "אתם עושים",
    "עושים אצלכם",
    "כמה עולה",
    "כמה עולים",
    "מה המחיר של",
];

/// Services other salons offer: named by a customer while none of the business's services
/// matched, they are something this business does not offer, not an unknown question.
const OTHER_SERVICES: &[&str] = &[
    "lash*",
    "eyelash*",
    "brow*",
    "eyebrow*",
    "wax*",
    "massage*",
    "pedicure*",
    "facial*",
    "tattoo*",
    "piercing*",
    "extensions",
    "ресниц*",
    "бров*",
    "массаж*",
    "педикюр*",
    "эпиляц*",
    "депиляц*",
    "шугаринг*",
    "татуаж*",
    "наращиван*",
    "ריסים",
    "גבות",
    "עיסוי",
    "פדיקור",
    "שעווה",
    "הסרת שיער",
    "קעקוע*",
    "הארכת",
];

/// How questions start when they are not marked with "?".
const QUESTION_CUES: &[&str] = &[
    "is there",
    "are there",
    "do you",
    "can i",
    "could i",
    "may i",
    "is it",
    "are you",
    "does",
    "есть ли",
    "можно ли",
    "у вас есть",
    "а есть",
    "у вас можно",
    "יש לכם",
    "יש אצלכם",
    "האם",
    "מותר",
    "אפשר להביא",
];

/// Words that stand around a thing asked about without being one.
const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "it",
    "for",
    "are",
    "does",
    "there",
    "you",
    "please",
    "also",
    "cost",
    "one",
    "two",
    "much",
    "any",
    "there's",
    "your",
    "services",
    "service",
    "услуги",
    "ваши",
    "שירותים",
    "ли",
    "у",
    "вас",
    "и",
    "а",
    "же",
    "тоже",
    "это",
    "לכם",
    "גם",
    "את",
    "זה",
    "אצלכם",
];

/// The off-script question `text` asks, if any, given that it names no service, time or
/// person. `intents` are those already recognised.
pub(crate) fn off_script(
    text: &Text,
    raw: &str,
    intents: &[Intent],
    yes_no: Option<bool>,
) -> Option<OffScript> {
    let other_intent = |also: Intent| {
        intents
            .iter()
            .any(|i| !matches!(i, Intent::Greeting | Intent::Thanks) && *i != also)
    };
    if !other_intent(Intent::Prices)
        && let Some(i) = OFFER_CUES
            .iter()
            .filter_map(|cue| text.find(cue).map(|i| i + cue.split(' ').count()))
            .min()
    {
        let asks_about_something = text.words.iter().skip(i).any(|w| {
            w.chars().count() >= 3
                && w.chars().all(char::is_alphabetic)
                && !FILLER.contains(&w.as_str())
        });
        if asks_about_something {
            return Some(OffScript::NotOffered);
        }
    }
    // A kind of service salons offer, asked for here where none of this business's matched.
    let only_asks_or_books = intents.iter().all(|i| {
        matches!(
            i,
            Intent::Greeting | Intent::Thanks | Intent::Prices | Intent::Book
        )
    });
    if only_asks_or_books && text.has_any(OTHER_SERVICES) {
        return Some(OffScript::NotOffered);
    }
    let question = raw.contains('?') || text.has_any(QUESTION_CUES);
    (question && !other_intent(Intent::Greeting) && yes_no.is_none()).then_some(OffScript::Unknown)
}

/// Does the booking include someone else ("for me and my son", "на двоих", "לשנינו")?
pub(crate) fn several_people(text: &Text) -> bool {
    text.has_any(&[
        "for two",
        "two people",
        "2 people",
        "for both of us",
        "for us both",
        "me and my",
        "and me",
        "and myself",
        "my daughter and",
        "my son and",
        "my wife and",
        "my husband and",
        "my friend and",
        "my mom and",
        "my kid and",
        "my kids and",
        "me and a friend",
        "and my son",
        "and my daughter",
        "and my wife",
        "and my husband",
        "and my friend",
        "and my mom",
        "and my kid*",
        "для двоих",
        "на двоих",
        "нас двоих",
        "два человека",
        "2 человека",
        "двух человек",
        "мне и",
        "меня и",
        "я и",
        "לשנינו",
        "לשני אנשים",
        "שני אנשים",
        "לי ול*",
        "אני וה*",
    ])
}
