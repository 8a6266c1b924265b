//! Messaging scenarios: signed Twilio SMS webhooks (verified, persisted, acknowledged) and
//! outbound sends through the outbox to the fake Twilio.
use std::{
    net::SocketAddr,
    sync::Arc,
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

use serde_json::json;
use switchboard_domain::{
    BusinessId, ChannelId,
    message::{ChannelKind, OutboundContent},
};
use switchboard_store::{Store, crypto::SecretBox, messaging::NewChannel};
use switchboard_test_support::twilio;

use crate::{Args, Row};

const TOKEN: &str = "bench-auth-token";

pub async fn run(
    backend: &'static str,
    store: &Store,
    secrets: &SecretBox,
    addr: SocketAddr,
    business: BusinessId,
    args: &Args,
) -> anyhow::Result<Vec<Row>> {
    let fake = twilio::spawn().await?;
    let tenant = store.tenant(business);
    let channel_id = ChannelId::new();
    let creds = json!({"account_sid": "AC00000000000000000000000000000000", "auth_token": TOKEN})
        .to_string();
    tenant
        .create_channel(NewChannel {
            id: channel_id,
            kind: ChannelKind::TwilioSms,
            name: "bench".into(),
            address: "+14155559999".into(),
            credentials: secrets.seal(&creds, &channel_id.to_string())?,
            api_base: Some(fake.url()),
            settings: json!({"send_rate_per_sec": 1000}),
        })
        .await?;
    let url = format!("http://{addr}/webhooks/twilio/{channel_id}");
    let client = reqwest::Client::new();

    // twilio_webhook
    let counter = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (client, url, counter) = (client.clone(), url.clone(), counter.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let from = format!("+1415555{:04}", 1000 + n % 100);
                let params =
                    twilio::sms_params(&format!("SM{n:032}"), &from, "+14155559999", "bench");
                let (sig, body) = twilio::signed_sms_webhook(TOKEN, &url, &params);
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", sig)
                    .body(body)
                    .send()
                    .await;
                if matches!(r, Ok(ref r) if r.status() == 200) {
                    lat.push(t.elapsed());
                }
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await?);
    }
    let mut rows = vec![Row {
        backend,
        scenario: "twilio_webhook",
        count: lat.len(),
        per_sec: lat.len() as f64 / started.elapsed().as_secs_f64(),
        lat,
    }];

    // outbound_send: the workers also process the inbound backlog; wait for it first.
    wait_idle(store).await?;
    let conv = tenant
        .list_conversations(&switchboard_store::conversations::ConversationFilter {
            limit: 1,
            ..Default::default()
        })
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no conversation"))?;
    let n = args.jobs.min(1000);
    let before = fake.message_requests().len();
    let started = Instant::now();
    let mut ids = Vec::new();
    for i in 0..n {
        ids.extend(
            tenant
                .queue_outbound(
                    &conv,
                    &[OutboundContent::text(format!("bench {i}"))],
                    "bot",
                    None,
                )
                .await?,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while fake.message_requests().len() < before + n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    let mut lat = Vec::new();
    for id in ids {
        let m = tenant.get_message(id).await?;
        if let (Some(q), Some(s)) = (m.queued_at, m.sent_at) {
            lat.push(Duration::from_millis((s - q).max(0) as u64));
        }
    }
    rows.push(Row {
        backend,
        scenario: "outbound_send",
        count: lat.len(),
        per_sec: lat.len() as f64 / elapsed.as_secs_f64(),
        lat,
    });
    Ok(rows)
}

async fn wait_idle(store: &Store) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        let pending: i64 = store
            .job_counts()
            .await?
            .into_iter()
            .filter(|(s, _)| s == "queued" || s == "running")
            .map(|(_, n)| n)
            .sum();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}
