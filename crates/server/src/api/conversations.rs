//! `/api/v1/conversations`: the inbox. List with filters and cursor pagination, read with
//! messages, assign, close, reopen, pause and resume the bot; `/api/v1/handovers`: the
//! conversations the agent passed to a person.
use axum::extract::State;
use serde::{Deserialize, Serialize};
use switchboard_domain::{ChannelId, ConversationId, CustomerId, UserId};
use switchboard_store::conversations::{
    ConversationFilter, ConversationStatus, ConversationUpdate,
};

use crate::{
    api::{
        messaging_views::{ConversationView, MessageView},
        pagination::Page,
    },
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub channel_id: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    pub assignee_id: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Conversations, newest first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ListQuery),
    responses((status = 200, body = Page<ConversationView>), (status = 403, body = ErrorBody)))]
pub async fn list(
    tenant: Tenant,
    AppQuery(q): AppQuery<ListQuery>,
) -> ApiResult<AppJson<Page<ConversationView>>> {
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(ConversationStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(ErrorCode::InvalidQuery, "status is open or closed")
        })?),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    // An id that cannot be one matches no conversation.
    let (Ok(channel_id), Ok(assignee_id)) = (
        q.channel_id.as_deref().map(str::parse).transpose(),
        q.assignee_id.as_deref().map(str::parse).transpose(),
    ) else {
        return Ok(AppJson(Page::new(Vec::new(), limit, |c| c.id.to_string())));
    };
    let rows = tenant
        .store
        .list_conversations(&ConversationFilter {
            channel_id,
            status,
            assignee_id,
            before: q.cursor,
            limit,
        })
        .await?;
    Ok(AppJson(
        Page::new(rows, limit, |c| c.id.to_string()).map(|c| ConversationView::from(&c)),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConversationWithMessages {
    #[serde(flatten)]
    pub conversation: ConversationView,
    pub messages: Vec<MessageView>,
}

/// A conversation with its messages, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = ConversationId, Path, description = "Conversation id")),
    responses((status = 200, body = ConversationWithMessages), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    tenant: Tenant,
    AppPath(id): AppPath<ConversationId>,
) -> ApiResult<AppJson<ConversationWithMessages>> {
    let conversation = tenant.store.get_conversation(id).await?;
    let messages = tenant.store.conversation_messages(id).await?;
    Ok(AppJson(ConversationWithMessages {
        conversation: ConversationView::from(&conversation),
        messages: messages.iter().map(MessageView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationAction {
    /// `assign` (with `user_id`, or none to unassign), `close`, `reopen`, `pause_bot`, `resume_bot`.
    pub action: String,
    pub user_id: Option<UserId>,
}

/// Change a conversation. `resume_bot` closes an open handover and lets the agent answer the
/// customer's messages that no person answered during the pause.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/actions", tag = "conversations", request_body = ConversationAction,
    params(("id" = ConversationId, Path, description = "Conversation id")),
    responses((status = 200, body = ConversationView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<ConversationId>,
    AppJson(body): AppJson<ConversationAction>,
) -> ApiResult<AppJson<ConversationView>> {
    let update = match body.action.as_str() {
        "assign" => {
            if let Some(u) = body.user_id {
                tenant
                    .store
                    .get_user(u)
                    .await
                    .map_err(|_| ApiError::validation("no such user in this business"))?;
            }
            ConversationUpdate {
                assignee: Some(body.user_id),
                ..Default::default()
            }
        }
        "close" => ConversationUpdate {
            status: Some(ConversationStatus::Closed),
            ..Default::default()
        },
        "reopen" => ConversationUpdate {
            status: Some(ConversationStatus::Open),
            ..Default::default()
        },
        "pause_bot" => ConversationUpdate {
            bot_paused: Some(true),
            ..Default::default()
        },
        "resume_bot" => {
            let resumed = tenant.store.resume_bot(id).await?;
            state.worker.notify();
            return Ok(AppJson(ConversationView::from(&resumed)));
        }
        other => return Err(ApiError::validation(format!("unknown action `{other}`"))),
    };
    Ok(AppJson(ConversationView::from(
        &tenant.store.update_conversation(id, update).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandoverQuery {
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
}

/// A conversation the agent handed to a person, waiting for staff.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Handover {
    pub conversation_id: ConversationId,
    pub customer_id: CustomerId,
    /// The customer's name, when known.
    pub customer_name: String,
    pub channel_id: ChannelId,
    /// Why the agent handed over.
    pub reason: String,
    /// When.
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: i64,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_inbound_at: Option<i64>,
    pub assignee_id: Option<UserId>,
}

/// Open handovers, the longest waiting first: the agent told these customers a person will
/// reply, and the bot stays paused until `resume_bot`.
#[utoipa::path(get, path = "/api/v1/handovers", tag = "conversations", params(HandoverQuery),
    responses((status = 200, body = Vec<Handover>), (status = 403, body = ErrorBody)))]
pub async fn handovers(
    tenant: Tenant,
    AppQuery(q): AppQuery<HandoverQuery>,
) -> ApiResult<AppJson<Vec<Handover>>> {
    let rows = tenant
        .store
        .open_handovers(q.limit.unwrap_or(100).clamp(1, 500))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let customer_name = tenant.store.customer_profile(c.customer_id).await?.0;
        out.push(Handover {
            conversation_id: c.id,
            customer_id: c.customer_id,
            customer_name,
            channel_id: c.channel_id,
            reason: c.handover_reason.unwrap_or_default(),
            since: c.handover_at.unwrap_or(c.updated_at),
            last_inbound_at: c.last_inbound_at,
            assignee_id: c.assignee_id,
        });
    }
    Ok(AppJson(out))
}
