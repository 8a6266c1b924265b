//! Provider webhooks: `/webhooks/{provider}/{channel_id}`. Each request is verified on its raw
//! body with that channel's own secret before anything else (403 and nothing stored when it
//! fails), parsed into the common model, handed to the pipeline's ingest (stored idempotently
//! with its processing job in one transaction), and answered at once — Twilio with an empty `<Response/>`; replies always go
//! out through the provider's API later, never in the webhook answer.
use axum::{
    extract::{OriginalUri, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use switchboard_channels::{InboundEvent, VerifyError, evolution, meta, telegram, twilio};
use switchboard_domain::{ChannelId, message::ChannelKind, time::now_ms};
use switchboard_messaging::{Credentials, ingest};
use switchboard_store::messaging::ChannelRow;

use crate::{
    app::AppState,
    error::{ApiError, ApiResult, ErrorBody, ErrorCode},
    extract::{AppPath, RawBody},
    ops::limits::Peer,
};

const EMPTY_TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// The channel a webhook names, with its secrets. No rate limit comes before this or the
/// signature check: a verified webhook is always stored (see [`crate::ops::limits`]).
async fn load(
    state: &AppState,
    peer: Peer,
    id: ChannelId,
    kinds: &[ChannelKind],
) -> ApiResult<(ChannelRow, Credentials)> {
    let row = match state.store.channel_for_webhook(id).await {
        Ok(row) if row.kind().is_ok_and(|k| kinds.contains(&k)) => row,
        Ok(_) | Err(switchboard_store::StoreError::NotFound) => {
            return Err(state
                .limits
                .unverified_webhook(peer, &id.to_string(), ApiError::NotFound));
        }
        Err(e) => return Err(e.into()),
    };
    let creds = Credentials::open(&state.secrets, &row).map_err(ApiError::Internal)?;
    Ok((row, creds))
}

/// A request whose signature did not verify: 403, or 429 once its source or channel has sent
/// too many of those (logged only within the limit, so a flood cannot flood the logs).
fn refuse(state: &AppState, peer: Peer, channel: &ChannelRow, e: VerifyError) -> ApiError {
    let refusal = ApiError::forbidden("webhook signature check failed");
    match state
        .limits
        .unverified_webhook(peer, &channel.id.to_string(), refusal)
    {
        limited @ ApiError::TooManyRequests { .. } => limited,
        refusal => {
            tracing::warn!(channel = %channel.id, peer = ?peer.0, reason = %e, "webhook signature refused");
            refusal
        }
    }
}

fn bad_payload(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        ErrorCode::InvalidPayload,
        format!("payload not understood: {e}"),
    )
}

/// Hands a verified webhook's events to the pipeline's one ingest path.
async fn apply(state: &AppState, channel: &ChannelRow, events: Vec<InboundEvent>) -> ApiResult<()> {
    ingest(&state.store, &state.worker, channel, events).await?;
    Ok(())
}

/// The URL Twilio signed: the configured public base plus the path and query it called.
fn public_url(state: &AppState, uri: &axum::http::Uri) -> String {
    let pq = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("{}{}", state.config.public_base(), pq)
}

fn twiml() -> Response {
    ([(header::CONTENT_TYPE, "text/xml")], EMPTY_TWIML).into_response()
}

/// Twilio SMS / WhatsApp: incoming messages and message status callbacks.
#[utoipa::path(post, path = "/webhooks/twilio/{channel_id}", tag = "webhooks", security(()),
    params(("channel_id" = ChannelId, Path, description = "Channel id")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Empty TwiML", content_type = "text/xml"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn twilio_inbound(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<ChannelId>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let (channel, creds) = load(
        &state,
        peer,
        id,
        &[ChannelKind::TwilioSms, ChannelKind::TwilioWhatsapp],
    )
    .await?;
    let url = public_url(&state, &uri);
    twilio::verify_webhook(
        creds.auth_token.as_deref().unwrap_or_default(),
        &url,
        &body,
        header(&headers, "x-twilio-signature"),
    )
    .map_err(|e| refuse(&state, peer, &channel, e))?;
    let event = twilio::parse_webhook(&body, now_ms()).map_err(bad_payload)?;
    apply(&state, &channel, vec![event]).await?;
    Ok(twiml())
}

#[derive(serde::Deserialize)]
pub struct HubQuery {
    #[serde(rename = "hub.mode")]
    pub mode: Option<String>,
}

/// Meta WhatsApp Cloud API: the GET verification handshake.
#[utoipa::path(get, path = "/webhooks/meta/{channel_id}", tag = "webhooks", security(()),
    params(("channel_id" = ChannelId, Path, description = "Channel id")),
    responses((status = 200, description = "The echoed hub.challenge", content_type = "text/plain"), (status = 403, body = ErrorBody)))]
pub async fn meta_handshake(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<ChannelId>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let (_, creds) = load(&state, peer, id, &[ChannelKind::MetaWhatsapp]).await?;
    match meta::verify_handshake_query(
        creds.verify_token.as_deref().unwrap_or_default(),
        uri.query().unwrap_or(""),
    ) {
        Some(challenge) => Ok(([(header::CONTENT_TYPE, "text/plain")], challenge).into_response()),
        None => Err(state.limits.unverified_webhook(
            peer,
            &id.to_string(),
            ApiError::forbidden("verify token mismatch"),
        )),
    }
}

/// Meta WhatsApp Cloud API: messages and statuses, signed with `X-Hub-Signature-256`.
#[utoipa::path(post, path = "/webhooks/meta/{channel_id}", tag = "webhooks", security(()),
    params(("channel_id" = ChannelId, Path, description = "Channel id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200), (status = 403, body = ErrorBody)))]
pub async fn meta_inbound(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<ChannelId>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<StatusCode> {
    let (channel, creds) = load(&state, peer, id, &[ChannelKind::MetaWhatsapp]).await?;
    meta::verify_signature(
        creds.app_secret.as_deref().unwrap_or_default(),
        &body,
        header(&headers, meta::SIGNATURE_HEADER),
    )
    .map_err(|e| refuse(&state, peer, &channel, e))?;
    let events = meta::parse_webhook(&body, now_ms()).map_err(bad_payload)?;
    apply(&state, &channel, events).await?;
    Ok(StatusCode::OK)
}

/// Telegram Bot API updates, with the secret token header set by `setWebhook`.
#[utoipa::path(post, path = "/webhooks/telegram/{channel_id}", tag = "webhooks", security(()),
    params(("channel_id" = ChannelId, Path, description = "Channel id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200), (status = 403, body = ErrorBody)))]
pub async fn telegram_inbound(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<ChannelId>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<StatusCode> {
    let (channel, creds) = load(&state, peer, id, &[ChannelKind::Telegram]).await?;
    telegram::verify_secret_token(
        creds.secret_token.as_deref().unwrap_or_default(),
        header(&headers, telegram::SECRET_HEADER),
    )
    .map_err(|e| refuse(&state, peer, &channel, e))?;
    let event = telegram::parse_update(&body, now_ms()).map_err(bad_payload)?;
    apply(&state, &channel, event.into_iter().collect()).await?;
    Ok(StatusCode::OK)
}

/// WhatsApp Web bridge (Evolution API) events, with our per-channel secret header.
#[utoipa::path(post, path = "/webhooks/whatsapp-web/{channel_id}", tag = "webhooks", security(()),
    params(("channel_id" = ChannelId, Path, description = "Channel id")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 200), (status = 403, body = ErrorBody)))]
pub async fn evolution_inbound(
    State(state): State<AppState>,
    peer: Peer,
    AppPath(id): AppPath<ChannelId>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<StatusCode> {
    let (channel, creds) = load(&state, peer, id, &[ChannelKind::WhatsappWeb]).await?;
    evolution::verify_secret(
        creds.webhook_secret.as_deref().unwrap_or_default(),
        header(&headers, evolution::SECRET_HEADER),
    )
    .map_err(|e| refuse(&state, peer, &channel, e))?;
    let events = evolution::parse_webhook(&body, now_ms()).map_err(bad_payload)?;
    apply(&state, &channel, events).await?;
    Ok(StatusCode::OK)
}
