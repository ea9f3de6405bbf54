//! Request ids, structured request logs and Prometheus metrics.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::state::AppState;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Latency buckets in seconds: from 100 µs to 10 s.
const LATENCY_BUCKETS: [f64; 13] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 10.0,
];

/// Installs the process-wide Prometheus recorder once and returns its renderer.
pub fn install_recorder() -> anyhow::Result<PrometheusHandle> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    // Servers started at once in one process (tests) must not both try to install it.
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALLING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("vouch_http_request_duration_seconds".into()),
            &LATENCY_BUCKETS,
        )?
        .install_recorder()?;
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// `GET /metrics` in Prometheus' text format.
pub fn metrics_router() -> Router<AppState> {
    Router::new().route("/metrics", get(render_metrics))
}

async fn render_metrics(State(state): State<AppState>) -> Response {
    let mut rows = 0usize;
    let mut bytes = 0usize;
    for index in state.indexes().loaded() {
        let stats = index.read().stats();
        rows += stats.rows;
        bytes += stats.heap_bytes;
    }
    metrics::gauge!("vouch_index_rows").set(rows as f64);
    metrics::gauge!("vouch_index_bytes").set(bytes as f64);
    let body = state.metrics().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// Sets an `x-request-id` on every request that lacks one and returns it on the response.
pub fn request_id_layers()
-> tower::layer::util::Stack<PropagateRequestIdLayer, SetRequestIdLayer<MakeRequestUuid>> {
    // The outer layer (the second argument) runs first: set the id, then copy it back.
    tower::layer::util::Stack::new(
        PropagateRequestIdLayer::new(REQUEST_ID.clone()),
        SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid),
    )
}

/// Logs each request (method, route, status, duration, request id) and counts it by route
/// and status, with its latency in a histogram.
pub async fn record_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16().to_string();
    let labels = [
        ("method", method.to_string()),
        ("route", route.clone()),
        ("status", status),
    ];
    metrics::counter!("vouch_http_requests_total", &labels).increment(1);
    metrics::histogram!("vouch_http_request_duration_seconds", &labels[..2]).record(seconds);
    tracing::info!(
        target: "vouch::request",
        %method,
        route,
        status = response.status().as_u16(),
        micros = (seconds * 1e6) as u64,
        request_id,
        "request"
    );
    response
}
