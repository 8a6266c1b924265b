//! Sending SMS and WhatsApp messages through Twilio's Messages resource.
use std::fmt;

use serde::Deserialize;
use switchboard_domain::message::{ChannelKind, OutboundContent};

use crate::{
    SentMessage,
    error::{SendError, codes},
    http::{self, ProviderError, Reply},
};

/// What the server decrypts from the channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct TwilioCredentials {
    pub account_sid: String,
    pub auth_token: String,
    /// Our number (`+1...`; the `whatsapp:` prefix is added for WhatsApp).
    pub from: Option<String>,
    /// A Messaging Service to send from instead of (or as well as) `from`.
    pub messaging_service_sid: Option<String>,
}

impl fmt::Debug for TwilioCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioCredentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"<redacted>")
            .field("from", &self.from)
            .field("messaging_service_sid", &self.messaging_service_sid)
            .finish()
    }
}

/// A Twilio messaging client for one channel (SMS or WhatsApp).
#[derive(Clone, Debug)]
pub struct TwilioClient {
    http: reqwest::Client,
    api_base: String,
    creds: TwilioCredentials,
    whatsapp: bool,
    status_callback: Option<String>,
}

#[derive(Deserialize)]
struct MessageResource {
    sid: String,
    status: Option<String>,
}

impl TwilioClient {
    pub const DEFAULT_API_BASE: &'static str = "https://api.twilio.com";

    /// `kind` is [`ChannelKind::TwilioWhatsapp`] for WhatsApp; anything else sends SMS.
    pub fn new(http: reqwest::Client, creds: TwilioCredentials, kind: ChannelKind) -> Self {
        TwilioClient {
            http,
            api_base: Self::DEFAULT_API_BASE.to_string(),
            creds,
            whatsapp: kind == ChannelKind::TwilioWhatsapp,
            status_callback: None,
        }
    }

    /// Points the client at another host (a local fake in tests).
    pub fn with_api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self
    }

    /// The public URL Twilio should post status callbacks to.
    pub fn with_status_callback(mut self, url: impl Into<String>) -> Self {
        self.status_callback = Some(url.into());
        self
    }

    pub fn kind(&self) -> ChannelKind {
        if self.whatsapp {
            ChannelKind::TwilioWhatsapp
        } else {
            ChannelKind::TwilioSms
        }
    }

    pub fn credentials(&self) -> &TwilioCredentials {
        &self.creds
    }

    /// Sends one message. Twilio has no idempotency key for message creation, so the key only
    /// labels the attempt in logs; the outbox guarantees at-most-once per success by recording
    /// the returned sid.
    #[tracing::instrument(skip_all, err, fields(provider = "twilio", idempotency_key = %idempotency_key))]
    pub async fn send(
        &self,
        to: &str,
        content: &OutboundContent,
        idempotency_key: &str,
    ) -> Result<SentMessage, SendError> {
        let form = self.form(to, content)?;
        let url = http::endpoint(
            &self.api_base,
            &[
                "2010-04-01",
                "Accounts",
                &self.creds.account_sid,
                "Messages.json",
            ],
        )?;
        let req = self
            .http
            .post(url)
            .basic_auth(&self.creds.account_sid, Some(&self.creds.auth_token))
            .form(&form);
        let reply = http::execute(req, http::REQUEST_TIMEOUT).await?;
        if !reply.status.is_success() {
            return Err(error(&reply));
        }
        let msg: MessageResource = serde_json::from_slice(&reply.body)
            .map_err(|_| http::bad_response(&reply, "unreadable Twilio message resource"))?;
        Ok(SentMessage {
            provider_message_id: msg.sid,
            status: msg.status.as_deref().and_then(super::map_status),
        })
    }

    /// The form fields for one message (public so the server can show what would be sent).
    pub fn form(
        &self,
        to: &str,
        content: &OutboundContent,
    ) -> Result<Vec<(String, String)>, SendError> {
        let mut f: Vec<(String, String)> = vec![("To".into(), self.address(to)?)];
        if let Some(sid) = non_empty(&self.creds.messaging_service_sid) {
            f.push(("MessagingServiceSid".into(), sid.to_string()));
        }
        if let Some(from) = non_empty(&self.creds.from) {
            f.push(("From".into(), self.address(from)?));
        }
        if f.len() == 1 {
            return Err(SendError::config(
                "a Twilio channel needs a From number or a MessagingServiceSid",
            ));
        }
        match content {
            OutboundContent::Text { body } => f.push(("Body".into(), body.clone())),
            OutboundContent::Media { url, caption, .. } => {
                f.push(("MediaUrl".into(), url.clone()));
                if let Some(c) = caption.as_deref().filter(|c| !c.is_empty()) {
                    f.push(("Body".into(), c.to_string()));
                }
            }
            OutboundContent::Template {
                name, variables, ..
            } => {
                // Twilio templates are Content API resources: `name` holds the `HX...` sid
                // and the variables are numbered from 1, as in the template's `{{1}}`.
                f.push(("ContentSid".into(), name.clone()));
                if !variables.is_empty() {
                    let vars: serde_json::Map<String, serde_json::Value> = variables
                        .iter()
                        .enumerate()
                        .map(|(i, v)| ((i + 1).to_string(), v.clone().into()))
                        .collect();
                    f.push((
                        "ContentVariables".into(),
                        serde_json::Value::Object(vars).to_string(),
                    ));
                }
            }
            OutboundContent::Keyboard { .. } => {
                let text = content.as_plain_text().unwrap_or_default();
                f.push(("Body".into(), text));
            }
        }
        if let Some(cb) = &self.status_callback {
            f.push(("StatusCallback".into(), cb.clone()));
        }
        Ok(f)
    }

    /// A phone in the form this channel addresses it: `+E164`, or `whatsapp:+E164`.
    fn address(&self, raw: &str) -> Result<String, SendError> {
        let phone = crate::parse_phone(raw)
            .map_err(|e| SendError::permanent(codes::BAD_RECIPIENT, e.to_string()))?;
        Ok(if self.whatsapp {
            format!("whatsapp:{phone}")
        } else {
            phone.to_string()
        })
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Twilio's error body: `{code, message, more_info, status}`. Codes 20429 (too many requests)
/// and 20500/20503 (Twilio's own trouble) are temporary whatever the status says.
fn error(reply: &Reply) -> SendError {
    let json = reply.json();
    let code = json.as_ref().and_then(|j| http::code_text(&j["code"]));
    let message = json
        .as_ref()
        .and_then(|j| j["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| reply.snippet());
    let transient = matches!(code.as_deref(), Some("20429" | "20500" | "20503"));
    http::classify(
        reply,
        ProviderError {
            code,
            message,
            transient,
            retry_after: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::message::Button;

    fn client(kind: ChannelKind) -> TwilioClient {
        TwilioClient::new(
            reqwest::Client::new(),
            TwilioCredentials {
                account_sid: "AC1".into(),
                auth_token: "tok".into(),
                from: Some("+1 800 555 1212".into()),
                messaging_service_sid: None,
            },
            kind,
        )
    }

    fn get<'a>(f: &'a [(String, String)], k: &str) -> Option<&'a str> {
        f.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn whatsapp_addresses_get_the_prefix() {
        let f = client(ChannelKind::TwilioWhatsapp)
            .form("+14155550100", &OutboundContent::text("hi"))
            .unwrap();
        assert_eq!(get(&f, "To"), Some("whatsapp:+14155550100"));
        assert_eq!(get(&f, "From"), Some("whatsapp:+18005551212"));
        assert_eq!(get(&f, "Body"), Some("hi"));
        let f = client(ChannelKind::TwilioSms)
            .form("whatsapp:+14155550100", &OutboundContent::text("hi"))
            .unwrap();
        assert_eq!(get(&f, "To"), Some("+14155550100"));
    }

    #[test]
    fn templates_media_and_keyboards() {
        let c = client(ChannelKind::TwilioWhatsapp).with_status_callback("https://sb.example/cb");
        let f = c
            .form(
                "+14155550100",
                &OutboundContent::Template {
                    name: "HX123".into(),
                    language: "en".into(),
                    variables: vec!["Ann".into(), "10:00".into()],
                },
            )
            .unwrap();
        assert_eq!(get(&f, "ContentSid"), Some("HX123"));
        assert_eq!(
            get(&f, "ContentVariables"),
            Some(r#"{"1":"Ann","2":"10:00"}"#)
        );
        assert_eq!(get(&f, "StatusCallback"), Some("https://sb.example/cb"));
        let f = c
            .form(
                "+14155550100",
                &OutboundContent::Media {
                    url: "https://x.example/a.jpg".into(),
                    caption: Some("Menu".into()),
                    content_type: None,
                },
            )
            .unwrap();
        assert_eq!(get(&f, "MediaUrl"), Some("https://x.example/a.jpg"));
        assert_eq!(get(&f, "Body"), Some("Menu"));
        let f = c
            .form(
                "+14155550100",
                &OutboundContent::Keyboard {
                    text: "Pick:".into(),
                    buttons: vec![Button {
                        label: "10:00".into(),
                        data: "s1".into(),
                    }],
                },
            )
            .unwrap();
        assert_eq!(get(&f, "Body"), Some("Pick:\n\n1. 10:00"));
    }

    #[test]
    fn refuses_bad_numbers_and_missing_sender() {
        let e = client(ChannelKind::TwilioSms)
            .form("12", &OutboundContent::text("x"))
            .unwrap_err();
        assert_eq!(e.code(), Some(codes::BAD_RECIPIENT));
        let mut c = client(ChannelKind::TwilioSms);
        c.creds.from = None;
        assert_eq!(
            c.form("+14155550100", &OutboundContent::text("x"))
                .unwrap_err()
                .code(),
            Some(codes::CONFIG)
        );
        c.creds.messaging_service_sid = Some("MG1".into());
        let f = c.form("+14155550100", &OutboundContent::text("x")).unwrap();
        assert_eq!(get(&f, "MessagingServiceSid"), Some("MG1"));
    }

    #[test]
    fn debug_hides_the_token() {
        let s = format!("{:?}", client(ChannelKind::TwilioSms));
        assert!(!s.contains("tok\""), "{s}");
        assert!(s.contains("<redacted>"));
    }
}
