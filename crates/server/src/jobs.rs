//! The worker pool of this server: the message pipeline's registry plus the billing sweep,
//! with metrics on every outcome.
use async_trait::async_trait;
use switchboard_store::{
    Store,
    job_payloads::ProcessConversation,
    jobs::{Job, JobStatus},
    worker::{JobError, JobHandler, TypedJobHandler, Worker, WorkerConfig},
};

/// The agent's turn, as the pipeline's `conversation.process` handler.
struct Turn(crate::agent::ProcessTurn);

#[async_trait]
impl TypedJobHandler for Turn {
    type Payload = ProcessConversation;
    async fn run(&self, job: &Job, _payload: ProcessConversation) -> Result<(), JobError> {
        JobHandler::run(&self.0, job).await
    }
}

pub fn build_worker(ctx: &switchboard_messaging::Context, config: WorkerConfig) -> Worker {
    let store: &Store = &ctx.store;
    let builder = Worker::builder(store.clone())
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
        .handler(
            crate::billing::sweep::SWEEP_JOB,
            crate::billing::sweep::Sweep {
                store: store.clone(),
            },
        );
    let turn = Turn(crate::agent::ProcessTurn {
        store: store.clone(),
        secrets: ctx.secrets.clone(),
        public_base: ctx.public_base.clone(),
        outbound: ctx.outbound.clone(),
    });
    switchboard_messaging::registry::register(builder, ctx, turn).build()
}
