//! The one ingest path: every webhook, the API channel and Telegram polling hand their parsed
//! events here. Messages are stored idempotently on (channel, provider id) with their
//! processing job in one transaction; a new one wakes the worker and publishes
//! `message.received`. Status reports and bridge state updates are applied to their rows.
use switchboard_channels::InboundEvent;
use switchboard_domain::{
    message::{ChannelKind, Identity, InboundMessage},
    time::now_ms,
};
use switchboard_store::{
    Store,
    messaging::{ChannelRow, Ingested},
    worker::Worker,
};

use crate::error::{MessagingError, MessagingResult};

/// The event published for each new inbound message.
pub const MESSAGE_RECEIVED: &str = "message.received";

/// Stores every event one source delivered and returns what became of each message, in order.
pub async fn ingest(
    store: &Store,
    worker: &Worker,
    channel: &ChannelRow,
    events: Vec<InboundEvent>,
) -> MessagingResult<Vec<Ingested>> {
    let mut messages = Vec::new();
    for ev in events {
        match ev {
            InboundEvent::Message(m) => {
                let ingested = store.ingest_inbound(channel, &m).await?;
                if let Ingested::New {
                    conversation_id, ..
                } = &ingested
                {
                    worker.notify();
                    store
                        .events
                        .publish(
                            channel.business_id,
                            MESSAGE_RECEIVED,
                            serde_json::json!({"conversation_id": conversation_id, "channel_id": channel.id}),
                        )
                        .await;
                }
                messages.push(ingested);
            }
            InboundEvent::Status(s) => {
                store.apply_status(channel.id, &s).await?;
            }
            InboundEvent::Connection(c) => {
                store
                    .set_bridge_state(channel.id, Some(c.state.as_str()), None)
                    .await?;
            }
            InboundEvent::QrCode(q) => {
                store
                    .set_bridge_state(channel.id, None, Some(&q.base64))
                    .await?;
            }
        }
    }
    Ok(messages)
}

/// A message an integrator posts to an `api` channel.
pub struct ApiInbound {
    /// The integrator's id for the message: a second delivery with it is a duplicate.
    pub message_id: String,
    /// An E.164 phone, `telegram:<chat id>` or an e-mail address.
    pub from: String,
    pub name: Option<String>,
    pub text: String,
}

impl ApiInbound {
    /// Checks the message and turns it into the common inbound model.
    pub fn into_event(self, channel: &ChannelRow) -> MessagingResult<InboundEvent> {
        if channel.kind()? != ChannelKind::Api {
            return Err(MessagingError::WrongChannelKind(
                "inbound messages go to an `api` channel".into(),
            ));
        }
        if self.message_id.is_empty() || self.message_id.len() > 200 || self.text.len() > 64 * 1024
        {
            return Err(MessagingError::invalid(
                "message_id must be 1 to 200 characters and text at most 64 KiB",
            ));
        }
        let from = if let Some(chat) = self.from.strip_prefix("telegram:") {
            Identity::from_parts(Identity::TELEGRAM, chat)
        } else if self.from.contains('@') {
            Identity::from_parts(Identity::EMAIL, &self.from)
        } else {
            Identity::from_parts(Identity::PHONE, &self.from)
        }
        .map_err(|e| MessagingError::invalid(e.to_string()))?;
        Ok(InboundEvent::Message(InboundMessage {
            channel: ChannelKind::Api,
            provider_message_id: self.message_id,
            from,
            to: None,
            profile_name: self.name,
            text: Some(self.text),
            media: vec![],
            location: None,
            contact: None,
            button_payload: None,
            callback_id: None,
            received_at_ms: now_ms(),
            raw: serde_json::Value::Null,
        }))
    }
}
