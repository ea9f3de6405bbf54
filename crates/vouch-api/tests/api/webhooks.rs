//! `/api/v1/webhooks` and `/api/v1/alerts`: write keys only, fields named when refused, the
//! secret shown once, a response's events in its delivery log, and the OpenAPI document.

use serde_json::json;

use crate::helpers::spawn_app;

/// A public address given as such, so no name needs resolving in the test.
const PUBLIC_URL: &str = "http://93.184.216.34/hooks/vouch";

#[tokio::test]
async fn webhooks_are_made_by_write_keys_and_log_their_messages() {
    let app = spawn_app().await;
    let body = json!({"url": PUBLIC_URL, "events": ["response.created"], "max_score": 6});
    let read = app.post_as(&app.read_key, "/api/v1/webhooks", &body).await;
    assert_eq!(read.status, 403, "{:?}", read.body);
    let private = json!({"url": "http://10.0.0.1/x", "events": ["response.created"]});
    app.post("/api/v1/webhooks", &private)
        .await
        .assert_error(422, "validation", Some("url"));
    let unknown = json!({"url": PUBLIC_URL, "events": ["response.eaten"]});
    app.post("/api/v1/webhooks", &unknown)
        .await
        .assert_error(422, "validation", Some("events"));
    let scores = json!({"url": PUBLIC_URL, "events": ["response.created"], "min_score": 11});
    app.post("/api/v1/webhooks", &scores)
        .await
        .assert_error(422, "validation", Some("min_score"));
    assert!(
        app.store
            .webhooks(app.workspace.id)
            .await
            .unwrap()
            .is_empty()
    );

    let created = app.post("/api/v1/webhooks", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let secret = created.body["secret"].as_str().expect("the secret");
    assert!(secret.starts_with("whsec_"));
    let id = created.body["id"].as_i64().expect("an id");
    let listed = app.get_as(&app.write_key, "/api/v1/webhooks").await;
    assert_eq!(listed.body["data"][0]["max_score"], 6);
    assert!(listed.body["data"][0].get("secret").is_none(), "shown once");

    let survey = app.create_survey("Customers", "nps").await;
    for (who, score) in [("ann@example.com", 3), ("bob@example.com", 9)] {
        app.answer(&json!({"survey_id": survey, "score": score, "contact": {"email": who}}))
            .await;
    }
    let test = app
        .post(&format!("/api/v1/webhooks/{id}/test"), &json!({}))
        .await;
    assert_eq!(test.status, 202, "{:?}", test.body);
    let log = app
        .get_as(&app.write_key, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    let events: Vec<&str> = log.body["data"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|message| message["event"].as_str())
        .collect();
    assert_eq!(
        events,
        ["webhook.test", "response.created"],
        "the 9 is out of range"
    );
    let message = log.body["data"][1]["id"].as_i64().expect("an id");
    let resent = app
        .post(
            &format!("/api/v1/webhooks/deliveries/{message}/resend"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (resent.status, resent.body["status"].as_str()),
        (202, Some("pending"))
    );
    let deleted = app
        .send(
            app.client
                .delete(app.url(&format!("/api/v1/webhooks/{id}")))
                .bearer_auth(&app.write_key),
        )
        .await;
    assert_eq!(deleted.status, 204);
    let missing = app
        .get_as(&app.write_key, &format!("/api/v1/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(missing.status, 404);

    let openapi = app.get("/api/v1/openapi.json").await;
    for path in [
        "/api/v1/webhooks",
        "/api/v1/webhooks/{id}/deliveries",
        "/api/v1/alerts",
    ] {
        assert!(
            openapi.body["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
}

#[tokio::test]
async fn alerts_need_somewhere_to_go_and_a_unique_name() {
    let app = spawn_app().await;
    let body = json!({"name": "Detractors", "max_score": 6, "where": "plan=pro",
                      "emails": ["cs@example.com"]});
    let created = app.post("/api/v1/alerts", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.body["where"], "plan=pro");
    app.post("/api/v1/alerts", &body)
        .await
        .assert_error(409, "conflict", None);
    app.post("/api/v1/alerts", &json!({"name": "Nowhere"}))
        .await
        .assert_error(422, "validation", Some("email"));
    let listed = app.get_as(&app.write_key, "/api/v1/alerts").await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
}
