//! The agent's API: its settings (the model key write-only, sealed at rest), each
//! conversation's turns with their tool calls, and token usage.
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use switchboard_domain::{ConversationId, Role};

use crate::{
    agent::config::{AgentSettings, AgentSettingsView, key_context},
    api::agent_views::{TurnView, UsageTotalsView},
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppJson, AppPath, AppQuery},
};

async fn view(tenant: &Tenant) -> ApiResult<AgentSettingsView> {
    let (stored, key) = tenant.store.agent_config().await?;
    let settings = AgentSettings::from_stored(stored);
    Ok(AgentSettingsView {
        engine: if settings.llm.is_some() {
            "llm"
        } else {
            "rules"
        },
        settings,
        llm_api_key_set: key.is_some(),
    })
}

/// The agent settings. With no `llm` the built-in rule-based agent answers.
#[utoipa::path(get, path = "/api/v1/agent", tag = "agent",
    responses((status = 200, body = AgentSettingsView), (status = 403, body = ErrorBody)))]
pub async fn get_settings(tenant: Tenant) -> ApiResult<AppJson<AgentSettingsView>> {
    Ok(AppJson(view(&tenant).await?))
}

/// Change the agent settings: the fields sent replace the stored ones, fields not sent keep
/// their values (inside `llm` too); `"llm": null` switches to the rule-based agent.
/// `llm.api_key` is write-only: omit it to keep the stored key, send `""` to remove it. The
/// answer is the stored result.
#[utoipa::path(put, path = "/api/v1/agent", tag = "agent", request_body = AgentSettings,
    responses((status = 200, body = AgentSettingsView), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<serde_json::Value>,
) -> ApiResult<AppJson<AgentSettingsView>> {
    change_settings(&state, &tenant, body).await
}

/// Change some agent settings (the same as `PUT`: fields not sent keep their values).
#[utoipa::path(patch, path = "/api/v1/agent", tag = "agent", request_body = AgentSettings,
    responses((status = 200, body = AgentSettingsView), (status = 422, body = ErrorBody)))]
pub async fn patch_settings(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<serde_json::Value>,
) -> ApiResult<AppJson<AgentSettingsView>> {
    change_settings(&state, &tenant, body).await
}

/// The stored settings with the sent fields laid over them (one level deep into `llm`).
fn merge_sent(stored: AgentSettings, sent: serde_json::Value) -> ApiResult<AgentSettings> {
    let serde_json::Value::Object(sent) = sent else {
        return Err(ApiError::validation("the agent settings are a JSON object"));
    };
    let mut merged = serde_json::to_value(stored).map_err(|e| ApiError::Internal(e.into()))?;
    let Some(m) = merged.as_object_mut() else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "settings are not an object"
        )));
    };
    for (k, v) in sent {
        match (m.get_mut(&k), v) {
            (Some(serde_json::Value::Object(old)), serde_json::Value::Object(new))
                if k == "llm" =>
            {
                old.extend(new);
            }
            (_, v) => {
                m.insert(k, v);
            }
        }
    }
    serde_json::from_value(merged).map_err(|e| ApiError::validation(format!("agent settings: {e}")))
}

async fn change_settings(
    state: &AppState,
    tenant: &Tenant,
    sent: serde_json::Value,
) -> ApiResult<AppJson<AgentSettingsView>> {
    tenant.require_role(&[Role::Owner, Role::Admin])?;
    let (stored, _) = tenant.store.agent_config().await?;
    let mut body = merge_sent(AgentSettings::from_stored(stored), sent)?;
    let mut key_update = None;
    if let Some(llm) = &mut body.llm {
        crate::outbound::check_tenant_url(state, "llm.base_url", &llm.base_url).await?;
        if llm.model.trim().is_empty() {
            return Err(ApiError::validation("llm.model is required"));
        }
        if llm.temperature.is_some_and(|t| !(0.0..=2.0).contains(&t)) {
            return Err(ApiError::validation("llm.temperature is 0 to 2"));
        }
        match llm.api_key.take() {
            None => {
                // The stored key goes only to the host it was given for.
                let (stored, key) = tenant.store.agent_config().await?;
                let old_base = AgentSettings::from_stored(stored)
                    .llm
                    .map(|l| l.base_url)
                    .unwrap_or_default();
                if key.is_some() && old_base != llm.base_url {
                    return Err(ApiError::validation(
                        "llm.base_url changed: send llm.api_key again (or \"\" for none)",
                    ));
                }
            }
            Some(k) if k.is_empty() => key_update = Some(None),
            Some(k) => {
                let sealed = state
                    .secrets
                    .seal(&k, &key_context(&tenant.id().to_string()))
                    .map_err(|e| ApiError::Internal(e.into()))?;
                key_update = Some(Some(sealed));
            }
        }
    } else {
        key_update = Some(None);
    }
    if body.burst_ms > 30_000 || body.turn_budget_ms > 120_000 || body.hold_minutes > 60 {
        return Err(ApiError::validation(
            "burst_ms is at most 30000, turn_budget_ms at most 120000, hold_minutes at most 60",
        ));
    }
    let json = serde_json::to_value(&body).map_err(|e| ApiError::Internal(e.into()))?;
    tenant.store.put_agent_config(&json, key_update).await?;
    tenant
        .audit(
            "agent.update",
            None,
            serde_json::json!({"engine": if body.llm.is_some() { "llm" } else { "rules" }}),
        )
        .await?;
    Ok(AppJson(view(tenant).await?))
}

/// A conversation's agent turns, oldest first: engine, model, tokens, latency, the reply, and
/// every tool call with its arguments, result and outcome.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/turns", tag = "agent",
    params(("id" = ConversationId, Path, description = "Conversation id")),
    responses((status = 200, body = Vec<TurnView>), (status = 404, body = ErrorBody)))]
pub async fn turns(
    tenant: Tenant,
    AppPath(id): AppPath<ConversationId>,
) -> ApiResult<AppJson<Vec<TurnView>>> {
    tenant.store.get_conversation(id).await?;
    let turns = tenant.store.list_turns(id).await?;
    Ok(AppJson(turns.iter().map(TurnView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Only this conversation.
    pub conversation_id: Option<ConversationId>,
    /// RFC 3339; default: 30 days ago.
    pub from: Option<DateTime<Utc>>,
    /// RFC 3339; default: now.
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UsageAnswer {
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub from: i64,
    #[serde(with = "crate::api::time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub to: i64,
    #[serde(flatten)]
    pub totals: UsageTotalsView,
}

/// Token usage of the business (or one conversation) over a period.
#[utoipa::path(get, path = "/api/v1/agent/usage", tag = "agent", params(UsageQuery),
    responses((status = 200, body = UsageAnswer), (status = 400, body = ErrorBody)))]
pub async fn usage(
    tenant: Tenant,
    AppQuery(q): AppQuery<UsageQuery>,
) -> ApiResult<AppJson<UsageAnswer>> {
    let to =
        q.to.map(|t| t.timestamp_millis())
            .unwrap_or_else(|| switchboard_domain::time::now_ms() + 1);
    let from = q
        .from
        .map(|t| t.timestamp_millis())
        .unwrap_or(to - 30 * 86_400_000);
    if to <= from {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "`to` must be after `from`",
        ));
    }
    let totals = tenant
        .store
        .agent_usage(q.conversation_id, from, to)
        .await?;
    Ok(AppJson(UsageAnswer {
        from,
        to,
        totals: UsageTotalsView::from(&totals),
    }))
}
