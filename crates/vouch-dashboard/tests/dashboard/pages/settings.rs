//! Survey settings: errors beside their fields, saved changes, the link and the snippet.

use vouch_store::{NewWidgetKey, Role};

use super::seed::seeded;

#[tokio::test]
async fn settings_show_errors_beside_fields_and_save_valid_changes() {
    let seeded = seeded().await;
    let app = &seeded.app;
    app.store
        .create_widget_key(
            app.acme.id,
            NewWidgetKey {
                survey: seeded.nps.id,
                key: "pk_testkey123".into(),
                origins: vec!["https://app.acme.example".into()],
                sample: 1.0,
                min_account_age_days: 0,
            },
        )
        .await
        .expect("a widget key");
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let path = format!("/app/surveys/{}/settings", seeded.nps.id.0);
    let page = member.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text
            .contains(&format!("{}/l/{}", app.base, seeded.nps.slug))
    );
    assert!(
        page.text.contains("data-key=&quot;pk_testkey123&quot;")
            || page.text.contains("pk_testkey123")
    );
    assert!(page.text.contains("widget.js"));
    let csrf = page.csrf();
    let bad = member
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("name", "Customer NPS"),
                ("question", "How likely are you to recommend Acme?"),
                ("follow_up", "Why?"),
                ("brand_color", "blue"),
                ("default_language", "en"),
                ("throttle_days", "ninety"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.text.contains("id=\"s-brand_color-error\""));
    assert!(bad.text.contains("id=\"s-throttle_days-error\""));
    assert!(bad.text.contains("value=\"blue\""), "the typed value stays");
    let good = member
        .post(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("name", "Customer NPS"),
                ("question", "How likely are you to recommend Acme?"),
                ("follow_up", "Why?"),
                ("follow_up_detractor", "What should we fix first?"),
                ("brand_color", "#0B5FFF"),
                ("default_language", "fr"),
                ("translation_de_question", "Wie wahrscheinlich…?"),
                ("throttle_days", "60"),
            ],
        )
        .await;
    assert_eq!(good.status, 303, "{}", good.text);
    let survey = app
        .store
        .survey(app.acme.id, seeded.nps.id)
        .await
        .expect("the store")
        .expect("the survey");
    assert_eq!(survey.question, "How likely are you to recommend Acme?");
    assert_eq!(survey.settings.brand_color.as_deref(), Some("#0B5FFF"));
    assert_eq!(survey.settings.default_language, "fr");
    assert_eq!(survey.settings.throttle_days, 60);
    assert!(!survey.settings.link_enabled, "the box was not ticked");
    assert_eq!(
        survey.settings.follow_up_detractor.as_deref(),
        Some("What should we fix first?")
    );
    assert_eq!(
        survey.settings.translations["de"].question.as_deref(),
        Some("Wie wahrscheinlich…?")
    );
    let saved = member.get(good.location()).await;
    assert!(saved.text.contains("Saved."));
    assert!(saved.text.contains("value=\"#0B5FFF\""));
}
