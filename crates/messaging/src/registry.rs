//! The job registry: every job kind the pipeline runs, each with its typed payload (see
//! [`switchboard_store::job_payloads`]), registered here in one place.
//!
//! | kind | payload | handler |
//! |---|---|---|
//! | `conversation.process` | [`ProcessConversation`](switchboard_store::job_payloads::ProcessConversation) | [`ProcessTurn`], the agent's turn |
//! | `message.send` | [`SendMessage`](switchboard_store::job_payloads::SendMessage) | [`SendOutbound`] |
//! | `system.noop` | [`Noop`] | does nothing (benchmarks, queue checks) |
use std::sync::Arc;

use async_trait::async_trait;
use switchboard_store::{
    job_payloads::Noop,
    jobs::Job,
    worker::{JobError, TypedJobHandler, WorkerBuilder},
};

use crate::{
    context::Context,
    send::SendOutbound,
    turn::{ProcessTurn, TurnHost},
};

struct NoopHandler;

#[async_trait]
impl TypedJobHandler for NoopHandler {
    type Payload = Noop;
    async fn run(&self, _job: &Job, _payload: Noop) -> Result<(), JobError> {
        Ok(())
    }
}

/// Registers the pipeline's jobs; `host` gives turns the CRM adapter of a business.
pub fn register(builder: WorkerBuilder, ctx: &Context, host: Arc<dyn TurnHost>) -> WorkerBuilder {
    builder
        .job(NoopHandler)
        .job(ProcessTurn {
            store: ctx.store.clone(),
            secrets: ctx.secrets.clone(),
            outbound: ctx.outbound.clone(),
            public_base: ctx.public_base.clone(),
            host,
        })
        .job(SendOutbound::new(ctx.clone()))
}
