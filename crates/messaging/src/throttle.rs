//! Send pacing: per channel (that is, per sending number or bot), at the rate the provider
//! tolerates.
use std::sync::Arc;

use switchboard_domain::{ChannelId, message::ChannelKind};

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
    pub async fn wait(&self, channel_id: ChannelId, per_sec: u32) {
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
