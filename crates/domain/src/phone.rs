//! E.164 phone numbers. Every phone that enters Switchboard (a Twilio `From`, a WhatsApp id, a
//! payment-page field) is parsed here, so `+1 (415) 555-0100` and `whatsapp:+14155550100` are
//! the same number everywhere after the edge.
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneE164(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a valid phone number in international format")]
pub struct InvalidPhone(pub String);

impl PhoneE164 {
    /// Parses a phone number written by a person or a provider. Accepts channel prefixes
    /// (`whatsapp:`, `tel:`, `sms:`), spaces, dashes, dots and brackets, `00` instead of `+`,
    /// and a bare WhatsApp id (digits with the country code). Numbers without a country code
    /// are refused: a phone is only ever meaningful with one.
    pub fn parse(input: &str) -> Result<Self, InvalidPhone> {
        let err = || InvalidPhone(input.chars().take(64).collect());
        let mut s = input.trim();
        for prefix in ["whatsapp:", "tel:", "sms:", "mms:"] {
            // `get` rather than slicing: the cut may fall inside a multi-byte character.
            if s.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            {
                s = s[prefix.len()..].trim();
            }
        }
        // WhatsApp JIDs: 14155550100@s.whatsapp.net
        if let Some((user, _)) = s.split_once('@') {
            s = user;
        }
        let cleaned: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
            .collect();
        let digits = if let Some(rest) = cleaned.strip_prefix('+') {
            rest.to_string()
        } else if let Some(rest) = cleaned.strip_prefix("00") {
            rest.to_string()
        } else {
            cleaned
        };
        if digits.is_empty() || digits.len() > 15 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let parsed = phonenumber::parse(None, format!("+{digits}")).map_err(|_| err())?;
        if !phonenumber::is_valid(&parsed) {
            return Err(err());
        }
        Ok(Self(
            parsed.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without `+`, as WhatsApp ids and the Evolution bridge want them.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneE164 {
    type Error = InvalidPhone;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PhoneE164> for String {
    fn from(p: PhoneE164) -> String {
        p.0
    }
}

impl std::str::FromStr for PhoneE164 {
    type Err = InvalidPhone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_number_many_spellings() {
        let a = PhoneE164::parse("+1 (415) 555-0100").unwrap();
        let b = PhoneE164::parse("whatsapp:+14155550100").unwrap();
        let c = PhoneE164::parse("14155550100@s.whatsapp.net").unwrap();
        let d = PhoneE164::parse("0014155550100").unwrap();
        assert_eq!(a.as_str(), "+14155550100");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
        assert_eq!(a.digits(), "14155550100");
    }

    #[test]
    fn russian_and_israeli_numbers() {
        assert_eq!(
            PhoneE164::parse("+7 912 345-67-89").unwrap().as_str(),
            "+79123456789"
        );
        assert_eq!(
            PhoneE164::parse("+972 50-234-5678").unwrap().as_str(),
            "+972502345678"
        );
    }

    #[test]
    fn multibyte_input_is_refused_not_a_panic() {
        assert!(PhoneE164::parse("Z\u{73bea}\u{2c552}o").is_err());
        assert!(PhoneE164::parse("whatsapp:\u{5e9}").is_err());
    }

    #[test]
    fn refuses_garbage() {
        for bad in ["", "abc", "+", "+1", "12", "+1 415 555 01000000000", "☎"] {
            assert!(PhoneE164::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = PhoneE164::parse(&s);
        }

        #[test]
        fn normalised_form_is_a_fixed_point(n in 2_000_000_000u64..9_999_999_999u64) {
            if let Ok(p) = PhoneE164::parse(&format!("+1{n}")) {
                prop_assert_eq!(PhoneE164::parse(p.as_str()).unwrap(), p);
            }
        }
    }
}
