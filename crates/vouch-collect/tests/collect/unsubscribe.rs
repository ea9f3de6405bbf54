//! `/u/{token}`: unsubscribe, by a person or by their mailbox provider (RFC 8058).

use vouch_core::SurveyKind;
use vouch_core::token::Purpose;
use vouch_store::{SuppressionReason, SurveySettings};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_get_only_asks_and_a_post_unsubscribes_for_good() {
    let app = spawn_app().await;
    let settings = SurveySettings {
        brand_name: Some("Acme".into()),
        ..SurveySettings::default()
    };
    let survey = app.survey("Customers", SurveyKind::Nps, settings).await;
    let ann = app.contact("ann@example.com", &[]).await;
    let invitation = app.invite(&survey, &ann, -1).await;
    let path = format!(
        "/u/{}",
        app.token(Purpose::Unsubscribe, invitation.id.0).await
    );

    let page = app.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Stop receiving surveys from Acme?"));
    assert!(page.text.contains(r#"method="post""#) && page.text.contains(r#"id="confirm""#));
    let suppressed = app.store.suppression(app.workspace.id, "ann@example.com");
    assert_eq!(suppressed.await.unwrap(), None, "a GET changes nothing");

    let done = app.post_form(&path, &[]).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(
        done.text
            .contains("You will not receive any more surveys from Acme.")
    );
    let suppressed = app.store.suppression(app.workspace.id, "ann@example.com");
    assert_eq!(
        suppressed.await.unwrap(),
        Some(SuppressionReason::Unsubscribed)
    );

    // An answer token does not unsubscribe, nor the other way round.
    let answer = app.token(Purpose::Answer, invitation.id.0).await;
    assert_eq!(app.get(&format!("/u/{answer}")).await.status, 404);
}

#[tokio::test]
async fn one_click_unsubscribe_works_as_mailbox_providers_send_it() {
    let app = spawn_app().await;
    let survey = app
        .survey("Customers", SurveyKind::Nps, SurveySettings::default())
        .await;
    let bob = app.contact("bob@example.com", &[]).await;
    let invitation = app.invite(&survey, &bob, 30).await;
    let path = format!(
        "/u/{}",
        app.token(Purpose::Unsubscribe, invitation.id.0).await
    );
    let done = app
        .post_form(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(done.status, 200);
    let suppressed = app.store.suppression(app.workspace.id, "bob@example.com");
    assert_eq!(
        suppressed.await.unwrap(),
        Some(SuppressionReason::Unsubscribed)
    );
    assert_eq!(
        app.post_form("/u/1.AAAAAAAAAAAAAAAAAAAAAA", &[])
            .await
            .status,
        404
    );
}
