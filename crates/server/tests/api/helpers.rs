//! `spawn_app()`: the server on port 0 with a fresh database, plus typed request helpers.
#![allow(dead_code)]

use reqwest::{Client, Method, Response};
use serde_json::{Value, json};
use switchboard_domain::time::ManualClock;
use switchboard_server::{AppState, Config, launch};
use switchboard_store::Store;
use switchboard_test_support::db::{self, TestDb};
use tokio_util::sync::CancellationToken;

mod requests;

pub const ADMIN: &str = "test-admin-token-0123456789";

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub state: AppState,
    pub store: Store,
    pub shutdown: CancellationToken,
    pub server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    pub db: TestDb,
    /// The app's clock: the wall clock plus what a test advanced, so a test moves past a
    /// lease, an expiry or a burst window instead of sleeping.
    pub clock: ManualClock,
}

/// A running app whose worker pool is off: tests drive jobs with `drain`.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_with_clock(ManualClock::running(), tweak).await
}

/// An app on the given clock (e.g. a frozen one, which moves only when the test advances it).
pub async fn spawn_app_with_clock(clock: ManualClock, tweak: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        switchboard_server::ops::telemetry::init(Default::default(), "debug");
    }
    let db = db::fresh().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = Config::for_tests(&db.url);
    config.public_url = format!("http://{addr}");
    // The fake providers listen on loopback, which the outbound guard refuses by default.
    config.outbound_allow = "127.0.0.1".into();
    tweak(&mut config);
    let store = Store::connect(&config.database_url)
        .await
        .unwrap()
        .with_clock(clock.clock());
    store.migrate().await.unwrap();
    let state = AppState::with_store(config, store).unwrap();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(launch(listener, state.clone(), shutdown.clone()));
    TestApp {
        base: format!("http://{addr}"),
        client: Client::new(),
        store: state.store.clone(),
        state,
        shutdown,
        server: Some(server),
        db,
        clock,
    }
}

pub struct Seeded {
    pub business_id: String,
    pub owner_key: String,
    pub owner_email: String,
    pub owner_password: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// A business with an owner user and an owner API key, made through the API. Its AI agent
    /// is off, so messaging tests see only the traffic they make; agent tests use
    /// [`seed_agent_business`](Self::seed_agent_business).
    pub async fn seed_business(&self, name: &str) -> Seeded {
        self.seed_business_in(name, "America/New_York", false).await
    }

    /// A business with its agent on (the rule-based agent until a model is configured).
    pub async fn seed_agent_business(&self, name: &str, time_zone: &str) -> Seeded {
        self.seed_business_in(name, time_zone, true).await
    }

    pub async fn seed_business_in(&self, name: &str, time_zone: &str, agent: bool) -> Seeded {
        let r = self
            .post(
                "/api/v1/businesses",
                ADMIN,
                json!({"name": name, "time_zone": time_zone, "features": {"agent": agent}}),
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let b: Value = r.json().await.unwrap();
        let id = b["id"].as_str().unwrap().to_string();
        let email = format!("owner@{}.example", b["slug"].as_str().unwrap());
        let password = "owner-password-123".to_string();
        let r = self
            .request(
                Method::POST,
                "/api/v1/users",
                Some(ADMIN),
                Some(json!({"email": email, "password": password, "role": "owner"})),
            )
            .await;
        // The admin acts inside a business through X-Business-Id.
        assert_eq!(r.status(), 400);
        let r = self
            .client
            .post(self.url("/api/v1/users"))
            .bearer_auth(ADMIN)
            .header("x-business-id", &id)
            .json(&json!({"email": email, "password": password, "role": "owner"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let r = self
            .client
            .post(self.url("/api/v1/api-keys"))
            .bearer_auth(ADMIN)
            .header("x-business-id", &id)
            .json(&json!({"name": "owner key", "role": "owner"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let k: Value = r.json().await.unwrap();
        Seeded {
            business_id: id,
            owner_key: k["secret"].as_str().unwrap().to_string(),
            owner_email: email,
            owner_password: password,
        }
    }

    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
    }
}

/// Asserts the stable error body and returns it.
pub async fn assert_error(resp: Response, status: u16, code: &str) -> Value {
    let got = resp.status().as_u16();
    let rid = resp
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_string());
    let text = resp.text().await.unwrap();
    assert_eq!(got, status, "body: {text}");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    assert_eq!(body["error"], code, "body: {text}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{text}"
    );
    assert_eq!(
        body["request_id"].as_str(),
        rid.as_deref(),
        "request id echoed in body and header"
    );
    body
}
