//! A tiny "host app": a static page on an origin of its own (another port), standing for a
//! customer's web application that embeds the Vouch widget.

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A page server on `127.0.0.1:PORT`, a different origin from the Vouch server. It serves one
/// HTML page at `/` (and an empty favicon); stopped when dropped.
#[derive(Debug)]
pub struct HostApp {
    /// `http://127.0.0.1:PORT`: the origin a widget key must allow.
    pub origin: String,
    page: Arc<RwLock<String>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl HostApp {
    /// Serves `page` at `/`.
    pub async fn start(page: String) -> HostApp {
        let host = HostApp::start_empty().await;
        host.set_page(page);
        host
    }

    /// Serves an empty page at `/` until [`HostApp::set_page`]: for a page that must name the
    /// app's own origin (a widget key is made for the origin, then embedded in the page).
    pub async fn start_empty() -> HostApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let origin = format!(
            "http://{}",
            listener.local_addr().expect("the bound address")
        );
        let page = Arc::new(RwLock::new(String::new()));
        let served = Arc::clone(&page);
        let app = Router::new()
            .route(
                "/",
                get(move || {
                    let page = served.read().expect("the page lock").clone();
                    async move { Html(page) }
                }),
            )
            .route(
                "/favicon.ico",
                get(|| async { StatusCode::NO_CONTENT.into_response() }),
            );
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.await;
                })
                .await;
        });
        HostApp {
            origin,
            page,
            shutdown: Some(shutdown),
        }
    }

    /// Replaces the page served at `/`.
    pub fn set_page(&self, page: String) {
        *self.page.write().expect("the page lock") = page;
    }

    /// Serves a page that embeds the widget of `vouch` (the server's base URL) with `key` and
    /// identifies the signed-in user `user` (`{id, email, traits}`); see [`widget_page`].
    pub async fn with_widget(vouch: &str, key: &str, user: &Value) -> HostApp {
        HostApp::start(widget_page(vouch, key, user)).await
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        format!("{}/", self.origin)
    }
}

impl Drop for HostApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// An app page embedding the widget as its documentation says: a stub `window.Vouch` that
/// queues calls, `Vouch.identify(user)` at once, then the `async` script, which takes over the
/// queue when it arrives.
pub fn widget_page(vouch: &str, key: &str, user: &Value) -> String {
    // serde_json never prints `</` outside strings; escape it inside them so that the inline
    // script cannot be closed early.
    let user = user.to_string().replace("</", "<\\/");
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme — Dashboard</title>
<style>body {{ font-family: sans-serif; margin: 0; }} nav {{ background: #234; color: #fff; padding: 1rem; }} main {{ padding: 1rem 2rem; }}</style>
</head>
<body>
<nav>Acme</nav>
<main><h1>Your dashboard</h1><p>Three projects, all on track.</p><button type="button" id="app-button">New project</button></main>
<script>
  window.Vouch = window.Vouch || {{ q: [], identify: function () {{ this.q.push(["identify", arguments]); }} }};
  Vouch.identify({user});
</script>
<script src="{vouch}/widget.js" data-key="{key}" async></script>
</body>
</html>
"#
    )
}
