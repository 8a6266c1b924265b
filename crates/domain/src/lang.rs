//! The languages Switchboard speaks, and detection of a text's language by its script.
use serde::{Deserialize, Serialize};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Ru,
    He,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
            Language::He => "he",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Language::En),
            "ru" | "russian" => Some(Language::Ru),
            "he" | "iw" | "hebrew" => Some(Language::He),
            _ => None,
        }
    }

    /// Right-to-left script?
    pub fn is_rtl(self) -> bool {
        matches!(self, Language::He)
    }

    /// Detects the language of a customer's text by its letters: Cyrillic is Russian, Hebrew
    /// script is Hebrew, anything else English. `None` when the text has no letters at all
    /// (digits, emoji), so a caller can keep the conversation's current language.
    pub fn detect(text: &str) -> Option<Self> {
        let (mut cyr, mut heb, mut other) = (0usize, 0usize, 0usize);
        for c in text.chars() {
            match c {
                '\u{0400}'..='\u{04FF}' => cyr += 1,
                '\u{0590}'..='\u{05FF}' => heb += 1,
                c if c.is_alphabetic() => other += 1,
                _ => {}
            }
        }
        if cyr == 0 && heb == 0 && other == 0 {
            None
        } else if cyr >= heb && cyr > 0 {
            Some(Language::Ru)
        } else if heb > 0 {
            Some(Language::He)
        } else {
            Some(Language::En)
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_script() {
        assert_eq!(
            Language::detect("Привет, можно записаться?"),
            Some(Language::Ru)
        );
        assert_eq!(
            Language::detect("שלום, אפשר לקבוע תור?"),
            Some(Language::He)
        );
        assert_eq!(Language::detect("Hi there"), Some(Language::En));
        assert_eq!(Language::detect("15:00 👍"), None);
    }
}
