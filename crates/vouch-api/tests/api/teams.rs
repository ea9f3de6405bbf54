//! Personas, revenue (and its saved rates), churn and at-risk accounts over HTTP, on both
//! backends: the figures of a small known set, and the refusals naming their parameter.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

/// One answer: (contact, score, day of March, plan, mrr, churned_at).
type Answer = (
    &'static str,
    u8,
    u8,
    &'static str,
    u32,
    Option<&'static str>,
);

/// The answers; c1 answered twice, falling 10 → 4.
const ANSWERS: [Answer; 7] = [
    ("c1", 10, 1, "pro", 100, None),
    ("c1", 4, 20, "pro", 100, Some("2026-04-10")),
    ("c2", 9, 2, "pro", 200, None),
    ("c3", 8, 3, "free", 0, None),
    ("c4", 2, 4, "free", 10, Some("2026-03-30")),
    ("c5", 9, 5, "enterprise", 900, Some("2027-01-01")),
    ("c6", 6, 6, "enterprise", 800, None),
];

async fn seeded(app: &TestApp) -> (i64, i64) {
    let survey = app.create_survey("Customers", "nps").await;
    for (contact, score, day, plan, mrr, churned) in ANSWERS {
        let mut attributes = json!({"plan": plan, "mrr": mrr});
        if let Some(churned) = churned {
            attributes["churned_at"] = json!(churned);
        }
        let body = json!({"survey_id": survey, "score": score,
            "created_at": format!("2026-03-{day:02}T12:00:00Z"),
            "contact": {"external_id": contact, "attributes": attributes}});
        app.answer(&body).await;
    }
    let staff = app.create_survey("Staff", "enps").await;
    (survey, staff)
}

async fn request(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&app.write_key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let reply = app.send(request).await;
    (reply.status, reply.body)
}

async fn story(app: TestApp) {
    let (survey, staff) = seeded(&app).await;
    let personas = app
        .get(&format!("/api/v1/surveys/{survey}/personas?min_contacts=2"))
        .await;
    assert_eq!(personas.status, 200, "{:?}", personas.body);
    // Six contacts, latest answers 4, 9, 8, 2, 9, 6: two promoters.
    assert_eq!(personas.body["contacts"], 6);
    assert_eq!(personas.body["promoters"], 2);
    let plan = |value: &str| {
        personas.body["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["attribute"] == "plan" && row["value"] == value)
            .cloned()
            .unwrap_or_else(|| panic!("plan {value}: {:?}", personas.body))
    };
    // pro: c1 (4) and c2 (9): share 1/2 against 2/6 overall, lift 1.5.
    assert_eq!(plan("pro")["lift"], 1.5);
    assert_eq!(plan("pro")["nps"], 0.0);
    assert_eq!(plan("free")["lift"], 0.0);

    let revenue = app
        .get(&format!("/api/v1/surveys/{survey}/revenue?by=plan"))
        .await;
    assert_eq!(revenue.status, 200, "{:?}", revenue.body);
    // Detractors c1 (100), c4 (10), c6 (800); passive c3 (0); promoters c2 (200), c5 (900).
    assert_eq!(
        revenue.body["detractors"],
        json!({"contacts": 3, "value": 910.0})
    );
    assert_eq!(
        revenue.body["promoters"],
        json!({"contacts": 2, "value": 1100.0})
    );
    // c1 and c4 churned within 180 days, of three detractors; the passive did not.
    assert_eq!(revenue.body["rates"]["source"], "observed");
    assert_eq!(revenue.body["groups"].as_array().unwrap().len(), 3);
    let (status, saved) = request(
        &app,
        reqwest::Method::PUT,
        "/api/v1/revenue/rates",
        Some(json!({"detractor": 0.5, "passive": 0.25, "promoter": 0.1})),
    )
    .await;
    assert_eq!((status, saved["source"].clone()), (200, json!("saved")));
    let revenue = app.get(&format!("/api/v1/surveys/{survey}/revenue")).await;
    assert_eq!(revenue.body["at_risk_short"], 455.0);
    assert_eq!(revenue.body["potential"], 110.0);
    let (status, _) = request(
        &app,
        reqwest::Method::PUT,
        "/api/v1/revenue/rates",
        Some(json!({"detractor": 1.5, "passive": 0.25, "promoter": 0.1})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        app.get("/api/v1/revenue/rates").await.body["detractor"],
        0.5,
        "nothing changed"
    );
    let (status, _) = request(&app, reqwest::Method::DELETE, "/api/v1/revenue/rates", None).await;
    assert_eq!(status, 204);
    assert_eq!(
        app.get("/api/v1/revenue/rates").await.body["source"],
        "default"
    );

    let churn = app
        .get(&format!("/api/v1/surveys/{survey}/churn?within_days=30"))
        .await;
    assert_eq!(churn.status, 200, "{:?}", churn.body);
    // Within 30 days: c1 (answered 20 March, left 10 April) and c4 (4 → 30 March).
    assert_eq!(churn.body["categories"][2]["churned"], 2);
    assert_eq!(churn.body["categories"][2]["contacts"], 3);
    assert_eq!(churn.body["categories"][0]["churned"], 0);

    let at_risk = app
        .get(&format!("/api/v1/surveys/{survey}/accounts/at-risk"))
        .await;
    assert_eq!(at_risk.status, 200, "{:?}", at_risk.body);
    let listed: Vec<(String, String)> = at_risk.body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap().to_owned(),
                a["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [("c6", "detractor"), ("c1", "both"), ("c4", "detractor")];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, r)| (a.to_string(), r.to_string()))
        .collect();
    assert_eq!(listed, expected);

    for (path, field) in [
        (
            format!("/api/v1/surveys/{survey}/revenue?value_attribute=plan"),
            "value_attribute",
        ),
        (
            format!("/api/v1/surveys/{survey}/churn?within_days=0"),
            "within_days",
        ),
        (
            format!("/api/v1/surveys/{survey}/personas?min_contacts=0"),
            "min_contacts",
        ),
        (
            format!("/api/v1/surveys/{survey}/accounts/at-risk?limit=0"),
            "limit",
        ),
        (
            format!("/api/v1/surveys/{survey}/accounts/at-risk?account_attribute=nope"),
            "account_attribute",
        ),
        (
            format!("/api/v1/surveys/{survey}/personas?bogus=1"),
            "bogus",
        ),
        (format!("/api/v1/surveys/{staff}/personas"), "survey_id"),
    ] {
        let reply = app.get(&path).await;
        assert!(
            matches!(reply.status, 400 | 422),
            "{path}: {:?}",
            reply.body
        );
        assert_eq!(
            reply.body["error"]["field"], field,
            "{path}: {:?}",
            reply.body
        );
    }
    assert_eq!(app.get("/api/v1/surveys/999999/personas").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personas_revenue_churn_and_at_risk_on_sqlite() {
    story(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personas_revenue_churn_and_at_risk_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        story(app).await;
    }
}

/// January: 10 pro at 10, 30 free at 3; February: 30 pro at 10, 10 free at 3; the free answers
/// tagged `slow`. The whole change (+100) is mix, by plan and by tag.
async fn explained(app: TestApp) {
    let survey = app.create_survey("Moves", "nps").await;
    let mut contact = 0;
    for (count, score, date, plan) in [
        (10, 10, "2026-01-10", "pro"),
        (30, 3, "2026-01-10", "free"),
        (30, 10, "2026-02-10", "pro"),
        (10, 3, "2026-02-10", "free"),
    ] {
        for _ in 0..count {
            contact += 1;
            let body = json!({"survey_id": survey, "score": score,
                "created_at": format!("{date}T12:00:00Z"),
                "contact": {"external_id": format!("c{contact}"), "attributes": {"plan": plan}}});
            app.answer(&body).await;
        }
    }
    let answers = app
        .store
        .responses_after(
            app.workspace.id,
            vouch_store::ResponseId(0),
            Some(vouch_store::SurveyId(survey)),
            1000,
        )
        .await
        .expect("the answers");
    let free: Vec<vouch_store::ResponseId> = answers
        .iter()
        .filter(|answer| answer.score.value() == 3)
        .map(|answer| answer.id)
        .collect();
    app.store
        .add_tag(
            app.workspace.id,
            "slow",
            &free,
            vouch_store::Actor::Operator,
            jiff::Timestamp::now(),
        )
        .await
        .expect("tagged");
    let reply = app
        .get(&format!(
            "/api/v1/surveys/{survey}/report?from=2026-02-01&to=2026-03-01&explain=true"
        ))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let explain = &reply.body["explain"];
    assert_eq!(explain["change"], 100.0, "{explain}");
    assert_eq!(explain["attributes"][0]["attribute"], "plan");
    let slow = &explain["themes"][0];
    assert_eq!(slow["id"], "tag:slow", "{explain}");
    assert_eq!(
        (slow["is_tag"].clone(), slow["own"].clone()),
        (json!(true), json!(0.0))
    );
    let mix = slow["mix"].as_f64().expect("mix");
    assert!(
        (mix - 50.0).abs() < 1e-9,
        "share 75 % → 25 % at NPS −100: {slow}"
    );
    let bad = app
        .get(&format!("/api/v1/surveys/{survey}/report?explain=maybe"))
        .await;
    assert_eq!(bad.body["error"]["field"], "explain", "{:?}", bad.body);

    // Likely objections: the 40 free detractors all carry `slow`; pro has no detractor.
    let objections = app
        .get(&format!("/api/v1/surveys/{survey}/objections"))
        .await;
    assert_eq!(objections.status, 200, "{:?}", objections.body);
    assert_eq!(
        objections.body["segments"],
        json!([{"attribute": "plan", "value": "free", "detractors": 40,
            "objections": [{"label": "slow", "is_tag": true, "detractors": 40, "share": 1.0}]}])
    );
    for (query, field) in [("by=nope", "by"), ("top=0", "top"), ("top=x", "top")] {
        let reply = app
            .get(&format!("/api/v1/surveys/{survey}/objections?{query}"))
            .await;
        assert_eq!(reply.status, 422, "{query}: {:?}", reply.body);
        assert_eq!(reply.body["error"]["field"], field, "{:?}", reply.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_explains_the_change_by_segment_and_theme_on_sqlite() {
    explained(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_explains_the_change_by_segment_and_theme_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        explained(app).await;
    }
}
