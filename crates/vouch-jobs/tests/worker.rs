//! The worker against a real (SQLite) store, without an SMTP server: dispatch, failures and
//! retries, campaign runs and their schedule, reminders, and stopping.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use vouch_core::{AttributeValue, SurveyKind};
use vouch_jobs::{JobsConfig, NO_SMTP_SERVER, Worker};
use vouch_store::{
    Attributes, CampaignJob, CampaignRules, ContactKey, JobPayload, JobQuery, JobStatus,
    NewCampaign, NewJob, NewSurvey, Store, SurveyId, WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

struct Fixture {
    _directory: tempfile::TempDir,
    sqlite: SqliteStore,
    store: Arc<dyn Store>,
    workspace: WorkspaceId,
    survey: SurveyId,
}

async fn fixture(contacts: usize) -> Fixture {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let sqlite = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = store
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: "Product".into(),
                kind: SurveyKind::Nps,
                question: SurveyKind::Nps.default_question(None),
                follow_up: "Why?".into(),
            },
        )
        .await
        .unwrap()
        .id;
    let people: Vec<(ContactKey, Attributes)> = (0..contacts)
        .map(|i| {
            let mut attributes = Attributes::new();
            let plan = if i % 2 == 0 { "pro" } else { "free" };
            attributes.insert("plan".into(), AttributeValue::infer(plan));
            let key = ContactKey {
                external_id: None,
                email: Some(format!("p{i}@example.com")),
            };
            (key, attributes)
        })
        .collect();
    let definitions = [vouch_store::AttributeDefinition {
        name: "plan".into(),
        kind: vouch_core::AttributeKind::String,
    }];
    store
        .upsert_contacts(workspace, &people, &definitions)
        .await
        .unwrap();
    Fixture {
        _directory: directory,
        sqlite,
        store,
        workspace,
        survey,
    }
}

fn rules() -> CampaignRules {
    CampaignRules {
        filters: Vec::new(),
        sample: 1.0,
        throttle_days: 90,
        reminder_after_days: None,
        repeat_every_days: None,
        spread_over_weekdays: false,
    }
}

fn worker(store: &Arc<dyn Store>) -> Worker {
    Worker::new(Arc::clone(store), JobsConfig::default()).unwrap()
}

async fn jobs(store: &Arc<dyn Store>, kind: &str) -> Vec<vouch_store::Job> {
    store
        .jobs(&JobQuery {
            kind: Some(kind.into()),
            limit: 10_000,
            ..JobQuery::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unknown_kind_fails_at_once_with_a_clear_error() {
    let f = fixture(0).await;
    // As a newer version of Vouch may have queued it.
    f.sqlite
        .enqueue_raw_job(f.workspace, "reticulate_splines", "{}", Timestamp::now(), 5)
        .await
        .unwrap();
    assert_eq!(worker(&f.store).run_due_jobs().await.unwrap(), 1);
    let job = &jobs(&f.store, "reticulate_splines").await[0];
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.attempts, 1);
    assert!(
        job.last_error
            .as_deref()
            .unwrap()
            .starts_with("unknown job kind \"reticulate_splines\""),
        "{job:?}"
    );
}

#[tokio::test]
async fn a_malformed_payload_fails_at_once_naming_its_kind_and_fault() {
    let f = fixture(0).await;
    f.sqlite
        .enqueue_raw_job(
            f.workspace,
            "send_email",
            r#"{"invitation":"x"}"#,
            Timestamp::now(),
            8,
        )
        .await
        .unwrap();
    assert_eq!(worker(&f.store).run_due_jobs().await.unwrap(), 1);
    let job = &jobs(&f.store, "send_email").await[0];
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.attempts, 1);
    let error = job.last_error.as_deref().unwrap();
    assert!(
        error.starts_with(
            r#"invalid send_email payload "{\"invitation\":\"x\"}": invalid type: string"#
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_campaign_invites_its_filtered_contacts_and_emails_fail_without_smtp() {
    let f = fixture(10).await;
    let campaign = f
        .store
        .create_campaign(
            f.workspace,
            NewCampaign {
                survey: f.survey,
                name: "Pro".into(),
                rules: CampaignRules {
                    filters: vec![("plan".into(), "pro".into())],
                    ..rules()
                },
                first_run_at: Timestamp::now(),
            },
        )
        .await
        .unwrap();
    // The run, then its five emails.
    assert_eq!(worker(&f.store).run_due_jobs().await.unwrap(), 6);
    let numbers = f
        .store
        .campaign_numbers(f.workspace, campaign.id)
        .await
        .unwrap();
    assert_eq!(
        (
            numbers.invited,
            numbers.sent,
            numbers.pending,
            numbers.failing
        ),
        (5, 0, 5, 5)
    );
    let emails = jobs(&f.store, "send_email").await;
    assert_eq!(emails.len(), 5);
    for job in &emails {
        assert_eq!(job.status, JobStatus::Queued, "retried later: {job:?}");
        assert_eq!(job.last_error.as_deref(), Some(NO_SMTP_SERVER));
        let wait = job.run_at.duration_since(job.updated_at);
        assert!(
            wait >= jiff::SignedDuration::from_secs(14)
                && wait <= jiff::SignedDuration::from_secs(31),
            "backoff of the first retry: {wait:?}"
        );
    }
    let campaign = f
        .store
        .campaign(f.workspace, campaign.id)
        .await
        .unwrap()
        .unwrap();
    assert!(campaign.last_run_at.is_some());
    assert_eq!(campaign.next_run_at, None, "a one-off campaign");
    // Running it again (a retried job) invites nobody twice.
    let again = NewJob {
        payload: JobPayload::RunCampaign(CampaignJob {
            campaign: campaign.id.0,
        }),
        run_at: Timestamp::now(),
        max_attempts: 5,
    };
    f.store.enqueue_job(f.workspace, again).await.unwrap();
    worker(&f.store).run_due_jobs().await.unwrap();
    let numbers = f
        .store
        .campaign_numbers(f.workspace, campaign.id)
        .await
        .unwrap();
    assert_eq!(numbers.invited, 5);
}

#[tokio::test]
async fn a_repeating_campaign_schedules_its_next_cycle_and_its_reminders() {
    let f = fixture(4).await;
    let campaign = f
        .store
        .create_campaign(
            f.workspace,
            NewCampaign {
                survey: f.survey,
                name: "Quarterly".into(),
                rules: CampaignRules {
                    repeat_every_days: Some(90),
                    reminder_after_days: Some(3),
                    ..rules()
                },
                first_run_at: Timestamp::now(),
            },
        )
        .await
        .unwrap();
    worker(&f.store).run_due_jobs().await.unwrap();
    let campaign = f
        .store
        .campaign(f.workspace, campaign.id)
        .await
        .unwrap()
        .unwrap();
    let next = campaign.next_run_at.expect("a next run");
    assert_eq!(
        next,
        campaign.created_at + jiff::SignedDuration::from_hours(90 * 24)
    );
    let runs = jobs(&f.store, "run_campaign").await;
    assert!(
        runs.iter()
            .any(|job| job.status == JobStatus::Queued && job.run_at == next)
    );
    let reminders = jobs(&f.store, "campaign_reminders").await;
    assert_eq!(reminders.len(), 1);
    let wait = reminders[0]
        .run_at
        .duration_since(campaign.last_run_at.unwrap());
    assert!(wait > jiff::SignedDuration::from_hours(72), "{wait:?}");
}

#[tokio::test]
async fn the_worker_stops_when_told_and_finishes_what_it_started() {
    let f = fixture(3).await;
    f.store
        .create_campaign(
            f.workspace,
            NewCampaign {
                survey: f.survey,
                name: "Now".into(),
                rules: rules(),
                first_run_at: Timestamp::now(),
            },
        )
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = {
        let worker = worker(&f.store);
        tokio::spawn(async move {
            worker
                .run_until_stopped(async move {
                    let _ = stopped.await;
                })
                .await;
        })
    };
    // The run and its three emails are picked up without being asked.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while jobs(&f.store, "send_email")
        .await
        .iter()
        .filter(|job| job.attempts > 0)
        .count()
        < 3
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker ran the jobs"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the worker stops within 5 s")
        .unwrap();
    for job in jobs(&f.store, "send_email").await {
        assert_ne!(job.status, JobStatus::Running, "nothing left half-done");
    }
}
