//! (6) Close the loop in Chromium: a member opens the wizard answer, types a reply in its
//! Reply box and sends it; the history shows the reply, queued, and once the worker ran it has
//! arrived in the loopback SMTP server and the history says it was sent. An eNPS answer
//! offers no Reply box at all.

use std::sync::Arc;

use vouch_browser_tests::{Browser, Viewport};
use vouch_jobs::{JobsConfig, Worker};
use vouch_store::Role;
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available};

use super::{Fixture, SETTLE, WIZARD_COMMENT, page_status, sign_in};

/// The text typed into the Reply box.
const REPLY: &str = "Thank you! We are glad the wizard helped.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_replies_to_a_respondent_and_the_email_arrives() {
    if !aiosmtpd_available("a member replies to a respondent") {
        return;
    }
    let smtp = SmtpServer::start();
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("mia@acme.example", Role::Member, true).await;
    let wizard = fixture.wizard_answer().await;
    let Some(mut browser) = Browser::start("dashboard-replies", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "mia@acme.example", false).await;

    browser
        .goto(&server.url(&format!("/app/inbox/{}", wizard.id.0)))
        .await;
    assert_eq!(page_status(&browser).await, 200);
    browser.wait_for_text(WIZARD_COMMENT).await;
    browser.wait_for("#reply-form label[for=reply-field]").await;
    browser.type_into("#reply-field", REPLY).await;
    browser.screenshot("reply-typed").await;
    browser.click("#reply-form button[type=submit]").await;
    vouch_browser_tests::eventually("the reply in the history", SETTLE, || async {
        let history = browser.find_all("#history").await.into_iter().next()?;
        let text = history.text().await.ok()?;
        (text.contains("Replied by email") && text.contains(REPLY)).then_some(text)
    })
    .await;
    let history = browser.wait_for_text("Email sending").await;
    assert!(
        history.contains("Reply sent"),
        "the confirmation: {history}"
    );
    browser.screenshot("reply-queued").await;
    browser.assert_no_console_errors(&[]).await;

    let config = JobsConfig {
        public_url: server.base.clone(),
        smtp_url: Some(smtp.url()),
        ..JobsConfig::default()
    };
    let worker = Worker::new(Arc::clone(&server.store), config).expect("a worker");
    worker.run_due_jobs().await.expect("the jobs ran");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "the reply arrived");
    let mail = &mails[0];
    assert!(
        mail.header("to")
            .unwrap_or_default()
            .contains("customer0@client.example"),
        "{:?}",
        mail.headers
    );
    assert_eq!(mail.header("reply-to"), Some("mia@acme.example"));
    let text = mail.part("text/plain").expect("a text part");
    assert!(text.contains(REPLY), "{text}");
    assert!(
        text.contains(WIZARD_COMMENT),
        "the answer is quoted: {text}"
    );

    browser
        .goto(&server.url(&format!("/app/inbox/{}", wizard.id.0)))
        .await;
    browser.wait_for_text("Email sent").await;
    browser.screenshot("reply-sent").await;

    let enps = server
        .store
        .responses_after(server.workspace.id, vouch_store::ResponseId(0), None, 100)
        .await
        .expect("responses")
        .into_iter()
        .find(|response| response.survey == fixture.enps.id)
        .expect("an eNPS answer");
    browser
        .goto(&server.url(&format!("/app/inbox/{}", enps.id.0)))
        .await;
    assert_eq!(page_status(&browser).await, 200);
    browser.wait_for("#workflow-form").await;
    assert!(
        !browser.exists("#reply-form").await,
        "no Reply box for eNPS"
    );
    assert!(!browser.exists("#reply-unavailable").await, "nor a reason");
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;
}
