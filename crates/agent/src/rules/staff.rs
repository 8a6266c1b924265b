//! A staff member asked for by name: "with Anna", "к Ане", "у Анны", "אצל אנה". Names are
//! entered once, in one script, and customers write them in theirs, inflected: a name in
//! the same script matches by its beginning, one in another script by its consonants, and
//! only right after a word like "with", "к" or "אצל".
use switchboard_domain::StaffId;

use super::text::{Text, common_prefix, is_hebrew, variants};
use crate::context::StaffInfo;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StaffAsk {
    None,
    Known(StaffId),
    /// Someone was asked for by a name no staff member has.
    Unknown(String),
}

/// Words before a person's name when booking with them.
const CUES: &[&str] = &[
    "with",
    "к",
    "у",
    "с",
    "мастеру",
    "мастера",
    "мастер",
    "אצל",
    "עם",
];

/// Words after a cue that are not names.
const NOT_NAMES: &[&str] = &[
    "me",
    "my",
    "you",
    "your",
    "a",
    "an",
    "the",
    "someone",
    "anyone",
    "anybody",
    "her",
    "him",
    "them",
    "us",
    "friend",
    "wife",
    "husband",
    "son",
    "daughter",
    "kids",
    "меня",
    "вас",
    "нас",
    "вами",
    "мной",
    "кем",
    "кого",
    "тобой",
    "מי",
    "כל",
];

fn script(w: &str) -> u8 {
    match w.chars().next() {
        Some(c) if is_hebrew(c) => 2,
        Some(c) if ('\u{0400}'..='\u{04FF}').contains(&c) => 1,
        _ => 0,
    }
}

/// The consonant outline of a name in any of the three scripts, with a leading vowel kept as
/// `a`: "Anna", "Ане" and "אנה" are all `an`; "Dana", "Даной", "דנה" `dn`.
fn skeleton(w: &str) -> String {
    let mut out = String::new();
    for (i, c) in w.chars().enumerate() {
        let k = match c {
            'b' | 'б' | 'ב' => 'b',
            'g' | 'г' | 'ג' => 'g',
            'd' | 'д' | 'ד' => 'd',
            'z' | 's' | 'ж' | 'з' | 'с' | 'ц' | 'ш' | 'щ' | 'ז' | 'ס' | 'צ' | 'ץ' | 'ש' => {
                's'
            }
            't' | 'т' | 'ט' | 'ת' => 't',
            'k' | 'c' | 'q' | 'к' | 'כ' | 'ך' | 'ק' => 'k',
            'l' | 'л' | 'ל' => 'l',
            'm' | 'м' | 'מ' | 'ם' => 'm',
            'n' | 'н' | 'נ' | 'ן' => 'n',
            'p' | 'f' | 'п' | 'ф' | 'פ' | 'ף' => 'p',
            'r' | 'р' | 'ר' => 'r',
            'ч' => 'c',
            // Vowels, and letters written or dropped differently across scripts (h, v/w, y).
            _ => {
                if i == 0 && "aeiouyаеиоуыэюяאעי".contains(c) {
                    'a'
                } else {
                    continue;
                }
            }
        };
        if !out.ends_with(k) || out.is_empty() {
            out.push(k);
        }
    }
    out
}

/// Does message word `w` name `name` (its first word, lower-cased)?
fn names(w: &str, name: &str, cued: bool) -> bool {
    if w == name {
        return true;
    }
    let (lw, ln) = (w.chars().count(), name.chars().count());
    let shorter = lw.min(ln);
    let common = common_prefix(w, name);
    // "Анны" and "Анне" are "Анна": the beginning, give or take an ending.
    if script(w) == script(name)
        && shorter >= 3
        && common >= 3
        && common + 2 >= shorter
        && (common >= 4 || cued)
    {
        return true;
    }
    cued && lw >= 3 && skeleton(w).len() >= 2 && skeleton(w) == skeleton(name)
}

pub(crate) fn match_staff(text: &Text, raw: &str, staff: &[StaffInfo]) -> StaffAsk {
    for (i, w) in text.words.iter().enumerate() {
        let cued = i
            .checked_sub(1)
            .and_then(|j| text.words.get(j))
            .is_some_and(|p| CUES.contains(&p.as_str()));
        for v in variants(w) {
            for m in staff {
                let Some(first) = m.name.split_whitespace().next() else {
                    continue;
                };
                if names(v, &first.to_lowercase(), cued) {
                    return StaffAsk::Known(m.id);
                }
            }
        }
    }
    unknown_name(text, raw)
}

/// A name after "with", "к мастеру" or "אצל" that no staff member has. English names count
/// only when written with a capital, so "with beard trim" is not a person.
fn unknown_name(text: &Text, raw: &str) -> StaffAsk {
    let raw_words: Vec<&str> = raw
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in text.words.iter().enumerate() {
        let Some(next) = text.words.get(i + 1) else {
            break;
        };
        if NOT_NAMES.contains(&next.as_str()) || !next.chars().all(char::is_alphabetic) {
            continue;
        }
        let is_name = match w.as_str() {
            "אצל" => true,
            "мастеру" | "мастера" | "мастер" => true,
            "with" => raw_words
                .get(i + 1)
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_uppercase),
            _ => false,
        };
        if is_name {
            let shown = raw_words.get(i + 1).copied().unwrap_or(next.as_str());
            return StaffAsk::Unknown(shown.to_string());
        }
    }
    StaffAsk::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::StaffId;

    fn team() -> Vec<StaffInfo> {
        ["Anna", "Dana", "Maria"]
            .iter()
            .map(|n| StaffInfo {
                id: StaffId::new(),
                name: (*n).into(),
                service_ids: vec![],
            })
            .collect()
    }

    #[test]
    fn names_in_any_script_and_case_find_the_person() {
        let staff = team();
        let anna = staff[0].id;
        for said in [
            "haircut with Anna tomorrow",
            "with anna pls",
            "запишите к Ане на завтра",
            "можно к Анне",
            "у Анны есть время?",
            "תור אצל אנה מחר",
            "anna tomorrow at 3",
        ] {
            let t = Text::new(said);
            assert_eq!(
                match_staff(&t, said, &staff),
                StaffAsk::Known(anna),
                "{said}"
            );
        }
        let said = "к Маше на завтра";
        assert_ne!(
            match_staff(&Text::new(said), said, &staff),
            StaffAsk::Known(anna)
        );
    }

    #[test]
    fn an_unknown_name_is_noticed_and_ordinary_words_are_not_names() {
        let staff = team();
        let said = "haircut with Olga tomorrow";
        assert_eq!(
            match_staff(&Text::new(said), said, &staff),
            StaffAsk::Unknown("Olga".into())
        );
        for said in [
            "haircut with beard trim",
            "можно с утра",
            "я приду с сыном",
            "אני רוצה תור",
        ] {
            assert_eq!(
                match_staff(&Text::new(said), said, &staff),
                StaffAsk::None,
                "{said}"
            );
        }
    }
}
