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

/// The longest a phone may be (E.164 caps numbers at 15 digits).
const MAX_DIGITS: usize = 15;
/// The shortest international number in service (a few small territories use 7 digits).
const MIN_DIGITS: usize = 7;

impl PhoneE164 {
    /// Parses a phone number typed by a person (staff, a customer on the payment page, an API
    /// client). Accepts channel prefixes (`whatsapp:`, `tel:`, `sms:`), spaces, dashes, dots
    /// and brackets, `00` instead of `+`, and a bare WhatsApp id (digits with the country
    /// code). Numbers without a country code are refused: a phone is only ever meaningful with
    /// one.
    ///
    /// A number is accepted when it fits its country's numbering plan (the country's overall
    /// pattern and lengths), not only when libphonenumber knows its exact range: the range
    /// tables lag behind the carriers (Israeli `+972 52-1…` mobiles are missing from them),
    /// and refusing a customer's real number costs more than accepting an unassigned one.
    pub fn parse(input: &str) -> Result<Self, InvalidPhone> {
        let err = || InvalidPhone(input.chars().take(64).collect());
        let digits = international_digits(input).ok_or_else(err)?;
        let parsed = phonenumber::parse(None, format!("+{digits}")).map_err(|_| err())?;
        if !(phonenumber::is_valid(&parsed) || fits_numbering_plan(&parsed)) {
            return Err(err());
        }
        Ok(Self(
            parsed.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// Reads a number a provider has already verified (a Twilio `From`, a WhatsApp `wa_id`) or
    /// one this service stored after normalising it. Only the E.164 structure is checked: a
    /// `+`, 7 to 15 digits and an assigned country code. This is the hot path of every
    /// webhook, so the numbering-plan tables of [`parse`](Self::parse) are not consulted, and a
    /// sender the provider vouches for is never refused because those tables are out of date.
    pub fn from_provider(input: &str) -> Result<Self, InvalidPhone> {
        let err = || InvalidPhone(input.chars().take(64).collect());
        let digits = international_digits(input).ok_or_else(err)?;
        if digits.len() < MIN_DIGITS || digits.starts_with('0') || !has_country_code(&digits) {
            return Err(err());
        }
        Ok(Self(format!("+{digits}")))
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

/// Serialised phones are ones this service normalised (job payloads, stored JSON), so only
/// their structure is checked; numbers people type go through [`PhoneE164::parse`].
impl TryFrom<String> for PhoneE164 {
    type Error = InvalidPhone;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_provider(&s)
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

/// The digits of an international number written any usual way, without the `+`; `None`
/// unless it is 1 to 15 ASCII digits after the clean-up.
fn international_digits(input: &str) -> Option<String> {
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
    let ok = !digits.is_empty()
        && digits.len() <= MAX_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}

/// Whether the number starts with an assigned country calling code (1 to 3 digits; codes are
/// prefix-free, so at most one length matches).
fn has_country_code(digits: &str) -> bool {
    let db = &*phonenumber::metadata::DATABASE;
    (1..=3).any(|n| {
        digits
            .get(..n)
            .and_then(|cc| cc.parse::<u16>().ok())
            .is_some_and(|cc| db.region(&cc).is_some())
            && digits.len() > n
    })
}

/// Whether the national part matches the general pattern and lengths of a region using the
/// number's country code.
fn fits_numbering_plan(number: &phonenumber::PhoneNumber) -> bool {
    let national = number.national().to_string();
    phonenumber::metadata::DATABASE
        .by_code(&number.code().value())
        .is_some_and(|regions| {
            regions
                .iter()
                .any(|meta| meta.descriptors().general().is_match(&national))
        })
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

    /// Real-format mobile and landline numbers of the markets served, as people type them.
    const TYPED: &[(&str, &str)] = &[
        ("+972 50-234-5678", "+972502345678"),
        ("+972 52-123-4567", "+972521234567"),
        ("+972 53-123-4567", "+972531234567"),
        ("+972 54-123-4567", "+972541234567"),
        ("+972 55-123-4567", "+972551234567"),
        ("+972 58-123-4567", "+972581234567"),
        ("+972 2-623-4567", "+97226234567"),
        ("+7 912 345-67-89", "+79123456789"),
        ("+7 (495) 123-45-67", "+74951234567"),
        ("+380 67 123 4567", "+380671234567"),
        ("+380 44 123 4567", "+380441234567"),
        ("+7 701 123 4567", "+77011234567"),
        ("+7 727 123 4567", "+77271234567"),
        ("+49 151 23456789", "+4915123456789"),
        ("+49 30 1234567", "+49301234567"),
        ("+44 7700 900123", "+447700900123"),
        ("+44 20 7946 0123", "+442079460123"),
        ("+1 (212) 555-0123", "+12125550123"),
        ("+1 415 555 0100", "+14155550100"),
        ("+1 500-555-0006", "+15005550006"),
        ("+15005550001", "+15005550001"),
    ];

    #[test]
    fn typed_numbers_valid_for_their_country_are_accepted() {
        for (typed, e164) in TYPED {
            let got = PhoneE164::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(got.as_str(), *e164, "{typed}");
        }
    }

    #[test]
    fn provider_senders_keep_their_e164_form() {
        for (_, e164) in TYPED {
            let from_twilio = PhoneE164::from_provider(&format!("whatsapp:{e164}")).unwrap();
            let from_meta = PhoneE164::from_provider(&e164[1..]).unwrap();
            assert_eq!(from_twilio.as_str(), *e164);
            assert_eq!(from_meta.as_str(), *e164);
            // The same person whether they typed the number or the provider reported it.
            assert_eq!(PhoneE164::parse(e164).unwrap(), from_twilio);
        }
    }

    #[test]
    fn provider_senders_outside_the_range_tables_are_kept() {
        // Not in any numbering plan, yet structurally E.164 with an assigned country code.
        let p = PhoneE164::from_provider("+972599999999999").unwrap();
        assert_eq!(p.as_str(), "+972599999999999");
    }

    #[test]
    fn provider_check_refuses_what_is_not_e164() {
        for bad in [
            "",
            "+",
            "12345",
            "+0123456789",
            "MyShop",
            "+1234567890123456",
            "+999 1234567",
        ] {
            assert!(PhoneE164::from_provider(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typed_numbers_of_a_wrong_length_are_refused() {
        for bad in [
            "+972 52-123-456",
            "+7 912 345-67-8",
            "+44 7700 9001",
            "+1 212 555 012",
        ] {
            assert!(PhoneE164::parse(bad).is_err(), "{bad}");
        }
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
