//! Running the built `vouch` binary against a fresh database of each backend.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use vouch_store_postgres::TestDatabase;
use vouch_test_kit::storage::scratch_postgres_blocking;

/// A fresh, empty database for one test, and a scratch directory for its files.
pub struct TestDb {
    pub url: String,
    pub dir: TempDir,
    /// Dropped (with the database) at the end of the test.
    _postgres: Option<TestDatabase>,
}

/// The backends to run a test on: SQLite always, PostgreSQL when `VOUCH_TEST_DATABASE_URL`
/// is set (required when `VOUCH_TEST_REQUIRE_ALL=1`).
pub fn backends() -> Vec<TestDb> {
    let mut databases = vec![sqlite()];
    if let Some(database) = scratch_postgres_blocking("the PostgreSQL run of a CLI test") {
        databases.push(TestDb {
            url: database.url().to_owned(),
            dir: TempDir::new().expect("temporary directory"),
            _postgres: Some(database),
        });
    }
    databases
}

fn sqlite() -> TestDb {
    let dir = TempDir::new().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("vouch.db").display());
    TestDb {
        url,
        dir,
        _postgres: None,
    }
}

/// Runs `vouch` with `args`, which must fail with exit code 2 and a message naming `named`.
pub fn fails_naming(db: &TestDb, args: &[&str], named: &str) {
    let output = db.vouch(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        stderr.contains(named),
        "{args:?} should name {named}: {stderr}"
    );
}

impl TestDb {
    /// Runs `vouch --database-url URL ARGS…` in the scratch directory.
    pub fn vouch(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vouch"));
        command
            .current_dir(self.dir.path())
            .arg("--database-url")
            .arg(&self.url)
            .args(args);
        command
            .env_remove("VOUCH_WORKSPACE")
            .env_remove("VOUCH_DATABASE_URL");
        command.output().expect("run vouch")
    }

    /// Like [`TestDb::vouch`], but the command must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.vouch(args);
        assert!(
            output.status.success(),
            "vouch {args:?} failed on {}: {}",
            self.url,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 stdout")
    }

    /// `vouch report --json` parsed.
    pub fn report(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["report", "--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).expect("report prints JSON")
    }

    /// Writes a file into the scratch directory and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// The response count of every survey, by name.
    pub fn survey_counts(&self) -> Vec<(String, u64)> {
        let listing: serde_json::Value =
            serde_json::from_str(&self.ok(&["surveys", "list", "--json"])).unwrap();
        listing
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_owned(),
                    s["responses"].as_u64().unwrap(),
                )
            })
            .collect()
    }
}

/// `path` as a `&str` for command lines.
pub fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The six figures of a report element, for compact assertions.
pub fn figures(value: &serde_json::Value) -> (serde_json::Value, u64, u64, u64, u64) {
    (
        value["nps"].clone(),
        value["responses"].as_u64().unwrap_or(u64::MAX),
        value["promoters"].as_u64().unwrap_or(u64::MAX),
        value["passives"].as_u64().unwrap_or(u64::MAX),
        value["detractors"].as_u64().unwrap_or(u64::MAX),
    )
}
