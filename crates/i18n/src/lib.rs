//! Every text a customer reads (agent replies, payment links, receipts, the pay page) lives in
//! Fluent resources under `locales/{en,ru,he}/`, embedded in the binary. Dates, weekdays,
//! times and numbers come from ICU4X's compiled CLDR data ([`format`]), so each language
//! gets its own weekday names, date order, clock style and digit grouping.
#![forbid(unsafe_code)]

pub mod billing;
mod bundles;
pub mod format;

pub use bundles::{
    Args, I18nError, args, load_errors, message_ids, message_ids_in, text, try_text,
};
pub use fluent_bundle::{FluentArgs, FluentValue};

/// The languages with a full set of resources, for tests and checks that walk all of them.
pub const LANGUAGES: [switchboard_domain::Language; 3] = [
    switchboard_domain::Language::En,
    switchboard_domain::Language::Ru,
    switchboard_domain::Language::He,
];
