//! The application state every handler and middleware shares; the router and `launch` are in
//! `serve`.
use std::{sync::Arc, time::Duration};

use axum::extract::FromRef;
use secrecy::ExposeSecret;
use switchboard_channels::netguard::GuardedClient;
use switchboard_store::{
    Store,
    crypto::SecretBox,
    worker::{Worker, WorkerConfig},
};

use crate::{
    config::Config,
    jobs,
    ops::{
        limits::{Limits, TrustedProxies},
        sign_in_throttle::SignInThrottle,
    },
};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub secrets: SecretBox,
    pub worker: Worker,
    /// One HTTP client for every provider API (connection reuse, timeouts, rustls), guarded
    /// by the operator's outbound allow-list (names are checked when they resolve).
    pub http: reqwest::Client,
    /// The same client with its policy, to check configured URLs (IP literals skip DNS).
    pub outbound: GuardedClient,
    pub limits: Limits,
    pub sign_in: SignInThrottle,
}

impl AppState {
    /// Connects, migrates and wires the worker's handlers.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let store = Store::connect(&config.database_url).await?;
        store.migrate().await?;
        Self::with_store(config, store)
    }

    pub fn with_store(config: Config, store: Store) -> anyhow::Result<Self> {
        let secrets = match &config.master_key {
            Some(k) => SecretBox::from_config(k.expose_secret())?,
            None => {
                tracing::warn!(
                    "SWITCHBOARD_MASTER_KEY is not set: using a throw-away key, secrets stored now will not open after a restart"
                );
                SecretBox::from_config(&SecretBox::generate_key_spec())?
            }
        };
        // Every provider call goes through the guarded client: channel and model URLs are the
        // tenants' to set, so they must not reach the operator's internal network.
        let policy = Arc::new(config.outbound_policy()?);
        let http = switchboard_channels::build_guarded_client(policy.clone())?;
        let outbound = GuardedClient::new(http.clone(), policy);
        let limits = Limits::new(config.webhook_rate_per_sec);
        let pipeline = switchboard_messaging::Context {
            store: store.clone(),
            secrets: secrets.clone(),
            outbound: outbound.clone(),
            public_base: config.public_base().into(),
        };
        let worker = jobs::build_worker(
            &pipeline,
            WorkerConfig {
                concurrency: config.worker_concurrency.max(1),
                backoff_base: Duration::from_millis(config.job_retry_base_ms.max(1)),
                lease: Duration::from_secs(config.job_lease_secs.max(1)),
                ..WorkerConfig::default()
            },
        );
        Ok(AppState {
            store,
            config: Arc::new(config),
            secrets,
            worker,
            http,
            outbound,
            limits,
            sign_in: Default::default(),
        })
    }
}

impl FromRef<AppState> for TrustedProxies {
    fn from_ref(state: &AppState) -> Self {
        TrustedProxies(state.config.trusted_proxy_list())
    }
}
