//! Every failure a client can cause has the contract's shape and the right status: 400, 401,
//! 403, 404, 405, 409, 413, 415 and 422, each naming the field at fault.

use serde_json::{Value, json};
use vouch_store::KeyScope;

use crate::helpers::{Reply, TestApp, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_missing_unknown_or_revoked_are_401_and_read_keys_cannot_write() {
    let app = spawn_app().await;
    let no_key = app.send(app.client.get(app.url("/api/v1/surveys"))).await;
    no_key.assert_error(401, "unauthorized", None);
    assert_eq!(no_key.headers["www-authenticate"], "Bearer");
    app.get_as("vk_not_a_key", "/api/v1/surveys")
        .await
        .assert_error(401, "unauthorized", None);
    let basic = app
        .client
        .get(app.url("/api/v1/surveys"))
        .basic_auth(&app.write_key, None::<&str>);
    app.send(basic)
        .await
        .assert_error(401, "unauthorized", None);
    let doomed = app.new_key(&app.workspace, "doomed", KeyScope::Write).await;
    app.store
        .revoke_api_key(app.workspace.id, "doomed")
        .await
        .expect("revoke");
    app.get_as(&doomed, "/api/v1/surveys")
        .await
        .assert_error(401, "unauthorized", None);

    let survey = app.create_survey("Checkout", "nps").await;
    let read = &app.read_key;
    let writes = [
        app.client
            .post(app.url("/api/v1/surveys"))
            .json(&json!({"name": "X"})),
        app.client
            .post(app.url("/api/v1/responses"))
            .json(&json!({})),
        app.client
            .put(app.url("/api/v1/contacts"))
            .json(&json!({"email": "a@b.co"})),
        app.client
            .post(app.url(&format!("/api/v1/surveys/{survey}/archive"))),
        app.client
            .patch(app.url(&format!("/api/v1/surveys/{survey}")))
            .json(&json!({"name": "Y"})),
        app.client.delete(app.url("/api/v1/contacts/1")),
    ];
    for request in writes {
        app.send(request.bearer_auth(read))
            .await
            .assert_error(403, "forbidden", None);
    }
    assert_eq!(
        app.get(&format!("/api/v1/surveys/{survey}")).await.status,
        200
    );
    // The document needs no key.
    let document = app
        .send(app.client.get(app.url("/api/v1/openapi.json")))
        .await;
    assert_eq!(document.status, 200);
    assert!(document.body["paths"]["/api/v1/surveys/{id}/report"]["get"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_and_routes_are_404_and_wrong_methods_405() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/surveys/999999",
        "/api/v1/surveys/abc",
        "/api/v1/surveys/0/report",
        "/api/v1/surveys/99999999999999999999999",
        "/api/v1/responses/424242",
        "/api/v1/contacts/424242",
        "/api/v1/contacts/424242/export",
        "/api/v1/nothing-here",
        "/api/v1",
    ] {
        app.get(path).await.assert_error(404, "not_found", None);
    }
    let wrong_method = app
        .send(
            app.client
                .delete(app.url("/api/v1/surveys"))
                .bearer_auth(&app.write_key),
        )
        .await;
    wrong_method.assert_error(405, "method_not_allowed", None);
    let answer = app
        .post(
            "/api/v1/responses",
            &json!({"survey_id": 777, "score": 5, "contact": {"email": "a@b.co"}}),
        )
        .await;
    answer.assert_error(404, "not_found", Some("survey_id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_are_not_json_too_large_or_of_another_type_are_refused() {
    let app = spawn_app().await;
    let raw = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/surveys"))
            .bearer_auth(&app.write_key)
            .header("content-type", content_type)
            .body(body)
    };
    app.send(raw(r#"{"name": "x""#, "application/json"))
        .await
        .assert_error(400, "invalid_json", None);
    app.send(raw("[]", "application/json"))
        .await
        .assert_error(400, "invalid_json", None);
    app.send(raw(r#"{"name": "x"}"#, "text/plain"))
        .await
        .assert_error(415, "unsupported_media_type", None);
    let huge = json!({"name": "x".repeat(1 << 20)});
    app.post("/api/v1/surveys", &huge)
        .await
        .assert_error(413, "payload_too_large", None);
    let huge_answer = json!({"survey_id": 1, "score": 1, "contact": {"email": "a@b.co"},
        "comment": "y".repeat(2 << 20)});
    let reply = app.post("/api/v1/responses", &huge_answer).await;
    reply.assert_error(413, "payload_too_large", None);
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1048576")
    );
}

/// Posts an answer to `survey` with `changes` applied to a valid body.
async fn answer_with(app: &TestApp, survey: i64, changes: Value) -> Reply {
    let mut body = json!({"survey_id": survey, "score": 7, "contact": {"email": "ann@example.com",
        "attributes": {"plan": "pro"}}});
    merge(&mut body, changes);
    app.post("/api/v1/responses", &body).await
}

/// Merges `changes` into `body`; a `null` change removes the field.
fn merge(body: &mut Value, changes: Value) {
    let (Some(body), Value::Object(changes)) = (body.as_object_mut(), changes) else {
        return;
    };
    for (name, change) in changes {
        match (body.get_mut(&name), change) {
            (_, Value::Null) => {
                body.remove(&name);
            }
            (Some(existing @ Value::Object(_)), change @ Value::Object(_)) => {
                merge(existing, change)
            }
            (_, change) => {
                body.insert(name, change);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_answers_are_422_naming_the_field() {
    let app = spawn_app().await;
    let survey = app.create_survey("Checkout", "nps").await;
    assert_eq!(answer_with(&app, survey, json!({})).await.status, 201);
    let cases = [
        (json!({"score": 11}), "score"),
        (json!({"score": -1}), "score"),
        (json!({"score": 7.5}), "score"),
        (json!({"score": "7"}), "score"),
        (json!({"score": Value::Null}), "score"),
        (json!({"survey_id": "seven"}), "survey_id"),
        (
            json!({"contact": {"email": "not-an-email"}}),
            "contact.email",
        ),
        (json!({"contact": {"email": Value::Null}}), "contact"),
        (
            json!({"contact": {"attributes": {"plan": 3}}}),
            "contact.attributes.plan",
        ),
        (
            json!({"contact": {"attributes": {"plan": ["a"]}}}),
            "contact.attributes.plan",
        ),
        (json!({"contact": {"phone": "123"}}), "contact.phone"),
        (json!({"created_at": "last tuesday"}), "created_at"),
        (json!({"channel": "pigeon"}), "channel"),
        (json!({"comment": "z".repeat(10_001)}), "comment"),
        (json!({"colour": "red"}), "colour"),
    ];
    for (changes, field) in cases {
        let reply = answer_with(&app, survey, changes.clone()).await;
        reply.assert_error(422, "validation", Some(field));
    }
    let long_key = app
        .send(
            app.client
                .post(app.url("/api/v1/responses"))
                .bearer_auth(&app.write_key)
                .header("Idempotency-Key", "k".repeat(256))
                .json(&json!({"survey_id": survey, "score": 1, "contact": {"email": "a@b.co"}})),
        )
        .await;
    long_key.assert_error(400, "bad_request", Some("Idempotency-Key"));

    let archived = app
        .post(&format!("/api/v1/surveys/{survey}/archive"), &json!({}))
        .await;
    assert_eq!(
        (archived.status, &archived.body["archived"]),
        (200, &json!(true))
    );
    answer_with(&app, survey, json!({}))
        .await
        .assert_error(422, "validation", Some("survey_id"));
    let restored = app
        .post(&format!("/api/v1/surveys/{survey}/unarchive"), &json!({}))
        .await;
    assert_eq!(restored.body["archived"], false);
    assert_eq!(answer_with(&app, survey, json!({})).await.status, 201);
    let report = app.report(survey, "").await;
    assert_eq!(report["responses"], 2, "refused answers wrote nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn surveys_are_checked_and_names_are_unique() {
    let app = spawn_app().await;
    let survey = app.create_survey("Checkout", "nps").await;
    let taken = app
        .post(
            "/api/v1/surveys",
            &json!({"name": "Checkout", "kind": "enps"}),
        )
        .await;
    taken.assert_error(409, "conflict", Some("name"));
    for (body, field) in [
        (json!({"kind": "nps"}), "name"),
        (json!({"name": "  "}), "name"),
        (json!({"name": "X", "kind": "csat"}), "kind"),
        (json!({"name": "X", "question": ""}), "question"),
        (
            json!({"name": "X", "follow_up": "w".repeat(501)}),
            "follow_up",
        ),
        (json!({"name": "X", "colour": "red"}), "colour"),
        (json!({"name": 3}), "name"),
    ] {
        app.post("/api/v1/surveys", &body)
            .await
            .assert_error(422, "validation", Some(field));
    }
    let enps = app
        .post(
            "/api/v1/surveys",
            &json!({"name": "People", "kind": "enps"}),
        )
        .await;
    assert_eq!(enps.status, 201);
    assert_eq!(
        enps.body["question"],
        "How likely are you to recommend working here to a friend?"
    );
    let patch = |body: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/surveys/{survey}")))
            .bearer_auth(&app.write_key)
            .json(&body)
    };
    let renamed = app
        .send(patch(json!({"name": "Checkout v2", "follow_up": "Why?"})))
        .await;
    assert_eq!(renamed.status, 200, "{:?}", renamed.body);
    assert_eq!(
        (&renamed.body["name"], &renamed.body["follow_up"]),
        (&json!("Checkout v2"), &json!("Why?"))
    );
    app.send(patch(json!({"name": "People"})))
        .await
        .assert_error(409, "conflict", Some("name"));
    app.send(patch(json!({"kind": "enps"})))
        .await
        .assert_error(422, "validation", Some("kind"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_options_are_checked_like_the_command_line_flags() {
    let app = spawn_app().await;
    let survey = app.create_survey("Checkout", "nps").await;
    answer_with(&app, survey, json!({})).await;
    for (query, field) in [
        ("by=country", "by"),
        ("by=plan,plan,plan", "by"),
        ("where=country%3DFR", "where"),
        ("where=plan", "where"),
        ("interval=year", "interval"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("text=two%20words", "text"),
        ("interva=week", "interva"),
        ("by=plan&by=plan", "by"),
    ] {
        let reply = app
            .get(&format!("/api/v1/surveys/{survey}/report?{query}"))
            .await;
        reply.assert_error(422, "validation", Some(field));
    }
    let empty = app.report(survey, "from=2030-01-01").await;
    assert_eq!(
        empty,
        json!({"nps": null, "responses": 0, "promoters": 0, "passives": 0, "detractors": 0,
            "margin_of_error": null})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enps_answers_are_anonymous_and_small_groups_hidden() {
    let app = spawn_app().await;
    let survey = app.create_survey("Pulse", "enps").await;
    let mut last = Value::Null;
    for (n, team) in ["red", "red", "red", "blue"].iter().enumerate() {
        last = app
            .answer(&json!({"survey_id": survey, "score": 9, "comment": "fine",
                "contact": {"email": format!("e{n}@corp.com"), "attributes": {"team": team}}}))
            .await;
        assert_eq!(last["contact_id"], Value::Null, "no identity in the reply");
        assert_eq!(last["attributes"], json!({}));
    }
    let report = app.report(survey, "by=team").await;
    assert_eq!(
        report,
        json!({"nps": null, "responses": null, "promoters": null, "passives": null,
            "detractors": null, "margin_of_error": null, "groups": [], "suppressed": 2})
    );
    let id = last["id"].as_i64().unwrap();
    app.get(&format!("/api/v1/responses/{id}"))
        .await
        .assert_error(403, "forbidden", None);
    app.get(&format!("/api/v1/responses?survey_id={survey}"))
        .await
        .assert_error(403, "forbidden", None);
    let all = app.get("/api/v1/responses").await;
    assert_eq!(all.body["data"], json!([]), "eNPS answers are never listed");
    for filtered in ["where=team%3Dred", "category=promoter", "text=fine"] {
        let page = app.get(&format!("/api/v1/responses?{filtered}")).await;
        assert_eq!(page.body["data"], json!([]), "{filtered}");
    }
    // Nor beside the contact who gave them.
    let contact = app
        .store
        .contact(
            app.workspace.id,
            &vouch_store::ContactKey {
                external_id: None,
                email: Some("e0@corp.com".into()),
            },
        )
        .await
        .expect("the store")
        .expect("the employee");
    let read = app.get(&format!("/api/v1/contacts/{}", contact.id.0)).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["responses"], json!([]), "{}", read.body);
    let export = app
        .get(&format!("/api/v1/contacts/{}/export", contact.id.0))
        .await;
    assert_eq!(export.status, 200, "{}", export.body);
    assert!(!export.body.to_string().contains("fine"), "{}", export.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_of_another_workspace_is_visible() {
    let app = spawn_app().await;
    let survey = app.create_survey("Checkout", "nps").await;
    let answer = answer_with(&app, survey, json!({})).await;
    let response = answer.body["id"].as_i64().unwrap();
    let contact = answer.body["contact_id"].as_i64().unwrap();
    let other = app.store.workspace("elsewhere").await.unwrap();
    let key = app.new_key(&other, "theirs", KeyScope::Write).await;
    let listed = app.get_as(&key, "/api/v1/surveys").await;
    assert_eq!(listed.body, json!({"data": []}));
    for path in [
        format!("/api/v1/surveys/{survey}"),
        format!("/api/v1/surveys/{survey}/report"),
        format!("/api/v1/responses/{response}"),
        format!("/api/v1/contacts/{contact}"),
        format!("/api/v1/contacts/{contact}/export"),
    ] {
        app.get_as(&key, &path)
            .await
            .assert_error(404, "not_found", None);
    }
    assert_eq!(
        app.get_as(&key, "/api/v1/responses").await.body["data"],
        json!([])
    );
    assert_eq!(
        app.get_as(&key, "/api/v1/contacts").await.body["data"],
        json!([])
    );
    app.post_as(
        &key,
        "/api/v1/responses",
        &json!({"survey_id": survey, "score": 1,
        "contact": {"email": "x@y.co"}}),
    )
    .await
    .assert_error(404, "not_found", Some("survey_id"));
    app.post_as(
        &key,
        &format!("/api/v1/surveys/{survey}/archive"),
        &json!({}),
    )
    .await
    .assert_error(404, "not_found", None);
    let erase = app
        .client
        .delete(app.url(&format!("/api/v1/contacts/{contact}")))
        .bearer_auth(&key);
    app.send(erase).await.assert_error(404, "not_found", None);
    assert_eq!(app.report(survey, "").await["responses"], 1, "untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_never_sniffed_nor_cached_and_https_asks_for_strict_transport() {
    let app = spawn_app().await;
    let listed = app.get("/api/v1/surveys").await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.headers["x-content-type-options"], "nosniff");
    assert_eq!(listed.headers["cache-control"], "no-store");
    let refused = app.send(app.client.get(app.url("/api/v1/surveys"))).await;
    assert_eq!(refused.headers["cache-control"], "no-store", "errors too");
    assert!(
        listed.headers.get("strict-transport-security").is_none(),
        "not over plain HTTP"
    );
    let health = reqwest::get(app.url("/healthz")).await.expect("a reply");
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");

    let storage = vouch_test_kit::storage::Storage::sqlite().await;
    let secure = vouch_test_kit::server::TestServer::start(storage, |_| vouch_http::ServerConfig {
        public_url: "https://nps.example.com".to_owned(),
        ..vouch_test_kit::server::test_config()
    })
    .await;
    let reply = reqwest::get(secure.url("/healthz")).await.expect("a reply");
    assert_eq!(
        reply.headers()["strict-transport-security"],
        vouch_http::headers::HSTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_an_object_or_nothing_and_a_refused_change_keeps_them() {
    let app = spawn_app().await;
    let created = app
        .post(
            "/api/v1/surveys",
            &json!({"name": "Checkout", "settings": {"throttle_days": 30, "brand_name": "Acme"}}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_i64().expect("an id");
    for settings in [json!([]), json!("x"), json!(3)] {
        let patch = app
            .client
            .patch(app.url(&format!("/api/v1/surveys/{id}")))
            .bearer_auth(&app.write_key)
            .json(&json!({"settings": settings}));
        let reply = app.send(patch).await;
        assert_eq!(reply.status, 422, "{settings}: {:?}", reply.body);
        assert_eq!(reply.body["error"]["field"], "settings", "{:?}", reply.body);
    }
    let kept = app.get(&format!("/api/v1/surveys/{id}")).await;
    assert_eq!(
        kept.body["settings"]["throttle_days"], 30,
        "{:?}",
        kept.body
    );
    assert_eq!(kept.body["settings"]["brand_name"], "Acme");
}
