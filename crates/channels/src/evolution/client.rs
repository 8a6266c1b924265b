//! Calls to the Evolution API bridge: sending, webhook registration, connection state,
//! pairing and logout. Every call carries the `apikey` header.
use std::fmt;

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::message::OutboundContent;

use super::{ConnectionState, QrCode, SECRET_HEADER};
use crate::{
    SentMessage,
    error::{SendError, codes},
    http::{self, ProviderError, Reply},
};

/// What the server decrypts from the channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct EvolutionCredentials {
    /// The bridge instance (one WhatsApp session).
    pub instance: String,
    pub api_key: String,
    /// Our per-channel secret, sent back by the bridge in [`SECRET_HEADER`].
    pub webhook_secret: String,
}

impl fmt::Debug for EvolutionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EvolutionCredentials")
            .field("instance", &self.instance)
            .field("api_key", &"<redacted>")
            .field("webhook_secret", &"<redacted>")
            .finish()
    }
}

/// The events we register for. `SEND_MESSAGE` echoes what we sent (parsed and ignored) and
/// keeps the bridge's delivery log complete.
pub const WEBHOOK_EVENTS: &[&str] = &[
    "MESSAGES_UPSERT",
    "MESSAGES_UPDATE",
    "CONNECTION_UPDATE",
    "QRCODE_UPDATED",
    "SEND_MESSAGE",
];

/// Our code for the bridge's 400 `exists: false`: the number has no WhatsApp account.
pub const NOT_ON_WHATSAPP: &str = "not_on_whatsapp";

/// What `/instance/connect` gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectResult {
    /// Scan this (or type the pairing code) on the phone.
    Qr(QrCode),
    /// The session is already paired and open.
    AlreadyOpen,
}

#[derive(Clone, Debug)]
pub struct EvolutionClient {
    http: reqwest::Client,
    api_base: String,
    creds: EvolutionCredentials,
}

impl EvolutionClient {
    /// The bridge is self-hosted, so there is no default base URL.
    pub fn new(
        http: reqwest::Client,
        api_base: impl Into<String>,
        creds: EvolutionCredentials,
    ) -> Self {
        EvolutionClient {
            http,
            api_base: api_base.into(),
            creds,
        }
    }

    pub fn credentials(&self) -> &EvolutionCredentials {
        &self.creds
    }

    /// Sends one message to a phone (or a full JID). The bridge has no idempotency key; see
    /// [`crate::Sender`].
    #[tracing::instrument(skip_all, err, fields(provider = "evolution", idempotency_key = %idempotency_key))]
    pub async fn send(
        &self,
        to: &str,
        content: &OutboundContent,
        idempotency_key: &str,
    ) -> Result<SentMessage, SendError> {
        let (path, body) = request_for(to, content)?;
        let reply = self
            .call(Method::POST, &["message", path], Some(&body))
            .await?;
        let json = reply.json().unwrap_or_default();
        let id = json["key"]["id"]
            .as_str()
            .ok_or_else(|| http::bad_response(&reply, "no key.id in bridge answer"))?;
        Ok(SentMessage {
            provider_message_id: id.to_string(),
            status: json["status"].as_str().and_then(super::map_status),
        })
    }

    /// Points the instance's webhook at `url`, with our secret header and the events we read.
    pub async fn set_webhook(&self, url: &str) -> Result<(), SendError> {
        let mut headers = serde_json::Map::new();
        headers.insert(
            SECRET_HEADER.into(),
            self.creds.webhook_secret.clone().into(),
        );
        let body = json!({
            "webhook": {
                "enabled": true,
                "url": url,
                "headers": headers,
                "byEvents": false,
                "base64": false,
                "events": WEBHOOK_EVENTS,
            }
        });
        self.call(Method::POST, &["webhook", "set"], Some(&body))
            .await
            .map(drop)
    }

    pub async fn connection_state(&self) -> Result<ConnectionState, SendError> {
        let reply = self
            .call(Method::GET, &["instance", "connectionState"], None)
            .await?;
        let json = reply.json().unwrap_or_default();
        let state = json["instance"]["state"]
            .as_str()
            .or_else(|| json["state"].as_str())
            .ok_or_else(|| http::bad_response(&reply, "no state in bridge answer"))?;
        Ok(ConnectionState::parse(state))
    }

    /// Starts pairing: a QR code, plus a pairing code when `number` (digits) is given.
    pub async fn connect(&self, number: Option<&str>) -> Result<ConnectResult, SendError> {
        let mut url = http::endpoint(
            &self.api_base,
            &["instance", "connect", &self.creds.instance],
        )?;
        if let Some(n) = number {
            url.query_pairs_mut().append_pair("number", n);
        }
        let reply = self.execute(Method::GET, url, None).await?;
        let json = reply.json().unwrap_or_default();
        if let Some(base64) = json["base64"].as_str() {
            return Ok(ConnectResult::Qr(QrCode {
                instance: self.creds.instance.clone(),
                base64: base64.to_string(),
                code: json["code"].as_str().map(str::to_string),
                pairing_code: json["pairingCode"].as_str().map(str::to_string),
            }));
        }
        match json["instance"]["state"]
            .as_str()
            .map(ConnectionState::parse)
        {
            Some(ConnectionState::Open) => Ok(ConnectResult::AlreadyOpen),
            _ => Err(http::bad_response(&reply, "no QR code in bridge answer")),
        }
    }

    /// Logs the WhatsApp session out (staff "disconnect").
    pub async fn logout(&self) -> Result<(), SendError> {
        self.call(Method::DELETE, &["instance", "logout"], None)
            .await
            .map(drop)
    }

    /// `{base}/{section}/{action}/{instance}`.
    async fn call(
        &self,
        method: Method,
        path: &[&str],
        body: Option<&Value>,
    ) -> Result<Reply, SendError> {
        let mut segments = path.to_vec();
        segments.push(&self.creds.instance);
        let url = http::endpoint(&self.api_base, &segments)?;
        self.execute(method, url, body).await
    }

    async fn execute(
        &self,
        method: Method,
        url: reqwest::Url,
        body: Option<&Value>,
    ) -> Result<Reply, SendError> {
        let mut req = self
            .http
            .request(method, url)
            .header("apikey", &self.creds.api_key);
        if let Some(b) = body {
            req = req.json(b);
        }
        let reply = http::execute(req, http::REQUEST_TIMEOUT).await?;
        if reply.status.is_success() {
            Ok(reply)
        } else {
            Err(error(&reply))
        }
    }
}

/// The bridge path and JSON body for one message.
pub fn request_for(
    to: &str,
    content: &OutboundContent,
) -> Result<(&'static str, Value), SendError> {
    let number = number(to)?;
    Ok(match content {
        OutboundContent::Text { body } => ("sendText", json!({"number": number, "text": body})),
        // Baileys buttons are unreliable on current WhatsApp, so keyboards are numbered text.
        OutboundContent::Keyboard { .. } => (
            "sendText",
            json!({"number": number, "text": content.as_plain_text().unwrap_or_default()}),
        ),
        OutboundContent::Media {
            url,
            caption,
            content_type,
        } => {
            let ct = content_type.as_deref().unwrap_or("").to_ascii_lowercase();
            if ct.starts_with("audio/") {
                ("sendWhatsAppAudio", json!({"number": number, "audio": url}))
            } else {
                let mediatype = if ct.starts_with("image/") {
                    "image"
                } else if ct.starts_with("video/") {
                    "video"
                } else if ct.is_empty() {
                    guess_mediatype(url)
                } else {
                    "document"
                };
                let mut body = json!({"number": number, "mediatype": mediatype, "media": url});
                if !ct.is_empty() {
                    body["mimetype"] = ct.into();
                }
                if let Some(c) = caption.as_deref().filter(|c| !c.is_empty()) {
                    body["caption"] = c.into();
                }
                if let Some(name) = url
                    .split(['?', '#'])
                    .next()
                    .and_then(|p| p.rsplit('/').next())
                    .filter(|n| n.contains('.'))
                {
                    body["fileName"] = name.into();
                }
                ("sendMedia", body)
            }
        }
        OutboundContent::Template { .. } => {
            return Err(SendError::unsupported(
                "WhatsApp Web has no message templates",
            ));
        }
    })
}

fn guess_mediatype(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("jpg" | "jpeg" | "png" | "webp") => "image",
        Some("mp4" | "3gp") => "video",
        _ => "document",
    }
}

/// Digits for a phone (how the bridge wants numbers), or a JID passed through as given.
fn number(to: &str) -> Result<String, SendError> {
    let to = to.trim();
    if to.contains('@') {
        return Ok(to.to_string());
    }
    crate::parse_phone(to)
        .map(|p| p.digits().to_string())
        .map_err(|e| SendError::permanent(codes::BAD_RECIPIENT, e.to_string()))
}

/// `{status, error, response: {message}}` where `message` is a string, a list of strings, or
/// (for unknown numbers) a list of `{exists: false, jid, number}`.
fn error(reply: &Reply) -> SendError {
    let json = reply.json().unwrap_or_default();
    let messages = &json["response"]["message"];
    let not_on_whatsapp = messages
        .as_array()
        .is_some_and(|a| a.iter().any(|m| m["exists"].as_bool() == Some(false)));
    let message = match messages {
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join("; "),
        _ => json["error"]
            .as_str()
            .map_or_else(|| reply.snippet(), str::to_string),
    };
    http::classify(
        reply,
        ProviderError {
            code: not_on_whatsapp.then(|| NOT_ON_WHATSAPP.to_string()),
            message,
            transient: false,
            retry_after: None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::message::Button;

    #[test]
    fn message_requests() {
        let (p, b) = request_for("+1 415 555 0100", &OutboundContent::text("hi")).unwrap();
        assert_eq!(
            (p, b),
            ("sendText", json!({"number": "14155550100", "text": "hi"}))
        );
        let (_, b) = request_for("123@lid", &OutboundContent::text("hi")).unwrap();
        assert_eq!(b["number"], "123@lid");
        let kb = OutboundContent::Keyboard {
            text: "Pick".into(),
            buttons: vec![Button {
                label: "10:00".into(),
                data: "s".into(),
            }],
        };
        assert_eq!(
            request_for("+14155550100", &kb).unwrap().1["text"],
            "Pick\n\n1. 10:00"
        );
    }

    #[test]
    fn media_requests() {
        let media = |url: &str, ct: Option<&str>| {
            request_for(
                "+14155550100",
                &OutboundContent::Media {
                    url: url.into(),
                    caption: Some("c".into()),
                    content_type: ct.map(str::to_string),
                },
            )
            .unwrap()
        };
        let (p, b) = media("https://x.example/menu.png", None);
        assert_eq!(p, "sendMedia");
        assert_eq!(
            b,
            json!({"number": "14155550100", "mediatype": "image", "media": "https://x.example/menu.png",
                   "caption": "c", "fileName": "menu.png"})
        );
        let (p, b) = media("https://x.example/v", Some("audio/ogg"));
        assert_eq!(
            (p, b),
            (
                "sendWhatsAppAudio",
                json!({"number": "14155550100", "audio": "https://x.example/v"})
            )
        );
        assert_eq!(
            media("https://x.example/f", Some("application/pdf")).1["mediatype"],
            "document"
        );
    }

    #[test]
    fn refusals() {
        let t = OutboundContent::Template {
            name: "x".into(),
            language: "en".into(),
            variables: vec![],
        };
        assert_eq!(
            request_for("+14155550100", &t).unwrap_err().code(),
            Some(codes::UNSUPPORTED)
        );
        assert_eq!(
            request_for("nope", &OutboundContent::text("x"))
                .unwrap_err()
                .code(),
            Some(codes::BAD_RECIPIENT)
        );
    }

    #[test]
    fn not_on_whatsapp_error() {
        let reply = Reply {
            status: reqwest::StatusCode::BAD_REQUEST,
            headers: Default::default(),
            body: json!({"status": 400, "error": "Bad Request",
                         "response": {"message": [{"jid": "14155550100@s.whatsapp.net", "exists": false, "number": "14155550100"}]}})
                .to_string()
                .into_bytes(),
        };
        let e = error(&reply);
        assert_eq!((e.is_retryable(), e.code()), (false, Some(NOT_ON_WHATSAPP)));
    }
}
