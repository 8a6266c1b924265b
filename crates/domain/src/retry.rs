//! One retry policy for every caller that tries again: the job worker, the model client and
//! the channel clients. The schedule (exponential, capped) comes from `backon`; `Retry-After`
//! dates are read by `httpdate`. What is ours is only the jitter rule: a wait is never longer
//! than the schedule says, only shorter by up to a share of it, so a cap stays a cap.
use std::time::{Duration, SystemTime};

use backon::BackoffBuilder;
use chrono::{DateTime, Utc};

/// Waits between tries: `base`, then doubled for each further retry, never above `max`, each
/// shortened by a random part of up to `jitter` of itself so that callers that failed together
/// do not come back together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    /// The share of a wait that jitter may take off: 0.0 none, 0.5 waits in `[d/2, d]`.
    pub jitter: f32,
}

/// Past this many doublings every schedule has long reached its cap.
const MAX_DOUBLINGS: u32 = 64;

impl Backoff {
    /// A schedule with a quarter of jitter (waits in `[¾·d, d]`).
    pub const fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            jitter: 0.25,
        }
    }

    pub const fn with_jitter(self, share: f32) -> Self {
        Self {
            jitter: share,
            ..self
        }
    }

    /// The wait before retry number `retry` (0-based) before jitter.
    pub fn scheduled(&self, retry: u32) -> Duration {
        let mut schedule = backon::ExponentialBuilder::new()
            .with_min_delay(self.base)
            .with_max_delay(self.max)
            .with_factor(2.0)
            .without_max_times()
            .build();
        let d = schedule
            .nth(retry.min(MAX_DOUBLINGS) as usize)
            .unwrap_or(self.max)
            .min(self.max);
        whole_ms(d)
    }

    /// The wait before retry number `retry` (0-based), with jitter.
    pub fn delay(&self, retry: u32) -> Duration {
        let d = self.scheduled(retry);
        let share = self.jitter.clamp(0.0, 1.0);
        whole_ms(d.saturating_sub(d.mul_f32(share * fastrand::f32())))
    }

    /// The provider's wait when it gave one, else the schedule's.
    pub fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        retry_after.unwrap_or_else(|| self.delay(retry))
    }
}

/// `backon` multiplies in `f32`: round off its noise (200.000003 ms) to whole milliseconds,
/// the unit jobs are scheduled in.
fn whole_ms(d: Duration) -> Duration {
    Duration::from_millis((d.as_secs_f64() * 1000.0).round() as u64)
}

/// Reads a `Retry-After` value: delay-seconds (fractions accepted, as some model servers send
/// them) or an HTTP date, which counts from `now`; a date in the past means at once.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let now = SystemTime::from(now);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_schedule_doubles_from_the_base_up_to_the_cap() {
        let b = Backoff::new(ms(100), ms(1000));
        let waits: Vec<_> = (0..6).map(|r| b.scheduled(r)).collect();
        assert_eq!(
            waits,
            [ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000)]
        );
        assert_eq!(b.scheduled(u32::MAX), ms(1000));
    }

    #[test]
    fn jitter_only_shortens_a_wait_by_up_to_its_share() {
        let b = Backoff::new(ms(400), ms(10_000)).with_jitter(0.5);
        for _ in 0..200 {
            let d = b.delay(1);
            assert!(d >= ms(400) && d <= ms(800), "{d:?}");
        }
        assert_eq!(b.with_jitter(0.0).delay(1), ms(800));
    }

    #[test]
    fn the_providers_wait_wins_over_the_schedule() {
        let b = Backoff::new(ms(100), ms(1000));
        assert_eq!(b.wait(3, Some(ms(7))), ms(7));
        assert!(b.wait(0, None) <= ms(100));
    }

    #[test]
    fn retry_after_reads_seconds() {
        let now = Utc::now();
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("1.5", now), Some(ms(1500)));
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn retry_after_reads_http_dates_from_now() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:50Z")
            .unwrap_or_default()
            .with_timezone(&Utc);
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(date, now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after(date, Utc::now()), Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_refuses_anything_else() {
        assert_eq!(parse_retry_after("soon", Utc::now()), None);
    }
}
