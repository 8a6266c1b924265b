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
    start_with(db_url, workers, &[]).await
}

async fn start_with(db_url: &str, workers: bool, extra: &[(&str, &str)]) -> Server {
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    cmd.env_clear();
    cmd.env("SWITCHBOARD_PUBLIC_URL", format!("http://127.0.0.1:{port}"));
    // `serve` refuses to start without a master key; tests that seal secrets pass their own.
    cmd.env(
        "SWITCHBOARD_MASTER_KEY",
        switchboard_store::crypto::SecretBox::generate_key_spec(),
    );
    for (k, v) in extra {
        cmd.env(k, v.replace("{port}", &port.to_string()));
    }
    let mut child = cmd
        .arg("serve")
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SWITCHBOARD_DATABASE_URL", db_url)
        .env("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}"))
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
    // The last log lines may still be on their way: wait until every job's line has arrived.
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.finished_job_ids().len() + b.finished_job_ids().len() < ids.len()
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
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

#[tokio::test]
async fn a_thousand_acknowledged_webhooks_survive_sigkill_and_are_processed_once() {
    use switchboard_domain::{ChannelId, message::ChannelKind};
    use switchboard_store::{businesses::NewBusiness, crypto::SecretBox, messaging::NewChannel};
    use switchboard_test_support::twilio;

    let db = db::fresh().await;
    let key_spec = SecretBox::generate_key_spec();
    let secrets = SecretBox::from_config(&key_spec).unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    let biz = store
        .create_business(NewBusiness {
            name: "Load".into(),
            slug: "load".into(),
            time_zone: "UTC".into(),
            default_language: Default::default(),
            features: Default::default(),
        })
        .await
        .unwrap();
    let tenant = store.tenant(biz.id);
    let channel_id = ChannelId::new();
    let creds =
        json!({"account_sid": "AC00000000000000000000000000000000", "auth_token": "load-token"})
            .to_string();
    tenant
        .create_channel(NewChannel {
            id: channel_id,
            kind: ChannelKind::TwilioSms,
            name: "sms".into(),
            address: "+14155559999".into(),
            credentials: secrets.seal(&creds, &channel_id.to_string()).unwrap(),
            api_base: Some("http://127.0.0.1:9".into()),
            settings: json!({}),
        })
        .await
        .unwrap();
    let env = [
        ("SWITCHBOARD_MASTER_KEY", key_spec.as_str()),
        ("SWITCHBOARD_JOB_LEASE_SECS", "2"),
    ];
    let server = start_with(&db.url, true, &env).await;
    let url = format!("{}/webhooks/twilio/{channel_id}", server.base);
    let client = reqwest::Client::new();
    let acked = Arc::new(Mutex::new(0usize));
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for i in (worker..1000).step_by(16) {
                let from = format!("+1415555{:04}", 1000 + (i % 50));
                let params = twilio::sms_params(
                    &format!("SM{i:032}"),
                    &from,
                    "+14155559999",
                    &format!("message {i}"),
                );
                let (sig, body) = twilio::signed_sms_webhook("load-token", &url, &params);
                let r = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", sig)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                *acked.lock().unwrap() += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*acked.lock().unwrap(), 1000);
    // Killed while its workers are still processing the backlog.
    server.sigkill();
    assert_eq!(
        tenant.count_messages("in").await.unwrap(),
        1000,
        "every acknowledged message was stored"
    );

    let _again = start_with(&db.url, true, &env).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let jobs = store
            .list_jobs(Some(biz.id), None, None, 2000)
            .await
            .unwrap();
        let done = jobs
            .iter()
            .filter(|j| j.kind == "conversation.process" && j.status == JobStatus::Done)
            .count();
        if done == 1000 {
            assert_eq!(
                jobs.iter()
                    .filter(|j| j.kind == "conversation.process")
                    .count(),
                1000,
                "one processing job per message"
            );
            break;
        }
        assert!(Instant::now() < deadline, "only {done} of 1000 processed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    store.close().await;
}

/// `switchboard demo` on a fresh data folder: the demo salon is there, and a newcomer books a
/// haircut through the API channel with the rule-based agent (no API key anywhere).
#[tokio::test]
async fn the_demo_salon_books_through_the_api_channel_with_no_api_key() {
    use chrono::{Datelike, Duration as Days, Utc, Weekday};
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SWITCHBOARD_LOG_LEVEL", "warn")
        .arg("demo")
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start switchboard demo");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(Instant::now() < deadline, "demo did not start");
        assert!(child.try_wait().unwrap().is_none(), "demo exited");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let creds: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo-credentials.json")).unwrap(),
    )
    .unwrap();
    let key = creds["api_key"].as_str().unwrap().to_string();
    let get = |path: &str| client.get(format!("{base}{path}")).bearer_auth(&key).send();
    let services: Value = get("/api/v1/services").await.unwrap().json().await.unwrap();
    assert_eq!(services.as_array().unwrap().len(), 3);
    let staff: Value = get("/api/v1/staff").await.unwrap().json().await.unwrap();
    assert_eq!(staff.as_array().unwrap().len(), 2);
    let agent: Value = get("/api/v1/agent").await.unwrap().json().await.unwrap();
    assert_eq!(agent["engine"], "rules");
    let channels: Value = get("/api/v1/channels").await.unwrap().json().await.unwrap();
    let channel = channels
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "api")
        .expect("the demo has an api channel")["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A weekday two or three days ahead on which the salon is open.
    let tz: chrono_tz::Tz = "America/New_York".parse().unwrap();
    let mut day = Utc::now().with_timezone(&tz).date_naive() + Days::days(2);
    if day.weekday() == Weekday::Sun {
        day += Days::days(1);
    }
    let weekday = day.format("%A").to_string();
    let mut n = 0;
    let mut seen = 0;
    let mut say = async |text: &str| -> String {
        n += 1;
        let r = client
            .post(format!("{base}/api/v1/messages/inbound"))
            .bearer_auth(&key)
            .json(&json!({"channel_id": channel, "message_id": format!("demo-{n}"), "from": "+14155550177", "text": text}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let accepted: Value = r.json().await.unwrap();
        let conv = accepted["conversation_id"].as_str().unwrap().to_string();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let c: Value = get(&format!("/api/v1/conversations/{conv}"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let out: Vec<String> = c["messages"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["direction"] == "out")
                .map(|m| m["body"].as_str().unwrap().to_string())
                .collect();
            if out.len() > seen {
                let new = out[seen..].join("\n");
                seen = out.len();
                return new;
            }
            assert!(Instant::now() < deadline, "no reply to {text:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let r = say(&format!("Hi! Can I get a haircut on {weekday}?")).await;
    assert!(r.contains("1)"), "{r}");
    let r = say("1").await;
    assert!(r.contains("Shall I book it?"), "{r}");
    let r = say("yes").await;
    assert!(r.contains("You're booked"), "{r}");
    let booked: Value = get("/api/v1/appointments?status=booked")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(booked.as_array().unwrap().len(), 1);
    // The demo answers as fast as any business with default settings (a 1.5 s burst
    // window made its every reply wait): its window is the default one. How long a reply
    // takes in wall time is measured by the bench (`first_reply`), not here.
    let agent: Value = get("/api/v1/agent").await.unwrap().json().await.unwrap();
    assert_eq!(agent["burst_ms"], 500, "{agent}");
    let _ = child.kill();
    let _ = child.wait();
}
