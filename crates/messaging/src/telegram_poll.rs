//! Telegram long polling, for development machines no webhook can reach: channels created with
//! `polling: true` are polled with `getUpdates`, and each update goes down the same idempotent
//! path as a webhook (deduplicated on `update_id`), so a restart that sees an update again
//! stores nothing twice.
use std::{collections::HashMap, time::Duration};

use switchboard_channels::{TelegramClient, telegram};
use switchboard_domain::{ChannelId, message::ChannelKind, retry::Backoff};
use switchboard_store::messaging::ChannelRow;
use tokio_util::sync::CancellationToken;

use switchboard_store::worker::Worker;

use crate::{context::Context, creds::Credentials, ingest::ingest};

/// What polling needs: the pipeline's context and the worker that new messages wake.
#[derive(Clone)]
pub struct Poller {
    pub ctx: Context,
    pub worker: Worker,
}

/// Long-poll wait per request; Telegram holds the request open up to this long.
const POLL_SECS: u64 = 25;

pub fn is_polling(row: &ChannelRow) -> bool {
    row.settings_json()["polling"].as_bool() == Some(true)
}

fn client(ctx: &Context, row: &ChannelRow) -> anyhow::Result<TelegramClient> {
    let creds = Credentials::open(&ctx.secrets, row)?;
    let mut c = TelegramClient::new(ctx.http().clone(), creds.telegram());
    if let Some(b) = &row.api_base {
        ctx.outbound
            .check(b)
            .map_err(|e| anyhow::anyhow!("api_base refused: {e}"))?;
        c = c.with_api_base(b.clone());
    }
    Ok(c)
}

/// One `getUpdates` round for a channel: stores what arrived and returns the next offset.
pub async fn poll_once(
    poller: &Poller,
    row: &ChannelRow,
    offset: Option<i64>,
    wait_secs: u64,
) -> anyhow::Result<Option<i64>> {
    let updates = client(&poller.ctx, row)?
        .get_updates(offset, wait_secs)
        .await?;
    let events = updates.iter().filter_map(|u| u.event.clone()).collect();
    ingest(&poller.ctx.store, &poller.worker, row, events)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(telegram::next_offset(&updates, offset))
}

/// Polls every polling Telegram channel until `shutdown`; picks up new channels every few
/// seconds.
pub async fn run(poller: Poller, shutdown: CancellationToken) {
    let mut tasks: HashMap<ChannelId, tokio::task::JoinHandle<()>> = HashMap::new();
    loop {
        tasks.retain(|_, t| !t.is_finished());
        match poller
            .ctx
            .store
            .active_channels_of_kind(ChannelKind::Telegram)
            .await
        {
            Ok(rows) => {
                for row in rows.into_iter().filter(is_polling) {
                    if tasks.contains_key(&row.id) {
                        continue;
                    }
                    let (poller, token, id) = (poller.clone(), shutdown.clone(), row.id);
                    tasks.insert(id, tokio::spawn(poll_channel(poller, row, token)));
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

async fn poll_channel(poller: Poller, row: ChannelRow, shutdown: CancellationToken) {
    // Telegram refuses getUpdates while a webhook is set.
    if let Ok(c) = client(&poller.ctx, &row)
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
            r = poll_once(&poller, &row, offset, POLL_SECS) => r,
        };
        match round {
            Ok(next) => {
                offset = next;
                failures = 0;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let _ = poller
                    .ctx
                    .store
                    .set_channel_error(row.id, &e.to_string())
                    .await;
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
