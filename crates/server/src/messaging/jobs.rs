//! The outbox sender: the `message.send` job. (`conversation.process`, the agent's turn, lives
//! in [`crate::agent`].)
use std::sync::Arc;

use async_trait::async_trait;
use switchboard_channels::{SendError, SentMessage};
use switchboard_domain::{
    BusinessId, MessageId,
    message::{ChannelKind, DeliveryStatus, Identity, OutboundContent},
};
use switchboard_store::{
    Store,
    jobs::Job,
    worker::{JobError, JobHandler},
};

use super::creds::{self, Credentials};

fn field<T: std::str::FromStr>(job: &Job, name: &str) -> Result<T, JobError> {
    job.payload[name]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| JobError::fatal(format!("job payload lacks `{name}`")))
}

fn business(job: &Job) -> Result<BusinessId, JobError> {
    job.business_id
        .as_deref()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| JobError::fatal("job has no business"))
}

/// Sends one outbox row through its channel's provider.
pub struct SendOutbound {
    pub store: Store,
    pub secrets: switchboard_store::crypto::SecretBox,
    pub http: reqwest::Client,
    pub public_base: Arc<str>,
    pub throttle: SendThrottle,
}

/// Paces sends per channel (that is, per sending number or bot) at what the provider tolerates:
/// an SMS long code about one message a second, a WhatsApp Web session slowly enough not to
/// look like spam, the others faster. `settings.send_rate_per_sec` on a channel overrides it.
#[derive(Clone, Default)]
pub struct SendThrottle {
    limiters: Arc<
        std::sync::Mutex<
            std::collections::HashMap<String, Arc<governor::DefaultDirectRateLimiter>>,
        >,
    >,
}

pub fn default_send_rate(kind: ChannelKind) -> u32 {
    match kind {
        ChannelKind::TwilioSms | ChannelKind::WhatsappWeb => 1,
        ChannelKind::TwilioWhatsapp => 20,
        ChannelKind::Telegram => 25,
        ChannelKind::MetaWhatsapp => 50,
        ChannelKind::Api => 1000,
    }
}

impl SendThrottle {
    /// Waits until the channel may send again.
    pub async fn wait(&self, channel_id: &str, per_sec: u32) {
        let limiter = {
            let mut map = self
                .limiters
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(format!("{channel_id}:{per_sec}"))
                .or_insert_with(|| {
                    let rate =
                        std::num::NonZeroU32::new(per_sec).unwrap_or(std::num::NonZeroU32::MIN);
                    // A short burst keeps a reply split in a few parts from waiting on itself.
                    let burst = rate.saturating_mul(
                        std::num::NonZeroU32::new(5).unwrap_or(std::num::NonZeroU32::MIN),
                    );
                    Arc::new(governor::RateLimiter::direct(
                        governor::Quota::per_second(rate).allow_burst(burst),
                    ))
                })
                .clone()
        };
        limiter.until_ready().await;
    }
}

fn address_kind(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Telegram => Identity::TELEGRAM,
        _ => Identity::PHONE,
    }
}

#[async_trait]
impl JobHandler for SendOutbound {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let biz = business(job)?;
        let id: MessageId = field(job, "message_id")?;
        let tenant = self.store.tenant(biz);
        let msg = tenant.get_message(id).await?;
        if msg.provider_message_id.is_some() || msg.status != DeliveryStatus::Queued.as_str() {
            return Ok(()); // Sent (or failed) by an earlier attempt: never send twice.
        }
        let channel = tenant
            .get_channel(msg.channel_id.parse().map_err(JobError::fatal)?)
            .await?;
        let kind = channel.kind()?;
        let creds = Credentials::open(&self.secrets, &channel).map_err(JobError::fatal)?;
        let callback = Some(format!(
            "{}/webhooks/twilio/{}",
            self.public_base, channel.id
        ));
        let Some(sender) =
            creds::sender(&self.http, kind, &channel, &creds, callback).map_err(JobError::fatal)?
        else {
            // The API channel: the integrator reads replies through the API.
            self.store
                .mark_sent(
                    &msg.id,
                    &format!("api:{}", msg.id),
                    DeliveryStatus::Sent.as_str(),
                )
                .await?;
            return Ok(());
        };
        let Some(to) = self
            .store
            .customer_address(&msg.customer_id, address_kind(kind))
            .await?
        else {
            self.store
                .mark_failed(
                    &msg.id,
                    Some("no_address"),
                    "the customer has no address on this channel",
                )
                .await?;
            return Ok(());
        };
        let content: OutboundContent =
            serde_json::from_str(&msg.content).map_err(JobError::fatal)?;
        let rate = channel.settings_json()["send_rate_per_sec"]
            .as_u64()
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or_else(|| default_send_rate(kind));
        self.throttle.wait(&channel.id, rate).await;
        match sender.send(&to, &content, &msg.id).await {
            Ok(SentMessage {
                provider_message_id,
                status,
            }) => {
                let status = status.unwrap_or(DeliveryStatus::Sent);
                self.store
                    .mark_sent(&msg.id, &provider_message_id, status.as_str())
                    .await?;
                Ok(())
            }
            Err(e) if e.is_retryable() => {
                let _ = self
                    .store
                    .set_channel_error(&channel.id, &e.to_string())
                    .await;
                Err(JobError::Retry {
                    error: e.to_string(),
                    after: e.retry_after(),
                })
            }
            Err(e) => {
                let _ = self
                    .store
                    .set_channel_error(&channel.id, &e.to_string())
                    .await;
                permanent(&self.store, &msg.id, &e).await
            }
        }
    }
}

async fn permanent(store: &Store, id: &str, e: &SendError) -> Result<(), JobError> {
    tracing::warn!(message = id, error = %e, "send failed permanently");
    store.mark_failed(id, e.code(), e.message()).await?;
    Ok(())
}
