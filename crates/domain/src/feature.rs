//! Business features a platform admin switches on or off per business. The wire and database
//! names (`"calendar"`, `"operator_line"`, ...) are spelled once, here; code names a feature by
//! its variant, so a misspelt feature does not compile.
use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Crm,
    Messaging,
    Whatsapp,
    Telegram,
    Agent,
    Calendar,
    Calls,
    Billing,
    OperatorLine,
    Invoices,
    Webhooks,
}

impl Feature {
    /// Every feature, in the order businesses list them.
    pub const ALL: [Feature; 11] = [
        Feature::Crm,
        Feature::Messaging,
        Feature::Whatsapp,
        Feature::Telegram,
        Feature::Agent,
        Feature::Calendar,
        Feature::Calls,
        Feature::Billing,
        Feature::OperatorLine,
        Feature::Invoices,
        Feature::Webhooks,
    ];

    /// The name on the wire and in the `features` column.
    pub const fn as_str(self) -> &'static str {
        match self {
            Feature::Crm => "crm",
            Feature::Messaging => "messaging",
            Feature::Whatsapp => "whatsapp",
            Feature::Telegram => "telegram",
            Feature::Agent => "agent",
            Feature::Calendar => "calendar",
            Feature::Calls => "calls",
            Feature::Billing => "billing",
            Feature::OperatorLine => "operator_line",
            Feature::Invoices => "invoices",
            Feature::Webhooks => "webhooks",
        }
    }

    /// Whether a business that never set the flag has it.
    pub const fn default_on(self) -> bool {
        !matches!(self, Feature::Invoices)
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a known feature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown feature `{0}`")]
pub struct UnknownFeature(pub String);

impl FromStr for Feature {
    type Err = UnknownFeature;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Feature::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFeature(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_match_serde() {
        for f in Feature::ALL {
            assert_eq!(f.as_str().parse::<Feature>(), Ok(f));
            assert_eq!(
                serde_json::to_value(f).ok(),
                Some(serde_json::Value::String(f.as_str().into()))
            );
        }
    }

    #[test]
    fn unknown_name_is_refused() {
        assert!("teleport".parse::<Feature>().is_err());
    }
}
