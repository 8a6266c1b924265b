//! The worker pool of this server: the message pipeline's registry (with billing and the CRM
//! adapter handed to its turns) plus the billing sweep, with metrics on every outcome.
use std::sync::Arc;

use async_trait::async_trait;
use switchboard_crm::CrmAdapter;
use switchboard_domain::{CustomerId, MessageId};
use switchboard_messaging::turn::{ReplyGate, TurnHost};
use switchboard_store::{
    Store,
    businesses::Business,
    conversations::ConversationRow,
    jobs::{Job, JobStatus},
    worker::{Worker, WorkerConfig},
};

/// Billing and the CRM adapter, as the pipeline's turns need them.
struct Host {
    store: Store,
    /// For the payment-page link sent when a balance is too low.
    public_base: Arc<str>,
}

#[async_trait]
impl TurnHost for Host {
    fn crm_for(&self, business: &Business) -> Arc<dyn CrmAdapter> {
        crate::agent::crm_for(&self.store, business)
    }

    async fn grant_welcome_credit(
        &self,
        business: &Business,
        customer: CustomerId,
    ) -> anyhow::Result<()> {
        crate::billing::grant_welcome_credit(&self.store, business, &customer.to_string()).await?;
        Ok(())
    }

    async fn gate_ai_reply(
        &self,
        business: &Business,
        conversation: &ConversationRow,
        trigger: MessageId,
    ) -> anyhow::Result<ReplyGate> {
        let gate = crate::billing::gate_ai_reply(
            &self.store,
            business,
            &conversation.customer_id.to_string(),
            conversation,
            &trigger.to_string(),
            &self.public_base,
        )
        .await?;
        Ok(match gate {
            crate::billing::ReplyGate::LowBalance { payment_message } => {
                ReplyGate::LowBalance { payment_message }
            }
            _ => ReplyGate::Answer,
        })
    }

    async fn refund_ai_reply(
        &self,
        business: &Business,
        trigger: MessageId,
    ) -> anyhow::Result<bool> {
        Ok(crate::billing::refund_ai_reply(&self.store, business, &trigger.to_string()).await?)
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
            crate::billing::sweep::SWEEP_JOB,
            crate::billing::sweep::Sweep {
                store: store.clone(),
            },
        );
    let host = Arc::new(Host {
        store: store.clone(),
        public_base: ctx.public_base.clone(),
    });
    switchboard_messaging::registry::register(builder, ctx, host).build()
}
