//! A real server on a free port over a fresh database, and a client that speaks to it.

use std::sync::Arc;

use reqwest::header::HeaderMap;
use serde_json::Value;
use vouch_store::{KeyScope, Store, Workspace};
use vouch_test_kit::accounts::api_key;
use vouch_test_kit::server::{TestServer, test_config};
use vouch_test_kit::storage::Storage;

/// One running server and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A client without credentials of its own.
    pub client: reqwest::Client,
    /// The server's store, for arranging what the API cannot (keys, revocations).
    pub store: Arc<dyn Store>,
    /// The workspace the keys below open.
    pub workspace: Workspace,
    /// A write key of `workspace`.
    pub write_key: String,
    /// A read key of `workspace`.
    pub read_key: String,
    _server: TestServer,
}

/// A reply: status, headers and body (JSON when it is, `Value::Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// Asserts the contract's error shape: `{"error": {"code", "message", "field"}}`.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, field: Option<&str>) {
        assert_eq!(self.status, status, "{:?}", self.body);
        let error = &self.body["error"];
        assert_eq!(error["code"], code, "{:?}", self.body);
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "a message: {:?}",
            self.body
        );
        assert_eq!(error["field"].as_str(), field, "{:?}", self.body);
        assert_eq!(
            self.body.as_object().map(|o| o.len()),
            Some(1),
            "only `error` at the top: {:?}",
            self.body
        );
    }
}

/// The server over a fresh SQLite file.
pub async fn spawn_app() -> TestApp {
    spawn_over(Storage::sqlite().await).await
}

/// The server over a fresh PostgreSQL database on the server of `VOUCH_TEST_DATABASE_URL`;
/// `None` (after saying "skipped") when it is not set, a failure when it is not set and
/// `VOUCH_TEST_REQUIRE_ALL=1`.
pub async fn spawn_postgres_app() -> Option<TestApp> {
    Some(spawn_over(Storage::postgres().await?).await)
}

async fn spawn_over(storage: Storage) -> TestApp {
    let server = TestServer::start(storage, |_| test_config()).await;
    let store = Arc::clone(&server.store);
    let workspace = store.workspace("api-tests").await.expect("a workspace");
    let write_key = api_key(store.as_ref(), &workspace, "writer", KeyScope::Write).await;
    let read_key = api_key(store.as_ref(), &workspace, "reader", KeyScope::Read).await;
    TestApp {
        base: server.base.clone(),
        client: reqwest::Client::new(),
        store,
        workspace,
        write_key,
        read_key,
        _server: server,
    }
}

impl TestApp {
    /// A new key of a workspace, created through the store as `vouch keys create` does.
    pub async fn new_key(&self, workspace: &Workspace, name: &str, scope: KeyScope) -> String {
        api_key(self.store.as_ref(), workspace, name, scope).await
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a request and reads the reply.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!(
                    "status {status}: the body is not JSON: {:?}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET path` with the read key.
    pub async fn get(&self, path: &str) -> Reply {
        self.get_as(&self.read_key, path).await
    }

    /// `GET path` with a key.
    pub async fn get_as(&self, key: &str, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)).bearer_auth(key))
            .await
    }

    /// `POST path` with a JSON body and the write key.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.post_as(&self.write_key, path, body).await
    }

    /// `POST path` with a JSON body and a key.
    pub async fn post_as(&self, key: &str, path: &str, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).bearer_auth(key).json(body))
            .await
    }

    /// Creates a survey and returns its id.
    pub async fn create_survey(&self, name: &str, kind: &str) -> i64 {
        let reply = self
            .post(
                "/api/v1/surveys",
                &serde_json::json!({"name": name, "kind": kind}),
            )
            .await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["id"].as_i64().expect("a survey id")
    }

    /// Posts a response and returns the stored response.
    pub async fn answer(&self, body: &Value) -> Value {
        let reply = self.post("/api/v1/responses", body).await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body
    }

    /// The report of a survey with a query string (`by=plan&interval=month`).
    pub async fn report(&self, survey: i64, query: &str) -> Value {
        let reply = self
            .get(&format!("/api/v1/surveys/{survey}/report?{query}"))
            .await;
        assert_eq!(reply.status, 200, "{query}: {:?}", reply.body);
        reply.body
    }
}
