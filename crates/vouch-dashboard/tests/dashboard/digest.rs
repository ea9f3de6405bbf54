//! The weekly digest page: this week's digest as it would be sent (figures of the last
//! complete week, three comments, nothing of an eNPS survey), and each member's own choice to
//! receive it, on both backends.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_core::digest::DigestWeek;
use vouch_core::{Score, SurveyKind};
use vouch_store::{ContactKey, NewResponse, Role, SurveyId};

use crate::helpers::{TestApp, spawn_app, spawn_app_postgres};

/// `(who, score, comment)` answered on the Wednesday of the last complete week (UTC).
async fn seed(app: &TestApp, survey: SurveyId, rows: &[(&str, i64, &str)]) {
    let week = DigestWeek::last_complete(Timestamp::now(), &TimeZone::UTC);
    let (monday, _) = week.bounds(&TimeZone::UTC);
    let responses: Vec<NewResponse> = rows
        .iter()
        .enumerate()
        .map(|(n, (who, score, comment))| NewResponse {
            survey,
            contact: ContactKey {
                external_id: Some((*who).to_owned()),
                email: None,
            },
            attributes: BTreeMap::new(),
            score: Score::new(*score).expect("a score"),
            comment: Some((*comment).to_owned()),
            created_at: monday + jiff::SignedDuration::from_hours(50 + n as i64),
            channel: "api".into(),
        })
        .collect();
    let mut import = app
        .store
        .begin_import(app.acme.id)
        .await
        .expect("an import");
    import.write(&responses).await.expect("written");
    import.commit().await.expect("committed");
}

async fn the_preview_and_the_choice(app: TestApp) {
    let nps = app.survey(&app.acme, "Customers", SurveyKind::Nps).await;
    let enps = app.survey(&app.acme, "Team pulse", SurveyKind::Enps).await;
    seed(
        &app,
        nps.id,
        &[
            ("a", 10, "Reports are superb"),
            ("b", 9, "Quick answers from support"),
            ("c", 8, "Good enough for now"),
            ("d", 1, "Exports keep failing"),
        ],
    )
    .await;
    let team: Vec<(String, i64, &str)> = (0..6)
        .map(|n| (format!("employee-{n}"), 0, "My manager never listens"))
        .collect();
    let team: Vec<(&str, i64, &str)> = team.iter().map(|(w, s, c)| (w.as_str(), *s, *c)).collect();
    seed(&app, enps.id, &team).await;
    // (2 promoters − 1 detractor) / 4 answers = NPS 25.
    let viewer = app
        .signed_in("vera@example.com", &app.acme, Role::Viewer)
        .await;
    let page = viewer.get("/app/digest").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let week = DigestWeek::last_complete(Timestamp::now(), &TimeZone::UTC).label();
    assert!(
        page.text.contains(&format!("weekly digest {week}: NPS 25")),
        "{}",
        page.text
    );
    assert!(page.text.contains("from 4 answers"));
    for quoted in [
        "Exports keep failing",
        "Good enough for now",
        "Quick answers from support",
    ] {
        assert!(page.text.contains(quoted), "{quoted}");
    }
    assert!(
        !page.text.contains("Reports are superb"),
        "one promoter quoted: the newest"
    );
    assert!(!page.text.contains("manager"), "nothing of the eNPS survey");
    assert!(page.text.contains("eNPS surveys are left out"));
    assert!(!page.text.contains(" checked"), "off until chosen");
    let vera = app
        .store
        .user_by_email("vera@example.com")
        .await
        .expect("read")
        .expect("a user")
        .0;
    let other = app
        .user("otto@example.com", &app.acme, Role::Admin, false)
        .await;

    let csrf = viewer.csrf().await;
    let saved = viewer
        .post("/app/digest", &[("csrf", &csrf), ("receive", "on")])
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(saved.location(), "/app/digest?saved=1");
    let read = |user| {
        let store = app.store.clone();
        let workspace = app.acme.id;
        async move {
            store
                .member_preferences(workspace, user)
                .await
                .expect("preferences")
                .weekly_digest
        }
    };
    assert!(read(vera.id).await, "turned on");
    assert!(!read(other.id).await, "for this member only");
    let page = viewer.get("/app/digest?saved=1").await;
    assert!(page.text.contains(" checked"));
    assert!(page.text.contains("you will receive the weekly digest"));

    let forged = app
        .browser()
        .post("/app/digest", &[("csrf", "forged")])
        .await;
    assert!(forged.status >= 300, "refused without a session");
    let no_token = viewer.post("/app/digest", &[]).await;
    assert_eq!(no_token.status, 403);
    assert!(read(vera.id).await, "a refused form changes nothing");

    let off = viewer.post("/app/digest", &[("csrf", &csrf)]).await;
    assert_eq!(off.status, 303);
    assert!(!read(vera.id).await, "turned off");
}

#[tokio::test]
async fn the_digest_page_previews_this_week_and_keeps_each_members_choice() {
    the_preview_and_the_choice(spawn_app().await).await;
}

#[tokio::test]
async fn the_digest_page_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        the_preview_and_the_choice(app).await;
    }
}
