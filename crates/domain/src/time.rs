//! Timestamps and the clock: stored as UTC milliseconds since the epoch in both database
//! backends, shown as RFC 3339 in the API. Code that decides an expiry, a window or a deadline
//! reads the time from an injected [`Clock`], so tests move a [`ManualClock`] instead of
//! sleeping.
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

/// The wall clock, for code that has no clock injected (yet). Prefer [`Clock::now_ms`].
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub fn parse_time_zone(name: &str) -> Option<chrono_tz::Tz> {
    name.parse().ok()
}

/// Where the time comes from. Implemented by the system clock and by [`ManualClock`]; other
/// sources (a clock pinned to a recorded trace, say) can plug in too.
pub trait TimeSource: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch, UTC.
    fn now_ms(&self) -> i64;
}

struct SystemTime;

impl TimeSource for SystemTime {
    fn now_ms(&self) -> i64 {
        now_ms()
    }
}

/// The injected clock: cheap to clone, shared by everything that decides by time. The default
/// is the system clock.
#[derive(Clone)]
pub struct Clock(Arc<dyn TimeSource>);

impl Clock {
    /// The wall clock.
    pub fn system() -> Self {
        Self(Arc::new(SystemTime))
    }

    /// A clock reading from any source.
    pub fn from_source(source: impl TimeSource) -> Self {
        Self(Arc::new(source))
    }

    pub fn now_ms(&self) -> i64 {
        self.0.now_ms()
    }

    pub fn now(&self) -> DateTime<Utc> {
        to_datetime(self.now_ms())
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

impl From<ManualClock> for Clock {
    fn from(manual: ManualClock) -> Self {
        Self::from_source(manual)
    }
}

/// A clock tests move by hand. Clones share one time, so a test keeps one handle and gives
/// [`Clock::from`] of another to the code under test.
///
/// Two flavours: [`ManualClock::frozen`] stands still until advanced (unit tests that want
/// exact instants); [`ManualClock::running`] follows the wall clock plus everything advanced
/// so far (integration tests with background tasks that need time to pass and timestamps to
/// keep increasing, but must not wait out a real expiry).
#[derive(Clone, Debug)]
pub struct ManualClock {
    /// `Some(t)`: frozen at `t` plus the offset; `None`: the wall clock plus the offset.
    base_ms: Option<i64>,
    offset_ms: Arc<AtomicI64>,
}

impl ManualClock {
    /// Stands still at `at` until advanced.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            base_ms: Some(at.timestamp_millis()),
            offset_ms: Arc::default(),
        }
    }

    /// Follows the wall clock, plus what [`advance`](Self::advance) added.
    pub fn running() -> Self {
        Self {
            base_ms: None,
            offset_ms: Arc::default(),
        }
    }

    /// Moves the time forward by `by` for every clone of this clock.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn now_ms(&self) -> i64 {
        let base = self.base_ms.unwrap_or_else(now_ms);
        base.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    pub fn now(&self) -> DateTime<Utc> {
        to_datetime(self.now_ms())
    }

    /// The injectable clock that reads this one.
    pub fn clock(&self) -> Clock {
        Clock::from(self.clone())
    }
}

impl TimeSource for ManualClock {
    fn now_ms(&self) -> i64 {
        ManualClock::now_ms(self)
    }
}

#[cfg(test)]
mod tests;
