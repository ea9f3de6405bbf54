//! (6) The Tags page in Chromium: a member opens it from the navigation, creates tags, adds a
//! keyword rule with "Count matches" then "Save rule", watches its progress reach "Up to
//! date" (the page's script polls while the test plays the `apply_rule` job through the store:
//! the test server runs no worker), renames a tag, merges two and deletes one through its
//! confirmation; then the page at phone width, which must not scroll sideways.

use vouch_browser_tests::{Browser, Viewport};
use vouch_store::{ResponseId, Role, TagSummary};

use super::{Fixture, SETTLE, assert_no_sideways_scroll, page_status, sign_in};

/// The answers whose comment holds the word "support", as the rule matches them.
async fn support_answers(fixture: &Fixture) -> Vec<ResponseId> {
    let server = &fixture.server;
    server
        .store
        .responses_after(server.workspace.id, ResponseId(0), None, 1_000)
        .await
        .expect("the answers")
        .into_iter()
        .filter(|response| {
            response.comment.as_deref().is_some_and(|comment| {
                comment
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| word.eq_ignore_ascii_case("support"))
            })
        })
        .map(|response| response.id)
        .collect()
}

/// The workspace's tags as stored: (name, responses).
async fn stored_tags(fixture: &Fixture) -> Vec<(String, u64)> {
    let tags: Vec<TagSummary> = fixture
        .server
        .store
        .tags(fixture.server.workspace.id)
        .await
        .expect("the tags");
    tags.into_iter()
        .map(|tag| (tag.name, tag.responses))
        .collect()
}

/// Types `name` into the "New tag" form and waits for its notice.
async fn create_tag(browser: &mut Browser, name: &str) {
    browser.type_into("#new-tag-name", name).await;
    browser.click("#new-tag-form button[type=submit]").await;
    browser
        .wait_for_text(&format!("Tag “{name}” created."))
        .await;
    browser.assert_no_console_errors(&[]).await;
}

/// "Count matches": the count of the answers about support, the form kept, nothing saved.
async fn count_matches(browser: &mut Browser, fixture: &Fixture) -> Vec<ResponseId> {
    let matched = support_answers(fixture).await;
    assert!(
        !matched.is_empty(),
        "the fixture has comments about support"
    );
    browser.type_into("#rule-tag", "support").await;
    browser.type_into("#rule-terms", "support").await;
    browser.click("button[name=intent][value=count]").await;
    let count = browser.wait_for("#rule-count [data-matched]").await;
    assert_eq!(
        count.attr("data-matched").await.expect("the count"),
        Some(matched.len().to_string())
    );
    let sentence = count.text().await.expect("the sentence");
    assert_eq!(
        sentence,
        format!("This rule would tag {} responses now.", matched.len())
    );
    let kept = browser.wait_for("#rule-terms").await.prop("value").await;
    assert_eq!(kept.expect("the terms").as_deref(), Some("support"));
    browser.screenshot("rule-count").await;
    browser.assert_no_console_errors(&[]).await;
    assert!(
        stored_tags(fixture)
            .await
            .iter()
            .all(|(name, _)| name != "support")
    );
    matched
}

/// "Save rule", then the past matched while the page watches.
async fn save_rule(browser: &mut Browser, fixture: &Fixture, matched: &[ResponseId]) {
    browser.click("button[name=intent][value=save]").await;
    browser
        .wait_for_text("Rule saved: tagging past responses…")
        .await;
    browser.wait_for("progress[data-rule-progress]").await;
    assert!(
        !browser.is_visible("#rules-reload").await,
        "the script refreshes the progress: no reload link"
    );
    browser.screenshot("rule-saved").await;
    browser.assert_no_console_errors(&[]).await;

    // The job's pass, through the store: the page's script sees it finish.
    let server = &fixture.server;
    let store = server.store.as_ref();
    let rule = store
        .rules(server.workspace.id)
        .await
        .expect("rules")
        .remove(0);
    store
        .apply_rule(
            server.workspace.id,
            rule.id,
            matched,
            rule.backfill_until,
            jiff::Timestamp::now(),
        )
        .await
        .expect("the rule applied");
    vouch_browser_tests::eventually("the rule to be up to date", SETTLE, || async {
        let status = browser
            .find_all("[data-rule-status]")
            .await
            .into_iter()
            .next()?;
        (status.text().await.ok()? == "Up to date").then_some(())
    })
    .await;
    let tagged = browser.wait_for("[data-rule-tagged]").await.text().await;
    assert_eq!(tagged.expect("the count"), matched.len().to_string());
    assert!(!browser.exists("progress").await);
    browser.screenshot("rule-done").await;
    browser.assert_no_console_errors(&[]).await;
}

/// Renames "Costs" to "Prices" through its row's form.
async fn rename_tag(browser: &mut Browser) {
    browser
        .click("li[data-tag='Costs'] details.row-actions > summary")
        .await;
    let field = browser
        .wait_for_visible("li[data-tag='Costs'] .row-actions__form input[name=name]")
        .await;
    field.clear().await.expect("clear the field");
    field.send_keys("Prices").await.expect("type the name");
    browser.screenshot("rename").await;
    browser
        .click("li[data-tag='Costs'] .row-actions__form button[type=submit]")
        .await;
    browser.wait_for_text("Tag renamed to “Prices”.").await;
    browser.wait_for("li[data-tag='Prices']").await;
    browser.assert_no_console_errors(&[]).await;
}

/// Merges "Pricing" and "Prices" into "Money", then deletes "Money" through its confirmation.
async fn merge_and_delete(browser: &mut Browser) {
    browser.click("#merge-form input[value='Pricing']").await;
    browser.click("#merge-form input[value='Prices']").await;
    browser.type_into("#merge-into", "Money").await;
    browser.screenshot("merge").await;
    browser.click("#merge-form button[type=submit]").await;
    browser.wait_for_text("Tags merged into “Money”.").await;
    browser.wait_for("li[data-tag='Money']").await;
    assert!(!browser.exists("li[data-tag='Pricing']").await);
    browser.assert_no_console_errors(&[]).await;

    let row = "li[data-tag='Money']";
    browser
        .click(&format!("{row} details.row-actions > summary"))
        .await;
    browser
        .click(&format!("{row} details.confirm > summary"))
        .await;
    browser
        .wait_for_visible(&format!("{row} details.confirm button[type=submit]"))
        .await;
    browser.screenshot("delete-confirm").await;
    browser
        .click(&format!("{row} details.confirm button[type=submit]"))
        .await;
    browser.wait_for_text("Tag “Money” deleted.").await;
    assert!(!browser.exists(row).await);
    browser.assert_no_console_errors(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_manages_tags_and_rules_on_desktop_and_phone() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("mia@acme.example", Role::Member, false).await;
    let Some(mut browser) = Browser::start("dashboard-tags", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "mia@acme.example", false).await;
    browser.click(".site-nav a[href='/app/tags']").await;
    browser.wait_for_text("No tags yet").await;
    assert_eq!(page_status(&browser).await, 200);
    browser.screenshot("tags-empty").await;
    browser.assert_no_console_errors(&[]).await;

    create_tag(&mut browser, "Pricing").await;
    create_tag(&mut browser, "Costs").await;
    let matched = count_matches(&mut browser, &fixture).await;
    save_rule(&mut browser, &fixture, &matched).await;
    rename_tag(&mut browser).await;
    merge_and_delete(&mut browser).await;
    browser.screenshot("tags").await;
    let matched = support_answers(&fixture).await.len() as u64;
    assert_eq!(
        stored_tags(&fixture).await,
        [("support".to_owned(), matched)]
    );
    browser.close().await;

    let Some(mut phone) = Browser::start("dashboard-tags", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "mia@acme.example", false).await;
    phone.goto(&server.url("/app/tags")).await;
    phone.wait_for("li[data-tag='support']").await;
    phone.screenshot("tags").await;
    assert_no_sideways_scroll(&phone, "the Tags page").await;
    phone
        .click("li[data-tag='support'] details.row-actions > summary")
        .await;
    phone
        .wait_for_visible("li[data-tag='support'] .row-actions__form input[name=name]")
        .await;
    phone.screenshot("tags-rename").await;
    assert_no_sideways_scroll(&phone, "the Tags page with a rename form open").await;
    phone.assert_no_console_errors(&[]).await;
    phone.close().await;
}
