//! Accounts and follow-up on SQLite beyond the shared story: servers racing on one file for a
//! link that works once, and a follow-up written while its response is erased.

use jiff::{SignedDuration, Timestamp};
use vouch_core::{Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    Actor, Answer, Attributes, Channel, ContactKey, MemberInvite, NewInvitation, NewSurvey,
    NewUser, ResponseStatus, Role, StoreError, UserId, WorkflowChange, WorkflowFilter, WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

/// Two stores on one file, as two servers would have, and a workspace.
struct Servers {
    _directory: tempfile::TempDir,
    first: SqliteStore,
    second: SqliteStore,
    workspace: WorkspaceId,
}

async fn servers() -> Servers {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("vouch.db");
    let first = SqliteStore::open_path(&path).expect("open");
    let second = SqliteStore::open_path(&path).expect("open again");
    let workspace = first.workspace("acme").await.expect("workspace").id;
    Servers {
        _directory: directory,
        first,
        second,
        workspace,
    }
}

async fn user(store: &SqliteStore, name: &str) -> UserId {
    store
        .create_user(NewUser {
            email: format!("{name}@example.com"),
            name: name.to_owned(),
            password_hash: "hash".to_owned(),
        })
        .await
        .expect("create_user")
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_accepting_one_invitation_at_once_let_one_user_in() {
    let servers = servers().await;
    let ann = user(&servers.first, "ann").await;
    let bob = user(&servers.first, "bob").await;
    let cyd = user(&servers.first, "cyd").await;
    let now = Timestamp::now();
    for round in 0..20 {
        let token_hash = format!("invite-{round}");
        servers
            .first
            .create_member_invite(&MemberInvite {
                token_hash: token_hash.clone(),
                workspace: servers.workspace,
                role: Role::Member,
                hr: false,
                email: None,
                invited_by: ann,
                created_at: now,
                expires_at: now + SignedDuration::from_hours(1),
                accepted_at: None,
            })
            .await
            .expect("create_member_invite");
        let (by_bob, by_cyd) = tokio::join!(
            servers.first.accept_member_invite(&token_hash, bob, now),
            servers.second.accept_member_invite(&token_hash, cyd, now),
        );
        let accepted = [&by_bob, &by_cyd]
            .iter()
            .filter(|outcome| outcome.is_ok())
            .count();
        assert_eq!(accepted, 1, "round {round}: {by_bob:?} / {by_cyd:?}");
        for outcome in [by_bob, by_cyd] {
            if let Err(error) = outcome {
                assert!(matches!(error, StoreError::NotFound(_)), "{error:?}");
            }
        }
        for member in [bob, cyd] {
            // Whoever joined leaves, so that each round starts with neither a member.
            let _ = servers
                .first
                .remove_membership(servers.workspace, member)
                .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn servers_taking_one_password_reset_at_once_use_it_once() {
    let servers = servers().await;
    let ann = user(&servers.first, "ann").await;
    let now = Timestamp::now();
    for round in 0..20 {
        let token_hash = format!("reset-{round}");
        servers
            .first
            .create_password_reset(ann, &token_hash, now + SignedDuration::from_hours(1))
            .await
            .expect("create_password_reset");
        let (first, second) = tokio::join!(
            servers.first.take_password_reset(&token_hash, now),
            servers.second.take_password_reset(&token_hash, now),
        );
        let mut taken = [first.expect("take"), second.expect("take")];
        taken.sort();
        assert_eq!(taken, [None, Some(ann)], "round {round}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_follow_up_written_while_its_contact_is_erased_leaves_nothing_behind() {
    let servers = servers().await;
    let store = &servers.first;
    let ann = user(store, "ann").await;
    let survey = store
        .create_survey(
            servers.workspace,
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
    for round in 0..20 {
        let key = ContactKey {
            external_id: Some(format!("contact-{round}")),
            email: None,
        };
        let contact = store
            .upsert_contact(servers.workspace, &key, &Attributes::new(), &[])
            .await
            .expect("upsert_contact")
            .id;
        let invitation = store
            .invite(
                servers.workspace,
                &[NewInvitation {
                    survey,
                    contact,
                    campaign: None,
                    channel: Channel::Link,
                    expires_at: Timestamp::now() + SignedDuration::from_hours(1),
                }],
            )
            .await
            .expect("invite")
            .remove(0)
            .id;
        let response = store
            .record_answer(&Answer {
                invitation,
                score: Score::new(6).expect("a score"),
                comment: None,
                at: Timestamp::now(),
            })
            .await
            .expect("record_answer")
            .id;
        let change = WorkflowChange {
            status: Some(ResponseStatus::Closed),
            assignee: Some(Some(ann)),
            tags: Some(vec!["churn".to_owned()]),
        };
        let (changed, noted, erased) = tokio::join!(
            servers.second.change_workflow(
                servers.workspace,
                response,
                &change,
                Actor::Operator,
                Timestamp::now()
            ),
            servers
                .second
                .add_note(servers.workspace, response, ann, "Called", Timestamp::now()),
            store.delete_contact(servers.workspace, contact),
        );
        assert_eq!(erased.expect("delete_contact"), 1, "round {round}");
        for outcome in [changed.map(|_| ()), noted.map(|_| ())] {
            if let Err(error) = outcome {
                assert!(matches!(error, StoreError::NotFound(_)), "{error:?}");
            }
        }
        assert_eq!(
            store
                .workflow_response_ids(servers.workspace, &WorkflowFilter::default())
                .await
                .expect("workflow_response_ids"),
            vec![],
            "round {round}: no follow-up outlives its response"
        );
        assert_eq!(
            store
                .workflow_tags(servers.workspace)
                .await
                .expect("workflow_tags"),
            vec![]
        );
        assert_eq!(
            store
                .notes(servers.workspace, response)
                .await
                .expect("notes"),
            vec![]
        );
    }
}
