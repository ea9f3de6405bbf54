//! Lead scoring over HTTP, on both backends: learning a survey's model, reading it back, and
//! scoring a batch, with the refusals naming their field and changing nothing.

use serde_json::{Value, json};
use vouch_store::SurveyId;

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

/// 160 contacts: enterprise ones mostly promoters, free ones mostly not; `seats` rises with
/// the chance too. Deterministic, so the figures below hold on every run.
async fn seeded(app: &TestApp) -> (i64, i64, i64) {
    let survey = app.create_survey("Customers", "nps").await;
    for contact in 0..160u32 {
        let enterprise = contact % 2 == 0;
        let seats = (contact * 37) % 100;
        let promoter = if enterprise {
            contact % 10 != 0
        } else {
            contact % 5 == 1 && seats > 40
        };
        let score = if promoter { 10 } else { 4 + contact % 4 };
        let plan = if enterprise { "enterprise" } else { "free" };
        let body = json!({"survey_id": survey, "score": score,
            "created_at": "2026-03-01T12:00:00Z",
            "contact": {"external_id": format!("c{contact}"),
                        "attributes": {"plan": plan, "seats": seats}}});
        app.answer(&body).await;
    }
    let small = app.create_survey("Pilot", "nps").await;
    app.answer(&json!({"survey_id": small, "score": 9,
        "contact": {"external_id": "p1", "attributes": {"plan": "free"}}}))
        .await;
    let staff = app.create_survey("Staff", "enps").await;
    (survey, small, staff)
}

fn score_body(survey: i64, leads: Value) -> Value {
    json!({"survey_id": survey, "leads": leads})
}

async fn story(app: TestApp) {
    let (survey, small, staff) = seeded(&app).await;
    let two_leads = json!([
        {"attributes": {"plan": "enterprise", "seats": 80}},
        {"attributes": {"plan": "free", "seats": 5}},
    ]);

    // Before any model: scoring says so, the model is not found.
    app.post(
        "/api/v1/leads/score",
        &score_body(survey, two_leads.clone()),
    )
    .await
    .assert_error(422, "validation", Some("survey_id"));
    let none = app
        .get(&format!("/api/v1/surveys/{survey}/leads/model"))
        .await;
    assert_eq!(none.status, 404, "{:?}", none.body);

    // Learning writes: a read key may not.
    let path = format!("/api/v1/surveys/{survey}/leads/train");
    let refused = app.post_as(&app.read_key, &path, &json!({})).await;
    assert_eq!(refused.status, 403, "{:?}", refused.body);

    let trained = app.post(&path, &json!({})).await;
    assert_eq!(trained.status, 200, "{:?}", trained.body);
    let model = &trained.body;
    assert_eq!(model["contacts"], 160);
    let promoters = model["promoters"].as_u64().expect("promoters");
    assert!((60..=100).contains(&promoters), "{model:?}");
    let auc = model["auc"].as_f64().expect("auc");
    assert!(auc > 0.8, "plan tells promoters apart: {model:?}");
    assert!(model["brier"].as_f64().expect("brier") < 0.2, "{model:?}");
    let deciles = model["calibration"].as_array().expect("calibration");
    assert_eq!(deciles.len(), 10);
    let counted: u64 = deciles
        .iter()
        .map(|d| d["contacts"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 160);
    assert_eq!(model["factors"][0]["attribute"], "plan", "{model:?}");
    let saved = app
        .store
        .lead_model(app.workspace.id, SurveyId(survey))
        .await
        .expect("store")
        .expect("the model is saved");
    assert_eq!(saved.trained_at.to_string(), model["trained_at"]);

    let read = app
        .get(&format!("/api/v1/surveys/{survey}/leads/model"))
        .await;
    assert_eq!(read.status, 200, "{:?}", read.body);
    assert_eq!(&read.body, model, "the saved model reads back as learnt");

    // Scoring reads only: a read key may.
    let scored = app
        .post_as(
            &app.read_key,
            "/api/v1/leads/score",
            &score_body(survey, two_leads.clone()),
        )
        .await;
    assert_eq!(scored.status, 200, "{:?}", scored.body);
    assert_eq!(scored.body["model"]["auc"], model["auc"]);
    assert_eq!(scored.body["model"]["trained_at"], model["trained_at"]);
    let scores = scored.body["scores"].as_array().expect("scores");
    assert_eq!(scores.len(), 2);
    let probability = |at: usize| scores[at]["promoter_probability"].as_f64().unwrap();
    assert!(probability(0) > 0.7 && probability(1) < 0.3, "{scores:?}");
    let first = &scores[0]["factors"];
    assert!(first.as_array().unwrap().len() <= 3);
    assert_eq!(first[0]["attribute"], "plan");
    assert_eq!(first[0]["value"], "enterprise");
    assert!(first[0]["effect"].as_f64().unwrap() > 0.0);
    // A lead without attributes scores the missing values, an unused known one is ignored.
    let bare = app
        .post(
            "/api/v1/leads/score",
            &score_body(survey, json!([{"attributes": {}}])),
        )
        .await;
    assert_eq!(bare.status, 200, "{:?}", bare.body);

    let many: Vec<Value> = (0..1001).map(|_| json!({"attributes": {}})).collect();
    for (body, field) in [
        (
            score_body(survey, json!([{"attributes": {"colour": "red"}}])),
            "leads[0].attributes.colour",
        ),
        (
            score_body(
                survey,
                json!([{"attributes": {}}, {"attributes": {"seats": "many"}}]),
            ),
            "leads[1].attributes.seats",
        ),
        (score_body(survey, json!([])), "leads"),
        (score_body(survey, Value::Array(many)), "leads"),
        (score_body(staff, two_leads.clone()), "survey_id"),
        (score_body(999_999, two_leads.clone()), "survey_id"),
        (score_body(small, two_leads.clone()), "survey_id"),
        (json!({"survey_id": survey}), "leads"),
    ] {
        let reply = app.post("/api/v1/leads/score", &body).await;
        reply.assert_error(422, "validation", Some(field));
    }
    for (path, field) in [
        (format!("/api/v1/surveys/{staff}/leads/train"), "id"),
        (format!("/api/v1/surveys/{small}/leads/train"), "id"),
        (
            format!("/api/v1/surveys/{survey}/leads/train?where=nope=1"),
            "where",
        ),
    ] {
        let reply = app.post(&path, &json!({})).await;
        assert_eq!(reply.status, 422, "{path}: {:?}", reply.body);
        assert_eq!(
            reply.body["error"]["field"], field,
            "{path}: {:?}",
            reply.body
        );
    }
    let kept = app
        .get(&format!("/api/v1/surveys/{survey}/leads/model"))
        .await;
    assert_eq!(&kept.body, model, "refused requests changed nothing");
    let small_model = app
        .store
        .lead_model(app.workspace.id, SurveyId(small))
        .await
        .expect("store");
    assert_eq!(small_model, None, "a failed training saves nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_are_learnt_saved_and_scored_on_sqlite() {
    story(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leads_are_learnt_saved_and_scored_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        story(app).await;
    }
}
