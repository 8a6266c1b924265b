//! `PATCH` and `DELETE /api/v1/channels/{id}`: change a channel's name, credentials, API base
//! or settings (fields not sent are kept; credentials are merged, checked and sealed again),
//! or remove it. A removed channel keeps its conversations and messages, leaves the list and
//! answers its webhooks 404.
use axum::{extract::State, http::StatusCode};
use serde::Deserialize;
use switchboard_domain::{ChannelId, message::ChannelKind};
use switchboard_store::channel_admin::ChannelUpdate;

use crate::{
    api::channels::{Channel, MANAGERS, feature_for, register_bridge_webhook, view},
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
};
use switchboard_messaging::Credentials;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannel {
    pub name: Option<String>,
    /// Secrets to replace; the ones not sent are kept.
    pub credentials: Option<Credentials>,
    /// The provider API base URL; `null` removes the override (not for `whatsapp_web`).
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<String>)]
    pub api_base: Option<Option<String>>,
    /// Telegram only: long polling instead of a webhook.
    pub polling: Option<bool>,
    /// Messages per second this channel may send; `null` restores the kind's default.
    #[serde(default, deserialize_with = "sent")]
    #[schema(value_type = Option<u32>)]
    pub send_rate_per_sec: Option<Option<u32>>,
}

/// Tells "sent as null" (`Some(None)`) from "not sent" (`None`).
fn sent<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Stored secrets overlaid with the ones sent.
fn merge_credentials(stored: &Credentials, sent: &Credentials) -> ApiResult<Credentials> {
    let to_value =
        |c: &Credentials| serde_json::to_value(c).map_err(|e| ApiError::Internal(e.into()));
    let mut merged = to_value(stored)?;
    if let (Some(m), serde_json::Value::Object(s)) = (merged.as_object_mut(), to_value(sent)?) {
        for (k, v) in s.into_iter().filter(|(_, v)| !v.is_null()) {
            m.insert(k, v);
        }
    }
    serde_json::from_value(merged).map_err(|e| ApiError::Internal(e.into()))
}

/// Change a channel.
#[utoipa::path(patch, path = "/api/v1/channels/{id}", tag = "channels", request_body = UpdateChannel,
    params(("id" = ChannelId, Path, description = "Channel id")),
    responses((status = 200, body = Channel), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<ChannelId>,
    AppJson(body): AppJson<UpdateChannel>,
) -> ApiResult<AppJson<Channel>> {
    tenant.require_role(MANAGERS)?;
    let row = tenant.store.get_channel(id).await?;
    let kind = row.kind()?;
    if let Some(f) = feature_for(kind) {
        tenant.require_feature(f)?;
    }
    let mut update = ChannelUpdate::default();
    if let Some(name) = &body.name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ApiError::validation("name must be 1 to 200 characters"));
        }
        update.name = Some(name.to_string());
    }
    match &body.api_base {
        Some(Some(base)) => {
            let base = crate::outbound::check_tenant_url(&state, "api_base", base).await?;
            update.api_base = Some(Some(base));
        }
        Some(None) if kind == ChannelKind::WhatsappWeb => {
            return Err(ApiError::validation(
                "a whatsapp_web channel needs api_base (the bridge URL)",
            ));
        }
        Some(None) => update.api_base = Some(None),
        None => {}
    }
    if body.polling == Some(true) && kind != ChannelKind::Telegram {
        return Err(ApiError::validation(
            "polling is only for telegram channels",
        ));
    }
    if let Some(Some(r)) = body.send_rate_per_sec
        && !(1..=1000).contains(&r)
    {
        return Err(ApiError::validation("send_rate_per_sec must be 1 to 1000"));
    }
    if body.polling.is_some() || body.send_rate_per_sec.is_some() {
        let mut settings = row.settings_json();
        if !settings.is_object() {
            settings = serde_json::json!({});
        }
        if let Some(p) = body.polling {
            settings["polling"] = p.into();
        }
        if let Some(r) = body.send_rate_per_sec {
            settings["send_rate_per_sec"] = r.into();
        }
        update.settings = Some(settings);
    }
    let stored = Credentials::open(&state.secrets, &row).map_err(ApiError::Internal)?;
    let creds = match &body.credentials {
        Some(sent) => {
            let merged = merge_credentials(&stored, sent)?.validate(kind)?;
            update.credentials = Some(merged.seal(&state.secrets, row.id)?);
            merged
        }
        None => stored,
    };
    let row = tenant.store.update_channel(id, update).await?;
    if kind == ChannelKind::WhatsappWeb && (body.api_base.is_some() || body.credentials.is_some()) {
        register_bridge_webhook(&state, &row, &creds).await?;
    }
    tenant
        .audit(
            "channel.update",
            Some(row.id.to_string()),
            serde_json::json!({
                "name": body.name.is_some(),
                "credentials": body.credentials.is_some(),
                "api_base": body.api_base.is_some(),
                "settings": body.polling.is_some() || body.send_rate_per_sec.is_some(),
            }),
        )
        .await?;
    let row = tenant.store.get_channel(id).await?;
    Ok(AppJson(view(&state, row)?))
}

/// Remove a channel: it leaves the list and its webhooks answer 404; its conversations and
/// messages are kept.
#[utoipa::path(delete, path = "/api/v1/channels/{id}", tag = "channels",
    params(("id" = ChannelId, Path, description = "Channel id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(tenant: Tenant, AppPath(id): AppPath<ChannelId>) -> ApiResult<StatusCode> {
    tenant.require_role(MANAGERS)?;
    let row = tenant.store.get_channel(id).await?;
    tenant.store.delete_channel(id).await?;
    tenant
        .audit(
            "channel.delete",
            Some(row.id.to_string()),
            serde_json::json!({"kind": row.kind}),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
