//! The HTTP surface: the router with its layers (the one place that mounts the API's routes),
//! and `launch`, which serves a listener and runs the worker pool until shutdown (tests bind
//! port 0 and call it directly).
use std::time::Duration;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, Method, StatusCode},
    middleware,
};
use tokio_util::sync::CancellationToken;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    timeout::TimeoutLayer,
};

use crate::{
    api,
    app::AppState,
    error::{ErrorCode, error_response},
    ops::{self, request_id},
};

/// The OpenAPI document of the API (for `switchboard openapi`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
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
        .layer(middleware::from_fn(request_id::scope))
        .layer(request_id::PropagateRequestIdLayer::x_request_id())
        .layer(request_id::SetRequestIdLayer::x_request_id(
            request_id::MakeUuidV7,
        ))
        .layer(middleware::from_fn(request_id::drop_unfit))
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
