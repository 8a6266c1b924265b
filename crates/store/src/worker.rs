//! The worker pool that runs jobs: claims with a lease, keeps the lease alive while a handler
//! runs, retries failures with exponential backoff and jitter, and stops gracefully (finishing
//! claimed jobs). `drain` runs everything runnable to completion, for deterministic tests.
use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use futures::FutureExt as _;
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::{
    Store, StoreResult,
    job_payloads::JobPayload,
    jobs::{Job, JobStatus},
};

/// How a handler failed.
#[derive(Debug)]
pub enum JobError {
    /// Worth another attempt (timeouts, 5xx, 429...). `after` overrides the backoff delay.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// Will never succeed: the job is dead at once.
    Fatal(String),
    /// Not a failure: run the job again after this delay without counting an attempt (a
    /// conversation turn waiting for a burst of messages to end).
    Defer(Duration),
}

impl JobError {
    pub fn retry(e: impl std::fmt::Display) -> Self {
        JobError::Retry {
            error: e.to_string(),
            after: None,
        }
    }
    pub fn fatal(e: impl std::fmt::Display) -> Self {
        JobError::Fatal(e.to_string())
    }
}

/// Errors from the store are transient from a job's point of view.
impl From<crate::StoreError> for JobError {
    fn from(e: crate::StoreError) -> Self {
        JobError::retry(e)
    }
}

#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    async fn run(&self, job: &Job) -> Result<(), JobError>;
}

/// A handler of one typed job kind: the worker decodes the payload before calling it, and a
/// payload that does not decode kills the job (no attempt could ever succeed).
#[async_trait]
pub trait TypedJobHandler: Send + Sync + 'static {
    type Payload: JobPayload;
    async fn run(&self, job: &Job, payload: Self::Payload) -> Result<(), JobError>;
}

struct Typed<H>(H);

#[async_trait]
impl<H: TypedJobHandler> JobHandler for Typed<H> {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let payload = serde_json::from_value(job.payload.clone()).map_err(|e| {
            JobError::fatal(format!("job payload of `{}` not understood: {e}", job.kind))
        })?;
        self.0.run(job, payload).await
    }
}

/// Tunables of the pool.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub concurrency: usize,
    pub poll_interval: Duration,
    pub lease: Duration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: 8,
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(60),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(3600),
        }
    }
}

/// Outcome hooks for metrics; the server counts failures and deaths.
pub type Observer = Arc<dyn Fn(&Job, &Result<(), String>, Option<&JobStatus>) + Send + Sync>;

#[derive(Clone)]
pub struct Worker {
    store: Store,
    handlers: Arc<HashMap<String, Arc<dyn JobHandler>>>,
    config: WorkerConfig,
    /// This worker instance's name in `jobs.locked_by` (process id and a random suffix).
    name: String,
    wake: Arc<Notify>,
    observer: Option<Observer>,
}

/// Registers handlers by job kind before the worker starts.
pub struct WorkerBuilder {
    store: Store,
    handlers: HashMap<String, Arc<dyn JobHandler>>,
    config: WorkerConfig,
    observer: Option<Observer>,
}

impl WorkerBuilder {
    pub fn handler(mut self, kind: &str, h: impl JobHandler) -> Self {
        self.handlers.insert(kind.to_string(), Arc::new(h));
        self
    }
    /// Registers a typed handler under its payload's kind.
    pub fn job<H: TypedJobHandler>(self, h: H) -> Self {
        self.handler(H::Payload::KIND, Typed(h))
    }
    pub fn handler_arc(mut self, kind: &str, h: Arc<dyn JobHandler>) -> Self {
        self.handlers.insert(kind.to_string(), h);
        self
    }
    pub fn config(mut self, c: WorkerConfig) -> Self {
        self.config = c;
        self
    }
    pub fn observer(mut self, o: Observer) -> Self {
        self.observer = Some(o);
        self
    }
    pub fn build(self) -> Worker {
        Worker {
            name: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
            store: self.store,
            handlers: Arc::new(self.handlers),
            config: self.config,
            wake: Arc::new(Notify::new()),
            observer: self.observer,
        }
    }
}

/// The delay before attempt `attempt + 1`: base·2^(attempt−1), capped, with jitter in
/// [¾·d, d] so retries of many jobs spread out yet each delay still grows.
pub fn backoff(attempt: i32, base: Duration, max: Duration) -> Duration {
    let retry = attempt.clamp(1, 30) as u32 - 1;
    switchboard_domain::retry::Backoff::new(base, max)
        .with_jitter(0.25)
        .delay(retry)
}

impl Worker {
    pub fn builder(store: Store) -> WorkerBuilder {
        WorkerBuilder {
            store,
            handlers: HashMap::new(),
            config: WorkerConfig::default(),
            observer: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.name
    }

    /// Wakes the poll loop at once (after an enqueue on this instance).
    pub fn notify(&self) {
        self.wake.notify_one();
    }

    /// Runs until `shutdown` fires, then waits for claimed jobs to finish.
    pub async fn run(self, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.config.concurrency));
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            if shutdown.is_cancelled() {
                break;
            }
            let free = permits.available_permits();
            let claimed = if free > 0 {
                match self
                    .store
                    .claim_jobs(
                        &self.name,
                        free as i64,
                        self.config.lease.as_millis() as i64,
                    )
                    .await
                {
                    Ok(jobs) => jobs,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming jobs failed");
                        Vec::new()
                    }
                }
            } else {
                Vec::new()
            };
            let got = claimed.len();
            for job in claimed {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    break;
                };
                let me = self.clone();
                tasks.spawn(async move {
                    me.execute(job).await;
                    drop(permit);
                });
            }
            // A job that finished since the last claim may have unblocked the next job of its
            // queue key: claim again at once rather than waiting for the poll interval.
            let mut reaped = 0;
            while tasks.try_join_next().is_some() {
                reaped += 1;
            }
            if (got == 0 && reaped == 0) || permits.available_permits() == 0 {
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(self.config.poll_interval) => {}
                    Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                }
            }
        }
        while tasks.join_next().await.is_some() {}
    }

    /// Runs every runnable job until none is left (jobs that schedule a retry in the future
    /// are left for later). For tests and the `demo` simulator.
    pub async fn drain(&self) -> StoreResult<usize> {
        let mut ran = 0;
        loop {
            let jobs = self
                .store
                .claim_jobs(&self.name, 16, self.config.lease.as_millis() as i64)
                .await?;
            if jobs.is_empty() {
                return Ok(ran);
            }
            for job in jobs {
                self.execute(job).await;
                ran += 1;
            }
        }
    }

    async fn execute(&self, job: Job) {
        let span =
            tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
        let result = match self.handlers.get(&job.kind) {
            None => Err(JobError::Fatal(format!(
                "no handler for job kind `{}`",
                job.kind
            ))),
            Some(h) => {
                let lease = self.config.lease;
                let keepalive = async {
                    loop {
                        tokio::time::sleep(lease / 3).await;
                        match self
                            .store
                            .extend_job_lease(job.id, &self.name, lease.as_millis() as i64)
                            .await
                        {
                            Ok(true) => {}
                            Ok(false) => tracing::warn!(job = job.id, "job lease lost"),
                            Err(e) => {
                                tracing::warn!(job = job.id, error = %e, "lease extension failed")
                            }
                        }
                    }
                };
                tokio::select! {
                    // A panicking handler fails its job for good instead of taking the
                    // worker down and leaving the job to be reclaimed (and panic) forever.
                    r = std::panic::AssertUnwindSafe(h.run(&job).instrument(span.clone())).catch_unwind() => {
                        r.unwrap_or_else(|panic| {
                            let what = panic
                                .downcast_ref::<&str>()
                                .map(|s| s.to_string())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_default();
                            Err(JobError::Fatal(format!("the job handler panicked: {what}")))
                        })
                    }
                    _ = keepalive => unreachable_keepalive(),
                }
            }
        };
        if let Err(JobError::Defer(after)) = &result {
            let run_at = self.store.clock.now_ms() + after.as_millis() as i64;
            if let Err(e) = self.store.defer_job(job.id, &self.name, run_at).await {
                tracing::error!(job = job.id, error = %e, "could not defer job");
            }
            // A short deferral (waiting out a burst of customer messages) is on the reply's
            // critical path: wake the poll loop when it is due instead of up to a poll
            // interval later.
            if *after < self.config.poll_interval * 4 {
                let wake = self.wake.clone();
                let after = *after;
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    wake.notify_one();
                });
            }
            return;
        }
        let (status, summary) = match &result {
            Ok(()) => {
                if let Err(e) = self.store.complete_job(job.id, &self.name).await {
                    tracing::error!(job = job.id, error = %e, "could not mark job done");
                }
                (None, Ok(()))
            }
            Err(err) => {
                let (msg, retry_at) = match err {
                    JobError::Retry { error, after } => {
                        let delay = after.unwrap_or_else(|| {
                            backoff(
                                job.attempts,
                                self.config.backoff_base,
                                self.config.backoff_max,
                            )
                        });
                        (
                            error.clone(),
                            Some(self.store.clock.now_ms() + delay.as_millis() as i64),
                        )
                    }
                    JobError::Fatal(e) => (e.clone(), None),
                    // Handled above; kept total so a refactor cannot lose the job.
                    JobError::Defer(after) => (
                        "deferred".to_string(),
                        Some(self.store.clock.now_ms() + after.as_millis() as i64),
                    ),
                };
                let st = self
                    .store
                    .fail_job(job.id, &self.name, &msg, retry_at)
                    .await;
                match &st {
                    Ok(JobStatus::Dead) => {
                        tracing::error!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %msg, "job is dead");
                        self.store
                            .events
                            .publish(
                                job.business_id,
                                "job.dead",
                                serde_json::json!({"id": job.id, "kind": job.kind, "error": msg}),
                            )
                            .await;
                    }
                    Ok(_) => {
                        tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %msg, "job failed; will retry")
                    }
                    Err(e) => {
                        tracing::error!(job = job.id, error = %e, "could not record job failure")
                    }
                }
                (st.ok(), Err(msg))
            }
        };
        if let Some(o) = &self.observer {
            o(&job, &summary, status.as_ref());
        }
    }
}

fn unreachable_keepalive() -> Result<(), JobError> {
    // The keepalive loop never ends; this arm exists only to satisfy `select!`.
    Err(JobError::retry("lease keepalive ended"))
}
