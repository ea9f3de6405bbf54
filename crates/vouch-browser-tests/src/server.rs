//! The real Vouch server, in-process on a free port over a temporary SQLite store.

use std::sync::Arc;

use vouch_http::ServerConfig;
use vouch_store::{Store, Workspace};
use vouch_test_kit::server::{TestServer, test_config};
use vouch_test_kit::storage::Storage;

/// A running Vouch server and what a test needs to arrange and check its data.
///
/// Stopped (gracefully) when dropped; its database is deleted with it.
pub struct VouchServer {
    /// `http://127.0.0.1:PORT`, also the server's `public_url`.
    pub base: String,
    /// The server's store, for arranging data and reading back what the pages recorded.
    pub store: Arc<dyn Store>,
    /// A workspace made for the test (`browser-tests`).
    pub workspace: Workspace,
    _server: TestServer,
}

impl std::fmt::Debug for VouchServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VouchServer")
            .field("base", &self.base)
            .field("workspace", &self.workspace)
            .finish_non_exhaustive()
    }
}

impl VouchServer {
    /// Opens a fresh SQLite store in a temporary folder and serves Vouch over it on
    /// `127.0.0.1:0`, with `public_url` set to the address it got.
    pub async fn start() -> VouchServer {
        let server = TestServer::start(Storage::sqlite().await, |base| ServerConfig {
            public_url: base.to_owned(),
            ..test_config()
        })
        .await;
        let store = Arc::clone(&server.store);
        let workspace = store.workspace("browser-tests").await.expect("a workspace");
        VouchServer {
            base: server.base.clone(),
            store,
            workspace,
            _server: server,
        }
    }

    /// `base` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
