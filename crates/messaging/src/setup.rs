//! Connecting a channel to its provider: the webhook URLs to paste into a console, the
//! WhatsApp Web bridge's webhook registration and live state, Telegram's `setWebhook`.
use switchboard_channels::{EvolutionClient, TelegramClient, evolution::ConnectResult};
use switchboard_domain::{ChannelId, message::ChannelKind};
use switchboard_store::messaging::ChannelRow;

use crate::{
    context::Context,
    creds::Credentials,
    error::{MessagingError, MessagingResult},
};

/// The webhook URLs to paste into a provider's console for a channel.
pub fn webhook_urls(
    public_base: &str,
    kind: ChannelKind,
    channel_id: ChannelId,
) -> serde_json::Value {
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

/// Points the WhatsApp Web bridge's webhook at us, with the channel's secret header. A bridge
/// that cannot be reached does not stop the channel from being saved: the failure shows on
/// its health, and staff can fix the bridge and recreate the channel.
pub async fn register_bridge_webhook(
    ctx: &Context,
    row: &ChannelRow,
    creds: &Credentials,
) -> MessagingResult<()> {
    let Some(base) = &row.api_base else {
        return Ok(());
    };
    let client = EvolutionClient::new(
        ctx.http().clone(),
        base.clone(),
        creds.evolution(&row.address),
    );
    let url = format!("{}/webhooks/whatsapp-web/{}", ctx.public_base, row.id);
    if let Err(e) = client.set_webhook(&url).await {
        tracing::warn!(channel = %row.id, error = %e, "bridge webhook registration failed");
        ctx.store
            .set_channel_error(row.id, &format!("webhook registration failed: {e}"))
            .await?;
    }
    Ok(())
}

/// What the WhatsApp Web bridge says about its session right now.
#[derive(Debug, Default)]
pub struct BridgeStatus {
    pub state: Option<String>,
    pub pairing_qr: Option<String>,
    pub error: Option<String>,
}

/// Asks the bridge of a WhatsApp Web channel for its session state, and for a pairing QR when
/// it is not paired and none is stored. `None` for other channels and bridges without a URL.
pub async fn bridge_status(
    ctx: &Context,
    row: &ChannelRow,
) -> MessagingResult<Option<BridgeStatus>> {
    if row.kind()? != ChannelKind::WhatsappWeb {
        return Ok(None);
    }
    let Some(base) = &row.api_base else {
        return Ok(None);
    };
    let mut out = BridgeStatus::default();
    // A base stored before the allow-list was tightened is never called.
    if let Err(e) = ctx.outbound.check(base) {
        out.error = Some(format!("bridge address refused: {e}"));
        return Ok(Some(out));
    }
    let creds = Credentials::open(&ctx.secrets, row)?;
    let client = EvolutionClient::new(
        ctx.http().clone(),
        base.clone(),
        creds.evolution(&row.address),
    );
    match client.connection_state().await {
        Ok(s) => {
            out.state = Some(s.as_str().to_string());
            if s.as_str() != "open" && row.bridge_qr.is_none() {
                out.pairing_qr = match client.connect(None).await {
                    Ok(ConnectResult::Qr(qr)) => Some(qr.base64),
                    _ => None,
                };
            }
        }
        Err(e) => out.error = Some(format!("bridge unreachable: {e}")),
    }
    Ok(Some(out))
}

/// A Telegram client for a channel, refusing a base URL the allow-list does not admit.
pub fn telegram_client(ctx: &Context, row: &ChannelRow) -> MessagingResult<TelegramClient> {
    let creds = Credentials::open(&ctx.secrets, row)?;
    let mut c = TelegramClient::new(ctx.http().clone(), creds.telegram());
    if let Some(b) = &row.api_base {
        ctx.outbound
            .check(b)
            .map_err(|_| MessagingError::blocked("api_base"))?;
        c = c.with_api_base(b.clone());
    }
    Ok(c)
}

/// Telegram: registers our webhook URL with `setWebhook` and the channel's secret token.
pub async fn set_telegram_webhook(ctx: &Context, row: &ChannelRow) -> MessagingResult<()> {
    if row.kind()? != ChannelKind::Telegram {
        return Err(MessagingError::WrongChannelKind(
            "not a telegram channel".into(),
        ));
    }
    let client = telegram_client(ctx, row)?;
    let url = format!("{}/webhooks/telegram/{}", ctx.public_base, row.id);
    client
        .set_webhook(&url)
        .await
        .map_err(|e| MessagingError::Provider(format!("telegram setWebhook: {e}")))
}
