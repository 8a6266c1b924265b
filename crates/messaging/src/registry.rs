//! The job registry: every job kind the pipeline runs, each with its typed payload (see
//! [`switchboard_store::job_payloads`]), registered here in one place.
//!
//! | kind | payload | handler |
//! |---|---|---|
//! | `conversation.process` | [`ProcessConversation`] | the agent's turn, given by the host |
//! | `message.send` | [`SendMessage`](switchboard_store::job_payloads::SendMessage) | [`SendOutbound`] |
//! | `system.noop` | [`Noop`] | does nothing (benchmarks, queue checks) |
use async_trait::async_trait;
use switchboard_store::{
    job_payloads::{Noop, ProcessConversation},
    jobs::Job,
    worker::{JobError, TypedJobHandler, WorkerBuilder},
};

use crate::{context::Context, send::SendOutbound};

struct NoopHandler;

#[async_trait]
impl TypedJobHandler for NoopHandler {
    type Payload = Noop;
    async fn run(&self, _job: &Job, _payload: Noop) -> Result<(), JobError> {
        Ok(())
    }
}

/// Registers the pipeline's jobs; `turn` answers conversations (`conversation.process`).
pub fn register<T>(builder: WorkerBuilder, ctx: &Context, turn: T) -> WorkerBuilder
where
    T: TypedJobHandler<Payload = ProcessConversation>,
{
    builder
        .job(NoopHandler)
        .job(turn)
        .job(SendOutbound::new(ctx.clone()))
}
