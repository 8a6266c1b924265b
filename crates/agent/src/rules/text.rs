//! Text normalisation and keyword matching shared by the intent, date and service parsers.
//!
//! Keywords are written as phrases of space-separated word patterns: `word` matches the word
//! exactly, `stem*` any word starting with `stem` (Russian inflections: `отмен*` matches
//! `отменить`, `отмените`). Hebrew words also match behind up to two one-letter prefixes
//! (ו, ה, ב, ל, מ, ש, כ), so `מחר` matches `למחר` and `ומחר`.

/// A customer message, normalised and split into words.
#[derive(Clone, Debug, Default)]
pub(crate) struct Text {
    /// Lower-cased, `ё` as `е`, Hebrew punctuation as ASCII quotes, spaces collapsed.
    pub norm: String,
    pub words: Vec<String>,
}

const HEBREW_PREFIXES: [char; 7] = ['ו', 'ה', 'ב', 'ל', 'מ', 'ש', 'כ'];

pub(crate) fn is_hebrew(c: char) -> bool {
    ('\u{05D0}'..='\u{05EA}').contains(&c)
}

impl Text {
    pub fn new(raw: &str) -> Self {
        let mut norm = String::with_capacity(raw.len());
        for c in raw.chars() {
            match c {
                // Niqqud and cantillation marks carry no meaning for matching.
                '\u{0591}'..='\u{05C7}' if c != '\u{05BE}' => {}
                '\u{05BE}' | '\u{2010}'..='\u{2015}' => norm.push('-'),
                '\u{05F3}' | '\u{2018}' | '\u{2019}' | '`' => norm.push('\''),
                '\u{05F4}' | '\u{201C}' | '\u{201D}' => norm.push('"'),
                'ё' | 'Ё' => norm.push('е'),
                c if c.is_whitespace() => norm.push(' '),
                c => norm.extend(c.to_lowercase()),
            }
        }
        let words = split_words(&norm);
        Self { norm, words }
    }

    /// Does any of `phrases` occur?
    pub fn has_any(&self, phrases: &[&str]) -> bool {
        self.find_any(phrases).is_some()
    }

    /// The word index where the earliest of `phrases` starts.
    pub fn find_any(&self, phrases: &[&str]) -> Option<usize> {
        phrases.iter().filter_map(|p| self.find(p)).min()
    }

    /// The word index where the last of `phrases` starts.
    pub fn rfind_any(&self, phrases: &[&str]) -> Option<usize> {
        (0..self.words.len()).rev().find(|&start| {
            phrases.iter().any(|p| {
                let pats: Vec<&str> = p.split(' ').filter(|x| !x.is_empty()).collect();
                !pats.is_empty()
                    && pats.iter().enumerate().all(|(i, pat)| {
                        self.words
                            .get(start + i)
                            .is_some_and(|w| word_matches(w, pat))
                    })
            })
        })
    }

    /// The word index where `phrase` first starts.
    pub fn find(&self, phrase: &str) -> Option<usize> {
        let pats: Vec<&str> = phrase.split(' ').filter(|p| !p.is_empty()).collect();
        if pats.is_empty() || pats.len() > self.words.len() {
            return None;
        }
        (0..=self.words.len() - pats.len()).find(|&start| {
            pats.iter()
                .enumerate()
                .all(|(i, p)| word_matches(&self.words[start + i], p))
        })
    }

    /// The words other than numbers.
    pub fn letter_words(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .map(String::as_str)
            .filter(|w| w.chars().any(char::is_alphabetic))
    }
}

/// Words are runs of letters and digits; an apostrophe or a double quote inside a word stays
/// (`don't`, Hebrew abbreviations like `אחה"צ`).
fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || ((c == '\'' || c == '"') && !cur.is_empty()) {
            cur.push(c);
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
        .into_iter()
        .map(|w| w.trim_end_matches(['\'', '"']).to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The word itself and, for Hebrew, the word without one or two leading prefix letters (as
/// long as two letters remain).
pub(crate) fn variants(word: &str) -> Vec<&str> {
    let mut out = vec![word];
    let mut rest = word;
    for _ in 0..2 {
        let mut chars = rest.chars();
        match chars.next() {
            Some(c) if HEBREW_PREFIXES.contains(&c) && chars.clone().count() >= 2 => {
                rest = chars.as_str();
                out.push(rest);
            }
            _ => break,
        }
    }
    out
}

pub(crate) fn word_matches(word: &str, pattern: &str) -> bool {
    let hebrew = pattern.chars().next().is_some_and(is_hebrew);
    let candidates = if hebrew { variants(word) } else { vec![word] };
    match pattern.strip_suffix('*') {
        Some(stem) => candidates.iter().any(|w| w.starts_with(stem)),
        None => candidates.contains(&pattern),
    }
}

/// Edit distance with adjacent transpositions (optimal string alignment), in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let same = a.get(i - 1) == b.get(j - 1);
            let mut best = (prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(prev[j - 1] + usize::from(!same));
            if i > 1 && j > 1 && a.get(i - 1) == b.get(j - 2) && a.get(i - 2) == b.get(j - 1) {
                best = best.min(prev2[j - 2] + 1);
            }
            cur[j] = best;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev.get(b.len()).copied().unwrap_or(usize::MAX)
}

/// Length in characters of the common prefix.
pub(crate) fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_splits() {
        let t = Text::new("Ёлки, Don’t  ОТМЕНЯЙТЕ! אחה״צ 15:00");
        assert_eq!(
            t.words,
            ["елки", "don't", "отменяйте", "אחה\"צ", "15", "00"]
        );
    }

    #[test]
    fn matches_stems_phrases_and_hebrew_prefixes() {
        let t = Text::new("Хочу отменить запись на завтра");
        assert!(t.has_any(&["отмен*"]));
        assert_eq!(t.find("на завтра"), Some(3));
        assert!(!t.has_any(&["завтрак"]));
        let h = Text::new("אפשר לקבוע תור למחר?");
        assert!(h.has_any(&["מחר"]));
        assert!(h.has_any(&["קבוע"]));
        assert!(!Text::new("מחרתיים").has_any(&["מחר"]));
        assert!(Text::new("ומחרתיים").has_any(&["מחרתיים"]));
    }
}
