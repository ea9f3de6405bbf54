//! The workspace resource: its brand, read and changed with the rules of the core.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brand_is_read_changed_and_checked() {
    let app = spawn_app().await;
    let read = app.get("/api/v1/workspace").await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        read.body,
        json!({"slug": "api-tests", "time_zone": "UTC",
            "brand": {"name": null, "color": null, "logo_url": null}})
    );
    let patch = |key: &str, body: Value| {
        app.client
            .patch(app.url("/api/v1/workspace"))
            .bearer_auth(key)
            .json(&body)
    };
    let changed = app
        .send(patch(
            &app.write_key,
            json!({"brand": {"name": " Acme Analytics ", "color": "#1D4ED8"}}),
        ))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        changed.body["brand"],
        json!({"name": "Acme Analytics", "color": "#1D4ED8", "logo_url": null})
    );
    assert_eq!(app.get("/api/v1/workspace").await.body, changed.body);

    // A read key may not change it; bad fields are named and change nothing.
    app.send(patch(&app.read_key, json!({"brand": {"name": "X"}})))
        .await
        .assert_error(403, "forbidden", None);
    for (body, field) in [
        (json!({"brand": {"color": "blue"}}), "brand.color"),
        (
            json!({"brand": {"logo_url": "javascript:alert(1)"}}),
            "brand.logo_url",
        ),
        (json!({"brand": {"name": "x".repeat(101)}}), "brand.name"),
    ] {
        app.send(patch(&app.write_key, body))
            .await
            .assert_error(422, "validation", Some(field));
    }
    let unknown = app
        .send(patch(
            &app.write_key,
            json!({"brand": {"colour": "#000000"}}),
        ))
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(app.get("/api/v1/workspace").await.body, changed.body);

    // The survey page of a survey without a brand of its own shows the workspace's.
    let survey = app.create_survey("Checkout", "nps").await;
    let slug = app.get(&format!("/api/v1/surveys/{survey}")).await.body["slug"]
        .as_str()
        .expect("a slug")
        .to_owned();
    let page = app
        .client
        .get(app.url(&format!("/l/{slug}")))
        .send()
        .await
        .expect("the page");
    let html = page.text().await.expect("a body");
    assert!(html.contains("Acme Analytics"), "{html}");
    assert!(html.contains("#1D4ED8"), "{html}");
    assert!(
        !html.contains("api-tests"),
        "the slug is never shown: {html}"
    );
}
