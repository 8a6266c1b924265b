//! Rate limits kept in this process (GCRA through `governor`): unverified webhook requests per
//! source IP and per channel, API sends per business and per destination, the public pay form
//! per client IP and per phone. Over the limit we answer 429 with `Retry-After`.
//!
//! A webhook whose signature verifies is never limited: Twilio does not retry a 429, so a
//! limit on verified traffic loses customers' messages. Verification (one primary-key read and
//! an HMAC) always runs; only requests that fail it — forged or unsigned, for an unknown or
//! wrong channel — count against the limits, which then answer them 429 instead of 403/404.
use std::{
    convert::Infallible,
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    sync::Arc,
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, FromRef, FromRequestParts},
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
    unverified_per_source: Arc<DefaultKeyedRateLimiter<String>>,
    unverified_per_channel: Arc<DefaultKeyedRateLimiter<String>>,
    public_forms: Arc<DefaultKeyedRateLimiter<String>>,
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
    /// `unverified_per_sec` failed webhook requests per source IP and per channel, with
    /// bursts of five seconds' worth.
    pub fn new(unverified_per_sec: u32) -> Self {
        let unverified = || {
            Arc::new(RateLimiter::keyed(quota(
                unverified_per_sec,
                unverified_per_sec.saturating_mul(5),
            )))
        };
        Limits {
            unverified_per_source: unverified(),
            unverified_per_channel: unverified(),
            public_forms: unverified(),
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

/// The address the request came from (the TCP peer; behind a proxy, the proxy). `None` when
/// the app is served without connection info.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

impl Limits {
    /// Counts a webhook request that failed verification (or named no channel of that kind)
    /// against its source and its channel; over either limit, the 429 replaces `refusal`.
    /// Both budgets are always charged, so a flood spread over channels still meets its
    /// source's limit and one spread over sources meets the channel's.
    pub fn unverified_webhook(&self, peer: Peer, channel_id: &str, refusal: ApiError) -> ApiError {
        let source = peer
            .0
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
        let by_source = check(&self.unverified_per_source, source);
        let by_channel = check(&self.unverified_per_channel, channel_id.to_string());
        match (by_source, by_channel) {
            (Ok(()), Ok(())) => refusal,
            (Err(limited), _) | (_, Err(limited)) => limited,
        }
    }

    /// A request to an unauthenticated public form (the pay form), keyed by the caller.
    pub fn webhook(&self, key: &str) -> Result<(), ApiError> {
        check(&self.public_forms, key.to_string())
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

/// The client's address: the connection's peer, or, when the peer is a configured trusted
/// proxy, the nearest `X-Forwarded-For` entry that is not one (entries further left are
/// written by the client and could be anything). `None` without connect info.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

/// The client address of a request that came from `peer` with these `X-Forwarded-For` values.
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded_for
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|h| !trusted.contains(h))
        .unwrap_or(peer)
}

/// The proxies whose `X-Forwarded-For` is believed (the application state provides them).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    TrustedProxies: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(ClientIp(None));
        };
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientIp(Some(client_ip(
            peer,
            forwarded,
            &TrustedProxies::from_ref(state).0,
        ))))
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

    #[test]
    fn unverified_webhooks_are_limited_per_source_and_per_channel() {
        let l = Limits::new(1);
        let a = Peer(Some("192.0.2.1".parse().unwrap()));
        let b = Peer(Some("192.0.2.2".parse().unwrap()));
        let refused = || ApiError::forbidden("bad signature");
        for _ in 0..5 {
            assert!(matches!(
                l.unverified_webhook(a, "ch1", refused()),
                ApiError::Forbidden(_)
            ));
        }
        assert!(matches!(
            l.unverified_webhook(a, "ch2", refused()),
            ApiError::TooManyRequests { .. }
        ));
        // Another source meets the first channel's exhausted budget.
        assert!(matches!(
            l.unverified_webhook(b, "ch1", refused()),
            ApiError::TooManyRequests { .. }
        ));
        assert!(matches!(
            l.unverified_webhook(b, "ch3", refused()),
            ApiError::Forbidden(_)
        ));
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = [ip("10.0.0.5")];
        let xff = ["198.51.100.7, 203.0.113.9"];
        // Straight from a client: its own header is ignored.
        assert_eq!(
            client_ip(ip("192.0.2.1"), xff.iter().copied(), &proxy),
            ip("192.0.2.1")
        );
        // Through the proxy: the entry the proxy appended, not the client-written one.
        assert_eq!(
            client_ip(ip("10.0.0.5"), xff.iter().copied(), &proxy),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("10.0.0.5"), std::iter::empty(), &proxy),
            ip("10.0.0.5")
        );
    }
}
