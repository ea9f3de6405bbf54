//! (5) The campaign pages in Chromium: a member counts the pro customers on the send form (the
//! email shown in its sandboxed frame beside it), creates the campaign and finds it listed;
//! then the same pages at phone width, which must not scroll sideways.

use serde_json::Value;
use vouch_browser_tests::{Browser, Viewport};
use vouch_store::Role;

use super::{Fixture, SETTLE, page_status, sign_in};

/// How far the page scrolls sideways (0 when it fits).
async fn sideways(browser: &Browser) -> i64 {
    let width: Value = browser
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await;
    width.as_i64().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_counts_and_sends_a_campaign_on_desktop_and_phone() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("mia@acme.example", Role::Member, false).await;
    let Some(mut browser) = Browser::start("dashboard-campaigns", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "mia@acme.example", false).await;
    browser.goto(&server.url("/app/campaigns")).await;
    assert_eq!(page_status(&browser).await, 200);
    browser.wait_for_text("No campaigns yet").await;
    browser.screenshot("campaigns-empty").await;

    browser.click(".empty a[href='/app/campaigns/new']").await;
    browser
        .wait_for("iframe.email-preview__frame[sandbox]")
        .await;
    browser.type_into("#send-filters", "plan=pro").await;
    // Everyone answered lately: without a throttle window they may be asked again.
    browser.type_into("#send-throttle", "0").await;
    browser.click("button[name=intent][value=preview]").await;
    let asked = browser.wait_for("#dry-run [data-asked]").await;
    assert_eq!(asked.text().await.expect("the count"), "20");
    let kept = browser
        .wait_for("#send-filters")
        .await
        .prop("value")
        .await
        .expect("the filters");
    assert_eq!(kept.as_deref(), Some("plan=pro"));
    browser.screenshot("send-form-count").await;
    browser.assert_no_console_errors(&[]).await;

    browser.type_into("#send-name", "Pro customers").await;
    browser.click("button[name=intent][value=send]").await;
    vouch_browser_tests::eventually("to land on the campaign list", SETTLE, || async {
        browser
            .url()
            .await
            .contains("/app/campaigns?created=")
            .then_some(())
    })
    .await;
    let table = browser.wait_for_text("Pro customers").await;
    assert!(table.contains("plan=pro, throttle 0 d"), "{table}");
    browser.screenshot("campaigns").await;
    browser.assert_no_console_errors(&[]).await;
    let campaigns = server.store.campaigns(server.workspace.id).await.unwrap();
    assert_eq!(campaigns.len(), 1);
    browser.close().await;

    let Some(mut phone) = Browser::start("dashboard-campaigns", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "mia@acme.example", false).await;
    for (path, label, text) in [
        ("/app/campaigns", "campaigns", "Pro customers"),
        ("/app/campaigns/new", "send-form", "Who gets it, and when"),
        ("/app/widgets", "widget-keys", "No widget keys yet"),
    ] {
        phone.goto(&server.url(path)).await;
        phone.wait_for_text(text).await;
        phone.screenshot(label).await;
        let by = sideways(&phone).await;
        assert!(by <= 0, "{path} scrolls sideways on a phone by {by}px");
        phone.assert_no_console_errors(&[]).await;
    }
    phone.close().await;
}
