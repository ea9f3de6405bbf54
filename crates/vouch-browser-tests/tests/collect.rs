//! End to end in headless Chromium: the survey pages and the in-app widget, answered as people
//! answer them, checked through the store. Every page is screenshotted (desktop and phone) and
//! every page's console must stay free of errors.

use std::time::Duration;

use serde_json::{Value, json};
use vouch_browser_tests::{
    Browser, BrowserOptions, HostApp, Key, Viewport, VouchServer, eventually,
};
use vouch_core::token::{self, Purpose};
use vouch_core::{Score, SurveyKind};
use vouch_store::{
    Attributes, Channel, Contact, ContactKey, Invitation, NewInvitation, NewSurvey, NewWidgetKey,
    ResponseId, StoredResponse, Survey, SurveySettings,
};

/// How long the store may take to show what a page recorded.
const SETTLE: Duration = Duration::from_secs(10);

/// A server with one NPS survey, and helpers to arrange invitations and read answers back.
struct Fixture {
    server: VouchServer,
    survey: Survey,
}

impl Fixture {
    async fn new() -> Fixture {
        let server = VouchServer::start().await;
        let survey = server
            .store
            .create_survey(
                server.workspace.id,
                NewSurvey {
                    name: "Customer NPS".into(),
                    kind: SurveyKind::Nps,
                    question: "How likely are you to recommend Acme to a friend or colleague?"
                        .into(),
                    follow_up: "What is the main reason for your score?".into(),
                    slug: None,
                    settings: SurveySettings {
                        brand_name: Some("Acme".into()),
                        ..SurveySettings::default()
                    },
                },
            )
            .await
            .expect("a survey");
        Fixture { server, survey }
    }

    /// A contact known by email.
    async fn contact(&self, email: &str) -> Contact {
        let key = ContactKey {
            external_id: None,
            email: Some(email.to_owned()),
        };
        self.server
            .store
            .upsert_contact(self.server.workspace.id, &key, &Attributes::new(), &[])
            .await
            .expect("a contact")
    }

    /// An email invitation of `contact` and the URL of its survey page (`/s/{token}`), as the
    /// email's buttons link to it (without the `?score=`).
    async fn email_invitation(&self, contact: &Contact) -> (Invitation, String) {
        let expires_at = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_hours(24 * 30))
            .expect("a date");
        self.email_invitation_until(contact, expires_at).await
    }

    /// An email invitation whose links stop working at `expires_at`, and its page's URL.
    async fn email_invitation_until(
        &self,
        contact: &Contact,
        expires_at: jiff::Timestamp,
    ) -> (Invitation, String) {
        let store = &self.server.store;
        let invitation = store
            .invite(
                self.server.workspace.id,
                &[NewInvitation {
                    survey: self.survey.id,
                    contact: contact.id,
                    campaign: None,
                    channel: Channel::Email,
                    expires_at,
                }],
            )
            .await
            .expect("an invitation")
            .remove(0);
        let secret = store.link_secret().await.expect("the link secret");
        let token = token::sign(&secret, Purpose::Answer, invitation.id.0);
        let url = self.server.url(&format!("/s/{token}"));
        (invitation, url)
    }

    /// Every live response of the survey, oldest first.
    async fn responses(&self) -> Vec<StoredResponse> {
        self.server
            .store
            .responses_after(
                self.server.workspace.id,
                ResponseId(0),
                Some(self.survey.id),
                10_000,
            )
            .await
            .expect("the survey's responses")
    }

    /// The live responses of one contact.
    async fn responses_of(&self, contact: &Contact) -> Vec<StoredResponse> {
        self.responses()
            .await
            .into_iter()
            .filter(|response| response.contact == contact.id)
            .collect()
    }

    /// Waits until the survey's latest response satisfies `done`, and returns it.
    async fn latest_response(
        &self,
        what: &str,
        done: impl Fn(&StoredResponse) -> bool,
    ) -> StoredResponse {
        eventually(what, SETTLE, || async {
            self.responses()
                .await
                .pop()
                .filter(|response| done(response))
        })
        .await
    }

    /// The invitation as stored now.
    async fn invitation(&self, invitation: &Invitation) -> Invitation {
        self.server
            .store
            .invitation(invitation.id)
            .await
            .expect("read the invitation")
            .expect("the invitation exists")
    }

    /// The public link page.
    fn link_url(&self) -> String {
        self.server.url(&format!("/l/{}", self.survey.slug))
    }
}

fn score(value: i64) -> Score {
    Score::new(value).expect("a score")
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

/// (a) The email link with `?score=9`: the page's script records the score as soon as it
/// opens; the comment then completes the same response, and the invitation still counts once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_link_records_the_score_at_once_and_the_comment_on_send() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("ada@example.com").await;
    let (invitation, url) = fixture.email_invitation(&contact).await;
    let Some(mut browser) = Browser::start("email-link", Viewport::Desktop).await else {
        return;
    };

    browser.goto(&format!("{url}?score=9")).await;
    browser.wait_for("form#follow-up").await;
    browser.wait_for(".chip[data-score='9']").await;
    let recorded = fixture
        .latest_response("the score posted by the page's script", |response| {
            response.contact == contact.id
        })
        .await;
    assert_eq!(recorded.score, score(9));
    assert_eq!(recorded.comment, None);
    assert_eq!(recorded.channel, "email");
    // The page says it was saved once the script's post succeeded.
    browser.wait_for("form#follow-up[data-saved='true']").await;
    browser.screenshot("follow-up").await;
    browser.assert_no_console_errors(&[]).await;

    let reason = "Setting up the reports took five minutes.";
    browser.type_into("#comment", reason).await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    assert_eq!(page_status(&browser).await, 200);
    browser.screenshot("thanks").await;
    browser.assert_no_console_errors(&[]).await;

    let latest = fixture
        .latest_response("the comment", |response| response.comment.is_some())
        .await;
    assert_eq!(latest.score, score(9));
    assert_eq!(latest.comment.as_deref(), Some(reason));
    assert_eq!(latest.contact, contact.id);
    assert_eq!(latest.channel, "email");
    let live = fixture.responses_of(&contact).await;
    assert_eq!(
        live.len(),
        1,
        "one live response for the invitation: {live:?}"
    );
    assert_eq!(
        fixture.invitation(&invitation).await.response,
        Some(latest.id)
    );
    browser.close().await;
}

/// Someone who answered with a reason clicks the same score in the email again: their reason
/// must survive the page's automatic post of the score.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_the_email_link_keeps_the_reason() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("barbara@example.com").await;
    let (_, url) = fixture.email_invitation(&contact).await;
    let Some(mut browser) = Browser::start("email-link-again", Viewport::Desktop).await else {
        return;
    };
    let reason = "Support answered within the hour.";
    browser.goto(&format!("{url}?score=9")).await;
    browser.wait_for("form#follow-up[data-saved='true']").await;
    browser.type_into("#comment", reason).await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    fixture
        .latest_response("the reason", |response| response.comment.is_some())
        .await;

    // The same button of the same email, a day later.
    browser.goto(&format!("{url}?score=9")).await;
    browser.wait_for("form#follow-up").await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    browser.screenshot("follow-up-again").await;
    browser.assert_no_console_errors(&[]).await;
    let live = fixture.responses_of(&contact).await;
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].score, score(9));
    assert_eq!(
        live[0].comment.as_deref(),
        Some(reason),
        "opening the email's link again erased the reason given before"
    );
    browser.close().await;
}

/// "You can change your answer" on the thanks page leads back to the question; the new score
/// and reason replace the old ones, and the invitation still counts once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_answer_replaces_it() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("edsger@example.com").await;
    let (invitation, url) = fixture.email_invitation(&contact).await;
    let Some(mut browser) = Browser::start("change-answer", Viewport::Desktop).await else {
        return;
    };
    browser.goto(&format!("{url}?score=9")).await;
    browser.wait_for("form#follow-up[data-saved='true']").await;
    browser.type_into("#comment", "Great.").await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;

    browser.click("#thanks a.change").await;
    browser.wait_for_visible("#score-4").await;
    browser.screenshot("question-again").await;
    browser.click("#score-4").await;
    browser.wait_for_visible("#comment").await;
    let kept = browser
        .execute("return document.querySelector('#comment').value", vec![])
        .await;
    assert_eq!(
        kept, "Great.",
        "the new score keeps the reason, ready to edit"
    );
    browser
        .execute("document.querySelector('#comment').value = ''", vec![])
        .await;
    browser
        .type_into("#comment", "On second thought: exports are slow.")
        .await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    browser.assert_no_console_errors(&[]).await;

    let latest = fixture
        .latest_response("the changed answer", |response| response.score == score(4))
        .await;
    assert_eq!(
        latest.comment.as_deref(),
        Some("On second thought: exports are slow.")
    );
    let live = fixture.responses_of(&contact).await;
    assert_eq!(live.len(), 1, "one live response: {live:?}");
    assert_eq!(
        fixture.invitation(&invitation).await.response,
        Some(latest.id)
    );
    browser.close().await;
}

/// (b) The same page without JavaScript: opening it records nothing (mail scanners open links
/// too); the "Send" button records the score.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_link_without_javascript_records_only_on_send() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("grace@example.com").await;
    let (invitation, url) = fixture.email_invitation(&contact).await;
    let options = BrowserOptions {
        viewport: Viewport::Desktop,
        javascript: false,
    };
    let Some(mut browser) = Browser::open("email-link-no-js", options).await else {
        return;
    };

    browser.goto(&format!("{url}?score=9")).await;
    browser.wait_for_visible("#send").await;
    browser.screenshot("follow-up").await;
    // Give a script, were one running, time to post.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(
        fixture.responses().await.is_empty(),
        "opening the page without scripts must record nothing"
    );
    assert!(!browser.exists("form#follow-up[data-saved]").await);
    browser.assert_no_console_errors(&[]).await;

    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    browser.screenshot("thanks").await;
    browser.assert_no_console_errors(&[]).await;
    let recorded = fixture.latest_response("the score sent", |_| true).await;
    assert_eq!(recorded.score, score(9));
    assert_eq!(recorded.comment, None, "nothing was typed");
    assert_eq!(recorded.contact, contact.id);
    assert_eq!(fixture.responses().await.len(), 1);
    assert_eq!(
        fixture.invitation(&invitation).await.response,
        Some(recorded.id)
    );
    browser.close().await;
}

/// An invitation past its expiry: the page says the survey has closed (410), offers no
/// buttons, and a post records nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_invitation_says_the_survey_has_closed() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("late@example.com").await;
    let yesterday = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .expect("a date");
    let (_, url) = fixture.email_invitation_until(&contact, yesterday).await;
    let Some(mut browser) = Browser::start("expired", Viewport::Desktop).await else {
        return;
    };
    browser.goto(&format!("{url}?score=8")).await;
    browser.wait_for_visible("#message").await;
    assert_eq!(page_status(&browser).await, 410);
    assert!(!browser.exists(".score").await, "no score buttons");
    assert!(!browser.exists("#comment").await, "no comment box");
    browser.screenshot("closed").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let errors = browser.console_errors().await;
    let unexpected: Vec<_> = errors
        .iter()
        .filter(|entry| !entry.message.contains("status of 410"))
        .collect();
    assert!(unexpected.is_empty(), "console errors: {unexpected:?}");
    assert!(fixture.responses().await.is_empty(), "nothing recorded");
    browser.close().await;
}

/// The public link without JavaScript: plain forms record the score, then the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_link_without_javascript() {
    let fixture = Fixture::new().await;
    let options = BrowserOptions {
        viewport: Viewport::Desktop,
        javascript: false,
    };
    let Some(mut browser) = Browser::open("public-link-no-js", options).await else {
        return;
    };
    browser.goto(&fixture.link_url()).await;
    browser.click(".score[data-score='8']").await;
    browser.wait_for_visible("#comment").await;
    let first = fixture.latest_response("the score", |_| true).await;
    assert_eq!(first.score, score(8));
    browser
        .type_into("#comment", "Works without scripts too.")
        .await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    browser.screenshot("thanks").await;
    browser.assert_no_console_errors(&[]).await;
    let latest = fixture
        .latest_response("the reason", |response| response.comment.is_some())
        .await;
    assert_eq!(latest.score, score(8));
    assert_eq!(latest.channel, "link");
    assert_eq!(fixture.responses().await.len(), 1);
    browser.close().await;
}

/// (c) The public link: score 3, a reason, thanks; an anonymous response through `link`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_link_records_an_anonymous_answer() {
    let fixture = Fixture::new().await;
    let Some(mut browser) = Browser::start("public-link", Viewport::Desktop).await else {
        return;
    };

    browser.goto(&fixture.link_url()).await;
    browser.wait_for_visible(".score[data-score='3']").await;
    browser.screenshot("question").await;
    browser.assert_no_console_errors(&[]).await;

    browser.click(".score[data-score='3']").await;
    browser.wait_for_visible("#comment").await;
    let first = fixture.latest_response("the score", |_| true).await;
    assert_eq!(first.score, score(3));
    assert_eq!(first.channel, "link");
    browser.screenshot("follow-up").await;
    browser.assert_no_console_errors(&[]).await;

    let reason = "Exports time out on big projects.";
    browser.type_into("#comment", reason).await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    browser.screenshot("thanks").await;
    browser.assert_no_console_errors(&[]).await;

    let latest = fixture
        .latest_response("the comment", |response| response.comment.is_some())
        .await;
    assert_eq!(latest.score, score(3));
    assert_eq!(latest.comment.as_deref(), Some(reason));
    assert_eq!(latest.channel, "link");
    assert_eq!(
        latest.contact, first.contact,
        "the comment completes the same answer"
    );
    assert_eq!(
        fixture.responses().await.len(),
        1,
        "one answer, counted once"
    );
    browser.close().await;
}

/// (e) A score of 11 from a tampered form is refused with the error on the page (422) and
/// records nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_score_is_refused_on_the_page() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("mallory@example.com").await;
    let (_, url) = fixture.email_invitation(&contact).await;
    let Some(mut browser) = Browser::start("tampered-score", Viewport::Desktop).await else {
        return;
    };

    browser.goto(&url).await;
    browser.wait_for_visible("#score-10").await;
    browser.screenshot("question").await;
    browser.assert_no_console_errors(&[]).await;
    let changed = browser
        .execute(
            "const button = document.querySelector('#score-10');
             button.value = '11'; button.dataset.score = '11'; button.textContent = '11';
             return button.value;",
            vec![],
        )
        .await;
    assert_eq!(changed, json!("11"));
    browser.click("#score-10").await;
    let error = browser.wait_for_visible(".error[role='alert']").await;
    let message = error.text().await.expect("the error's text");
    assert!(!message.trim().is_empty(), "the error says what is wrong");
    assert_eq!(page_status(&browser).await, 422);
    // The question is asked again, with its eleven buttons.
    assert_eq!(browser.find_all(".scale .score").await.len(), 11);
    browser.screenshot("refused").await;
    // The 422 itself may be reported as a failed load; nothing else may be.
    let errors = browser.console_errors().await;
    let unexpected: Vec<_> = errors
        .iter()
        .filter(|entry| !entry.message.contains("status of 422"))
        .collect();
    assert!(unexpected.is_empty(), "console errors: {unexpected:?}");

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(fixture.responses().await.is_empty(), "nothing recorded");
    browser.close().await;
}

/// Checks the score scale of the current page on a phone: eleven buttons in two rows, each at
/// least 44 CSS pixels tall, and nothing wider than the screen.
async fn assert_phone_scale(browser: &Browser, buttons_css: &str) {
    let viewport = browser
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await;
    assert_eq!(
        viewport[0],
        json!(390),
        "the page is laid out for the phone's width (meta viewport)"
    );
    assert!(
        viewport[1].as_i64().unwrap_or(i64::MAX) <= 390,
        "nothing scrolls sideways: {viewport}"
    );
    let buttons = browser.find_all(buttons_css).await;
    assert_eq!(buttons.len(), 11, "eleven score buttons ({buttons_css})");
    let mut tops = Vec::new();
    for button in &buttons {
        let (x, y, width, height) = browser.rect(button).await;
        assert!(
            height >= 44.0,
            "a button {height} px tall: too small to tap"
        );
        assert!(width >= 30.0, "a button {width} px wide");
        assert!(
            x >= 0.0 && x + width <= 390.5,
            "a button off screen at x = {x}"
        );
        tops.push(y.round() as i64);
    }
    let mut rows = tops.clone();
    rows.sort_unstable();
    rows.dedup();
    assert_eq!(rows.len(), 2, "two rows of buttons, tops at {tops:?}");
    // In order: 0 to 5 on the first row, 6 to 10 on the second (or at least in reading order).
    assert!(tops.windows(2).all(|pair| pair[0] <= pair[1]), "{tops:?}");
}

/// (f) On a phone: the survey page, its follow-up and thanks, and the public link, with the
/// score buttons in two rows of large targets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_pages_have_two_rows_of_large_buttons() {
    let fixture = Fixture::new().await;
    let contact = fixture.contact("linus@example.com").await;
    let (_, url) = fixture.email_invitation(&contact).await;
    let Some(mut browser) = Browser::start("phone", Viewport::Phone).await else {
        return;
    };

    browser.goto(&url).await;
    browser.wait_for_visible("#score-0").await;
    assert_phone_scale(&browser, ".scale .score").await;
    browser.screenshot("survey-question").await;
    browser.assert_no_console_errors(&[]).await;

    browser.click("#score-7").await;
    browser.wait_for_visible("#comment").await;
    browser.screenshot("survey-follow-up").await;
    // Phones zoom into a text field whose text is smaller than 16 px.
    let font = browser
        .execute(
            "return parseFloat(getComputedStyle(document.getElementById('comment')).fontSize);",
            vec![],
        )
        .await;
    assert!(
        font.as_f64().unwrap_or(0.0) >= 16.0,
        "the comment box's text is {font} px"
    );
    let send = browser.wait_for_visible("#send").await;
    let (_, _, _, height) = browser.rect(&send).await;
    assert!(height >= 44.0, "the send button is {height} px tall");
    browser.type_into("#comment", "Fine on my phone.").await;
    browser.click("#send").await;
    browser.wait_for_visible("#thanks").await;
    browser.screenshot("survey-thanks").await;
    browser.assert_no_console_errors(&[]).await;

    browser.goto(&fixture.link_url()).await;
    browser.wait_for_visible(".score[data-score='0']").await;
    assert_phone_scale(&browser, ".scale .score").await;
    browser.screenshot("link-question").await;
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;
}

/// The widget's user, as the host app identifies them.
fn widget_user() -> Value {
    json!({
        "id": "user-42",
        "email": "ada@example.com",
        "traits": { "plan": "pro", "created_at": "2024-01-15T09:00:00Z" }
    })
}

/// A widget key of the fixture's survey allowing the host app's origin only.
async fn widget_key(fixture: &Fixture, origin: &str) -> String {
    let key = "pk_browsertests0123456789".to_owned();
    fixture
        .server
        .store
        .create_widget_key(
            fixture.server.workspace.id,
            NewWidgetKey {
                survey: fixture.survey.id,
                key: key.clone(),
                origins: vec![origin.to_owned()],
                sample: 1.0,
                min_account_age_days: 0,
            },
        )
        .await
        .expect("a widget key");
    key
}

/// The host app and the widget key it embeds: the app is started first so that the key can
/// name its origin, and its page is set once the key exists.
async fn host_with_widget(fixture: &Fixture) -> (HostApp, String) {
    let host = HostApp::start_empty().await;
    let key = widget_key(fixture, &host.origin).await;
    host.set_page(vouch_browser_tests::widget_page(
        &fixture.server.base,
        &key,
        &widget_user(),
    ));
    (host, key)
}

/// The widget's parts, inside the shadow root of its host element.
const DIALOG: &str = "#vouch-widget >>> [role='dialog']";
const WIDGET_SCORES: &str = "#vouch-widget >>> [role='dialog'] [data-score]";
const WIDGET_COMMENT: &str = "#vouch-widget >>> [role='dialog'] textarea";
const WIDGET_SEND: &str = "#vouch-widget >>> #vouch-send";
const WIDGET_THANKS: &str = "#vouch-widget >>> #vouch-thanks";

fn widget_score(value: u8) -> String {
    format!("#vouch-widget >>> [role='dialog'] [data-score='{value}']")
}

/// (d) The widget on another origin: the overlay asks, score 10 and a reason are recorded
/// through `widget`; the same user is not asked again on the next page load.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_asks_once_from_another_origin() {
    let fixture = Fixture::new().await;
    let (host, _key) = host_with_widget(&fixture).await;
    let Some(mut browser) = Browser::start("widget", Viewport::Desktop).await else {
        return;
    };

    browser.goto(&host.url()).await;
    let dialog = browser.wait_for_visible(DIALOG).await;
    let named_by = dialog.attr("aria-labelledby").await.expect("an attribute");
    let named = dialog.attr("aria-label").await.expect("an attribute");
    assert!(
        named_by.is_some() || named.is_some(),
        "the dialog has an accessible name"
    );
    browser.wait_for_visible(&widget_score(10)).await;
    assert_eq!(browser.find_all(WIDGET_SCORES).await.len(), 11);
    browser.screenshot("overlay").await;
    browser.assert_no_console_errors(&[]).await;

    browser.click(&widget_score(10)).await;
    browser.wait_for_visible(WIDGET_COMMENT).await;
    let chosen = fixture.latest_response("the score picked", |_| true).await;
    assert_eq!(chosen.score, score(10));
    assert_eq!(chosen.channel, "widget");
    browser.screenshot("follow-up").await;
    let reason = "It saves me an hour every week.";
    browser.type_into(WIDGET_COMMENT, reason).await;
    browser.click(WIDGET_SEND).await;
    browser.wait_for_visible(WIDGET_THANKS).await;
    browser.screenshot("thanks").await;
    browser.assert_no_console_errors(&[]).await;

    let latest = fixture
        .latest_response("the widget's answer with its comment", |response| {
            response.comment.is_some()
        })
        .await;
    assert_eq!(latest.score, score(10));
    assert_eq!(latest.comment.as_deref(), Some(reason));
    assert_eq!(latest.channel, "widget");
    assert_eq!(fixture.responses().await.len(), 1, "counted once");
    let contact = fixture
        .server
        .store
        .contact_by_id(fixture.server.workspace.id, latest.contact)
        .await
        .expect("read the contact")
        .expect("the contact exists");
    assert_eq!(contact.external_id.as_deref(), Some("user-42"));

    // The next page load: the user was just asked, so the widget stays hidden.
    browser.goto(&host.url()).await;
    browser.wait_for("#app-button").await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(
        !browser.is_visible(DIALOG).await,
        "the widget asked the same user twice"
    );
    browser.screenshot("second-visit").await;
    browser.assert_no_console_errors(&[]).await;
    assert_eq!(fixture.responses().await.len(), 1);
    browser.close().await;
}

/// (d, f) The widget on a phone: its buttons are in two rows of targets large enough to tap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_on_a_phone() {
    let fixture = Fixture::new().await;
    let (host, _key) = host_with_widget(&fixture).await;
    let Some(mut browser) = Browser::start("widget", Viewport::Phone).await else {
        return;
    };
    browser.goto(&host.url()).await;
    browser.wait_for_visible(&widget_score(0)).await;
    // Let the panel's entrance animation end before measuring.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_phone_scale(&browser, WIDGET_SCORES).await;
    browser.screenshot("overlay").await;
    browser.click(&widget_score(6)).await;
    browser.wait_for_visible(WIDGET_COMMENT).await;
    browser.screenshot("follow-up").await;
    let send = browser.wait_for_visible(WIDGET_SEND).await;
    let (_, _, _, height) = browser.rect(&send).await;
    assert!(height >= 44.0, "the send button is {height} px tall");
    browser.assert_no_console_errors(&[]).await;
    browser.close().await;
}

/// The widget on a page whose origin its key does not allow: the browser's CORS check stops
/// it, nothing is shown and nobody is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_is_refused_on_an_origin_its_key_does_not_allow() {
    let fixture = Fixture::new().await;
    let key = widget_key(&fixture, "https://app.example.com").await;
    let host = HostApp::with_widget(&fixture.server.base, &key, &widget_user()).await;
    let Some(mut browser) = Browser::start("widget-other-origin", Viewport::Desktop).await else {
        return;
    };
    browser.goto(&host.url()).await;
    browser.wait_for("#app-button").await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert!(!browser.is_visible(DIALOG).await, "the widget showed");
    browser.screenshot("page").await;
    // The browser reports the refused call (as CORS, or as the failed load); nothing else
    // may go wrong on the page.
    let errors = browser.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|entry| entry.message.contains("blocked by CORS policy")),
        "the browser refused the call: {errors:?}"
    );
    let others: Vec<_> = errors
        .iter()
        .filter(|entry| {
            let refused_call = entry.message.contains("blocked by CORS policy")
                || (entry.source == "network" && entry.message.contains("/w/v1/"));
            !refused_call
        })
        .collect();
    assert!(others.is_empty(), "other console errors: {others:?}");
    let user = ContactKey {
        external_id: Some("user-42".into()),
        email: None,
    };
    let known = fixture
        .server
        .store
        .contact(fixture.server.workspace.id, &user)
        .await
        .expect("look the user up");
    assert_eq!(known, None, "a refused origin created a contact");
    assert!(fixture.responses().await.is_empty());
    browser.close().await;
}

/// The widget's dialog takes the focus, keeps Tab inside itself, closes with Escape and gives
/// the focus back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn widget_dialog_works_from_the_keyboard() {
    let fixture = Fixture::new().await;
    let (host, _key) = host_with_widget(&fixture).await;
    let Some(mut browser) = Browser::start("widget-keyboard", Viewport::Desktop).await else {
        return;
    };
    browser.goto(&host.url()).await;
    browser.wait_for_visible(&widget_score(5)).await;
    let focus_in_dialog = "const host = document.getElementById('vouch-widget');
        const root = host && host.shadowRoot;
        const active = root && root.activeElement;
        return !!(active && active.closest('[role=dialog]'));";
    assert_eq!(
        browser.execute(focus_in_dialog, vec![]).await,
        json!(true),
        "the dialog takes the focus when it opens"
    );
    for _ in 0..14 {
        browser.press_key(Key::Tab).await;
        assert_eq!(
            browser.execute(focus_in_dialog, vec![]).await,
            json!(true),
            "Tab leaves the modal dialog"
        );
    }
    browser.press_key(Key::Escape).await;
    eventually("the dialog to close", SETTLE, || async {
        (!browser.exists("#vouch-widget").await).then_some(())
    })
    .await;
    browser.assert_no_console_errors(&[]).await;
    assert!(
        fixture.responses().await.is_empty(),
        "closing records nothing"
    );
    browser.close().await;
}

/// The harness itself: pages load, screenshots are written, and an error in the console is
/// caught (so that "no console errors" above means something).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn harness_catches_console_errors() {
    let server = VouchServer::start().await;
    let Some(mut browser) = Browser::start("harness", Viewport::Desktop).await else {
        return;
    };
    browser.goto(&server.url("/healthz")).await;
    let shot = browser.screenshot("healthz").await;
    assert!(std::fs::metadata(&shot).expect("the screenshot").len() > 100);
    browser.assert_no_console_errors(&[]).await;

    let host = HostApp::start(
        "<!doctype html><title>t</title><script>console.error('planted'); undefinedCall();</script>"
            .to_owned(),
    )
    .await;
    browser.goto(&host.url()).await;
    let errors = browser.console_errors().await;
    assert!(
        errors.iter().any(|entry| entry.message.contains("planted")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|entry| entry.message.contains("undefinedCall")),
        "{errors:?}"
    );
    browser.close().await;
}
