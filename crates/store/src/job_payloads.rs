//! Typed job payloads: one struct per job kind, with the kind it is enqueued under. The store
//! enqueues them (inside the transactions that create the work), the worker decodes them for
//! the handler registered with [`crate::worker::WorkerBuilder::job`], so no handler reads
//! fields out of a JSON value by name.
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use switchboard_domain::{ConversationId, MessageId};

use crate::{StoreResult, jobs::NewJob};

/// A job's payload type and the kind it runs under.
pub trait JobPayload: Serialize + DeserializeOwned + Send + Sync + 'static {
    const KIND: &'static str;

    /// A job carrying this payload (set business, keys and limits with the `NewJob` methods).
    fn to_job(&self) -> StoreResult<NewJob> {
        Ok(NewJob::new(Self::KIND, serde_json::to_value(self)?))
    }
}

/// `conversation.process`: answer a conversation's newest inbound messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessConversation {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
}

impl JobPayload for ProcessConversation {
    const KIND: &'static str = "conversation.process";
}

/// `message.send`: send one outbox message through its channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    pub message_id: MessageId,
}

impl JobPayload for SendMessage {
    const KIND: &'static str = "message.send";
}

/// `system.noop`: does nothing; for benchmarks and operational checks of the queue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Noop {}

impl JobPayload for Noop {
    const KIND: &'static str = "system.noop";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_payload_keeps_its_wire_shape() {
        let p = ProcessConversation {
            message_id: MessageId::new(),
            conversation_id: ConversationId::new(),
        };
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(v["message_id"], p.message_id.to_string());
        assert_eq!(v["conversation_id"], p.conversation_id.to_string());
    }

    #[test]
    fn send_payload_decodes_what_older_rows_hold() {
        let id = MessageId::new();
        let p: SendMessage = serde_json::from_value(serde_json::json!({"message_id": id}))
            .unwrap_or_else(|_| SendMessage {
                message_id: MessageId::new(),
            });
        assert_eq!(p.message_id, id);
    }
}
