//! The in-app widget's calls, as a host page at `https://app.example.com` makes them.

use serde_json::{Value, json};
use vouch_core::SurveyKind;
use vouch_store::SurveySettings;

use crate::helpers::{Page, TestApp, spawn_app, spawn_with};

const ORIGIN: &str = "https://app.example.com";

async fn call(app: &TestApp, key: &str, path: &str, origin: Option<&str>, body: &Value) -> Page {
    let mut request = app
        .client
        .post(app.url(&format!("/w/v1/{key}/{path}")))
        .json(body);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    app.send(request).await
}

async fn decide(app: &TestApp, key: &str, contact: Value) -> Page {
    let body = json!({"contact": contact, "language": "en-US"});
    call(app, key, "decide", Some(ORIGIN), &body).await
}

#[tokio::test]
async fn a_visitor_is_asked_answers_and_is_not_asked_again() {
    let app = spawn_app().await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_live", 1.0, 0).await;

    let visitor = json!({"id": 42, "email": "ann@example.com",
        "traits": {"plan": "pro", "seats": 3, "created_at": "2020-01-01",
                   "email": "ann@example.com"}});
    let shown = decide(&app, "pk_live", visitor.clone()).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(shown.header("access-control-allow-origin"), ORIGIN);
    assert!(shown.header("vary").contains("Origin"));
    let body = shown.json();
    assert_eq!(body["show"], true, "{body}");
    assert!(
        body["survey"]["question"]
            .as_str()
            .unwrap()
            .contains("recommend")
    );
    assert_eq!(body["survey"]["labels"]["low"], "Not at all likely");
    assert!(body["survey"]["follow_up"]["detractor"].is_string());
    assert_eq!(body["survey"]["language"], "en");
    let token = body["token"].as_str().unwrap().to_owned();

    let contact = app
        .store
        .contact(
            app.workspace.id,
            &vouch_store::ContactKey {
                external_id: Some("42".into()),
                email: None,
            },
        )
        .await
        .unwrap()
        .expect("the visitor is a contact");
    assert_eq!(contact.email.as_deref(), Some("ann@example.com"));
    assert!(contact.attributes.contains_key("plan") && contact.attributes.contains_key("seats"));
    assert!(!contact.attributes.contains_key("created_at"));

    let refused = call(
        &app,
        "pk_live",
        "answer",
        Some(ORIGIN),
        &json!({"token": token, "score": 11}),
    )
    .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["error"]["field"], "score");
    assert!(app.responses().await.is_empty());

    let answered = call(
        &app,
        "pk_live",
        "answer",
        Some(ORIGIN),
        &json!({"token": token, "score": 6}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text);
    assert_eq!(answered.json()["score"], 6);
    let commented = call(
        &app,
        "pk_live",
        "answer",
        Some(ORIGIN),
        &json!({"token": token, "score": 6, "comment": "Setup was hard"}),
    )
    .await;
    assert_eq!(commented.status, 200);
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].channel, "widget");
    assert_eq!(responses[0].comment.as_deref(), Some("Setup was hard"));
    assert_eq!(app.report(&survey).await["detractors"], 1);

    let again = decide(&app, "pk_live", visitor).await;
    assert_eq!(again.json(), json!({"show": false, "reason": "throttled"}));
}

#[tokio::test]
async fn sampling_and_account_age_keep_the_widget_hidden() {
    let app = spawn_app().await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_tiny", 1e-12, 0).await;
    app.widget_key(&survey, "pk_aged", 1.0, 30).await;

    let out = decide(&app, "pk_tiny", json!({"id": "u-1"})).await;
    assert_eq!(out.json(), json!({"show": false, "reason": "sampled_out"}));
    // Sampled out is not asked, so not throttled: the same answer again.
    let out = decide(&app, "pk_tiny", json!({"id": "u-1"})).await;
    assert_eq!(out.json()["reason"], "sampled_out");

    let today = jiff::Timestamp::now().to_string();
    let young = decide(
        &app,
        "pk_aged",
        json!({"id": "u-2", "traits": {"created_at": today}}),
    )
    .await;
    assert_eq!(young.json(), json!({"show": false, "reason": "too_new"}));
    let unknown = decide(&app, "pk_aged", json!({"id": "u-3"})).await;
    assert_eq!(unknown.json()["reason"], "too_new");
    let old = decide(
        &app,
        "pk_aged",
        json!({"id": "u-4", "traits": {"created_at": 1_500_000_000}}),
    )
    .await;
    assert_eq!(old.json()["show"], true, "{}", old.text);
}

#[tokio::test]
async fn only_the_keys_origins_may_call_and_preflights_say_so() {
    let app = spawn_app().await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_live", 1.0, 0).await;
    let body = json!({"contact": {"id": "u-1"}});

    let evil = call(
        &app,
        "pk_live",
        "decide",
        Some("https://evil.example"),
        &body,
    )
    .await;
    assert_eq!(evil.status, 403, "{}", evil.text);
    assert_eq!(evil.header("access-control-allow-origin"), "");
    let server = call(&app, "pk_live", "decide", None, &body).await;
    assert_eq!(server.status, 200, "no Origin: server to server");
    assert_eq!(server.header("access-control-allow-origin"), "");

    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/w/v1/pk_live/decide"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
    };
    let allowed = app.send(preflight(ORIGIN)).await;
    assert_eq!(allowed.status, 204);
    assert_eq!(allowed.header("access-control-allow-origin"), ORIGIN);
    assert!(
        allowed
            .header("access-control-allow-methods")
            .contains("POST")
    );
    assert!(
        allowed
            .header("access-control-allow-headers")
            .contains("content-type")
    );
    let refused = app.send(preflight("https://evil.example")).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("access-control-allow-origin"), "");

    let unknown = call(&app, "pk_nope", "decide", Some(ORIGIN), &body).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["code"], "not_found");
    let revoked = app
        .store
        .revoke_widget_key(app.workspace.id, "pk_live")
        .await;
    revoked.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        call(&app, "pk_live", "decide", Some(ORIGIN), &body)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn bad_bodies_are_422_naming_the_field() {
    let app = spawn_app().await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_live", 1.0, 0).await;
    let cases = [
        (json!({"contact": {}}), "contact"),
        (json!({"contact": {"email": "nope"}}), "contact.email"),
        (
            json!({"contact": {"id": "u", "traits": {"plan": [1]}}}),
            "contact.traits.plan",
        ),
        (json!({"contact": {"id": "u"}, "extra": 1}), "extra"),
    ];
    for (body, field) in cases {
        let page = call(&app, "pk_live", "decide", Some(ORIGIN), &body).await;
        assert_eq!(page.status, 422, "{body}: {}", page.text);
        assert_eq!(page.json()["error"]["field"], field, "{body}");
    }
    let forged = call(
        &app,
        "pk_live",
        "answer",
        Some(ORIGIN),
        &json!({"token": "1.AAAAAAAAAAAAAAAAAAAAAA", "score": 5}),
    )
    .await;
    assert_eq!(forged.status, 404);
    assert_eq!(forged.json()["error"]["field"], "token");
}

#[tokio::test]
async fn the_widget_speaks_the_contacts_language_else_the_browsers() {
    let app = spawn_app().await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_live", 1.0, 0).await;
    let by_browser = call(
        &app,
        "pk_live",
        "decide",
        Some(ORIGIN),
        &json!({"contact": {"id": "u-1"}, "language": "fr-FR"}),
    )
    .await;
    let body = by_browser.json();
    assert_eq!(body["survey"]["language"], "fr");
    assert!(
        body["survey"]["question"]
            .as_str()
            .unwrap()
            .starts_with("Quelle est la probabilité")
    );
    let by_trait = call(
        &app,
        "pk_live",
        "decide",
        Some(ORIGIN),
        &json!({"contact": {"id": "u-2", "traits": {"language": "es"}}, "language": "fr-FR"}),
    )
    .await;
    assert_eq!(by_trait.json()["survey"]["labels"]["low"], "Nada probable");
}

#[tokio::test]
async fn a_flood_from_one_address_gets_429_with_retry_after() {
    let app = spawn_app().await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_live", 1e-12, 0).await;
    let mut limited = None;
    for visitor in 0..70 {
        let page = decide(&app, "pk_live", json!({"id": format!("u-{visitor}")})).await;
        if page.status == 429 {
            limited = Some((visitor, page));
            break;
        }
        assert_eq!(page.status, 200, "{}", page.text);
    }
    let (visitor, page) = limited.expect("a 429 within 70 calls");
    // A burst of 60 passes, then one more per second: a slow machine may squeeze a few in.
    assert!((60..66).contains(&visitor), "{visitor} calls passed");
    assert!(page.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(page.header("access-control-allow-origin"), ORIGIN);
    assert_eq!(page.json()["error"]["code"], "too_many_requests");
}

#[tokio::test]
async fn one_visitor_calling_too_often_gets_429() {
    let app = spawn_with(vouch_http::Limits {
        widget_requests_per_minute_per_contact: 3,
        ..vouch_http::Limits::default()
    })
    .await;
    let survey = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&survey, "pk_live", 1e-12, 0).await;
    for _ in 0..3 {
        assert_eq!(
            decide(&app, "pk_live", json!({"id": "u-1"})).await.status,
            200
        );
    }
    assert_eq!(
        decide(&app, "pk_live", json!({"id": "u-1"})).await.status,
        429
    );
    assert_eq!(
        decide(&app, "pk_live", json!({"id": "u-2"})).await.status,
        200
    );
}

/// The throttle window holds across channels and surveys: an email invitation of another
/// survey keeps the widget hidden, and a widget answer keeps the person out of the next email
/// campaign.
#[tokio::test]
async fn the_throttle_holds_across_channels_and_surveys() {
    let app = spawn_app().await;
    let emailed = app
        .survey("Quarterly", SurveyKind::Nps, SurveySettings::default())
        .await;
    let in_app = app
        .survey("In app", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.widget_key(&in_app, "pk_live", 1.0, 0).await;

    let ann = app.contact("ann@example.com", &[]).await;
    app.invite(&emailed, &ann, 30).await;
    let hidden = decide(&app, "pk_live", json!({"email": "ann@example.com"})).await;
    assert_eq!(hidden.json(), json!({"show": false, "reason": "throttled"}));

    let bob = json!({"email": "bob@example.com"});
    let shown = decide(&app, "pk_live", bob).await.json();
    assert_eq!(shown["show"], true, "{shown}");
    let answer = json!({"token": shown["token"], "score": 9});
    let answered = call(&app, "pk_live", "answer", Some(ORIGIN), &answer).await;
    assert_eq!(answered.status, 200, "{}", answered.text);

    let now = jiff::Timestamp::now();
    let window = jiff::SignedDuration::from_hours(24 * 90);
    let eligible = app
        .store
        .eligible_contacts(
            app.workspace.id,
            &vouch_store::Eligibility {
                filters: Vec::new(),
                not_surveyed_since: now - window,
                campaign: None,
                need_email: true,
                after: None,
                limit: 100,
            },
        )
        .await
        .unwrap();
    let emails: Vec<_> = eligible.iter().filter_map(|c| c.email.clone()).collect();
    assert!(
        emails.is_empty(),
        "ann was emailed and bob answered in the widget: nobody may be asked, got {emails:?}"
    );
}
