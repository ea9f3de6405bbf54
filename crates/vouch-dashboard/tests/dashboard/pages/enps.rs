//! eNPS: only with the HR permission, figures as the report gives them, no identity ever.

use vouch_store::Role;

use super::seed::{Q1, between, seeded};

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

/// The rows of an inbox page (between the list's tags), where answers show.
fn inbox_rows(text: &str) -> &str {
    text.split_once("id=\"inbox-list\"")
        .map_or("", |(_, rest)| {
            rest.split_once("</ul>").map_or(rest, |(rows, _)| rows)
        })
}

#[tokio::test]
async fn no_listing_narrows_enps_answers_to_a_small_group_or_a_fine_date() {
    let seeded = seeded().await;
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    let survey = seeded.enps.id.0;
    let workspace = seeded.app.acme.id;
    // One answer tagged alone, to narrow by follow-up.
    let answers = seeded
        .app
        .store
        .responses_after(
            workspace,
            vouch_store::ResponseId(0),
            Some(seeded.enps.id),
            100,
        )
        .await
        .expect("the store");
    assert_eq!(answers.len(), 12);
    let change = vouch_store::WorkflowChange {
        tags: Some(vec!["solo".into()]),
        ..vouch_store::WorkflowChange::default()
    };
    seeded
        .app
        .store
        .change_workflow(
            workspace,
            answers[0].id,
            &change,
            vouch_store::Actor::Operator,
            jiff::Timestamp::now(),
        )
        .await
        .expect("tagged");

    // Narrowed to a small group by any filter: nothing listed, and said so.
    for narrowed in [
        "where=plan%3Dteam-a",             // 3 answers of a team
        "where=plan%3Dteam-b",             // 9 answers, but by attribute
        "where=country%3DFR",              // all 12, but by attribute
        "category=detractor",              // 3 detractors
        "from=2026-03-01&to=2026-04-01",   // 3 answers in March
        "tag=solo",                        // 1 answer tagged
        "text=number&where=plan%3Dteam-b", // a word and an attribute
    ] {
        let path = format!("/app/inbox?survey={survey}&{narrowed}");
        let page = hr.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        let rows = inbox_rows(&page.text);
        assert!(!rows.contains("Workplace comment"), "{path}: {rows}");
        assert!(!rows.contains("anonymous"), "{path}: {rows}");
        assert!(page.text.contains("to protect anonymity"), "{path}");
        // Every survey at once, narrowed the same way: the eNPS answers are still left out.
        let every = hr.get(&format!("/app/inbox?{narrowed}")).await;
        assert!(
            !inbox_rows(&every.text).contains("Workplace comment"),
            "every survey, {narrowed}"
        );
    }

    // The whole survey: listed with comments, but months hold fewer than 5 answers (5, 4 and
    // 3), so dates show by quarter only.
    let all = hr.get(&format!("/app/inbox?survey={survey}")).await;
    let rows = inbox_rows(&all.text);
    assert_eq!(rows.matches("Workplace comment").count(), 12, "{rows}");
    assert!(rows.contains("Q1 2026"), "{rows}");
    for month in ["January", "February", "March", "Jan ", "Feb ", "Mar "] {
        assert!(!rows.contains(month), "{month}: {rows}");
    }
    // January alone holds 5: listed, by month, without comments (they need 10).
    let january = hr
        .get(&format!(
            "/app/inbox?survey={survey}&from=2026-01-01&to=2026-02-01"
        ))
        .await;
    let rows = inbox_rows(&january.text);
    assert_eq!(
        rows.matches("inbox-item__who anonymous").count(),
        5,
        "{rows}"
    );
    assert!(rows.contains("January 2026"), "{rows}");
    assert!(!rows.contains("Workplace comment"), "{rows}");

    // An answer's own page: no finer date than its survey's list, no contact, no channel.
    let detail = hr.get(&format!("/app/inbox/{}", answers[0].id.0)).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert!(detail.text.contains("Q1 2026"));
    assert!(!detail.text.contains("January"));
    assert!(!detail.text.contains("@staff.example"));
    assert!(!detail.text.contains("· import ·"));

    // The overview's comments follow the same rules.
    let overview = format!("/app/surveys/{survey}");
    let page = hr
        .get(&format!("{overview}?from=2025-01-01&to=2027-01-01"))
        .await;
    assert!(page.text.contains("Workplace comment"));
    let narrowed = hr
        .get(&format!(
            "{overview}?from=2025-01-01&to=2027-01-01&where=country%3DFR"
        ))
        .await;
    assert!(!narrowed.text.contains("Workplace comment"));
    assert!(narrowed.text.contains("never under an attribute filter"));

    // A contact's page never lists eNPS answers.
    let contact = seeded
        .app
        .store
        .contact_by_id(workspace, answers[0].contact)
        .await
        .expect("the store")
        .expect("the employee");
    let page = hr.get(&format!("/app/contacts/{}", contact.id.0)).await;
    assert_eq!(page.status, 200);
    assert!(!page.text.contains("Workplace comment"));
}

#[tokio::test]
async fn enps_pages_say_enps_and_tell_none_from_too_few() {
    let seeded = seeded().await;
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    let path = format!("/app/surveys/{}", seeded.enps.id.0);
    let segments = hr.get(&format!("{path}/segments?{Q1}")).await;
    assert!(segments.text.contains("eNPS by "), "{}", segments.text);
    // No answer at all in the range: said so, not "hidden".
    let empty = hr
        .get(&format!("{path}?from=2024-01-01&to=2024-02-01"))
        .await;
    assert!(!empty.text.contains("Hidden to protect anonymity"));
    assert!(empty.text.contains("No answers match"), "{}", empty.text);
    // Three answers: hidden, and the way out is a link that changes something.
    let few = hr.get(&format!("{path}?{Q1}&where=plan%3Dteam-a")).await;
    assert!(few.text.contains("Hidden to protect anonymity"));
    assert!(few.text.contains("Show all time"));
}
