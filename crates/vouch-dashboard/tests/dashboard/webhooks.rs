//! The Webhooks and alerts page: admins only, CSRF on every form, the secret shown once, a
//! private target refused with nothing made, "Send test" and "Resend" queueing messages.

use vouch_store::{DeliveryStatus, Role};

use crate::helpers::spawn_app;

/// A public address given as such, so no name needs resolving in the test.
const PUBLIC_URL: &str = "http://93.184.216.34/hooks/vouch";

#[tokio::test]
async fn an_admin_creates_tests_and_deletes_a_webhook_and_an_alert() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;
    let csrf = admin.csrf().await;
    let empty = admin.get("/app/settings/webhooks").await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert!(empty.text.contains("No webhooks yet") && empty.text.contains("No alerts yet"));

    let private = admin
        .post(
            "/app/settings/webhooks",
            &[
                ("csrf", &csrf),
                ("url", "http://127.0.0.1:9/x"),
                ("event", "response.created"),
            ],
        )
        .await;
    assert_eq!(private.status, 422, "{}", private.text);
    assert!(
        private
            .text
            .contains("url: 127.0.0.1 is a private or loopback address"),
        "{}",
        private.text
    );
    let forged = admin
        .post(
            "/app/settings/webhooks",
            &[("url", PUBLIC_URL), ("event", "response.created")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(
        app.store.webhooks(app.acme.id).await.unwrap().is_empty(),
        "nothing was made"
    );

    let made = admin
        .post(
            "/app/settings/webhooks",
            &[
                ("csrf", &csrf),
                ("url", PUBLIC_URL),
                ("event", "response.created"),
                ("event", "response.tagged"),
                ("format", "slack"),
                ("max_score", "6"),
            ],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let webhooks = app.store.webhooks(app.acme.id).await.unwrap();
    assert_eq!(webhooks.len(), 1);
    let webhook = &webhooks[0];
    assert_eq!(webhook.events.len(), 2);
    assert_eq!(webhook.max_score, Some(6));
    assert!(
        made.text.contains(&webhook.secret),
        "the secret is shown once"
    );
    let again = admin.get("/app/settings/webhooks").await;
    assert!(!again.text.contains(&webhook.secret), "and never again");
    assert!(
        again
            .text
            .contains("response.created, response.tagged · slack · scores 0–6")
    );

    let path = format!("/app/settings/webhooks/{}/test", webhook.id.0);
    let tested = admin.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(tested.status, 303, "{}", tested.text);
    let tested = admin.get("/app/settings/webhooks?saved=1").await;
    let log = app
        .store
        .deliveries(app.acme.id, webhook.id, 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].event.as_str(), log[0].status),
        ("webhook.test", DeliveryStatus::Pending)
    );
    assert!(
        tested.text.contains(&format!("msg_{}", log[0].id.0)),
        "the log lists it"
    );
    let resend = format!("/app/settings/webhooks/messages/{}/resend", log[0].id.0);
    assert_eq!(admin.post(&resend, &[("csrf", &csrf)]).await.status, 303);

    let alert = admin
        .post(
            "/app/settings/alerts",
            &[
                ("csrf", &csrf),
                ("name", "Detractors"),
                ("max_score", "6"),
                ("where", "plan=pro"),
                ("emails", "cs@acme.example"),
            ],
        )
        .await;
    assert_eq!(alert.status, 303, "{}", alert.text);
    let alert = admin.get("/app/settings/webhooks").await;
    assert!(alert.text.contains("score ≤ 6, plan = pro") && alert.text.contains("cs@acme.example"));
    let nowhere = admin
        .post(
            "/app/settings/alerts",
            &[("csrf", &csrf), ("name", "Nowhere")],
        )
        .await;
    assert_eq!(nowhere.status, 422);
    assert!(
        nowhere.text.contains("an e-mail address or a Slack URL"),
        "{}",
        nowhere.text
    );
    let alerts = app.store.alerts(app.acme.id).await.unwrap();
    assert_eq!(alerts.len(), 1);

    let path = format!("/app/settings/alerts/{}/delete", alerts[0].id.0);
    assert_eq!(admin.post(&path, &[("csrf", &csrf)]).await.status, 303);
    let path = format!("/app/settings/webhooks/{}/delete", webhook.id.0);
    assert_eq!(admin.post(&path, &[("csrf", &csrf)]).await.status, 303);
    assert!(app.store.webhooks(app.acme.id).await.unwrap().is_empty());
    assert!(app.store.alerts(app.acme.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn members_cannot_see_or_change_webhooks() {
    let app = spawn_app().await;
    let member = app
        .signed_in("m@acme.example", &app.acme, Role::Member)
        .await;
    let csrf = member.csrf().await;
    assert_eq!(member.get("/app/settings/webhooks").await.status, 403);
    let post = member
        .post(
            "/app/settings/webhooks",
            &[
                ("csrf", &csrf),
                ("url", PUBLIC_URL),
                ("event", "response.created"),
            ],
        )
        .await;
    assert_eq!(post.status, 403);
    let alert = member
        .post(
            "/app/settings/alerts",
            &[("csrf", &csrf), ("name", "x"), ("emails", "m@acme.example")],
        )
        .await;
    assert_eq!(alert.status, 403);
    assert!(app.store.webhooks(app.acme.id).await.unwrap().is_empty());
    assert!(app.store.alerts(app.acme.id).await.unwrap().is_empty());
}
