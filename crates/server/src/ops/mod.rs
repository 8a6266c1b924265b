//! Operational plumbing: request ids, metrics, telemetry, health.
pub mod health;
pub mod limits;
pub mod metrics;
pub mod request_id;
pub mod telemetry;
