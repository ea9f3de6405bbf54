//! (8) The weekly digest page in Chromium: a viewer opens it from the settings tabs, reads this
//! week's digest (its subject names the last complete ISO week, nothing of the eNPS survey
//! shows), turns the digest on and off again with the checkbox, and the store keeps each
//! choice; the page fits a phone's width.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::Value;
use vouch_browser_tests::{Browser, Viewport};
use vouch_core::digest::DigestWeek;
use vouch_store::Role;

use super::{Fixture, page_status, sign_in};

async fn receiving(fixture: &Fixture, email: &str) -> bool {
    let store = fixture.server.store.as_ref();
    let (user, _) = store
        .user_by_email(email)
        .await
        .expect("read")
        .expect("a user");
    store
        .member_preferences(fixture.server.workspace.id, user.id)
        .await
        .expect("preferences")
        .weekly_digest
}

async fn checked(browser: &Browser) -> bool {
    let value: Value = browser
        .execute(
            "return document.querySelector('#digest-receive').checked;",
            vec![],
        )
        .await;
    value.as_bool().unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_previews_the_digest_and_turns_it_on_and_off() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("vic@acme.example", Role::Viewer, false).await;
    let Some(mut browser) = Browser::start("dashboard-digest", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "vic@acme.example", false).await;
    browser.goto(&server.url("/app/settings")).await;
    browser.click("nav.tabs a[href='/app/digest']").await;
    browser.wait_for("#digest-preview").await;
    assert_eq!(page_status(&browser).await, 200);
    let week = DigestWeek::last_complete(Timestamp::now(), &TimeZone::UTC).label();
    let subject = browser
        .wait_for("#digest-subject")
        .await
        .text()
        .await
        .expect("the subject");
    assert!(
        subject.contains(&format!("weekly digest {week}")),
        "{subject}"
    );
    let body = browser.body_text().await;
    assert!(
        !body.contains("Workplace comment"),
        "nothing of the eNPS survey"
    );
    assert!(body.contains("eNPS surveys are left out"));
    assert!(!checked(&browser).await, "off until chosen");
    browser.screenshot("digest-preview").await;

    browser.click("#digest-receive").await;
    browser
        .click("form[action='/app/digest'] button[type=submit]")
        .await;
    browser
        .wait_for_text("Saved: you will receive the weekly digest.")
        .await;
    assert!(checked(&browser).await);
    assert!(
        receiving(&fixture, "vic@acme.example").await,
        "kept in the store"
    );
    browser.screenshot("digest-on").await;

    browser.click("#digest-receive").await;
    browser
        .click("form[action='/app/digest'] button[type=submit]")
        .await;
    browser
        .wait_for_text("Saved: you will not receive the weekly digest.")
        .await;
    assert!(!checked(&browser).await);
    assert!(
        !receiving(&fixture, "vic@acme.example").await,
        "turned off again"
    );
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;

    let Some(mut phone) = Browser::start("dashboard-digest-phone", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "vic@acme.example", false).await;
    phone.goto(&server.url("/app/digest")).await;
    phone.wait_for("#digest-preview").await;
    let sideways: Value = phone
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await;
    assert!(
        sideways.as_i64().unwrap_or(0) <= 0,
        "no sideways scroll on a phone"
    );
    phone.screenshot("digest-phone").await;
    phone.assert_no_console_errors(&[]).await;
    phone.close().await;
}
