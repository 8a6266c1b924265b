//! The channel-independent message model: which channel, who wrote, what they sent, what we
//! send back, and how far an outbound message got. Provider wire formats are mapped onto these
//! types in the channels crate.
use serde::{Deserialize, Serialize};

mod identity;
mod status;

pub use identity::{Identity, IdentityRepr, InvalidIdentity};
pub use status::{DeliveryStatus, StatusUpdate};

/// A provider channel a business can connect. Each business picks its provider per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    TwilioSms,
    TwilioWhatsapp,
    MetaWhatsapp,
    /// WhatsApp Web through a bridge speaking the Evolution API protocol.
    WhatsappWeb,
    Telegram,
    /// `POST /api/v1/messages` from an integrator's own channel.
    Api,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 6] = [
        ChannelKind::TwilioSms,
        ChannelKind::TwilioWhatsapp,
        ChannelKind::MetaWhatsapp,
        ChannelKind::WhatsappWeb,
        ChannelKind::Telegram,
        ChannelKind::Api,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::TwilioSms => "twilio_sms",
            ChannelKind::TwilioWhatsapp => "twilio_whatsapp",
            ChannelKind::MetaWhatsapp => "meta_whatsapp",
            ChannelKind::WhatsappWeb => "whatsapp_web",
            ChannelKind::Telegram => "telegram",
            ChannelKind::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// The official WhatsApp Business channels, where Meta's 24-hour rule applies: free-form
    /// replies only within 24 h of the customer's last message, approved templates otherwise.
    /// WhatsApp Web is a personal account and has no such rule.
    pub fn has_customer_service_window(self) -> bool {
        matches!(
            self,
            ChannelKind::TwilioWhatsapp | ChannelKind::MetaWhatsapp
        )
    }

    /// Can the channel show tappable buttons natively (rather than numbered text options)?
    pub fn has_native_buttons(self) -> bool {
        matches!(self, ChannelKind::Telegram | ChannelKind::MetaWhatsapp)
    }
}

impl std::fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An attachment. Providers differ in what they give: Twilio a URL, Meta and Telegram an id to
/// resolve through their API, the WhatsApp Web bridge both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Media {
    pub url: Option<String>,
    /// Meta media id or Telegram `file_id`, to download through the provider's API.
    pub provider_media_id: Option<String>,
    pub content_type: Option<String>,
    pub filename: Option<String>,
}

/// A location the customer shared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    pub name: Option<String>,
    pub address: Option<String>,
}

/// A contact card the customer shared (Telegram "share my phone", a WhatsApp contact). Kept as
/// given: whether to link the phone to the customer is the CRM's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SharedContact {
    pub phone: Option<String>,
    pub name: Option<String>,
}

/// One message a customer sent us, whatever the channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InboundMessage {
    pub channel: ChannelKind,
    /// The provider's id, our dedupe key together with the channel: Twilio `MessageSid`, Meta
    /// `wamid...`, Telegram `update_id`, the bridge's key id.
    pub provider_message_id: String,
    pub from: Identity,
    /// Our own address as the provider names it (Twilio `To`, Meta `phone_number_id`, the
    /// bridge instance); `None` where the provider does not say (Telegram).
    pub to: Option<String>,
    /// The display name the customer chose (WhatsApp profile, Telegram first name).
    pub profile_name: Option<String>,
    pub text: Option<String>,
    pub media: Vec<Media>,
    pub location: Option<Location>,
    pub contact: Option<SharedContact>,
    /// What a pressed button carries: Telegram `callback_data`, WhatsApp quick-reply payload or
    /// interactive reply id.
    pub button_payload: Option<String>,
    /// Telegram `callback_query.id`, to acknowledge with `answerCallbackQuery`.
    pub callback_id: Option<String>,
    pub received_at_ms: i64,
    /// The provider's payload for this message, kept for audits and for fields we do not map.
    #[schema(value_type = Object)]
    pub raw: serde_json::Value,
}

impl InboundMessage {
    /// The message with every U+0000 removed from its texts: a provider may send one, and
    /// PostgreSQL text cannot hold it, while a verified message must still be stored.
    pub fn without_nul(&self) -> InboundMessage {
        fn strip(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::String(s) if s.contains('\0') => s.retain(|c| c != '\0'),
                serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
                serde_json::Value::Object(o) => o.values_mut().for_each(strip),
                _ => {}
            }
        }
        let Ok(mut v) = serde_json::to_value(self) else {
            return self.clone();
        };
        strip(&mut v);
        serde_json::from_value(v).unwrap_or_else(|_| self.clone())
    }

    /// Text the agent should read: the typed text, else the pressed button's payload.
    pub fn text_or_payload(&self) -> Option<&str> {
        self.text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .or(self.button_payload.as_deref())
    }
}

/// A tappable choice. `data` comes back as [`InboundMessage::button_payload`] (Telegram allows
/// 1-64 bytes of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Button {
    pub label: String,
    pub data: String,
}

impl Button {
    /// Which button a typed reply picks on channels that showed numbered options: `2`, `2.`,
    /// `2)` or the label itself (case-insensitive).
    pub fn match_reply<'a>(buttons: &'a [Button], reply: &str) -> Option<&'a Button> {
        let r = reply.trim();
        let number = r.trim_end_matches(['.', ')']);
        if let Ok(n) = number.parse::<usize>() {
            return n.checked_sub(1).and_then(|i| buttons.get(i));
        }
        buttons
            .iter()
            .find(|b| b.label.trim().to_lowercase() == r.to_lowercase() || b.data == r)
    }
}

/// What we send to a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboundContent {
    Text {
        body: String,
    },
    Media {
        url: String,
        caption: Option<String>,
        content_type: Option<String>,
    },
    /// A pre-approved WhatsApp template (the only thing allowed outside the 24-hour window).
    /// `name` is the Meta template name or, on Twilio, the Content SID (`HX...`); `language`
    /// is the template's locale code, e.g. `en_US`; variables fill `{{1}}`, `{{2}}`, ... in order.
    Template {
        name: String,
        language: String,
        variables: Vec<String>,
    },
    /// Text with choices: a Telegram inline keyboard, Meta reply buttons, and numbered text
    /// options elsewhere.
    Keyboard {
        text: String,
        buttons: Vec<Button>,
    },
}

impl OutboundContent {
    pub fn text(body: impl Into<String>) -> Self {
        OutboundContent::Text { body: body.into() }
    }

    /// The content as plain text for channels without the native form: keyboards become
    /// numbered options (answered with [`Button::match_reply`]), media its caption and link.
    /// Templates have no text of their own here, so they render as `None`.
    pub fn as_plain_text(&self) -> Option<String> {
        match self {
            OutboundContent::Text { body } => Some(body.clone()),
            OutboundContent::Media { url, caption, .. } => Some(match caption {
                Some(c) if !c.is_empty() => format!("{c}\n{url}"),
                _ => url.clone(),
            }),
            OutboundContent::Template { .. } => None,
            OutboundContent::Keyboard { text, buttons } => {
                let mut out = text.clone();
                if !buttons.is_empty() {
                    out.push('\n');
                }
                for (i, b) in buttons.iter().enumerate() {
                    out.push_str(&format!("\n{}. {}", i + 1, b.label));
                }
                Some(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons() -> Vec<Button> {
        ["10:00", "11:30", "Other time"]
            .iter()
            .enumerate()
            .map(|(i, l)| Button {
                label: l.to_string(),
                data: format!("slot:{i}"),
            })
            .collect()
    }

    #[test]
    fn channel_kinds_round_trip() {
        for k in ChannelKind::ALL {
            assert_eq!(ChannelKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.as_str())
            );
        }
        assert_eq!(ChannelKind::parse("sms"), None);
        assert!(ChannelKind::MetaWhatsapp.has_customer_service_window());
        assert!(!ChannelKind::WhatsappWeb.has_customer_service_window());
    }

    #[test]
    fn keyboard_renders_as_numbered_options() {
        let k = OutboundContent::Keyboard {
            text: "Pick a time:".into(),
            buttons: buttons(),
        };
        assert_eq!(
            k.as_plain_text().unwrap(),
            "Pick a time:\n\n1. 10:00\n2. 11:30\n3. Other time"
        );
    }

    #[test]
    fn typed_replies_pick_buttons() {
        let b = buttons();
        assert_eq!(Button::match_reply(&b, " 2 ").unwrap().data, "slot:1");
        assert_eq!(Button::match_reply(&b, "3.").unwrap().data, "slot:2");
        assert_eq!(
            Button::match_reply(&b, "other TIME").unwrap().data,
            "slot:2"
        );
        assert_eq!(Button::match_reply(&b, "slot:0").unwrap().label, "10:00");
        assert!(Button::match_reply(&b, "0").is_none());
        assert!(Button::match_reply(&b, "4").is_none());
        assert!(Button::match_reply(&b, "tomorrow").is_none());
    }

    #[test]
    fn outbound_content_wire_form() {
        let t = OutboundContent::Template {
            name: "appointment_reminder".into(),
            language: "en_US".into(),
            variables: vec!["Ann".into(), "10:00".into()],
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["type"], "template");
        assert_eq!(serde_json::from_value::<OutboundContent>(v).unwrap(), t);
        assert_eq!(t.as_plain_text(), None);
        let m = OutboundContent::Media {
            url: "https://x.example/a.jpg".into(),
            caption: Some("Menu".into()),
            content_type: None,
        };
        assert_eq!(m.as_plain_text().unwrap(), "Menu\nhttps://x.example/a.jpg");
    }

    #[test]
    fn payload_stands_in_for_missing_text() {
        let msg = InboundMessage {
            channel: ChannelKind::Telegram,
            provider_message_id: "1".into(),
            from: Identity::Telegram {
                chat_id: 1,
                username: None,
            },
            to: None,
            profile_name: None,
            text: None,
            media: vec![],
            location: None,
            contact: None,
            button_payload: Some("slot:1".into()),
            callback_id: Some("cb".into()),
            received_at_ms: 0,
            raw: serde_json::Value::Null,
        };
        assert_eq!(msg.text_or_payload(), Some("slot:1"));
    }
}
