//! The outbox sender: the `message.send` job sends one outbox row through its channel's
//! provider, never twice: a send whose outcome is unknown is set aside for staff.
use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use switchboard_channels::{SendError, SentMessage, error::codes, netguard::GuardedClient};
use switchboard_domain::{
    BusinessId, MessageId,
    message::{ChannelKind, DeliveryStatus, Identity, OutboundContent},
};
use switchboard_store::{
    Store,
    job_payloads::SendMessage,
    jobs::Job,
    messaging::MessageStatus,
    outbox::{OUTCOME_UNKNOWN, SendClaim},
    worker::{JobError, TypedJobHandler},
};

use crate::{
    context::Context,
    creds::{self, Credentials},
    throttle::{SendThrottle, default_send_rate},
};

pub(crate) fn business(job: &Job) -> Result<BusinessId, JobError> {
    job.business_id
        .ok_or_else(|| JobError::fatal("job has no business"))
}

/// Sends one outbox row through its channel's provider.
pub struct SendOutbound {
    pub store: Store,
    pub secrets: switchboard_store::crypto::SecretBox,
    /// The guarded provider client: channel base URLs are the tenants' to set.
    pub outbound: GuardedClient,
    pub public_base: Arc<str>,
    pub throttle: SendThrottle,
    pub accepted: Acceptances,
}

impl SendOutbound {
    pub fn new(ctx: Context) -> Self {
        SendOutbound {
            store: ctx.store,
            secrets: ctx.secrets,
            outbound: ctx.outbound,
            public_base: ctx.public_base,
            throttle: SendThrottle::default(),
            accepted: Acceptances::default(),
        }
    }
}

fn address_kind(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Telegram => Identity::TELEGRAM,
        _ => Identity::PHONE,
    }
}

#[async_trait]
impl TypedJobHandler for SendOutbound {
    type Payload = SendMessage;

    async fn run(&self, job: &Job, payload: SendMessage) -> Result<(), JobError> {
        let biz = business(job)?;
        let id: MessageId = payload.message_id;
        let tenant = self.store.tenant(biz);
        let msg = tenant.get_message(id).await?;
        // The provider accepted this message on an earlier attempt but writing that down
        // failed: only the write is retried.
        if let Some(sent) = self.accepted.take(id) {
            return self.record_accepted(id, sent).await;
        }
        if msg.sent_at.is_some()
            || !matches!(msg.status, MessageStatus::Queued | MessageStatus::Sending)
        {
            return Ok(()); // Sent (or failed) by an earlier attempt: never send twice.
        }
        let channel = tenant.get_channel(msg.channel_id).await?;
        let kind = channel.kind()?;
        let creds = Credentials::open(&self.secrets, &channel).map_err(JobError::fatal)?;
        let callback = Some(format!(
            "{}/webhooks/twilio/{}",
            self.public_base, channel.id
        ));
        if let Some(Err(e)) = channel.api_base.as_deref().map(|b| self.outbound.check(b)) {
            let why = format!("api_base refused: {e}");
            let _ = self.store.set_channel_error(channel.id, &why).await;
            self.store
                .mark_failed(id, Some(codes::BLOCKED_ADDRESS), &why)
                .await?;
            return Ok(());
        }
        let Some(sender) = creds::sender(self.outbound.client(), kind, &channel, &creds, callback)
            .map_err(JobError::fatal)?
        else {
            // The API channel: the integrator reads replies through the API.
            self.store
                .mark_sent(id, &format!("api:{id}"), MessageStatus::Sent)
                .await?;
            return Ok(());
        };
        let Some(to) = self
            .store
            .customer_address(msg.customer_id, address_kind(kind))
            .await?
        else {
            self.store
                .mark_failed(
                    id,
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
        self.throttle.wait(channel.id, rate).await;
        // Everything that can fail before the provider call has run: from here on the row
        // says an attempt is under way, so a crash cannot lead to a blind second send.
        match self.store.begin_send(id).await? {
            SendClaim::Claimed => {}
            SendClaim::Done => return Ok(()),
            SendClaim::Unknown => return outcome_unknown(&self.store, id).await,
        }
        match sender.send(&to, &content, &msg.id.to_string()).await {
            Ok(sent) => self.record_accepted(id, sent).await,
            Err(e) if e.may_have_been_sent() => {
                let _ = self
                    .store
                    .set_channel_error(channel.id, &e.to_string())
                    .await;
                tracing::warn!(message = %msg.id, error = %e, detail = e.message(), "send outcome unknown");
                outcome_unknown(&self.store, id).await
            }
            Err(e) if e.is_retryable() => {
                let _ = self
                    .store
                    .set_channel_error(channel.id, &e.to_string())
                    .await;
                // The provider certainly does not have it: a later attempt may send. If this
                // write fails, the next attempt finds the row mid-send and sends nothing.
                self.store.release_send(id).await?;
                Err(JobError::Retry {
                    error: e.to_string(),
                    after: e.retry_after(),
                })
            }
            Err(e) => {
                let _ = self
                    .store
                    .set_channel_error(channel.id, &e.to_string())
                    .await;
                permanent(&self.store, id, &e).await
            }
        }
    }
}

/// Waits between tries of the write that records an acceptance: a brief database hiccup
/// should not cost a whole job retry.
const RECORD_PAUSES_MS: [u64; 3] = [0, 50, 250];

impl SendOutbound {
    async fn record_accepted(&self, id: MessageId, sent: SentMessage) -> Result<(), JobError> {
        let status = sent.status.unwrap_or(DeliveryStatus::Sent);
        let mut last = None;
        for pause in RECORD_PAUSES_MS {
            tokio::time::sleep(Duration::from_millis(pause)).await;
            match self
                .store
                .mark_sent(id, &sent.provider_message_id, status.into())
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
        let error = last.map(|e| e.to_string()).unwrap_or_default();
        tracing::error!(message = %id, provider_message_id = %sent.provider_message_id, error = %error,
            "the provider accepted a message but recording it failed; retrying the record only");
        self.accepted.keep(id, sent);
        Err(JobError::retry(format!(
            "recording the provider's acceptance failed: {error}"
        )))
    }
}

/// Acceptances whose record write failed, by message id, so the job's next attempt in this
/// process writes them instead of calling the provider again.
#[derive(Clone, Default)]
pub struct Acceptances(Arc<std::sync::Mutex<HashMap<MessageId, SentMessage>>>);

impl Acceptances {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<MessageId, SentMessage>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    fn keep(&self, id: MessageId, sent: SentMessage) {
        self.lock().insert(id, sent);
    }
    fn take(&self, id: MessageId) -> Option<SentMessage> {
        self.lock().remove(&id)
    }
}

/// A send whose result we cannot know (no answer in time, the connection dropped, or a crash
/// mid-call). None of our providers deduplicates sends, so sending again could deliver twice:
/// the message is set aside for staff instead.
async fn outcome_unknown(store: &Store, id: MessageId) -> Result<(), JobError> {
    tracing::warn!(message = %id, "send outcome unknown; not sent again");
    store
        .mark_failed(
            id,
            Some(OUTCOME_UNKNOWN),
            "the provider may have received this message; not sent again to avoid a duplicate",
        )
        .await?;
    Ok(())
}

async fn permanent(store: &Store, id: MessageId, e: &SendError) -> Result<(), JobError> {
    tracing::warn!(message = %id, error = %e, detail = e.message(), "send failed permanently");
    store.mark_failed(id, e.code(), &e.to_string()).await?;
    Ok(())
}
