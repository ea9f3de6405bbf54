//! Tests of accounts and the follow-up of responses that need a PostgreSQL server: links that
//! work once used from several servers at once, the follow-up moving with a replaced answer and
//! erased with its contact, also when those race. Like [`crate::database_tests`], they are
//! skipped when `VOUCH_TEST_DATABASE_URL` is not set.

use jiff::{SignedDuration, Timestamp};
use vouch_core::Score;
use vouch_store::prelude::*;
use vouch_store::{
    Actor, Answer, Channel, ContactKey, MemberInvite, NewInvitation, NewUser, ResponseId,
    ResponseStatus, Role, SessionRecord, StoreError, StoredResponse, UserId, WorkflowChange,
    WorkflowFilter, WorkspaceId,
};

use crate::database_tests::{scratch_store, survey};
use crate::{PostgresStore, TestDatabase};

/// A fixed time, to the millisecond, as the store keeps times.
fn at(seconds: i64) -> Timestamp {
    Timestamp::from_millisecond(1_800_000_000_000 + seconds * 1_000).unwrap()
}

async fn user(store: &PostgresStore, email: &str, name: &str) -> UserId {
    store
        .create_user(NewUser {
            email: email.into(),
            name: name.into(),
            password_hash: format!("$argon2id$hash-of-{name}"),
        })
        .await
        .unwrap()
        .id
}

fn invite(
    workspace: WorkspaceId,
    token_hash: &str,
    role: Role,
    hr: bool,
    by: UserId,
) -> MemberInvite {
    MemberInvite {
        token_hash: token_hash.into(),
        workspace,
        role,
        hr,
        email: None,
        invited_by: by,
        created_at: at(0),
        expires_at: at(3_600),
        accepted_at: None,
    }
}

fn session(id_hash: &str, user: UserId, workspace: WorkspaceId) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.into(),
        user,
        workspace,
        csrf_token: format!("csrf-{id_hash}"),
        created_at: at(0),
        expires_at: at(3_600),
    }
}

/// A person who answered a link invitation once; returns the invitation's id and the response.
async fn answered(
    store: &PostgresStore,
    workspace: WorkspaceId,
    external_id: &str,
    score: i64,
) -> (vouch_store::InvitationId, StoredResponse) {
    let survey = match store.survey_by_name(workspace, "Q1").await.unwrap() {
        Some(survey) => survey.id,
        None => survey(store, workspace, "Q1").await,
    };
    let contact = store
        .upsert_contact(
            workspace,
            &ContactKey {
                external_id: Some(external_id.into()),
                email: None,
            },
            &Default::default(),
            &[],
        )
        .await
        .unwrap()
        .id;
    let invitation = store
        .invite(
            workspace,
            &[NewInvitation {
                survey,
                contact,
                campaign: None,
                channel: Channel::Link,
                expires_at: Timestamp::now() + SignedDuration::from_hours(24),
            }],
        )
        .await
        .unwrap()
        .remove(0);
    let response = store
        .record_answer(&Answer {
            invitation: invitation.id,
            score: Score::new(score).unwrap(),
            comment: None,
            at: at(0),
        })
        .await
        .unwrap();
    (invitation.id, response)
}

/// Rows of a follow-up table that belong to `response`, read with SQL (the store's own reads
/// only ever ask for responses that exist).
async fn rows_of(database: &TestDatabase, table: &str, response: ResponseId) -> i64 {
    let (client, connection) = tokio_postgres::connect(database.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE response_id = $1"),
            &[&response.0],
        )
        .await
        .unwrap()
        .get(0)
}

/// Rows of every follow-up table that belong to `response`.
async fn follow_up_rows(database: &TestDatabase, response: ResponseId) -> [i64; 3] {
    [
        rows_of(database, "response_workflows", response).await,
        rows_of(database, "response_tags", response).await,
        rows_of(database, "response_notes", response).await,
    ]
}

fn tags(tags: &[&str]) -> WorkflowChange {
    WorkflowChange {
        tags: Some(tags.iter().map(|tag| (*tag).to_owned()).collect()),
        ..WorkflowChange::default()
    }
}

/// Users, memberships and sessions: emails normalised and unique, roles set and listed in
/// order, sessions that expire, end with a new password or with leaving a workspace.
#[tokio::test]
async fn users_members_and_sessions() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap();
    let beta = store.workspace("beta").await.unwrap();
    let slugs: Vec<String> = store
        .workspaces()
        .await
        .unwrap()
        .into_iter()
        .map(|workspace| workspace.slug)
        .collect();
    assert_eq!(slugs, ["acme", "beta"]);

    let zoe = store
        .create_user(NewUser {
            email: "  Zoe@Example.COM ".into(),
            name: "Zoe".into(),
            password_hash: "h1".into(),
        })
        .await
        .unwrap();
    assert_eq!(zoe.email, "zoe@example.com");
    let taken = store
        .create_user(NewUser {
            email: "ZOE@example.com".into(),
            name: "Other".into(),
            password_hash: "h".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(taken, StoreError::Conflict(_)), "{taken}");
    let (found, hash) = store
        .user_by_email(" zoe@EXAMPLE.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found, hash.as_str()), (zoe.clone(), "h1"));
    assert_eq!(store.user(zoe.id).await.unwrap(), Some(zoe.clone()));
    assert_eq!(store.user(UserId(999_999)).await.unwrap(), None);
    let adam = user(&store, "adam@example.com", "Adam").await;

    let membership = store
        .set_membership(beta.id, zoe.id, Role::Viewer, false)
        .await
        .unwrap();
    assert_eq!(membership.workspace_slug, "beta");
    store
        .set_membership(acme.id, zoe.id, Role::Member, false)
        .await
        .unwrap();
    store
        .set_membership(acme.id, adam, Role::Viewer, false)
        .await
        .unwrap();
    let changed = store
        .set_membership(acme.id, adam, Role::Admin, true)
        .await
        .unwrap();
    assert_eq!((changed.role, changed.hr), (Role::Admin, true));
    let in_order: Vec<String> = store
        .memberships(zoe.id)
        .await
        .unwrap()
        .into_iter()
        .map(|membership| membership.workspace_slug)
        .collect();
    assert_eq!(in_order, ["acme", "beta"]);
    let members = store.members(acme.id).await.unwrap();
    let names: Vec<&str> = members.iter().map(|(user, _)| user.name.as_str()).collect();
    assert_eq!(names, ["Adam", "Zoe"]);
    assert_eq!(members[0].1, changed);
    assert!(matches!(
        store
            .set_membership(acme.id, UserId(999_999), Role::Admin, false)
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Sessions expire; switching moves them; leaving a workspace ends the sessions in it.
    store
        .create_session(&session("s1", zoe.id, acme.id))
        .await
        .unwrap();
    store
        .create_session(&session("s2", zoe.id, beta.id))
        .await
        .unwrap();
    store
        .create_session(&session("s3", adam, acme.id))
        .await
        .unwrap();
    assert!(matches!(
        store.create_session(&session("s1", zoe.id, acme.id)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.session("s1", at(10)).await.unwrap(),
        Some(session("s1", zoe.id, acme.id))
    );
    assert_eq!(store.session("s1", at(3_600)).await.unwrap(), None);
    store.switch_session("s1", beta.id).await.unwrap();
    store.switch_session("s2", acme.id).await.unwrap();
    store.remove_membership(acme.id, zoe.id).await.unwrap();
    assert!(store.session("s1", at(10)).await.unwrap().is_some());
    assert!(store.session("s2", at(10)).await.unwrap().is_none());
    assert!(matches!(
        store.remove_membership(acme.id, zoe.id).await,
        Err(StoreError::NotFound(_))
    ));
    // A new password ends every session of the user, and only theirs.
    store.set_password(zoe.id, "h2").await.unwrap();
    assert!(store.session("s1", at(10)).await.unwrap().is_none());
    assert!(store.session("s3", at(10)).await.unwrap().is_some());
    assert_eq!(
        store
            .user_by_email("zoe@example.com")
            .await
            .unwrap()
            .unwrap()
            .1,
        "h2"
    );
    assert!(matches!(
        store.set_password(UserId(999_999), "h").await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_session("s3").await.unwrap();
    store.delete_session("s3").await.unwrap();
    assert!(store.session("s3", at(10)).await.unwrap().is_none());
}

/// An invitation: round-trips, works once and not once expired; a member keeps the higher
/// role and gains HR from either.
#[tokio::test]
async fn invitations_to_join_upgrade_and_work_once() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let admin = user(&store, "admin@example.com", "Admin").await;
    let ann = user(&store, "ann@example.com", "Ann").await;
    let mut sent = invite(acme, "i1", Role::Viewer, true, admin);
    sent.email = Some("ann@example.com".into());
    store.create_member_invite(&sent).await.unwrap();
    assert!(matches!(
        store.create_member_invite(&sent).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.member_invite("i1").await.unwrap(), Some(sent.clone()));
    assert_eq!(store.member_invite("nope").await.unwrap(), None);

    store
        .set_membership(acme, ann, Role::Member, false)
        .await
        .unwrap();
    let joined = store.accept_member_invite("i1", ann, at(60)).await.unwrap();
    assert_eq!(
        (joined.role, joined.hr),
        (Role::Member, true),
        "higher role, hr from either"
    );
    assert_eq!(
        store
            .member_invite("i1")
            .await
            .unwrap()
            .unwrap()
            .accepted_at,
        Some(at(60))
    );
    assert!(matches!(
        store.accept_member_invite("i1", ann, at(61)).await,
        Err(StoreError::NotFound(_))
    ));

    store
        .create_member_invite(&invite(acme, "i2", Role::Admin, false, admin))
        .await
        .unwrap();
    assert!(matches!(
        store.accept_member_invite("i2", ann, at(3_600)).await,
        Err(StoreError::NotFound(_))
    ));
    // An unknown user uses nothing up.
    assert!(matches!(
        store
            .accept_member_invite("i2", UserId(999_999), at(60))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let upgraded = store.accept_member_invite("i2", ann, at(60)).await.unwrap();
    assert_eq!((upgraded.role, upgraded.hr), (Role::Admin, true));
    assert_eq!(
        upgraded.created_at, joined.created_at,
        "still the same membership"
    );
}

/// One invitation accepted from several servers at once, by several users: exactly one joins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_accepted_from_several_servers_at_once_works_once() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let admin = user(&store, "admin@example.com", "Admin").await;
    let servers = [
        PostgresStore::connect(database.url()).await.unwrap(),
        PostgresStore::connect(database.url()).await.unwrap(),
    ];
    for round in 0..20 {
        let token = format!("invite-{round}");
        store
            .create_member_invite(&invite(acme, &token, Role::Member, false, admin))
            .await
            .unwrap();
        let mut candidates = Vec::new();
        for n in 0..4 {
            let email = format!("u{round}-{n}@example.com");
            candidates.push(user(&store, &email, &format!("U{round}-{n}")).await);
        }
        let tasks: Vec<_> = candidates
            .iter()
            .enumerate()
            .map(|(n, candidate)| {
                let server = servers[n % 2].clone();
                let token = token.clone();
                let candidate = *candidate;
                tokio::spawn(
                    async move { server.accept_member_invite(&token, candidate, at(60)).await },
                )
            })
            .collect();
        let mut accepted = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(membership) => accepted.push(membership.user),
                Err(StoreError::NotFound(_)) => {}
                Err(error) => panic!("{error}"),
            }
        }
        assert_eq!(accepted.len(), 1, "round {round}: accepted by {accepted:?}");
        for candidate in candidates {
            let member = !store.memberships(candidate).await.unwrap().is_empty();
            assert_eq!(member, accepted[0] == candidate);
        }
    }
}

/// A password reset used from several servers at once gives its user to one of them only;
/// an expired one to none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_used_from_several_servers_at_once_works_once() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let ann = user(&store, "ann@example.com", "Ann").await;
    let servers = [
        PostgresStore::connect(database.url()).await.unwrap(),
        PostgresStore::connect(database.url()).await.unwrap(),
    ];
    for round in 0..20 {
        let token = format!("reset-{round}");
        store
            .create_password_reset(ann, &token, at(3_600))
            .await
            .unwrap();
        let tasks: Vec<_> = (0..6)
            .map(|n| {
                let server = servers[n % 2].clone();
                let token = token.clone();
                tokio::spawn(async move { server.take_password_reset(&token, at(60)).await })
            })
            .collect();
        let mut taken = 0;
        for task in tasks {
            if let Some(user) = task.await.unwrap().unwrap() {
                assert_eq!(user, ann);
                taken += 1;
            }
        }
        assert_eq!(taken, 1, "round {round}");
    }
    store
        .create_password_reset(ann, "late", at(60))
        .await
        .unwrap();
    assert_eq!(
        store.take_password_reset("late", at(60)).await.unwrap(),
        None
    );
    assert_eq!(
        store.take_password_reset("unknown", at(0)).await.unwrap(),
        None
    );
    assert!(matches!(
        store
            .create_password_reset(UserId(999_999), "x", at(60))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

/// Status, assignee and tags: partial changes, normalised tags, filters, counts, workspaces
/// apart.
#[tokio::test]
async fn the_follow_up_of_responses_changes_filters_and_counts() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let beta = store.workspace("beta").await.unwrap().id;
    let ann = user(&store, "ann@example.com", "Ann").await;
    let (_, first) = answered(&store, acme, "c1", 3).await;
    let (_, second) = answered(&store, acme, "c2", 9).await;
    let (_, foreign) = answered(&store, beta, "c1", 5).await;

    let untouched = store.workflows(acme, &[second.id, first.id]).await.unwrap();
    assert_eq!(untouched.len(), 2);
    assert_eq!(untouched[0].response, second.id);
    assert_eq!(untouched[0].status, ResponseStatus::Open);
    assert_eq!(untouched[0].updated_at, None);

    let changed = store
        .change_workflow(
            acme,
            first.id,
            &WorkflowChange {
                status: Some(ResponseStatus::InProgress),
                assignee: Some(Some(ann)),
                tags: Some(vec![
                    " billing".into(),
                    "bug".into(),
                    "billing ".into(),
                    "".into(),
                ]),
            },
            Actor::Operator,
            at(10),
        )
        .await
        .unwrap();
    assert_eq!(changed.tags, ["billing", "bug"]);
    assert_eq!(changed.assignee, Some(ann));
    assert_eq!(changed.updated_at, Some(at(10)));
    // A partial change keeps the rest.
    let closed = store
        .change_workflow(
            acme,
            first.id,
            &WorkflowChange {
                status: Some(ResponseStatus::Closed),
                ..WorkflowChange::default()
            },
            Actor::Operator,
            at(20),
        )
        .await
        .unwrap();
    assert_eq!(
        (closed.assignee, closed.tags.clone(), closed.updated_at),
        (Some(ann), changed.tags.clone(), Some(at(20)))
    );
    store
        .change_workflow(acme, second.id, &tags(&["bug"]), Actor::Operator, at(30))
        .await
        .unwrap();
    store
        .change_workflow(beta, foreign.id, &tags(&["bug"]), Actor::Operator, at(30))
        .await
        .unwrap();
    assert_eq!(
        store.workflow_tags(acme).await.unwrap(),
        [("bug".to_owned(), 2), ("billing".to_owned(), 1)]
    );
    let ids = |filter: WorkflowFilter| {
        let store = store.clone();
        async move { store.workflow_response_ids(acme, &filter).await.unwrap() }
    };
    assert_eq!(ids(WorkflowFilter::default()).await, [first.id, second.id]);
    let bug = WorkflowFilter {
        tag: Some("bug".into()),
        ..WorkflowFilter::default()
    };
    assert_eq!(ids(bug).await, [first.id, second.id]);
    let closed_bugs = WorkflowFilter {
        status: Some(ResponseStatus::Closed),
        tag: Some("bug".into()),
        ..WorkflowFilter::default()
    };
    assert_eq!(ids(closed_bugs).await, [first.id]);
    let anns = WorkflowFilter {
        assignee: Some(ann),
        ..WorkflowFilter::default()
    };
    assert_eq!(ids(anns).await, [first.id]);

    // Unassigning and untagging.
    let cleared = store
        .change_workflow(
            acme,
            first.id,
            &WorkflowChange {
                assignee: Some(None),
                tags: Some(Vec::new()),
                ..WorkflowChange::default()
            },
            Actor::Operator,
            at(40),
        )
        .await
        .unwrap();
    assert_eq!((cleared.assignee, cleared.tags.len()), (None, 0));
    assert_eq!(cleared.status, ResponseStatus::Closed);
    assert_eq!(
        store.workflow_tags(acme).await.unwrap(),
        [("bug".to_owned(), 1)]
    );
    assert_eq!(
        store.workflows(acme, &[first.id]).await.unwrap()[0],
        cleared
    );

    // Another workspace's response, or none at all, is not found; nor is an unknown assignee.
    for response in [foreign.id, ResponseId(999_999)] {
        assert!(matches!(
            store
                .change_workflow(acme, response, &tags(&["x"]), Actor::Operator, at(50))
                .await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.add_note(acme, response, ann, "x", at(50)).await,
            Err(StoreError::NotFound(_))
        ));
    }
    assert!(matches!(
        store
            .change_workflow(
                acme,
                first.id,
                &WorkflowChange {
                    assignee: Some(Some(UserId(999_999))),
                    ..WorkflowChange::default()
                },
                Actor::Operator,
                at(50)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.workflows(beta, &[first.id]).await.unwrap()[0].updated_at,
        None
    );
}

/// A changed answer takes the team's follow-up, tags and notes with it to its new response.
#[tokio::test]
async fn the_follow_up_moves_with_a_replaced_answer() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let ann = user(&store, "ann@example.com", "Ann").await;
    let (invitation, first) = answered(&store, acme, "c1", 3).await;
    let change = WorkflowChange {
        status: Some(ResponseStatus::InProgress),
        assignee: Some(Some(ann)),
        tags: Some(vec!["billing".into(), "churn-risk".into()]),
    };
    let workflow = store
        .change_workflow(acme, first.id, &change, Actor::Operator, at(10))
        .await
        .unwrap();
    let note = store
        .add_note(acme, first.id, ann, "Called them", at(20))
        .await
        .unwrap();
    assert_eq!(note.author_name, "Ann");

    let second = store
        .record_answer(&Answer {
            invitation,
            score: Score::new(8).unwrap(),
            comment: Some("Better now".into()),
            at: at(30),
        })
        .await
        .unwrap();
    assert_ne!(second.id, first.id);
    let moved = store.workflows(acme, &[second.id, first.id]).await.unwrap();
    assert_eq!(
        moved[0],
        vouch_store::ResponseWorkflow {
            response: second.id,
            ..workflow
        }
    );
    assert_eq!(
        moved[1].updated_at, None,
        "nothing is left on the old response"
    );
    let notes = store.notes(acme, second.id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].id, notes[0].response), (note.id, second.id));
    assert_eq!(notes[0].body, "Called them");
    assert_eq!(
        store
            .workflow_response_ids(
                acme,
                &WorkflowFilter {
                    tag: Some("churn-risk".into()),
                    ..WorkflowFilter::default()
                }
            )
            .await
            .unwrap(),
        [second.id]
    );
    assert_eq!(
        store.workflow_tags(acme).await.unwrap(),
        [("billing".to_owned(), 1), ("churn-risk".to_owned(), 1)]
    );
    assert_eq!(follow_up_rows(&database, first.id).await, [0, 0, 0]);
    assert_eq!(follow_up_rows(&database, second.id).await, [1, 2, 1]);

    // The same answer again moves nothing.
    let same = store
        .record_answer(&Answer {
            invitation,
            score: Score::new(8).unwrap(),
            comment: Some("Better now".into()),
            at: at(40),
        })
        .await
        .unwrap();
    assert_eq!(same.id, second.id);
    assert_eq!(follow_up_rows(&database, second.id).await, [1, 2, 1]);
}

/// Erasing a contact erases the follow-up, tags and notes of its responses, and only theirs.
#[tokio::test]
async fn erasing_a_contact_erases_the_follow_up_of_its_responses() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let ann = user(&store, "ann@example.com", "Ann").await;
    let (_, erased) = answered(&store, acme, "c1", 3).await;
    let (_, kept) = answered(&store, acme, "c2", 4).await;
    for response in [erased.id, kept.id] {
        store
            .change_workflow(
                acme,
                response,
                &tags(&["angry", "billing"]),
                Actor::Operator,
                at(10),
            )
            .await
            .unwrap();
        store
            .add_note(
                acme,
                response,
                ann,
                "They mention their manager by name",
                at(20),
            )
            .await
            .unwrap();
    }
    assert_eq!(follow_up_rows(&database, erased.id).await, [1, 2, 1]);
    assert_eq!(store.delete_contact(acme, erased.contact).await.unwrap(), 1);
    assert_eq!(follow_up_rows(&database, erased.id).await, [0, 0, 0]);
    assert_eq!(follow_up_rows(&database, kept.id).await, [1, 2, 1]);
    assert!(store.notes(acme, erased.id).await.unwrap().is_empty());
    assert_eq!(store.notes(acme, kept.id).await.unwrap().len(), 1);
    assert_eq!(
        store.workflow_tags(acme).await.unwrap(),
        [("angry".to_owned(), 1), ("billing".to_owned(), 1)]
    );
    assert_eq!(
        store
            .workflow_response_ids(acme, &WorkflowFilter::default())
            .await
            .unwrap(),
        [kept.id]
    );
}

/// Follow-up written while the response is erased or replaced, from another server: nothing
/// is left behind on a response that is gone, and nothing deadlocks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_racing_erasures_and_replacements_is_never_left_behind() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let other = PostgresStore::connect(database.url()).await.unwrap();
    let acme = store.workspace("acme").await.unwrap().id;
    let ann = user(&store, "ann@example.com", "Ann").await;
    for round in 0..15 {
        let (_, erased) = answered(&store, acme, &format!("e{round}"), 3).await;
        let (invitation, replaced) = answered(&store, acme, &format!("r{round}"), 3).await;
        let mut writers = Vec::new();
        for response in [erased.id, replaced.id] {
            for n in 0..2 {
                let server = other.clone();
                // Writers start a little later in some rounds, so that they come before, while
                // and after the erasure and the replacement.
                let delay = std::time::Duration::from_millis(round % 4 * 2);
                writers.push(tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let tag = format!("t{n}");
                    let changed = server
                        .change_workflow(
                            acme,
                            response,
                            &tags(&[tag.as_str()]),
                            Actor::Operator,
                            at(10),
                        )
                        .await
                        .map(|_| ());
                    let noted = server
                        .add_note(acme, response, ann, "note", at(20))
                        .await
                        .map(|_| ());
                    (response, changed, noted)
                }));
            }
        }
        let erasing = {
            let store = store.clone();
            tokio::spawn(async move { store.delete_contact(acme, erased.contact).await })
        };
        let replacing = {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .record_answer(&Answer {
                        invitation,
                        score: Score::new(10).unwrap(),
                        comment: None,
                        at: at(30),
                    })
                    .await
            })
        };
        let limit = std::time::Duration::from_secs(30);
        let erase = tokio::time::timeout(limit, erasing)
            .await
            .expect("no deadlock");
        assert_eq!(erase.unwrap().unwrap(), 1);
        let replacement = tokio::time::timeout(limit, replacing)
            .await
            .expect("no deadlock")
            .unwrap()
            .unwrap();
        // Whatever was written to the replaced response before it was replaced moved with it;
        // whatever came after found it gone.
        let (mut changes, mut notes) = (0, 0);
        for writer in writers {
            let (response, changed, noted) = writer.await.unwrap();
            for outcome in [&changed, &noted] {
                if let Err(error) = outcome {
                    assert!(matches!(error, StoreError::NotFound(_)), "{error}");
                }
            }
            if response == replaced.id {
                changes += i64::from(changed.is_ok());
                notes += i64::from(noted.is_ok());
            }
        }
        assert_eq!(follow_up_rows(&database, erased.id).await, [0, 0, 0]);
        assert_eq!(follow_up_rows(&database, replaced.id).await, [0, 0, 0]);
        let [workflow_rows, tag_rows, note_rows] = follow_up_rows(&database, replacement.id).await;
        assert_eq!(workflow_rows, changes.min(1), "round {round}");
        assert_eq!(tag_rows, changes.min(1), "round {round}");
        assert_eq!(note_rows, notes, "round {round}");
    }
}
