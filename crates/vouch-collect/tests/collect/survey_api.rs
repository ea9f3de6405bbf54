//! The survey JSON of the API: slug, public link and settings.

use serde_json::json;

use crate::helpers::{Page, TestApp, spawn_app};

async fn write(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> Page {
    app.send(
        app.client
            .request(method, app.url(path))
            .bearer_auth(&app.write_key)
            .json(&body),
    )
    .await
}

#[tokio::test]
async fn surveys_carry_their_slug_link_and_settings() {
    let app = spawn_app().await;
    let created = write(
        &app,
        reqwest::Method::POST,
        "/api/v1/surveys",
        json!({
            "name": "Checkout",
            "slug": "checkout-2026",
            "settings": {"brand_name": "Acme", "brand_color": "#0B5FFF", "default_language": "fr",
                         "follow_up_detractor": "What went wrong?",
                         "translations": {"de": {"question": "Wie wahrscheinlich…?"}},
                         "throttle_days": 30}
        }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let body = created.json();
    assert_eq!(body["slug"], "checkout-2026");
    assert_eq!(body["link_url"], "http://127.0.0.1:8080/l/checkout-2026");
    assert_eq!(body["settings"]["brand_name"], "Acme");
    assert_eq!(body["settings"]["default_language"], "fr");
    assert_eq!(body["settings"]["throttle_days"], 30);
    assert_eq!(body["settings"]["link_enabled"], true);
    assert_eq!(
        body["settings"]["translations"]["de"]["question"],
        "Wie wahrscheinlich…?"
    );
    let id = body["id"].as_i64().unwrap();

    // The public page speaks the survey's default language and shows its brand.
    let page = app.get("/l/checkout-2026").await;
    assert!(page.text.contains(r#"<html lang="fr">"#) && page.text.contains("Acme"));
    assert!(page.text.contains("--brand:#0B5FFF"));

    let plain = write(
        &app,
        reqwest::Method::POST,
        "/api/v1/surveys",
        json!({"name": "Plain"}),
    )
    .await;
    let plain = plain.json();
    assert!(plain["slug"].as_str().unwrap().starts_with("plain-"));
    assert_eq!(plain["settings"]["throttle_days"], 90);

    let taken = write(
        &app,
        reqwest::Method::POST,
        "/api/v1/surveys",
        json!({"name": "Other", "slug": "checkout-2026"}),
    )
    .await;
    assert_eq!(taken.status, 409, "{}", taken.text);
    assert_eq!(taken.json()["error"]["field"], "slug");
    let bad = write(
        &app,
        reqwest::Method::POST,
        "/api/v1/surveys",
        json!({"name": "Other", "slug": "Not A Slug"}),
    )
    .await;
    assert_eq!(bad.json()["error"]["field"], "slug");

    let path = format!("/api/v1/surveys/{id}");
    let refused = write(
        &app,
        reqwest::Method::PATCH,
        &path,
        json!({"settings": {"brand_color": "blue"}}),
    )
    .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["error"]["field"], "settings.brand_color");
    let off = write(
        &app,
        reqwest::Method::PATCH,
        &path,
        json!({"settings": {"link_enabled": false}, "slug": "checkout-new"}),
    )
    .await;
    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.json()["settings"]["link_enabled"], false);
    assert_eq!(
        off.json()["settings"]["brand_name"],
        serde_json::Value::Null,
        "replaced whole"
    );
    assert_eq!(
        off.json()["link_url"],
        "http://127.0.0.1:8080/l/checkout-new"
    );
    assert_eq!(app.get("/l/checkout-new").await.status, 410);
    assert_eq!(app.get("/l/checkout-2026").await.status, 404);

    let document = app.get("/api/v1/openapi.json").await.json();
    let schemas = &document["components"]["schemas"];
    assert!(schemas["SurveyJson"]["properties"]["link_url"].is_object());
    assert!(schemas["SurveySettingsJson"]["properties"]["translations"].is_object());
}
