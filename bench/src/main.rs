//! Benchmarks of the running server: an authenticated read, and no-op jobs from enqueue to
//! completion, on SQLite and (when `TEST_DATABASE_URL` is set) PostgreSQL.
#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use serde_json::json;
use switchboard_server::{AppState, Config, launch};
use switchboard_store::jobs::{JobStatus, NewJob};
use switchboard_test_support::db;
use tokio_util::sync::CancellationToken;

#[derive(Parser, Debug)]
#[command(about = "Switchboard benchmarks (see bench/README.md)")]
pub struct Args {
    /// Seconds per HTTP scenario.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Parallel HTTP clients.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// No-op jobs to run.
    #[arg(long, default_value_t = 2000)]
    pub jobs: usize,
}

mod ledger;
mod messaging;

pub struct Row {
    pub backend: &'static str,
    pub scenario: &'static str,
    pub count: usize,
    pub per_sec: f64,
    pub lat: Vec<Duration>,
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut rows = Vec::new();
    let mut dbs = vec![db::fresh_sqlite()];
    if let Some(base) = db::postgres_base_url() {
        dbs.push(db::fresh_postgres(&base).await);
    }
    for d in &dbs {
        rows.extend(run_backend(d, &args).await?);
    }
    println!(
        "\n{:<9} {:<14} {:>8} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "backend", "scenario", "count", "per_sec", "p50_ms", "p90_ms", "p99_ms", "max_ms"
    );
    for mut r in rows {
        r.lat.sort();
        println!(
            "{:<9} {:<14} {:>8} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            r.backend,
            r.scenario,
            r.count,
            r.per_sec,
            pct(&r.lat, 0.50),
            pct(&r.lat, 0.90),
            pct(&r.lat, 0.99),
            pct(&r.lat, 1.0)
        );
    }
    Ok(())
}

async fn run_backend(d: &db::TestDb, args: &Args) -> anyhow::Result<Vec<Row>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = Config::for_tests(&d.url);
    config.run_workers = true;
    config.worker_concurrency = 16;
    config.log_level = "error".into();
    config.public_url = format!("http://{addr}");
    config.webhook_rate_per_sec = 1_000_000;
    let state = AppState::new(config).await?;
    let store = state.store.clone();
    let secrets = state.secrets.clone();
    let token = CancellationToken::new();
    let server = tokio::spawn(launch(listener, state, token.clone()));

    let business = store
        .create_business(switchboard_store::businesses::NewBusiness {
            name: "Bench".into(),
            slug: "bench".into(),
            time_zone: "UTC".into(),
            default_language: Default::default(),
            // The messaging scenarios measure the pipe, not agent turns: with the agent on,
            // every benchmark webhook would queue a turn that competes with later scenarios.
            features: [("agent".to_string(), false)].into(),
        })
        .await?;
    let (_, key) = store
        .tenant(business.id)
        .create_api_key("bench", switchboard_domain::Role::Admin)
        .await?;
    let url = format!("http://{addr}/api/v1/businesses/{}", business.id);
    let client = reqwest::Client::new();

    // auth_read
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (client, url, key) = (client.clone(), url.clone(), key.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client.get(&url).bearer_auth(&key).send().await;
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
    let elapsed = started.elapsed().as_secs_f64();
    let mut rows = vec![Row {
        backend: d.backend,
        scenario: "auth_read",
        count: lat.len(),
        per_sec: lat.len() as f64 / elapsed,
        lat,
    }];

    // jobs_noop
    let started = Instant::now();
    let mut ids = Vec::with_capacity(args.jobs);
    for i in 0..args.jobs {
        ids.push(
            store
                .enqueue(NewJob::new("system.noop", json!({"i": i})))
                .await?
                .id,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let pending = store
            .job_counts()
            .await?
            .into_iter()
            .filter(|(s, _)| s == "queued" || s == "running")
            .map(|(_, n)| n)
            .sum::<i64>();
        if pending == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let mut lat = Vec::new();
    for id in &ids {
        let job = store.get_job(*id).await?;
        if job.status == JobStatus::Done
            && let Some(done) = job.finished_at
        {
            lat.push(Duration::from_millis((done - job.created_at).max(0) as u64));
        }
    }
    rows.push(Row {
        backend: d.backend,
        scenario: "jobs_noop",
        count: lat.len(),
        per_sec: lat.len() as f64 / elapsed.as_secs_f64(),
        lat,
    });
    rows.extend(messaging::run(d.backend, &store, &secrets, addr, business.id, args).await?);
    rows.extend(ledger::run(d.backend, &store, business.id, args).await?);
    token.cancel();
    server.await?.context("server")?;
    Ok(rows)
}
