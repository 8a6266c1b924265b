//! The job kinds this server runs, wired into the store's worker pool. Feature modules add
//! their handlers here.
use async_trait::async_trait;
use switchboard_store::{
    Store,
    jobs::{Job, JobStatus},
    worker::{JobError, JobHandler, Worker, WorkerConfig},
};

/// Does nothing; used by benchmarks and operational checks of the queue.
pub const NOOP: &str = "system.noop";

struct Noop;

#[async_trait]
impl JobHandler for Noop {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

pub fn build_worker(store: &Store, config: WorkerConfig) -> Worker {
    Worker::builder(store.clone())
        .config(config)
        .observer(std::sync::Arc::new(
            |job: &Job, result: &Result<(), String>, status: Option<&JobStatus>| {
                crate::ops::metrics::job_finished(
                    &job.kind,
                    result.is_ok(),
                    status == Some(&JobStatus::Dead),
                );
                if result.is_ok() {
                    tracing::info!(job_id = job.id, kind = %job.kind, "job done");
                }
            },
        ))
        .handler(NOOP, Noop)
        .build()
}
