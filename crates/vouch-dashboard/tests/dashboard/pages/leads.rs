//! The leads page: empty until a model is learnt; a member learns it from the selection, it
//! shows the model's own figures, and a lead scored on the page gets the saved model's chance;
//! a viewer reads but cannot learn; no page for an eNPS survey.

use std::collections::BTreeMap;

use vouch_analytics::leads_saved;
use vouch_core::AttributeValue;
use vouch_store::Role;

use super::seed::{Q1, Seeded, between, seeded};

fn path(seeded: &Seeded) -> String {
    format!("/app/surveys/{}/customers/leads", seeded.nps.id.0)
}

#[tokio::test]
async fn a_member_learns_the_model_and_scores_a_lead_with_it() {
    let seeded = seeded().await;
    let store = &seeded.app.store;
    let workspace = seeded.app.acme.id;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let empty = member.get(&format!("{}?{Q1}", path(&seeded))).await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert!(empty.text.contains("No lead model yet"), "{}", empty.text);

    let viewer = seeded
        .browser("vic@acme.example", Role::Viewer, false)
        .await;
    let read = viewer.get(&format!("{}?{Q1}", path(&seeded))).await;
    assert_eq!(read.status, 200);
    assert!(
        !read.text.contains("id=\"leads-train\""),
        "no button to learn"
    );
    let action = format!("{}/train?{Q1}", path(&seeded));
    let refused = viewer
        .post(&action, &[("csrf", read.csrf().as_str())])
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        store
            .lead_model(workspace, seeded.nps.id)
            .await
            .expect("store"),
        None
    );

    let trained = member
        .post(&action, &[("csrf", empty.csrf().as_str())])
        .await;
    assert_eq!(trained.status, 303, "{}", trained.text);
    let location = trained.header("location");
    assert!(
        location.contains("trained=1") && location.contains("from=2026-01-01"),
        "{location}"
    );
    let saved = leads_saved::load(store.as_ref(), workspace, seeded.nps.id)
        .await
        .expect("store")
        .expect("the model is saved");
    // Q1: 300 contacts answering once, 130 of them promoters.
    assert_eq!(
        (saved.trained.contacts, saved.trained.promoters),
        (300, 130)
    );

    let page = member.get(location).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("The model was learnt again"));
    let learnt = between(&page.text, "id=\"leads-learnt\">", "</p>");
    assert!(
        learnt.contains("from 300 contacts, 130 of them promoters (43 %)"),
        "{learnt}"
    );
    let auc = between(&page.text, "id=\"leads-auc\">", "</strong>");
    assert_eq!(auc, format!("{:.2}", saved.trained.auc));
    let deciles = between(&page.text, "id=\"leads-calibration\"", "</table>");
    assert_eq!(deciles.matches("<tr data-decile=").count(), 10);
    let factors = between(&page.text, "id=\"leads-factors\"", "</table>");
    assert!(factors.contains("data-attribute=\"plan\""), "{factors}");

    let scored = member
        .get(&format!("{}?score=1&lead.plan=pro", path(&seeded)))
        .await;
    assert_eq!(scored.status, 200, "{}", scored.text);
    let lead = BTreeMap::from([("plan".to_owned(), AttributeValue::String("pro".into()))]);
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let expected = saved.trained.model.score(&lead, today).expect("a score");
    let shown = between(&scored.text, "id=\"lead-probability\">", "</strong>");
    assert_eq!(
        shown,
        format!("{:.0} %", expected.promoter_probability * 100.0)
    );
    assert!(
        between(&scored.text, "id=\"lead-factors\"", "</ul>").contains("plan = pro"),
        "{}",
        scored.text
    );
    assert!(
        scored.text.contains("value=\"pro\""),
        "the form keeps what was typed"
    );

    let staff = format!("/app/surveys/{}/customers/leads", seeded.enps.id.0);
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    assert_eq!(hr.get(&staff).await.status, 400);
}

#[tokio::test]
async fn likely_objections_are_the_themes_a_segments_detractors_name() {
    let seeded = seeded().await;
    super::themes::tag_the_twos(&seeded).await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let empty = member.get(&format!("{}?{Q1}", path(&seeded))).await;
    let action = format!("{}/train?{Q1}", path(&seeded));
    let trained = member
        .post(&action, &[("csrf", empty.csrf().as_str())])
        .await;
    assert_eq!(trained.status, 303, "{}", trained.text);
    let page = member
        .get(&format!("{}?{Q1}&score=1&lead.plan=free", path(&seeded)))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    // Q1's free detractors are the 60 twos, all tagged; no pro detractor is.
    let table = between(&page.text, "id=\"leads-objections\"", "</table>");
    let free = between(
        table,
        "data-attribute=\"plan\" data-value=\"free\"",
        "</tr>",
    );
    assert!(free.contains("60 detractors"), "{table}");
    assert!(free.contains("tag churn-risk (60, 100 %)"), "{table}");
    assert!(
        !table.contains("data-value=\"pro\""),
        "no pro detractor names it"
    );
    let for_lead = between(&page.text, "id=\"lead-objections\"", "</ul>");
    assert!(
        for_lead.contains("plan = free: tag churn-risk"),
        "{for_lead}"
    );
}
