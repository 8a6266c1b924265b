//! Rate limits kept in this process (GCRA through `governor`): inbound webhooks per channel,
//! API sends per business and per destination, the public pay form per client IP and per phone. Over the limit our API answers 429 with
//! `Retry-After`. Webhook limits are generous: they stop floods, not customers (Meta and the
//! bridge retry a 429; Twilio does not, so its limit sits far above any real number's traffic).
use std::{net::IpAddr, num::NonZeroU32, sync::Arc, time::Duration};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
};

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
    pay_per_ip: Arc<DefaultKeyedRateLimiter<String>>,
    pay_per_phone: Arc<DefaultKeyedRateLimiter<String>>,
}

/// One payment attempt per `period` on average, after a first `burst`.
fn slow_quota(period: Duration, burst: u32) -> Quota {
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
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
            // Each form submission opens a checkout session at the provider: a person pays a
            // few times a day, a script would open thousands.
            pay_per_ip: Arc::new(RateLimiter::keyed(slow_quota(Duration::from_secs(180), 10))),
            pay_per_phone: Arc::new(RateLimiter::keyed(slow_quota(Duration::from_secs(600), 5))),
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

impl Limits {
    /// One submission of a business's public pay form from `ip`.
    pub fn pay_from_ip(&self, business: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let ip = ip
            .map(|i| i.to_string())
            .unwrap_or_else(|| "unknown".into());
        check(&self.pay_per_ip, format!("{business}:{ip}"))
    }

    /// One top-up for `phone` started on a business's public pay form.
    pub fn pay_for_phone(&self, business: &str, phone: &str) -> Result<(), ApiError> {
        check(&self.pay_per_phone, format!("{business}:{phone}"))
    }
}

/// The peer address of the connection (`None` when the app runs without connect info). The
/// socket address is used, not `X-Forwarded-For`, which any client can write.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
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
