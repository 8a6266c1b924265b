//! The real binary: jobs survive SIGKILL, and two processes sharing PostgreSQL never run the
//! same job twice.
use std::{
    collections::HashMap,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use switchboard_store::{
    Store,
    jobs::{JobStatus, NewJob},
};
use switchboard_test_support::db;

struct Server {
    child: Child,
    base: String,
    lines: Arc<Mutex<Vec<String>>>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(db_url: &str, workers: bool) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SWITCHBOARD_DATABASE_URL", db_url)
        .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
        .env("SWITCHBOARD_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("SWITCHBOARD_RUN_WORKERS", workers.to_string())
        .env("SWITCHBOARD_WORKER_CONCURRENCY", "4")
        .env("SWITCHBOARD_LOG_FORMAT", "json")
        .env("SWITCHBOARD_LOG_LEVEL", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start switchboard");
    let lines = Arc::new(Mutex::new(Vec::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
    }
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "switchboard exited early ({status}): {:?}",
                lines.lock().unwrap()
            );
        }
        assert!(
            Instant::now() < deadline,
            "server did not become ready: {:?}",
            lines.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Server { child, base, lines }
}

impl Server {
    fn sigkill(mut self) {
        // `Child::kill` sends SIGKILL on Unix: no shutdown code runs.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn finished_job_ids(&self) -> Vec<i64> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["fields"]["message"] == "job done")
            .filter_map(|v| v["fields"]["job_id"].as_i64())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_done(store: &Store, ids: &[i64], timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        let mut pending = 0;
        for id in ids {
            if store.get_job(*id).await.unwrap().status != JobStatus::Done {
                pending += 1;
            }
        }
        if pending == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{pending} jobs still not done");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_job_enqueued_before_sigkill_runs_after_restart() {
    let db = db::fresh().await;
    let first = start(&db.url, false).await;
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{}/healthz", first.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let store = Store::connect(&db.url).await.unwrap();
    let id = store
        .enqueue(NewJob::new("system.noop", json!({"survives": "sigkill"})))
        .await
        .unwrap()
        .id;
    first.sigkill();
    assert_eq!(store.get_job(id).await.unwrap().status, JobStatus::Queued);

    let second = start(&db.url, true).await;
    wait_done(&store, &[id], Duration::from_secs(30)).await;
    assert_eq!(second.finished_job_ids(), vec![id]);
    store.close().await;
}

#[tokio::test]
async fn two_processes_on_postgres_never_run_a_job_twice() {
    let Some(base) = db::postgres_base_url() else {
        eprintln!(
            "skipped: two_processes_on_postgres_never_run_a_job_twice needs TEST_DATABASE_URL (PostgreSQL)"
        );
        return;
    };
    let db = db::fresh_postgres(&base).await;
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let a = start(&db.url, true).await;
    let b = start(&db.url, true).await;
    let mut ids = Vec::new();
    for i in 0..300 {
        let mut job = NewJob::new("system.noop", json!({"n": i}));
        if i % 3 == 0 {
            job = job.queue_key(format!("conv-{}", i % 7));
        }
        ids.push(store.enqueue(job).await.unwrap().id);
    }
    wait_done(&store, &ids, Duration::from_secs(120)).await;
    // Give the last log lines a moment to arrive.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut runs: HashMap<i64, usize> = HashMap::new();
    for id in a.finished_job_ids().into_iter().chain(b.finished_job_ids()) {
        *runs.entry(id).or_default() += 1;
    }
    for id in &ids {
        assert_eq!(
            runs.get(id),
            Some(&1),
            "job {id} ran {:?} times",
            runs.get(id)
        );
        assert_eq!(store.get_job(*id).await.unwrap().attempts, 1);
    }
    eprintln!(
        "process A ran {} jobs, process B ran {}",
        a.finished_job_ids().len(),
        b.finished_job_ids().len()
    );
    store.close().await;
}
