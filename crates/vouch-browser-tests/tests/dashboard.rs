//! End to end in headless Chromium: the dashboard, signed in through its form. A server holds
//! an NPS survey with 40 known answers and an eNPS survey with 12; each test signs a user in
//! and drives the overview, the segments, the inbox, an answer's follow-up, the campaign
//! pages (`campaigns`), a reply to a respondent (`replies`), the Tags page (`tags`), the
//! Themes page (`themes`), the Customers pages (`customers`) and the weekly digest page
//! (`digest`), then checks
//! the store. Every page is screenshotted and every page's console must stay free of errors
//! (but for the statuses a test provokes on purpose).

#[path = "dashboard/campaigns.rs"]
mod campaigns;
#[path = "dashboard/customers.rs"]
mod customers;
#[path = "dashboard/digest.rs"]
mod digest;
#[path = "dashboard/replies.rs"]
mod replies;
#[path = "dashboard/tags.rs"]
mod tags;
#[path = "dashboard/theme_answers.rs"]
mod theme_answers;
#[path = "dashboard/themes.rs"]
mod themes;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use vouch_browser_tests::{Browser, Viewport, VouchServer};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{
    AttributeDefinition, ContactKey, NewResponse, NewSurvey, ResponseId, ResponseStatus, Role,
    StoredResponse, Survey, SurveySettings,
};
use vouch_test_kit::accounts::PASSWORD;

/// The one comment that mentions the wizard, to search for in the inbox.
const WIZARD_COMMENT: &str = "The onboarding wizard was delightful";

/// A server with its two surveys.
struct Fixture {
    server: VouchServer,
    nps: Survey,
    enps: Survey,
}

/// The NPS survey's answers, all in the last 20 days (inside the default 90-day range):
///
/// | plan | scores | n | promoters | detractors | NPS |
/// |---|---|---|---|---|---|
/// | pro  | 12 × 10, 4 × 8, 4 × 3 | 20 | 12 | 4 | 40 |
/// | free | 8 × 9, 6 × 7, 6 × 2   | 20 | 8  | 6 | 10 |
/// | all  |                       | 40 | 20 | 10 | 25 |
fn nps_scores() -> Vec<(&'static str, i64)> {
    let mut scores = Vec::new();
    scores.extend(std::iter::repeat_n(("pro", 10), 12));
    scores.extend(std::iter::repeat_n(("pro", 8), 4));
    scores.extend(std::iter::repeat_n(("pro", 3), 4));
    scores.extend(std::iter::repeat_n(("free", 9), 8));
    scores.extend(std::iter::repeat_n(("free", 7), 6));
    scores.extend(std::iter::repeat_n(("free", 2), 6));
    scores
}

/// `hours` hours ago.
fn hours_ago(hours: i64) -> jiff::Timestamp {
    jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(hours))
        .expect("an instant")
}

fn answer(
    survey: &Survey,
    email: String,
    plan: &str,
    score: i64,
    comment: Option<String>,
    hours: i64,
) -> NewResponse {
    NewResponse {
        survey: survey.id,
        contact: ContactKey {
            external_id: None,
            email: Some(email),
        },
        attributes: BTreeMap::from([("plan".to_owned(), AttributeValue::String(plan.into()))]),
        score: Score::new(score).expect("a score"),
        comment,
        created_at: hours_ago(hours),
        channel: "import".into(),
    }
}

impl Fixture {
    async fn new() -> Fixture {
        let server = VouchServer::start().await;
        let nps = survey(&server, "Customer NPS", SurveyKind::Nps).await;
        let enps = survey(&server, "Employee eNPS", SurveyKind::Enps).await;
        let mut batch = Vec::new();
        let scores = nps_scores();
        let count = scores.len() as i64;
        for (n, (plan, score)) in scores.into_iter().enumerate() {
            let comment = match (n, score) {
                (0, _) => Some(WIZARD_COMMENT.to_owned()),
                (_, 0..=6) if n % 2 == 0 => Some("Pricing went up and support is slow".into()),
                (_, 9..=10) if n % 2 == 0 => Some("Great support team, fast answers".into()),
                _ => None,
            };
            // Oldest first, so that ids grow with time; plans interleaved over time.
            let hours = 12 * (count - ((n as i64 * 7) % count));
            batch.push(answer(
                &nps,
                format!("customer{n}@client.example"),
                plan,
                score,
                comment,
                hours,
            ));
        }
        for (n, score) in [10, 9, 8, 6, 10, 9, 3, 7, 10, 9, 5, 8]
            .into_iter()
            .enumerate()
        {
            batch.push(answer(
                &enps,
                format!("employee{n}@staff.example"),
                if n < 6 { "team-a" } else { "team-b" },
                score,
                Some(format!("Workplace comment number {n}")),
                10 * (12 - n as i64),
            ));
        }
        batch.sort_by_key(|response| response.created_at);
        let mut import = server
            .store
            .begin_import(server.workspace.id)
            .await
            .expect("an import");
        import
            .define_attributes(&[AttributeDefinition {
                name: "plan".into(),
                kind: AttributeKind::String,
            }])
            .await
            .expect("attributes defined");
        import.write(&batch).await.expect("answers written");
        import.commit().await.expect("answers committed");
        Fixture { server, nps, enps }
    }

    /// A user with [`PASSWORD`], member of the workspace with `role` and maybe `hr`.
    async fn user(&self, email: &str, role: Role, hr: bool) {
        let store = self.server.store.as_ref();
        vouch_test_kit::accounts::user(store, email, &self.server.workspace, role, hr).await;
    }

    /// The NPS survey's answer with the wizard comment.
    async fn wizard_answer(&self) -> StoredResponse {
        self.server
            .store
            .responses_after(
                self.server.workspace.id,
                ResponseId(0),
                Some(self.nps.id),
                1_000,
            )
            .await
            .expect("the answers")
            .into_iter()
            .find(|response| response.comment.as_deref() == Some(WIZARD_COMMENT))
            .expect("the wizard answer")
    }

    /// The follow-up status and the note bodies of an answer, as stored.
    async fn follow_up(&self, id: ResponseId) -> (ResponseStatus, Vec<String>) {
        let store = &self.server.store;
        let workspace = self.server.workspace.id;
        let status = store
            .workflows(workspace, &[id])
            .await
            .expect("the follow-up")
            .first()
            .map_or(ResponseStatus::Open, |workflow| workflow.status);
        let notes = store
            .notes(workspace, id)
            .await
            .expect("the notes")
            .into_iter()
            .map(|note| note.body)
            .collect();
        (status, notes)
    }
}

async fn survey(server: &VouchServer, name: &str, kind: SurveyKind) -> Survey {
    server
        .store
        .create_survey(
            server.workspace.id,
            NewSurvey {
                name: name.into(),
                kind,
                question: kind.default_question(None),
                follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
                slug: None,
                settings: SurveySettings::default(),
            },
        )
        .await
        .expect("a survey")
}

/// The HTTP status the current page was served with.
async fn page_status(browser: &Browser) -> i64 {
    browser
        .execute(
            "return performance.getEntriesByType('navigation')[0].responseStatus;",
            vec![],
        )
        .await
        .as_i64()
        .expect("a navigation status")
}

/// Signs in through the form at `/login` and waits to leave it.
async fn sign_in(browser: &mut Browser, server: &VouchServer, email: &str, screenshot: bool) {
    browser.goto(&server.url("/login")).await;
    browser.wait_for("form[action='/login'] #email").await;
    if screenshot {
        browser.screenshot("sign-in").await;
    }
    browser.type_into("#email", email).await;
    browser.type_into("#password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    vouch_browser_tests::eventually("to leave the sign-in page", SETTLE, || async {
        (!browser.url().await.contains("/login")).then_some(())
    })
    .await;
    browser.wait_for("footer.site-footer").await;
    browser.assert_no_console_errors(&[]).await;
}

const SETTLE: std::time::Duration = std::time::Duration::from_secs(10);

/// The headline of the overview: (NPS, n) as printed.
async fn headline(browser: &Browser) -> (String, String) {
    let number = browser.wait_for("#nps .kpi__number").await;
    let nps = number
        .attr("data-nps")
        .await
        .expect("the data-nps attribute")
        .expect("a data-nps value");
    let n = browser
        .wait_for("#nps .kpi__n")
        .await
        .text()
        .await
        .expect("the n");
    (nps, n)
}

/// Posts a form from the page with `fetch`, as a forging script would; returns the status.
async fn forged_post(browser: &Browser, path: &str, body: &str) -> i64 {
    let status: Value = browser
        .execute(
            "return fetch(arguments[0], {method: 'POST', redirect: 'manual', \
             headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})\
             .then(reply => reply.status);",
            vec![json!(path), json!(body)],
        )
        .await;
    status.as_i64().expect("a status")
}

/// (1) An admin with HR signs in, lands on the NPS overview, filters to the pro plan through
/// the filter bar and sees the NPS and n change; the segments page; the phone layout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_signs_in_and_filters_the_overview() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("ada@acme.example", Role::Admin, true).await;
    let Some(mut browser) = Browser::start("dashboard-overview", Viewport::Desktop).await else {
        return;
    };

    sign_in(&mut browser, server, "ada@acme.example", true).await;
    let overview = format!("/app/surveys/{}", fixture.nps.id.0);
    assert!(
        browser.url().await.ends_with(&overview),
        "landed on {}",
        browser.url().await
    );
    assert_eq!(page_status(&browser).await, 200);
    assert_eq!(
        headline(&browser).await,
        ("25".to_owned(), "n = 40".to_owned())
    );
    browser.screenshot("overview").await;
    browser.assert_no_console_errors(&[]).await;

    // Filter to the pro plan through the bar's "add a filter" fields.
    browser.click("#f-add-attr option[value='plan']").await;
    browser.type_into("#f-add-value", "pro").await;
    browser.click("form.filter-bar button[type=submit]").await;
    let filtered = eventually_headline(&browser, "n = 20").await;
    assert_eq!(filtered, ("40".to_owned(), "n = 20".to_owned()));
    // The form's fields stay in the URL (a shareable view); the filter shows as a chip.
    let url = browser.url().await;
    assert!(url.contains("add_attr=plan&add_value=pro"), "{url}");
    let chip = browser
        .wait_for(".filter-chip a[aria-label^='Remove']")
        .await
        .attr("href")
        .await
        .expect("the chip's link")
        .expect("an href");
    assert!(
        !chip.contains("plan"),
        "removing the chip drops the filter: {chip}"
    );
    browser.screenshot("overview-pro").await;
    browser.assert_no_console_errors(&[]).await;

    // The same filter as a URL, for the free plan.
    browser
        .goto(&server.url(&format!("{overview}?where=plan%3Dfree")))
        .await;
    assert_eq!(
        headline(&browser).await,
        ("10".to_owned(), "n = 20".to_owned())
    );
    browser.assert_no_console_errors(&[]).await;

    browser
        .goto(&server.url(&format!("{overview}/segments?by=plan")))
        .await;
    assert_eq!(page_status(&browser).await, 200);
    let text = browser.wait_for_text("free").await;
    assert!(text.contains("pro"), "{text}");
    browser.screenshot("segments").await;
    browser.assert_no_console_errors(&[]).await;

    // The admin with HR sees the eNPS survey.
    browser
        .goto(&server.url(&format!("/app/surveys/{}", fixture.enps.id.0)))
        .await;
    assert_eq!(page_status(&browser).await, 200);
    browser.wait_for_text("Employee eNPS").await;
    browser.screenshot("enps-overview").await;
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;

    let Some(mut phone) = Browser::start("dashboard-overview", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "ada@acme.example", true).await;
    assert_eq!(
        headline(&phone).await,
        ("25".to_owned(), "n = 40".to_owned())
    );
    phone.screenshot("overview").await;
    let layout: Value = phone
        .execute(
            "return [document.querySelector('#nps').getBoundingClientRect().top, \
             document.querySelector('.site-nav').getBoundingClientRect().height];",
            vec![],
        )
        .await;
    let (nps_top, nav_height) = (
        layout[0].as_f64().unwrap_or(f64::MAX),
        layout[1].as_f64().unwrap_or(f64::MAX),
    );
    assert!(nps_top < 520.0, "the NPS sits {nps_top}px down on a phone");
    assert!(
        nav_height <= 2.0 * 44.0 + 8.0,
        "the navigation takes {nav_height}px on a phone"
    );
    assert_no_sideways_scroll(&phone, "the overview").await;
    phone
        .goto(&server.url(&format!("{overview}/segments?by=plan")))
        .await;
    phone.wait_for_text("free").await;
    phone.screenshot("segments").await;
    phone.assert_no_console_errors(&[]).await;
    phone.close().await;
}

async fn eventually_headline(browser: &Browser, n: &str) -> (String, String) {
    vouch_browser_tests::eventually(&format!("the headline to say {n}"), SETTLE, || async {
        if !browser.exists("#nps .kpi__n").await {
            return None;
        }
        let shown = headline(browser).await;
        (shown.1 == n).then_some(shown)
    })
    .await
}

/// (2) The inbox: search, open an answer, close it with a note; both persist after a reload.
/// A POST from the page without the CSRF token is refused and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_closes_an_answer_with_a_note() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("ada@acme.example", Role::Admin, true).await;
    let wizard = fixture.wizard_answer().await;
    let Some(mut browser) = Browser::start("dashboard-inbox", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "ada@acme.example", false).await;

    browser.goto(&server.url("/app/inbox")).await;
    assert_eq!(page_status(&browser).await, 200);
    let items = browser.find_all("#inbox-list [data-keyboard-item]").await;
    assert_eq!(items.len(), 50, "a first page of the 52 answers");
    browser.screenshot("inbox").await;
    browser.assert_no_console_errors(&[]).await;

    browser.type_into("#f-text", "wizard").await;
    browser.click("form.filter-bar button[type=submit]").await;
    vouch_browser_tests::eventually("one answer found", SETTLE, || async {
        (browser
            .find_all("#inbox-list [data-keyboard-item]")
            .await
            .len()
            == 1)
            .then_some(())
    })
    .await;
    browser.wait_for_text(WIZARD_COMMENT).await;
    browser.assert_no_console_errors(&[]).await;

    browser.click("#inbox-list [data-keyboard-item]").await;
    browser.wait_for("#workflow-form").await;
    let detail = browser.url().await;
    assert!(
        detail.contains(&format!("/app/inbox/{}", wizard.id.0)),
        "{detail}"
    );
    browser.wait_for_text(WIZARD_COMMENT).await;
    browser.screenshot("inbox-detail").await;
    browser.assert_no_console_errors(&[]).await;

    browser.click("#status-field option[value='closed']").await;
    browser.click("#workflow-form button[type=submit]").await;
    vouch_browser_tests::eventually("the status to read closed", SETTLE, || async {
        let status = browser.find_all("#status").await.into_iter().next()?;
        let text = status.text().await.ok()?;
        text.eq_ignore_ascii_case("closed").then_some(())
    })
    .await;
    browser.assert_no_console_errors(&[]).await;

    let note = "Called them back; the wizard team says thanks.";
    browser.type_into("#note-field", note).await;
    browser.click("#note-form button[type=submit]").await;
    browser.wait_for("#notes").await;
    browser.wait_for_text(note).await;
    let saved = browser.wait_for("#saved").await.text().await.expect("text");
    assert_eq!(saved, "Note added.");
    browser.assert_no_console_errors(&[]).await;

    // After a reload, both are still there: in the page and in the store.
    browser.client().refresh().await.expect("reload the page");
    browser.wait_for("#workflow-form").await;
    let status = browser
        .wait_for("#status")
        .await
        .text()
        .await
        .expect("text");
    assert!(status.eq_ignore_ascii_case("closed"), "{status}");
    let selected: Value = browser
        .execute(
            "return document.querySelector('#status-field').value;",
            vec![],
        )
        .await;
    assert_eq!(selected, json!("closed"));
    let notes = browser.wait_for("#notes").await.text().await.expect("text");
    assert!(notes.contains(note), "{notes}");
    assert!(notes.contains("Name of ada@acme.example"), "{notes}");
    browser.screenshot("inbox-detail-closed").await;
    browser.assert_no_console_errors(&[]).await;
    assert_eq!(
        fixture.follow_up(wizard.id).await,
        (ResponseStatus::Closed, vec![note.to_owned()])
    );

    // Closed answers filter in the inbox.
    browser.goto(&server.url("/app/inbox?status=closed")).await;
    let closed = browser.find_all("#inbox-list [data-keyboard-item]").await;
    assert_eq!(closed.len(), 1);
    browser.assert_no_console_errors(&[]).await;

    // A script of the page posting without the token, or with a wrong one: refused.
    browser.goto(&detail).await;
    browser.wait_for("#workflow-form").await;
    let workflow = format!("/app/inbox/{}/workflow", wizard.id.0);
    let notes_path = format!("/app/inbox/{}/notes", wizard.id.0);
    assert_eq!(forged_post(&browser, &workflow, "status=open").await, 403);
    assert_eq!(
        forged_post(&browser, &workflow, "csrf=forged&status=open").await,
        403
    );
    assert_eq!(forged_post(&browser, &notes_path, "note=forged").await, 403);
    browser.assert_no_console_errors(&["status of 403"]).await;
    assert_eq!(
        fixture.follow_up(wizard.id).await,
        (ResponseStatus::Closed, vec![note.to_owned()])
    );
    browser.close().await;
    working_through_the_inbox_on_a_phone(server).await;
}

/// On a phone: the inbox and an answer fit the width, and an answer leads to the next one.
async fn working_through_the_inbox_on_a_phone(server: &VouchServer) {
    let Some(mut phone) = Browser::start("dashboard-inbox", Viewport::Phone).await else {
        return;
    };
    sign_in(&mut phone, server, "ada@acme.example", false).await;
    phone
        .goto(&server.url("/app/inbox?category=detractor"))
        .await;
    assert_eq!(page_status(&phone).await, 200);
    phone.screenshot("inbox").await;
    assert_no_sideways_scroll(&phone, "the inbox").await;
    phone.click("#inbox-list [data-keyboard-item]").await;
    phone.wait_for("#workflow-form").await;
    phone.screenshot("inbox-detail").await;
    assert_no_sideways_scroll(&phone, "an answer").await;
    let first = phone.url().await;
    phone.click("#older-answer").await;
    vouch_browser_tests::eventually("the older answer to open", SETTLE, || async {
        (phone.url().await != first).then_some(())
    })
    .await;
    phone.wait_for("#newer-answer").await;
    assert!(phone.url().await.contains("category=detractor"));
    phone.assert_no_console_errors(&[]).await;
    phone.close().await;
}

/// Fails when the page is wider than the window.
async fn assert_no_sideways_scroll(browser: &Browser, what: &str) {
    let width: Value = browser
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await;
    assert!(
        width.as_i64().unwrap_or(0) <= 0,
        "{what} scrolls sideways on a phone by {width}px"
    );
}

/// (3) A viewer reads the follow-up but its forms are disabled, and posts forged from the
/// page (without the token, with a wrong one) are refused and change nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_cannot_change_the_follow_up() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("vic@acme.example", Role::Viewer, false).await;
    let wizard = fixture.wizard_answer().await;
    let Some(mut browser) = Browser::start("dashboard-viewer", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "vic@acme.example", false).await;
    assert_eq!(
        headline(&browser).await,
        ("25".to_owned(), "n = 40".to_owned())
    );
    browser.assert_no_console_errors(&[]).await;

    browser
        .goto(&server.url(&format!("/app/inbox/{}", wizard.id.0)))
        .await;
    assert_eq!(page_status(&browser).await, 200);
    browser.wait_for_text(WIZARD_COMMENT).await;
    for form in ["#workflow-form", "#note-form"] {
        let disabled: Value = browser
            .execute(
                "return [...document.querySelectorAll(arguments[0] + ' button, ' + arguments[0] \
                 + ' select, ' + arguments[0] + ' textarea, ' + arguments[0] + ' input:not([type=hidden])')]\
                 .every(control => control.matches(':disabled'));",
                vec![json!(form)],
            )
            .await;
        assert_eq!(disabled, json!(true), "every control of {form} is disabled");
    }
    browser
        .wait_for_text("Viewers can read the follow-up")
        .await;
    browser.screenshot("inbox-detail").await;
    browser.assert_no_console_errors(&[]).await;

    let workflow = format!("/app/inbox/{}/workflow", wizard.id.0);
    let notes_path = format!("/app/inbox/{}/notes", wizard.id.0);
    assert_eq!(forged_post(&browser, &workflow, "status=closed").await, 403);
    assert_eq!(
        forged_post(&browser, &workflow, "csrf=forged&status=closed").await,
        403
    );
    assert_eq!(
        forged_post(&browser, &notes_path, "csrf=forged&note=forged").await,
        403
    );
    browser.assert_no_console_errors(&["status of 403"]).await;
    assert_eq!(
        fixture.follow_up(wizard.id).await,
        (ResponseStatus::Open, Vec::new())
    );
    browser.client().refresh().await.expect("reload the page");
    let status = browser
        .wait_for("#status")
        .await
        .text()
        .await
        .expect("text");
    assert!(status.eq_ignore_ascii_case("open"), "{status}");
    assert!(!browser.exists("#notes").await, "no note was added");
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;
}

/// (4) A member without HR: the eNPS survey's overview is a 404 page, as for a survey that
/// does not exist, and it is not listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_hr_gets_404_on_the_enps_survey() {
    let fixture = Fixture::new().await;
    let server = &fixture.server;
    fixture.user("mia@acme.example", Role::Member, false).await;
    let Some(mut browser) = Browser::start("dashboard-member", Viewport::Desktop).await else {
        return;
    };
    sign_in(&mut browser, server, "mia@acme.example", false).await;
    browser.assert_no_console_errors(&[]).await;

    browser
        .goto(&server.url(&format!("/app/surveys/{}", fixture.enps.id.0)))
        .await;
    assert_eq!(page_status(&browser).await, 404);
    let text = browser.body_text().await;
    assert!(!text.contains("Employee eNPS"), "{text}");
    assert!(!text.contains("Workplace comment"), "{text}");
    browser.screenshot("enps-404").await;
    browser.assert_no_console_errors(&["status of 404"]).await;

    let unknown = fixture.enps.id.0 + 100;
    browser
        .goto(&server.url(&format!("/app/surveys/{unknown}")))
        .await;
    assert_eq!(page_status(&browser).await, 404);
    assert_eq!(
        browser.body_text().await,
        text,
        "the same page as for no survey"
    );
    browser.assert_no_console_errors(&["status of 404"]).await;

    browser.goto(&server.url("/app/surveys")).await;
    let list = browser.wait_for_text("Customer NPS").await;
    assert!(!list.contains("Employee eNPS"), "{list}");
    browser.goto(&server.url("/app/inbox")).await;
    let inbox = browser.wait_for_text("Inbox").await;
    assert!(!inbox.contains("Workplace comment"), "{inbox}");
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;
}
