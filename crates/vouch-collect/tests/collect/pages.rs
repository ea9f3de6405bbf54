//! `/s/{token}`: the page an email's score buttons open.

use vouch_core::SurveyKind;
use vouch_core::token::Purpose;
use vouch_store::{InvitationId, SurveyChanges, SurveySettings};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_score_link_records_nothing_until_posted_and_an_answer_again_replaces() {
    let app = spawn_app().await;
    let survey = app
        .survey("Customers", SurveyKind::Nps, SurveySettings::default())
        .await;
    let ann = app.contact("ann@example.com", &[]).await;
    let invitation = app.invite(&survey, &ann, 30).await;
    let token = app.token(Purpose::Answer, invitation.id.0).await;
    let path = format!("/s/{token}");

    // A mail scanner (or the person) opens the button's link: the page, nothing recorded.
    let page = app.get(&format!("{path}?score=9")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("data-autopost"), "{}", page.text);
    assert!(page.text.contains(r#"name="score" value="9""#));
    assert!(page.text.contains(r#"name="comment""#) && page.text.contains(r#"id="send""#));
    assert!(page.text.contains("You chose 9"));
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert!(app.responses().await.is_empty(), "a GET records nothing");
    let opened = app.store.invitation(invitation.id).await.unwrap().unwrap();
    assert!(opened.opened_at.is_some());

    // The page's script posts the score at once.
    let posted = app
        .send(
            app.client
                .post(app.url(&path))
                .header("accept", "application/json")
                .form(&[("score", "9")]),
        )
        .await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    let body = posted.json();
    assert_eq!(body["score"], 9);
    let first_id = body["response_id"].as_i64().unwrap();
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].channel, "email");
    assert_eq!(app.report(&survey).await["promoters"], 1);

    // The person changes their mind and says why: replaced, counted once.
    let thanks = app
        .post_form(&path, &[("score", "3"), ("comment", " Too slow ")])
        .await;
    assert_eq!(thanks.status, 200, "{}", thanks.text);
    assert!(thanks.text.contains("Thank you!"));
    assert!(
        thanks.text.contains(&format!(r#"href="{token}""#)),
        "a link back"
    );
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].score.value(), 3);
    assert_eq!(responses[0].comment.as_deref(), Some("Too slow"));
    assert_ne!(responses[0].id.0, first_id);
    assert_eq!(
        app.deletions().await,
        1,
        "the replaced answer is logged as erased"
    );
    let report = app.report(&survey).await;
    assert_eq!(report["responses"], 1);
    assert_eq!(report["detractors"], 1);
    assert_eq!(report["promoters"], 0);
}

#[tokio::test]
async fn a_score_alone_leads_to_the_follow_up_of_its_category() {
    let settings = SurveySettings {
        follow_up_passive: Some("What would make it a 10?".into()),
        ..SurveySettings::default()
    };
    let app = spawn_app().await;
    let survey = app.survey("Customers", SurveyKind::Nps, settings).await;
    let ann = app.contact("ann@example.com", &[]).await;
    let invitation = app.invite(&survey, &ann, 30).await;
    let path = format!("/s/{}", app.token(Purpose::Answer, invitation.id.0).await);

    let plain = app.get(&path).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.text.matches(r#"name="score""#).count(), 11);
    assert!(plain.text.contains("Not at all likely") && plain.text.contains("Extremely likely"));
    assert!(plain.text.contains("How likely are you to recommend us"));

    let follow_up = app.post_form(&path, &[("score", "8")]).await;
    assert_eq!(follow_up.status, 200, "{}", follow_up.text);
    assert!(follow_up.text.contains("What would make it a 10?"));
    assert!(
        !follow_up.text.contains("data-autopost"),
        "already recorded"
    );
    assert!(follow_up.text.contains("Your answer has been recorded."));
    assert_eq!(app.responses().await.len(), 1);
}

#[tokio::test]
async fn bad_tokens_are_404_and_closed_surveys_410_and_nothing_is_recorded() {
    let app = spawn_app().await;
    let survey = app
        .survey("Customers", SurveyKind::Nps, SurveySettings::default())
        .await;
    let ann = app.contact("ann@example.com", &[]).await;
    let valid = app.invite(&survey, &ann, 30).await;
    let token = app.token(Purpose::Answer, valid.id.0).await;
    let tampered = format!(
        "{}{}",
        &token[..token.len() - 1],
        if token.ends_with('A') { "B" } else { "A" }
    );
    let unknown = app.token(Purpose::Answer, 999_999).await;
    let unsubscribe = app.token(Purpose::Unsubscribe, valid.id.0).await;
    for bad in [
        tampered.as_str(),
        unknown.as_str(),
        unsubscribe.as_str(),
        "nonsense",
        "1.x",
    ] {
        let page = app.get(&format!("/s/{bad}?score=9")).await;
        assert_eq!(page.status, 404, "{bad}");
        assert!(
            page.text.contains("This survey link is not valid"),
            "{}",
            page.text
        );
        let posted = app.post_form(&format!("/s/{bad}"), &[("score", "9")]).await;
        assert_eq!(posted.status, 404, "{bad}");
    }

    let expired = app.invite(&survey, &ann, -1).await;
    let expired_path = format!("/s/{}", app.token(Purpose::Answer, expired.id.0).await);
    let page = app.get(&expired_path).await;
    assert_eq!(page.status, 410);
    assert!(page.text.contains("This survey has closed"));
    assert_eq!(
        app.post_form(&expired_path, &[("score", "9")]).await.status,
        410
    );

    app.store
        .update_survey(
            app.workspace.id,
            survey.id,
            SurveyChanges {
                archived: Some(true),
                ..SurveyChanges::default()
            },
        )
        .await
        .unwrap();
    // The survey cache trusts what it read for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let path = format!("/s/{token}");
    assert_eq!(app.get(&path).await.status, 410);
    assert_eq!(app.post_form(&path, &[("score", "9")]).await.status, 410);
    let json = app
        .send(
            app.client
                .post(app.url(&path))
                .header("accept", "application/json")
                .form(&[("score", "9")]),
        )
        .await;
    assert_eq!(json.status, 410);
    assert_eq!(json.json()["error"]["code"], "gone");

    assert!(app.responses().await.is_empty());
    let untouched = app
        .store
        .invitation(InvitationId(expired.id.0))
        .await
        .unwrap()
        .unwrap();
    assert!(untouched.opened_at.is_none());
}

#[tokio::test]
async fn invalid_scores_and_comments_are_422_pages_and_record_nothing() {
    let app = spawn_app().await;
    let survey = app
        .survey("Customers", SurveyKind::Nps, SurveySettings::default())
        .await;
    let ann = app.contact("ann@example.com", &[]).await;
    let invitation = app.invite(&survey, &ann, 30).await;
    let path = format!("/s/{}", app.token(Purpose::Answer, invitation.id.0).await);

    for score in ["11", "-1", "7.5", "abc", ""] {
        let page = app.post_form(&path, &[("score", score)]).await;
        assert_eq!(page.status, 422, "{score}");
        assert!(
            page.text.contains("Choose a score from 0 to 10."),
            "{}",
            page.text
        );
        assert!(page.text.contains(r#"role="alert""#));
    }
    assert_eq!(app.post_form(&path, &[("comment", "hi")]).await.status, 422);
    let json = app
        .send(
            app.client
                .post(app.url(&path))
                .header("accept", "application/json")
                .form(&[("score", "11")]),
        )
        .await;
    assert_eq!(json.status, 422);
    assert_eq!(json.json()["error"]["field"], "score");

    let long = "x".repeat(10_001);
    let page = app
        .post_form(&path, &[("score", "9"), ("comment", long.as_str())])
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.text.contains("at most 10000 characters"),
        "{}",
        page.text
    );
    assert!(app.responses().await.is_empty());

    // An invalid score in the link is ignored: the plain question.
    let page = app.get(&format!("{path}?score=11")).await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("data-autopost"));
    assert_eq!(page.text.matches(r#"name="score""#).count(), 11);
}

#[tokio::test]
async fn the_page_speaks_the_contacts_language_else_the_browsers() {
    let app = spawn_app().await;
    let survey = app
        .survey("Customers", SurveyKind::Nps, SurveySettings::default())
        .await;
    let browser = app.contact("ann@example.com", &[]).await;
    let french = app.contact("jean@example.fr", &[("language", "fr")]).await;

    let by_browser = app.invite(&survey, &browser, 30).await;
    let path = format!("/s/{}", app.token(Purpose::Answer, by_browser.id.0).await);
    let page = app
        .send(
            app.client
                .get(app.url(&path))
                .header("accept-language", "fr-CH, fr;q=0.9, en;q=0.5"),
        )
        .await;
    assert!(page.text.contains(r#"<html lang="fr">"#), "{}", page.text);
    assert!(
        page.text
            .contains("Quelle est la probabilité que vous nous recommandiez")
    );
    assert!(page.text.contains("Pas du tout probable"));

    let by_contact = app.invite(&survey, &french, 30).await;
    let path = format!("/s/{}", app.token(Purpose::Answer, by_contact.id.0).await);
    let page = app
        .send(
            app.client
                .get(app.url(&format!("{path}?score=4")))
                .header("accept-language", "de"),
        )
        .await;
    assert!(page.text.contains(r#"<html lang="fr">"#));
    assert!(
        page.text
            .contains("Quelle est la principale raison de votre note")
    );
    assert!(page.text.contains("Vous avez choisi 4"));
}

#[tokio::test]
async fn too_many_posts_from_one_address_are_refused_with_retry_after() {
    let app = crate::helpers::spawn_with(vouch_http::Limits {
        page_posts_per_minute_per_ip: 3,
        ..vouch_http::Limits::default()
    })
    .await;
    let survey = app
        .survey("Customers", SurveyKind::Nps, SurveySettings::default())
        .await;
    let ann = app.contact("ann@example.com", &[]).await;
    let invitation = app.invite(&survey, &ann, 30).await;
    let path = format!("/s/{}", app.token(Purpose::Answer, invitation.id.0).await);
    for _ in 0..3 {
        assert_eq!(app.post_form(&path, &[("score", "9")]).await.status, 200);
    }
    let page = app.post_form(&path, &[("score", "9")]).await;
    assert_eq!(page.status, 429);
    assert!(page.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert!(page.text.contains("Too many answers at once"));
}

#[tokio::test]
async fn the_assets_are_served_for_a_year_and_the_widget_for_an_hour() {
    let app = spawn_app().await;
    let css = app.get("/assets/survey.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("immutable"));
    let js = app.get("/assets/survey.js").await;
    assert!(js.header("content-type").starts_with("text/javascript"));
    let widget = app.get("/widget.js").await;
    assert_eq!(widget.status, 200);
    assert_eq!(widget.header("cache-control"), "public, max-age=3600");
    assert!(widget.text.contains("window.Vouch"));
    assert_eq!(app.get("/assets/nope.css").await.status, 404);
}
