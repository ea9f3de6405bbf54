//! Tags, keyword rules, history, themes and ranked search over HTTP, on both backends.

use serde_json::{Value, json};
use vouch_store::RuleId;

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

const COMMENTS: [(u8, &str); 6] = [
    (2, "I want my money back, refund now"),
    (3, "The refunds take weeks and support is slow"),
    (9, "Great support, fast answers"),
    (10, "Love the reports, great product"),
    (5, "Money is not back yet"),
    (1, "Refund? Never. Support ignored me"),
];

async fn seeded(app: &TestApp) -> (i64, Vec<i64>) {
    let survey = app.create_survey("Checkout", "nps").await;
    let mut ids = Vec::new();
    for (n, (score, comment)) in COMMENTS.into_iter().enumerate() {
        let body = json!({"survey_id": survey, "score": score, "comment": comment,
            "created_at": format!("2026-03-0{}T12:00:00Z", n + 1),
            "contact": {"external_id": format!("c{n}"), "attributes": {"mrr": 10 * (n + 1)}}});
        ids.push(app.answer(&body).await["id"].as_i64().unwrap());
    }
    (survey, ids)
}

fn ids_of(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|response| response["id"].as_i64().unwrap())
        .collect()
}

async fn story(app: TestApp) {
    let (survey, ids) = seeded(&app).await;
    // A dry run counts and saves nothing.
    let rule = json!({"tag": "Refunds", "match": "refund*, \"money back\"", "dry_run": true});
    let dry = app.post("/api/v1/rules", &rule).await;
    assert_eq!((dry.status, dry.body["matched"].clone()), (200, json!(3)));
    assert_eq!(app.get("/api/v1/rules").await.body["data"], json!([]));

    let saved = app
        .post(
            "/api/v1/rules",
            &json!({"tag": "Refunds", "match": "refund*, \"money back\""}),
        )
        .await;
    assert_eq!(saved.status, 201, "{:?}", saved.body);
    assert_eq!(saved.body["match"], "refund*, \"money back\"");
    // The background job's work, done here: the past.
    let rule_id = RuleId(saved.body["id"].as_i64().unwrap());
    let stored = app.store.rules(app.workspace.id).await.unwrap();
    let stored = stored.iter().find(|rule| rule.id == rule_id).unwrap();
    vouch_analytics::rules::run_rule(app.store.as_ref(), app.workspace.id, stored, |_| {})
        .await
        .unwrap();
    let listed = app.get("/api/v1/rules").await.body;
    assert_eq!(
        (
            listed["data"][0]["tagged"].clone(),
            listed["data"][0]["progress"].clone()
        ),
        (json!(3), json!(1.0))
    );

    // New responses are tagged as they arrive, and say so.
    let new = app
        .answer(
            &json!({"survey_id": survey, "score": 4, "comment": "REFUND please",
            "contact": {"external_id": "c9"}}),
        )
        .await;
    assert_eq!(new["tags"], json!(["Refunds"]), "{new:?}");
    assert!(new["sentiment"]["label"].as_str().is_some());
    let one = app.get(&format!("/api/v1/responses/{}", ids[2])).await.body;
    assert_eq!(one["sentiment"]["label"], "positive", "{one:?}");
    assert!(one["themes"].is_array() && one["tags"] == json!([]));

    // Tags by hand, with their history.
    let put = app
        .send(
            app.client
                .put(app.url(&format!("/api/v1/responses/{}/tags", ids[2])))
                .bearer_auth(&app.write_key)
                .json(&json!({"tags": ["praise", " Praise "]})),
        )
        .await;
    assert_eq!(
        (put.status, put.body["tags"].clone()),
        (200, json!(["praise"]))
    );
    let history = app
        .get(&format!("/api/v1/responses/{}/history", ids[0]))
        .await
        .body;
    assert_eq!(history["data"][0]["change"], "tag_added");
    assert_eq!(history["data"][0]["actor"]["kind"], "rule");

    // The report and the list by tag; the managed set.
    let report = app.report(survey, "tag=refunds").await;
    assert_eq!(report["responses"], 4);
    let renamed = app
        .send(
            app.client
                .patch(app.url("/api/v1/tags/Refunds"))
                .bearer_auth(&app.write_key)
                .json(&json!({"name": "Billing"})),
        )
        .await;
    assert_eq!(
        (renamed.status, renamed.body["responses"].clone()),
        (200, json!(4))
    );
    let history = app
        .get(&format!("/api/v1/responses/{}/history", ids[0]))
        .await
        .body;
    assert_eq!(history["data"][1]["change"], "tag_renamed");
    assert_eq!(history["data"][1]["actor"]["kind"], "api_key");
    let tags = app.get("/api/v1/tags").await.body;
    let names: Vec<&str> = tags["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Billing", "praise"]);

    // Themes: tags among them, with impact and the detractors' value.
    let themes = app
        .get(&format!(
            "/api/v1/surveys/{survey}/themes?value_attribute=mrr"
        ))
        .await;
    assert_eq!(themes.status, 200, "{:?}", themes.body);
    let billing = themes.body["themes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|theme| theme["id"] == "tag:Billing")
        .cloned()
        .expect("the tag is a theme");
    assert_eq!(
        (billing["responses"].clone(), billing["detractors"].clone()),
        (json!(4), json!(4))
    );
    assert_eq!(
        billing["detractor_value"],
        json!(10.0 + 20.0 + 60.0),
        "c9 has no mrr"
    );
    assert!(billing["impact"].as_f64().unwrap() < 0.0);

    // Ranked search: every term first, then fewer; phrases; with the other filters.
    let found = app.get("/api/v1/responses?q=support%20slow").await.body;
    assert_eq!(
        ids_of(&found)[0],
        ids[1],
        "the one holding both terms leads: {found:?}"
    );
    assert_eq!(ids_of(&found).len(), 3);
    let phrase = app.get("/api/v1/responses?q=%22money%20back%22").await.body;
    assert_eq!(ids_of(&phrase), [ids[0]]);
    let narrowed = app
        .get("/api/v1/responses?q=support&category=promoter")
        .await
        .body;
    assert_eq!(ids_of(&narrowed), [ids[2]]);
    let paged = app.get("/api/v1/responses?q=support&limit=1").await.body;
    let cursor = paged["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let next = app
        .get(&format!(
            "/api/v1/responses?q=support&limit=1&cursor={cursor}"
        ))
        .await
        .body;
    assert_eq!(ids_of(&next).len(), 1);
    assert_ne!(ids_of(&next), ids_of(&paged));

    // Bad input names the field and changes nothing.
    for (body, field) in [
        (json!({"tag": "x", "match": " , "}), "match"),
        (json!({"tag": "x", "match": "a".repeat(10_000)}), "match"),
        (json!({"tag": "   ", "match": "a"}), "tag"),
        (json!({"tag": "t".repeat(41), "match": "a"}), "tag"),
    ] {
        app.post("/api/v1/rules", &body)
            .await
            .assert_error(422, "validation", Some(field));
    }
    app.post("/api/v1/tags", &json!({"name": "billing"}))
        .await
        .assert_error(409, "conflict", None);
    app.get("/api/v1/responses?q=%22%22")
        .await
        .assert_error(422, "validation", Some("q"));
    app.get(&format!("/api/v1/surveys/{survey}/report?theme=424242"))
        .await
        .assert_error(422, "validation", Some("theme"));
    app.get(&format!("/api/v1/surveys/{survey}/report?tag=nope"))
        .await
        .assert_error(422, "validation", Some("tag"));
    app.post("/api/v1/tags", &json!({"name": "y"})).await;
    app.post_as(&app.read_key, "/api/v1/tags", &json!({"name": "z"}))
        .await
        .assert_error(403, "forbidden", None);
    assert_eq!(
        app.get("/api/v1/rules").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_rules_themes_and_search_on_sqlite() {
    story(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_rules_themes_and_search_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        story(app).await;
    }
}
