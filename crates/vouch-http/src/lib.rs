//! The HTTP layer of Vouch: the JSON API under `/api/v1`, the pages respondents answer on
//! (`/s/`, `/l/`, `/u/`), the in-app widget (`/widget.js`, `/w/v1/`), `/healthz`, `/metrics`,
//! and the wire shapes of every figure ([`wire`], shared with `vouch report --json`).
//!
//! It alone knows HTTP and JSON. [`serve`] runs a router on a listener until a shutdown
//! signal, then stops accepting, lets in-flight requests finish and returns.

pub mod api;
pub mod auth;
mod collect;
pub mod dashboard;
pub mod error;
mod health;
pub mod indexes;
pub mod ingest;
mod observe;
pub mod state;
pub mod wire;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use vouch_store::Store;

pub use state::{AppState, Limits, ServerConfig};

/// Every route of the server, with its middleware (request ids, logs, metrics, body limit).
pub fn router(state: AppState) -> Router {
    // The survey pages and the widget share the API's caches (surveys, attribute kinds, index
    // freshness).
    let api_state = api::ApiState::new(state.clone());
    let api = api::router_for(api_state.clone());
    let collect = collect::router(api_state);
    Router::new()
        .merge(health::router())
        .merge(observe::metrics_router())
        .merge(api)
        .merge(collect)
        .merge(dashboard::router(state.clone()))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.limits().body_bytes,
        ))
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
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let outcome = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    refresher.abort();
    outcome.map_err(anyhow::Error::from)
}
