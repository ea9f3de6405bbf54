//! Answer collection on SQLite beyond the shared story: workers and servers racing on one file,
//! answers serialised with imports, attribute names that cannot be JSON paths.

use std::collections::BTreeSet;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    Answer, AttributeDefinition, Attributes, CampaignJob, Channel, ContactId, ContactKey,
    Eligibility, InvitationId, JobId, JobPayload, JobQuery, JobStatus, NewInvitation, NewJob,
    NewResponse, NewSurvey, ResponseId, SurveyId, WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

struct Fixture {
    directory: tempfile::TempDir,
    store: SqliteStore,
    workspace: WorkspaceId,
    survey: SurveyId,
}

async fn fixture() -> Fixture {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let workspace = store.workspace("acme").await.expect("workspace").id;
    let survey = store
        .create_survey(
            workspace,
            NewSurvey {
                name: "Onboarding".into(),
                kind: SurveyKind::Nps,
                question: "How likely are you to recommend Acme?".into(),
                follow_up: "Why?".into(),
                slug: None,
                settings: Default::default(),
            },
        )
        .await
        .expect("survey")
        .id;
    Fixture {
        directory,
        store,
        workspace,
        survey,
    }
}

fn key(external_id: &str) -> ContactKey {
    ContactKey {
        external_id: Some(external_id.to_owned()),
        email: Some(format!("{external_id}@example.com")),
    }
}

impl Fixture {
    async fn contact(&self, external_id: &str, attributes: Attributes) -> ContactId {
        self.store
            .upsert_contact(self.workspace, &key(external_id), &attributes, &[])
            .await
            .expect("upsert_contact")
            .id
    }

    async fn invite(&self, contact: ContactId, channel: Channel) -> InvitationId {
        let invitations = self
            .store
            .invite(
                self.workspace,
                &[NewInvitation {
                    survey: self.survey,
                    contact,
                    campaign: None,
                    channel,
                    expires_at: Timestamp::now() + SignedDuration::from_hours(24),
                }],
            )
            .await
            .expect("invite");
        invitations[0].id
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_claiming_at_once_never_get_the_same_job() {
    let fixture = fixture().await;
    let due = Timestamp::from_second(1_000_000_000).expect("a time");
    let mut queued = BTreeSet::new();
    for number in 0..200 {
        let job = NewJob {
            payload: JobPayload::RunCampaign(CampaignJob { campaign: number }),
            run_at: due,
            max_attempts: 1,
        };
        let job = fixture
            .store
            .enqueue_job(fixture.workspace, job)
            .await
            .expect("enqueue_job");
        queued.insert(job.id);
    }
    // A second store on the same file stands for a second server.
    let other_server =
        SqliteStore::open_path(&fixture.directory.path().join("vouch.db")).expect("open again");
    let mut workers = Vec::new();
    for worker in 0..6 {
        let store = match worker % 2 {
            0 => fixture.store.clone(),
            _ => other_server.clone(),
        };
        workers.push(tokio::spawn(async move {
            let now = due + SignedDuration::from_secs(1);
            let mut claimed = Vec::new();
            loop {
                let jobs = store
                    .claim_jobs(now, now + SignedDuration::from_mins(5), 7)
                    .await
                    .expect("claim_jobs");
                if jobs.is_empty() {
                    return claimed;
                }
                claimed.extend(jobs.into_iter().map(|job| job.id));
            }
        }));
    }
    let mut claimed: Vec<JobId> = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.expect("a worker"));
    }
    let distinct: BTreeSet<JobId> = claimed.iter().copied().collect();
    assert_eq!(distinct.len(), claimed.len(), "no job was claimed twice");
    assert_eq!(distinct, queued, "every job was claimed");
    let running = fixture
        .store
        .jobs(&JobQuery {
            workspace: Some(fixture.workspace),
            status: Some(JobStatus::Running),
            kind: None,
            limit: 1_000,
        })
        .await
        .expect("jobs");
    assert_eq!(running.len(), 200);
    assert!(running.iter().all(|job| job.attempts == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_making_the_link_secret_at_once_agree_on_it() {
    let fixture = fixture().await;
    let path = fixture.directory.path().join("vouch.db");
    let mut servers = Vec::new();
    for _ in 0..4 {
        let store = SqliteStore::open_path(&path).expect("open again");
        servers.push(tokio::spawn(async move { store.link_secret().await }));
    }
    let mut secrets = BTreeSet::new();
    for server in servers {
        secrets.insert(server.await.expect("a server").expect("link_secret"));
    }
    assert_eq!(secrets.len(), 1, "one secret for every server");
    let secret = secrets.into_iter().next().unwrap_or_default();
    assert_eq!(secret.len(), 32);
    assert_eq!(
        fixture.store.link_secret().await.expect("link_secret"),
        secret
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_waits_for_a_running_import_and_is_numbered_after_it() {
    let fixture = fixture().await;
    let ann = fixture.contact("ann", Attributes::new()).await;
    let invitation = fixture.invite(ann, Channel::Email).await;

    let mut import = fixture
        .store
        .begin_import(fixture.workspace)
        .await
        .expect("begin_import");
    let imported = NewResponse {
        survey: fixture.survey,
        contact: key("bob"),
        attributes: Attributes::new(),
        score: Score::new(3).expect("a score"),
        comment: None,
        created_at: Timestamp::from_second(1_770_000_000).expect("a time"),
        channel: "import".into(),
    };
    import
        .write(std::slice::from_ref(&imported))
        .await
        .expect("write");
    let store = fixture.store.clone();
    let answering = tokio::spawn(async move {
        store
            .record_answer(&Answer {
                invitation,
                score: Score::new(9).expect("a score"),
                comment: None,
                at: Timestamp::now(),
            })
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !answering.is_finished(),
        "the answer waits for the import's write lock"
    );
    import.commit().await.expect("commit");
    let answer = answering.await.expect("the task").expect("record_answer");

    let all = fixture
        .store
        .responses_after(fixture.workspace, ResponseId::default(), None, 10)
        .await
        .expect("responses_after");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].channel, "import");
    assert_eq!(
        all[1], answer,
        "committed after the import, so numbered after it: a tail by id misses nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_racing_on_one_invitation_leave_one_response() {
    let fixture = fixture().await;
    let ann = fixture.contact("ann", Attributes::new()).await;
    let invitation = fixture.invite(ann, Channel::Widget).await;
    let mut answers = Vec::new();
    for score in 0..8 {
        let store = fixture.store.clone();
        answers.push(tokio::spawn(async move {
            store
                .record_answer(&Answer {
                    invitation,
                    score: Score::new(score).expect("a score"),
                    comment: None,
                    at: Timestamp::now(),
                })
                .await
        }));
    }
    for answer in answers {
        answer.await.expect("the task").expect("record_answer");
    }
    let responses = fixture
        .store
        .contact_responses(fixture.workspace, ann)
        .await
        .expect("contact_responses");
    assert_eq!(responses.len(), 1, "answering again replaces, never adds");
    let deletions = fixture
        .store
        .deletions_after(fixture.workspace, 0)
        .await
        .expect("deletions_after");
    assert_eq!(deletions.len(), 7, "every earlier answer was erased");
    let current = fixture
        .store
        .invitation(invitation)
        .await
        .expect("invitation")
        .and_then(|invitation| invitation.response);
    assert_eq!(current, Some(responses[0].id));
    assert!(
        deletions
            .iter()
            .all(|deletion| deletion.response < responses[0].id),
        "the answer left is the last one written"
    );
}

#[tokio::test]
async fn eligibility_filters_attributes_whose_names_are_not_json_paths() {
    let fixture = fixture().await;
    let odd = "the \"plan\\tier\"";
    let definitions = [AttributeDefinition {
        name: odd.to_owned(),
        kind: AttributeKind::String,
    }];
    let with =
        |value: &str| Attributes::from([(odd.to_owned(), AttributeValue::String(value.into()))]);
    let (created, updated) = fixture
        .store
        .upsert_contacts(
            fixture.workspace,
            &[
                (key("ann"), with("pro")),
                (key("bob"), with("free")),
                (key("cid"), with("team")),
            ],
            &definitions,
        )
        .await
        .expect("upsert_contacts");
    assert_eq!((created, updated), (3, 0));
    let eligible = fixture
        .store
        .eligible_contacts(
            fixture.workspace,
            &Eligibility {
                filters: vec![
                    (odd.to_owned(), "pro".to_owned()),
                    (odd.to_owned(), "team".to_owned()),
                ],
                not_surveyed_since: Timestamp::now(),
                campaign: None,
                need_email: true,
                after: None,
                limit: 10,
            },
        )
        .await
        .expect("eligible_contacts");
    let names: Vec<Option<String>> = eligible
        .into_iter()
        .map(|contact| contact.external_id)
        .collect();
    assert_eq!(names, [Some("ann".to_owned()), Some("cid".to_owned())]);
}
