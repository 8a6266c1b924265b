//! The durable job queue: idempotency, per-key order, retries with growing delays, death,
//! and the dead-jobs API.
use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_store::{
    jobs::{Job, JobStatus, NewJob},
    worker::{JobError, JobHandler, Worker, WorkerConfig},
};

use crate::helpers::{assert_error, spawn_app};

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<(String, Instant)>>>);

struct Record(Log);

#[async_trait]
impl JobHandler for Record {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let tag = job.payload["tag"].as_str().unwrap_or("").to_string();
        // Long enough that concurrent workers would interleave if ordering were not enforced.
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.0.0.lock().unwrap().push((tag, Instant::now()));
        Ok(())
    }
}

/// Fails every run, noting when it ran by the app's clock.
struct AlwaysFails {
    runs: Arc<Mutex<Vec<i64>>>,
    clock: switchboard_domain::time::Clock,
}

#[async_trait]
impl JobHandler for AlwaysFails {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.runs.lock().unwrap().push(self.clock.now_ms());
        Err(JobError::retry("upstream answered 503"))
    }
}

fn fast() -> WorkerConfig {
    WorkerConfig {
        concurrency: 4,
        poll_interval: Duration::from_millis(20),
        lease: Duration::from_secs(30),
        backoff_base: Duration::from_millis(300),
        backoff_max: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn idempotency_keys_and_per_key_order() {
    let app = spawn_app().await;
    let log = Log::default();
    let worker = Worker::builder(app.store.clone())
        .config(fast())
        .handler("test.record", Record(log.clone()))
        .build();

    let first = app
        .store
        .enqueue(NewJob::new("test.record", json!({"tag": "once"})).idempotency_key("fact-1"))
        .await
        .unwrap();
    let again = app
        .store
        .enqueue(NewJob::new("test.record", json!({"tag": "once"})).idempotency_key("fact-1"))
        .await
        .unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.id, again.id);

    for i in 0..20 {
        let key = if i % 2 == 0 { "conv-a" } else { "conv-b" };
        app.store
            .enqueue(
                NewJob::new("test.record", json!({"tag": format!("{key}:{i:02}")})).queue_key(key),
            )
            .await
            .unwrap();
    }
    // Run the pool for real (concurrently), then check each key's order.
    let token = tokio_util::sync::CancellationToken::new();
    let handle = tokio::spawn(worker.clone().run(token.clone()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while log.0.lock().unwrap().len() < 21 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    token.cancel();
    handle.await.unwrap();
    let tags: Vec<String> = log
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(t, _)| t.clone())
        .collect();
    assert_eq!(tags.len(), 21, "{tags:?}");
    assert_eq!(tags.iter().filter(|t| *t == "once").count(), 1);
    for key in ["conv-a", "conv-b"] {
        let seq: Vec<&String> = tags.iter().filter(|t| t.starts_with(key)).collect();
        let mut sorted = seq.clone();
        sorted.sort();
        assert_eq!(seq, sorted, "jobs of {key} ran out of order");
    }
    assert_eq!(worker.drain().await.unwrap(), 0);
    app.stop().await;
}

#[tokio::test]
async fn retryable_failures_back_off_and_end_dead() {
    let app = spawn_app().await;
    let a = app.seed_business("Jobs Co").await;
    let runs = Arc::new(Mutex::new(Vec::new()));
    let failing = AlwaysFails {
        runs: runs.clone(),
        clock: app.clock.clock(),
    };
    let worker = Worker::builder(app.store.clone())
        .config(fast())
        .handler("test.fails", failing)
        .build();
    let biz = a.business_id.parse().unwrap();
    let id = app
        .store
        .enqueue(
            NewJob::new("test.fails", json!({}))
                .business(biz)
                .max_attempts(4),
        )
        .await
        .unwrap()
        .id;

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        worker.drain().await.unwrap();
        let job = app.store.get_job(id).await.unwrap();
        if job.status == JobStatus::Dead || Instant::now() > deadline {
            break;
        }
        app.clock.advance(Duration::from_millis(100));
    }
    let job = app.store.get_job(id).await.unwrap();
    assert_eq!(job.status, JobStatus::Dead);
    assert_eq!(job.attempts, 4);
    assert_eq!(job.last_error.as_deref(), Some("upstream answered 503"));
    let times = runs.lock().unwrap().clone();
    assert_eq!(times.len(), 4, "ran exactly max_attempts times");
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps[0] >= 225, "{gaps:?} ms");
    assert!(
        gaps.windows(2).all(|g| g[1] > g[0]),
        "delays must grow: {gaps:?}"
    );

    // Dead jobs are listed by the API and can be retried.
    let dead: Value = app
        .get("/api/v1/jobs?status=dead", &a.owner_key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dead.as_array().unwrap().len(), 1);
    assert_eq!(dead[0]["id"], id);
    assert_eq!(dead[0]["attempts"], 4);
    let other = app.seed_business("Other Jobs").await;
    assert_error(
        app.request(
            Method::POST,
            &format!("/api/v1/jobs/{id}/retry"),
            Some(&other.owner_key),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let r = app
        .request(
            Method::POST,
            &format!("/api/v1/jobs/{id}/retry"),
            Some(&a.owner_key),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.store.get_job(id).await.unwrap().status,
        JobStatus::Queued
    );
    app.stop().await;
}

#[tokio::test]
async fn a_job_whose_worker_vanished_is_claimed_again_after_its_lease() {
    let app = spawn_app().await;
    let id = app
        .store
        .enqueue(NewJob::new("system.noop", json!({})))
        .await
        .unwrap()
        .id;
    // A worker claims it and "dies" (never completes).
    let claimed = app.store.claim_jobs("dead-worker", 1, 1500).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(
        app.store
            .claim_jobs("other", 1, 1500)
            .await
            .unwrap()
            .is_empty(),
        "leased job is not claimable"
    );
    app.clock.advance(Duration::from_millis(1600));
    assert_eq!(app.state.worker.drain().await.unwrap(), 1);
    let job = app.store.get_job(id).await.unwrap();
    assert_eq!(job.status, JobStatus::Done);
    assert_eq!(job.attempts, 2);
    // The dead worker's late completion does not count.
    assert!(!app.store.complete_job(id, "dead-worker").await.unwrap());
    app.stop().await;
}

struct Panics;

#[async_trait]
impl JobHandler for Panics {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        panic!("bad input");
    }
}

#[tokio::test]
async fn a_panicking_handler_fails_its_job_for_good() {
    let app = spawn_app().await;
    let worker = Worker::builder(app.store.clone())
        .config(fast())
        .handler("test.panics", Panics)
        .build();
    let id = app
        .store
        .enqueue(NewJob::new("test.panics", json!({})))
        .await
        .unwrap()
        .id;
    worker.drain().await.unwrap();
    let job = app.store.get_job(id).await.unwrap();
    assert_eq!(job.status, JobStatus::Dead);
    assert!(job.last_error.unwrap().contains("panicked: bad input"));
    app.stop().await;
}
