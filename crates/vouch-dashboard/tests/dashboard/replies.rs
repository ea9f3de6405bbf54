//! The Reply box of an answer's page: offered only when the respondent may be written to
//! (otherwise one line says why; never anything for eNPS), it queues the email and the history
//! shows the reply with its state, without JavaScript; refusals write and queue nothing.
//! On SQLite and on PostgreSQL.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use vouch_core::{Score, SurveyKind};
use vouch_jobs::{JobsConfig, Worker};
use vouch_store::{ContactKey, NewResponse, ResponseId, Role, SuppressionReason, SurveyId};
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available};

use crate::helpers::{TestApp, spawn_app, spawn_app_postgres};

/// Imports one answer of acme's and returns its id.
async fn answer(app: &TestApp, survey: SurveyId, email: Option<&str>, who: &str) -> i64 {
    let mut import = app
        .store
        .begin_import(app.acme.id)
        .await
        .expect("an import");
    let row = NewResponse {
        survey,
        contact: ContactKey {
            external_id: Some(who.into()),
            email: email.map(str::to_owned),
        },
        attributes: BTreeMap::new(),
        score: Score::new(4).expect("a score"),
        comment: Some("The export keeps failing".into()),
        created_at: Timestamp::now(),
        channel: "import".into(),
    };
    import.write(&[row]).await.expect("written");
    import.commit().await.expect("committed");
    let all = app
        .store
        .responses_after(app.acme.id, ResponseId(0), None, 100)
        .await
        .expect("responses");
    all.last().expect("the answer").id.0
}

/// The text between `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).map_or("", |at| &text[at + start.len()..]);
    from.find(end).map_or(from, |at| &from[..at])
}

async fn the_reply_box(app: TestApp) {
    let survey = app.survey(&app.acme, "Customers", SurveyKind::Nps).await;
    let open = answer(&app, survey.id, Some("ana@client.example"), "ana").await;
    let no_email = answer(&app, survey.id, None, "no-email").await;
    let gone = answer(&app, survey.id, Some("gone@client.example"), "gone").await;
    app.store
        .suppress_email(
            app.acme.id,
            "gone@client.example",
            SuppressionReason::Unsubscribed,
            Timestamp::now(),
        )
        .await
        .expect("unsubscribed");
    let pulse = app.survey(&app.acme, "Pulse", SurveyKind::Enps).await;
    let anonymous = answer(&app, pulse.id, Some("emp@acme.example"), "emp").await;
    app.user("hana@acme.example", &app.acme, Role::Member, true)
        .await;
    let member = app.browser();
    member.sign_in_as("hana@acme.example").await;

    let page = member.get(&format!("/app/inbox/{open}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let form = between(&page.text, "id=\"reply-form\"", "</form>");
    assert!(form.contains("<label for=\"reply-field\">"), "{form}");
    assert!(form.contains("name=\"message\""), "{form}");
    assert!(form.contains("name=\"csrf\""), "{form}");
    let csrf = page.csrf();

    for (id, reason) in [(no_email, "no email address"), (gone, "unsubscribed")] {
        let page = member.get(&format!("/app/inbox/{id}")).await;
        assert!(!page.text.contains("id=\"reply-form\""), "{id}");
        let line = between(&page.text, "id=\"reply-unavailable\">", "</p>");
        assert!(line.contains(reason), "{id}: {line}");
        let refused = member
            .post(
                &format!("/app/inbox/{id}/replies"),
                &[("csrf", &csrf), ("message", "Hello")],
            )
            .await;
        assert_eq!(refused.status, 422, "{id}: {}", refused.text);
    }
    let enps = member.get(&format!("/app/inbox/{anonymous}")).await;
    assert_eq!(enps.status, 200, "{}", enps.text);
    assert!(
        !enps.text.contains("Reply to the respondent"),
        "never offered"
    );
    let refused = member
        .post(
            &format!("/app/inbox/{anonymous}/replies"),
            &[("csrf", &csrf), ("message", "Hello")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let blank = member
        .post(
            &format!("/app/inbox/{open}/replies"),
            &[("csrf", &csrf), ("message", "   ")],
        )
        .await;
    assert_eq!(blank.status, 422, "{}", blank.text);
    let error = between(&blank.text, "id=\"reply-error\">", "<");
    assert!(error.contains("needs a message"), "{}", blank.text);
    let forged = member
        .post(
            &format!("/app/inbox/{open}/replies"),
            &[("csrf", "0000"), ("message", "Hello")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(app.jobs("send_reply").await.is_empty(), "nothing queued");

    let sent = member
        .post(
            &format!("/app/inbox/{open}/replies"),
            &[("csrf", &csrf), ("message", "Thanks Ana <3, it is fixed.")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text);
    assert_eq!(sent.location(), format!("/app/inbox/{open}?saved=reply"));
    let page = member.get(sent.location()).await;
    let history = between(&page.text, "id=\"history\"", "</ol>");
    assert!(history.contains("Replied by email"), "{history}");
    assert!(
        history.contains("Thanks Ana &#60;3, it is fixed."),
        "escaped: {history}"
    );
    assert!(history.contains("Email sending"), "{history}");
    assert_eq!(app.jobs("send_reply").await.len(), 1);

    if !aiosmtpd_available("the dashboard's reply is emailed") {
        return;
    }
    let smtp = SmtpServer::start();
    let config = JobsConfig {
        public_url: app.base.clone(),
        smtp_url: Some(smtp.url()),
        ..JobsConfig::default()
    };
    let worker = Worker::new(Arc::clone(&app.store), config).expect("a worker");
    worker.run_due_jobs().await.expect("the jobs ran");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].header("reply-to"), Some("hana@acme.example"));
    assert!(
        mails[0]
            .header("to")
            .unwrap_or_default()
            .contains("ana@client.example")
    );
    let page = member.get(&format!("/app/inbox/{open}")).await;
    let history = between(&page.text, "id=\"history\"", "</ol>");
    assert!(history.contains("Email sent"), "{history}");
}

#[tokio::test]
async fn the_reply_box_on_sqlite() {
    the_reply_box(spawn_app().await).await;
}

#[tokio::test]
async fn the_reply_box_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        the_reply_box(app).await;
    }
}
