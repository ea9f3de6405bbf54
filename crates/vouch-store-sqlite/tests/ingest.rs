//! What the SQLite store's group-commit ingest and server bookkeeping do beyond the shared
//! story: durability when the process is killed, erasure, keys shared with saved replies,
//! attribute names a JSON path cannot spell, error messages, concurrent callers.

use std::collections::BTreeSet;
use std::process::Command;

use jiff::Timestamp;
use vouch_core::{AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    Attributes, ContactKey, ContactQuery, IdempotencyKey, IngestOutcome, IngestRequest,
    NewResponse, NewSurvey, ResponseId, SavedReply, StoreError, StoredResponse, SurveyId,
    WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

/// Set in the child process of the kill test: the database it writes to.
const KILLED_CHILD_DATABASE: &str = "VOUCH_TEST_INGEST_THEN_ABORT";

async fn setup(store: &SqliteStore) -> (WorkspaceId, SurveyId) {
    let workspace = store.workspace("acme").await.expect("workspace").id;
    let survey = store
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: "Onboarding".into(),
                kind: SurveyKind::Nps,
                question: "How likely are you to recommend Acme?".into(),
                follow_up: "Why?".into(),
            },
        )
        .await
        .expect("survey")
        .id;
    (workspace, survey)
}

fn request(
    survey: SurveyId,
    who: &str,
    key: Option<&str>,
    attributes: Attributes,
) -> IngestRequest {
    IngestRequest {
        response: NewResponse {
            survey,
            contact: ContactKey {
                external_id: Some(who.to_owned()),
                email: None,
            },
            attributes,
            score: Score::new(9).expect("a score"),
            comment: None,
            created_at: Timestamp::from_second(1_770_000_000).expect("a time"),
            channel: "api".into(),
        },
        definitions: Vec::new(),
        idempotency: key.map(|key| IdempotencyKey {
            key: key.to_owned(),
            fingerprint: format!("{key}-body"),
        }),
    }
}

fn created(outcome: &IngestOutcome) -> &StoredResponse {
    match outcome {
        IngestOutcome::Created(response) => response,
        other => panic!("expected Created, got {other:?}"),
    }
}

#[test]
fn what_ingest_returned_survives_the_process_being_killed() {
    if let Ok(path) = std::env::var(KILLED_CHILD_DATABASE) {
        ingest_then_abort(&path);
    }
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("killed.db");
    let status = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "what_ingest_returned_survives_the_process_being_killed",
            "--test-threads=1",
        ])
        .env(KILLED_CHILD_DATABASE, &path)
        .status()
        .expect("the child runs");
    assert!(!status.success(), "the child aborts after ingesting");
    // The child left its log behind, never checkpointed nor closed.
    let reopened = SqliteStore::open_path(&path).expect("reopen");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let workspace = reopened.workspace("acme").await.expect("workspace").id;
        let stored = reopened
            .responses_after(workspace, ResponseId::default(), None, usize::MAX)
            .await
            .expect("responses");
        assert_eq!(
            stored.len(),
            1_000,
            "every response the call returned is there"
        );
        let survey = stored[0].survey;
        let replay = reopened
            .ingest(
                workspace,
                vec![request(survey, "who-0", Some("key-0"), Attributes::new())],
            )
            .await
            .expect("ingest");
        assert!(
            matches!(&replay[..], [IngestOutcome::Replayed(first)] if first.id == stored[0].id),
            "the keys were committed with the responses, got {replay:?}"
        );
    });
}

/// The child: one call of 1 000 requests, then death without any clean-up.
fn ingest_then_abort(path: &str) -> ! {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(path).expect("open");
        let (workspace, survey) = setup(&store).await;
        let requests = (0..1_000)
            .map(|index| {
                let key = format!("key-{index}");
                request(
                    survey,
                    &format!("who-{index}"),
                    Some(&key),
                    Attributes::new(),
                )
            })
            .collect();
        let outcomes = store.ingest(workspace, requests).await.expect("ingest");
        assert_eq!(outcomes.len(), 1_000);
    });
    std::process::abort()
}

#[tokio::test]
async fn erasing_a_contact_frees_the_keys_of_its_responses() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let (workspace, survey) = setup(&store).await;
    let first = store
        .ingest(
            workspace,
            vec![request(survey, "ann", Some("k"), Attributes::new())],
        )
        .await
        .expect("ingest");
    let first = created(&first[0]).clone();
    store
        .delete_contact(workspace, first.contact)
        .await
        .expect("erase");
    let again = store
        .ingest(
            workspace,
            vec![request(survey, "ann", Some("k"), Attributes::new())],
        )
        .await
        .expect("ingest");
    let again = created(&again[0]);
    assert!(again.id > first.id, "an erased response is not replayed");
    assert_ne!(again.contact, first.contact);
}

#[tokio::test]
async fn a_key_serves_one_request_whether_ingest_or_saved_reply() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let (workspace, survey) = setup(&store).await;
    let outcomes = store
        .ingest(
            workspace,
            vec![request(survey, "ann", Some("used"), Attributes::new())],
        )
        .await
        .expect("ingest");
    created(&outcomes[0]);
    assert_eq!(
        store
            .saved_reply(workspace, "used")
            .await
            .expect("saved_reply"),
        None,
        "a key that wrote a response has no saved reply"
    );
    let reply = SavedReply {
        fingerprint: "used-body".into(),
        status: 201,
        body: "{}".into(),
    };
    assert!(
        !store
            .save_reply(workspace, "used", &reply)
            .await
            .expect("save_reply")
    );
    assert!(
        store
            .save_reply(workspace, "replied", &reply)
            .await
            .expect("save_reply")
    );
    let outcomes = store
        .ingest(
            workspace,
            vec![request(survey, "ann", Some("replied"), Attributes::new())],
        )
        .await
        .expect("ingest");
    assert_eq!(
        outcomes,
        vec![IngestOutcome::KeyReused],
        "a key that answered another request writes nothing"
    );
}

#[tokio::test]
async fn refusals_say_why_and_leave_the_store_usable() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let (workspace, survey) = setup(&store).await;
    let other = store.workspace("other").await.expect("workspace").id;
    let foreign = store
        .ingest(other, vec![request(survey, "ann", None, Attributes::new())])
        .await;
    match foreign {
        Err(StoreError::NotFound(message)) => {
            assert!(
                message.contains("not a survey of this workspace"),
                "{message}"
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    store
        .update_survey(
            workspace,
            survey,
            vouch_store::SurveyChanges {
                archived: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("archive");
    let archived = store
        .ingest(
            workspace,
            vec![request(survey, "ann", None, Attributes::new())],
        )
        .await;
    match archived {
        Err(StoreError::NotFound(message)) => assert!(message.contains("archived"), "{message}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    let nobody = IngestRequest {
        response: NewResponse {
            contact: ContactKey {
                external_id: Some(String::new()),
                email: None,
            },
            ..request(survey, "x", None, Attributes::new()).response
        },
        ..request(survey, "x", None, Attributes::new())
    };
    store
        .update_survey(
            workspace,
            survey,
            vouch_store::SurveyChanges {
                archived: Some(false),
                ..Default::default()
            },
        )
        .await
        .expect("restore");
    assert!(
        store.ingest(workspace, vec![nobody]).await.is_err(),
        "a response without a contact key is refused"
    );
    let outcomes = store
        .ingest(
            workspace,
            vec![request(survey, "ann", None, Attributes::new())],
        )
        .await
        .expect("the next call writes");
    created(&outcomes[0]);
}

#[tokio::test]
async fn attributes_whose_names_a_json_path_cannot_spell_are_filtered_too() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let (workspace, _) = setup(&store).await;
    let mut ids = Vec::new();
    for (who, value) in [("ann", 3.0), ("bob", 4.0)] {
        let attributes = Attributes::from([
            (r#"the "tier""#.to_owned(), AttributeValue::Number(value)),
            (r"back\slash".to_owned(), AttributeValue::String(who.into())),
            ("a.b[0]".to_owned(), AttributeValue::Boolean(value > 3.5)),
        ]);
        let contact = store
            .upsert_contact(
                workspace,
                &ContactKey {
                    external_id: Some(who.into()),
                    email: None,
                },
                &attributes,
                &[],
            )
            .await
            .expect("upsert");
        ids.push(contact.id);
    }
    for (name, value, expected) in [
        (r#"the "tier""#, "3.0", vec![ids[0]]),
        (r"back\slash", "bob", vec![ids[1]]),
        ("a.b[0]", "true", vec![ids[1]]),
        ("a.b[0]", "false", vec![ids[0]]),
    ] {
        let query = ContactQuery {
            filters: vec![(name.to_owned(), value.to_owned())],
            after: None,
            limit: 10,
        };
        let found: Vec<_> = store
            .contacts(workspace, &query)
            .await
            .expect("contacts")
            .into_iter()
            .map(|contact| contact.id)
            .collect();
        assert_eq!(found, expected, "{name} = {value}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_each_get_their_own_responses_in_growing_order() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let (workspace, survey) = setup(&store).await;
    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let requests = (0..50)
                .map(|index| {
                    let key = format!("{task}-{index}");
                    request(
                        survey,
                        &format!("who-{index}"),
                        Some(&key),
                        Attributes::new(),
                    )
                })
                .collect();
            let outcomes = store.ingest(workspace, requests).await.expect("ingest");
            outcomes
                .iter()
                .map(|outcome| created(outcome).id)
                .collect::<Vec<_>>()
        }));
    }
    let mut all = BTreeSet::new();
    for task in tasks {
        let ids = task.await.expect("a task");
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "ids grow within a call"
        );
        all.extend(ids);
    }
    assert_eq!(all.len(), 400, "no id given twice");
    let stored = store
        .responses_after(workspace, ResponseId::default(), None, usize::MAX)
        .await
        .expect("responses");
    assert_eq!(stored.len(), 400);
    let contacts = store
        .contacts(
            workspace,
            &ContactQuery {
                filters: Vec::new(),
                after: None,
                limit: 1_000,
            },
        )
        .await
        .expect("contacts");
    assert_eq!(
        contacts.len(),
        50,
        "one contact per key, however the calls interleave"
    );
}
