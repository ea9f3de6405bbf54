//! `vouch serve` and `vouch keys`: the HTTP contract against the real binary, then a graceful
//! stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{TestDb, arg, backends};

/// A running `vouch serve` and the address it listens on.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Every line the server logged so far.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// `vouch serve` on a free port.
    pub fn start(db: &TestDb) -> Server {
        Server::start_with(db, &[])
    }

    /// `vouch serve` on a free port, with more flags.
    pub fn start_with(db: &TestDb, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
            .current_dir(db.dir.path())
            .args(["--database-url", &db.url, "serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("VOUCH_SMTP_URL")
            .env("VOUCH_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start vouch serve");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (found, address) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut kept) = kept.lock() {
                    kept.push(line.clone());
                }
                if !sent && let Some(at) = line.find("listening on http://") {
                    let address = line[at + "listening on ".len()..].split_whitespace().next();
                    let _ = found.send(address.unwrap_or_default().to_owned());
                    sent = true;
                }
            }
        });
        let base = address
            .recv_timeout(Duration::from_secs(30))
            .expect("the server logs its address");
        Server { child, base, log }
    }

    /// The lines logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .map(|lines| lines.clone())
            .unwrap_or_default()
    }

    /// Sends SIGTERM and waits (at most 10 s) for the server to stop.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("send SIGTERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop within 10 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_http_contract_holds_against_vouch_serve() {
    for db in backends() {
        let write_key = db
            .ok(&["keys", "create", "--name", "ci"])
            .lines()
            .last()
            .unwrap()
            .to_owned();
        let read_key = db
            .ok(&["keys", "create", "--name", "dashboards", "--scope", "read"])
            .lines()
            .last()
            .unwrap()
            .to_owned();
        let listing = db.ok(&["keys", "list"]);
        assert!(
            listing.contains("ci") && !listing.contains(&write_key),
            "{listing}"
        );
        let server = Server::start(&db);
        let base = server.base.clone();
        runtime().block_on(async {
            let client = reqwest::Client::new();
            let health = client.get(format!("{base}/healthz")).send().await.unwrap();
            assert_eq!(health.status(), 200);

            let anonymous = client.get(format!("{base}/api/v1/surveys")).send().await.unwrap();
            assert_eq!(anonymous.status(), 401);
            let survey: serde_json::Value = client
                .post(format!("{base}/api/v1/surveys"))
                .bearer_auth(&write_key)
                .json(&json!({"name": "Product", "kind": "nps", "question": "Would you recommend us?"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let survey_id = survey["id"].as_i64().expect("the survey has an id");
            let forbidden = client
                .post(format!("{base}/api/v1/surveys"))
                .bearer_auth(&read_key)
                .json(&json!({"name": "Other", "kind": "nps"}))
                .send()
                .await
                .unwrap();
            assert_eq!(forbidden.status(), 403);
            for (score, plan, key) in [(10, "pro", "a"), (9, "pro", "b"), (3, "free", "c"), (3, "free", "c")] {
                let created = client
                    .post(format!("{base}/api/v1/responses"))
                    .bearer_auth(&write_key)
                    .header("Idempotency-Key", format!("answer-{key}"))
                    .json(&json!({"survey_id": survey_id, "score": score,
                        "contact": {"external_id": key, "attributes": {"plan": plan}}}))
                    .send()
                    .await
                    .unwrap();
                assert!(created.status().is_success(), "{}", created.text().await.unwrap());
            }
            let invalid = client
                .post(format!("{base}/api/v1/responses"))
                .bearer_auth(&write_key)
                .json(&json!({"survey_id": survey_id, "score": 11, "contact": {"email": "x@example.com"}}))
                .send()
                .await
                .unwrap();
            assert!(matches!(invalid.status().as_u16(), 400 | 422));
            let error: serde_json::Value = invalid.json().await.unwrap();
            assert_eq!(error["error"]["field"], json!("score"));
            let report: serde_json::Value = client
                .get(format!("{base}/api/v1/surveys/{survey_id}/report?by=plan"))
                .bearer_auth(&read_key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(report["responses"], json!(3), "the retried answer counts once: {report}");
            assert_eq!(report["promoters"], json!(2));
            assert_eq!(report["detractors"], json!(1));
            assert_eq!(report["groups"][1]["key"], json!("pro"));
            let metrics = client.get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
            assert!(metrics.contains("vouch_http_requests_total"), "{metrics}");
            let openapi: serde_json::Value = client
                .get(format!("{base}/api/v1/openapi.json"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(openapi["paths"]["/api/v1/responses"].is_object());
        });
        // The CLI sees what the API wrote.
        let cli_report = db.report(&["--survey", "Product"]);
        assert_eq!(cli_report["responses"], json!(3));
        db.ok(&["keys", "revoke", "ci"]);
        runtime().block_on(async {
            // Revocation reaches a running server within its key cache's lifetime.
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                let status = reqwest::Client::new()
                    .get(format!("{base}/api/v1/surveys"))
                    .bearer_auth(&write_key)
                    .send()
                    .await
                    .unwrap()
                    .status();
                if status == 401 {
                    break;
                }
                assert!(Instant::now() < deadline, "a revoked key still works");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let status = server.stop();
        assert!(
            status.success(),
            "vouch serve exits 0 on SIGTERM, got {status:?}"
        );
    }
}

#[test]
fn default_config_prints_a_settings_file_that_serve_accepts() {
    let db = backends().remove(0);
    let text = db.ok(&["default-config"]);
    assert!(
        text.contains("[limits]") && text.contains("body_bytes = 1048576"),
        "{text}"
    );
    let path = db.file("vouch.toml", text.replace("sqlite://vouch.db", &db.url));
    let output = db.vouch(&["--config", arg(&path), "surveys", "list"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let typo = db.file("typo.toml", "[server]\nadress = \"127.0.0.1:1\"\n");
    let refused = db.vouch(&["--config", arg(&typo), "surveys", "list"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("adress"));
}

#[test]
fn every_acknowledged_response_survives_kill_9() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    for db in backends() {
        let key = db
            .ok(&["keys", "create", "--name", "load"])
            .lines()
            .last()
            .unwrap()
            .to_owned();
        let mut server = Server::start(&db);
        let base = server.base.clone();
        let acknowledged = Arc::new(AtomicU64::new(0));
        let workers = runtime();
        let survey_id = workers.block_on(async {
            let survey: serde_json::Value = reqwest::Client::new()
                .post(format!("{base}/api/v1/surveys"))
                .bearer_auth(&key)
                .json(&json!({"name": "Durable", "kind": "nps"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            survey["id"].as_i64().unwrap()
        });
        // Eight clients post as fast as they can; the server is killed while they do.
        let tasks: Vec<_> = (0..8)
            .map(|worker| {
                let (base, key, acknowledged) =
                    (base.clone(), key.clone(), Arc::clone(&acknowledged));
                workers.spawn(async move {
                    let client = reqwest::Client::new();
                    for n in 0.. {
                        let posted = client
                            .post(format!("{base}/api/v1/responses"))
                            .bearer_auth(&key)
                            .json(&json!({"survey_id": survey_id, "score": n % 11,
                                "contact": {"external_id": format!("w{worker}-{n}")}}))
                            .send()
                            .await;
                        match posted {
                            Ok(response) if response.status() == 201 => {
                                acknowledged.fetch_add(1, Ordering::SeqCst);
                            }
                            _ => break,
                        }
                    }
                })
            })
            .collect();
        let driver = std::thread::spawn(move || {
            workers.block_on(async {
                for task in tasks {
                    let _ = task.await;
                }
            })
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        while acknowledged.load(Ordering::SeqCst) < 300 {
            assert!(
                Instant::now() < deadline,
                "the server acknowledged too few responses"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        server.child.kill().unwrap(); // SIGKILL while requests are in flight
        server.child.wait().unwrap();
        driver.join().unwrap();
        let acknowledged = acknowledged.load(Ordering::SeqCst);
        let stored = db.report(&["--survey", "Durable"])["responses"]
            .as_u64()
            .unwrap();
        assert!(
            stored >= acknowledged,
            "{acknowledged} responses were acknowledged but only {stored} are stored on {}",
            db.url
        );
    }
}

#[test]
fn a_log_that_is_not_a_terminal_is_plain_text_and_the_favicon_is_served() {
    let db = crate::helpers::backends().remove(0);
    let server = Server::start(&db);
    let icon = runtime().block_on(async {
        reqwest::get(format!("{}/favicon.ico", server.base))
            .await
            .expect("the server answers")
    });
    assert_eq!(icon.status(), 200);
    assert_eq!(
        icon.headers()["content-type"].to_str().unwrap(),
        "image/svg+xml"
    );
    let log = server.log();
    assert!(
        log.iter().any(|line| line.contains("listening on")),
        "{log:?}"
    );
    assert!(
        log.iter().all(|line| !line.contains('\u{1b}')),
        "no colour codes in a piped log: {log:?}"
    );
}
