//! What every request handler shares: the store, the live indexes, the ingest queue, limits.

use std::sync::Arc;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use vouch_core::limits;
use vouch_store::Store;

use crate::indexes::IndexRegistry;
use crate::ingest::IngestQueue;

/// Numbers that bound what a client may send. Each has a 4xx error naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body, in bytes (413 beyond).
    pub body_bytes: usize,
    /// The largest body of a form or a public page (survey pages, the widget, the
    /// dashboard's forms), read before anyone is known, in bytes (413 beyond).
    pub form_body_bytes: usize,
    /// Connections served at once; beyond, new ones wait until one closes.
    pub max_connections: usize,
    /// Seconds for a request's headers to arrive, which is also how long a kept-alive
    /// connection may stay idle.
    pub header_read_seconds: u64,
    /// Seconds for a request's whole body to arrive after its headers.
    pub body_read_seconds: u64,
    /// The longest comment, in characters.
    pub comment_chars: usize,
    /// The most attributes one contact may be given in one request.
    pub attributes: usize,
    /// The longest attribute name, in characters.
    pub attribute_name_chars: usize,
    /// The longest attribute value, in characters.
    pub attribute_value_chars: usize,
    /// The longest email or external id, in characters.
    pub key_chars: usize,
    /// The longest survey question or follow-up, in characters (a survey's name has the fixed
    /// bound [`vouch_core::limits::MAX_SURVEY_NAME_CHARS`]).
    pub wording_chars: usize,
    /// The largest page a list may return.
    pub max_page_size: usize,
    /// The page size when the client gives none.
    pub default_page_size: usize,
    /// The longest `Idempotency-Key`, in characters.
    pub idempotency_key_chars: usize,
    /// In-app widget calls (`/w/v1/…`) one client IP address (an IPv6 /64) may make per
    /// minute, in bursts of as many; 0 for no limit. 429 with `Retry-After` beyond.
    pub widget_requests_per_minute_per_ip: u32,
    /// Widget calls per minute for one visitor (a widget key and a contact id or email); 0 for
    /// no limit.
    pub widget_requests_per_minute_per_contact: u32,
    /// Answers posted to survey pages (`POST /s/…`, `POST /l/…`) per minute from one client
    /// IP address; 0 for no limit.
    pub page_posts_per_minute_per_ip: u32,
    /// Answers posted to survey pages per minute for one contact; 0 for no limit.
    pub page_posts_per_minute_per_contact: u32,
    /// Failed dashboard sign-ins one account may have from one IP address within a minute;
    /// that many lock its sign-in from there for `login_lockout_seconds`. 0 for no lockout.
    pub login_failures_per_minute: u32,
    /// How long a locked sign-in stays locked, in seconds.
    pub login_lockout_seconds: u64,
    /// Posts of the sign-in, password reset and invitation forms per minute from one client IP
    /// address (each costs a password hash); 0 for no limit. 429 beyond.
    pub login_posts_per_minute_per_ip: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: limits::DEFAULT_BODY_BYTES,
            form_body_bytes: DEFAULT_FORM_BODY_BYTES,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_seconds: 10,
            body_read_seconds: 30,
            comment_chars: limits::MAX_COMMENT_CHARS,
            attributes: limits::MAX_ATTRIBUTES_PER_REQUEST,
            attribute_name_chars: limits::MAX_ATTRIBUTE_NAME_CHARS,
            attribute_value_chars: limits::MAX_ATTRIBUTE_VALUE_CHARS,
            key_chars: limits::MAX_EMAIL_CHARS,
            wording_chars: limits::DEFAULT_WORDING_CHARS,
            max_page_size: limits::MAX_PAGE_SIZE,
            default_page_size: limits::DEFAULT_PAGE_SIZE,
            idempotency_key_chars: limits::MAX_IDEMPOTENCY_KEY_CHARS,
            widget_requests_per_minute_per_ip: 60,
            widget_requests_per_minute_per_contact: 10,
            page_posts_per_minute_per_ip: 30,
            page_posts_per_minute_per_contact: 10,
            login_failures_per_minute: 5,
            login_lockout_seconds: 300,
            login_posts_per_minute_per_ip: 30,
        }
    }
}

/// The default largest form body: a comment of the longest length, every character four
/// bytes of UTF-8 and percent-encoded (×3), with room for the other fields.
pub const DEFAULT_FORM_BODY_BYTES: usize = 4 * 3 * limits::MAX_COMMENT_CHARS + 16 * 1024;

/// The default cap on connections served at once: well under the usual limit of 1 024 open
/// files, which the store and the logs share.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

// `key_chars` bounds both keys of a contact with one number.
const _: () = assert!(limits::MAX_EMAIL_CHARS == limits::MAX_EXTERNAL_ID_CHARS);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Request limits.
    pub limits: Limits,
    /// How often every live index reads what other processes wrote.
    pub index_refresh: Duration,
    /// The most responses committed in one transaction.
    pub ingest_batch: usize,
    /// Transactions of single responses committed at once: 1 suits SQLite (one writer at a
    /// time); PostgreSQL commits several in parallel.
    pub ingest_writers: usize,
    /// The base of every link the server hands out (emails, snippets).
    pub public_url: String,
    /// The sender of emails (the worker's `smtp_from`), whose name or domain an email preview
    /// signs with where no brand has a name; `None`: the worker's default sender.
    pub smtp_from: Option<String>,
    /// Whether webhooks and Slack alerts may be created for private and loopback addresses
    /// (`webhooks_allow_private`).
    pub webhooks_allow_private: bool,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            limits: Limits::default(),
            index_refresh: Duration::from_secs(1),
            ingest_batch: 1_000,
            ingest_writers: 1,
            public_url: "http://127.0.0.1:8080".into(),
            smtp_from: None,
            webhooks_allow_private: false,
        }
    }
}

/// Shared by every handler; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Arc<dyn Store>,
    indexes: Arc<IndexRegistry>,
    ingest: IngestQueue,
    metrics: PrometheusHandle,
    config: ServerConfig,
}

impl AppState {
    /// State over a store; starts the ingest writer (it stops when the state is dropped).
    pub fn new(store: Arc<dyn Store>, config: ServerConfig, metrics: PrometheusHandle) -> AppState {
        let ingest = IngestQueue::start(
            Arc::clone(&store),
            config.ingest_batch,
            config.ingest_writers,
        );
        let indexes = Arc::new(IndexRegistry::new(Arc::clone(&store)));
        AppState {
            inner: Arc::new(Inner {
                store,
                indexes,
                ingest,
                metrics,
                config,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The live analytics indexes, one per workspace.
    pub fn indexes(&self) -> &Arc<IndexRegistry> {
        &self.inner.indexes
    }

    /// The group-commit queue for single responses.
    pub fn ingest(&self) -> &IngestQueue {
        &self.inner.ingest
    }

    /// The Prometheus registry's renderer.
    pub fn metrics(&self) -> &PrometheusHandle {
        &self.inner.metrics
    }

    /// Request limits.
    pub fn limits(&self) -> &Limits {
        &self.inner.config.limits
    }

    /// The server's configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }
}
