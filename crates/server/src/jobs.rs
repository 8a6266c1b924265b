//! The worker pool of this server: the message pipeline's registry (with the CRM adapter
//! handed to its turns) plus the billing sweep, with metrics on every outcome.
use std::sync::Arc;

use switchboard_crm::CrmAdapter;
use switchboard_messaging::turn::TurnHost;
use switchboard_store::{
    Store,
    businesses::Business,
    jobs::{Job, JobStatus},
    worker::{Worker, WorkerConfig},
};

/// The CRM adapter of a business, as the pipeline's turns need it.
struct Host {
    store: Store,
}

impl TurnHost for Host {
    fn crm_for(&self, business: &Business) -> Arc<dyn CrmAdapter> {
        crate::agent::crm_for(&self.store, business)
    }
}

pub fn build_worker(ctx: &switchboard_messaging::Context, config: WorkerConfig) -> Worker {
    let store: &Store = &ctx.store;
    let builder = Worker::builder(store.clone())
        .config(config)
        .observer(Arc::new(
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
            switchboard_billing::sweep::SWEEP_JOB,
            switchboard_billing::sweep::Sweep {
                store: store.clone(),
            },
        );
    let host = Arc::new(Host {
        store: store.clone(),
    });
    switchboard_messaging::registry::register(builder, ctx, host).build()
}
