//! The Customers pages: personas with exact lifts and the ideal customer, revenue with its
//! rates saved and refused, churn without `churned_at`, accounts at risk linked to the inbox;
//! none for an eNPS survey; viewers read but cannot save rates.

use vouch_core::revenue::Rates;
use vouch_store::Role;

use super::seed::{Q1, Seeded, between, seeded};

fn path(seeded: &Seeded, tab: &str) -> String {
    format!("/app/surveys/{}/customers/{tab}", seeded.nps.id.0)
}

/// The text of the cell of `figure` in the row starting with `row_start`.
fn figure<'a>(text: &'a str, row_start: &str, figure: &str) -> &'a str {
    let row = between(text, row_start, "</tr>");
    between(row, &format!("data-figure=\"{figure}\">"), "</td>")
}

#[tokio::test]
async fn personas_count_each_contact_once_with_exact_lifts() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member
        .get(&format!("{}?{Q1}", path(&seeded, "personas")))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("300 contacts, 130 promoters (43%)"),
        "{}",
        page.text
    );
    // pro: 70 promoters of 120 against 130 of 300: (70/120)/(130/300) = 1.35.
    let pro = "<tr data-attribute=\"plan\" data-value=\"pro\"";
    assert_eq!(figure(&page.text, pro, "contacts"), "120");
    assert_eq!(figure(&page.text, pro, "lift"), "<strong>1.35×</strong>");
    assert_eq!(figure(&page.text, pro, "nps"), "42");
    let free = "<tr data-attribute=\"plan\" data-value=\"free\"";
    assert_eq!(figure(&page.text, free, "lift"), "0.77×");
    let ideal = between(&page.text, "id=\"ideal-customer\">", "</p>");
    assert!(
        ideal.contains("plan pro (1.3× as likely as average)"),
        "{ideal}"
    );
    assert!(
        page.text.contains("category=promoter"),
        "the promoters' list is linked"
    );
    let strict = member
        .get(&format!("{}?{Q1}&min=500", path(&seeded, "personas")))
        .await;
    assert!(strict.text.contains("No group of 500 contacts or more"));
    let bad = member
        .get(&format!("{}?min=zero", path(&seeded, "personas")))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("min"), "{}", bad.text);
}

#[tokio::test]
async fn revenue_rates_are_saved_checked_and_forgotten() {
    let seeded = seeded().await;
    let store = &seeded.app.store;
    let workspace = seeded.app.acme.id;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let page = member
        .get(&format!("{}?{Q1}&by=plan", path(&seeded, "revenue")))
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Default rates"), "{}", page.text);
    assert!(page.text.contains("every contact's value counts 0"));
    assert!(
        page.text.contains("id=\"revenue-by\""),
        "the plan breakdown"
    );
    let csrf = page.csrf();
    let action = format!("{}/rates", path(&seeded, "revenue"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("detractor", "40"),
        ("passive", "20"),
        ("promoter", "10"),
    ];
    let saved = member.post(&action, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let rates = store.revenue_rates(workspace).await.expect("rates");
    assert_eq!(rates, Some(Rates::new(0.4, 0.2, 0.1).expect("rates")));
    let page = member
        .get(&format!("{}?rates=saved", path(&seeded, "revenue")))
        .await;
    assert!(page.text.contains("Rates saved."));
    assert!(page.text.contains("value=\"40\""), "{}", page.text);
    let wrong = [
        ("csrf", csrf.as_str()),
        ("detractor", "150"),
        ("passive", "20"),
        ("promoter", "10"),
    ];
    let refused = member.post(&action, &wrong).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused
            .text
            .contains("detractor rate must be from 0 to 100"),
        "{}",
        refused.text
    );
    let kept = store.revenue_rates(workspace).await.expect("rates");
    assert_eq!(kept, rates, "a refused rate changes nothing");
    let forgotten = member
        .post(&action, &[("csrf", csrf.as_str()), ("forget", "1")])
        .await;
    assert_eq!(forgotten.status, 303);
    assert_eq!(store.revenue_rates(workspace).await.expect("rates"), None);

    let viewer = seeded
        .browser("vic@acme.example", Role::Viewer, false)
        .await;
    let page = viewer.get(&path(&seeded, "revenue")).await;
    assert_eq!(page.status, 200);
    assert!(
        !page.text.contains("id=\"rates-form\""),
        "viewers read the rates only"
    );
    let csrf = page.csrf();
    let attempt = viewer
        .post(&action, &[("csrf", csrf.as_str()), ("forget", "1")])
        .await;
    assert_eq!(attempt.status, 403);
}

#[tokio::test]
async fn churn_at_risk_and_enps_refusal() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let churn = member
        .get(&format!("{}?{Q1}", path(&seeded, "churn")))
        .await;
    assert_eq!(churn.status, 200, "{}", churn.text);
    assert!(churn.text.contains("No churn to compare"));
    assert_eq!(
        figure(&churn.text, "<tr data-category=\"detractor\"", "contacts"),
        "80"
    );
    let bad = member
        .get(&format!("{}?days=0", path(&seeded, "churn")))
        .await;
    assert_eq!(bad.status, 400);

    let at_risk = member
        .get(&format!("{}?{Q1}", path(&seeded, "at-risk")))
        .await;
    assert_eq!(at_risk.status, 200, "{}", at_risk.text);
    // Q1's 80 detractors, each a contact answering once.
    assert!(
        at_risk.text.contains("80 accounts at risk"),
        "{}",
        at_risk.text
    );
    assert!(
        at_risk.text.contains("href=\"/app/inbox/"),
        "rows link to the inbox"
    );
    let by_plan = member
        .get(&format!("{}?{Q1}&account=plan", path(&seeded, "at-risk")))
        .await;
    // Per plan, the latest answers are one pro and one free; only a detractor lists.
    assert_eq!(by_plan.status, 200, "{}", by_plan.text);

    let staff = format!("/app/surveys/{}/customers/personas", seeded.enps.id.0);
    let hr = seeded
        .browser("hana@acme.example", Role::Member, true)
        .await;
    let refused = hr.get(&staff).await;
    assert_eq!(refused.status, 400);
    assert!(refused.text.contains("eNPS survey"), "{}", refused.text);
    assert_eq!(
        member.get(&staff).await.status,
        404,
        "no HR, no eNPS survey"
    );
    let first = member.get("/app/customers").await;
    assert_eq!(first.status, 303);
    assert!(first.header("location").ends_with("/customers/personas"));
}
