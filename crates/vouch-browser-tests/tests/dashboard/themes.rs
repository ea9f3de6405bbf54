//! (7) The Themes page in Chromium: a third survey gets 52 answers whose comments are about
//! three clear topics (support being slow, pricing being too expensive, the mobile app
//! crashing) and 9 of its answers are tagged `vip` (`theme_answers`). A member opens its
//! overview, follows the navigation to Themes (the first visit finds the themes) and reads
//! each row's answers, share, NPS ± margin, impact, detractors' value and sentiment against
//! figures worked out from the seeds; each row's split bar must be readable. Then sorting by
//! answers, detractors' value and impact, "Find themes again" (the themes keep their ids), a
//! theme's link to the overview and another's to the inbox, both filtered by `theme=`, and
//! "Make a tag" on the pricing theme: its rule is saved and matches the theme's answers; the
//! test plays the rule's job through the store (the test server runs no worker) and the new
//! tag's row shows the theme's figures. Last, the page at phone width, which must not scroll
//! sideways.

use std::collections::BTreeMap;

use serde_json::Value;
use vouch_browser_tests::{Browser, Viewport};
use vouch_store::{ResponseId, Role, ThemeId};

use super::theme_answers::{
    Product, Tally, Topic, expected_row, matched_by, minus, seed_product, stored_themes, theme_of,
};
use super::{Fixture, SETTLE, assert_no_sideways_scroll, headline, page_status, sign_in};

/// The table's rows in order: `data-theme`, then each `data-figure` cell's text.
async fn rows(browser: &Browser) -> Vec<BTreeMap<String, String>> {
    let found: Value = browser
        .execute(
            "return [...document.querySelectorAll('#themes tbody tr[data-theme]')].map(row => {\
               const cells = {id: row.dataset.theme, \
                 label: row.querySelector('a.theme-link').textContent.trim()};\
               for (const cell of row.querySelectorAll('[data-figure]')) {\
                 cells[cell.dataset.figure] = cell.textContent.trim();\
               }\
               return cells;\
             });",
            vec![],
        )
        .await;
    let rows = found.as_array().expect("the rows");
    rows.iter()
        .map(|row| {
            let row = row.as_object().expect("a row");
            row.iter()
                .map(|(key, value)| (key.clone(), value.as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .collect()
}

/// A screenshot of the table, scrolled to the top of the window.
async fn table_screenshot(browser: &mut Browser, label: &str) {
    browser
        .execute(
            "document.querySelector('#themes').scrollIntoView();",
            vec![],
        )
        .await;
    browser.screenshot(label).await;
}

/// Fails when two of the texts a row's split bar shows overlap (its percentages and legend
/// squeezed into a table cell).
async fn assert_readable_splits(browser: &Browser) {
    let overlaps: Value = browser
        .execute(
            "return [...document.querySelectorAll('#themes td.themes-split')].flatMap(cell => {\
               const boxes = [...cell.querySelectorAll('text')]\
                 .filter(text => text.getClientRects().length > 0)\
                 .map(text => [text.textContent, text.getBoundingClientRect()]);\
               return boxes.flatMap(([a, one], at) => boxes.slice(at + 1)\
                 .filter(([, two]) => one.left < two.right && two.left < one.right \
                   && one.top < two.bottom && two.top < one.bottom)\
                 .map(([b]) => a + ' over ' + b));\
             });",
            vec![],
        )
        .await;
    assert_eq!(
        overlaps,
        Value::Array(Vec::new()),
        "texts of a split overlap"
    );
}

/// The ids of the rows, in order.
async fn order(browser: &Browser) -> Vec<String> {
    rows(browser)
        .await
        .into_iter()
        .map(|row| row["id"].clone())
        .collect()
}

/// The first word of a cell, without thousands separators.
fn first_figure(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    first.replace(',', "")
}

/// Every row's figures as worked out from the seeds; the sentiment of each theme's comments
/// adds up to its comments.
fn check_figures(
    shown: &[BTreeMap<String, String>],
    product: &Product,
    themes: &[(ThemeId, Topic)],
) {
    let all = Tally::of(&product.of(|_| true));
    assert_eq!((all.n, all.promoters, all.detractors), (52, 21, 21));
    let mut expected: Vec<(String, Tally, u64)> = Topic::ALL
        .into_iter()
        .map(|topic| {
            let seeds = product.topic(topic);
            (
                theme_of(themes, topic),
                Tally::of(&seeds),
                seeds.len() as u64,
            )
        })
        .collect();
    expected.push(("tag:vip".into(), Tally::of(&product.of(|s| s.vip)), 0));
    assert_eq!(shown.len(), expected.len(), "{shown:#?}");
    for (id, tally, comments) in expected {
        let row = shown.iter().find(|row| row["id"] == id).expect("a row");
        for (figure, text) in expected_row(all, tally) {
            // The margin whole ("± 41"); of the others, the figure without "n < 30" or commas.
            let (shown, text) = match figure {
                "margin" => (row[figure].clone(), text),
                _ => (first_figure(&row[figure]), first_figure(&text)),
            };
            assert_eq!(shown, text, "{figure} of {id}: {row:?}");
        }
        let felt: u64 = row["sentiment"]
            .split(" · ")
            .map(|part| {
                part.split(' ')
                    .next()
                    .unwrap_or("")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
            .sum();
        assert_eq!(felt, comments, "the sentiment of {id}: {row:?}");
        let source = if id.starts_with("tag:") {
            "tag"
        } else {
            "auto"
        };
        assert_eq!(row["source"], source);
    }
}

/// Follows a sort link and returns the order it gives.
async fn sort_by(browser: &mut Browser, label: &str, sort: &str) -> Vec<String> {
    browser
        .click(&format!("#themes thead a.sort[href$='sort={sort}']"))
        .await;
    vouch_browser_tests::eventually(&format!("sorted by {label}"), SETTLE, || async {
        browser
            .url()
            .await
            .contains(&format!("sort={sort}"))
            .then_some(())
    })
    .await;
    let header = browser
        .wait_for("#themes thead th[aria-sort=descending]")
        .await
        .text()
        .await
        .expect("the header");
    assert_eq!(header, label);
    table_screenshot(browser, &format!("themes-by-{sort}")).await;
    browser.assert_no_console_errors(&[]).await;
    order(browser).await
}

/// The three orders, each from the seeded figures.
async fn check_sorting(browser: &mut Browser, themes: &[(ThemeId, Topic)]) {
    let [support, pricing, mobile] = Topic::ALL.map(|topic| theme_of(themes, topic));
    let vip = "tag:vip".to_owned();
    let expected = |order: [&String; 4]| order.map(String::clone).to_vec();
    let by_volume = sort_by(browser, "Answers", "volume").await;
    assert_eq!(by_volume, expected([&support, &pricing, &vip, &mobile]));
    let by_value = sort_by(browser, "Detractors' value", "value").await;
    assert_eq!(by_value, expected([&pricing, &mobile, &support, &vip]));
    let by_impact = sort_by(browser, "Impact", "impact").await;
    assert_eq!(by_impact, expected([&mobile, &pricing, &support, &vip]));
}

/// Finds the themes again: the same themes, with the same ids.
async fn find_again(browser: &mut Browser, before: &[String]) {
    browser.click("form.themes-find button[type=submit]").await;
    browser
        .wait_for_text("Themes found again in 32 comments just now.")
        .await;
    let mut after = order(browser).await;
    let mut before = before.to_vec();
    after.sort();
    before.sort();
    assert_eq!(after, before);
    browser.assert_no_console_errors(&[]).await;
}

/// A theme's link opens the overview filtered by it: its NPS and answers.
async fn filter_the_overview(browser: &mut Browser, theme: &str, expected: Tally) {
    browser
        .click(&format!("tr[data-theme='{theme}'] a.theme-link"))
        .await;
    vouch_browser_tests::eventually("the filtered overview", SETTLE, || async {
        let url = browser.url().await;
        (!url.contains("/themes") && url.contains(&format!("theme={theme}"))).then_some(())
    })
    .await;
    assert_eq!(page_status(browser).await, 200);
    let nps = minus(format!("{}", expected.nps().round()));
    assert_eq!(
        headline(browser).await,
        (nps, format!("n = {}", expected.n))
    );
    browser.screenshot("overview-by-theme").await;
    browser.assert_no_console_errors(&[]).await;
}

/// A theme's "comments" link opens the inbox filtered by it: exactly its answers.
async fn filter_the_inbox(browser: &mut Browser, theme: &str, product: &Product, topic: Topic) {
    browser
        .click(&format!("tr[data-theme='{theme}'] a.theme-comments"))
        .await;
    vouch_browser_tests::eventually("the filtered inbox", SETTLE, || async {
        let url = browser.url().await;
        (url.contains("/app/inbox") && url.contains(&format!("theme={theme}"))).then_some(())
    })
    .await;
    assert_eq!(page_status(browser).await, 200);
    let listed: Value = browser
        .execute(
            "return [...document.querySelectorAll('#inbox-list .inbox-item')]\
             .map(item => item.querySelector('.inbox-item__text').textContent.trim());",
            vec![],
        )
        .await;
    let mut listed: Vec<String> = listed
        .as_array()
        .expect("the answers")
        .iter()
        .map(|text| text.as_str().unwrap_or("").to_owned())
        .collect();
    let mut expected: Vec<String> = product
        .answers
        .iter()
        .filter(|answer| answer.1.topic == Some(topic))
        .filter_map(|answer| answer.2.clone())
        .collect();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    browser.screenshot("inbox-by-theme").await;
    browser.assert_no_console_errors(&[]).await;
}

/// The tag made of the pricing theme and its rule, as stored: the rule matches the theme's
/// answers exactly; then its job's pass, played through the store.
async fn apply_the_new_rule(fixture: &Fixture, product: &Product, label: &str) {
    let server = &fixture.server;
    let store = server.store.as_ref();
    let workspace = server.workspace.id;
    let tags = store.tags(workspace).await.expect("the tags");
    assert!(tags.iter().any(|tag| tag.name == label), "{tags:?}");
    let rules = store.rules(workspace).await.expect("the rules");
    let [rule] = rules.as_slice() else {
        panic!("one rule: {rules:?}")
    };
    assert_eq!(
        (rule.tag.as_str(), rule.survey),
        (label, Some(product.survey.id))
    );
    let matched = matched_by(product, &rule.terms);
    let pricing: Vec<ResponseId> = product
        .answers
        .iter()
        .filter(|answer| answer.1.topic == Some(Topic::Pricing))
        .map(|answer| answer.0)
        .collect();
    assert_eq!(
        matched, pricing,
        "the rule {:?} tags the theme's answers",
        rule.terms
    );
    let now = jiff::Timestamp::now();
    store
        .apply_rule(workspace, rule.id, &matched, rule.backfill_until, now)
        .await
        .expect("the rule applied");
}

/// "Make a tag" on the pricing theme: the tag and its rule are stored, the rule matches the
/// theme's answers, and once its job has run the tag's row shows the theme's figures.
async fn make_a_tag(browser: &mut Browser, fixture: &Fixture, product: &Product, theme: &str) {
    let shown = rows(browser).await;
    let row = shown
        .iter()
        .find(|row| row["id"] == theme)
        .expect("the row");
    let label = row["label"].clone();
    browser
        .click(&format!(
            "tr[data-theme='{theme}'] form[action$='/{theme}/tag'] button"
        ))
        .await;
    browser
        .wait_for_text(&format!("Tag “{label}” created from the theme"))
        .await;
    browser.screenshot("themes-tag-made").await;
    browser.assert_no_console_errors(&[]).await;
    apply_the_new_rule(fixture, product, &label).await;

    browser.client().refresh().await.expect("reload the page");
    browser.wait_for("#themes").await;
    let shown = rows(browser).await;
    let tag = format!("tag:{label}");
    let tagged = shown
        .iter()
        .find(|row| row["id"] == tag)
        .expect("the tag's row");
    let theme_row = shown
        .iter()
        .find(|row| row["id"] == theme)
        .expect("the row");
    for figure in ["responses", "nps", "margin", "impact", "value"] {
        assert_eq!(tagged[figure], theme_row[figure], "{figure}: {tagged:?}");
    }
    table_screenshot(browser, "themes-with-new-tag").await;
    browser.assert_no_console_errors(&[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_reads_sorts_and_follows_themes_on_desktop_and_phone() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("mia@acme.example", Role::Member, false).await;
    let product = seed_product(&fixture).await;
    let Some(mut browser) = Browser::start("dashboard-themes", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "mia@acme.example", false).await;
    let overview = format!("/app/surveys/{}", product.survey.id.0);
    browser.goto(&server.url(&overview)).await;
    browser
        .click(&format!(".site-nav a[href='{overview}/themes']"))
        .await;
    browser
        .wait_for_text("Themes found in 32 comments just now.")
        .await;
    assert_eq!(page_status(&browser).await, 200);
    browser.screenshot("themes").await;
    table_screenshot(&mut browser, "themes-table").await;
    browser.assert_no_console_errors(&[]).await;

    assert_readable_splits(&browser).await;
    let themes = stored_themes(&fixture, &product).await;
    let shown = rows(&browser).await;
    check_figures(&shown, &product, &themes);
    let ids: Vec<String> = shown.iter().map(|row| row["id"].clone()).collect();
    find_again(&mut browser, &ids).await;
    check_sorting(&mut browser, &themes).await;

    let mobile = theme_of(&themes, Topic::Mobile);
    filter_the_overview(
        &mut browser,
        &mobile,
        Tally::of(&product.topic(Topic::Mobile)),
    )
    .await;
    browser
        .goto(&server.url(&format!("{overview}/themes")))
        .await;
    let support = theme_of(&themes, Topic::Support);
    filter_the_inbox(&mut browser, &support, &product, Topic::Support).await;
    browser
        .goto(&server.url(&format!("{overview}/themes")))
        .await;
    make_a_tag(
        &mut browser,
        &fixture,
        &product,
        &theme_of(&themes, Topic::Pricing),
    )
    .await;
    browser.close().await;

    on_a_phone(&fixture, &overview).await;
}

/// The page at phone width: no sideways scroll, readable split bars.
async fn on_a_phone(fixture: &Fixture, overview: &str) {
    let server = &fixture.server;
    let Some(mut phone) = Browser::start("dashboard-themes", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "mia@acme.example", false).await;
    phone.goto(&server.url(&format!("{overview}/themes"))).await;
    phone.wait_for("#themes tr[data-theme='tag:vip']").await;
    phone.screenshot("themes").await;
    assert_no_sideways_scroll(&phone, "the Themes page").await;
    table_screenshot(&mut phone, "themes-table").await;
    assert_no_sideways_scroll(&phone, "the Themes page's table").await;
    assert_readable_splits(&phone).await;
    phone.assert_no_console_errors(&[]).await;
    phone.close().await;
}
