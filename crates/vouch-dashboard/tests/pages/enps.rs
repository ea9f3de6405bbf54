//! eNPS: only with the HR permission, figures as the report gives them, no identity ever.

use vouch_store::Role;

use crate::seed::{Q1, between, seeded};

#[tokio::test]
async fn a_member_without_hr_cannot_find_an_enps_survey() {
    let seeded = seeded().await;
    let member = seeded.browser("mia@acme.example", Role::Admin, false).await;
    let id = seeded.enps.id.0;
    for path in [
        format!("/app/surveys/{id}"),
        format!("/app/surveys/{id}/segments"),
        format!("/app/surveys/{id}/settings"),
        format!("/app/inbox?survey={id}"),
    ] {
        let page = member.get(&path).await;
        assert!(
            page.status == 404 || page.status == 400,
            "{path}: {}",
            page.status
        );
        assert!(!page.text.contains("Workplace comment"), "{path}");
    }
    let inbox = member.get(&format!("/app/inbox?{Q1}")).await;
    assert_eq!(inbox.status, 200);
    assert!(!inbox.text.contains("Workplace comment"));
    assert!(!inbox.text.contains("Employee eNPS"));
}

#[tokio::test]
async fn the_enps_overview_shows_figures_and_comments_but_never_an_email() {
    let seeded = seeded().await;
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    let path = format!("/app/surveys/{}", seeded.enps.id.0);
    let page = hr.get(&format!("{path}?{Q1}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    // 6 promoters, 3 detractors of 12: eNPS 25.
    let headline = between(&page.text, "id=\"nps\">", "</p>");
    assert!(
        headline.contains(">25</span>") && headline.contains("n = 12"),
        "{headline}"
    );
    assert!(
        page.text.contains("Workplace comment"),
        "12 answers: comments show"
    );
    assert!(page.text.contains("anonymous"));
    assert!(
        !page.text.contains("@staff.example"),
        "no respondent's email"
    );
    assert!(!page.text.contains("team-a"));

    // 9 answers of team B: figures, but no comments (they need 10).
    let team_b = hr.get(&format!("{path}?{Q1}&where=plan%3Dteam-b")).await;
    let headline = between(&team_b.text, "id=\"nps\">", "</p>");
    assert!(headline.contains("n = 9"), "{headline}");
    assert!(!team_b.text.contains("Workplace comment"));
    assert!(team_b.text.contains("Comments show from 10 answers"));

    // 3 answers of team A: nothing at all.
    let team_a = hr.get(&format!("{path}?{Q1}&where=plan%3Dteam-a")).await;
    assert_eq!(team_a.status, 200);
    assert!(!team_a.text.contains("id=\"nps\""));
    assert!(team_a.text.contains("Hidden to protect anonymity"));

    // Segments by team: team A hidden, and team B with it (the next-smallest rule).
    let segments = hr.get(&format!("{path}/segments?by=plan&{Q1}")).await;
    assert_eq!(segments.status, 200);
    assert!(!segments.text.contains(">team-a<") && !segments.text.contains(">team-b<"));
    assert!(segments.text.contains("2 segments hidden"));
}

#[tokio::test]
async fn enps_answers_in_the_inbox_are_anonymous() {
    let seeded = seeded().await;
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    let inbox = hr
        .get(&format!("/app/inbox?survey={}&{Q1}", seeded.enps.id.0))
        .await;
    assert_eq!(inbox.status, 200, "{}", inbox.text);
    assert!(inbox.text.contains("Workplace comment"));
    assert!(inbox.text.contains("anonymous"));
    assert!(!inbox.text.contains("@staff.example"));
    assert!(!inbox.text.contains("team-b"));
    let href = between(&inbox.text, "<a href=\"/app/inbox/", "\"");
    let detail = hr
        .get(&format!("/app/inbox/{}", href.replace("&amp;", "&")))
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(!detail.text.contains("@staff.example"));
    assert!(!detail.text.contains("/app/contacts/"));
    assert!(detail.text.contains("never followed up"));
    // Too few answers under a filter: left out, and said so.
    let few = hr
        .get(&format!("/app/inbox?{Q1}&where=plan%3Dteam-a"))
        .await;
    assert!(!few.text.contains("Workplace comment"));
    assert!(few.text.contains("to protect anonymity"));
    // A contact's page never lists eNPS answers, even to HR.
    let contact = seeded
        .app
        .store
        .contact(
            seeded.app.acme.id,
            &vouch_store::ContactKey {
                external_id: None,
                email: Some("employee0@staff.example".into()),
            },
        )
        .await
        .expect("the store")
        .expect("the employee");
    let page = hr.get(&format!("/app/contacts/{}", contact.id.0)).await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("Workplace comment"));
}
