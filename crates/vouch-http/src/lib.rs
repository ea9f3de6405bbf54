//! Vouch's server: the one place that composes the surfaces — the JSON API under `/api/v1`
//! (`vouch-api`), the pages respondents answer on and the in-app widget (`vouch-collect`), the
//! dashboard (`vouch-dashboard`), `/healthz`, `/metrics` and `/favicon.ico` — into one router with its
//! middleware, and serves it.
//!
//! [`serve`] runs the router on a listener until a shutdown signal, then stops accepting, lets
//! in-flight requests finish and returns.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use vouch_store::Store;
use vouch_web::{ApiState, favicon, health, observe};

pub use vouch_web::{AppState, Limits, ServerConfig};

pub mod connections;
pub mod headers;

/// Every route of the server, with its middleware (request ids, logs, metrics, body limit,
/// security headers).
pub fn router(state: AppState) -> Router {
    let https = state.config().public_url.starts_with("https://");
    // The survey pages and the widget share the API's caches (surveys, attribute kinds, index
    // freshness).
    let api_state = ApiState::new(state.clone());
    let api = vouch_api::router_for(api_state.clone());
    // Forms and public pages are read before anyone is known: their bodies are kept small.
    let form_limit = axum::extract::DefaultBodyLimit::max(state.limits().form_body_bytes);
    let collect = vouch_collect::router(api_state).layer(form_limit);
    Router::new()
        .merge(health::router())
        .merge(favicon::router())
        .merge(observe::metrics_router())
        .merge(api)
        .merge(collect)
        .merge(vouch_dashboard::router(state.clone()).layer(form_limit))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.limits().body_bytes,
        ))
        .layer(axum::middleware::from_fn(move |request, next| {
            headers::add_security_headers(https, request, next)
        }))
        .layer(axum::middleware::from_fn(observe::record_request))
        .layer(observe::request_id_layers())
        .with_state(state)
}

/// Serves Vouch on `listener` until `shutdown` completes, then drains in-flight requests.
///
/// Starts the background work the server owns (index refreshes, the ingest writer) and stops
/// it on the way out.
pub async fn serve(
    store: Arc<dyn Store>,
    config: ServerConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics = observe::install_recorder()?;
    let state = AppState::new(store, config, metrics);
    let refresher = state.indexes().refresh_every(state.config().index_refresh);
    let limits = state.limits();
    let connection_limits = connections::ConnectionLimits {
        max_connections: limits.max_connections,
        header_read: std::time::Duration::from_secs(limits.header_read_seconds),
        body_read: std::time::Duration::from_secs(limits.body_read_seconds),
    };
    let outcome = connections::serve_connections(
        listener,
        router(state.clone()),
        connection_limits,
        shutdown,
    )
    .await;
    refresher.abort();
    outcome.map_err(anyhow::Error::from)
}
