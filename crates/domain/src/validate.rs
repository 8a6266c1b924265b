//! Checks on what people type for an account or a business, shared by the API and the CLI.
//! Each returns the message the API answers as 422 `validation_failed`.
//!
//! Slugs and e-mail addresses stay hand-checked: the `slug` crate transliterates non-Latin
//! names (a Cyrillic name would get a slug where it is refused today), and `email_address`
//! accepts dot-less domains (`a@localhost`) that sign-up refuses; both would change answers.

/// Why a value was refused (the text is the API's `message`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// The canonical IANA name of a time zone.
pub fn time_zone(tz: &str) -> Result<String, Invalid> {
    tz.parse::<chrono_tz::Tz>()
        .map(|t| t.name().to_string())
        .map_err(|_| Invalid(format!("`{tz}` is not an IANA time zone")))
}

/// Lower-case letters, digits and single dashes.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(64).collect()
}

/// A slug: 2 to 64 lower-case letters, digits or inner dashes.
pub fn slug(slug: &str) -> Result<String, Invalid> {
    let ok = (2..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug.to_string())
    } else {
        Err(Invalid(
            "slug must be 2 to 64 lower-case letters, digits or dashes".into(),
        ))
    }
}

/// An e-mail address: a local part, `@`, a dotted domain, no spaces, at most 254 bytes.
pub fn email(email: &str) -> Result<(), Invalid> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(Invalid(format!("`{e}` is not an e-mail address")))
    }
}

/// A password: 10 to 256 characters.
pub fn password(p: &str) -> Result<(), Invalid> {
    if (10..=256).contains(&p.chars().count()) {
        Ok(())
    } else {
        Err(Invalid("password must be 10 to 256 characters".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_keeps_letters_digits_and_single_dashes() {
        assert_eq!(slugify("Demo Salon & Spa!"), "demo-salon-spa");
    }

    #[test]
    fn slug_refuses_edges_and_capitals() {
        assert!(slug("demo-salon").is_ok());
        assert!(slug("-x").is_err());
        assert!(slug("UPPER").is_err());
    }

    #[test]
    fn email_needs_a_dotted_domain() {
        assert!(email("a@b.example").is_ok());
        assert!(email("a@localhost").is_err());
        assert!(email("a b@c.example").is_err());
    }

    #[test]
    fn password_length_is_10_to_256() {
        assert!(password("123456789").is_err());
        assert!(password("1234567890").is_ok());
    }

    #[test]
    fn time_zone_is_canonical_iana() {
        assert_eq!(time_zone("Asia/Jerusalem").unwrap(), "Asia/Jerusalem");
        assert!(time_zone("Mars/Base").is_err());
    }
}
