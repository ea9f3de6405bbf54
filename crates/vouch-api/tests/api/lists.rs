//! Listing responses: newest first, in pages, with the report's filters; and answers posted
//! concurrently, each committed once.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn ids(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|response| response["id"].as_i64().expect("an id"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_listed_newest_first_in_pages_with_filters() {
    let app = spawn_app().await;
    let survey = app.create_survey("Checkout", "nps").await;
    let other = app.create_survey("Support", "nps").await;
    let mut posted = Vec::new();
    for (n, score) in [10, 9, 8, 7, 6, 3, 0].into_iter().enumerate() {
        let plan = if n % 2 == 0 { "pro" } else { "free" };
        let comment = if score < 7 { "too slow" } else { "great" };
        let stored = app
            .answer(
                &json!({"survey_id": survey, "score": score, "comment": comment,
                "created_at": format!("2026-03-0{}T12:00:00Z", n + 1),
                "contact": {"external_id": format!("c{n}"), "attributes": {"plan": plan}}}),
            )
            .await;
        posted.push(stored["id"].as_i64().unwrap());
    }
    app.answer(&json!({"survey_id": other, "score": 5, "contact": {"external_id": "c0"}}))
        .await;
    let newest_first: Vec<i64> = posted.iter().rev().copied().collect();

    let mut seen = Vec::new();
    let mut path = format!("/api/v1/responses?survey_id={survey}&limit=3");
    loop {
        let page = app.get(&path).await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        seen.extend(ids(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/responses?survey_id={survey}&limit=3&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(
        seen, newest_first,
        "pages of 3 give every response once, newest first"
    );

    let query = |filters: &str| {
        let app = &app;
        let path = format!("/api/v1/responses?survey_id={survey}&{filters}");
        async move { ids(&app.get(&path).await.body) }
    };
    let at = |positions: &[usize]| -> Vec<i64> {
        let mut chosen: Vec<i64> = positions.iter().map(|&p| posted[p]).collect();
        chosen.reverse();
        chosen
    };
    assert_eq!(query("category=detractor").await, at(&[4, 5, 6]));
    assert_eq!(query("category=passive").await, at(&[2, 3]));
    assert_eq!(query("score=10").await, at(&[0]));
    assert_eq!(query("where=plan%3Dpro").await, at(&[0, 2, 4, 6]));
    assert_eq!(query("where=plan%3Dpro&text=SLOW").await, at(&[4, 6]));
    assert_eq!(query("from=2026-03-03&to=2026-03-05").await, at(&[2, 3]));
    assert_eq!(query("where=plan%3Dteam").await, Vec::<i64>::new());
    let everything = app.get("/api/v1/responses").await;
    assert_eq!(
        ids(&everything.body).len(),
        8,
        "every survey without survey_id"
    );

    for (filters, field) in [
        ("category=fans", "category"),
        ("score=11", "score"),
        ("limit=0", "limit"),
        ("limit=5000", "limit"),
        ("cursor=abc", "cursor"),
        ("where=country%3DFR", "where"),
        ("sort=asc", "sort"),
    ] {
        app.get(&format!("/api/v1/responses?{filters}"))
            .await
            .assert_error(422, "validation", Some(field));
    }
    app.get("/api/v1/responses?survey_id=424242")
        .await
        .assert_error(404, "not_found", Some("survey_id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_answers_are_each_committed_once() {
    let app = Arc::new(spawn_app().await);
    let survey = app.create_survey("Busy", "nps").await;
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let app = Arc::clone(&app);
        tasks.spawn(async move {
            let mut ids = Vec::new();
            for n in 0..25 {
                let stored = app
                    .answer(&json!({"survey_id": survey, "score": (worker + n) % 11,
                        "contact": {"external_id": format!("w{worker}-{n}"),
                            "attributes": {"worker": worker}}}))
                    .await;
                ids.push(stored["id"].as_i64().unwrap());
            }
            ids
        });
    }
    let mut all = Vec::new();
    while let Some(ids) = tasks.join_next().await {
        all.extend(ids.expect("a worker"));
    }
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 200, "200 distinct responses");
    let report = app.report(survey, "by=worker").await;
    assert_eq!(report["responses"], 200);
    assert_eq!(report["groups"].as_array().map(Vec::len), Some(8));
}
