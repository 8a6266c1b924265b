//! `/api/v1/channels`: a business's channels (several, of any kinds). Credentials are sealed
//! at rest and only ever shown masked; the answer carries the exact webhook URLs to paste into
//! the provider's console.
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use switchboard_domain::{ChannelId, Role, message::ChannelKind};
use switchboard_messaging::{Credentials, setup};
use switchboard_store::messaging::{ChannelRow, NewChannel};

use crate::{
    app::AppState,
    auth::Tenant,
    error::{ApiError, ApiResult, ErrorBody},
    extract::{AppJson, AppPath},
    messaging::context,
};

pub(crate) const MANAGERS: &[Role] = &[Role::Owner, Role::Admin];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannel {
    pub kind: ChannelKind,
    #[serde(default)]
    pub name: String,
    /// Our address on the provider: the phone number (Twilio), the phone number id (Meta), the
    /// bot username (Telegram), the bridge instance (WhatsApp Web); empty for `api`.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub credentials: Credentials,
    /// Override of the provider API base URL (required for `whatsapp_web`: the bridge URL).
    pub api_base: Option<String>,
    /// Telegram only: fetch updates by long polling instead of a webhook (for development
    /// machines the internet cannot reach).
    #[serde(default)]
    pub polling: bool,
    /// Messages per second this channel may send (default by kind: SMS and WhatsApp Web 1,
    /// Twilio WhatsApp 20, Telegram 25, Meta 50).
    pub send_rate_per_sec: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Channel {
    #[serde(flatten)]
    pub row: crate::api::messaging_views::ChannelFields,
    /// Secrets, masked.
    #[schema(value_type = Object)]
    pub credentials: serde_json::Value,
    /// URLs to configure at the provider.
    #[schema(value_type = Object)]
    pub webhook_urls: serde_json::Value,
}

pub(crate) fn view(state: &AppState, row: ChannelRow) -> ApiResult<Channel> {
    let kind = row.kind()?;
    let creds = Credentials::open(&state.secrets, &row).map_err(ApiError::Internal)?;
    Ok(Channel {
        webhook_urls: setup::webhook_urls(state.config.public_base(), kind, row.id),
        credentials: creds.masked(),
        row: (&row).into(),
    })
}

pub(crate) fn feature_for(kind: ChannelKind) -> Option<switchboard_domain::Feature> {
    match kind {
        ChannelKind::TwilioWhatsapp | ChannelKind::MetaWhatsapp | ChannelKind::WhatsappWeb => {
            Some(switchboard_domain::Feature::Whatsapp)
        }
        ChannelKind::Telegram => Some(switchboard_domain::Feature::Telegram),
        _ => None,
    }
}

/// Connect a channel.
#[utoipa::path(post, path = "/api/v1/channels", tag = "channels", request_body = CreateChannel,
    responses((status = 201, body = Channel), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    tenant: Tenant,
    AppJson(body): AppJson<CreateChannel>,
) -> ApiResult<(StatusCode, AppJson<Channel>)> {
    if let Some(f) = feature_for(body.kind) {
        tenant.require_feature(f)?;
    }
    tenant.require_role(MANAGERS)?;
    let address = body.address.trim().to_string();
    match body.kind {
        ChannelKind::TwilioSms | ChannelKind::TwilioWhatsapp => {
            switchboard_domain::PhoneE164::parse(&address).map_err(|_| {
                ApiError::validation(
                    "address must be the Twilio number in E.164, e.g. +14155550100",
                )
            })?;
        }
        ChannelKind::MetaWhatsapp | ChannelKind::WhatsappWeb if address.is_empty() => {
            return Err(ApiError::validation(
                "address (phone number id / bridge instance) is required",
            ));
        }
        _ => {}
    }
    if body
        .send_rate_per_sec
        .is_some_and(|r| !(1..=1000).contains(&r))
    {
        return Err(ApiError::validation("send_rate_per_sec must be 1 to 1000"));
    }
    if body.polling && body.kind != ChannelKind::Telegram {
        return Err(ApiError::validation(
            "polling is only for telegram channels",
        ));
    }
    if body.kind == ChannelKind::WhatsappWeb && body.api_base.is_none() {
        return Err(ApiError::validation(
            "a whatsapp_web channel needs api_base (the bridge URL)",
        ));
    }
    let api_base = match &body.api_base {
        Some(base) => Some(crate::outbound::check_tenant_url(&state, "api_base", base).await?),
        None => None,
    };
    let creds = body.credentials.validate(body.kind)?;
    let id = ChannelId::new();
    let row = tenant
        .store
        .create_channel(NewChannel {
            id,
            kind: body.kind,
            name: if body.name.trim().is_empty() {
                body.kind.as_str().to_string()
            } else {
                body.name.trim().to_string()
            },
            address,
            credentials: creds.seal(&state.secrets, id)?,
            api_base,
            settings: serde_json::json!({"polling": body.polling, "send_rate_per_sec": body.send_rate_per_sec}),
        })
        .await?;
    if row.kind()? == ChannelKind::WhatsappWeb {
        register_bridge_webhook(&state, &row, &creds).await?;
    }
    let row = tenant.store.get_channel(id).await?;
    tenant
        .audit(
            "channel.create",
            Some(row.id.to_string()),
            serde_json::json!({"kind": row.kind}),
        )
        .await?;
    Ok((StatusCode::CREATED, AppJson(view(&state, row)?)))
}

/// Points the WhatsApp Web bridge's webhook at us (see [`setup::register_bridge_webhook`]).
pub(crate) async fn register_bridge_webhook(
    state: &AppState,
    row: &ChannelRow,
    creds: &Credentials,
) -> ApiResult<()> {
    Ok(setup::register_bridge_webhook(&context(state), row, creds).await?)
}

/// The business's channels.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels",
    responses((status = 200, body = Vec<Channel>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
) -> ApiResult<AppJson<Vec<Channel>>> {
    let rows = tenant.store.list_channels().await?;
    Ok(AppJson(
        rows.into_iter()
            .map(|r| view(&state, r))
            .collect::<ApiResult<_>>()?,
    ))
}

/// One channel.
#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "channels",
    params(("id" = ChannelId, Path, description = "Channel id")),
    responses((status = 200, body = Channel), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<ChannelId>,
) -> ApiResult<AppJson<Channel>> {
    Ok(AppJson(view(&state, tenant.store.get_channel(id).await?)?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelHealth {
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_inbound_at: Option<i64>,
    pub last_error: Option<String>,
    #[serde(with = "crate::api::time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_error_at: Option<i64>,
    /// WhatsApp Web: the bridge's session state (`open`, `connecting`, `close`, `refused`).
    pub bridge_state: Option<String>,
    /// WhatsApp Web: the pairing QR (a `data:image/png;base64,...` URL) while not paired.
    pub pairing_qr: Option<String>,
}

/// Health of a channel: last inbound, last error and, for WhatsApp Web, the bridge's live
/// connection state and pairing QR.
#[utoipa::path(get, path = "/api/v1/channels/{id}/health", tag = "channels",
    params(("id" = ChannelId, Path, description = "Channel id")),
    responses((status = 200, body = ChannelHealth), (status = 404, body = ErrorBody)))]
pub async fn health(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<ChannelId>,
) -> ApiResult<AppJson<ChannelHealth>> {
    let row = tenant.store.get_channel(id).await?;
    let mut out = ChannelHealth {
        last_inbound_at: row.last_inbound_at,
        last_error: row.last_error.clone(),
        last_error_at: row.last_error_at,
        bridge_state: row.bridge_state.clone(),
        pairing_qr: row.bridge_qr.clone(),
    };
    if let Some(bridge) = setup::bridge_status(&context(&state), &row).await? {
        if bridge.state.is_some() {
            out.bridge_state = bridge.state;
        }
        if bridge.pairing_qr.is_some() {
            out.pairing_qr = bridge.pairing_qr;
        }
        if bridge.error.is_some() {
            out.last_error = bridge.error;
        }
    }
    Ok(AppJson(out))
}

/// Telegram: register our webhook URL with `setWebhook` and the channel's secret token.
#[utoipa::path(post, path = "/api/v1/channels/{id}/telegram/set-webhook", tag = "channels",
    params(("id" = ChannelId, Path, description = "Channel id")),
    responses((status = 200, body = Channel), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn telegram_set_webhook(
    State(state): State<AppState>,
    tenant: Tenant,
    AppPath(id): AppPath<ChannelId>,
) -> ApiResult<AppJson<Channel>> {
    tenant.require_role(MANAGERS)?;
    let row = tenant.store.get_channel(id).await?;
    setup::set_telegram_webhook(&context(&state), &row).await?;
    Ok(AppJson(view(&state, row)?))
}
