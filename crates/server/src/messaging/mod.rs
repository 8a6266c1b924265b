//! Messaging inside the server: channel credentials, processing of inbound messages, and the
//! outbox sender job.
pub mod creds;
pub mod jobs;
pub mod telegram_poll;

use switchboard_domain::message::ChannelKind;

/// The webhook URLs to paste into a provider's console for a channel.
pub fn webhook_urls(public_base: &str, kind: ChannelKind, channel_id: &str) -> serde_json::Value {
    let url = |p: &str| format!("{public_base}/webhooks/{p}/{channel_id}");
    match kind {
        ChannelKind::TwilioSms | ChannelKind::TwilioWhatsapp => serde_json::json!({
            "incoming_message": url("twilio"),
            "status_callback": url("twilio"),
        }),
        ChannelKind::MetaWhatsapp => serde_json::json!({"callback_url": url("meta")}),
        ChannelKind::Telegram => serde_json::json!({"webhook": url("telegram")}),
        ChannelKind::WhatsappWeb => serde_json::json!({"webhook": url("whatsapp-web")}),
        ChannelKind::Api => {
            serde_json::json!({"inbound": format!("{public_base}/api/v1/messages/inbound")})
        }
    }
}
