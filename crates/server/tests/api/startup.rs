//! The binary as an operator starts it: `serve` refuses to run on a throw-away master key,
//! logs one line per request to stderr (never stdout), and `demo` honours SWITCHBOARD_LISTEN,
//! prints its `api` channel and keeps its data folder private.
use std::{
    io::{BufRead, BufReader, Read},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::Value;
use switchboard_test_support::db;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn command(args: &[&str], env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let out = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            out.lock().unwrap().push(line);
        }
    });
    lines
}

struct Running {
    child: Child,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn run_until_ready(mut cmd: Command, port: u16) -> Running {
    let mut child = cmd.spawn().expect("start switchboard");
    let stdout = collect(child.stdout.take().unwrap());
    let stderr = collect(child.stderr.take().unwrap());
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            && r.status() == 200
        {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("exited early ({status}): {:?}", stderr.lock().unwrap());
        }
        assert!(Instant::now() < deadline, "not ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Running {
        child,
        stdout,
        stderr,
    }
}

#[tokio::test]
async fn serve_without_a_master_key_refuses_to_start_and_says_how_to_set_one() {
    let db = db::fresh().await;
    let port = free_port();
    let out = command(
        &["serve"],
        &[
            ("SWITCHBOARD_DATABASE_URL", db.url.clone()),
            ("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}")),
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SWITCHBOARD_MASTER_KEY="), "{err}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens"
    );
}

#[tokio::test]
async fn each_request_is_one_log_line_on_stderr_with_route_status_latency_and_id() {
    let db = db::fresh().await;
    let port = free_port();
    let cmd = command(
        &["serve"],
        &[
            ("SWITCHBOARD_DATABASE_URL", db.url.clone()),
            ("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}")),
            (
                "SWITCHBOARD_MASTER_KEY",
                switchboard_store::crypto::SecretBox::generate_key_spec(),
            ),
            ("SWITCHBOARD_RUN_WORKERS", "false".into()),
            ("SWITCHBOARD_LOG_FORMAT", "json".into()),
        ],
    );
    let server = run_until_ready(cmd, port).await;
    let r = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .header("x-request-id", "req-startup-test-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let found = server
            .stderr
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|v| v["fields"]["request_id"] == "req-startup-test-1");
        if let Some(v) = found {
            break v;
        }
        assert!(Instant::now() < deadline, "no request line on stderr");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["fields"]["route"], "/healthz");
    assert_eq!(line["fields"]["status"], 200);
    assert!(line["fields"]["latency_ms"].is_u64(), "{line}");
    assert!(
        server.stdout.lock().unwrap().is_empty(),
        "logs stay off stdout: {:?}",
        server.stdout.lock().unwrap()
    );
    // The public URL was not set: the server says so.
    assert!(
        server
            .stderr
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("SWITCHBOARD_PUBLIC_URL is not set")),
        "{:?}",
        server.stderr.lock().unwrap()
    );
}

#[cfg(unix)]
#[tokio::test]
async fn demo_listens_on_switchboard_listen_prints_its_api_channel_and_keeps_files_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("demo-data");
    let port = free_port();
    let cmd = command(
        &["demo", "--data-dir", data.to_str().unwrap()],
        &[
            ("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}")),
            ("SWITCHBOARD_RUN_WORKERS", "false".into()),
        ],
    );
    let server = run_until_ready(cmd, port).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let banner = loop {
        let out = server.stdout.lock().unwrap().join("\n");
        if out.contains("docs:") {
            break out;
        }
        assert!(Instant::now() < deadline, "no banner: {out}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        banner.contains(&format!("http://127.0.0.1:{port}")),
        "{banner}"
    );
    let channel = banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("api channel"))
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    assert!(channel.parse::<uuid::Uuid>().is_ok(), "{banner}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("switchboard.db")), 0o600);
}
