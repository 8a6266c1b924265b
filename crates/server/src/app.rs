//! The application: shared state, the router with its layers, and `launch`, which serves a
//! listener and runs the worker pool until shutdown (tests bind port 0 and call it directly).
use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, Method, StatusCode},
    middleware,
};
use secrecy::ExposeSecret;
use switchboard_channels::netguard::GuardedClient;
use switchboard_store::{
    Store,
    crypto::SecretBox,
    worker::{Worker, WorkerConfig},
};
use tokio_util::sync::CancellationToken;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    timeout::TimeoutLayer,
};

use crate::{
    api,
    config::Config,
    error::{ErrorCode, error_response},
    jobs, ops,
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
    pub limits: crate::ops::limits::Limits,
    pub sign_in: crate::ops::sign_in_throttle::SignInThrottle,
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
        let limits = crate::ops::limits::Limits::new(config.webhook_rate_per_sec);
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

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    // Install the metrics recorder before the first request, so every request is counted.
    let _ = ops::metrics::handle();
    let (api_router, _openapi) = api::split(state.clone());
    let cors = cors_layer(&state.config.cors_origin_list());
    Router::new()
        .merge(api_router)
        // No web UI yet: the front page is the API documentation.
        .route(
            "/",
            axum::routing::get(|| async { axum::response::Redirect::to("/api/docs") }),
        )
        .fallback(|| async {
            error_response(
                StatusCode::NOT_FOUND,
                ErrorCode::RouteNotFound,
                "no such route",
            )
        })
        .method_not_allowed_fallback(|| async {
            error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "method not allowed on this route",
            )
        })
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(state.config.request_timeout_secs.max(1)),
        ))
        .layer(cors)
        .layer(middleware::from_fn(ops::metrics::track))
        .layer(middleware::from_fn(ops::request_id::layer))
        .layer(middleware::from_fn(ops::keep_alive::layer))
        .with_state(state)
}

fn cors_layer(origins: &[String]) -> CorsLayer {
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([
            axum::http::header::AUTHORIZATION,
            axum::http::header::CONTENT_TYPE,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-business-id"),
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600))
}

/// Serves `listener` until `shutdown` fires: stops accepting, finishes in-flight requests and
/// claimed jobs, then returns.
pub async fn launch(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let listener_task = state.store.events.start_listener();
    let worker = if state.config.run_workers {
        let w = state.worker.clone();
        let token = shutdown.clone();
        let poller = tokio::spawn(switchboard_messaging::telegram_poll::run(
            crate::messaging::poller(&state),
            shutdown.clone(),
        ));
        let sweeper = tokio::spawn(switchboard_billing::sweep::run_scheduler(
            state.store.clone(),
            state.worker.clone(),
            state.config.billing_sweep_secs,
            shutdown.clone(),
        ));
        Some(tokio::spawn(async move {
            w.run(token).await;
            let _ = poller.await;
            let _ = sweeper.await;
        }))
    } else {
        None
    };
    let app = router(state.clone());
    let token = shutdown.clone();
    // The peer address limits unverified webhooks per source.
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move { token.cancelled().await })
    .await;
    shutdown.cancel();
    if let Some(w) = worker {
        let _ = w.await;
    }
    if let Some(l) = listener_task {
        l.abort();
    }
    state.store.close().await;
    served.map_err(Into::into)
}

/// Cancels `token` on SIGINT or SIGTERM.
pub fn shutdown_on_signals(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {}
            _ = term => {}
        }
        tracing::info!("shutting down: finishing in-flight requests and jobs");
        token.cancel();
    });
}
