//! Configuration: built-in defaults, then an optional TOML file (`--config`), then
//! `SWITCHBOARD_*` environment variables (`__` separates nested keys).
use std::{net::SocketAddr, path::Path};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Pretty,
    Json,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite:<path>` or `postgres://...`.
    pub database_url: String,
    pub listen: SocketAddr,
    /// The base URL providers call (webhook URLs and signature checks are built from it).
    /// Unset: derived from `listen` (see [`Config::public_url_derived`]).
    #[serde(default)]
    pub public_url: String,
    /// Master key(s) for secrets at rest: `k2:<base64>,k1:<base64>` (newest first).
    pub master_key: Option<SecretString>,
    /// Platform admin bearer token; no admin access when unset.
    pub admin_token: Option<SecretString>,
    /// Origins allowed by CORS, comma-separated; empty allows none.
    pub cors_origins: String,
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info` or `switchboard=debug,sqlx=warn`.
    pub log_level: String,
    /// Largest accepted request body in bytes.
    pub body_limit: usize,
    /// Request timeout in seconds.
    pub request_timeout_secs: u64,
    /// Jobs run in parallel by this instance's worker pool.
    pub worker_concurrency: usize,
    /// Run the worker pool in this process (turn off for API-only instances).
    pub run_workers: bool,
    /// First retry delay of a failed job in milliseconds (doubles each attempt, with jitter).
    pub job_retry_base_ms: u64,
    /// How long a claimed job stays leased to its worker without a heartbeat; a job whose
    /// worker died is claimed again after this.
    pub job_lease_secs: u64,
    /// Webhook requests that fail verification accepted per second per source IP and per
    /// channel before 429 (bursts of five seconds' worth); verified webhooks are never limited.
    pub webhook_rate_per_sec: u32,
    /// Stripe API base URL (a fake server in tests).
    pub stripe_api_base: String,
    /// Square API base URL (`https://connect.squareupsandbox.com` for the sandbox).
    pub square_api_base: String,
    /// Seconds between billing sweeps (expiring calls and holds whose end never arrived).
    pub billing_sweep_secs: u64,
    /// Internal addresses tenant-configured URLs (channel `api_base`, model `base_url`) may
    /// reach: comma-separated CIDRs, addresses or host[:port]. Empty allows public ones only.
    pub outbound_allow: String,
    /// Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` names the
    /// client; per-client limits (sign-in, the pay form) use the socket address otherwise.
    pub trusted_proxies: String,
    /// True when `public_url` was not configured and was derived from `listen`; `serve` warns,
    /// because providers cannot reach a local address.
    #[serde(skip)]
    pub public_url_derived: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &switchboard_store::db_redact(&self.database_url),
            )
            .field("listen", &self.listen)
            .field("public_url", &self.public_url)
            .field("master_key", &self.master_key.as_ref().map(|_| "***"))
            .field("admin_token", &self.admin_token.as_ref().map(|_| "***"))
            .field("cors_origins", &self.cors_origins)
            .field("log_format", &self.log_format)
            .field("log_level", &self.log_level)
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite:switchboard.db";

impl Config {
    /// Loads defaults → file → environment (the process's `SWITCHBOARD_*` variables).
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        Self::load_from(file, std::env::vars())
    }

    /// [`load`](Self::load) with the environment given, so loading can be tested without
    /// touching the process's variables. Unknown keys, nested tables and malformed values are
    /// errors that name the setting and how to fix it.
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Self> {
        let env = crate::config_keys::settings_from_env::<Config>(env)?;
        let mut b = config::Config::builder()
            .set_default("database_url", DEFAULT_DATABASE_URL)?
            .set_default("listen", "127.0.0.1:8080")?
            .set_default("cors_origins", "")?
            .set_default("log_format", "pretty")?
            .set_default("log_level", "info")?
            .set_default("body_limit", 1024 * 1024)?
            .set_default("request_timeout_secs", 30)?
            .set_default("worker_concurrency", 8)?
            .set_default("run_workers", true)?
            .set_default("job_retry_base_ms", 2000)?
            .set_default("job_lease_secs", 60)?
            .set_default("webhook_rate_per_sec", 200)?
            .set_default("stripe_api_base", "https://api.stripe.com")?
            .set_default("square_api_base", "https://connect.squareup.com")?
            .set_default("billing_sweep_secs", 60)?
            .set_default("trusted_proxies", "")?
            .set_default("outbound_allow", "")?;
        if let Some(path) = file {
            crate::config_keys::check_file::<Config>(path)?;
            b = b.add_source(config::File::from(path).format(config::FileFormat::Toml));
        }
        b = b.add_source(
            config::Environment::with_prefix("SWITCHBOARD")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(env)),
        );
        let built = b.build()?;
        crate::config_keys::check_values(&built)?;
        let mut cfg: Config = built
            .try_deserialize()
            .map_err(crate::config_keys::named_type_error::<Config>)?;
        // An empty value (as copied from .env.example) means "not set".
        for secret in [&mut cfg.master_key, &mut cfg.admin_token] {
            if secret
                .as_ref()
                .is_some_and(|s| s.expose_secret().trim().is_empty())
            {
                *secret = None;
            }
        }
        if cfg.public_url.trim().is_empty() {
            cfg.public_url = crate::config_keys::url_for_listen(cfg.listen);
            cfg.public_url_derived = true;
        }
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        let scheme_ok = ["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|s| self.database_url.starts_with(s));
        if !scheme_ok {
            anyhow::bail!(
                "SWITCHBOARD_DATABASE_URL `{}` has an unsupported scheme: use sqlite:<path> or postgres://...",
                switchboard_store::db_redact(&self.database_url)
            );
        }
        let url = url::Url::parse(&self.public_url)
            .map_err(|e| anyhow::anyhow!("SWITCHBOARD_PUBLIC_URL is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            anyhow::bail!("SWITCHBOARD_PUBLIC_URL must be http(s)");
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log_level) {
            anyhow::bail!(
                "SWITCHBOARD_LOG_LEVEL (log_level) `{}` is not a log filter ({e}): use a level such as `info`, or per-module levels such as `switchboard=debug,sqlx=warn`",
                self.log_level
            );
        }
        if let Some(bad) = self
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .find(|s| !s.is_empty() && s.parse::<std::net::IpAddr>().is_err())
        {
            anyhow::bail!(
                "SWITCHBOARD_TRUSTED_PROXIES (trusted_proxies) `{bad}` is not an IP address: list the proxies' addresses, e.g. `127.0.0.1,10.0.0.5`"
            );
        }
        if let Some(k) = &self.master_key
            && let Err(e) = switchboard_store::crypto::SecretBox::from_config(k.expose_secret())
        {
            anyhow::bail!(
                "SWITCHBOARD_MASTER_KEY (master_key) cannot be read: {e}. Write an id, a colon and 32 random bytes as base64, for example SWITCHBOARD_MASTER_KEY={} (to rotate, put the new key first: k2:...,k1:...)",
                switchboard_store::crypto::SecretBox::generate_key_spec()
            );
        }
        if let Some(t) = &self.admin_token
            && t.expose_secret().len() < 16
        {
            anyhow::bail!("SWITCHBOARD_ADMIN_TOKEN must be at least 16 characters");
        }
        Ok(())
    }

    /// The public base URL without a trailing slash.
    pub fn public_base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }

    /// The parsed `trusted_proxies` (checked by [`validate`](Self::validate)).
    pub fn trusted_proxy_list(&self) -> Vec<std::net::IpAddr> {
        self.trusted_proxies
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }

    pub fn cors_origin_list(&self) -> Vec<String> {
        self.cors_origins
            .split(',')
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A configuration for tests: SQLite or PostgreSQL URL given, everything else local.
    pub fn for_tests(database_url: &str) -> Self {
        Config {
            database_url: database_url.to_string(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://127.0.0.1:0".into(),
            master_key: None,
            admin_token: Some(SecretString::from("test-admin-token-0123456789")),
            cors_origins: String::new(),
            log_format: LogFormat::Pretty,
            log_level: "warn".into(),
            body_limit: 1024 * 1024,
            request_timeout_secs: 30,
            worker_concurrency: 4,
            run_workers: false,
            job_retry_base_ms: 50,
            job_lease_secs: 60,
            webhook_rate_per_sec: 200,
            stripe_api_base: "http://127.0.0.1:9".into(),
            square_api_base: "http://127.0.0.1:9".into(),
            billing_sweep_secs: 60,
            outbound_allow: String::new(),
            trusted_proxies: String::new(),
            public_url_derived: false,
        }
    }

    /// The outbound allow-list, read (start-up fails on an entry it cannot read).
    pub fn outbound_policy(
        &self,
    ) -> anyhow::Result<switchboard_channels::netguard::OutboundPolicy> {
        switchboard_channels::netguard::OutboundPolicy::parse(&self.outbound_allow)
            .map_err(|e| anyhow::anyhow!("SWITCHBOARD_OUTBOUND_ALLOW: {e}"))
    }
}
