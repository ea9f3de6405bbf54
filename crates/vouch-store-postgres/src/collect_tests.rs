//! Tests of answer collection that need a PostgreSQL server: the job queue claimed from several
//! servers at once, answers replacing answers in the response-id protocol, the throttle, and
//! migration 3 on a database that already has surveys. Like [`crate::database_tests`], they are
//! skipped when `VOUCH_TEST_DATABASE_URL` is not set.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};
use vouch_core::{AttributeKind, AttributeValue, Score};
use vouch_store::prelude::*;
use vouch_store::{
    Answer, AttributeDefinition, Attributes, CampaignJob, CampaignRules, Channel, ContactId,
    ContactKey, Deletion, Eligibility, Invitation, JobPayload, JobPayloadError, JobQuery,
    JobStatus, NewCampaign, NewInvitation, NewJob, NewSurvey, NewWidgetKey, ResponseId,
    SendEmailJob, SendOutcome, StoreError, SuppressionReason, SurveyChanges, SurveyId,
    SurveySettings, WorkspaceId,
};

use crate::database_tests::{all_ids, response, scratch_store, survey};
use crate::{PostgresStore, TestDatabase};

fn key(external_id: &str, email: Option<&str>) -> ContactKey {
    ContactKey {
        external_id: Some(external_id.to_owned()),
        email: email.map(str::to_owned),
    }
}

fn plan(value: &str) -> Attributes {
    Attributes::from([("plan".to_owned(), AttributeValue::String(value.into()))])
}

fn plan_definition() -> Vec<AttributeDefinition> {
    vec![AttributeDefinition {
        name: "plan".into(),
        kind: AttributeKind::String,
    }]
}

async fn contact(
    store: &PostgresStore,
    workspace: WorkspaceId,
    external_id: &str,
    email: Option<&str>,
    plan_value: &str,
) -> ContactId {
    store
        .upsert_contact(
            workspace,
            &key(external_id, email),
            &plan(plan_value),
            &plan_definition(),
        )
        .await
        .unwrap()
        .id
}

/// Now, to the millisecond, as the store keeps times.
fn now_millis() -> Timestamp {
    Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap()
}

fn in_days(days: i64) -> Timestamp {
    Timestamp::now() + SignedDuration::from_hours(24 * days)
}

async fn invite_one(
    store: &PostgresStore,
    workspace: WorkspaceId,
    survey: SurveyId,
    contact: ContactId,
    channel: Channel,
) -> Invitation {
    let new = NewInvitation {
        survey,
        contact,
        campaign: None,
        channel,
        expires_at: in_days(60),
    };
    store.invite(workspace, &[new]).await.unwrap().remove(0)
}

fn answer(invitation: &Invitation, score: u8, comment: Option<&str>, at: Timestamp) -> Answer {
    Answer {
        invitation: invitation.id,
        score: Score::new(score.into()).unwrap(),
        comment: comment.map(str::to_owned),
        at,
    }
}

fn job(payload: JobPayload, run_at: Timestamp) -> NewJob {
    NewJob {
        payload,
        run_at,
        max_attempts: 3,
    }
}

/// A `run_campaign` job's payload (the queue does not look the campaign up).
fn run(campaign: i64) -> JobPayload {
    JobPayload::RunCampaign(CampaignJob { campaign })
}

/// Several servers (each its own pool of connections) claim from one queue at once: every job
/// is claimed, and none twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_never_return_a_job_twice() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let now = Timestamp::now();
    let total = 300;
    for n in 0..total {
        let run_at = now - SignedDuration::from_millis(n);
        store
            .enqueue_job(
                workspace,
                job(
                    JobPayload::SendEmail(SendEmailJob {
                        invitation: n,
                        reminder: false,
                    }),
                    run_at,
                ),
            )
            .await
            .unwrap();
    }
    let mut servers = Vec::new();
    for server in 0..3 {
        let store = PostgresStore::connect(database.url()).await.unwrap();
        for worker in 0..3 {
            let store = store.clone();
            servers.push(tokio::spawn(async move {
                let mut claimed = Vec::new();
                let limit = 1 + (server * 3 + worker) % 5;
                loop {
                    let lease = Timestamp::from_millisecond(
                        (Timestamp::now() + SignedDuration::from_secs(600)).as_millisecond(),
                    )
                    .unwrap();
                    let jobs = store
                        .claim_jobs(Timestamp::now(), lease, limit)
                        .await
                        .unwrap();
                    if jobs.is_empty() {
                        break claimed;
                    }
                    assert!(jobs.len() <= limit);
                    for job in &jobs {
                        assert_eq!(job.status, JobStatus::Running);
                        assert_eq!(job.attempts, 1);
                        assert_eq!(job.locked_until, Some(lease));
                    }
                    claimed.extend(jobs.into_iter().map(|job| job.id));
                }
            }));
        }
    }
    let mut seen = HashSet::new();
    let mut count = 0;
    for server in servers {
        for id in server.await.unwrap() {
            count += 1;
            assert!(seen.insert(id), "job {id:?} was claimed twice");
        }
    }
    assert_eq!(count, total as usize);
    let running = store
        .jobs(&JobQuery {
            status: Some(JobStatus::Running),
            limit: 1_000,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(running.len(), total as usize);
}

/// Claims go oldest first; an expired lease makes a job claimable again; a failure queues it
/// again or fails it for good; listings filter and go newest first.
#[tokio::test]
async fn jobs_are_claimed_in_order_retried_and_finished() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let other = store.workspace("other").await.unwrap().id;
    let now = Timestamp::from_millisecond(1_800_000_000_000).unwrap();
    let minute = SignedDuration::from_secs(60);
    let reminders = JobPayload::CampaignReminders(CampaignJob { campaign: 3 });
    let late = store
        .enqueue_job(workspace, job(run(1), now - minute))
        .await
        .unwrap();
    let early = store
        .enqueue_job(workspace, job(run(2), now - minute * 2))
        .await
        .unwrap();
    let future = store
        .enqueue_job(other, job(reminders.clone(), now + minute))
        .await
        .unwrap();
    assert_eq!(late.status, JobStatus::Queued);
    assert_eq!(late.attempts, 0);
    assert_eq!(late.max_attempts, 3);

    let claimed = store.claim_jobs(now, now + minute, 10).await.unwrap();
    let ids: Vec<_> = claimed.iter().map(|job| job.id).collect();
    assert_eq!(ids, [early.id, late.id]);
    assert!(
        store
            .claim_jobs(now, now + minute, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The lease of both runs out; `late` is finished meanwhile, `early` is claimed again.
    store.complete_job(late.id, now).await.unwrap();
    let again = store
        .claim_jobs(now + minute * 2, now + minute * 3, 10)
        .await
        .unwrap();
    let ids: Vec<_> = again.iter().map(|job| job.id).collect();
    assert_eq!(ids, [early.id, future.id]);
    assert_eq!(again[0].attempts, 2);

    store
        .fail_job(
            early.id,
            "smtp down",
            Some(now + minute * 10),
            now + minute * 2,
        )
        .await
        .unwrap();
    store
        .fail_job(future.id, "gave up", None, now + minute * 2)
        .await
        .unwrap();
    let listed = store
        .jobs(&JobQuery {
            workspace: Some(workspace),
            limit: 10,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    let ids: Vec<_> = listed.iter().map(|job| job.id).collect();
    assert_eq!(ids, [early.id, late.id]);
    assert_eq!(listed[0].status, JobStatus::Queued);
    assert_eq!(listed[0].run_at, now + minute * 10);
    assert_eq!(listed[0].last_error.as_deref(), Some("smtp down"));
    assert_eq!(listed[0].locked_until, None);
    assert_eq!(listed[1].status, JobStatus::Done);
    let failed = store
        .jobs(&JobQuery {
            status: Some(JobStatus::Failed),
            kind: Some(reminders.kind().into()),
            limit: 10,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_error.as_deref(), Some("gave up"));
    assert!(matches!(
        store.complete_job(vouch_store::JobId(999_999), now).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .enqueue_job(WorkspaceId(999_999), job(run(3), now))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// A job another version of Vouch queued, of a kind this one does not run, is listed and
/// claimed like any other; reading its payload says what it is.
#[tokio::test]
async fn a_job_of_an_unknown_kind_is_listed_and_claimed() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let row = store
        .client()
        .await
        .unwrap()
        .query_one(
            crate::jobs::ENQUEUE,
            &[
                &workspace.0,
                &"reticulate_splines",
                &r#"{"splines":3}"#,
                &2i32,
                &1_000i64,
                &1_000i64,
            ],
        )
        .await
        .unwrap();
    let planted = crate::jobs::job_of_row(&row).unwrap();
    let listed = store
        .jobs(&JobQuery {
            kind: Some("reticulate_splines".into()),
            limit: 10,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(listed, vec![planted.clone()]);
    assert_eq!(
        listed[0].parse_payload(),
        Err(JobPayloadError::UnknownKind("reticulate_splines".into()))
    );
    let now = Timestamp::from_millisecond(2_000).unwrap();
    let claimed = store.claim_jobs(now, now, 10).await.unwrap();
    let ids: Vec<_> = claimed.iter().map(|job| job.id).collect();
    assert_eq!(ids, [planted.id]);
}

/// Answering again replaces the answer: readers tailing ids and deletions see the first
/// response erased and the new one, which keeps the first one's time.
#[tokio::test]
async fn a_new_answer_replaces_the_old_one_for_tailing_readers() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let person = contact(&store, workspace, "c1", Some("c1@example.com"), "pro").await;
    let invitation = invite_one(&store, workspace, survey, person, Channel::Link).await;
    let first_at = Timestamp::from_millisecond(1_800_000_000_000).unwrap();

    let first = store
        .record_answer(&answer(&invitation, 9, None, first_at))
        .await
        .unwrap();
    assert_eq!(first.survey, survey);
    assert_eq!(first.contact, person);
    assert_eq!(first.channel, "link");
    assert_eq!(first.created_at, first_at);
    assert_eq!(first.attributes, plan("pro"));
    assert_eq!(all_ids(&store, workspace).await, [first.id.0]);

    // The same answer again changes nothing.
    let later = first_at + SignedDuration::from_secs(30);
    let same = store
        .record_answer(&answer(&invitation, 9, None, later))
        .await
        .unwrap();
    assert_eq!(same, first);
    assert!(
        store
            .deletions_after(workspace, 0)
            .await
            .unwrap()
            .is_empty()
    );

    // A changed answer, after the contact's attributes changed too.
    contact(&store, workspace, "c1", None, "enterprise").await;
    let second = store
        .record_answer(&answer(&invitation, 3, Some("Slow"), later))
        .await
        .unwrap();
    assert!(second.id > first.id);
    assert_eq!(second.created_at, first_at, "keeps the first answer's time");
    assert_eq!(second.comment.as_deref(), Some("Slow"));
    assert_eq!(second.attributes, plan("enterprise"));
    let tail = store
        .responses_after(workspace, first.id, None, 10)
        .await
        .unwrap();
    assert_eq!(tail, std::slice::from_ref(&second));
    assert_eq!(all_ids(&store, workspace).await, [second.id.0]);
    let deletions = store.deletions_after(workspace, 0).await.unwrap();
    assert_eq!(deletions.len(), 1);
    assert_eq!(deletions[0].response, first.id);

    let stored = store.invitation(invitation.id).await.unwrap().unwrap();
    assert_eq!(stored.response, Some(second.id));
    assert_eq!(stored.answered_at, Some(first_at));
    assert_eq!(
        store.last_surveyed(workspace, person).await.unwrap(),
        Some(stored.created_at.max(first_at))
    );
    assert!(matches!(
        store
            .record_answer(&Answer {
                invitation: vouch_store::InvitationId(999_999),
                ..answer(&invitation, 1, None, later)
            })
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Erasing the contact takes the invitation and the answer.
    assert_eq!(store.delete_contact(workspace, person).await.unwrap(), 1);
    assert!(store.invitation(invitation.id).await.unwrap().is_none());
    assert!(all_ids(&store, workspace).await.is_empty());
    assert!(matches!(
        store
            .record_answer(&answer(&invitation, 5, None, later))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// Many different answers to one invitation at once, from several connections: one response
/// stays, and every other one written is logged as erased.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_answers_to_one_invitation_leave_one_response() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let person = contact(&store, workspace, "c1", None, "pro").await;
    let invitation = invite_one(&store, workspace, survey, person, Channel::Widget).await;
    let at = Timestamp::from_millisecond(1_800_000_000_000).unwrap();
    let tasks: Vec<_> = (0..8u8)
        .map(|n| {
            let store = store.clone();
            let answer = answer(&invitation, n, Some(&format!("try {n}")), at);
            tokio::spawn(async move { store.record_answer(&answer).await.unwrap() })
        })
        .collect();
    let mut written = HashSet::new();
    for task in tasks {
        written.insert(task.await.unwrap().id);
    }
    let live = all_ids(&store, workspace).await;
    assert_eq!(live.len(), 1);
    let stored = store.invitation(invitation.id).await.unwrap().unwrap();
    assert_eq!(stored.response, Some(ResponseId(live[0])));
    let erased: HashSet<ResponseId> = store
        .deletions_after(workspace, 0)
        .await
        .unwrap()
        .iter()
        .map(|deletion: &Deletion| deletion.response)
        .collect();
    assert_eq!(erased.len(), written.len() - 1);
    assert!(!erased.contains(&ResponseId(live[0])));
    assert!(written.contains(&ResponseId(live[0])));
}

/// An answer is a writer of responses like any other: while an import holds smaller ids, the
/// answer's response is not handed out.
#[tokio::test]
async fn answer_ids_wait_for_smaller_ids_still_being_written() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let person = contact(&store, workspace, "c1", None, "pro").await;
    let invitation = invite_one(&store, workspace, survey, person, Channel::Email).await;
    let mut import = store.begin_import(workspace).await.unwrap();
    import
        .write(&[response(survey, Some("a"), None, "free")])
        .await
        .unwrap();
    import.write(&[]).await.unwrap();
    let answered = store
        .record_answer(&answer(&invitation, 10, None, Timestamp::now()))
        .await
        .unwrap();
    assert!(all_ids(&store, workspace).await.is_empty());
    import.commit().await.unwrap();
    let ids = all_ids(&store, workspace).await;
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1], answered.id.0);
}

/// The throttle, campaign cycles, suppressed addresses and attribute filters (alternatives
/// within an attribute, all attributes required).
#[tokio::test]
async fn eligible_contacts_follow_the_throttle_and_the_filters() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let invited = contact(&store, workspace, "invited", Some("i@example.com"), "pro").await;
    let answered = contact(&store, workspace, "answered", Some("a@example.com"), "pro").await;
    let suppressed = contact(
        &store,
        workspace,
        "suppressed",
        Some("S@Example.com"),
        "pro",
    )
    .await;
    let no_email = contact(&store, workspace, "no-email", None, "pro").await;
    let free = contact(&store, workspace, "free", Some("f@example.com"), "free").await;
    let fresh = contact(&store, workspace, "fresh", Some("x@example.com"), "team").await;

    invite_one(&store, workspace, survey, invited, Channel::Link).await;
    let mut import = store.begin_import(workspace).await.unwrap();
    let mut given = response(survey, Some("answered"), None, "pro");
    given.created_at = Timestamp::now() - SignedDuration::from_hours(24 * 10);
    import.write(&[given]).await.unwrap();
    import.commit().await.unwrap();
    store
        .suppress_email(
            workspace,
            " s@example.COM ",
            SuppressionReason::Unsubscribed,
            Timestamp::now(),
        )
        .await
        .unwrap();

    let query = |since: Timestamp| Eligibility {
        filters: Vec::new(),
        not_surveyed_since: since,
        campaign: None,
        need_email: false,
        after: None,
        limit: 100,
    };
    let ids = |contacts: Vec<vouch_store::Contact>| -> Vec<ContactId> {
        contacts.into_iter().map(|contact| contact.id).collect()
    };
    let ninety_days = Timestamp::now() - SignedDuration::from_hours(24 * 90);
    let eligible = store
        .eligible_contacts(workspace, &query(ninety_days))
        .await
        .unwrap();
    assert_eq!(ids(eligible), [suppressed, no_email, free, fresh]);
    // The answer was ten days ago: a five-day window lets it through.
    let five_days = Timestamp::now() - SignedDuration::from_hours(24 * 5);
    let eligible = store
        .eligible_contacts(workspace, &query(five_days))
        .await
        .unwrap();
    assert_eq!(ids(eligible), [answered, suppressed, no_email, free, fresh]);
    let with_email = Eligibility {
        need_email: true,
        ..query(ninety_days)
    };
    let eligible = store
        .eligible_contacts(workspace, &with_email)
        .await
        .unwrap();
    assert_eq!(ids(eligible), [free, fresh]);
    let filtered = Eligibility {
        filters: vec![
            ("plan".into(), "free".into()),
            ("plan".into(), "team".into()),
        ],
        ..query(ninety_days)
    };
    let eligible = store.eligible_contacts(workspace, &filtered).await.unwrap();
    assert_eq!(ids(eligible), [free, fresh]);
    let nobody = Eligibility {
        filters: vec![
            ("plan".into(), "free".into()),
            ("region".into(), "eu".into()),
        ],
        ..query(ninety_days)
    };
    assert!(
        store
            .eligible_contacts(workspace, &nobody)
            .await
            .unwrap()
            .is_empty()
    );
    let paged = Eligibility {
        after: Some(no_email),
        limit: 1,
        ..query(ninety_days)
    };
    assert_eq!(
        ids(store.eligible_contacts(workspace, &paged).await.unwrap()),
        [free]
    );

    // A campaign's cycle: invited by the campaign since the cycle began, skipped even when the
    // throttle window is over.
    let campaign = store
        .create_campaign(
            workspace,
            NewCampaign {
                survey,
                name: "Quarterly".into(),
                rules: CampaignRules {
                    filters: Vec::new(),
                    sample: 1.0,
                    throttle_days: 0,
                    reminder_after_days: None,
                    repeat_every_days: Some(90),
                    spread_over_weekdays: false,
                },
                first_run_at: Timestamp::now(),
            },
        )
        .await
        .unwrap();
    store
        .invite(
            workspace,
            &[NewInvitation {
                survey,
                contact: free,
                campaign: Some(campaign.id),
                channel: Channel::Email,
                expires_at: in_days(60),
            }],
        )
        .await
        .unwrap();
    let cycle = Eligibility {
        campaign: Some((
            campaign.id,
            Timestamp::now() - SignedDuration::from_hours(1),
        )),
        ..query(in_days(1))
    };
    let eligible = store.eligible_contacts(workspace, &cycle).await.unwrap();
    assert!(!ids(eligible).contains(&free));
    let next_cycle = Eligibility {
        campaign: Some((campaign.id, in_days(1))),
        ..query(in_days(1))
    };
    let eligible = store
        .eligible_contacts(workspace, &next_cycle)
        .await
        .unwrap();
    assert!(ids(eligible).contains(&free));
}

/// Invitations queue their emails' jobs; sends, bounces and opens are counted; reminders go
/// once to those who were sent an email and did not answer.
#[tokio::test]
async fn campaigns_count_their_invitations_and_remind_once() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let first_run_at = Timestamp::from_millisecond(1_800_000_000_000).unwrap();
    let campaign = store
        .create_campaign(
            workspace,
            NewCampaign {
                survey,
                name: "Launch".into(),
                rules: CampaignRules {
                    filters: vec![("plan".into(), "pro".into())],
                    sample: 0.5,
                    throttle_days: 90,
                    reminder_after_days: Some(3),
                    repeat_every_days: None,
                    spread_over_weekdays: true,
                },
                first_run_at,
            },
        )
        .await
        .unwrap();
    assert_eq!(campaign.next_run_at, Some(first_run_at));
    assert_eq!(
        store
            .campaign(workspace, campaign.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&campaign)
    );
    let runs = store
        .jobs(&JobQuery {
            kind: Some("run_campaign".into()),
            limit: 10,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].payload,
        format!("{{\"campaign\":{}}}", campaign.id.0)
    );
    assert_eq!(runs[0].run_at, first_run_at);
    assert_eq!(runs[0].max_attempts, 5);

    let people: Vec<ContactId> = futures_util::future::join_all((0..5).map(|n| {
        let store = &store;
        async move {
            let name = format!("c{n}");
            contact(
                store,
                workspace,
                &name,
                Some(&format!("{name}@example.com")),
                "pro",
            )
            .await
        }
    }))
    .await;
    let invitations = store
        .invite(
            workspace,
            &people
                .iter()
                .map(|&contact| NewInvitation {
                    survey,
                    contact,
                    campaign: Some(campaign.id),
                    channel: Channel::Email,
                    expires_at: in_days(60),
                })
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    let invited: Vec<ContactId> = invitations.iter().map(|i| i.contact).collect();
    assert_eq!(invited, people);
    let sends = store
        .jobs(&JobQuery {
            kind: Some("send_email".into()),
            limit: 10,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    let payloads: HashSet<String> = sends.iter().map(|job| job.payload.clone()).collect();
    let expected: HashSet<String> = invitations
        .iter()
        .map(|i| format!("{{\"invitation\":{},\"reminder\":false}}", i.id.0))
        .collect();
    assert_eq!(payloads, expected);
    assert!(sends.iter().all(|job| job.max_attempts == 8));

    let at = now_millis();
    store
        .record_send(invitations[0].id, &SendOutcome::Sent, at)
        .await
        .unwrap();
    store
        .record_send(invitations[1].id, &SendOutcome::Sent, at)
        .await
        .unwrap();
    store
        .record_send(invitations[2].id, &SendOutcome::Sent, at)
        .await
        .unwrap();
    store
        .record_send(
            invitations[3].id,
            &SendOutcome::Bounced("550 no such user".into()),
            at,
        )
        .await
        .unwrap();
    store
        .record_send(
            invitations[4].id,
            &SendOutcome::Failed("timeout".into()),
            at,
        )
        .await
        .unwrap();
    store.mark_opened(invitations[1].id, at).await.unwrap();
    store
        .mark_opened(invitations[1].id, at + SignedDuration::from_secs(5))
        .await
        .unwrap();
    store
        .record_answer(&answer(&invitations[1], 10, None, at))
        .await
        .unwrap();
    assert_eq!(
        store
            .suppression(workspace, "C3@example.com")
            .await
            .unwrap(),
        Some(SuppressionReason::Bounced)
    );
    let bounced = store.invitation(invitations[3].id).await.unwrap().unwrap();
    assert_eq!(bounced.last_error.as_deref(), Some("550 no such user"));
    let opened = store.invitation(invitations[1].id).await.unwrap().unwrap();
    assert_eq!(opened.opened_at, Some(at));

    let numbers = store
        .campaign_numbers(workspace, campaign.id)
        .await
        .unwrap();
    assert_eq!(numbers.invited, 5);
    assert_eq!(numbers.sent, 3);
    assert_eq!(numbers.bounced, 1);
    assert_eq!(numbers.pending, 1);
    assert_eq!(numbers.failing, 1);
    assert_eq!(numbers.opened, 1);
    assert_eq!(numbers.answered, 1);

    // Reminders: invitations 0 and 2 (sent, not answered); then nothing more.
    let later = at + SignedDuration::from_hours(24 * 3);
    store
        .suppress_email(
            workspace,
            "c2@example.com",
            SuppressionReason::Unsubscribed,
            at,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .queue_reminders(workspace, campaign.id, later, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .queue_reminders(workspace, campaign.id, later, later)
            .await
            .unwrap(),
        0
    );
    let reminders = store
        .jobs(&JobQuery {
            kind: Some("send_email".into()),
            limit: 1,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        reminders[0].payload,
        format!(
            "{{\"invitation\":{},\"reminder\":true}}",
            invitations[0].id.0
        )
    );
    let listed = store.campaigns(workspace).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1.reminded, 1);

    store
        .finish_campaign_run(
            workspace,
            campaign.id,
            later,
            Some(later + SignedDuration::from_hours(1)),
        )
        .await
        .unwrap();
    let finished = store
        .campaign(workspace, campaign.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(finished.last_run_at, Some(later));
    let runs = store
        .jobs(&JobQuery {
            kind: Some("run_campaign".into()),
            limit: 10,
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(runs.len(), 2);
    let other = store.workspace("other").await.unwrap().id;
    assert!(matches!(
        store
            .finish_campaign_run(other, campaign.id, later, None)
            .await,
        Err(StoreError::NotFound(_))
    ));
    // Inviting a contact of another workspace invites nobody.
    let stranger = contact(&store, other, "stranger", None, "pro").await;
    let foreign = NewInvitation {
        survey,
        contact: stranger,
        campaign: None,
        channel: Channel::Email,
        expires_at: in_days(1),
    };
    assert!(matches!(
        store.invite(workspace, &[foreign]).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store
            .campaign_numbers(workspace, campaign.id)
            .await
            .unwrap()
            .invited,
        5
    );
}

/// Slugs are unique across workspaces; settings round-trip; two servers agree on one link
/// secret; widget keys are unique and revocable.
#[tokio::test]
async fn slugs_settings_secrets_and_widget_keys() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let other = store.workspace("other").await.unwrap().id;
    let settings = SurveySettings {
        brand_name: Some("Acme".into()),
        throttle_days: 30,
        ..SurveySettings::default()
    };
    let new = |name: &str, slug: Option<&str>| NewSurvey {
        name: name.into(),
        kind: vouch_core::SurveyKind::Nps,
        question: "?".into(),
        follow_up: "Why?".into(),
        slug: slug.map(str::to_owned),
        settings: settings.clone(),
    };
    let chosen = store
        .create_survey(acme, new("Q1", Some("nps-2026")))
        .await
        .unwrap();
    assert_eq!(chosen.slug, "nps-2026");
    assert_eq!(chosen.settings, settings);
    let taken = store
        .create_survey(other, new("Q1", Some("nps-2026")))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    let generated = store
        .create_survey(other, new("Customer NPS", None))
        .await
        .unwrap();
    assert!(
        generated.slug.starts_with("customer-nps-"),
        "{}",
        generated.slug
    );
    assert!(
        store
            .create_survey(acme, new("Q2", Some("Not A Slug")))
            .await
            .is_err()
    );
    let found = store.survey_by_slug("nps-2026").await.unwrap().unwrap();
    assert_eq!(found, (acme, chosen.clone()));
    assert!(store.survey_by_slug("nope").await.unwrap().is_none());

    let changed = store
        .update_survey(
            acme,
            chosen.id,
            SurveyChanges {
                slug: Some("nps-2027".into()),
                settings: Some(SurveySettings::default()),
                ..SurveyChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.slug, "nps-2027");
    assert_eq!(changed.settings, SurveySettings::default());
    let clash = store
        .update_survey(
            acme,
            chosen.id,
            SurveyChanges {
                slug: Some(generated.slug.clone()),
                ..SurveyChanges::default()
            },
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");

    let second = PostgresStore::connect(database.url()).await.unwrap();
    let (one, two) = tokio::join!(store.link_secret(), second.link_secret());
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.len(), 32);
    assert_eq!(one, two);
    assert_eq!(store.link_secret().await.unwrap(), one);

    let widget = NewWidgetKey {
        survey: chosen.id,
        key: "pk_test".into(),
        origins: vec!["https://app.example.com".into()],
        sample: 0.25,
        min_account_age_days: 14,
    };
    let created = store.create_widget_key(acme, widget.clone()).await.unwrap();
    assert_eq!(created.origins, widget.origins);
    assert_eq!(created.min_account_age_days, 14);
    assert!(matches!(
        store.create_widget_key(acme, widget.clone()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store
            .create_widget_key(
                other,
                NewWidgetKey {
                    key: "pk_2".into(),
                    ..widget
                }
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.widget_key("pk_test").await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(store.widget_keys(acme).await.unwrap(), [created]);
    assert!(matches!(
        store.revoke_widget_key(other, "pk_test").await,
        Err(StoreError::NotFound(_))
    ));
    store.revoke_widget_key(acme, "pk_test").await.unwrap();
    assert!(
        store
            .widget_key("pk_test")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
}

/// Migration 3 gives surveys made before it a slug each, and default settings.
#[tokio::test]
async fn surveys_made_before_slugs_get_one() {
    let url = std::env::var("VOUCH_TEST_DATABASE_URL").unwrap_or_default();
    if url.is_empty() {
        eprintln!("skipped: VOUCH_TEST_DATABASE_URL not set");
        return;
    }
    let database = TestDatabase::create(&url).await.unwrap();
    let (client, connection) = tokio_postgres::connect(database.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);
             {}
             {}
             INSERT INTO schema_migrations VALUES (1, 0), (2, 0);
             INSERT INTO workspaces (slug, created_at) VALUES ('acme', 0);
             INSERT INTO surveys (workspace_id, name, kind, question, follow_up, created_at)
             SELECT id, 'Q' || n, 'nps', '?', 'Why?', 0 FROM workspaces, generate_series(1, 3) n;",
            include_str!("../migrations/0001_initial.sql"),
            include_str!("../migrations/0002_server.sql"),
        ))
        .await
        .unwrap();
    let store = PostgresStore::connect(database.url()).await.unwrap();
    let workspace = store.workspace("acme").await.unwrap().id;
    let surveys = store.surveys(workspace).await.unwrap();
    assert_eq!(surveys.len(), 3);
    let slugs: HashSet<&str> = surveys
        .iter()
        .map(|listing| listing.survey.slug.as_str())
        .collect();
    assert_eq!(slugs.len(), 3);
    for listing in &surveys {
        let slug = &listing.survey.slug;
        assert!(slug.starts_with("survey-") && slug.len() == 17, "{slug}");
        assert!(vouch_store::is_valid_slug(slug));
        assert_eq!(listing.survey.settings, SurveySettings::default());
    }
}

/// Contacts upserted in bulk: created, updated, and merged like one at a time.
#[tokio::test]
async fn contacts_are_upserted_in_bulk() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    contact(&store, workspace, "old", None, "free").await;
    let batch = vec![
        (key("old", Some("old@example.com")), plan("pro")),
        (key("new", None), plan("team")),
        (
            key("new", None),
            Attributes::from([("seats".to_owned(), AttributeValue::Number(3.0))]),
        ),
    ];
    let definitions = vec![
        AttributeDefinition {
            name: "plan".into(),
            kind: AttributeKind::String,
        },
        AttributeDefinition {
            name: "seats".into(),
            kind: AttributeKind::Number,
        },
    ];
    let counts = store
        .upsert_contacts(workspace, &batch, &definitions)
        .await
        .unwrap();
    assert_eq!(counts, (1, 1));
    let old = store
        .contact(workspace, &key("old", None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.email.as_deref(), Some("old@example.com"));
    assert_eq!(old.attributes, plan("pro"));
    let new = store
        .contact(workspace, &key("new", None))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.attributes.len(), 2);
    assert_eq!(
        store.upsert_contacts(workspace, &[], &[]).await.unwrap(),
        (0, 0)
    );
}

/// Answers and erasures of the same contact at once neither deadlock nor leave an answer of an
/// erased contact behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_racing_an_erasure_leave_nothing_behind() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    for round in 0..10 {
        let person = contact(&store, workspace, &format!("c{round}"), None, "pro").await;
        let first = invite_one(&store, workspace, survey, person, Channel::Link).await;
        let second = invite_one(&store, workspace, survey, person, Channel::Email).await;
        // One invitation answered before, so that answers to it take the erasure lock.
        store
            .record_answer(&answer(&first, 1, None, now_millis()))
            .await
            .unwrap();
        let answers: Vec<_> = [(&first, 7), (&second, 8), (&first, 9)]
            .into_iter()
            .map(|(invitation, score)| {
                let store = store.clone();
                let answer = answer(invitation, score, None, now_millis());
                tokio::spawn(async move { store.record_answer(&answer).await })
            })
            .collect();
        let erasure = {
            let store = store.clone();
            tokio::spawn(async move { store.delete_contact(workspace, person).await })
        };
        let erase = tokio::time::timeout(std::time::Duration::from_secs(30), erasure)
            .await
            .expect("no deadlock")
            .unwrap();
        erase.unwrap();
        for task in answers {
            match task.await.unwrap() {
                Ok(_) | Err(StoreError::NotFound(_)) => {}
                Err(error) => panic!("{error}"),
            }
        }
        assert!(
            store
                .contact_responses(workspace, person)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert!(all_ids(&store, workspace).await.is_empty());
}

/// A reader tailing ids and deletions while answers replace answers and ingests write: ids
/// come in order with none skipped, and what it keeps is exactly what is left in the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_tailing_answers_misses_nothing() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let mut invitations = Vec::new();
    for n in 0..6 {
        let person = contact(&store, workspace, &format!("c{n}"), None, "pro").await;
        invitations.push(invite_one(&store, workspace, survey, person, Channel::Widget).await);
    }
    let rounds = 15;
    let answering: Vec<_> = invitations
        .into_iter()
        .map(|invitation| {
            let store = store.clone();
            tokio::spawn(async move {
                for round in 0..rounds {
                    let score = u8::try_from(round % 11).unwrap();
                    store
                        .record_answer(&answer(&invitation, score, None, now_millis()))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    let ingesting = {
        let store = store.clone();
        tokio::spawn(async move {
            for n in 0..15 {
                let mut import = store.begin_import(workspace).await.unwrap();
                let external_id = format!("i{n}");
                import
                    .write(&[response(survey, Some(&external_id), None, "free")])
                    .await
                    .unwrap();
                import.commit().await.unwrap();
            }
        })
    };
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let store = store.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut kept = std::collections::BTreeSet::new();
            let mut after = ResponseId(0);
            let mut sequence = 0;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = store
                    .responses_after(workspace, after, None, 7)
                    .await
                    .unwrap();
                for response in &page {
                    assert!(response.id > after, "ids go up");
                    after = response.id;
                    kept.insert(response.id);
                }
                for deletion in store.deletions_after(workspace, sequence).await.unwrap() {
                    sequence = deletion.sequence;
                    kept.remove(&deletion.response);
                }
                if finished && page.is_empty() {
                    break kept;
                }
            }
        })
    };
    for task in answering {
        task.await.unwrap();
    }
    ingesting.await.unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let kept = tokio::time::timeout(std::time::Duration::from_secs(60), reader)
        .await
        .expect("the reader catches up")
        .unwrap();
    let live: std::collections::BTreeSet<ResponseId> = all_ids(&store, workspace)
        .await
        .into_iter()
        .map(ResponseId)
        .collect();
    assert_eq!(live.len(), 6 + 15);
    assert_eq!(kept, live);
}
