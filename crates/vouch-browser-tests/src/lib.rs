//! The harness of Vouch's end-to-end tests in a real browser: headless Chromium driven over
//! WebDriver (chromedriver + fantoccini), the real Vouch server started in-process over a
//! temporary SQLite store, and a small "host app" on another origin that embeds the widget.
//!
//! A test starts a [`VouchServer`], arranges what it needs through the server's store, opens a
//! [`Browser`], drives the pages, then checks the store. Every page a test visits is also
//! screenshotted into `target/browser-screenshots/` (see [`screenshot_dir`]), and the
//! browser's console is read after each step: an error there fails the test.
//!
//! When Chromium or chromedriver is not installed, [`Browser::start`] prints
//! `SKIPPED: … not installed` and returns `None`, and the test returns early; with
//! `VOUCH_TEST_REQUIRE_ALL=1` it panics instead, so CI cannot pass without running them.
//!
//! ```no_run
//! # async fn example() {
//! use vouch_browser_tests::{Browser, Viewport, VouchServer};
//! let server = VouchServer::start().await;
//! let Some(mut browser) = Browser::start("example", Viewport::Desktop).await else {
//!     return;
//! };
//! browser.goto(&format!("{}/healthz", server.base)).await;
//! browser.screenshot("health").await;
//! browser.assert_no_console_errors(&[]).await;
//! browser.close().await;
//! # }
//! ```

mod browser;
mod host;
mod server;

pub use browser::{
    Browser, BrowserOptions, CHROMEDRIVER, CHROMIUM, ConsoleEntry, Viewport, missing_tools,
    screenshot_dir,
};
pub use fantoccini::key::Key;
pub use host::{HostApp, widget_page};
pub use server::VouchServer;

use std::future::Future;
use std::time::Duration;

/// Polls `check` every 50 ms until it returns `Some`, and returns that; panics with `what`
/// after `timeout`.
///
/// For conditions that become true a moment after a browser action: a response committed by
/// the server, an element shown by a script.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
