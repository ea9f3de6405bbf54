//! `GET /api/v1/surveys/{id}/export` on both backends: the formats and their content types,
//! the same values as the responses API, the report's filters, and the refusals.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

async fn seeded(app: &TestApp) -> (i64, i64) {
    let survey = app.create_survey("Customers", "nps").await;
    let answers = [
        ("c1", 10, 1, "pro", "Great support, really fast"),
        ("c2", 3, 2, "free", "Pricing is far too high"),
        ("c3", 8, 3, "pro", ""),
    ];
    for (contact, score, day, plan, comment) in answers {
        let mut body = json!({"survey_id": survey, "score": score,
            "created_at": format!("2026-03-{day:02}T12:00:00Z"),
            "contact": {"external_id": contact, "email": format!("{contact}@example.com"),
                "attributes": {"plan": plan, "seats": day}}});
        if !comment.is_empty() {
            body["comment"] = json!(comment);
        }
        app.answer(&body).await;
    }
    (survey, app.create_survey("Staff", "enps").await)
}

/// The raw reply of an export: status, content type, body bytes.
async fn download(app: &TestApp, key: Option<&str>, path: &str) -> (u16, String, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let reply = request.send().await.expect("the server answers");
    let status = reply.status().as_u16();
    let content_type = reply
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, reply.bytes().await.unwrap().to_vec())
}

async fn story(app: TestApp) {
    let (survey, staff) = seeded(&app).await;
    let base = format!("/api/v1/surveys/{survey}/export");

    let (status, content_type, body) = download(&app, Some(&app.read_key), &base).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let text = String::from_utf8(body).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("id,survey,created_at,score,category,comment,channel,external_id,email,tags,themes,sentiment,sentiment_score,"),
        "{header}"
    );
    assert_eq!(text.lines().count(), 4, "{text}");

    let (status, content_type, body) =
        download(&app, Some(&app.read_key), &format!("{base}?format=jsonl")).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/x-ndjson")
    );
    let rows: Vec<Value> = String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // The same values as the responses API gives for each answer.
    let listed = app
        .get(&format!("/api/v1/responses?survey_id={survey}"))
        .await
        .body;
    for row in &rows {
        let api = listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|response| response["id"] == row["id"])
            .expect("every exported response is listed");
        assert_eq!(row["score"], api["score"]);
        assert_eq!(row["category"], api["category"]);
        assert_eq!(row["comment"], api["comment"]);
        assert_eq!(row["channel"], api["channel"]);
        assert_eq!(row["tags"], api["tags"]);
        assert_eq!(row["themes"], api["themes"]);
        assert_eq!(row["sentiment"], api["sentiment"]["label"]);
        assert_eq!(row["sentiment_score"], api["sentiment"]["score"]);
        assert_eq!(row["plan"], api["attributes"]["plan"]);
        let (exported, given): (jiff::Timestamp, jiff::Timestamp) = (
            row["created_at"].as_str().unwrap().parse().unwrap(),
            api["created_at"].as_str().unwrap().parse().unwrap(),
        );
        assert_eq!(exported, given);
    }
    assert_eq!(rows[0]["external_id"], "c1");
    assert_eq!(rows[0]["email"], "c1@example.com");

    let (_, _, body) = download(
        &app,
        Some(&app.read_key),
        &format!("{base}?format=jsonl&where=plan%3Dpro&since=2026-03-02"),
    )
    .await;
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("\"external_id\":\"c3\""), "{text}");

    let (status, content_type, body) = download(
        &app,
        Some(&app.write_key),
        &format!("{base}?format=parquet"),
    )
    .await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/vnd.apache.parquet")
    );
    assert!(
        body.starts_with(b"PAR1") && body.ends_with(b"PAR1"),
        "a whole Parquet file"
    );

    // Refusals.
    assert_eq!(download(&app, None, &base).await.0, 401);
    for (query, field) in [
        ("format=xml", "format"),
        ("where=colour%3Dred", "where"),
        ("since=soon", "since"),
        ("tag=nope", "tag"),
        ("limit=3", "limit"),
    ] {
        let reply = app.get(&format!("{base}?{query}")).await;
        assert_eq!(reply.status, 422, "{query}: {:?}", reply.body);
        assert_eq!(
            reply.body["error"]["field"], field,
            "{query}: {:?}",
            reply.body
        );
    }
    assert_eq!(app.get("/api/v1/surveys/999999/export").await.status, 404);
    let anonymous = app.get(&format!("/api/v1/surveys/{staff}/export")).await;
    assert_eq!(anonymous.status, 403, "{:?}", anonymous.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_export_on_sqlite() {
    story(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_export_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        story(app).await;
    }
}
