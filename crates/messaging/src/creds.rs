//! Channel credentials: validated per kind on input, sealed at rest (bound to the channel id),
//! shown masked, and turned into provider clients for sending.
use serde::{Deserialize, Serialize};
use switchboard_channels::{
    EvolutionClient, EvolutionCredentials, MetaClient, MetaCredentials, Sender, TelegramClient,
    TelegramCredentials, TwilioClient, TwilioCredentials,
};
use switchboard_domain::{ChannelId, message::ChannelKind};
use switchboard_store::{crypto::SecretBox, messaging::ChannelRow};

use crate::error::{MessagingError, MessagingResult};

/// Every secret a channel may hold; which ones are required depends on the kind.
#[derive(Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Twilio Account SID (`AC...`).
    pub account_sid: Option<String>,
    /// Twilio Auth Token (signs Twilio's webhooks).
    pub auth_token: Option<String>,
    /// Twilio Messaging Service SID, to send through a service instead of the number.
    pub messaging_service_sid: Option<String>,
    /// Meta Graph API access token.
    pub access_token: Option<String>,
    /// Meta app secret (signs Meta's webhooks).
    pub app_secret: Option<String>,
    /// Meta webhook verify token (the GET handshake).
    pub verify_token: Option<String>,
    /// Telegram bot token.
    pub bot_token: Option<String>,
    /// Telegram webhook secret token (generated when absent).
    pub secret_token: Option<String>,
    /// Evolution API key of the WhatsApp Web bridge.
    pub api_key: Option<String>,
    /// Secret header the bridge sends with its webhooks (generated when absent).
    pub webhook_secret: Option<String>,
}

fn need(v: &Option<String>, name: &str, kind: ChannelKind) -> MessagingResult<String> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() && s.len() <= 512 => Ok(s.to_string()),
        _ => Err(MessagingError::invalid(format!(
            "credentials.{name} is required for a {kind} channel"
        ))),
    }
}

fn mask(v: &Option<String>) -> Option<String> {
    v.as_deref().map(|s| {
        let tail: String = s
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if s.chars().count() <= 8 {
            "••••".into()
        } else {
            format!("••••{tail}")
        }
    })
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({})", self.masked())
    }
}

impl Credentials {
    /// Checks what the kind needs and fills generated secrets.
    pub fn validate(mut self, kind: ChannelKind) -> MessagingResult<Self> {
        match kind {
            ChannelKind::TwilioSms | ChannelKind::TwilioWhatsapp => {
                need(&self.account_sid, "account_sid", kind)?;
                need(&self.auth_token, "auth_token", kind)?;
            }
            ChannelKind::MetaWhatsapp => {
                need(&self.access_token, "access_token", kind)?;
                need(&self.app_secret, "app_secret", kind)?;
                need(&self.verify_token, "verify_token", kind)?;
            }
            ChannelKind::Telegram => {
                need(&self.bot_token, "bot_token", kind)?;
                if self.secret_token.as_deref().is_none_or(str::is_empty) {
                    // Telegram allows A-Z, a-z, 0-9, _ and - in the secret token.
                    self.secret_token = Some(
                        switchboard_store::crypto::random_token(24).replace(['+', '/', '='], "_"),
                    );
                }
            }
            ChannelKind::WhatsappWeb => {
                need(&self.api_key, "api_key", kind)?;
                if self.webhook_secret.as_deref().is_none_or(str::is_empty) {
                    self.webhook_secret = Some(switchboard_store::crypto::random_token(24));
                }
            }
            ChannelKind::Api => {}
        }
        Ok(self)
    }

    pub fn seal(&self, secrets: &SecretBox, channel_id: ChannelId) -> MessagingResult<String> {
        let json = serde_json::to_string(self).map_err(anyhow::Error::from)?;
        Ok(secrets
            .seal(&json, &channel_id.to_string())
            .map_err(anyhow::Error::from)?)
    }

    pub fn open(secrets: &SecretBox, row: &ChannelRow) -> anyhow::Result<Self> {
        let json = secrets.open(&row.credentials, &row.id.to_string())?;
        Ok(serde_json::from_str(&json)?)
    }

    /// The same credentials with every secret masked, safe to show.
    pub fn masked(&self) -> serde_json::Value {
        serde_json::json!({
            "account_sid": self.account_sid,
            "auth_token": mask(&self.auth_token),
            "messaging_service_sid": self.messaging_service_sid,
            "access_token": mask(&self.access_token),
            "app_secret": mask(&self.app_secret),
            "verify_token": mask(&self.verify_token),
            "bot_token": mask(&self.bot_token),
            "secret_token": mask(&self.secret_token),
            "api_key": mask(&self.api_key),
            "webhook_secret": mask(&self.webhook_secret),
        })
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .map(serde_json::Value::Object)
        .unwrap_or_default()
    }

    pub fn twilio(&self, address: &str) -> TwilioCredentials {
        TwilioCredentials {
            account_sid: self.account_sid.clone().unwrap_or_default(),
            auth_token: self.auth_token.clone().unwrap_or_default(),
            from: Some(address.to_string()).filter(|a| !a.is_empty()),
            messaging_service_sid: self.messaging_service_sid.clone(),
        }
    }

    pub fn meta(&self, address: &str) -> MetaCredentials {
        MetaCredentials {
            phone_number_id: address.to_string(),
            access_token: self.access_token.clone().unwrap_or_default(),
            app_secret: self.app_secret.clone().unwrap_or_default(),
            verify_token: self.verify_token.clone().unwrap_or_default(),
        }
    }

    pub fn telegram(&self) -> TelegramCredentials {
        TelegramCredentials {
            bot_token: self.bot_token.clone().unwrap_or_default(),
            secret_token: self.secret_token.clone().unwrap_or_default(),
        }
    }

    pub fn evolution(&self, address: &str) -> EvolutionCredentials {
        EvolutionCredentials {
            instance: address.to_string(),
            api_key: self.api_key.clone().unwrap_or_default(),
            webhook_secret: self.webhook_secret.clone().unwrap_or_default(),
        }
    }
}

/// The provider client for a channel, or `None` for the API channel (its replies are read by
/// the integrator through the API).
pub fn sender(
    http: &reqwest::Client,
    kind: ChannelKind,
    row: &ChannelRow,
    creds: &Credentials,
    status_callback: Option<String>,
) -> MessagingResult<Option<Sender>> {
    let base = row.api_base.clone();
    Ok(Some(match kind {
        ChannelKind::TwilioSms | ChannelKind::TwilioWhatsapp => {
            let mut c = TwilioClient::new(http.clone(), creds.twilio(&row.address), kind);
            if let Some(b) = base {
                c = c.with_api_base(b);
            }
            if let Some(cb) = status_callback {
                c = c.with_status_callback(cb);
            }
            Sender::Twilio(c)
        }
        ChannelKind::MetaWhatsapp => {
            let mut c = MetaClient::new(http.clone(), creds.meta(&row.address));
            if let Some(b) = base {
                c = c.with_api_base(b);
            }
            Sender::Meta(c)
        }
        ChannelKind::Telegram => {
            let mut c = TelegramClient::new(http.clone(), creds.telegram());
            if let Some(b) = base {
                c = c.with_api_base(b);
            }
            Sender::Telegram(c)
        }
        ChannelKind::WhatsappWeb => {
            let b = base.ok_or_else(|| {
                MessagingError::invalid("a whatsapp_web channel needs api_base (the bridge URL)")
            })?;
            Sender::Evolution(EvolutionClient::new(
                http.clone(),
                b,
                creds.evolution(&row.address),
            ))
        }
        ChannelKind::Api => return Ok(None),
    }))
}
