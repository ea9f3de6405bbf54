//! Close the loop: `POST /api/v1/responses/{id}/replies` emails the respondent through a real
//! SMTP server (aiosmtpd), and the response's history shows the reply and its state. Every
//! refusal names its field, queues nothing, writes nothing to the history and sends nothing.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{Value, json};
use vouch_core::limits::MAX_REPLY_CHARS;
use vouch_jobs::{JobsConfig, Worker};
use vouch_store::{JobQuery, ResponseId, SuppressionReason};
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available};

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

/// Answers `survey` as a contact with this external id and email (if any); returns the id.
async fn answer(app: &TestApp, survey: i64, who: &str, email: Option<&str>) -> i64 {
    let mut contact = json!({"external_id": who});
    if let Some(email) = email {
        contact["email"] = json!(email);
    }
    let body = json!({"survey_id": survey, "score": 3, "comment": "Exports are <slow>",
        "contact": contact});
    app.answer(&body).await["id"]
        .as_i64()
        .expect("a response id")
}

/// The `send_reply` jobs of the app's workspace.
async fn reply_jobs(app: &TestApp) -> usize {
    let query = JobQuery {
        workspace: Some(app.workspace.id),
        kind: Some("send_reply".into()),
        limit: 100,
        ..JobQuery::default()
    };
    app.store.jobs(&query).await.expect("jobs").len()
}

/// The path of a response's replies.
fn replies(id: i64) -> String {
    format!("/api/v1/responses/{id}/replies")
}

/// Each refusal: its status, code and field, and nothing written or queued.
async fn refusals(app: &TestApp, open: i64) {
    let survey = app.create_survey("Team pulse", "enps").await;
    let anonymous = answer(app, survey, "emp-1", Some("emp1@acme.example")).await;
    let customers = app.create_survey("Refusals", "nps").await;
    let no_email = answer(app, customers, "no-email", None).await;
    let gone = answer(app, customers, "gone", Some("gone@client.example")).await;
    app.store
        .suppress_email(
            app.workspace.id,
            "gone@client.example",
            SuppressionReason::Unsubscribed,
            Timestamp::now(),
        )
        .await
        .expect("unsubscribed");
    let hello = json!({"message": "Hello"});
    let too_long = json!({"message": "a".repeat(MAX_REPLY_CHARS + 1)});
    let cases: Vec<(i64, Value, u16, &str, Option<&str>)> = vec![
        (
            open,
            json!({"message": "  \n "}),
            422,
            "validation",
            Some("message"),
        ),
        (open, too_long, 422, "validation", Some("message")),
        (open, json!({}), 422, "validation", Some("message")),
        (
            open,
            json!({"message": "Hi", "reply_to": "nope"}),
            422,
            "validation",
            Some("reply_to"),
        ),
        (
            anonymous,
            hello.clone(),
            422,
            "validation",
            Some("response"),
        ),
        (no_email, hello.clone(), 422, "validation", Some("response")),
        (gone, hello.clone(), 422, "validation", Some("response")),
        (i64::from(i32::MAX), hello.clone(), 404, "not_found", None),
    ];
    for (id, body, status, code, field) in cases {
        let reply = app.post(&replies(id), &body).await;
        if status == 422 && body.get("message").is_none() {
            // A missing field is the JSON reader's 422, which names it too.
            assert_eq!(reply.status, 422, "{body}: {:?}", reply.body);
            assert_eq!(reply.body["error"]["field"], "message", "{:?}", reply.body);
            continue;
        }
        reply.assert_error(status, code, field);
    }
    let read_only = app.post_as(&app.read_key, &replies(open), &hello).await;
    read_only.assert_error(403, "forbidden", None);
    assert_eq!(reply_jobs(app).await, 0, "nothing queued");
    for id in [open, anonymous, no_email, gone] {
        let history = app
            .store
            .response_history(app.workspace.id, ResponseId(id))
            .await
            .expect("a history");
        assert!(history.is_empty(), "nothing recorded for {id}: {history:?}");
    }
}

async fn a_reply_is_emailed_and_recorded(app: TestApp) {
    if !aiosmtpd_available("a reply is emailed and recorded") {
        return;
    }
    let smtp = SmtpServer::start();
    let survey = app.create_survey("Customers", "nps").await;
    let id = answer(&app, survey, "ana", Some("ana@client.example")).await;
    refusals(&app, id).await;

    let body = json!({"message": "  Thanks Ana,\nexports are fast in 2.4.  ",
        "reply_to": "Mia@Acme.example"});
    let created = app.post(&replies(id), &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let reply = &created.body;
    assert!(reply["id"].as_i64().is_some(), "{reply}");
    assert_eq!(reply["response_id"], id);
    assert_eq!(reply["message"], "Thanks Ana,\nexports are fast in 2.4.");
    assert_eq!(reply["reply_to"], "mia@acme.example");
    assert_eq!(reply["status"], "sending");
    assert!(reply["created_at"].as_str().is_some(), "{reply}");
    assert_eq!(reply_jobs(&app).await, 1, "one job for the reply");

    let history = app.get(&format!("/api/v1/responses/{id}/history")).await;
    assert_eq!(history.status, 200, "{:?}", history.body);
    let entry = &history.body["data"][0];
    assert_eq!(entry["change"], "reply", "{entry}");
    assert_eq!(entry["actor"]["kind"], "api_key", "{entry}");
    assert_eq!(entry["reply"]["status"], "sending", "{entry}");

    let config = JobsConfig {
        public_url: app.base.clone(),
        smtp_url: Some(smtp.url()),
        ..JobsConfig::default()
    };
    let worker = Worker::new(Arc::clone(&app.store), config).expect("a worker");
    worker.run_due_jobs().await.expect("the jobs ran");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "the reply only, none of the refusals");
    let mail = &mails[0];
    assert!(
        mail.header("to")
            .unwrap_or_default()
            .contains("ana@client.example")
    );
    assert_eq!(mail.header("reply-to"), Some("mia@acme.example"));
    let subject = mail.header("subject").unwrap_or_default();
    assert!(subject.starts_with("Re: your feedback to "), "{subject}");
    let text = mail.part("text/plain").expect("a text part");
    assert!(
        text.contains("Thanks Ana,\nexports are fast in 2.4."),
        "{text}"
    );
    assert!(text.contains("> Score: 3 / 10"), "{text}");
    assert!(text.contains("> Exports are <slow>"), "{text}");
    let html = mail.part("text/html").expect("an HTML part");
    assert!(
        html.contains("Exports are &#60;slow&#62;"),
        "escaped: {html}"
    );

    let history = app.get(&format!("/api/v1/responses/{id}/history")).await;
    let entry = &history.body["data"][0];
    assert_eq!(entry["reply"]["status"], "sent", "{entry}");
    assert_eq!(entry["reply"]["error"], Value::Null, "{entry}");
}

#[tokio::test]
async fn a_reply_is_emailed_and_recorded_on_sqlite() {
    a_reply_is_emailed_and_recorded(spawn_app().await).await;
}

#[tokio::test]
async fn a_reply_is_emailed_and_recorded_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        a_reply_is_emailed_and_recorded(app).await;
    }
}

/// Without an SMTP server, the attempt fails and the history says why; the job is retried.
#[tokio::test]
async fn a_failed_send_is_recorded() {
    let app = spawn_app().await;
    let survey = app.create_survey("Customers", "nps").await;
    let id = answer(&app, survey, "bo", Some("bo@client.example")).await;
    let created = app
        .post(&replies(id), &json!({"message": "Hello Bo"}))
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(
        created.body["reply_to"],
        Value::Null,
        "a key names none by default"
    );
    let worker = Worker::new(Arc::clone(&app.store), JobsConfig::default()).expect("a worker");
    worker.run_due_jobs().await.expect("the jobs ran");
    let history = app.get(&format!("/api/v1/responses/{id}/history")).await;
    let reply = &history.body["data"][0]["reply"];
    assert_eq!(reply["status"], "failed", "{reply}");
    assert_eq!(reply["error"], vouch_jobs::NO_SMTP_SERVER, "{reply}");
    let queued = JobQuery {
        kind: Some("send_reply".into()),
        status: Some(vouch_store::JobStatus::Queued),
        limit: 10,
        ..JobQuery::default()
    };
    let retried = app.store.jobs(&queued).await.expect("jobs");
    assert_eq!(retried.len(), 1, "queued again for a later attempt");
}
