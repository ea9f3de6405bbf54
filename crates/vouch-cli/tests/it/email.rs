//! Email campaigns end to end: `vouch contacts import`, `vouch send` through a real SMTP server
//! (aiosmtpd), the messages it received, the campaign's numbers, a score link followed on
//! `vouch serve`, the throttle, bounces and an SMTP server that is down.

use std::collections::HashSet;

use serde_json::Value;

use crate::helpers::{TestDb, arg, backends};
use crate::serve::Server;
use vouch_test_kit::smtp::{Mail, SmtpServer, aiosmtpd_available, free_port};

const PUBLIC_URL: &str = "http://vouch.test";

/// `email,external_id,plan,seats,language` for `n` contacts; every fifth speaks French.
fn contacts_csv(n: usize) -> String {
    let mut csv = String::from("email,external_id,plan,seats,language\n");
    for i in 0..n {
        let plan = ["free", "pro", "enterprise"][i % 3];
        let language = if i % 5 == 0 { "fr" } else { "en" };
        csv.push_str(&format!(
            "person{i}@example.com,cust-{i},{plan},{},{language}\n",
            i % 40 + 1
        ));
    }
    csv
}

/// Creates the survey "Product" (by importing one answer of someone not in the contact list).
fn create_survey(db: &TestDb) {
    let seed = db.file("seed.csv", "email,score\nseed@example.org,9\n");
    db.ok(&["import", "responses", arg(&seed), "--survey", "Product"]);
}

fn campaigns(db: &TestDb) -> Vec<Value> {
    let listing: Value =
        serde_json::from_str(&db.ok(&["campaigns", "list", "--json"])).expect("JSON campaigns");
    listing.as_array().expect("an array").clone()
}

fn jobs(db: &TestDb, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["jobs", "list", "--json", "--limit", "10000"];
    all.extend_from_slice(args);
    let listing: Value = serde_json::from_str(&db.ok(&all)).expect("JSON jobs");
    listing.as_array().expect("an array").clone()
}

fn send(db: &TestDb, smtp_url: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "send",
        "--survey",
        "Product",
        "--smtp-url",
        smtp_url,
        "--smtp-from",
        "Acme <nps@acme.example>",
        "--public-url",
        PUBLIC_URL,
    ];
    args.extend_from_slice(extra);
    db.ok(&args)
}

/// Checks one survey email: multipart text + HTML, eleven score links in each, one-click
/// unsubscribe headers. Returns its score links.
fn check_message(mail: &Mail) -> Vec<String> {
    let content_type = mail.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    let text = mail.part("text/plain").expect("a text part");
    let html = mail.part("text/html").expect("an HTML part");
    let links: Vec<String> = text
        .split_whitespace()
        .filter(|word| word.starts_with(&format!("{PUBLIC_URL}/s/")))
        .map(str::to_owned)
        .collect();
    assert_eq!(links.len(), 11, "{text}");
    for (score, link) in links.iter().enumerate() {
        assert!(link.ends_with(&format!("?score={score}")), "{link}");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{link} not in the HTML"
        );
    }
    let unsubscribe = mail.header("list-unsubscribe").expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&format!("<{PUBLIC_URL}/u/")) && unsubscribe.ends_with('>'),
        "{unsubscribe}"
    );
    assert_eq!(
        mail.header("list-unsubscribe-post"),
        Some("List-Unsubscribe=One-Click")
    );
    let unsubscribe_url = unsubscribe.trim_matches(['<', '>']);
    assert!(text.contains(unsubscribe_url) && html.contains(unsubscribe_url));
    links
}

#[test]
fn a_campaign_emails_every_contact_once_and_a_score_link_records_by_post_only() {
    if !aiosmtpd_available("email campaigns") {
        return;
    }
    for db in backends() {
        let smtp = SmtpServer::start();
        create_survey(&db);
        let contacts = db.file("contacts.csv", contacts_csv(1_000));
        let imported = db.ok(&["contacts", "import", arg(&contacts)]);
        assert!(imported.contains("1000 created, 0 updated"), "{imported}");

        let dry = db.ok(&["send", "--survey", "Product", "--dry-run"]);
        assert!(dry.contains("1000 contact(s) eligible"), "{dry}");
        assert!(dry.contains("1000 would be asked"), "{dry}");
        assert!(campaigns(&db).is_empty(), "a dry run writes nothing");

        let sent = send(&db, &smtp.url(), &["--name", "Launch"]);
        assert!(
            sent.contains("1000 invited, 1000 sent, 0 bounced"),
            "{sent}"
        );

        let messages = smtp.messages();
        assert_eq!(messages.len(), 1_000);
        let mut recipients = HashSet::new();
        let mut all_links = Vec::new();
        for mail in &messages {
            recipients.insert(mail.header("to").unwrap_or_default().to_owned());
            all_links.push(check_message(mail));
            assert_eq!(mail.header("from"), Some("Acme <nps@acme.example>"));
            let message_id = mail.header("message-id").unwrap_or_default();
            assert!(message_id.ends_with("@acme.example>"), "{message_id}");
        }
        assert_eq!(recipients.len(), 1_000, "each contact once");
        let french = messages
            .iter()
            .filter(|mail| {
                mail.part("text/plain")
                    .unwrap()
                    .contains("Pas du tout probable")
            })
            .count();
        assert_eq!(french, 200, "contacts with language=fr get French");

        let listing = campaigns(&db);
        assert_eq!(listing.len(), 1);
        let campaign = &listing[0];
        assert_eq!(campaign["name"], "Launch");
        assert_eq!(campaign["survey"], "Product");
        for (field, expected) in [
            ("invited", 1_000),
            ("sent", 1_000),
            ("delivered", 1_000),
            ("bounced", 0),
            ("pending", 0),
            ("failing", 0),
            ("suppressed", 0),
            ("answered", 0),
        ] {
            assert_eq!(campaign[field], expected, "{field} in {campaign}");
        }
        assert_eq!(campaign["next_run_at"], Value::Null, "a one-off campaign");
        assert!(
            jobs(&db, &["--status", "failed"]).is_empty(),
            "no job failed"
        );

        // Throttle: the same day, nobody is asked again.
        let again = send(&db, &smtp.url(), &[]);
        assert!(again.contains("0 invited"), "{again}");
        assert_eq!(smtp.messages().len(), 1_000);

        follow_a_score_link(&db, &all_links[0]);
    }
}

/// A GET of a score link records nothing (mail scanners follow links); the page's POST does.
fn follow_a_score_link(db: &TestDb, links: &[String]) {
    let server = Server::start_with(db, &["--public-url", PUBLIC_URL]);
    let nine = links[9].replacen(PUBLIC_URL, &server.base, 1);
    let token_url = nine.split('?').next().unwrap().to_owned();
    let responses_before = product_responses(db);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let page = client.get(&nine).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("<form"), "the page has a form");
        assert_eq!(
            product_responses(db),
            responses_before,
            "a GET records nothing"
        );

        let posted = client
            .post(&token_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("score=9")
            .send()
            .await
            .unwrap();
        assert!(posted.status().is_success(), "{}", posted.status());
    });
    assert_eq!(
        product_responses(db),
        responses_before + 1,
        "the POST records"
    );
    let answered = &campaigns(db)[1];
    assert_eq!(answered["answered"], 1, "{answered}");
    assert_eq!(answered["opened"], 1, "{answered}");
    server.stop();
}

fn product_responses(db: &TestDb) -> u64 {
    db.survey_counts()
        .into_iter()
        .find(|(name, _)| name == "Product")
        .map_or(0, |(_, count)| count)
}

#[test]
fn a_refused_recipient_is_a_bounce_and_is_never_emailed_again() {
    if !aiosmtpd_available("bounces") {
        return;
    }
    for db in backends() {
        let smtp = SmtpServer::start_refusing(&["person3@example.com"]);
        create_survey(&db);
        let contacts = db.file("contacts.csv", contacts_csv(10));
        db.ok(&["contacts", "import", arg(&contacts)]);
        let sent = send(&db, &smtp.url(), &[]);
        assert!(sent.contains("10 invited, 9 sent, 1 bounced"), "{sent}");
        assert_eq!(smtp.messages().len(), 9);
        let campaign = &campaigns(&db)[0];
        assert_eq!(campaign["bounced"], 1, "{campaign}");
        assert_eq!(campaign["pending"], 0, "{campaign}");

        // Without the throttle, everyone is eligible again but the bounced address: the nine
        // delivered and the survey's first respondent.
        let dry = db.ok(&[
            "send",
            "--survey",
            "Product",
            "--throttle-days",
            "0",
            "--dry-run",
        ]);
        assert!(dry.contains("10 contact(s) eligible"), "{dry}");
    }
}

#[test]
fn an_smtp_server_that_is_down_leaves_the_emails_failing_until_vouch_serve_retries_them() {
    if !aiosmtpd_available("SMTP retries") {
        return;
    }
    for db in backends() {
        create_survey(&db);
        let contacts = db.file("contacts.csv", contacts_csv(5));
        db.ok(&["contacts", "import", arg(&contacts)]);
        let port = free_port();
        let down = format!("smtp://127.0.0.1:{port}");
        let sent = send(&db, &down, &[]);
        assert!(sent.contains("5 invited, 0 sent"), "{sent}");
        assert!(
            sent.contains("5 email(s) not sent yet after a failure"),
            "{sent}"
        );
        assert!(sent.contains("vouch serve"), "{sent}");
        let campaign = &campaigns(&db)[0];
        assert_eq!(campaign["failing"], 5, "{campaign}");
        assert_eq!(campaign["pending"], 5, "{campaign}");
        let emails = jobs(&db, &["--kind", "send_email"]);
        assert_eq!(emails.len(), 5);
        for job in &emails {
            assert_eq!(job["status"], "queued", "{job}");
            assert_eq!(job["attempts"], 1, "{job}");
            let error = job["last_error"].as_str().unwrap_or_default();
            assert!(error.contains("SMTP"), "{job}");
        }
        let runs = jobs(&db, &["--kind", "run_campaign", "--status", "done"]);
        assert_eq!(runs.len(), 1);

        // The server comes back; `vouch serve`'s worker retries the emails after their backoff
        // (15 to 30 s after the first attempt).
        let smtp = SmtpServer::start_on(port);
        let server = Server::start_with(&db, &["--smtp-url", &down, "--public-url", PUBLIC_URL]);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        while campaigns(&db)[0]["sent"] != 5 {
            assert!(
                std::time::Instant::now() < deadline,
                "the worker of vouch serve did not retry: {:?}",
                jobs(&db, &["--kind", "send_email"])
            );
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        assert!(server.stop().success());
        assert_eq!(smtp.messages().len(), 5);
        let campaign = &campaigns(&db)[0];
        assert_eq!(
            (campaign["failing"].as_u64(), campaign["pending"].as_u64()),
            (Some(0), Some(0))
        );
        for job in jobs(&db, &["--kind", "send_email"]) {
            assert_eq!(job["status"], "done", "{job}");
            assert_eq!(job["attempts"], 2, "{job}");
        }
    }
}

#[test]
fn sending_checks_its_flags_and_needs_an_smtp_server() {
    for db in backends() {
        create_survey(&db);
        let contacts = db.file("contacts.csv", contacts_csv(3));
        db.ok(&["contacts", "import", arg(&contacts)]);
        for (args, expected) in [
            (vec!["--sample", "0"], "--sample: 0 is not in (0, 1]"),
            (vec!["--sample", "1.5"], "--sample: 1.5 is not in (0, 1]"),
            (vec!["--filter", "tier=gold"], "--filter:"),
            (
                vec!["--filter", "seats=many"],
                "--filter: seats is a number attribute",
            ),
            (vec!["--filter", "plan"], "is not ATTR=VALUE"),
        ] {
            let mut all = vec!["send", "--survey", "Product", "--dry-run"];
            all.extend_from_slice(&args);
            let output = db.vouch(&all);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains(expected), "{args:?}: {stderr}");
        }
        let output = db.vouch(&["send", "--survey", "Nope", "--dry-run"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("no survey \"Nope\""));

        let filtered = db.ok(&[
            "send",
            "--survey",
            "Product",
            "--filter",
            "plan=pro",
            "--dry-run",
        ]);
        assert!(filtered.contains("1 contact(s) eligible"), "{filtered}");

        let output = db.vouch(&["send", "--survey", "Product"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("no SMTP server configured (smtp_url)"),
            "{stderr}"
        );
        assert!(campaigns(&db).is_empty(), "nothing was created");
    }
}

#[test]
fn contacts_import_is_all_or_nothing_and_names_every_bad_row() {
    for db in backends() {
        let bad = db.file(
            "contacts.csv",
            "email,external_id,seats\n\
             a@example.com,,3\n\
             not-an-email,,4\n\
             ,,5\n\
             b@example.com,,many\n\
             c@example.com\n",
        );
        let output = db.vouch(&["contacts", "import", arg(&bad)]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        for expected in [
            "contacts.csv: line 3, column email:",
            "contacts.csv: line 4: no email or external_id",
            "contacts.csv: line 5, column seats:",
            "contacts.csv: line 6: expected 3 fields, found 1",
            "4 invalid row(s); nothing was imported",
        ] {
            assert!(
                stderr.contains(expected),
                "missing {expected:?} in:\n{stderr}"
            );
        }
        let skipped = db.ok(&["contacts", "import", arg(&bad), "--skip-invalid"]);
        assert!(
            skipped.contains("1 created, 0 updated, 4 row(s) skipped"),
            "{skipped}"
        );
        let again = db.file(
            "again.csv",
            "email,plan\nA@Example.com,pro\nd@example.com,free\n",
        );
        let updated = db.ok(&["contacts", "import", arg(&again)]);
        assert!(updated.contains("1 created, 1 updated"), "{updated}");
    }
}

#[test]
fn widget_keys_are_created_listed_and_revoked() {
    for db in backends() {
        create_survey(&db);
        let created = db.ok(&[
            "widget",
            "create",
            "--survey",
            "Product",
            "--origin",
            "https://app.example.com",
            "--sample",
            "0.5",
            "--public-url",
            "https://nps.example.com",
        ]);
        let lines: Vec<&str> = created.lines().collect();
        let key = *lines.last().unwrap();
        assert!(key.starts_with("pk_") && key.len() == 27, "{created}");
        assert_eq!(
            lines[lines.len() - 2],
            format!(
                "<script src=\"https://nps.example.com/widget.js\" data-key=\"{key}\" async></script>"
            )
        );
        let listing: Value = serde_json::from_str(&db.ok(&["widget", "list", "--json"])).unwrap();
        assert_eq!(listing[0]["key"], key);
        assert_eq!(listing[0]["origins"][0], "https://app.example.com");
        assert_eq!(listing[0]["revoked_at"], Value::Null);
        db.ok(&["widget", "revoke", key]);
        let listing: Value = serde_json::from_str(&db.ok(&["widget", "list", "--json"])).unwrap();
        assert_ne!(listing[0]["revoked_at"], Value::Null);
        let output = db.vouch(&["widget", "revoke", "pk_nope"]);
        assert_eq!(output.status.code(), Some(2));
        let output = db.vouch(&[
            "widget",
            "create",
            "--survey",
            "Product",
            "--origin",
            "app.example.com",
        ]);
        assert_eq!(output.status.code(), Some(2));
    }
}
