//! The job kinds this server runs, wired into the store's worker pool. Feature modules add
//! their handlers here.
use async_trait::async_trait;

use crate::messaging;
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

pub fn build_worker(
    store: &Store,
    secrets: &switchboard_store::crypto::SecretBox,
    outbound: &switchboard_channels::netguard::GuardedClient,
    public_base: &str,
    config: WorkerConfig,
) -> Worker {
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
        .handler(
            switchboard_billing::sweep::SWEEP_JOB,
            switchboard_billing::sweep::Sweep {
                store: store.clone(),
            },
        )
        .handler(
            switchboard_store::messaging::PROCESS_JOB,
            crate::agent::ProcessTurn {
                store: store.clone(),
                secrets: secrets.clone(),
                public_base: public_base.into(),
                outbound: outbound.clone(),
            },
        )
        .handler(
            switchboard_store::conversations::SEND_JOB,
            messaging::jobs::SendOutbound {
                store: store.clone(),
                secrets: secrets.clone(),
                outbound: outbound.clone(),
                public_base: public_base.into(),
                throttle: Default::default(),
                accepted: Default::default(),
            },
        )
        .build()
}
