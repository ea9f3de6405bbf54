//! The weekly digest end to end on SQLite and a real SMTP server (aiosmtpd): due on Monday at
//! 08:00 in the workspace's time zone, sent once to the members who turned it on, read back
//! with the NPS of the seeded answers, three comments and how to stop it.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use vouch_core::{Score, SurveyKind};
use vouch_jobs::digest_schedule::send_due;
use vouch_jobs::{JobsConfig, Mailer};
use vouch_store::{
    ContactKey, MemberPreferences, NewResponse, NewSurvey, Role, Store, SurveyId, WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;
use vouch_test_kit::accounts::user;
use vouch_test_kit::smtp::{SmtpServer, aiosmtpd_available};

async fn survey(
    store: &dyn Store,
    workspace: WorkspaceId,
    name: &str,
    kind: SurveyKind,
) -> SurveyId {
    store
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: name.into(),
                kind,
                question: kind.default_question(None),
                follow_up: "Why?".into(),
            },
        )
        .await
        .expect("a survey")
        .id
}

/// One answer: `(survey, who, score, comment, when)`.
type Row<'a> = (SurveyId, &'a str, i64, Option<&'a str>, &'a str);

async fn seed(store: &dyn Store, workspace: WorkspaceId, rows: &[Row<'_>]) {
    let responses: Vec<NewResponse> = rows
        .iter()
        .map(|(survey, who, score, comment, at)| NewResponse {
            survey: *survey,
            contact: ContactKey {
                external_id: Some((*who).to_owned()),
                email: None,
            },
            attributes: BTreeMap::new(),
            score: Score::new(*score).expect("a score"),
            comment: comment.map(str::to_owned),
            created_at: at.parse().expect("an instant"),
            channel: "api".into(),
        })
        .collect();
    let mut import = store.begin_import(workspace).await.expect("an import");
    import.write(&responses).await.expect("written");
    import.commit().await.expect("committed");
}

#[tokio::test]
async fn the_digest_goes_out_on_monday_morning_once_to_those_who_opted_in() {
    if !aiosmtpd_available("the_digest_goes_out_on_monday_morning_once_to_those_who_opted_in") {
        return;
    }
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("vouch.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_path(&path).expect("open"));
    let workspace = store.workspace("acme").await.expect("a workspace");
    store
        .set_workspace_time_zone(workspace.id, "Europe/Paris")
        .await
        .expect("a time zone");
    let workspace = store.workspace("acme").await.expect("a workspace");
    let customers = survey(&*store, workspace.id, "Customers", SurveyKind::Nps).await;
    let team = survey(&*store, workspace.id, "Team pulse", SurveyKind::Enps).await;
    // Week 2026-W49 in Paris: Monday 30 November 00:00 (29 Nov 23:00 UTC) to Monday 7
    // December 00:00 (6 Dec 23:00 UTC).
    let mut rows: Vec<Row<'_>> = vec![
        (
            customers,
            "c1",
            10,
            Some("Older praise"),
            "2026-11-30T09:00:00Z",
        ),
        (
            customers,
            "c2",
            9,
            Some("Support answered within minutes"),
            "2026-12-05T09:00:00Z",
        ),
        (customers, "c3", 10, None, "2026-12-06T09:00:00Z"),
        (
            customers,
            "c4",
            8,
            Some("Fine, a bit slow"),
            "2026-12-03T09:00:00Z",
        ),
        (
            customers,
            "c5",
            2,
            Some("Older complaint"),
            "2026-12-01T09:00:00Z",
        ),
        (
            customers,
            "c6",
            4,
            Some("Invoices arrive late"),
            "2026-12-04T09:00:00Z",
        ),
        (customers, "c7", 10, None, "2026-12-02T09:00:00Z"),
        // Sunday 23:30 in Paris: still the week reported.
        (customers, "c8", 9, None, "2026-12-06T22:30:00Z"),
        // Monday 00:30 in Paris: the next week, left out.
        (
            customers,
            "c9",
            0,
            Some("Next week's complaint"),
            "2026-12-06T23:30:00Z",
        ),
        // The week before: NPS 0.
        (customers, "p1", 10, None, "2026-11-25T09:00:00Z"),
        (customers, "p2", 3, None, "2026-11-26T09:00:00Z"),
    ];
    for who in ["e1", "e2", "e3", "e4", "e5", "e6"] {
        rows.push((
            team,
            who,
            0,
            Some("A colleague's secret"),
            "2026-12-05T10:00:00Z",
        ));
    }
    seed(&*store, workspace.id, &rows).await;
    // Counted here from the rows above: 5 promoters, 1 passive, 2 detractors of 8.
    let expected_nps = ((5.0 - 2.0) / 8.0 * 100.0_f64).round();
    assert_eq!(expected_nps, 38.0);

    let ann = user(&*store, "ann@example.com", &workspace, Role::Viewer, false).await;
    user(&*store, "bob@example.com", &workspace, Role::Admin, true).await;
    let opted_in = MemberPreferences {
        weekly_digest: true,
        ..MemberPreferences::default()
    };
    store
        .set_member_preferences(workspace.id, ann.id, &opted_in)
        .await
        .expect("saved");

    let smtp = SmtpServer::start();
    let mailer = Mailer::from_url(&smtp.url(), "vouch@example.com", 1).expect("a mailer");
    let config = JobsConfig {
        public_url: "https://nps.example.com".into(),
        smtp_url: Some(smtp.url()),
        ..JobsConfig::default()
    };
    let due: Timestamp = "2026-12-07T07:00:00Z"
        .parse()
        .expect("Monday 08:00 in Paris");
    let just_before = due - jiff::SignedDuration::from_secs(1);
    assert_eq!(
        send_due(&*store, &config, &mailer, just_before)
            .await
            .expect("looked"),
        0
    );
    assert_eq!(
        send_due(&*store, &config, &mailer, due)
            .await
            .expect("sent"),
        1
    );
    let later = due + jiff::SignedDuration::from_hours(5);
    assert_eq!(
        send_due(&*store, &config, &mailer, later)
            .await
            .expect("looked"),
        0
    );
    // Another server on the same database finds the week claimed.
    let other: Arc<dyn Store> = Arc::new(SqliteStore::open_path(&path).expect("open again"));
    assert_eq!(
        send_due(&*other, &config, &mailer, later)
            .await
            .expect("looked"),
        0
    );

    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "one e-mail, to the member who opted in");
    let mail = &messages[0];
    assert_eq!(mail.header("to"), Some("ann@example.com"));
    assert_eq!(
        mail.header("subject"),
        Some(format!("Vouch weekly digest 2026-W49: NPS {expected_nps} (+38)").as_str())
    );
    let text = mail.part("text/plain").expect("a text part");
    let html = mail.part("text/html").expect("an HTML part");
    assert!(text.contains(&format!("NPS {expected_nps} ")), "{text}");
    assert!(text.contains("from 8 answers"), "{text}");
    // Three verbatims: the newest comment of each category, newest first.
    let quoted = [
        "Support answered within minutes",
        "Invoices arrive late",
        "Fine, a bit slow",
    ];
    let positions: Vec<usize> = quoted
        .iter()
        .map(|comment| {
            text.find(comment)
                .unwrap_or_else(|| panic!("{comment} in {text}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "newest first"
    );
    for left_out in [
        "Older praise",
        "Older complaint",
        "Next week's complaint",
        "secret",
    ] {
        assert!(
            !text.contains(left_out) && !html.contains(left_out),
            "{left_out}"
        );
    }
    assert!(text.contains("eNPS surveys are left out"));
    assert!(text.contains(
        "To stop receiving it, turn it off on the digest page: https://nps.example.com/app/digest"
    ));
    assert!(
        html.contains("https://nps.example.com/app\""),
        "a link to the dashboard"
    );
}
