//! The campaign pages: the send form's dry-run count is `vouch send --dry-run`'s, a campaign
//! it creates queues its first run as `vouch send` does and its emails go out, refusals name
//! their field and keep what was typed, viewers cannot send, the email preview is framed
//! under its own policy, and widget keys are made, shown with their snippet and revoked.
//! Pages that write run on SQLite and on PostgreSQL.

use std::sync::Arc;

use vouch_core::{AttributeKind, AttributeValue, SurveyKind};
use vouch_jobs::campaign_rules::{CampaignInput, campaign_rules};
use vouch_jobs::{JobsConfig, Worker};
use vouch_store::{AttributeDefinition, Attributes, ContactKey, JobPayload, Role, Survey};
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available};

use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_postgres};

/// 30 contacts with an email: 10 on the pro plan, 20 on free; and one pro without an email.
async fn seed(app: &TestApp) -> Survey {
    let survey = app.survey(&app.acme, "Customers", SurveyKind::Nps).await;
    let definitions = [AttributeDefinition {
        name: "plan".into(),
        kind: AttributeKind::String,
    }];
    let mut contacts: Vec<(ContactKey, Attributes)> = (0..30)
        .map(|n| {
            let plan = if n < 10 { "pro" } else { "free" };
            let key = ContactKey {
                external_id: Some(format!("c{n}")),
                email: Some(format!("person{n}@client.example")),
            };
            let attributes =
                Attributes::from([("plan".into(), AttributeValue::String(plan.into()))]);
            (key, attributes)
        })
        .collect();
    contacts.push((
        ContactKey {
            external_id: Some("no-email".into()),
            email: None,
        },
        Attributes::from([("plan".into(), AttributeValue::String("pro".into()))]),
    ));
    app.store
        .upsert_contacts(app.acme.id, &contacts, &definitions)
        .await
        .expect("contacts");
    survey
}

/// A member's browser and its CSRF token.
async fn member(app: &TestApp) -> (Browser, String) {
    let browser = app
        .signed_in("mia@acme.example", &app.acme, Role::Member)
        .await;
    let csrf = browser.csrf().await;
    (browser, csrf)
}

/// The text of `data-NAME="…"` on the page.
fn data(text: &str, name: &str) -> String {
    let marker = format!("data-{name}=\"");
    let start = text
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        + marker.len();
    let end = text[start..].find('"').expect("a closing quote") + start;
    text[start..end].to_owned()
}

async fn dry_run_count_is_vouch_send_s(app: TestApp) {
    let survey = seed(&app).await;
    let (browser, csrf) = member(&app).await;
    let id = survey.id.0.to_string();
    for (filters, sample) in [
        ("plan=pro", "1"),
        ("", "0.5"),
        ("plan = free\nplan=pro", "1"),
    ] {
        let page = browser
            .post(
                "/app/campaigns/new",
                &[
                    ("csrf", &csrf),
                    ("survey", &id),
                    ("filters", filters),
                    ("sample", sample),
                    ("when", "now"),
                    ("intent", "preview"),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text);
        let input = CampaignInput {
            filters: filters
                .lines()
                .map(str::to_owned)
                .filter(|l| !l.is_empty())
                .collect(),
            sample: sample.parse().expect("a sample"),
            ..CampaignInput::default()
        };
        let definitions = app.store.attribute_definitions(app.acme.id).await.unwrap();
        let rules = campaign_rules(&input, &survey, &definitions).expect("rules");
        let expected = vouch_jobs::campaign::preview(
            app.store.as_ref(),
            app.acme.id,
            &rules,
            jiff::Timestamp::now(),
        )
        .await
        .expect("the preview");
        assert_eq!(
            data(&page.text, "eligible"),
            expected.eligible.to_string(),
            "{filters}"
        );
        assert_eq!(
            data(&page.text, "asked"),
            expected.asked.to_string(),
            "{filters}"
        );
        // What was typed stays in the form.
        assert!(
            page.text.contains(&format!("value=\"{sample}\"")),
            "{sample}"
        );
    }
    assert!(app.store.campaigns(app.acme.id).await.unwrap().is_empty());
    assert!(
        app.jobs("run_campaign").await.is_empty(),
        "a dry run writes nothing"
    );
}

#[tokio::test]
async fn the_dry_run_count_is_vouch_send_s_on_sqlite() {
    dry_run_count_is_vouch_send_s(spawn_app().await).await;
}

#[tokio::test]
async fn the_dry_run_count_is_vouch_send_s_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        dry_run_count_is_vouch_send_s(app).await;
    }
}

async fn a_campaign_queues_its_first_run_and_its_emails_go_out(app: TestApp) {
    let survey = seed(&app).await;
    let (browser, csrf) = member(&app).await;
    let id = survey.id.0.to_string();
    let form = browser.get("/app/campaigns/new").await;
    assert_eq!(form.status, 200, "{}", form.text);
    let subject = vouch_jobs::email::render_preview(&survey, &app.acme.brand, None, &app.base)
        .expect("the preview")
        .subject;
    assert!(form.text.contains("id=\"email-subject\">"), "{}", form.text);
    let made = browser
        .post(
            "/app/campaigns/new",
            &[
                ("csrf", &csrf),
                ("survey", &id),
                ("name", "Pro customers"),
                ("filters", "plan=pro"),
                ("sample", "1"),
                ("reminder_days", "3"),
                ("when", "now"),
                ("intent", "send"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.text);
    let campaigns = app.store.campaigns(app.acme.id).await.unwrap();
    let (campaign, _) = campaigns.first().expect("the campaign");
    assert_eq!(campaign.name, "Pro customers");
    assert_eq!(
        campaign.rules.filters,
        [("plan".to_owned(), "pro".to_owned())]
    );
    assert_eq!(campaign.rules.reminder_after_days, Some(3));
    assert_eq!(
        made.location(),
        format!("/app/campaigns?created={}", campaign.id.0)
    );
    let jobs = app.jobs("run_campaign").await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(
        jobs[0].parse_payload().expect("a payload"),
        JobPayload::RunCampaign(vouch_store::CampaignJob {
            campaign: campaign.id.0
        })
    );
    let list = browser.get(made.location()).await;
    assert_eq!(list.status, 200);
    assert!(
        list.text.contains("Campaign “Pro customers” created"),
        "{}",
        list.text
    );
    assert!(
        list.text
            .contains("plan=pro, throttle 90 d, reminder after 3 d")
    );
    assert!(list.text.contains("scheduled"));

    if !aiosmtpd_available("a campaign's emails go out") {
        return;
    }
    let smtp = SmtpServer::start();
    let config = JobsConfig {
        public_url: app.base.clone(),
        smtp_url: Some(smtp.url()),
        ..JobsConfig::default()
    };
    let worker = Worker::new(Arc::clone(&app.store), config).expect("a worker");
    worker.run_due_jobs().await.expect("the jobs ran");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 10, "one email per pro contact with an address");
    for mail in &mails {
        assert_eq!(mail.header("subject"), Some(subject.as_str()));
        assert!(
            mail.header("to")
                .unwrap_or_default()
                .contains("@client.example")
        );
    }
    let list = browser.get("/app/campaigns").await;
    assert!(list.text.contains("finished"), "{}", list.text);
}

#[tokio::test]
async fn a_campaign_queues_its_first_run_and_its_emails_go_out_on_sqlite() {
    a_campaign_queues_its_first_run_and_its_emails_go_out(spawn_app().await).await;
}

#[tokio::test]
async fn a_campaign_queues_its_first_run_and_its_emails_go_out_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        a_campaign_queues_its_first_run_and_its_emails_go_out(app).await;
    }
}

#[tokio::test]
async fn refusals_name_their_field_and_keep_what_was_typed() {
    let app = spawn_app().await;
    let survey = seed(&app).await;
    let (browser, csrf) = member(&app).await;
    let id = survey.id.0.to_string();
    let cases: [(&str, &str, &str, &str); 6] = [
        ("sample", "1.5", "Sample: 1.5 is not in (0, 1]", "1.5"),
        (
            "sample",
            "half",
            "Sample: &#34;half&#34; is not a share",
            "half",
        ),
        (
            "filters",
            "tier=gold",
            "Audience: unknown attribute",
            "tier=gold",
        ),
        ("filters", "plan", "is not ATTR=VALUE", "plan"),
        ("every_days", "0", "Repeat: at least 1 day", "0"),
        (
            "reminder_days",
            "soon",
            "Reminder: &#34;soon&#34; is not a whole number",
            "soon",
        ),
    ];
    for (field, value, message, kept) in cases {
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("survey", &id),
            ("name", "Kept name"),
            ("when", "now"),
            (field, value),
            ("intent", "send"),
        ];
        if field != "sample" {
            fields.push(("sample", "1"));
        }
        let page = browser.post("/app/campaigns/new", &fields).await;
        assert_eq!(page.status, 422, "{field}={value}: {}", page.text);
        assert!(
            page.text.contains(message),
            "{field}={value}: {}",
            page.text
        );
        assert!(page.text.contains(kept), "{field}={value} is kept");
        assert!(page.text.contains("value=\"Kept name\""));
        assert!(page.text.contains("aria-invalid=\"true\""));
    }
    let late = browser
        .post(
            "/app/campaigns/new",
            &[
                ("csrf", &csrf),
                ("survey", &id),
                ("when", "later"),
                ("start", "2001-01-01T09:00"),
                ("intent", "send"),
            ],
        )
        .await;
    assert_eq!(late.status, 422);
    assert!(
        late.text.contains("Start: that time has passed"),
        "{}",
        late.text
    );
    assert!(late.text.contains("value=\"2001-01-01T09:00\""));
    assert!(app.store.campaigns(app.acme.id).await.unwrap().is_empty());
    assert!(app.jobs("run_campaign").await.is_empty());
}

#[tokio::test]
async fn a_later_start_is_the_first_run_s_time() {
    let app = spawn_app().await;
    let survey = seed(&app).await;
    let (browser, csrf) = member(&app).await;
    let made = browser
        .post(
            "/app/campaigns/new",
            &[
                ("csrf", &csrf),
                ("survey", &survey.id.0.to_string()),
                ("when", "later"),
                ("start", "2099-01-05T09:30"),
                ("every_days", "7"),
                ("spread", "on"),
                ("intent", "send"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.text);
    let jobs = app.jobs("run_campaign").await;
    assert_eq!(jobs[0].run_at.to_string(), "2099-01-05T09:30:00Z");
    let (campaign, _) = &app.store.campaigns(app.acme.id).await.unwrap()[0];
    assert_eq!(campaign.rules.repeat_every_days, Some(7));
    assert!(campaign.rules.spread_over_weekdays);
}

#[tokio::test]
async fn viewers_read_the_numbers_but_cannot_send_or_change_keys() {
    let app = spawn_app().await;
    let survey = seed(&app).await;
    let viewer = app
        .signed_in("val@acme.example", &app.acme, Role::Viewer)
        .await;
    let csrf = viewer.csrf().await;
    let list = viewer.get("/app/campaigns").await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(!list.text.contains("href=\"/app/campaigns/new\""));
    assert!(
        list.text
            .contains("href=\"/app/campaigns\" aria-current=\"page\"")
    );
    assert_eq!(viewer.get("/app/campaigns/new").await.status, 403);
    let email = format!("/app/campaigns/email?survey={}", survey.id.0);
    assert_eq!(viewer.get(&email).await.status, 403);
    let id = survey.id.0.to_string();
    for intent in ["send", "preview"] {
        let post = viewer
            .post(
                "/app/campaigns/new",
                &[
                    ("csrf", &csrf),
                    ("survey", &id),
                    ("sample", "1"),
                    ("intent", intent),
                ],
            )
            .await;
        assert_eq!(post.status, 403, "{intent}");
    }
    let key = viewer
        .post(
            "/app/widgets",
            &[
                ("csrf", &csrf),
                ("survey", &id),
                ("origins", "https://app.example"),
                ("sample", "1"),
                ("min_age_days", "0"),
            ],
        )
        .await;
    assert_eq!(key.status, 403);
    assert!(app.store.campaigns(app.acme.id).await.unwrap().is_empty());
    assert!(app.store.widget_keys(app.acme.id).await.unwrap().is_empty());
    // A member without the token changes nothing either.
    let (member, _) = member(&app).await;
    let forged = member
        .post(
            "/app/campaigns/new",
            &[("survey", &id), ("sample", "1"), ("intent", "send")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(app.jobs("run_campaign").await.is_empty());
}

#[tokio::test]
async fn the_email_preview_is_the_job_s_email_under_its_own_policy() {
    let app = spawn_app().await;
    let survey = seed(&app).await;
    let (browser, _) = member(&app).await;
    let form = browser.get("/app/campaigns/new").await;
    let src = format!("/app/campaigns/email?survey={}", survey.id.0);
    assert!(
        form.text.contains(&format!("sandbox src=\"{src}\"")),
        "{}",
        form.text
    );
    assert!(
        form.header("content-security-policy")
            .contains("frame-src 'self'")
    );
    let email = browser.get(&src).await;
    assert_eq!(email.status, 200);
    let policy = email.header("content-security-policy");
    assert!(
        policy.contains("sandbox") && policy.contains("frame-ancestors 'self'"),
        "{policy}"
    );
    assert!(!policy.contains("script-src"), "{policy}");
    assert_eq!(email.header("x-frame-options"), "SAMEORIGIN");
    let expected = vouch_jobs::email::render_preview(&survey, &app.acme.brand, None, &app.base)
        .expect("the preview");
    assert_eq!(email.text, expected.html);
    // No brand anywhere: the sender's domain signs, never the workspace's slug.
    assert!(
        expected.subject.contains("localhost"),
        "{}",
        expected.subject
    );
    assert!(!email.text.contains("acme"));
    let unknown = browser.get("/app/campaigns/email?survey=999").await;
    assert_eq!(unknown.status, 404);
}

async fn widget_keys_are_made_shown_and_revoked(app: TestApp) {
    let survey = seed(&app).await;
    let (browser, csrf) = member(&app).await;
    let id = survey.id.0.to_string();
    let empty = browser.get("/app/widgets").await;
    assert_eq!(empty.status, 200, "{}", empty.text);
    assert!(empty.text.contains("No widget keys yet"));
    let refused = browser
        .post(
            "/app/widgets",
            &[
                ("csrf", &csrf),
                ("survey", &id),
                ("origins", "app.example.com"),
                ("sample", "1"),
                ("min_age_days", "0"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .text
            .contains("Origins: &#34;app.example.com&#34; is not an origin"),
        "{}",
        refused.text
    );
    assert!(refused.text.contains(">app.example.com</textarea>"));
    let made = browser
        .post(
            "/app/widgets",
            &[
                ("csrf", &csrf),
                ("survey", &id),
                ("origins", "https://App.example.com/, http://localhost:3000"),
                ("sample", "0.5"),
                ("min_age_days", "7"),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let keys = app.store.widget_keys(app.acme.id).await.unwrap();
    let key = keys.first().expect("a key");
    assert_eq!(
        key.origins,
        ["https://app.example.com", "http://localhost:3000"]
    );
    assert_eq!((key.sample, key.min_account_age_days), (0.5, 7));
    let snippet = vouch_web::widget_keys::snippet(&app.base, &key.key);
    let escaped = snippet
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;");
    assert!(made.text.contains(&escaped), "the snippet: {}", made.text);
    let listed = browser.get("/app/widgets").await;
    assert!(listed.text.contains(&escaped));
    let revoked = browser
        .post("/app/widgets/revoke", &[("csrf", &csrf), ("key", &key.key)])
        .await;
    assert_eq!(revoked.status, 303);
    let keys = app.store.widget_keys(app.acme.id).await.unwrap();
    assert!(keys[0].revoked_at.is_some());
    let after = browser.get("/app/widgets?saved=1").await;
    assert!(after.text.contains("Revoked."));
    assert!(
        !after.text.contains(&escaped),
        "a revoked key shows no snippet"
    );
    let unknown = browser
        .post(
            "/app/widgets/revoke",
            &[("csrf", &csrf), ("key", "pk_nope")],
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn widget_keys_are_made_shown_and_revoked_on_sqlite() {
    widget_keys_are_made_shown_and_revoked(spawn_app().await).await;
}

#[tokio::test]
async fn widget_keys_are_made_shown_and_revoked_on_postgres() {
    if let Some(app) = spawn_app_postgres().await {
        widget_keys_are_made_shown_and_revoked(app).await;
    }
}
