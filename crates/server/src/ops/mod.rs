//! Operational plumbing: request ids, metrics, telemetry, health.
pub mod health;
pub mod keep_alive;
pub mod limits;
pub mod metrics;
pub mod request_id;
pub mod sign_in_throttle;
pub mod telemetry;
