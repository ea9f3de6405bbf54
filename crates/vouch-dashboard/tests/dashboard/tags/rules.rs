//! Keyword rules through the form: "Count matches" counts and saves nothing, bad input is
//! refused beside its field, "Save rule" saves and the page shows its progress until the
//! past is matched (here by `run_rule`, as the `apply_rule` job does: the test server runs no
//! worker), then its tagged count; deleting it keeps its tags.

use serde_json::Value;
use vouch_analytics::rules::run_rule;

use super::{Tagged, field_error, names, tagged, unescape};
use crate::helpers::{TestApp, spawn_app, spawn_app_postgres};

/// The dry run's count on the page.
fn matched(page: &str) -> String {
    let marker = "data-matched=\"";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("no count in {page}"))
        + marker.len();
    page[start..start + page[start..].find('"').expect("a quote")].to_owned()
}

async fn count(tagged: &Tagged, terms: &str, survey: &str) -> String {
    let fields = [
        ("tag", "billing"),
        ("terms", terms),
        ("survey", survey),
        ("intent", "count"),
    ];
    let page = tagged.post("/app/rules", &fields).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("id=\"rule-count\""));
    assert!(
        page.text
            .contains(&format!("value=\"{}\"", terms.replace('"', "&#34;")))
    );
    matched(&page.text)
}

/// "Count matches" with a survey, every survey, the other survey; the sentence.
async fn counts(tagged: &Tagged) {
    let survey = tagged.survey.id.0.to_string();
    let terms = "refund*, \"money back\"";
    assert_eq!(count(tagged, terms, &survey).await, "4");
    assert_eq!(
        count(tagged, terms, "").await,
        "5",
        "every survey: the other one's too"
    );
    assert_eq!(
        count(tagged, terms, &tagged.other.id.0.to_string()).await,
        "1"
    );
    let page = tagged
        .post(
            "/app/rules",
            &[("tag", "billing"), ("terms", terms), ("intent", "count")],
        )
        .await;
    assert!(unescape(&page.text).contains("This rule would tag 5 responses now."));
}

/// Bad rules refused beside their field, for both buttons: nothing saved, no tag created.
async fn refusals(tagged: &Tagged) {
    let long_term = "a".repeat(10_000);
    let long_tag = "t".repeat(41);
    for (tag, terms, id, message) in [
        ("", "refund", "rule-tag-error", "Give the tag a name."),
        (
            "  ",
            "refund",
            "rule-tag-error",
            "A tag name needs at least one character that is not a space.",
        ),
        (
            long_tag.as_str(),
            "refund",
            "rule-tag-error",
            "A tag name has at most 40 characters; this one has 41.",
        ),
        (
            "billing",
            " ",
            "rule-terms-error",
            "Give at least one term to match: a word, a prefix* or a \"phrase\".",
        ),
        (
            "billing",
            "re*",
            "rule-terms-error",
            "The prefix \"re*\" is too short: give at least 3 letters before *.",
        ),
        (
            "billing",
            long_term.as_str(),
            "rule-terms-error",
            "A term has at most 100 characters; one has 10000.",
        ),
    ] {
        for intent in ["count", "save"] {
            let fields = [("tag", tag), ("terms", terms), ("intent", intent)];
            let refused = tagged.post("/app/rules", &fields).await;
            assert_eq!(refused.status, 422, "{tag:?} {terms:?}: {}", refused.text);
            assert_eq!(field_error(&refused.text, id), message);
            assert!(!refused.text.contains("id=\"rule-count\""));
        }
    }
    let elsewhere = [
        ("tag", "billing"),
        ("terms", "refund"),
        ("survey", "99999"),
        ("intent", "save"),
    ];
    let refused = tagged.post("/app/rules", &elsewhere).await;
    assert_eq!(refused.status, 422);
    assert!(field_error(&refused.text, "rule-survey-error").starts_with("Choose a survey"));
    let store = &tagged.app.store;
    assert!(
        store
            .rules(tagged.app.acme.id)
            .await
            .expect("rules")
            .is_empty()
    );
    assert!(tagged.tags().await.is_empty(), "a dry run creates no tag");
}

/// The progress JSON of the only rule: (percent, caught up, tagged).
async fn progress(tagged: &Tagged) -> (i64, bool, String) {
    let reply = tagged.member.get("/app/rules/progress").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.header("content-type").starts_with("application/json"));
    assert_eq!(reply.header("cache-control"), "no-store");
    let body: Value = serde_json::from_str(&reply.text).expect("JSON");
    let rule = &body["rules"][0];
    (
        rule["percent"].as_i64().expect("a percent"),
        rule["caught_up"].as_bool().expect("caught_up"),
        rule["tagged"].as_str().expect("tagged").to_owned(),
    )
}

/// "Save rule": the page says so and shows its progress, and a reload link for no script.
async fn save(tagged: &Tagged) {
    let survey = tagged.survey.id.0.to_string();
    let fields = [
        ("tag", "billing"),
        ("terms", "refund*,  \"money back\""),
        ("survey", survey.as_str()),
        ("intent", "save"),
    ];
    let saved = tagged.post("/app/rules", &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(saved.location(), "/app/tags?saved=rule&name=billing#rules");
    let page = tagged.member.get(saved.location()).await;
    let text = unescape(&page.text);
    assert!(
        text.contains("Rule saved: tagging past responses…"),
        "{text}"
    );
    assert!(
        text.contains("refund*, \"money back\""),
        "the terms in their one spelling"
    );
    assert!(text.contains("<td>Customers</td>"), "{text}");
    assert!(
        page.text.contains("<progress max=\"100\" value=\"0\""),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("id=\"rules-reload\"><a href=\"/app/tags#rules\">Reload</a>")
    );
    assert_eq!(progress(tagged).await, (0, false, "0".to_owned()));
}

/// The past matched (as the job does): the page and the JSON say "up to date", with the count.
async fn match_the_past(tagged: &Tagged) -> i64 {
    let store = tagged.app.store.as_ref();
    let workspace = tagged.app.acme.id;
    let rule = store.rules(workspace).await.expect("rules").remove(0);
    let pass = run_rule(store, workspace, &rule, |_| {})
        .await
        .expect("the pass");
    assert_eq!((pass.matched, pass.tagged), (4, 4));
    assert_eq!(progress(tagged).await, (100, true, "4".to_owned()));
    let page = tagged.member.get("/app/tags").await;
    assert!(page.text.contains("Up to date"), "{}", page.text);
    assert!(!page.text.contains("<progress"));
    assert!(
        page.text
            .contains("<td class=\"num\" data-rule-tagged>4</td>")
    );
    assert_eq!(names(&tagged.tags().await), [("billing".to_owned(), 4)]);

    rule.id.0
}

/// Deleting the rule keeps the tags it put on; a second delete finds nothing.
async fn delete(tagged: &Tagged, rule: i64) {
    let (store, workspace) = (tagged.app.store.as_ref(), tagged.app.acme.id);
    let deleted = tagged
        .post("/app/rules/delete", &[("rule", &rule.to_string())])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.text);
    assert!(store.rules(workspace).await.expect("rules").is_empty());
    assert_eq!(
        names(&tagged.tags().await),
        [("billing".to_owned(), 4)],
        "its tags stay"
    );
    let again = tagged
        .post("/app/rules/delete", &[("rule", &rule.to_string())])
        .await;
    assert_eq!(again.status, 404);
}

async fn rules_through_the_form(app: TestApp) {
    let tagged = tagged(app).await;
    counts(&tagged).await;
    refusals(&tagged).await;
    save(&tagged).await;
    let rule = match_the_past(&tagged).await;
    delete(&tagged, rule).await;
}

#[tokio::test]
async fn a_rule_is_counted_then_saved_and_tags_the_past_on_sqlite() {
    rules_through_the_form(spawn_app().await).await;
}

#[tokio::test]
async fn a_rule_is_counted_then_saved_and_tags_the_past_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        rules_through_the_form(app).await;
    }
}
