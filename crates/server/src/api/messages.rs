//! `/api/v1/messages`: send to a customer or conversation through the outbox, and receive from
//! a custom channel (`/api/v1/messages/inbound`).
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use switchboard_channels::split;
use switchboard_domain::{
    ChannelId, ConversationId, MessageId, message::OutboundContent, time::now_ms,
};
use switchboard_messaging::{ApiInbound, ingest};
use switchboard_store::messaging::Ingested;

use crate::{
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::AppJson,
};

/// WhatsApp's customer-service window: free-form messages only this long after the customer's
/// last message.
const WHATSAPP_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    pub conversation_id: ConversationId,
    /// Text, media, WhatsApp template or Telegram inline keyboard.
    pub content: OutboundContent,
    /// Repeating a send with the same key returns the first result instead of sending twice.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Queued {
    /// One id per part (long texts are split at the channel's limit).
    pub message_ids: Vec<String>,
}

/// Queue an outbound message. A human reply pauses the bot in that conversation.
#[utoipa::path(post, path = "/api/v1/messages", tag = "messages", request_body = SendMessage,
    responses((status = 202, body = Queued), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<SendMessage>,
) -> ApiResult<(StatusCode, AppJson<Queued>)> {
    if let Some(key) = &body.idempotency_key {
        if key.is_empty() || key.len() > 200 {
            return Err(ApiError::validation(
                "idempotency_key must be 1 to 200 characters",
            ));
        }
        if let Some(first) = tenant.store.outbound_by_key(key).await? {
            return Ok((
                StatusCode::ACCEPTED,
                AppJson(Queued {
                    message_ids: vec![first.id.to_string()],
                }),
            ));
        }
    }
    let conv = tenant.store.get_conversation(body.conversation_id).await?;
    state
        .limits
        .send(&tenant.id().to_string(), &conv.customer_id.to_string())?;
    let channel = tenant.store.get_channel(conv.channel_id).await?;
    let kind = channel.kind()?;
    if let OutboundContent::Text { body: t } = &body.content
        && t.trim().is_empty()
    {
        return Err(ApiError::validation("text must not be empty"));
    }
    let free_form = !matches!(body.content, OutboundContent::Template { .. });
    if kind.has_customer_service_window()
        && free_form
        && conv
            .last_inbound_at
            .is_none_or(|t| now_ms() - t > WHATSAPP_WINDOW_MS)
    {
        return Err(ApiError::Unprocessable(
            ErrorCode::WhatsappWindowClosed,
            "more than 24 hours since the customer's last message: send an approved template"
                .into(),
        ));
    }
    let parts = split::prepare(kind, &body.content);
    let ids = tenant
        .store
        .queue_outbound(
            &conv,
            &parts,
            &tenant.actor(),
            body.idempotency_key.as_deref(),
        )
        .await?;
    state.worker.notify();
    Ok((
        StatusCode::ACCEPTED,
        AppJson(Queued {
            message_ids: ids.into_iter().map(|i: MessageId| i.to_string()).collect(),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundApiMessage {
    /// An `api` channel of this business.
    pub channel_id: ChannelId,
    /// Your id for the message: a second delivery with the same id is ignored.
    pub message_id: String,
    /// The sender: an E.164 phone, `telegram:<chat id>` or an e-mail address.
    pub from: String,
    pub name: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InboundAccepted {
    pub duplicate: bool,
    pub message_id: Option<String>,
    pub conversation_id: Option<String>,
}

/// Receive a message from a custom channel.
#[utoipa::path(post, path = "/api/v1/messages/inbound", tag = "messages", request_body = InboundApiMessage,
    responses((status = 200, body = InboundAccepted), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn inbound(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<InboundApiMessage>,
) -> ApiResult<AppJson<InboundAccepted>> {
    let channel = tenant.store.get_channel(body.channel_id).await?;
    let message_id = body.message_id.clone();
    let event = ApiInbound {
        message_id: body.message_id,
        from: body.from,
        name: body.name,
        text: body.text,
    }
    .into_event(&channel)?;
    let ingested = ingest(&state.store, &state.worker, &channel, vec![event]).await?;
    Ok(AppJson(
        match ingested.into_iter().next().unwrap_or(Ingested::Duplicate) {
            Ingested::New {
                message_id,
                conversation_id,
                ..
            } => InboundAccepted {
                duplicate: false,
                message_id: Some(message_id.to_string()),
                conversation_id: Some(conversation_id.to_string()),
            },
            // A retried delivery gets the same ids as the first, so the caller can follow it.
            Ingested::Duplicate => {
                let first = tenant
                    .store
                    .inbound_by_provider_id(channel.id, &message_id)
                    .await?;
                InboundAccepted {
                    duplicate: true,
                    message_id: first.map(|(m, _)| m.to_string()),
                    conversation_id: first.map(|(_, c)| c.to_string()),
                }
            }
        },
    ))
}
