//! The real Vouch server, in-process on a free port over a temporary SQLite store.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use vouch_http::ServerConfig;
use vouch_store::{Store, Workspace};

/// A running Vouch server and what a test needs to arrange and check its data.
///
/// Stopped (gracefully) when dropped; its database is deleted with it.
#[derive(Debug)]
pub struct VouchServer {
    /// `http://127.0.0.1:PORT`, also the server's `public_url`.
    pub base: String,
    /// The server's store, for arranging data and reading back what the pages recorded.
    pub store: Arc<dyn Store>,
    /// A workspace made for the test (`browser-tests`).
    pub workspace: Workspace,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl VouchServer {
    /// Opens a fresh SQLite store in a temporary folder and serves Vouch over it on
    /// `127.0.0.1:0`, with `public_url` set to the address it got.
    pub async fn start() -> VouchServer {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("vouch.db");
        let store =
            tokio::task::spawn_blocking(move || vouch_store_sqlite::SqliteStore::open_path(&path))
                .await
                .expect("the opening thread")
                .expect("a fresh SQLite store");
        let store: Arc<dyn Store> = Arc::new(store);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("the bound address");
        let base = format!("http://{address}");
        let config = ServerConfig {
            public_url: base.clone(),
            // Reads refresh their index themselves; no timer needed.
            index_refresh: Duration::from_secs(3_600),
            ..ServerConfig::default()
        };
        let (shutdown, stop) = oneshot::channel::<()>();
        let serving = vouch_http::serve(Arc::clone(&store), config, listener, async move {
            let _ = stop.await;
        });
        tokio::spawn(async move {
            if let Err(error) = serving.await {
                eprintln!("the Vouch server stopped: {error:#}");
            }
        });
        let workspace = store.workspace("browser-tests").await.expect("a workspace");
        VouchServer {
            base,
            store,
            workspace,
            shutdown: Some(shutdown),
            _dir: dir,
        }
    }

    /// `base` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for VouchServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
