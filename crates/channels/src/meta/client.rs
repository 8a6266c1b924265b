//! Sending through the WhatsApp Cloud API: `POST {graph}/{version}/{phone_number_id}/messages`.
use std::fmt;

use serde_json::{Value, json};
use switchboard_domain::message::OutboundContent;

use crate::{
    SentMessage,
    error::{SendError, codes},
    http::{self, ProviderError, Reply},
};

/// What the server decrypts from the channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct MetaCredentials {
    pub phone_number_id: String,
    pub access_token: String,
    /// Signs webhooks (`X-Hub-Signature-256`).
    pub app_secret: String,
    /// Answers the subscription handshake.
    pub verify_token: String,
}

impl fmt::Debug for MetaCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetaCredentials")
            .field("phone_number_id", &self.phone_number_id)
            .field("access_token", &"<redacted>")
            .field("app_secret", &"<redacted>")
            .field("verify_token", &"<redacted>")
            .finish()
    }
}

#[derive(Clone, Debug)]
pub struct MetaClient {
    http: reqwest::Client,
    api_base: String,
    version: String,
    creds: MetaCredentials,
}

impl MetaClient {
    pub const DEFAULT_API_BASE: &'static str = "https://graph.facebook.com";
    pub const DEFAULT_VERSION: &'static str = "v21.0";

    pub fn new(http: reqwest::Client, creds: MetaCredentials) -> Self {
        MetaClient {
            http,
            api_base: Self::DEFAULT_API_BASE.to_string(),
            version: Self::DEFAULT_VERSION.to_string(),
            creds,
        }
    }

    pub fn with_api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self
    }

    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    pub fn credentials(&self) -> &MetaCredentials {
        &self.creds
    }

    /// Sends one message. The Cloud API has no idempotency key; see [`crate::Sender`].
    #[tracing::instrument(skip_all, err, fields(provider = "meta", idempotency_key = %idempotency_key))]
    pub async fn send(
        &self,
        to: &str,
        content: &OutboundContent,
        idempotency_key: &str,
    ) -> Result<SentMessage, SendError> {
        let body = self.body(to, content)?;
        let url = http::endpoint(
            &self.api_base,
            &[&self.version, &self.creds.phone_number_id, "messages"],
        )?;
        let req = self
            .http
            .post(url)
            .bearer_auth(&self.creds.access_token)
            .json(&body);
        let reply = http::execute(req, http::REQUEST_TIMEOUT).await?;
        if !reply.status.is_success() {
            return Err(error(&reply));
        }
        let id = reply
            .json()
            .and_then(|j| j["messages"][0]["id"].as_str().map(str::to_string))
            .ok_or_else(|| http::bad_response(&reply, "no message id in Meta answer"))?;
        Ok(SentMessage {
            provider_message_id: id,
            status: None,
        })
    }

    /// The JSON body for one message (public so it can be inspected and tested).
    pub fn body(&self, to: &str, content: &OutboundContent) -> Result<Value, SendError> {
        let to = crate::parse_phone(to)
            .map_err(|e| SendError::permanent(codes::BAD_RECIPIENT, e.to_string()))?;
        let mut body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.digits(),
        });
        let (kind, payload) = match content {
            OutboundContent::Text { body } => (
                "text",
                json!({"body": body, "preview_url": body.contains("https://")}),
            ),
            OutboundContent::Media {
                url,
                caption,
                content_type,
            } => {
                let kind = media_kind(content_type.as_deref(), url);
                let mut obj = json!({"link": url});
                // WhatsApp shows no caption on audio or stickers.
                if let Some(c) = caption
                    .as_deref()
                    .filter(|c| !c.is_empty() && kind != "audio")
                {
                    obj["caption"] = c.into();
                }
                if kind == "document"
                    && let Some(name) = file_name(url)
                {
                    obj["filename"] = name.into();
                }
                (kind, obj)
            }
            OutboundContent::Template {
                name,
                language,
                variables,
            } => {
                let mut t = json!({"name": name, "language": {"code": language}});
                if !variables.is_empty() {
                    let params: Vec<Value> = variables
                        .iter()
                        .map(|v| json!({"type": "text", "text": v}))
                        .collect();
                    t["components"] = json!([{"type": "body", "parameters": params}]);
                }
                ("template", t)
            }
            OutboundContent::Keyboard { text, buttons } if super::reply_buttons_fit(buttons) => {
                let buttons: Vec<Value> = buttons
                    .iter()
                    .map(|b| json!({"type": "reply", "reply": {"id": b.data, "title": b.label}}))
                    .collect();
                (
                    "interactive",
                    json!({"type": "button", "body": {"text": text}, "action": {"buttons": buttons}}),
                )
            }
            OutboundContent::Keyboard { .. } => (
                "text",
                json!({"body": content.as_plain_text().unwrap_or_default()}),
            ),
        };
        body["type"] = kind.into();
        body[kind] = payload;
        Ok(body)
    }
}

/// The WhatsApp message type for a media URL: by declared content type, else by extension.
fn media_kind(content_type: Option<&str>, url: &str) -> &'static str {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let ext = url
        .split(['?', '#'])
        .next()
        .and_then(|p| p.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if ct.starts_with("image/") || matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp") {
        "image"
    } else if ct.starts_with("video/") || matches!(ext.as_str(), "mp4" | "3gp") {
        "video"
    } else if ct.starts_with("audio/")
        || matches!(ext.as_str(), "ogg" | "mp3" | "aac" | "amr" | "m4a")
    {
        "audio"
    } else {
        "document"
    }
}

fn file_name(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    (!name.is_empty() && name.contains('.')).then_some(name)
}

/// Graph API errors: `{error: {message, type, code, error_subcode, error_data, fbtrace_id}}`.
/// Meta answers most errors with HTTP 400, rate limits included, so the code decides: these
/// are documented as temporary (rate limits, "service unavailable", "something went wrong").
const TRANSIENT_CODES: &[&str] = &[
    "1", "2", "4", "17", "32", "613", "80007", "130429", "131000", "131016", "131056", "133004",
];

fn error(reply: &Reply) -> SendError {
    let json = reply.json();
    let err = json.as_ref().map(|j| &j["error"]);
    let code = err.and_then(|e| http::code_text(&e["code"]));
    let message = err
        .and_then(|e| {
            let msg = e["message"].as_str()?;
            Some(match e["error_data"]["details"].as_str() {
                Some(d) => format!("{msg} ({d})"),
                None => msg.to_string(),
            })
        })
        .unwrap_or_else(|| reply.snippet());
    let transient = err.is_some_and(|e| e["is_transient"].as_bool() == Some(true))
        || code
            .as_deref()
            .is_some_and(|c| TRANSIENT_CODES.contains(&c));
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

    fn client() -> MetaClient {
        MetaClient::new(
            reqwest::Client::new(),
            MetaCredentials {
                phone_number_id: "106540352242922".into(),
                access_token: "EAAG".into(),
                app_secret: "s".into(),
                verify_token: "v".into(),
            },
        )
    }

    #[test]
    fn text_and_template_bodies() {
        let b = client()
            .body("+1 650 555 1234", &OutboundContent::text("hi"))
            .unwrap();
        assert_eq!(
            b,
            json!({"messaging_product": "whatsapp", "recipient_type": "individual",
                   "to": "16505551234", "type": "text", "text": {"body": "hi", "preview_url": false}})
        );
        let b = client()
            .body(
                "+16505551234",
                &OutboundContent::Template {
                    name: "appointment_reminder".into(),
                    language: "en_US".into(),
                    variables: vec!["Ann".into()],
                },
            )
            .unwrap();
        assert_eq!(
            b["template"],
            json!({"name": "appointment_reminder", "language": {"code": "en_US"},
                   "components": [{"type": "body", "parameters": [{"type": "text", "text": "Ann"}]}]})
        );
    }

    #[test]
    fn media_kinds() {
        let media = |url: &str, ct: Option<&str>| {
            client()
                .body(
                    "+16505551234",
                    &OutboundContent::Media {
                        url: url.into(),
                        caption: Some("c".into()),
                        content_type: ct.map(str::to_string),
                    },
                )
                .unwrap()
        };
        let b = media("https://x.example/a.jpg", None);
        assert_eq!(b["type"], "image");
        assert_eq!(
            b["image"],
            json!({"link": "https://x.example/a.jpg", "caption": "c"})
        );
        assert_eq!(
            media("https://x.example/v", Some("video/mp4"))["type"],
            "video"
        );
        let a = media("https://x.example/a.ogg", None);
        assert_eq!(a["audio"], json!({"link": "https://x.example/a.ogg"}));
        let d = media("https://x.example/files/price.pdf?sig=1", None);
        assert_eq!(d["document"]["filename"], "price.pdf");
    }

    #[test]
    fn keyboards_become_reply_buttons_when_they_fit() {
        let kb = |n: usize| OutboundContent::Keyboard {
            text: "Pick".into(),
            buttons: (0..n)
                .map(|i| Button {
                    label: format!("{}:00", 10 + i),
                    data: format!("slot:{i}"),
                })
                .collect(),
        };
        let b = client().body("+16505551234", &kb(2)).unwrap();
        assert_eq!(b["type"], "interactive");
        assert_eq!(
            b["interactive"]["action"]["buttons"][1]["reply"]["id"],
            "slot:1"
        );
        let b = client().body("+16505551234", &kb(5)).unwrap();
        assert_eq!(b["type"], "text");
        assert!(b["text"]["body"].as_str().unwrap().ends_with("5. 14:00"));
    }

    #[test]
    fn bad_recipient_is_permanent() {
        let e = client()
            .body("hello", &OutboundContent::text("x"))
            .unwrap_err();
        assert_eq!(e.code(), Some(codes::BAD_RECIPIENT));
    }

    fn reply(status: u16, body: Value) -> Reply {
        Reply {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: body.to_string().into_bytes(),
        }
    }

    #[test]
    fn error_classification() {
        let e = error(&reply(
            400,
            json!({"error": {"message": "(#131030) Recipient phone number not in allowed list",
                  "type": "OAuthException", "code": 131030, "error_data": {"details": "Add it"},
                  "fbtrace_id": "A"}}),
        ));
        assert!(!e.is_retryable());
        assert_eq!(e.code(), Some("131030"));
        assert!(e.message().contains("Add it"));
        let e = error(&reply(
            400,
            json!({"error": {"message": "(#130429) Rate limit hit", "code": 130429}}),
        ));
        assert!(e.is_retryable());
        let e = error(&reply(
            500,
            json!({"error": {"message": "x", "code": 999, "is_transient": true}}),
        ));
        assert!(e.is_retryable());
        let e = error(&reply(
            401,
            json!({"error": {"message": "Invalid OAuth access token.", "code": 190}}),
        ));
        assert_eq!((e.is_retryable(), e.code()), (false, Some("190")));
    }
}
