//! (8) The Customers pages in Chromium. A third survey gets 72 contacts answering once:
//! 30 on the enterprise plan (18 promoters, mrr 500) and 42 on starter (9 promoters, mrr 50).
//! A member reads the revenue-weighted NPS on the overview, opens the personas (enterprise's lift (18/30)/(27/72) = 1.60× and the ideal
//! customer), the revenue calculator (saves rates through its form and sees revenue at risk
//! change to the figure worked out from the seeds), churn and the at-risk list (linked to the
//! inbox); on Leads, learns the model, reads its quality and calibration, and scores a lead
//! through the form: the chance shown is the saved model's. Last, Leads at phone width, which
//! must not scroll sideways.

use std::collections::BTreeMap;

use vouch_analytics::leads_saved;
use vouch_browser_tests::{Browser, Viewport};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{AttributeDefinition, ContactKey, NewResponse, Role, Survey};

use super::{Fixture, assert_no_sideways_scroll, hours_ago, page_status, sign_in, survey};

/// (plan, contacts, promoters, mrr): the others answer 5 (enterprise) or 3 (starter).
const PLANS: [(&str, usize, usize, f64); 2] =
    [("enterprise", 30, 18, 500.0), ("starter", 42, 9, 50.0)];

async fn seed_accounts(fixture: &Fixture) -> Survey {
    let server = &fixture.server;
    let accounts = survey(server, "Accounts NPS", SurveyKind::Nps).await;
    let mut batch = Vec::new();
    for (plan, contacts, promoters, mrr) in PLANS {
        for n in 0..contacts {
            let score = if n < promoters {
                10
            } else if plan == "enterprise" {
                5
            } else {
                3
            };
            batch.push(NewResponse {
                survey: accounts.id,
                contact: ContactKey {
                    external_id: None,
                    email: Some(format!("{plan}{n}@accounts.example")),
                },
                attributes: BTreeMap::from([
                    ("plan".to_owned(), AttributeValue::String(plan.into())),
                    ("mrr".to_owned(), AttributeValue::Number(mrr)),
                ]),
                score: Score::new(score).expect("a score"),
                comment: None,
                created_at: hours_ago(24 + n as i64),
                channel: "import".into(),
            });
        }
    }
    batch.sort_by_key(|response| response.created_at);
    let store = &server.store;
    let mut import = store
        .begin_import(server.workspace.id)
        .await
        .expect("an import");
    import
        .define_attributes(&[
            AttributeDefinition {
                name: "plan".into(),
                kind: AttributeKind::String,
            },
            AttributeDefinition {
                name: "mrr".into(),
                kind: AttributeKind::Number,
            },
        ])
        .await
        .expect("defined");
    import.write(&batch).await.expect("answers written");
    import.commit().await.expect("answers committed");
    accounts
}

/// The text of an element.
async fn text(browser: &Browser, selector: &str) -> String {
    browser.wait_for(selector).await.text().await.expect("text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_reads_every_customers_page_and_scores_a_lead() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("mia@acme.example", Role::Member, false).await;
    let accounts = seed_accounts(&fixture).await;
    let Some(mut browser) = Browser::start("dashboard-customers", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "mia@acme.example", false).await;
    let base = format!("/app/surveys/{}/customers", accounts.id.0);

    // The overview puts the revenue-weighted NPS beside the plain one: promoters' mrr
    // 18 × 500 + 9 × 50 = 9 450, detractors' 12 × 500 + 33 × 50 = 7 650, of 17 100 in all:
    // 100 × 1 800 / 17 100 = 10.5; the plain NPS is 100 × (27 − 45) / 72 = −25.
    browser
        .goto(&server.url(&format!("/app/surveys/{}", accounts.id.0)))
        .await;
    let weighted = text(&browser, "#weighted-nps strong").await;
    assert_eq!(weighted, "11");
    let weighted_line = text(&browser, "#weighted-nps").await;
    assert!(weighted_line.contains("mrr"), "{weighted_line}");

    browser.goto(&server.url(&format!("{base}/personas"))).await;
    assert_eq!(page_status(&browser).await, 200);
    let enterprise =
        "#personas tr[data-attribute='plan'][data-value='enterprise'] [data-figure='lift']";
    assert_eq!(text(&browser, enterprise).await, "1.60×");
    let ideal = text(&browser, "#ideal-customer").await;
    assert!(ideal.contains("plan enterprise"), "{ideal}");
    browser.screenshot("customers-personas").await;

    // Revenue: detractors are 12 enterprise (6 000) and 33 starter (1 650) = 7 650; passives
    // none. Rates of 40 % / 20 % / 10 % put 40 % of 7 650 = 3 060 at risk soon.
    browser
        .click(&format!(".tabs a[href='{base}/revenue']"))
        .await;
    browser.wait_for("#rates-form").await;
    for (field, value) in [("detractor", "40"), ("passive", "20"), ("promoter", "10")] {
        let selector = format!("#rate-{field}");
        browser
            .wait_for(&selector)
            .await
            .clear()
            .await
            .expect("cleared");
        browser.type_into(&selector, value).await;
    }
    browser.click("#rates-form button[type=submit]").await;
    browser.wait_for_text("Rates saved").await;
    let at_risk = browser.body_text().await;
    assert!(at_risk.contains("3,060"), "{at_risk}");
    browser.screenshot("customers-revenue").await;

    browser
        .click(&format!(".tabs a[href='{base}/churn']"))
        .await;
    browser.wait_for_text("No churn to compare").await;
    browser
        .click(&format!(".tabs a[href='{base}/at-risk']"))
        .await;
    browser.wait_for_text("45 accounts at risk").await;
    assert!(
        browser.exists("a[href^='/app/inbox/']").await,
        "linked to the inbox"
    );
    browser.screenshot("customers-at-risk").await;

    browser
        .click(&format!(".tabs a[href='{base}/leads']"))
        .await;
    browser.wait_for_text("No lead model yet").await;
    browser.click("#leads-train").await;
    browser.wait_for("#leads-auc").await;
    let learnt = text(&browser, "#leads-learnt").await;
    assert!(
        learnt.contains("from 72 contacts, 27 of them promoters"),
        "{learnt}"
    );
    assert_eq!(
        browser.find_all("#leads-calibration tbody tr").await.len(),
        10
    );
    let saved = leads_saved::load(server.store.as_ref(), server.workspace.id, accounts.id)
        .await
        .expect("store")
        .expect("the model is saved");
    assert_eq!(
        text(&browser, "#leads-auc").await,
        format!("{:.2}", saved.trained.auc)
    );

    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let mut shown = Vec::new();
    for plan in ["enterprise", "starter"] {
        browser
            .wait_for("#lead-plan")
            .await
            .clear()
            .await
            .expect("cleared");
        browser.type_into("#lead-plan", plan).await;
        browser.click("#lead-score").await;
        browser.wait_for("#lead-probability").await;
        let lead = BTreeMap::from([("plan".to_owned(), AttributeValue::String(plan.into()))]);
        let expected = saved.trained.model.score(&lead, today).expect("a score");
        let probability = text(&browser, "#lead-probability").await;
        assert_eq!(
            probability,
            format!("{:.0} %", expected.promoter_probability * 100.0),
            "{plan}"
        );
        shown.push(expected.promoter_probability);
    }
    assert!(
        shown[0] > shown[1],
        "enterprise looks more like a promoter: {shown:?}"
    );
    browser.screenshot("customers-leads").await;
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;

    let Some(mut phone) = Browser::start("dashboard-customers-phone", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "mia@acme.example", false).await;
    phone.goto(&server.url(&format!("{base}/leads"))).await;
    phone.wait_for("#lead-form").await;
    assert_no_sideways_scroll(&phone, "the leads page").await;
    phone.screenshot("customers-leads-phone").await;
    phone.close().await;
}
