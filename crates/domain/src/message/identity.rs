//! Who wrote to us: a customer's address on some channel, normalised so that one person is one
//! identity wherever the same address shows up.
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::PhoneE164;

/// The address of a customer, independent of the channel it arrived on.
///
/// A WhatsApp sender *is* a phone number: Twilio WhatsApp, Meta Cloud and the WhatsApp Web
/// bridge all yield [`Identity::Phone`], so the same person texting by SMS and by WhatsApp maps
/// to one identity (the channel is recorded beside it, not inside it). Only when WhatsApp hides
/// the number behind a privacy "LID" do we keep [`Identity::WhatsAppLid`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "IdentityRepr", into = "IdentityRepr")]
pub enum Identity {
    Phone(PhoneE164),
    /// A WhatsApp "linked id" (the user part of `...@lid`) when the bridge does not reveal the
    /// phone number behind it.
    WhatsAppLid(String),
    /// A Telegram private chat. The chat id is the stable key; the username can change and is
    /// kept only as a hint for people.
    Telegram {
        chat_id: i64,
        username: Option<String>,
    },
    /// An e-mail address, lower-cased.
    Email(String),
    /// A sender the provider vouches for that is not an E.164 number (an alphanumeric sender
    /// id, a short code): kept as the provider wrote it, so the message is never lost.
    Raw(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidIdentity {
    #[error("unknown identity kind `{0}`")]
    UnknownKind(String),
    #[error("`{value}` is not a valid {kind} identity")]
    BadValue { kind: &'static str, value: String },
}

impl Identity {
    pub const PHONE: &'static str = "phone";
    pub const WHATSAPP_LID: &'static str = "whatsapp_lid";
    pub const TELEGRAM: &'static str = "telegram";
    pub const EMAIL: &'static str = "email";
    pub const RAW: &'static str = "raw";

    /// The storage kind: `phone`, `whatsapp_lid`, `telegram`, `email` or `raw`.
    pub fn kind(&self) -> &'static str {
        match self {
            Identity::Phone(_) => Self::PHONE,
            Identity::WhatsAppLid(_) => Self::WHATSAPP_LID,
            Identity::Telegram { .. } => Self::TELEGRAM,
            Identity::Email(_) => Self::EMAIL,
            Identity::Raw(_) => Self::RAW,
        }
    }

    /// The storage value, unique within its kind: `+14155550100`, `123456789`, `a@b.example`.
    pub fn value(&self) -> String {
        match self {
            Identity::Phone(p) => p.as_str().to_string(),
            Identity::WhatsAppLid(lid) => lid.clone(),
            Identity::Telegram { chat_id, .. } => chat_id.to_string(),
            Identity::Email(e) => e.clone(),
            Identity::Raw(r) => r.clone(),
        }
    }

    /// Rebuilds an identity from its stored `(kind, value)` pair. The Telegram username is not
    /// part of the key, so it comes back as `None`.
    pub fn from_parts(kind: &str, value: &str) -> Result<Self, InvalidIdentity> {
        let bad = |kind: &'static str| InvalidIdentity::BadValue {
            kind,
            value: value.chars().take(64).collect(),
        };
        match kind {
            // Stored phones were normalised on the way in: the structural check suffices, and a
            // provider-verified number must read back even if the range tables do not know it.
            Self::PHONE => PhoneE164::from_provider(value)
                .map(Identity::Phone)
                .map_err(|_| bad(Self::PHONE)),
            Self::WHATSAPP_LID => Self::whatsapp_lid(value).ok_or_else(|| bad(Self::WHATSAPP_LID)),
            Self::TELEGRAM => value
                .trim()
                .parse::<i64>()
                .map(|chat_id| Identity::Telegram {
                    chat_id,
                    username: None,
                })
                .map_err(|_| bad(Self::TELEGRAM)),
            Self::EMAIL => Self::email(value).ok_or_else(|| bad(Self::EMAIL)),
            Self::RAW => Self::raw(value).ok_or_else(|| bad(Self::RAW)),
            other => Err(InvalidIdentity::UnknownKind(
                other.chars().take(32).collect(),
            )),
        }
    }

    /// A WhatsApp LID from `123456789@lid` or the bare user part; `None` unless it is digits.
    pub fn whatsapp_lid(input: &str) -> Option<Self> {
        let user = input.trim();
        let user = user.split_once('@').map_or(user, |(u, _)| u);
        // A LID may carry a device suffix (`123:4@lid`); the person is the part before it.
        let user = user.split_once(':').map_or(user, |(u, _)| u);
        (!user.is_empty() && user.len() <= 32 && user.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Identity::WhatsAppLid(user.to_string()))
    }

    /// An e-mail identity, trimmed and lower-cased; `None` unless it looks like `x@y.z`.
    pub fn email(input: &str) -> Option<Self> {
        let e = input.trim().to_lowercase();
        let (local, domain) = e.split_once('@')?;
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && e.len() <= 254
            && !e.chars().any(char::is_whitespace);
        plausible.then_some(Identity::Email(e))
    }

    /// A provider sender that is not a phone number: the trimmed text, `None` when empty, over
    /// 64 characters or holding control characters.
    pub fn raw(input: &str) -> Option<Self> {
        let r = input.trim();
        let plausible =
            !r.is_empty() && r.chars().count() <= 64 && !r.chars().any(char::is_control);
        plausible.then(|| Identity::Raw(r.to_string()))
    }

    /// The sender of a provider webhook: its E.164 phone when it has that shape, a raw identity
    /// otherwise. Never refuses a non-empty sender: the provider has verified it.
    pub fn provider_sender(input: &str) -> Option<Self> {
        PhoneE164::from_provider(input)
            .ok()
            .map(Identity::Phone)
            .or_else(|| Self::raw(input))
    }

    pub fn phone(&self) -> Option<&PhoneE164> {
        match self {
            Identity::Phone(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.value())
    }
}

/// The wire form of an identity: `{"kind": "phone", "value": "+14155550100"}` (plus
/// `username` for Telegram), the same pair the store keys on.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = Identity)]
pub struct IdentityRepr {
    /// `phone`, `whatsapp_lid`, `telegram`, `email` or `raw`.
    pub kind: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl From<Identity> for IdentityRepr {
    fn from(id: Identity) -> Self {
        let username = match &id {
            Identity::Telegram { username, .. } => username.clone(),
            _ => None,
        };
        IdentityRepr {
            kind: id.kind().to_string(),
            value: id.value(),
            username,
        }
    }
}

impl TryFrom<IdentityRepr> for Identity {
    type Error = InvalidIdentity;
    fn try_from(r: IdentityRepr) -> Result<Self, Self::Error> {
        let mut id = Identity::from_parts(&r.kind, &r.value)?;
        if let Identity::Telegram { username, .. } = &mut id {
            *username = r.username;
        }
        Ok(id)
    }
}

impl utoipa::PartialSchema for Identity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <IdentityRepr as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for Identity {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_and_whatsapp_senders_are_one_identity() {
        let sms = Identity::Phone(PhoneE164::parse("+14155550100").unwrap());
        let wa = Identity::Phone(PhoneE164::parse("whatsapp:+14155550100").unwrap());
        assert_eq!(sms, wa);
        assert_eq!(
            (sms.kind(), sms.value().as_str()),
            ("phone", "+14155550100")
        );
    }

    #[test]
    fn storage_pairs_round_trip() {
        let cases = [
            Identity::Phone(PhoneE164::parse("+79123456789").unwrap()),
            Identity::WhatsAppLid("123456789012345".into()),
            Identity::Telegram {
                chat_id: -100123,
                username: None,
            },
            Identity::Email("ann@example.com".into()),
            Identity::Phone(PhoneE164::from_provider("+972521234567").unwrap()),
            Identity::Raw("MyShop".into()),
        ];
        for id in cases {
            assert_eq!(Identity::from_parts(id.kind(), &id.value()).unwrap(), id);
        }
    }

    #[test]
    fn telegram_value_is_the_chat_id() {
        let id = Identity::Telegram {
            chat_id: 123456,
            username: Some("ann".into()),
        };
        assert_eq!((id.kind(), id.value().as_str()), ("telegram", "123456"));
        let json = serde_json::to_value(&id).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "telegram", "value": "123456", "username": "ann"})
        );
        assert_eq!(serde_json::from_value::<Identity>(json).unwrap(), id);
    }

    #[test]
    fn lid_and_email_normalise() {
        assert_eq!(
            Identity::whatsapp_lid("1234567:12@lid"),
            Some(Identity::WhatsAppLid("1234567".into()))
        );
        assert_eq!(Identity::whatsapp_lid("abc@lid"), None);
        assert_eq!(
            Identity::email("  Ann@Example.COM "),
            Some(Identity::Email("ann@example.com".into()))
        );
        for bad in ["", "ann", "ann@", "@x.y", "a@b", "a b@c.d", "a@.b"] {
            assert_eq!(Identity::email(bad), None, "{bad}");
        }
    }

    #[test]
    fn provider_senders_become_phones_or_raw_identities() {
        assert_eq!(
            Identity::provider_sender("whatsapp:+972521234567"),
            Some(Identity::Phone(
                PhoneE164::from_provider("+972521234567").unwrap()
            ))
        );
        assert_eq!(
            Identity::provider_sender(" MyShop "),
            Some(Identity::Raw("MyShop".into()))
        );
        assert_eq!(Identity::provider_sender("  "), None);
    }

    #[test]
    fn rejects_unknown_kinds_and_bad_values() {
        assert!(matches!(
            Identity::from_parts("fax", "1"),
            Err(InvalidIdentity::UnknownKind(_))
        ));
        assert!(Identity::from_parts("phone", "12").is_err());
        assert!(Identity::from_parts("telegram", "abc").is_err());
        assert!(serde_json::from_str::<Identity>(r#"{"kind":"phone","value":"x"}"#).is_err());
    }
}
