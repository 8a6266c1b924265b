//! Rate limits kept in this process (GCRA through `governor`): inbound webhooks per channel,
//! API sends per business and per destination. Over the limit our API answers 429 with
//! `Retry-After`. Webhook limits are generous: they stop floods, not customers (Meta and the
//! bridge retry a 429; Twilio does not, so its limit sits far above any real number's traffic).
use std::{num::NonZeroU32, sync::Arc};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::error::ApiError;

fn quota(per_second: u32, burst: u32) -> Quota {
    Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

#[derive(Clone)]
pub struct Limits {
    webhooks: Arc<DefaultKeyedRateLimiter<String>>,
    sends_per_business: Arc<DefaultKeyedRateLimiter<String>>,
    sends_per_destination: Arc<DefaultKeyedRateLimiter<String>>,
}

impl Default for Limits {
    fn default() -> Self {
        Self::new(200)
    }
}

impl Limits {
    /// `webhooks_per_sec` per channel, with bursts of five seconds' worth.
    pub fn new(webhooks_per_sec: u32) -> Self {
        Limits {
            webhooks: Arc::new(RateLimiter::keyed(quota(
                webhooks_per_sec,
                webhooks_per_sec.saturating_mul(5),
            ))),
            sends_per_business: Arc::new(RateLimiter::keyed(quota(50, 200))),
            sends_per_destination: Arc::new(RateLimiter::keyed(quota(1, 10))),
        }
    }
}

fn check(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Result<(), ApiError> {
    limiter.check_key(&key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::TooManyRequests {
            retry_after_secs: wait.as_secs() + 1,
        }
    })
}

impl Limits {
    pub fn webhook(&self, channel_id: &str) -> Result<(), ApiError> {
        check(&self.webhooks, channel_id.to_string())
    }

    /// One API send by `business` to `destination` (a conversation's customer address).
    pub fn send(&self, business: &str, destination: &str) -> Result<(), ApiError> {
        check(&self.sends_per_business, business.to_string())?;
        check(
            &self.sends_per_destination,
            format!("{business}:{destination}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_429_with_retry_after() {
        let l = Limits::default();
        for _ in 0..10 {
            assert!(l.send("b1", "+14155550100").is_ok());
        }
        match l.send("b1", "+14155550100") {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert!(retry_after_secs >= 1),
            other => panic!("expected 429, got {other:?}"),
        }
        // Another destination of the same business is not affected.
        assert!(l.send("b1", "+14155550101").is_ok());
    }
}
