//! An answer's page lists its history: tags added by a member (through the follow-up form), by
//! a rule, by an API key and from the command line, a rename, a removal, the status and the
//! assignee by name, oldest first.

use vouch_analytics::rules::run_rule;
use vouch_store::Actor;

use super::{Tagged, tagged, unescape};
use crate::helpers::{TestApp, spawn_app, spawn_app_postgres};

/// The history lines of an answer's page, as read (tags stripped).
async fn history(tagged: &Tagged, id: i64) -> Vec<String> {
    let page = tagged.member.get(&format!("/app/inbox/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let text = unescape(&page.text);
    let Some((_, list)) = text.split_once("<ol class=\"history\" id=\"history\"") else {
        return Vec::new();
    };
    let list = list.split("</ol>").next().unwrap_or_default();
    list.split("<li>")
        .skip(1)
        .map(|item| {
            let item = item.split("</li>").next().unwrap_or_default();
            let mut plain = String::new();
            let mut in_tag = false;
            for c in item.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            plain
        })
        .collect()
}

/// Changes the first answer every way there is; returns the rule's id.
async fn change_everything(tagged: &Tagged) -> i64 {
    let (store, workspace) = (tagged.app.store.as_ref(), tagged.app.acme.id);
    let id = tagged.ids[0];
    let mia = tagged.mia.id.0.to_string();
    let workflow = format!("/app/inbox/{}/workflow", id.0);
    let fields = [
        ("status", "in_progress"),
        ("assignee", mia.as_str()),
        ("tags", "urgent"),
    ];
    let changed = tagged.post(&workflow, &fields).await;
    assert_eq!(changed.status, 303, "{}", changed.text);
    let rule = [("tag", "billing"), ("terms", "refund"), ("intent", "save")];
    assert_eq!(tagged.post("/app/rules", &rule).await.status, 303);
    let saved = store.rules(workspace).await.expect("rules").remove(0);
    run_rule(store, workspace, &saved, |_| {})
        .await
        .expect("the pass");
    let now = jiff::Timestamp::now();
    store
        .add_tag(workspace, "api", &[id], Actor::ApiKey(1), now)
        .await
        .expect("tagged by a key");
    store
        .add_tag(workspace, "cli", &[id], Actor::Operator, now)
        .await
        .expect("tagged from the command line");
    let rename = [("from", "urgent"), ("name", "Urgent!")];
    assert_eq!(tagged.post("/app/tags/rename", &rename).await.status, 303);
    let delete = [("name", "cli"), ("confirm", "yes")];
    assert_eq!(tagged.post("/app/tags/delete", &delete).await.status, 303);
    let unassign = [("assignee", "")];
    assert_eq!(tagged.post(&workflow, &unassign).await.status, 303);
    saved.id.0
}

async fn history_lines(app: TestApp) {
    let tagged = tagged(app).await;
    let id = tagged.ids[0];
    let page = tagged.member.get(&format!("/app/inbox/{}", id.0)).await;
    assert!(page.text.contains("id=\"history-empty\""), "{}", page.text);
    let rule = change_everything(&tagged).await;
    let lines = history(&tagged, id.0).await;
    let by_mia = "by Name of mia@acme.example · ";
    let expected = [
        format!("Status set to in progress {by_mia}"),
        format!("Assigned to Name of mia@acme.example {by_mia}"),
        format!("Tag “urgent” added {by_mia}"),
        format!("Tag “billing” added by rule #{rule} · "),
        "Tag “api” added by an API key · ".to_owned(),
        "Tag “cli” added from the command line · ".to_owned(),
        format!("Tag “urgent” renamed to “Urgent!” {by_mia}"),
        format!("Tag “cli” removed {by_mia}"),
        format!("Unassigned {by_mia}"),
    ];
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, start) in lines.iter().zip(&expected) {
        assert!(
            line.starts_with(start.as_str()),
            "{line:?} should start {start:?}"
        );
        // "3 Dec 14:02": a day, a month and a time of this year.
        let when = &line[start.len()..];
        assert!(when.len() >= 11 && when.contains(':'), "{line:?}");
    }
    assert!(
        history(&tagged, tagged.ids[3].0).await.is_empty(),
        "no change, no history"
    );
}

#[tokio::test]
async fn an_answer_s_page_lists_its_history_on_sqlite() {
    history_lines(spawn_app().await).await;
}

#[tokio::test]
async fn an_answer_s_page_lists_its_history_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        history_lines(app).await;
    }
}
