//! The overview, the survey list and segments: exact figures, filters, sorting, access.

use jiff::Timestamp;
use vouch_store::{Actor, ResponseId, Role};

use super::seed::{Q1, between, seeded};

#[tokio::test]
async fn the_overview_shows_the_exact_figures_of_the_range() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member
        .get(&format!("/app/surveys/{}?{Q1}", seeded.nps.id.0))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    // 130 promoters, 80 detractors of 300: NPS 16.7, MOE 9.3.
    let headline = between(&page.text, "<p class=\"kpi__value\" id=\"nps\">", "</p>");
    assert!(headline.contains(">17</span>"), "{headline}");
    assert!(headline.contains("±\u{a0}9<"), "{headline}");
    assert!(headline.contains("n = 300"), "{headline}");
    // Against the 90 days before (NPS −40 over 100 answers): +57, significant.
    let change = between(&page.text, "id=\"change\">", "</p>");
    assert!(change.contains("+57"), "{change}");
    assert!(
        change.contains("significant") && !change.contains("within noise"),
        "{change}"
    );
    assert!(change.contains("NPS \u{2212}40, n = 100"), "{change}");
    // Charts with their tables, and the latest comments with who wrote them.
    for needle in [
        "vc-split",
        "vc-distribution",
        "vc-trend",
        "class=\"vc-data\"",
        "class=\"comments\"",
    ] {
        assert!(page.text.contains(needle), "{needle}");
    }
    assert!(page.text.contains("@client.example"));
    assert!(
        page.text
            .contains(&format!("/app/inbox?survey={}", seeded.nps.id.0))
    );
    let kpi = between(&page.text, "id=\"kpi-title\"", "</section>");
    assert!(!kpi.contains("read with care"), "{kpi}");
}

#[tokio::test]
async fn a_filter_changes_the_figures_and_shows_in_the_url_with_a_clear_link() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let path = format!("/app/surveys/{}", seeded.nps.id.0);
    let pro = member.get(&format!("{path}?{Q1}&where=plan%3Dpro")).await;
    assert_eq!(pro.status, 200, "{}", pro.text);
    let headline = between(&pro.text, "id=\"nps\">", "</p>");
    // 70 promoters, 20 detractors of 120: NPS 41.7 ± 13.6.
    assert!(headline.contains(">42</span>"), "{headline}");
    assert!(headline.contains("±\u{a0}14<"), "{headline}");
    assert!(headline.contains("n = 120"), "{headline}");
    assert!(pro.text.contains("plan = pro"));
    assert!(pro.text.contains("Clear filters"));
    // The same filter typed in the bar's "add a filter" fields.
    let added = member
        .get(&format!("{path}?{Q1}&add_attr=plan&add_value=free"))
        .await;
    let headline = between(&added.text, "id=\"nps\">", "</p>");
    assert!(
        headline.contains(">0</span>") && headline.contains("n = 180"),
        "{headline}"
    );
    // Detractors only: NPS −100.
    let detractors = member.get(&format!("{path}?{Q1}&category=detractor")).await;
    let headline = between(&detractors.text, "id=\"nps\">", "</p>");
    assert!(
        headline.contains(">\u{2212}100<") && headline.contains("n = 80"),
        "{headline}"
    );
    // A word: the one comment with it.
    let word = member.get(&format!("{path}?{Q1}&text=wizard")).await;
    let headline = between(&word.text, "id=\"nps\">", "</p>");
    assert!(headline.contains("n = 1<"), "{headline}");
    let kpi = between(&word.text, "id=\"kpi-title\"", "</section>");
    assert!(kpi.contains("n &lt; 30: read with care"), "{kpi}");
    // Bad filters say which parameter is wrong, with a way out.
    let bad = member.get(&format!("{path}?where=colour%3Dred")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("unknown attribute") && bad.text.contains("Clear filters"));
    // A channel: every seeded answer was imported, so none came by email.
    let imported = member.get(&format!("{path}?{Q1}&channel=import")).await;
    let headline = between(&imported.text, "id=\"nps\">", "</p>");
    assert!(headline.contains("n = 300"), "{headline}");
    let emailed = member.get(&format!("{path}?{Q1}&channel=email")).await;
    assert_eq!(emailed.status, 200);
    assert!(
        emailed.text.contains("No answers match") && !emailed.text.contains("n = 300"),
        "{}",
        emailed.text
    );
    let nothing = member.get(&format!("{path}?{Q1}&text=zeppelin")).await;
    assert_eq!(nothing.status, 200);
    assert!(nothing.text.contains("No answers match"));
}

#[tokio::test]
async fn segments_are_sorted_by_nps_and_link_to_the_filtered_overview() {
    let seeded = seeded().await;
    let viewer = seeded
        .browser("vic@acme.example", Role::Viewer, false)
        .await;
    let path = format!("/app/surveys/{}/segments", seeded.nps.id.0);
    let page = viewer.get(&format!("{path}?by=plan&{Q1}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let table = between(
        &page.text,
        "<table class=\"table\" id=\"segments\">",
        "</table>",
    );
    let pro = table.find(">pro</a>").expect("pro listed");
    let free = table.find(">free</a>").expect("free listed");
    assert!(pro < free, "sorted by NPS: {table}");
    assert!(table.contains("<td class=\"num\">42</td>"), "{table}");
    assert!(table.contains("<td class=\"num\">120</td>"), "{table}");
    assert!(table.contains("where=plan%3Dpro"), "{table}");
    let by_size = viewer.get(&format!("{path}?by=plan&sort=n&{Q1}")).await;
    let table = between(&by_size.text, "id=\"segments\">", "</table>");
    assert!(table.find(">free</a>") < table.find(">pro</a>"), "{table}");
    let unknown = viewer.get(&format!("{path}?by=shoe_size")).await;
    assert_eq!(unknown.status, 400);
}

/// A survey of 100 answers carrying `mrr` 1..=100 (promoters from 51 up, detractors below
/// 26) and `signed_up` in January to April 2026, answered in March 2026.
async fn banded_survey(app: &crate::helpers::TestApp) -> vouch_store::Survey {
    use std::collections::BTreeMap;
    use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
    use vouch_store::{AttributeDefinition, ContactKey, NewResponse};

    let survey = app.survey(&app.acme, "Bands", SurveyKind::Nps).await;
    let mut import = app
        .store
        .begin_import(app.acme.id)
        .await
        .expect("an import");
    let definitions = [
        ("mrr", AttributeKind::Number),
        ("signed_up", AttributeKind::Date),
    ]
    .map(|(name, kind)| AttributeDefinition {
        name: name.into(),
        kind,
    });
    import
        .define_attributes(&definitions)
        .await
        .expect("attributes defined");
    let start: jiff::Timestamp = "2026-03-01T09:00:00Z".parse().expect("an instant");
    let batch: Vec<NewResponse> = (1..=100i64)
        .map(|n| NewResponse {
            survey: survey.id,
            contact: ContactKey {
                external_id: Some(format!("b{n}")),
                email: None,
            },
            attributes: BTreeMap::from([
                ("mrr".to_owned(), AttributeValue::Number(n as f64)),
                (
                    "signed_up".to_owned(),
                    AttributeValue::Date(jiff::civil::date(2026, ((n - 1) / 25 + 1) as i8, 3)),
                ),
            ]),
            score: Score::new(match n {
                51.. => 10,
                26..=50 => 7,
                _ => 2,
            })
            .expect("a score"),
            comment: None,
            created_at: start + jiff::SignedDuration::from_mins(n),
            channel: "import".into(),
        })
        .collect();
    import.write(&batch).await.expect("answers written");
    import.commit().await.expect("answers committed");
    survey
}

#[tokio::test]
async fn numbers_and_dates_segment_in_bands_and_the_sort_says_how() {
    let seeded = seeded().await;
    let survey = banded_survey(&seeded.app).await;
    let viewer = seeded
        .browser("vic@acme.example", Role::Viewer, false)
        .await;
    let path = format!("/app/surveys/{}/segments", survey.id.0);
    let range = "from=2026-03-01&to=2026-04-01";
    let page = viewer.get(&format!("{path}?by=mrr&{range}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let table = between(&page.text, "id=\"segments\">", "</table>");
    for band in ["[1, 26)", "[26, 51)", "[51, 76)", "[76, 100]"] {
        assert!(table.contains(band), "{band} in {table}");
    }
    assert_eq!(
        table.matches("<td class=\"num\">25</td>").count(),
        4,
        "{table}"
    );
    assert!(
        !table.contains("where=mrr"),
        "a band is not a filter: {table}"
    );
    assert!(
        page.text.contains("low end of each segment"),
        "the default sort is said"
    );
    let values = viewer
        .get(&format!("{path}?by=mrr&bands=values&{range}"))
        .await;
    let table = between(&values.text, "id=\"segments\">", "</table>");
    assert_eq!(
        table.matches("<tr").count(),
        101,
        "one row per value and the header"
    );
    assert!(table.contains("where=mrr%3D7"), "a value is a filter");
    let quarters = viewer
        .get(&format!("{path}?by=signed_up&bands=quarter&{range}"))
        .await;
    let table = between(&quarters.text, "id=\"segments\">", "</table>");
    assert!(
        table.contains("2026-Q1") && table.contains("2026-Q2"),
        "{table}"
    );
    let months = viewer.get(&format!("{path}?by=signed_up&{range}")).await;
    assert!(months.text.contains("2026-04"), "dates by month by default");
    let wrong = viewer
        .get(&format!("{path}?by=signed_up&bands=quartiles&{range}"))
        .await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.text.contains("use month or quarter"),
        "{}",
        wrong.text
    );
}

#[tokio::test]
async fn the_survey_list_shows_what_the_viewer_may_see() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let list = member.get("/app/surveys").await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.text.contains("Customer NPS"));
    assert!(list.text.contains("vc-spark"));
    // Each count says its period: the 12-month NPS beside its own n, and the all-time total.
    assert!(list.text.contains("n, last 12 months") && list.text.contains("Answers, all time"));
    assert!(
        list.text.contains(">400</td>"),
        "all 400 answers: {}",
        list.text
    );
    assert!(!list.text.contains("Employee eNPS"), "no eNPS without HR");
    assert!(!list.text.contains("Globex NPS"));
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    let list = hr.get("/app/surveys").await;
    assert!(list.text.contains("Employee eNPS"));
}

#[tokio::test]
async fn surveys_of_another_workspace_are_not_found() {
    let seeded = seeded().await;
    let admin = seeded.browser("ada@acme.example", Role::Admin, true).await;
    let other = seeded.other.id.0;
    for path in [
        format!("/app/surveys/{other}"),
        format!("/app/surveys/{other}/segments"),
        format!("/app/surveys/{other}/settings"),
        "/app/surveys/999999".to_owned(),
        "/app/surveys/not-a-number".to_owned(),
    ] {
        let page = admin.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(!page.text.contains("Globex"), "{path}");
    }
}

#[tokio::test]
async fn an_empty_survey_says_what_to_do_next() {
    let seeded = seeded().await;
    let app = &seeded.app;
    let fresh = app
        .survey(&app.acme, "Brand new", vouch_core::SurveyKind::Nps)
        .await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member.get(&format!("/app/surveys/{}", fresh.id.0)).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("No answers yet"));
    assert!(
        page.text
            .contains(&format!("/app/surveys/{}/settings", fresh.id.0))
    );
    assert!(!page.text.contains("vc-trend"), "never a blank chart");
}

#[tokio::test]
async fn the_response_rate_counts_answered_emails_of_the_survey() {
    use vouch_store::{
        Answer, CampaignRules, Channel, ContactKey, NewCampaign, NewInvitation, SendOutcome,
    };
    let seeded = seeded().await;
    let (app, store) = (&seeded.app, &seeded.app.store);
    let now = jiff::Timestamp::now();
    let campaign = store
        .create_campaign(
            app.acme.id,
            NewCampaign {
                survey: seeded.nps.id,
                name: "Spring".into(),
                rules: CampaignRules {
                    filters: Vec::new(),
                    sample: 1.0,
                    throttle_days: 0,
                    reminder_after_days: None,
                    repeat_every_days: None,
                    spread_over_weekdays: false,
                },
                first_run_at: now,
            },
        )
        .await
        .expect("a campaign");
    let mut invitations = Vec::new();
    for n in 0..4 {
        let key = ContactKey {
            external_id: None,
            email: Some(format!("customer{n}@client.example")),
        };
        let contact = store
            .contact(app.acme.id, &key)
            .await
            .expect("the store")
            .expect("a contact");
        invitations.push(NewInvitation {
            survey: seeded.nps.id,
            contact: contact.id,
            campaign: Some(campaign.id),
            channel: Channel::Email,
            expires_at: now + jiff::SignedDuration::from_hours(24),
        });
    }
    let invited = store
        .invite(app.acme.id, &invitations)
        .await
        .expect("invitations");
    for invitation in &invited {
        store
            .record_send(invitation.id, &SendOutcome::Sent, now)
            .await
            .expect("sent");
    }
    store
        .record_answer(&Answer {
            invitation: invited[0].id,
            score: vouch_core::Score::new(9).expect("a score"),
            comment: None,
            at: now,
        })
        .await
        .expect("an answer");
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member
        .get(&format!("/app/surveys/{}?period=all", seeded.nps.id.0))
        .await;
    let rate = between(&page.text, "id=\"response-rate\">", "</p>");
    assert!(rate.contains("25.0%"), "{rate}");
    assert!(rate.contains("1 of 4 emails answered"), "{rate}");
}

#[tokio::test]
async fn the_change_is_explained_by_segment_beside_it() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member
        .get(&format!("/app/surveys/{}?{Q1}", seeded.nps.id.0))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    // Late 2025: 100 free answers, NPS −40; Q1: 120 pro (41.7) and 180 free (0), NPS 16.7.
    // The plans' parts add up to the whole change, +56.7.
    let why = between(&page.text, "id=\"why-moved\">", "</div>");
    let points = |label: &str| -> f64 {
        let item = between(why, &format!("{label}: <strong>"), "</strong>");
        item.replace('+', "").parse().expect("points")
    };
    let (pro, free) = (points("plan = pro"), points("plan = free"));
    assert!((pro + free - 56.7).abs() < 0.2, "{why}");
    assert!(pro > 0.0 && free > 0.0, "{why}");
}

#[tokio::test]
async fn the_change_is_explained_by_theme_beside_it() {
    let seeded = seeded().await;
    let store = &seeded.app.store;
    let workspace = seeded.app.acme.id;
    let answers = store
        .responses_after(workspace, ResponseId(0), Some(seeded.nps.id), 1000)
        .await
        .expect("the answers");
    // The 60 ones of late 2025 and the 60 twos and 20 threes of Q1: every answer at 3 or less.
    let low: Vec<ResponseId> = answers
        .iter()
        .filter(|answer| answer.score.value() <= 3)
        .map(|answer| answer.id)
        .collect();
    assert_eq!(low.len(), 140);
    store
        .add_tag(
            workspace,
            "churn-risk",
            &low,
            Actor::Operator,
            Timestamp::now(),
        )
        .await
        .expect("tagged");
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member
        .get(&format!("/app/surveys/{}?{Q1}", seeded.nps.id.0))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    // The tagged answers score −100 in both periods, so all of their part is mix: their
    // average NPS (−100) × the change of their share (60 % → 26.7 %) = +33.3 points.
    let why = between(&page.text, "id=\"why-moved-themes\"", "</ul>");
    let item = between(why, "tag “churn-risk”: <strong>", "</strong>");
    assert_eq!(item, "+33.3", "{why}");
}
