//! The billing sweeper: a periodic job that expires calls and holds whose end never arrived.
//! Each worker process ticks on an interval and enqueues the job with an idempotency key per
//! time bucket, so however many processes tick, one sweep runs per bucket.
use std::time::Duration;

use async_trait::async_trait;
use switchboard_store::{
    Store, StoreResult,
    jobs::{Job, NewJob},
    worker::{JobError, JobHandler, Worker},
};
use tokio_util::sync::CancellationToken;

pub const SWEEP_JOB: &str = "billing.sweep";

pub struct Sweep {
    pub store: Store,
}

#[async_trait]
impl JobHandler for Sweep {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        let swept = self
            .store
            .sweep_billing(self.store.clock().now_ms())
            .await
            .map_err(JobError::retry)?;
        if swept.calls + swept.holds > 0 {
            tracing::info!(
                calls = swept.calls,
                holds = swept.holds,
                "billing sweep expired reservations"
            );
        }
        Ok(())
    }
}

/// Enqueues the sweep of the current time bucket (a no-op when it already exists).
pub async fn enqueue_sweep(store: &Store, interval_secs: u64, now: i64) -> StoreResult<bool> {
    let bucket = now / (i64::try_from(interval_secs.max(1)).unwrap_or(60) * 1000);
    let e = store
        .enqueue(
            NewJob::new(SWEEP_JOB, serde_json::json!({"bucket": bucket}))
                .idempotency_key(format!("{SWEEP_JOB}:{bucket}"))
                .max_attempts(3),
        )
        .await?;
    Ok(e.created)
}

/// Ticks until `shutdown`, enqueueing one sweep per interval.
pub async fn run_scheduler(
    store: Store,
    worker: Worker,
    interval_secs: u64,
    shutdown: CancellationToken,
) {
    // The first sweep comes one interval after start, not at once: a restarting process
    // has nothing new to sweep, and its first jobs stay its own.
    let period = Duration::from_secs(interval_secs.max(1));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tick.tick() => {
                match enqueue_sweep(&store, interval_secs, store.clock().now_ms()).await {
                    Ok(true) => worker.notify(),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "could not enqueue the billing sweep"),
                }
            }
        }
    }
}
