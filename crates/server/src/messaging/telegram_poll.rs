//! Telegram long polling, for development machines no webhook can reach: channels created with
//! `polling: true` are polled with `getUpdates`, and each update goes down the same idempotent
//! path as a webhook (deduplicated on `update_id`), so a restart that sees an update again
//! stores nothing twice.
use std::{collections::HashMap, time::Duration};

use switchboard_channels::{TelegramClient, telegram};
use switchboard_domain::{message::ChannelKind, retry::Backoff};
use switchboard_store::messaging::ChannelRow;
use tokio_util::sync::CancellationToken;

use crate::{api::webhooks::apply, app::AppState, messaging::creds::Credentials};

/// Long-poll wait per request; Telegram holds the request open up to this long.
const POLL_SECS: u64 = 25;

pub fn is_polling(row: &ChannelRow) -> bool {
    row.settings_json()["polling"].as_bool() == Some(true)
}

fn client(state: &AppState, row: &ChannelRow) -> anyhow::Result<TelegramClient> {
    let creds = Credentials::open(&state.secrets, row)?;
    let mut c = TelegramClient::new(state.http.clone(), creds.telegram());
    if let Some(b) = &row.api_base {
        state
            .outbound
            .check(b)
            .map_err(|e| anyhow::anyhow!("api_base refused: {e}"))?;
        c = c.with_api_base(b.clone());
    }
    Ok(c)
}

/// One `getUpdates` round for a channel: stores what arrived and returns the next offset.
pub async fn poll_once(
    state: &AppState,
    row: &ChannelRow,
    offset: Option<i64>,
    wait_secs: u64,
) -> anyhow::Result<Option<i64>> {
    let updates = client(state, row)?.get_updates(offset, wait_secs).await?;
    let events = updates.iter().filter_map(|u| u.event.clone()).collect();
    apply(state, row, events)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(telegram::next_offset(&updates, offset))
}

/// Polls every polling Telegram channel until `shutdown`; picks up new channels every few
/// seconds.
pub async fn run(state: AppState, shutdown: CancellationToken) {
    let mut tasks: HashMap<String, tokio::task::JoinHandle<()>> = HashMap::new();
    loop {
        tasks.retain(|_, t| !t.is_finished());
        match state
            .store
            .active_channels_of_kind(ChannelKind::Telegram)
            .await
        {
            Ok(rows) => {
                for row in rows.into_iter().filter(is_polling) {
                    if tasks.contains_key(&row.id) {
                        continue;
                    }
                    let (state, token, id) = (state.clone(), shutdown.clone(), row.id.clone());
                    tasks.insert(id, tokio::spawn(poll_channel(state, row, token)));
                }
            }
            Err(e) => tracing::warn!(error = %e, "listing Telegram channels failed"),
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
    for (_, t) in tasks {
        let _ = t.await;
    }
}

async fn poll_channel(state: AppState, row: ChannelRow, shutdown: CancellationToken) {
    // Telegram refuses getUpdates while a webhook is set.
    if let Ok(c) = client(&state, &row)
        && let Err(e) = c.delete_webhook(false).await
    {
        tracing::warn!(channel = %row.id, error = %e, "deleteWebhook failed");
    }
    let mut offset = None;
    let mut failures = 0u32;
    // 2 s after the first failure, doubling up to a minute; one poller per channel, so no
    // jitter is needed to spread them.
    const POLL_BACKOFF: Backoff =
        Backoff::new(Duration::from_secs(2), Duration::from_secs(64)).with_jitter(0.0);
    loop {
        let round = tokio::select! {
            _ = shutdown.cancelled() => return,
            r = poll_once(&state, &row, offset, POLL_SECS) => r,
        };
        match round {
            Ok(next) => {
                offset = next;
                failures = 0;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let _ = state.store.set_channel_error(&row.id, &e.to_string()).await;
                let wait = POLL_BACKOFF.delay(failures - 1);
                tracing::warn!(channel = %row.id, error = %e, "Telegram polling failed; backing off");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}
