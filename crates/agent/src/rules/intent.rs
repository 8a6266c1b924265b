//! What a customer message asks for, in any of the three languages: intents by keyword, a
//! yes or a no, a choice from a numbered list, and the "when" of the request.
use chrono::NaiveDate;
use switchboard_domain::Language;

use super::asks::{OffScript, off_script, several_people};
use super::keywords::{KEYWORDS, LAST, NUMBER_FILLER, ORDINALS};
use super::services::{CORRECTIONS, ServiceMatch, match_services};
use super::shift::shift_minutes;
use super::staff::{StaffAsk, match_staff};
use super::text::Text;
use super::when::{When, parse_when};
use super::yes_no::{NO, YES};
use crate::context::{ServiceInfo, StaffInfo};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Intent {
    Greeting,
    Prices,
    Book,
    MyAppointments,
    Cancel,
    Reschedule,
    Hours,
    Address,
    Human,
    Thanks,
}

/// A pick from a numbered list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    /// 1-based position.
    Nth(usize),
    Last,
}

impl Choice {
    pub fn index(self, len: usize) -> Option<usize> {
        match self {
            Choice::Nth(n) if (1..=len).contains(&n) => Some(n - 1),
            Choice::Last if len > 0 => Some(len - 1),
            _ => None,
        }
    }
}

/// One customer message, understood.
pub(crate) struct Parsed {
    pub intents: Vec<Intent>,
    pub when: When,
    pub choice: Option<Choice>,
    /// The message is just a number ("2", "#2", "option 2").
    pub bare_number: Option<u32>,
    /// `Some(true)` for yes, `Some(false)` for no: whichever comes first in the message.
    pub yes_no: Option<bool>,
    pub service: ServiceMatch,
    pub staff: StaffAsk,
    /// The booking is for more than one person ("for me and my son").
    pub people: bool,
    /// A question outside what the agent knows.
    pub off_script: Option<OffScript>,
    /// Minutes to move an appointment by ("an hour later" is 60).
    pub shift_min: Option<i64>,
    /// The message qualifies itself ("ok but ...", «да, но ...», "כן אבל ..."): a yes in it
    /// is not a plain yes.
    pub hedged: bool,
}

/// Words that attach a condition or a change to whatever else the message says.
const HEDGES: &[&str] = &[
    "but",
    "instead",
    "except",
    "though",
    "although",
    "но",
    "однако",
    "вместо",
    "только если",
    "אבל",
    "במקום",
    "רק אם",
];

impl Parsed {
    pub fn has(&self, intent: Intent) -> bool {
        self.intents.contains(&intent)
    }

    /// Does the message say anything about what to book or when?
    pub fn has_booking_details(&self) -> bool {
        !self.when.is_empty()
            || !matches!(self.service, ServiceMatch::None)
            || self.staff != StaffAsk::None
    }
}

pub(crate) fn parse(
    raw: &str,
    lang: Language,
    today: NaiveDate,
    services: &[ServiceInfo],
    staff: &[StaffInfo],
) -> Parsed {
    let text = Text::new(raw);
    let intents: Vec<Intent> = KEYWORDS
        .iter()
        .filter(|(_, kws)| text.has_any(kws))
        .map(|(i, _)| *i)
        .collect();
    let mut when = parse_when(&text, lang, today);
    // "at 3, no, make it 4": what follows the last correction wins.
    if let Some(k) = text.rfind_any(CORRECTIONS).filter(|k| *k > 0) {
        let tail = Text::new(&text.words[k..].join(" "));
        let later = parse_when(&tail, lang, today);
        if later.time.is_some() {
            when.time = later.time;
        }
        if later.date.is_some() {
            when.date = later.date;
        }
    }
    let bare_number = bare_number(&text);
    let choice = choice(&text).or(bare_number
        .and_then(|n| usize::try_from(n).ok())
        .map(Choice::Nth));
    // Emoji are not words; a thumbs-up counts as a yes at the start.
    let thumbs = text.norm.contains('👍').then_some(0);
    let yes_no = match (text.find_any(YES).or(thumbs), text.find_any(NO)) {
        (Some(y), Some(n)) => Some(y < n),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    };
    let service = match_services(&text, services);
    let staff = match_staff(&text, raw, staff);
    let people = several_people(&text);
    let off_script = (matches!(service, ServiceMatch::None)
        && when.is_empty()
        && choice.is_none()
        && staff == StaffAsk::None)
        .then(|| off_script(&text, raw, &intents, yes_no))
        .flatten();
    Parsed {
        intents,
        when,
        choice,
        bare_number,
        yes_no,
        service,
        staff,
        people,
        off_script,
        shift_min: shift_minutes(&text),
        hedged: text.has_any(HEDGES),
    }
}

fn bare_number(text: &Text) -> Option<u32> {
    let mut number = None;
    for w in &text.words {
        if let Ok(n) = w.parse::<u32>() {
            if number.is_some() {
                return None;
            }
            number = Some(n);
        } else if !NUMBER_FILLER.contains(&w.as_str()) {
            return None;
        }
    }
    number
}

fn choice(text: &Text) -> Option<Choice> {
    for (i, w) in text.words.iter().enumerate() {
        // "יום ראשון" is Sunday and "יום שני" Monday, not the first or second option.
        let after_yom = i
            .checked_sub(1)
            .and_then(|j| text.words.get(j))
            .is_some_and(|p| p == "יום" || p == "ביום");
        if after_yom {
            continue;
        }
        // Exact words only: with Hebrew prefixes stripped "בראשון" (on Sunday) would read
        // as "first".
        let is = |pats: &[&str]| {
            pats.iter().any(|p| match p.strip_suffix('*') {
                Some(stem) => w.starts_with(stem),
                None => w == p,
            })
        };
        for (n, pats) in ORDINALS {
            if is(pats) {
                return Some(Choice::Nth(n));
            }
        }
        if is(LAST) {
            return Some(Choice::Last);
        }
    }
    for filler in ["option", "вариант", "номер", "מספר", "אפשרות"] {
        if let Some(i) = text.find(filler)
            && let Some(n) = text.words.get(i + 1).and_then(|w| w.parse::<usize>().ok())
        {
            return Some(Choice::Nth(n));
        }
    }
    None
}

impl Parsed {
    /// A message that says nothing (used when acting on remembered details alone).
    pub fn empty() -> Self {
        Parsed {
            intents: Vec::new(),
            when: When::default(),
            choice: None,
            bare_number: None,
            yes_no: None,
            service: ServiceMatch::None,
            staff: StaffAsk::None,
            people: false,
            off_script: None,
            shift_min: None,
            hedged: false,
        }
    }
}
