//! The real server on a free loopback port, over a fresh store, stopped when dropped.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use vouch_http::ServerConfig;
use vouch_store::Store;

use crate::storage::Storage;

/// One running server.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's store.
    pub store: Arc<dyn Store>,
    shutdown: Option<oneshot::Sender<()>>,
    _storage: Storage,
}

/// The configuration tests run with: the defaults, except that indexes are not refreshed on
/// a timer (a read must see the writes before it without one).
pub fn test_config() -> ServerConfig {
    ServerConfig {
        index_refresh: Duration::from_secs(3_600),
        ..ServerConfig::default()
    }
}

impl TestServer {
    /// The server over `storage`, configured by `configure` from its base URL (start from
    /// [`test_config`]).
    pub async fn start(
        storage: Storage,
        configure: impl FnOnce(&str) -> ServerConfig,
    ) -> TestServer {
        let store = storage.store();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("the bound address");
        let base = format!("http://{address}");
        let config = configure(&base);
        let (shutdown, stop) = oneshot::channel::<()>();
        let serving = vouch_http::serve(Arc::clone(&store), config, listener, async move {
            let _ = stop.await;
        });
        tokio::spawn(async move {
            if let Err(error) = serving.await {
                eprintln!("the test server stopped: {error:#}");
            }
        });
        TestServer {
            base,
            store,
            shutdown: Some(shutdown),
            _storage: storage,
        }
    }

    /// The server over a fresh SQLite file with [`test_config`].
    pub async fn sqlite() -> TestServer {
        TestServer::start(Storage::sqlite().await, |_| test_config()).await
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
