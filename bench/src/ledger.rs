//! Ledger charges through the store: `charge_hot` (every charge against one wallet, the
//! worst case for row contention) and `charge_spread` (charges across many wallets), each
//! from `--concurrency` tasks; charges/s and per-charge latency.
use std::time::{Duration, Instant};

use switchboard_domain::BusinessId;
use switchboard_store::{
    Store,
    ledger::{NewTransfer, kind},
};

use crate::{Args, Row};

async fn scenario(
    backend: &'static str,
    name: &'static str,
    store: &Store,
    business: BusinessId,
    wallets: usize,
    args: &Args,
) -> anyhow::Result<Row> {
    let t = store.tenant(business);
    let clearing = t.ledger_account(kind::PAYMENT_CLEARING, "", "USD").await?;
    let revenue = t.ledger_account(kind::PLATFORM_REVENUE, "", "USD").await?;
    let mut accounts = Vec::new();
    for i in 0..wallets {
        let w = t
            .ledger_account(kind::CUSTOMER_WALLET, &format!("{name}-{i}"), "USD")
            .await?;
        t.transfer(NewTransfer {
            idempotency_key: &format!("fund:{name}:{i}"),
            kind: "topup",
            debit: &clearing,
            credit: &w,
            amount: 1_000_000_000,
            reason: "bench",
        })
        .await?;
        accounts.push(w);
    }
    let per_task = args.jobs.div_ceil(args.concurrency.max(1));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..args.concurrency.max(1) {
        let t = t.clone();
        let revenue = revenue.clone();
        let accounts = accounts.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_task);
            for n in 0..per_task {
                let wallet = &accounts[(task * per_task + n) % accounts.len()];
                let key = format!("{name}:{task}:{n}");
                let t0 = Instant::now();
                t.transfer(NewTransfer {
                    idempotency_key: &key,
                    kind: "ai_reply",
                    debit: wallet,
                    credit: &revenue,
                    amount: 1,
                    reason: "bench",
                })
                .await?;
                lat.push(t0.elapsed());
            }
            Ok::<Vec<Duration>, anyhow::Error>(lat)
        }));
    }
    let mut lat = Vec::new();
    for task in tasks {
        lat.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64().max(1e-9);
    Ok(Row {
        backend,
        scenario: name,
        count: lat.len(),
        per_sec: lat.len() as f64 / elapsed,
        lat,
    })
}

pub async fn run(
    backend: &'static str,
    store: &Store,
    business: BusinessId,
    args: &Args,
) -> anyhow::Result<Vec<Row>> {
    Ok(vec![
        scenario(backend, "charge_hot", store, business, 1, args).await?,
        scenario(backend, "charge_spread", store, business, 256, args).await?,
    ])
}
