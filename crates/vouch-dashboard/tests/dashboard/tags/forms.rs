//! Tags through the forms: create, rename, merge and delete (through its confirmation), every
//! refusal a 422 with its sentence beside the field and nothing changed, forms without the
//! token refused, and viewers who see the lists without the forms and cannot post.

use vouch_store::{Actor, Role};

use super::{Tagged, field_error, names, tagged, unescape};
use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_postgres};

/// Creating: done once, then a taken name and bad names are refused beside the field.
async fn create_and_refuse(tagged: &Tagged) {
    let made = tagged.post("/app/tags", &[("name", " Billing ")]).await;
    assert_eq!(made.status, 303, "{}", made.text);
    assert_eq!(made.location(), "/app/tags?saved=created&name=Billing#tags");
    let page = tagged.member.get("/app/tags").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("<span class=\"tag\">Billing</span>"),
        "{}",
        page.text
    );
    let long = "x".repeat(41);
    for (typed, message) in [
        ("billing", "The tag \"Billing\" exists."),
        ("", "Give the tag a name."),
        (
            "   ",
            "A tag name needs at least one character that is not a space.",
        ),
        (
            long.as_str(),
            "A tag name has at most 40 characters; this one has 41.",
        ),
    ] {
        let refused = tagged.post("/app/tags", &[("name", typed)]).await;
        assert_eq!(refused.status, 422, "{typed:?}: {}", refused.text);
        assert_eq!(field_error(&refused.text, "new-tag-error"), message);
        assert!(
            refused.text.contains(&format!("value=\"{typed}\"")),
            "{typed:?} is kept"
        );
    }
    assert_eq!(names(&tagged.tags().await), [("Billing".to_owned(), 0)]);
}

/// Renaming: a name another tag has is the store's conflict; a good name renames everywhere.
async fn rename_and_refuse(tagged: &Tagged) {
    let store = &tagged.app.store;
    let workspace = tagged.app.acme.id;
    let actor = Actor::Member(tagged.mia.id);
    let now = jiff::Timestamp::now();
    store
        .add_tag(workspace, "Billing", &tagged.ids[..2], actor, now)
        .await
        .expect("tagged");
    assert_eq!(
        tagged
            .post("/app/tags", &[("name", "Support")])
            .await
            .status,
        303
    );
    let taken = tagged
        .post(
            "/app/tags/rename",
            &[("from", "Support"), ("name", "billing")],
        )
        .await;
    assert_eq!(taken.status, 422, "{}", taken.text);
    let message = field_error(&taken.text, "rename-error-2");
    assert_eq!(
        message,
        "The tag \"Billing\" exists: merge \"Support\" into it instead."
    );
    assert!(taken.text.contains("<details class=\"row-actions\" open>"));
    let blank = tagged
        .post("/app/tags/rename", &[("from", "Support"), ("name", " ")])
        .await;
    assert_eq!(blank.status, 422);
    assert!(field_error(&blank.text, "rename-error-2").starts_with("A tag name needs"));
    let before = vec![("Billing".to_owned(), 2), ("Support".to_owned(), 0)];
    assert_eq!(names(&tagged.tags().await), before);

    let renamed = tagged
        .post(
            "/app/tags/rename",
            &[("from", "Billing"), ("name", "Payments")],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.text);
    let page = tagged.member.get(renamed.location()).await;
    assert!(unescape(&page.text).contains("Tag renamed to “Payments”."));
    assert!(
        page.text.contains("href=\"/app/inbox?tag=Payments\""),
        "{}",
        page.text
    );
    assert!(page.text.contains("data-responses=\"2\""), "{}", page.text);
    let inbox = tagged.member.get("/app/inbox?tag=Payments").await;
    assert!(inbox.text.contains("2 answers"), "{}", inbox.text);
}

/// Merging and deleting.
async fn merge_and_delete(tagged: &Tagged) {
    let none = tagged.post("/app/tags/merge", &[("into", "Money")]).await;
    assert_eq!(none.status, 422);
    assert_eq!(
        field_error(&none.text, "merge-from-error"),
        "Tick at least one tag to merge."
    );
    let bad_into = tagged
        .post("/app/tags/merge", &[("from", "Payments"), ("into", "")])
        .await;
    assert_eq!(bad_into.status, 422);
    assert_eq!(
        field_error(&bad_into.text, "merge-into-error"),
        "Give the tag a name."
    );
    assert!(
        bad_into.text.contains("value=\"Payments\" checked"),
        "the ticks are kept"
    );
    let merged = tagged
        .post(
            "/app/tags/merge",
            &[("from", "Payments"), ("from", "Support"), ("into", "Money")],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.text);
    assert_eq!(names(&tagged.tags().await), [("Money".to_owned(), 2)]);

    // Without the confirmation, a step asks first and nothing is deleted.
    let asked = tagged.post("/app/tags/delete", &[("name", "Money")]).await;
    assert_eq!(asked.status, 200, "{}", asked.text);
    let asked_text = unescape(&asked.text);
    assert!(asked_text.contains("Delete “Money”?"), "{asked_text}");
    assert!(asked_text.contains("comes off 2 responses"), "{asked_text}");
    assert!(asked.text.contains("name=\"confirm\" value=\"yes\""));
    assert_eq!(tagged.tags().await.len(), 1);
    let deleted = tagged
        .post("/app/tags/delete", &[("name", "Money"), ("confirm", "yes")])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.text);
    assert!(tagged.tags().await.is_empty());
    let gone = tagged
        .post("/app/tags/delete", &[("name", "Money"), ("confirm", "yes")])
        .await;
    assert_eq!(gone.status, 404);
}

/// Forms without the session's token change nothing.
async fn forged_forms_are_refused(tagged: &Tagged) {
    for (path, fields) in [
        ("/app/tags", vec![("name", "Forged")]),
        (
            "/app/tags/rename",
            vec![("from", "Billing"), ("name", "Forged")],
        ),
        (
            "/app/tags/delete",
            vec![("name", "Billing"), ("confirm", "yes")],
        ),
    ] {
        let forged = tagged.member.post(path, &fields).await;
        assert_eq!(forged.status, 403, "{path}: {}", forged.text);
        let wrong = [vec![("csrf", "forged")], fields].concat();
        assert_eq!(tagged.member.post(path, &wrong).await.status, 403, "{path}");
    }
    assert_eq!(names(&tagged.tags().await), [("Billing".to_owned(), 0)]);
}

async fn tags_through_the_forms(app: TestApp) {
    let tagged = tagged(app).await;
    create_and_refuse(&tagged).await;
    forged_forms_are_refused(&tagged).await;
    rename_and_refuse(&tagged).await;
    merge_and_delete(&tagged).await;
}

#[tokio::test]
async fn tags_are_created_renamed_merged_and_deleted_through_the_forms_on_sqlite() {
    tags_through_the_forms(spawn_app().await).await;
}

#[tokio::test]
async fn tags_are_created_renamed_merged_and_deleted_through_the_forms_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        tags_through_the_forms(app).await;
    }
}

/// Every form posted by a viewer, with their session's token: 403.
async fn viewer_posts_are_refused(viewer: &Browser, csrf: &str, rule_id: &str) {
    for (path, fields) in [
        ("/app/tags", vec![("name", "Viewer's")]),
        (
            "/app/tags/rename",
            vec![("from", "Billing"), ("name", "Renamed")],
        ),
        (
            "/app/tags/merge",
            vec![("from", "Billing"), ("into", "Merged")],
        ),
        (
            "/app/tags/delete",
            vec![("name", "Billing"), ("confirm", "yes")],
        ),
        (
            "/app/rules",
            vec![("tag", "x"), ("terms", "word"), ("intent", "save")],
        ),
        ("/app/rules/delete", vec![("rule", rule_id)]),
    ] {
        let with_token = [vec![("csrf", csrf)], fields].concat();
        let refused = viewer.post(path, &with_token).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
    }
}

async fn viewers_read_but_cannot_post(app: TestApp) {
    let tagged = tagged(app).await;
    assert_eq!(
        tagged
            .post("/app/tags", &[("name", "Billing")])
            .await
            .status,
        303
    );
    let rule = [("tag", "Billing"), ("terms", "refund*"), ("intent", "save")];
    assert_eq!(tagged.post("/app/rules", &rule).await.status, 303);
    let rule_id = tagged
        .app
        .store
        .rules(tagged.app.acme.id)
        .await
        .expect("rules")[0]
        .id
        .0
        .to_string();
    let viewer = tagged
        .app
        .signed_in("val@acme.example", &tagged.app.acme, Role::Viewer)
        .await;
    let page = viewer.get("/app/tags").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text
            .contains("<a href=\"/app/tags\" aria-current=\"page\">Tags</a>")
    );
    assert!(page.text.contains("<span class=\"tag\">Billing</span>"));
    assert!(page.text.contains("refund*"));
    for form in [
        "/app/tags/rename",
        "/app/tags/merge",
        "/app/tags/delete",
        "/app/rules",
    ] {
        assert!(
            !page.text.contains(&format!("action=\"{form}\"")),
            "a viewer gets no form posting to {form}"
        );
    }
    viewer_posts_are_refused(&viewer, &page.csrf(), &rule_id).await;
    assert_eq!(names(&tagged.tags().await), [("Billing".to_owned(), 0)]);
    assert_eq!(
        tagged
            .app
            .store
            .rules(tagged.app.acme.id)
            .await
            .expect("rules")
            .len(),
        1
    );
}

#[tokio::test]
async fn a_viewer_sees_tags_and_rules_without_forms_and_cannot_post_on_sqlite() {
    viewers_read_but_cannot_post(spawn_app().await).await;
}

#[tokio::test]
async fn a_viewer_sees_tags_and_rules_without_forms_and_cannot_post_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        viewers_read_but_cannot_post(app).await;
    }
}
