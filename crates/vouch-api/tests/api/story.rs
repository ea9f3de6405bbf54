//! The HTTP contract as a client lives it, on SQLite and on PostgreSQL: a survey, answers,
//! reports with exact figures and the same JSON as `vouch report --json`, a retried answer
//! counted once, contacts upserted, listed, exported and erased.

use serde_json::{Value, json};
use vouch_analytics::report::build_report;
use vouch_analytics::{Query, ResponseIndex, sync};
use vouch_core::Interval;
use vouch_store::SurveyId;
use vouch_web::wire::ReportJson;

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

/// One of the story's answers.
struct Answer {
    external_id: &'static str,
    plan: &'static str,
    seats: u32,
    score: u8,
    comment: Option<&'static str>,
    created_at: &'static str,
}

const fn answer(
    external_id: &'static str,
    plan: &'static str,
    seats: u32,
    score: u8,
    comment: Option<&'static str>,
    created_at: &'static str,
) -> Answer {
    Answer {
        external_id,
        plan,
        seats,
        score,
        comment,
        created_at,
    }
}

const ANSWERS: [Answer; 8] = [
    answer(
        "a",
        "pro",
        3,
        10,
        Some("Love the speed"),
        "2026-01-05T10:00:00Z",
    ),
    answer(
        "b",
        "pro",
        5,
        9,
        Some("fast support"),
        "2026-01-20T10:00:00Z",
    ),
    answer("c", "free", 1, 8, None, "2026-02-03T10:00:00Z"),
    answer("d", "free", 1, 6, Some("too slow"), "2026-02-10T10:00:00Z"),
    answer(
        "e",
        "team",
        10,
        3,
        Some("Support never answered"),
        "2026-02-25T10:00:00Z",
    ),
    answer(
        "f",
        "pro",
        3,
        0,
        Some("slow and buggy"),
        "2026-03-02T10:00:00Z",
    ),
    answer("g", "team", 10, 7, None, "2026-03-15T10:00:00Z"),
    answer(
        "h",
        "free",
        2,
        10,
        Some("support is great"),
        "2026-03-20T10:00:00Z",
    ),
];

fn answer_body(survey: i64, answer: &Answer) -> Value {
    json!({
        "survey_id": survey,
        "score": answer.score,
        "comment": answer.comment,
        "created_at": answer.created_at,
        "contact": {"external_id": answer.external_id,
            "email": format!("{}@example.com", answer.external_id),
            "attributes": {"plan": answer.plan, "seats": answer.seats}},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_on_sqlite() {
    contract(&spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_on_postgres() {
    if let Some(app) = spawn_postgres_app().await {
        contract(&app).await;
    }
}

async fn contract(app: &TestApp) {
    let survey = surveys(app).await;
    answers(app, survey).await;
    reports(app, survey).await;
    retries(app, survey).await;
    contacts(app, survey).await;
}

/// A survey created, listed and read back.
async fn surveys(app: &TestApp) -> i64 {
    let created = app
        .post(
            "/api/v1/surveys",
            &json!({"name": "Checkout", "kind": "nps", "question": "Would you recommend our checkout?"}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let survey = &created.body;
    let id = survey["id"].as_i64().expect("an id");
    assert_eq!(survey["name"], "Checkout");
    assert_eq!(survey["kind"], "nps");
    assert_eq!(survey["question"], "Would you recommend our checkout?");
    assert_eq!(survey["follow_up"], vouch_core::survey::DEFAULT_FOLLOW_UP);
    assert_eq!(survey["archived"], false);
    let listed = app.get("/api/v1/surveys").await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed.body["data"][0]["id"], id);
    let read = app.get(&format!("/api/v1/surveys/{id}")).await;
    assert_eq!(read.body, created.body);
    id
}

/// The story's answers posted; each reply is the stored response.
async fn answers(app: &TestApp, survey: i64) {
    let mut last_id = 0;
    for answer in &ANSWERS {
        let stored = app.answer(&answer_body(survey, answer)).await;
        let id = stored["id"].as_i64().expect("an id");
        assert!(id > last_id, "ids grow");
        last_id = id;
        assert_eq!(stored["survey_id"], survey);
        assert_eq!(stored["score"], answer.score);
        assert_eq!(stored["comment"], json!(answer.comment));
        assert_eq!(stored["created_at"], answer.created_at);
        assert_eq!(stored["channel"], "api");
        assert_eq!(
            stored["attributes"],
            json!({"plan": answer.plan, "seats": answer.seats})
        );
        assert!(stored["contact_id"].as_i64().is_some());
        let read = app.get(&format!("/api/v1/responses/{id}")).await;
        assert_eq!(read.body, stored, "a response reads back as posted");
    }
}

/// Exact figures, then the same JSON as the command line's for every kind of option.
async fn reports(app: &TestApp, survey: i64) {
    let all = app.report(survey, "").await;
    assert_eq!(all["responses"], 8);
    assert_eq!(
        (&all["promoters"], &all["passives"], &all["detractors"]),
        (&json!(3), &json!(2), &json!(3))
    );
    assert_eq!(all["nps"], 0.0);
    let margin = all["margin_of_error"].as_f64().expect("a margin");
    assert!(
        (margin - 196.0 * (0.75f64 / 8.0).sqrt()).abs() < 1e-9,
        "{margin}"
    );
    assert!(all.get("groups").is_none() && all.get("trend").is_none());

    let by_plan = app.report(survey, "by=plan").await;
    let keys: Vec<&Value> = by_plan["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["key"])
        .collect();
    assert_eq!(keys, [&json!("free"), &json!("pro"), &json!("team")]);
    assert_eq!(by_plan["groups"][2]["nps"], -50.0);
    let monthly = app.report(survey, "interval=month").await;
    let periods: Vec<&Value> = monthly["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["period"])
        .collect();
    assert_eq!(
        periods,
        [&json!("2026-01"), &json!("2026-02"), &json!("2026-03")]
    );
    assert_eq!(monthly["trend"][0]["nps"], 100.0);
    let support = app.report(survey, "text=Support").await;
    assert_eq!(support["responses"], 3);
    let seats = app.report(survey, "where=seats%3D3.0").await;
    assert_eq!(seats["responses"], 2, "numbers compare as numbers");

    let plans = |values: &[&str]| {
        (
            "plan".to_owned(),
            values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>(),
        )
    };
    let cases: Vec<(&str, Query)> = vec![
        ("", Query::default()),
        (
            "by=plan",
            Query {
                group_by: vec!["plan".into()],
                ..Query::default()
            },
        ),
        (
            "by=plan,seats&interval=month",
            Query {
                group_by: vec!["plan".into(), "seats".into()],
                interval: Some(Interval::Month),
                ..Query::default()
            },
        ),
        (
            "interval=week&where=plan%3Dpro&where=plan%3Dteam",
            Query {
                interval: Some(Interval::Week),
                filters: vec![plans(&["pro", "team"])],
                ..Query::default()
            },
        ),
        (
            "from=2026-02-01&to=2026-03-01&interval=quarter",
            Query {
                from: Some("2026-02-01T00:00:00Z".parse().unwrap()),
                to: Some("2026-03-01T00:00:00Z".parse().unwrap()),
                interval: Some(Interval::Quarter),
                ..Query::default()
            },
        ),
        (
            "text=slow&by=plan",
            Query {
                text: Some("slow".into()),
                group_by: vec!["plan".into()],
                ..Query::default()
            },
        ),
        (
            "where=plan%3Dnobody",
            Query {
                filters: vec![plans(&["nobody"])],
                ..Query::default()
            },
        ),
    ];
    for (options, query) in cases {
        let expected = command_line_report(app, survey, query).await;
        assert_eq!(app.report(survey, options).await, expected, "?{options}");
    }
}

/// The report `vouch report --json` prints: an index of the one survey, built from the store.
async fn command_line_report(app: &TestApp, survey: i64, query: Query) -> Value {
    let mut index = ResponseIndex::new(jiff::tz::TimeZone::UTC);
    sync::catch_up(
        app.store.as_ref(),
        app.workspace.id,
        Some(SurveyId(survey)),
        &mut index,
    )
    .await
    .expect("the index loads");
    let query = Query {
        surveys: vec![SurveyId(survey)],
        ..query
    };
    let plan = index.plan(&query).expect("a plan");
    let counts = index.run(&plan);
    let report = build_report(&index, &plan, &counts);
    // Printed, then read back the way a client reads the API's reply, so that both figures
    // go through the same float parsing.
    let printed = serde_json::to_string_pretty(&ReportJson::from(&report)).expect("JSON");
    serde_json::from_str(&printed).expect("JSON")
}

/// A retried answer is counted once; a key reused with another body is refused.
async fn retries(app: &TestApp, survey: i64) {
    let body = json!({"survey_id": survey, "score": 9, "contact": {"external_id": "i"}});
    let send = |body: Value| {
        app.client
            .post(app.url("/api/v1/responses"))
            .bearer_auth(&app.write_key)
            .header("Idempotency-Key", "order-1001")
            .json(&body)
    };
    let first = app.send(send(body.clone())).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = app.send(send(body.clone())).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "a retry gets the first reply");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let reused = app
        .send(send(
            json!({"survey_id": survey, "score": 2, "contact": {"external_id": "i"}}),
        ))
        .await;
    reused.assert_error(422, "idempotency_key_reused", Some("Idempotency-Key"));
    assert_eq!(app.report(survey, "").await["responses"], 9, "counted once");

    let survey_body = json!({"name": "Onboarding", "kind": "nps"});
    let create = || {
        app.client
            .post(app.url("/api/v1/surveys"))
            .bearer_auth(&app.write_key)
            .header("Idempotency-Key", "survey-onboarding")
            .json(&survey_body)
    };
    let created = app.send(create()).await;
    assert_eq!(created.status, 201);
    let retried = app.send(create()).await;
    assert_eq!(
        (retried.status, &retried.body),
        (201, &created.body),
        "not a 409"
    );
    let listed = app.get("/api/v1/surveys").await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(2));
}

/// Contacts upserted and merged, listed by attribute, read with their answers, exported,
/// and erased with every answer they gave — reports forget them at once.
async fn contacts(app: &TestApp, survey: i64) {
    let updated = app
        .send(
            app.client
                .put(app.url("/api/v1/contacts"))
                .bearer_auth(&app.write_key)
                .json(&json!({"external_id": "a", "attributes": {"vip": true, "seats": 4}})),
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["email"], "a@example.com");
    assert_eq!(
        updated.body["attributes"],
        json!({"plan": "pro", "seats": 4, "vip": true})
    );
    let created = app
        .post(
            "/api/v1/contacts",
            &json!({"email": "New@Example.com", "attributes": {"plan": "pro"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["email"], "new@example.com");

    let pro = app.get("/api/v1/contacts?where=plan%3Dpro").await;
    let externals: Vec<&Value> = pro.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["external_id"])
        .collect();
    assert_eq!(
        externals,
        [&json!("a"), &json!("b"), &json!("f"), &Value::Null]
    );
    let first_page = app.get("/api/v1/contacts?limit=5").await;
    let cursor = first_page.body["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let rest = app
        .get(&format!("/api/v1/contacts?limit=5&cursor={cursor}"))
        .await;
    assert_eq!(
        first_page.body["data"].as_array().unwrap().len()
            + rest.body["data"].as_array().unwrap().len(),
        10,
        "a to i, and the new one"
    );
    assert_eq!(rest.body["next_cursor"], Value::Null);

    let f = app
        .get("/api/v1/contacts?where=plan%3Dpro&where=seats%3D3")
        .await;
    let f_id = f.body["data"][0]["id"].as_i64().expect("contact f");
    let read = app.get(&format!("/api/v1/contacts/{f_id}")).await;
    assert_eq!(read.body["external_id"], "f");
    assert_eq!(read.body["responses"].as_array().map(Vec::len), Some(1));
    assert_eq!(read.body["responses"][0]["score"], 0);
    let export = app.get(&format!("/api/v1/contacts/{f_id}/export")).await;
    assert_eq!(export.status, 200);
    assert_eq!(export.body["contact"]["id"], f_id);
    assert_eq!(export.body["responses"][0]["comment"], "slow and buggy");
    assert_eq!(export.body["surveys"][0]["name"], "Checkout");

    let before = app.report(survey, "").await;
    let erased = app
        .send(
            app.client
                .delete(app.url(&format!("/api/v1/contacts/{f_id}")))
                .bearer_auth(&app.write_key),
        )
        .await;
    assert_eq!((erased.status, &erased.body), (204, &Value::Null));
    let after = app.report(survey, "").await;
    assert_eq!(
        after["responses"].as_u64(),
        before["responses"].as_u64().map(|n| n - 1)
    );
    assert_eq!(
        after["detractors"].as_u64(),
        before["detractors"].as_u64().map(|n| n - 1)
    );
    app.get(&format!("/api/v1/contacts/{f_id}"))
        .await
        .assert_error(404, "not_found", None);
    let listed = app
        .get(&format!(
            "/api/v1/responses?survey_id={survey}&where=plan%3Dpro"
        ))
        .await;
    assert!(
        listed.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["comment"] != "slow and buggy"),
        "erased answers are not listed"
    );
}
