//! Random JSON-ish bodies never make the server fail: whatever a client sends to the write
//! routes gets a 2xx or a 4xx in the contract's shape, never a 5xx.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_postgres_app};

/// Field names the routes know, and some they do not.
const NAMES: [&str; 16] = [
    "survey_id",
    "score",
    "comment",
    "created_at",
    "channel",
    "contact",
    "email",
    "external_id",
    "attributes",
    "name",
    "kind",
    "question",
    "follow_up",
    "plan",
    "",
    "ünïcødé",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("nps".to_owned()),
        Just("enps".to_owned()),
        Just("a@b.co".to_owned()),
        Just("2026-03-01".to_owned()),
        Just("2026-03-01T09:30:00Z".to_owned()),
        Just("1".to_owned()),
        Just("x".repeat(1_100)),
        "\\PC{0,20}",
        any::<String>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3i64..14).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ]
}

fn json_ish() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&NAMES[..]), inner), 0..6).prop_map(
                |fields| Value::Object(
                    fields
                        .into_iter()
                        .map(|(name, value)| (name.to_owned(), value))
                        .collect::<Map<String, Value>>()
                )
            ),
        ]
    })
}

/// A body close to a valid answer, with some fields replaced, removed or added.
fn near_answer(survey: i64) -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((prop::sample::select(&NAMES[..]), json_ish()), 0..3),
        prop::collection::vec(prop::sample::select(&NAMES[..6]), 0..2),
        prop::collection::btree_map("[a-z]{1,4}", leaf(), 0..4),
    )
        .prop_map(move |(replaced, removed, attributes)| {
            let mut body = json!({"survey_id": survey, "score": 8, "comment": "ok",
                "contact": {"external_id": "fuzz", "attributes": attributes}});
            let object = body.as_object_mut().expect("an object");
            for name in removed {
                object.remove(name);
            }
            for (name, value) in replaced {
                object.insert(name.to_owned(), value);
            }
            body
        })
}

/// What gets sent: JSON-ish values, near-valid answers, or bytes that are not JSON at all.
fn body(survey: i64) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_ish().prop_map(|value| value.to_string().into_bytes()),
        near_answer(survey).prop_map(|value| value.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
        "\\{[\"a-z:,0-9 \\[\\]{}]{0,40}".prop_map(String::into_bytes),
    ]
}

fn check(runtime: &tokio::runtime::Runtime, app: &TestApp, path: &str, body: Vec<u8>) {
    let request = app
        .client
        .post(app.url(path))
        .bearer_auth(&app.write_key)
        .header("content-type", "application/json")
        .body(body.clone());
    let reply = runtime.block_on(app.send(request));
    assert!(
        reply.status < 500,
        "{path} answered {} to {:?}: {:?}",
        reply.status,
        String::from_utf8_lossy(&body),
        reply.body
    );
    if reply.status >= 400 {
        let error = &reply.body["error"];
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{:?}",
            reply.body
        );
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Throws random bodies at the write routes of `app`.
fn fuzz(runtime: &tokio::runtime::Runtime, app: &TestApp) {
    let survey = runtime.block_on(app.create_survey("Fuzzed", "nps"));
    let config = ProptestConfig {
        cases: 192,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(answer in body(survey), survey_body in body(survey))| {
        check(runtime, app, "/api/v1/responses", answer);
        check(runtime, app, "/api/v1/surveys", survey_body);
    });
}

#[test]
fn random_bodies_never_get_a_5xx_on_sqlite() {
    let runtime = runtime();
    let app = runtime.block_on(spawn_app());
    fuzz(&runtime, &app);
}

#[test]
fn random_bodies_never_get_a_5xx_on_postgres() {
    let runtime = runtime();
    if let Some(app) = runtime.block_on(spawn_postgres_app()) {
        fuzz(&runtime, &app);
    }
}
