//! Webhooks and alerts against the real binary: a receiver verifying signatures with the
//! `standardwebhooks` package (Python, in a virtual environment `.ci/run` makes), retries, 410,
//! the refusal of private targets, and alerts read from a loopback SMTP server and a Slack-like
//! receiver.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available, free_port};

use crate::helpers::{TestDb, backends, fails_naming};
use crate::serve::Server;

/// The receiver's script.
const LISTENER: &str = include_str!("webhook_listener.py");

/// Where `.ci/run` puts the Python that has `standardwebhooks`, unless
/// `VOUCH_TEST_WEBHOOKS_PYTHON` says otherwise.
const DEFAULT_PYTHON: &str = "/work/cache/webhooks-venv/bin/python";

/// The Python with `standardwebhooks`, or `None` (and the test says it skipped).
fn verifier_python(test: &str) -> Option<String> {
    let python =
        std::env::var("VOUCH_TEST_WEBHOOKS_PYTHON").unwrap_or_else(|_| DEFAULT_PYTHON.into());
    let available = Command::new(&python)
        .args(["-c", "import standardwebhooks"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        vouch_test_kit::missing(
            test,
            "the standardwebhooks Python package",
            "python3 -m venv /work/cache/webhooks-venv && \
             /work/cache/webhooks-venv/bin/pip install standardwebhooks (as .ci/run does)",
        );
        return None;
    }
    Some(python)
}

/// A running receiver and the file of what it received.
struct Listener {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Listener {
    fn start(python: &str, dir: &Path, mode: &str, secret: &str) -> Listener {
        Listener::start_on(python, dir, mode, secret, 0)
    }

    /// A receiver on `port` (0: any free one).
    fn start_on(python: &str, dir: &Path, mode: &str, secret: &str, port: u16) -> Listener {
        let script = dir.join("webhook_listener.py");
        std::fs::write(&script, LISTENER).expect("write the listener");
        let out = dir.join(format!("received-{mode}.jsonl"));
        let mut child = Command::new(python)
            .arg(&script)
            .args([mode, secret])
            .arg(&out)
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the listener");
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the listener's port");
        let port = line.trim().parse().expect("a port");
        Listener { child, port, out }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// What it received so far.
    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// Waits until it received `count` requests (at most `within`).
    fn wait_for(&self, count: usize, within: Duration) -> Vec<Value> {
        let deadline = Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or_default().trim().to_owned()
}

/// A write key and an NPS survey `Customers` (and an eNPS survey `Team`), through the API.
struct Api {
    base: String,
    key: String,
    nps: i64,
    enps: i64,
}

impl Api {
    async fn new(base: &str, key: &str) -> Api {
        Api::new_with_names(base, key, "").await
    }

    /// Like [`Api::new`], the surveys' names prefixed (a second server on one database).
    async fn new_with_names(base: &str, key: &str, prefix: &str) -> Api {
        let client = reqwest::Client::new();
        let mut ids = Vec::new();
        for (name, kind) in [("Customers", "nps"), ("Team", "enps")] {
            let name = format!("{prefix}{name}");
            let survey: Value = client
                .post(format!("{base}/api/v1/surveys"))
                .bearer_auth(key)
                .json(&json!({"name": name, "kind": kind, "question": "How likely?"}))
                .send()
                .await
                .expect("create a survey")
                .json()
                .await
                .expect("a survey");
            ids.push(survey["id"].as_i64().expect("an id"));
        }
        Api {
            base: base.to_owned(),
            key: key.to_owned(),
            nps: ids[0],
            enps: ids[1],
        }
    }

    /// Posts an answer; returns its id and when the 201 came back (seconds since the epoch).
    async fn answer(&self, survey: i64, who: &str, score: u8) -> (i64, f64) {
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/responses", self.base))
            .bearer_auth(&self.key)
            .json(
                &json!({"survey_id": survey, "score": score, "comment": "Too slow",
                          "contact": {"email": who, "attributes": {"plan": "pro"}}}),
            )
            .send()
            .await
            .expect("post an answer");
        let committed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs_f64();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("a response");
        (body["id"].as_i64().expect("an id"), committed)
    }
}

#[test]
fn a_signed_webhook_is_verified_retried_once_and_logged() {
    let Some(python) = verifier_python("a_signed_webhook_is_verified_retried_once_and_logged")
    else {
        return;
    };
    for db in backends() {
        let key = last_line(&db.ok(&["keys", "create", "--name", "ci"]));
        // The secret is only known once the webhook exists: the receiver starts after, on the
        // port its URL names.
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}/hooks/vouch");
        let created = db.ok(&[
            "webhooks",
            "create",
            "--url",
            &url,
            "--events",
            "response.created,response.tagged",
            "--max-score",
            "6",
            "--webhooks-allow-private",
            "true",
        ]);
        let secret = last_line(&created);
        assert!(secret.starts_with("whsec_"), "{created}");
        let listener = Listener::start_on(&python, db.dir.path(), "flaky", &secret, port);
        let server = Server::start_with(&db, &["--webhooks-allow-private", "true"]);
        runtime().block_on(async {
            let api = Api::new(&server.base, &key).await;
            api.answer(api.nps, "happy@example.com", 10).await;
            api.answer(api.enps, "staff@example.com", 1).await;
            let (id, committed) = api.answer(api.nps, "ann@example.com", 3).await;
            let received = listener.wait_for(1, Duration::from_secs(5));
            assert_eq!(received.len(), 1, "{received:?}");
            let latency = received[0]["received"].as_f64().expect("a time") - committed;
            println!(
                "webhook left {:.0} ms after the answer's commit ({})",
                latency * 1000.0,
                db.url
            );
            assert!(latency < 2.0, "the webhook took {latency:.3} s");
            let received = listener.wait_for(2, Duration::from_secs(15));
            assert_eq!(received.len(), 2, "the 500 is retried: {received:?}");
            for message in &received {
                assert_eq!(message["verified"], true, "{message}");
                assert_eq!(message["body"]["type"], "response.created");
                assert_eq!(
                    message["body"]["data"]["id"], id,
                    "only the detractor of NPS"
                );
                assert_eq!(message["body"]["data"]["comment"], "Too slow");
                assert_eq!(message["body"]["data"]["attributes"]["plan"], "pro");
            }
            assert_eq!(
                received[0]["webhook_id"], received[1]["webhook_id"],
                "one message"
            );
            assert_eq!(
                (
                    received[0]["status"].as_i64(),
                    received[1]["status"].as_i64()
                ),
                (Some(500), Some(204))
            );
        });
        let log: Value =
            serde_json::from_str(&db.ok(&["webhooks", "deliveries", "1", "--json"])).expect("JSON");
        let message = &log["data"][0];
        assert_eq!(message["status"], "delivered", "{log}");
        let codes: Vec<i64> = message["log"]
            .as_array()
            .expect("attempts")
            .iter()
            .filter_map(|attempt| attempt["status_code"].as_i64())
            .collect();
        assert_eq!(codes, [500, 204], "every attempt is logged: {log}");
        assert!(message["log"][0]["latency_ms"].is_u64());
        let tested = db.ok(&["webhooks", "test", "1", "--webhooks-allow-private", "true"]);
        assert!(tested.starts_with("delivered msg_"), "{tested}");
        let test = listener.received().pop().expect("the test message");
        assert_eq!(
            (test["body"]["type"].as_str(), test["verified"].as_bool()),
            (Some("webhook.test"), Some(true))
        );
        server.stop();
    }
}

#[test]
fn a_410_disables_the_webhook_and_private_targets_are_refused() {
    let Some(python) =
        verifier_python("a_410_disables_the_webhook_and_private_targets_are_refused")
    else {
        return;
    };
    for db in backends() {
        let key = last_line(&db.ok(&["keys", "create", "--name", "ci"]));
        for private in [
            "http://127.0.0.1:9/hook",
            "http://localhost:9/hook",
            "http://169.254.169.254/latest",
        ] {
            fails_naming(
                &db,
                &[
                    "webhooks",
                    "create",
                    "--url",
                    private,
                    "--events",
                    "response.created",
                ],
                "--url",
            );
        }
        fails_naming(
            &db,
            &[
                "webhooks",
                "create",
                "--url",
                "https://hooks.example.com/x",
                "--events",
                "response.eaten",
            ],
            "--events",
        );
        assert!(
            db.ok(&["webhooks", "list", "--json"])
                .contains("\"data\": []"),
            "nothing was created"
        );
        let gone = Listener::start(&python, db.dir.path(), "gone", "whsec_Z29uZQ==");
        db.ok(&[
            "webhooks",
            "create",
            "--url",
            &gone.url("/gone"),
            "--events",
            "response.created",
            "--webhooks-allow-private",
            "1",
        ]);
        let server = Server::start_with(&db, &["--webhooks-allow-private", "on"]);
        runtime().block_on(async {
            let api = Api::new(&server.base, &key).await;
            api.answer(api.nps, "ann@example.com", 3).await;
            let received = gone.wait_for(1, Duration::from_secs(5));
            assert_eq!(received.len(), 1, "{received:?}");
            let webhooks = wait_until_disabled(&db);
            assert!(
                webhooks["data"][0]["disabled"]
                    .as_str()
                    .is_some_and(|why| why.contains("410")),
                "{webhooks}"
            );
            api.answer(api.nps, "bob@example.com", 2).await;
        });
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(
            gone.received().len(),
            1,
            "a disabled webhook receives nothing more"
        );
        server.stop();
        // Created while private targets were allowed, sent by a server that refuses them.
        let refused_target = Listener::start(&python, db.dir.path(), "ok", "whsec_b2s=");
        db.ok(&[
            "webhooks",
            "create",
            "--url",
            &refused_target.url("/private"),
            "--events",
            "response.created",
            "--webhooks-allow-private",
            "yes",
        ]);
        let server = Server::start(&db);
        runtime().block_on(async {
            let api = Api::new_with_names(&server.base, &key, "Later").await;
            api.answer(api.nps, "carl@example.com", 1).await;
        });
        let log = wait_for_failure(&db, "2");
        assert!(
            refused_target.received().is_empty(),
            "a private target is never posted to"
        );
        let error = log["data"][0]["last_error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(error.contains("private or loopback"), "{log}");
        assert_eq!(log["data"][0]["status"], "failed");
        server.stop();
    }
}

/// The delivery log of webhook `id` once its latest message failed (at most 5 s).
fn wait_for_failure(db: &TestDb, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let log: Value =
            serde_json::from_str(&db.ok(&["webhooks", "deliveries", id, "--json"])).expect("JSON");
        if log["data"][0]["status"] == "failed" || Instant::now() > deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_until_disabled(db: &TestDb) -> Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list: Value =
            serde_json::from_str(&db.ok(&["webhooks", "list", "--json"])).expect("JSON");
        if !list["data"][0]["disabled"].is_null() || Instant::now() > deadline {
            return list;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_alert_emails_and_posts_to_slack_for_each_matching_answer() {
    if !aiosmtpd_available("an_alert_emails_and_posts_to_slack_for_each_matching_answer") {
        return;
    }
    for db in backends() {
        let key = last_line(&db.ok(&["keys", "create", "--name", "ci"]));
        let smtp = SmtpServer::start();
        let slack = Listener::start("/usr/bin/python3", db.dir.path(), "slack", "-");
        fails_naming(
            &db,
            &["alerts", "create", "--name", "Nowhere", "--max-score", "6"],
            "--email",
        );
        fails_naming(
            &db,
            &[
                "alerts",
                "create",
                "--name",
                "Bad",
                "--email",
                "not an address",
            ],
            "--email",
        );
        db.ok(&[
            "alerts",
            "create",
            "--name",
            "Detractors",
            "--max-score",
            "6",
            "--where",
            "plan=pro",
            "--email",
            "cs@example.com,lead@example.com",
            "--slack-url",
            &slack.url("/slack"),
            "--webhooks-allow-private",
            "true",
        ]);
        let listed: Value =
            serde_json::from_str(&db.ok(&["alerts", "list", "--json"])).expect("JSON");
        assert_eq!(listed["data"][0]["where"], "plan=pro");
        let server = Server::start_with(
            &db,
            &[
                "--smtp-url",
                &smtp.url(),
                "--webhooks-allow-private",
                "true",
                "--public-url",
                "https://nps.example.com",
            ],
        );
        let id = runtime().block_on(async {
            let api = Api::new(&server.base, &key).await;
            api.answer(api.nps, "happy@example.com", 9).await;
            api.answer(api.enps, "staff@example.com", 0).await;
            api.answer(api.nps, "ann@example.com", 4).await.0
        });
        let posted = slack.wait_for(1, Duration::from_secs(5));
        assert_eq!(posted.len(), 1, "{posted:?}");
        let message = &posted[0]["body"];
        assert_eq!(
            message["text"],
            "Detractor 4/10 on Customers: \u{201c}Too slow\u{201d}"
        );
        let context = message["blocks"][1]["elements"][0]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(
            context.contains(&format!("https://nps.example.com/app/inbox/{id}|")),
            "{message}"
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut mails = smtp.messages();
        while mails.len() < 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            mails = smtp.messages();
        }
        assert_eq!(
            mails.len(),
            2,
            "one e-mail per address, for the detractor only"
        );
        let mut to: Vec<&str> = mails.iter().filter_map(|mail| mail.header("To")).collect();
        to.sort();
        assert_eq!(to, ["cs@example.com", "lead@example.com"]);
        let subject = mails[0].header("Subject").unwrap_or_default();
        assert!(subject.contains("Detractor 4/10 on Customers"), "{subject}");
        let text = mails[0].part("text/plain").unwrap_or_default();
        assert!(text.contains(&format!("/app/inbox/{id}")), "{text}");
        assert!(text.contains("Too slow"), "{text}");
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(
            slack.received().len(),
            1,
            "the promoter and the eNPS answer alert nobody"
        );
        server.stop();
    }
}
