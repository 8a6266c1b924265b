//! The embedded Fluent bundles, one per language, and message lookup.
//!
//! Bidi isolation marks are off: the texts go out as SMS and chat messages, where the
//! invisible FSI/PDI characters would count against the length, force UCS-2 on English SMS
//! and show up as boxes on some handsets. Every Hebrew placeable is a whole phrase (a name, a
//! date, a list), which renders correctly without them.
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use switchboard_domain::Language;
use unic_langid::LanguageIdentifier;

/// Named arguments of one message.
pub type Args<'a> = FluentArgs<'a>;

/// The resource files of each language, in load order. Every language has the same files.
fn sources(lang: Language) -> [(&'static str, &'static str); 3] {
    match lang {
        Language::En => [
            ("common.ftl", include_str!("../locales/en/common.ftl")),
            ("agent.ftl", include_str!("../locales/en/agent.ftl")),
            ("billing.ftl", include_str!("../locales/en/billing.ftl")),
        ],
        Language::Ru => [
            ("common.ftl", include_str!("../locales/ru/common.ftl")),
            ("agent.ftl", include_str!("../locales/ru/agent.ftl")),
            ("billing.ftl", include_str!("../locales/ru/billing.ftl")),
        ],
        Language::He => [
            ("common.ftl", include_str!("../locales/he/common.ftl")),
            ("agent.ftl", include_str!("../locales/he/agent.ftl")),
            ("billing.ftl", include_str!("../locales/he/billing.ftl")),
        ],
    }
}

struct Loaded {
    bundle: FluentBundle<FluentResource>,
    /// Problems found while loading: syntax errors and duplicate ids (tests require none).
    errors: Vec<String>,
}

fn load(lang: Language) -> Loaded {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    let mut errors = Vec::new();
    for (file, source) in sources(lang) {
        let resource = match FluentResource::try_new(source.to_string()) {
            Ok(r) => r,
            Err((r, errs)) => {
                errors.extend(
                    errs.iter()
                        .map(|e| format!("{}/{file}: {e:?}", lang.code())),
                );
                r
            }
        };
        if let Err(errs) = bundle.add_resource(resource) {
            errors.extend(errs.iter().map(|e| format!("{}/{file}: {e}", lang.code())));
        }
    }
    Loaded { bundle, errors }
}

static BUNDLES: LazyLock<[Loaded; 3]> =
    LazyLock::new(|| [Language::En, Language::Ru, Language::He].map(load));

fn loaded(lang: Language) -> &'static Loaded {
    let [en, ru, he] = &*BUNDLES;
    match lang {
        Language::En => en,
        Language::Ru => ru,
        Language::He => he,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum I18nError {
    #[error("message `{id}` is missing in `{lang}`")]
    Missing { lang: &'static str, id: String },
    #[error("message `{id}` in `{lang}` did not format: {problems}")]
    Format {
        lang: &'static str,
        id: String,
        problems: String,
    },
}

/// Formats message `id` in `lang`, failing on a missing message or on any formatting problem
/// (an argument the message uses but was not given, a reference to a missing message).
pub fn try_text(lang: Language, id: &str, args: Option<&Args>) -> Result<String, I18nError> {
    let (text, problems) = format(lang, id, args).ok_or_else(|| I18nError::Missing {
        lang: lang.code(),
        id: id.to_string(),
    })?;
    if problems.is_empty() {
        Ok(text)
    } else {
        Err(I18nError::Format {
            lang: lang.code(),
            id: id.to_string(),
            problems,
        })
    }
}

fn format(lang: Language, id: &str, args: Option<&Args>) -> Option<(String, String)> {
    let bundle = &loaded(lang).bundle;
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned();
    let problems = errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    Some((text, problems))
}

/// Formats message `id` in `lang`. Never fails: a message missing in `lang` comes in English,
/// and a formatting problem is logged and the best-effort text returned, so a customer always
/// gets an answer (the tests make sure neither happens).
pub fn text(lang: Language, id: &str, args: Option<&Args>) -> String {
    let found = format(lang, id, args).or_else(|| {
        tracing::error!(
            lang = lang.code(),
            id,
            "message missing; answering in English"
        );
        format(Language::En, id, args)
    });
    match found {
        Some((text, problems)) => {
            if !problems.is_empty() {
                tracing::error!(lang = lang.code(), id, %problems, "message did not format cleanly");
            }
            text
        }
        None => {
            tracing::error!(id, "message missing in every language");
            id.to_string()
        }
    }
}

/// Builds the arguments of a message from name/value pairs.
pub fn args<'a, const N: usize>(pairs: [(&'a str, FluentValue<'a>); N]) -> Args<'a> {
    pairs.into_iter().collect()
}

/// The ids of every message defined for `lang` (terms excluded), in file order.
pub fn message_ids(lang: Language) -> Vec<&'static str> {
    sources(lang)
        .iter()
        .flat_map(|(file, _)| message_ids_in(lang, file))
        .collect()
}

/// The ids of the messages in one resource file of `lang` (`agent.ftl`, `billing.ftl`, ...).
pub fn message_ids_in(lang: Language, file: &str) -> Vec<&'static str> {
    sources(lang)
        .iter()
        .filter(|(name, _)| *name == file)
        .flat_map(|(_, source)| source.lines())
        .filter_map(|line| {
            let (id, _) = line.split_once('=')?;
            let id = id.trim_end();
            let starts_with_letter = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            let valid = id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            (starts_with_letter && valid).then_some(id)
        })
        .collect()
}

/// Loading problems of every language (syntax errors, duplicate ids).
pub fn load_errors() -> Vec<String> {
    [Language::En, Language::Ru, Language::He]
        .iter()
        .flat_map(|l| loaded(*l).errors.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_resource_parses_without_errors() {
        assert_eq!(load_errors(), Vec::<String>::new());
    }

    #[test]
    fn every_message_exists_in_every_language() {
        let ids = |l| message_ids(l).into_iter().collect::<BTreeSet<_>>();
        let all: BTreeSet<_> = crate::LANGUAGES.iter().flat_map(|l| ids(*l)).collect();
        for lang in crate::LANGUAGES {
            let have = ids(lang);
            let missing: Vec<_> = all.difference(&have).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        }
        assert!(all.len() > 40, "the scan found too few messages: {all:?}");
    }

    #[test]
    fn a_missing_message_is_an_error_and_text_falls_back_to_its_id() {
        assert!(matches!(
            try_text(Language::Ru, "no-such-message", None),
            Err(I18nError::Missing { .. })
        ));
        assert_eq!(
            text(Language::He, "no-such-message", None),
            "no-such-message"
        );
    }

    #[test]
    fn a_missing_argument_is_a_format_error() {
        assert!(matches!(
            try_text(Language::En, "payment-link", None),
            Err(I18nError::Format { .. })
        ));
    }

    #[test]
    fn no_bidi_isolation_marks_around_arguments() {
        let a = args([
            ("business", "Salon".into()),
            ("link", "https://x.test/pay".into()),
        ]);
        let out = text(Language::He, "payment-link", Some(&a));
        assert!(out.contains("Salon"), "{out}");
        assert!(
            !out.contains('\u{2068}') && !out.contains('\u{2069}'),
            "{out:?}"
        );
    }
}
