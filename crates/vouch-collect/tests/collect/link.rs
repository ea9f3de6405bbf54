//! `/l/{slug}`: a survey's public link, anonymous or self-identified.

use vouch_core::SurveyKind;
use vouch_store::{ContactKey, SurveyChanges, SurveySettings};

use crate::helpers::{Page, spawn_app};

/// The `/s/…` path the follow-up form of a link answer posts to.
fn follow_up_path(page: &Page) -> String {
    let start = page
        .text
        .find(r#"action="../s/"#)
        .unwrap_or_else(|| panic!("a follow-up form: {}", page.text));
    let rest = &page.text[start + r#"action="../"#.len()..];
    format!("/{}", &rest[..rest.find('"').unwrap()])
}

#[tokio::test]
async fn an_anonymous_answer_and_its_comment_make_one_response() {
    let app = spawn_app().await;
    let survey = app
        .survey("Public", SurveyKind::Nps, SurveySettings::default())
        .await;
    let path = format!("/l/{}", survey.slug);

    let page = app.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains(r#"id="email""#),
        "NPS offers the email field"
    );
    assert_eq!(page.text.matches(r#"name="score""#).count(), 11);
    assert!(app.responses().await.is_empty());

    let page = app
        .post_form(&path, &[("score", "10"), ("email", "")])
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].channel, "link");
    let contact = app
        .store
        .contact_by_id(app.workspace.id, responses[0].contact)
        .await
        .unwrap()
        .unwrap();
    assert!(contact.external_id.unwrap().starts_with("anonymous-"));
    assert_eq!(contact.email, None);
    assert!(
        page.header("set-cookie").is_empty(),
        "anonymous answers are not remembered"
    );

    let thanks = app
        .post_form(
            &follow_up_path(&page),
            &[("score", "10"), ("comment", "Great")],
        )
        .await;
    assert_eq!(thanks.status, 200, "{}", thanks.text);
    assert!(thanks.text.contains("Thank you!"));
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].comment.as_deref(), Some("Great"));
    assert_eq!(app.report(&survey).await["responses"], 1);

    // Someone else answers anonymously: a second person.
    app.post_form(&path, &[("score", "2")]).await;
    assert_eq!(app.report(&survey).await["responses"], 2);
}

#[tokio::test]
async fn a_self_identified_answer_names_the_contact_and_replaces_itself_from_the_same_browser() {
    let app = spawn_app().await;
    let survey = app
        .survey("Public", SurveyKind::Nps, SurveySettings::default())
        .await;
    let path = format!("/l/{}", survey.slug);

    let page = app
        .get(&format!("{path}?email=ann%40example.com&id=u-42"))
        .await;
    assert!(
        page.text.contains(r#"value="ann@example.com""#),
        "{}",
        page.text
    );
    assert!(page.text.contains(r#"name="id" value="u-42""#));

    let bad = app
        .post_form(&path, &[("score", "9"), ("email", "not-an-email")])
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains(r#"aria-invalid="true""#));
    assert!(app.responses().await.is_empty());

    let first = app
        .post_form(&path, &[("score", "9"), ("email", " Ann@Example.com ")])
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let ann = app
        .store
        .contact(
            app.workspace.id,
            &ContactKey {
                external_id: None,
                email: Some("ann@example.com".into()),
            },
        )
        .await
        .unwrap()
        .expect("the contact named");
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].contact, ann.id);
    let cookie = first
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("vouch_l_"), "{cookie}");

    // The same person answers again from the same browser: replaced, not counted twice.
    let again = app
        .send(
            app.client
                .post(app.url(&path))
                .header("cookie", &cookie)
                .form(&[("score", "4"), ("email", "ann@example.com")]),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let responses = app.responses().await;
    assert_eq!(responses.len(), 1);
    assert_eq!(responses[0].score.value(), 4);
    assert_eq!(app.report(&survey).await["responses"], 1);

    // The cookie of someone else's answer does not merge two people.
    let other = app
        .send(
            app.client
                .post(app.url(&path))
                .header("cookie", &cookie)
                .form(&[("score", "7"), ("email", "bob@example.com")]),
        )
        .await;
    assert_eq!(other.status, 200);
    assert_eq!(app.report(&survey).await["responses"], 2);
}

#[tokio::test]
async fn enps_links_take_no_identity() {
    let app = spawn_app().await;
    let survey = app
        .survey("People", SurveyKind::Enps, SurveySettings::default())
        .await;
    let path = format!("/l/{}", survey.slug);
    let page = app.get(&format!("{path}?email=ann%40example.com")).await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains(r#"id="email""#));
    assert!(!page.text.contains("ann@example.com"));
    assert!(page.text.contains("recommend working here"));

    let answered = app
        .post_form(
            &path,
            &[("score", "8"), ("email", "ann@example.com"), ("id", "e-1")],
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.text);
    let responses = app.responses().await;
    let contact = app
        .store
        .contact_by_id(app.workspace.id, responses[0].contact)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.email, None);
    assert!(contact.external_id.unwrap().starts_with("anonymous-"));
}

#[tokio::test]
async fn unknown_links_are_404_and_closed_ones_410() {
    let app = spawn_app().await;
    let off = SurveySettings {
        link_enabled: false,
        ..SurveySettings::default()
    };
    let closed = app.survey("Closed", SurveyKind::Nps, off).await;
    let archived = app
        .survey("Old", SurveyKind::Nps, SurveySettings::default())
        .await;
    app.store
        .update_survey(
            app.workspace.id,
            archived.id,
            SurveyChanges {
                archived: Some(true),
                ..SurveyChanges::default()
            },
        )
        .await
        .unwrap();
    for slug in ["no-such-survey", "BAD!", &"x".repeat(80)] {
        assert_eq!(app.get(&format!("/l/{slug}")).await.status, 404, "{slug}");
    }
    for survey in [&closed, &archived] {
        let path = format!("/l/{}", survey.slug);
        assert_eq!(app.get(&path).await.status, 410);
        assert_eq!(app.post_form(&path, &[("score", "9")]).await.status, 410);
    }
    assert!(app.responses().await.is_empty());
}

#[tokio::test]
async fn a_link_speaks_the_browsers_language_or_the_surveys_default() {
    let app = spawn_app().await;
    let german = SurveySettings {
        default_language: "de".into(),
        brand_name: Some("Acme".into()),
        ..SurveySettings::default()
    };
    let survey = app.survey("Public", SurveyKind::Nps, german).await;
    let path = format!("/l/{}", survey.slug);
    let page = app.get(&path).await;
    assert!(page.text.contains(r#"<html lang="de">"#));
    assert!(
        page.text
            .contains("Wie wahrscheinlich ist es, dass Sie Acme")
    );
    let page = app
        .send(
            app.client
                .get(app.url(&path))
                .header("accept-language", "es"),
        )
        .await;
    assert!(
        page.text
            .contains("¿Qué probabilidad hay de que recomiende Acme")
    );
}
