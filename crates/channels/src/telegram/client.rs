//! Telegram Bot API calls: sending, callback answers, webhook management and `getUpdates`
//! long polling.
use std::{fmt, time::Duration};

use serde_json::{Value, json};
use switchboard_domain::message::{Button, OutboundContent};

use crate::{
    InboundEvent, SentMessage,
    error::{SendError, codes},
    http::{self, ProviderError, Reply},
};

/// What the server decrypts from the channel's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct TelegramCredentials {
    pub bot_token: String,
    /// Sent by Telegram in `X-Telegram-Bot-Api-Secret-Token` once `setWebhook` registered it
    /// (1-256 characters of `A-Z a-z 0-9 _ -`).
    pub secret_token: String,
}

impl fmt::Debug for TelegramCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TelegramCredentials { bot_token: <redacted>, secret_token: <redacted> }")
    }
}

#[derive(Clone, Debug)]
pub struct TelegramClient {
    http: reqwest::Client,
    api_base: String,
    creds: TelegramCredentials,
}

/// One update from `getUpdates`: its id (to advance the offset past it, whatever it held)
/// and what it means for us, if anything.
#[derive(Clone, Debug, PartialEq)]
pub struct PolledUpdate {
    pub update_id: i64,
    pub event: Option<InboundEvent>,
}

/// The update kinds a front desk needs; registering them keeps Telegram from sending the rest.
pub const ALLOWED_UPDATES: &[&str] = &["message", "callback_query"];

/// `callback_data` is limited to 64 bytes.
const CALLBACK_DATA_MAX: usize = 64;

impl TelegramClient {
    pub const DEFAULT_API_BASE: &'static str = "https://api.telegram.org";

    pub fn new(http: reqwest::Client, creds: TelegramCredentials) -> Self {
        TelegramClient {
            http,
            api_base: Self::DEFAULT_API_BASE.to_string(),
            creds,
        }
    }

    pub fn with_api_base(mut self, api_base: impl Into<String>) -> Self {
        self.api_base = api_base.into();
        self
    }

    pub fn credentials(&self) -> &TelegramCredentials {
        &self.creds
    }

    /// Sends one message to a chat id (or `@channelname`). The provider id is
    /// `"{chat_id}:{message_id}"`, because Telegram numbers messages per chat and the store
    /// keys messages on (channel, provider id). Telegram has no idempotency key; see
    /// [`crate::Sender`].
    #[tracing::instrument(skip_all, err, fields(provider = "telegram", idempotency_key = %idempotency_key))]
    pub async fn send(
        &self,
        to: &str,
        content: &OutboundContent,
        idempotency_key: &str,
    ) -> Result<SentMessage, SendError> {
        let (method, body) = request_for(to, content)?;
        let result = self.call(method, &body, http::REQUEST_TIMEOUT).await?;
        let message_id = result["message_id"]
            .as_i64()
            .ok_or_else(|| SendError::permanent(codes::BAD_RESPONSE, "no message_id in result"))?;
        let chat_id = result["chat"]["id"]
            .as_i64()
            .map_or_else(|| to.trim().to_string(), |id| id.to_string());
        Ok(SentMessage {
            provider_message_id: format!("{chat_id}:{message_id}"),
            status: None,
        })
    }

    /// Stops the button's loading spinner; `text` shows as a small notice.
    pub async fn answer_callback_query(
        &self,
        callback_query_id: &str,
        text: Option<&str>,
    ) -> Result<(), SendError> {
        let mut body = json!({"callback_query_id": callback_query_id});
        if let Some(t) = text {
            body["text"] = t.into();
        }
        self.call("answerCallbackQuery", &body, http::REQUEST_TIMEOUT)
            .await
            .map(drop)
    }

    /// Registers our webhook URL with the channel's secret token.
    pub async fn set_webhook(&self, url: &str) -> Result<(), SendError> {
        let body = json!({
            "url": url,
            "secret_token": self.creds.secret_token,
            "allowed_updates": ALLOWED_UPDATES,
        });
        self.call("setWebhook", &body, http::REQUEST_TIMEOUT)
            .await
            .map(drop)
    }

    /// Removes the webhook (needed before long polling works).
    pub async fn delete_webhook(&self, drop_pending_updates: bool) -> Result<(), SendError> {
        let body = json!({"drop_pending_updates": drop_pending_updates});
        self.call("deleteWebhook", &body, http::REQUEST_TIMEOUT)
            .await
            .map(drop)
    }

    /// Long polling for development: waits up to `timeout_secs` for updates after `offset`.
    /// Pass the next offset (see [`next_offset`]) each time, which also confirms the updates
    /// already received. Updates that cannot be read come back with `event: None`.
    pub async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u64,
    ) -> Result<Vec<PolledUpdate>, SendError> {
        let mut body = json!({"timeout": timeout_secs, "allowed_updates": ALLOWED_UPDATES});
        if let Some(o) = offset {
            body["offset"] = o.into();
        }
        // The HTTP request must outlive the poll it asks Telegram to hold open.
        let timeout = Duration::from_secs(timeout_secs) + Duration::from_secs(15);
        let result = self.call("getUpdates", &body, timeout).await?;
        let now = chrono::Utc::now().timestamp_millis();
        Ok(result
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|u| {
                let update_id = u.get("update_id")?.as_i64()?;
                let event = super::parse_update_value(u, now).unwrap_or_else(|e| {
                    tracing::warn!(update_id, error = %e, "unreadable Telegram update");
                    None
                });
                Some(PolledUpdate { update_id, event })
            })
            .collect())
    }

    /// Calls a Bot API method and returns its `result`.
    async fn call(
        &self,
        method: &str,
        body: &Value,
        timeout: Duration,
    ) -> Result<Value, SendError> {
        let bot = format!("bot{}", self.creds.bot_token);
        let url = http::endpoint(&self.api_base, &[&bot, method])?;
        let reply = http::execute(self.http.post(url).json(body), timeout).await?;
        let json = reply.json();
        match json {
            Some(j) if reply.status.is_success() && j["ok"].as_bool() == Some(true) => {
                Ok(j["result"].clone())
            }
            Some(_) if reply.status.is_success() => {
                Err(http::bad_response(&reply, "Telegram answered ok=false"))
            }
            _ if reply.status.is_success() => {
                Err(http::bad_response(&reply, "unreadable Telegram answer"))
            }
            _ => Err(error(&reply)),
        }
    }
}

/// The offset that confirms every update in `updates` (Telegram forgets updates below it).
pub fn next_offset(updates: &[PolledUpdate], current: Option<i64>) -> Option<i64> {
    updates
        .iter()
        .map(|u| u.update_id.saturating_add(1))
        .chain(current)
        .max()
}

/// The Bot API method and body for one message.
pub fn request_for(
    to: &str,
    content: &OutboundContent,
) -> Result<(&'static str, Value), SendError> {
    let chat_id = chat_id(to)?;
    Ok(match content {
        OutboundContent::Text { body } => {
            ("sendMessage", json!({"chat_id": chat_id, "text": body}))
        }
        OutboundContent::Keyboard { text, buttons } => (
            "sendMessage",
            json!({"chat_id": chat_id, "text": text, "reply_markup": inline_keyboard(buttons)?}),
        ),
        OutboundContent::Media {
            url,
            caption,
            content_type,
        } => {
            let (method, field) = media_method(content_type.as_deref(), url);
            let mut body = json!({"chat_id": chat_id});
            body[field] = url.as_str().into();
            if let Some(c) = caption.as_deref().filter(|c| !c.is_empty()) {
                body["caption"] = c.into();
            }
            (method, body)
        }
        OutboundContent::Template { .. } => {
            return Err(SendError::unsupported("Telegram has no message templates"));
        }
    })
}

/// One button per row: slot lists read best as a column.
fn inline_keyboard(buttons: &[Button]) -> Result<Value, SendError> {
    if let Some(b) = buttons
        .iter()
        .find(|b| b.data.is_empty() || b.data.len() > CALLBACK_DATA_MAX)
    {
        return Err(SendError::unsupported(format!(
            "button `{}` needs 1-{CALLBACK_DATA_MAX} bytes of data",
            b.label
        )));
    }
    let rows: Vec<Value> = buttons
        .iter()
        .map(|b| json!([{"text": b.label, "callback_data": b.data}]))
        .collect();
    Ok(json!({"inline_keyboard": rows}))
}

fn chat_id(to: &str) -> Result<Value, SendError> {
    let to = to.trim();
    // A `+` would parse as an i64 too, but `+1415...` is a phone number, not a chat.
    if let Some(id) = to.parse::<i64>().ok().filter(|_| !to.starts_with('+')) {
        Ok(id.into())
    } else if to.starts_with('@') && to.len() > 1 {
        Ok(to.into())
    } else {
        Err(SendError::permanent(
            codes::BAD_RECIPIENT,
            "a Telegram recipient is a chat id or @channel",
        ))
    }
}

fn media_method(content_type: Option<&str>, url: &str) -> (&'static str, &'static str) {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if (ct.starts_with("image/") && ct != "image/gif")
        || matches!(ext, "jpg" | "jpeg" | "png" | "webp")
    {
        ("sendPhoto", "photo")
    } else if ct.starts_with("video/") || ext == "mp4" {
        ("sendVideo", "video")
    } else if ct == "audio/ogg" || ext == "ogg" || ext == "oga" {
        ("sendVoice", "voice")
    } else if ct.starts_with("audio/") || ext == "mp3" || ext == "m4a" {
        ("sendAudio", "audio")
    } else {
        ("sendDocument", "document")
    }
}

/// `{ok: false, error_code, description, parameters: {retry_after}}`. The code reported is
/// `error_code` (Telegram has no finer one); the description says what it was.
fn error(reply: &Reply) -> SendError {
    let json = reply.json();
    let code = json
        .as_ref()
        .and_then(|j| http::code_text(&j["error_code"]))
        .or_else(|| Some(reply.status.as_u16().to_string()));
    let message = json
        .as_ref()
        .and_then(|j| j["description"].as_str().map(str::to_string))
        .unwrap_or_else(|| reply.snippet());
    let retry_after = json
        .as_ref()
        .and_then(|j| j["parameters"]["retry_after"].as_u64())
        .map(Duration::from_secs);
    http::classify(
        reply,
        ProviderError {
            code,
            message,
            transient: false,
            retry_after,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_requests() {
        let (m, b) = request_for("42", &OutboundContent::text("hi")).unwrap();
        assert_eq!(
            (m, b),
            ("sendMessage", json!({"chat_id": 42, "text": "hi"}))
        );
        let kb = OutboundContent::Keyboard {
            text: "Pick".into(),
            buttons: vec![
                Button {
                    label: "10:00".into(),
                    data: "slot:1".into(),
                },
                Button {
                    label: "11:00".into(),
                    data: "slot:2".into(),
                },
            ],
        };
        let (_, b) = request_for("-100123", &kb).unwrap();
        assert_eq!(
            b["reply_markup"],
            json!({"inline_keyboard": [[{"text": "10:00", "callback_data": "slot:1"}],
                                       [{"text": "11:00", "callback_data": "slot:2"}]]})
        );
        assert_eq!(b["chat_id"], -100123);
        let (_, b) = request_for("@news", &OutboundContent::text("x")).unwrap();
        assert_eq!(b["chat_id"], "@news");
    }

    #[test]
    fn media_methods() {
        let media = |url: &str, ct: Option<&str>| {
            request_for(
                "1",
                &OutboundContent::Media {
                    url: url.into(),
                    caption: Some("c".into()),
                    content_type: ct.map(str::to_string),
                },
            )
            .unwrap()
        };
        let (m, b) = media("https://x.example/a.JPG", None);
        assert_eq!(m, "sendPhoto");
        assert_eq!(
            b,
            json!({"chat_id": 1, "photo": "https://x.example/a.JPG", "caption": "c"})
        );
        assert_eq!(
            media("https://x.example/f", Some("application/pdf")).0,
            "sendDocument"
        );
        assert_eq!(media("https://x.example/v.ogg", None).0, "sendVoice");
        assert_eq!(
            media("https://x.example/v", Some("video/mp4")).0,
            "sendVideo"
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
            request_for("1", &t).unwrap_err().code(),
            Some(codes::UNSUPPORTED)
        );
        assert_eq!(
            request_for("+1415", &OutboundContent::text("x"))
                .unwrap_err()
                .code(),
            Some(codes::BAD_RECIPIENT)
        );
        let kb = OutboundContent::Keyboard {
            text: "x".into(),
            buttons: vec![Button {
                label: "l".into(),
                data: "d".repeat(65),
            }],
        };
        assert!(request_for("1", &kb).is_err());
    }

    #[test]
    fn offsets_advance_past_the_last_update() {
        let u = |id| PolledUpdate {
            update_id: id,
            event: None,
        };
        assert_eq!(next_offset(&[u(5), u(7)], Some(3)), Some(8));
        assert_eq!(next_offset(&[], Some(3)), Some(3));
        assert_eq!(next_offset(&[], None), None);
    }

    #[test]
    fn debug_hides_the_token() {
        let c = TelegramCredentials {
            bot_token: "123:SECRET".into(),
            secret_token: "s".into(),
        };
        assert!(!format!("{c:?}").contains("SECRET"));
    }
}
