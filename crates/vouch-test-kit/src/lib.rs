//! What Vouch's tests share, so that each rule of the test set-up lives once.
//!
//! - [`missing`]: a test whose outside component (PostgreSQL, Chromium, an SMTP server) is
//!   absent says so and skips, except when `VOUCH_TEST_REQUIRE_ALL=1` (CI), where it fails.
//! - [`storage`]: a fresh SQLite file, or a fresh PostgreSQL database on the server of
//!   `VOUCH_TEST_DATABASE_URL` that is dropped afterwards.
//! - [`accounts`]: users with a known password, and API keys, arranged through the store.
//! - [`python`]: a Python interpreter with PyPI packages (pyarrow, DuckDB), or a skip.
//! - [`smtp`]: a real SMTP server (Debian's aiosmtpd) keeping every message, and a reader of
//!   the messages it kept.
//! - With the `server` feature, [`server`]: the real server on a free loopback port, and
//!   [`browser`]: cookie-keeping clients that sign in and post forms with their CSRF token.
//!
//! ```no_run
//! # async fn example() {
//! let Some(storage) = vouch_test_kit::storage::Storage::postgres().await else {
//!     return; // skipped, and said so
//! };
//! let store = storage.store();
//! # let _ = store;
//! # }
//! ```

pub mod accounts;
#[cfg(feature = "server")]
pub mod browser;
pub mod python;
#[cfg(feature = "server")]
pub mod server;
pub mod smtp;
pub mod storage;

use std::io::Write;

/// The variable that makes every test run: a missing component fails instead of skipping.
pub const REQUIRE_ALL: &str = "VOUCH_TEST_REQUIRE_ALL";

/// True when `VOUCH_TEST_REQUIRE_ALL=1`: no test may skip for a missing component.
pub fn require_all() -> bool {
    std::env::var(REQUIRE_ALL).is_ok_and(|value| value == "1")
}

/// Reports that `test` cannot run because `component` is missing (`how` says how to get it):
/// prints `SKIPPED: …` where it is seen, or panics when [`require_all`] holds.
#[track_caller]
pub fn missing(test: &str, component: &str, how: &str) {
    assert!(
        !require_all(),
        "{test}: {component} is missing, and {REQUIRE_ALL}=1 requires every test to run ({how})"
    );
    // Straight to the process's stderr: the harness captures `eprintln!` of passing tests,
    // and a skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {test}: {component} is missing ({how})"
    );
}
