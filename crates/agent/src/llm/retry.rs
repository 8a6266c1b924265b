//! When to try again: the model client's settings over the shared schedule and `Retry-After`
//! reading of `switchboard_domain::retry`.
use std::time::Duration;

use switchboard_domain::retry::Backoff;

/// Retry settings for failed model calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first one.
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// No single wait is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (0-based): the shared schedule, with up to half
    /// of each wait taken off at random so clients that failed together do not come back
    /// together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        Backoff::new(self.base_delay, self.max_delay)
            .with_jitter(0.5)
            .delay(attempt)
    }
}

/// Parses `Retry-After`: delay seconds, or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    switchboard_domain::retry::parse_retry_after(value, chrono::Utc::now())
}
