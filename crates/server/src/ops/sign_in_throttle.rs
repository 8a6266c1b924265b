//! Sign-in throttling: after a few wrong passwords for one e-mail, or many from one client IP,
//! further attempts are refused with 429 and `Retry-After` for a time that doubles with each
//! further failure (up to 15 minutes). The e-mail is counted whether or not an account has
//! it, so the answers never tell a real account from an unknown one. Attempts refused this way
//! do not check the password at all, so guessing stops, not just slows.
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::error::ApiError;

/// Wrong passwords for one e-mail before attempts are delayed.
const ACCOUNT_FREE: u32 = 5;
/// Failed sign-ins from one IP (any e-mail) before attempts are delayed.
const IP_FREE: u32 = 20;
const FIRST_DELAY: Duration = Duration::from_secs(5);
const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// A key with no failure for this long starts over.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Above this many keys, forgotten ones are dropped (bounds memory under a spray).
const PRUNE_ABOVE: usize = 50_000;

#[derive(Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: Instant,
    blocked_until: Option<Instant>,
}

#[derive(Clone, Default)]
pub struct SignInThrottle {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

fn keys(email: &str, ip: Option<IpAddr>) -> Vec<(String, u32)> {
    let mut k = vec![(
        format!("email:{}", email.trim().to_lowercase()),
        ACCOUNT_FREE,
    )];
    if let Some(ip) = ip {
        k.push((format!("ip:{ip}"), IP_FREE));
    }
    k
}

fn delay_after(failures: u32, free: u32) -> Option<Duration> {
    let extra = failures.checked_sub(free).filter(|e| *e > 0)?;
    let factor = 1u32.checked_shl(extra - 1).unwrap_or(u32::MAX);
    Some(FIRST_DELAY.saturating_mul(factor).min(MAX_DELAY))
}

impl SignInThrottle {
    /// Refuses the attempt (429 with the seconds to wait) while the e-mail or the IP is held.
    pub fn check(&self, email: &str, ip: Option<IpAddr>) -> Result<(), ApiError> {
        let now = Instant::now();
        let Ok(entries) = self.entries.lock() else {
            return Ok(());
        };
        let wait = keys(email, ip)
            .iter()
            .filter_map(|(k, _)| entries.get(k)?.blocked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
            .max();
        match wait {
            Some(w) => Err(ApiError::TooManyRequests {
                retry_after_secs: w.as_secs() + u64::from(w.subsec_nanos() > 0),
            }),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt against the e-mail and the IP.
    pub fn failed(&self, email: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() > PRUNE_ABOVE {
            entries.retain(|_, e| now.duration_since(e.last_failure) < FORGET_AFTER);
        }
        for (key, free) in keys(email, ip) {
            let e = entries.entry(key).or_insert(Entry {
                failures: 0,
                last_failure: now,
                blocked_until: None,
            });
            if now.duration_since(e.last_failure) >= FORGET_AFTER {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last_failure = now;
            e.blocked_until = delay_after(e.failures, free).map(|d| now + d);
        }
    }

    /// A correct password clears the e-mail's count (not the IP's: one known account must not
    /// reset the budget for guessing others).
    pub fn succeeded(&self, email: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&keys(email, None)[0].0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        assert_eq!(delay_after(5, 5), None);
        assert_eq!(delay_after(6, 5), Some(Duration::from_secs(5)));
        assert_eq!(delay_after(7, 5), Some(Duration::from_secs(10)));
        assert_eq!(delay_after(8, 5), Some(Duration::from_secs(20)));
        assert_eq!(delay_after(60, 5), Some(MAX_DELAY));
    }

    #[test]
    fn the_email_is_held_whatever_its_case() {
        let t = SignInThrottle::default();
        for _ in 0..ACCOUNT_FREE + 1 {
            assert!(t.check("Someone@Example.com", None).is_ok());
            t.failed("Someone@Example.com", None);
        }
        assert!(t.check("someone@example.com", None).is_err());
        assert!(t.check("other@example.com", None).is_ok());
    }
}
