//! Tests of what the HTTP server asks of the store that need a PostgreSQL server: the
//! concurrency of `ingest` (several connections at once, as several servers would), its place in
//! the response-id protocol, and the PostgreSQL-only details of keys, contacts and replies.
//! Like [`crate::database_tests`], they are skipped when `VOUCH_TEST_DATABASE_URL` is not set.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use jiff::Timestamp;
use vouch_core::{AttributeKind, AttributeValue, Score};
use vouch_store::prelude::*;
use vouch_store::{
    AttributeDefinition, Attributes, ContactId, ContactKey, ContactQuery, IdempotencyKey,
    IngestOutcome, IngestRequest, KeyScope, NewApiKey, NewResponse, ResponseId, SavedReply,
    StoreError, StoredResponse, SurveyChanges, SurveyId, WorkspaceId,
};

use crate::database_tests::{all_ids, response, scratch_store, survey};

fn attributes(values: &[(&str, AttributeValue)]) -> Attributes {
    values
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect()
}

fn text(value: &str) -> AttributeValue {
    AttributeValue::String(value.into())
}

fn key(external_id: Option<&str>, email: Option<&str>) -> ContactKey {
    ContactKey {
        external_id: external_id.map(str::to_owned),
        email: email.map(str::to_owned),
    }
}

/// A request answering `survey` as `contact` with a score of 8.
fn request(survey: SurveyId, contact: ContactKey, given: Attributes) -> IngestRequest {
    let definitions = given
        .iter()
        .map(|(name, value)| AttributeDefinition {
            name: name.clone(),
            kind: value.kind(),
        })
        .collect();
    IngestRequest {
        response: NewResponse {
            survey,
            contact,
            attributes: given,
            score: Score::new(8).unwrap(),
            comment: Some("Good".into()),
            created_at: Timestamp::from_millisecond(1_767_225_600_123).unwrap(),
            channel: "api".into(),
        },
        definitions,
        idempotency: None,
    }
}

fn with_key(mut request: IngestRequest, key: &str, fingerprint: &str) -> IngestRequest {
    request.idempotency = Some(IdempotencyKey {
        key: key.into(),
        fingerprint: fingerprint.into(),
    });
    request
}

fn created(outcome: &IngestOutcome) -> &StoredResponse {
    match outcome {
        IngestOutcome::Created(response) => response,
        other => panic!("expected a created response, got {other:?}"),
    }
}

fn replayed(outcome: &IngestOutcome) -> &StoredResponse {
    match outcome {
        IngestOutcome::Replayed(response) => response,
        other => panic!("expected a replayed response, got {other:?}"),
    }
}

#[tokio::test]
async fn ingest_merges_attributes_and_returns_what_is_stored() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let signup = AttributeValue::parse_as("2025-02-03", AttributeKind::Date).unwrap();
    let first = store
        .ingest(
            workspace,
            vec![
                request(
                    survey,
                    key(Some("c1"), None),
                    attributes(&[
                        ("plan", text("free")),
                        ("seats", AttributeValue::Number(3.0)),
                    ]),
                ),
                // The same contact again in the batch: the second snapshot has both.
                request(
                    survey,
                    key(Some("c1"), Some("c1@example.com")),
                    attributes(&[("plan", text("pro")), ("signup", signup.clone())]),
                ),
                request(survey, key(None, Some("c2@example.com")), Attributes::new()),
            ],
        )
        .await
        .unwrap();
    let [one, two, three] = [created(&first[0]), created(&first[1]), created(&first[2])];
    assert!(one.id < two.id && two.id < three.id);
    assert_eq!(one.contact, two.contact);
    assert_ne!(one.contact, three.contact);
    assert_eq!(one.attributes["plan"], text("free"));
    assert_eq!(two.attributes["plan"], text("pro"));
    assert_eq!(two.attributes["seats"], AttributeValue::Number(3.0));
    assert_eq!(two.attributes["signup"], signup);
    assert!(three.attributes.is_empty());
    // What `ingest` returns is what reading returns.
    for outcome in &first {
        let stored = created(outcome);
        assert_eq!(
            store.response(workspace, stored.id).await.unwrap().as_ref(),
            Some(stored)
        );
    }
    let contact = store
        .contact_by_id(workspace, one.contact)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.email.as_deref(), Some("c1@example.com"));
    assert_eq!(contact.attributes, two.attributes);
    let kinds = store.attribute_definitions(workspace).await.unwrap();
    assert!(kinds.contains(&AttributeDefinition {
        name: "signup".into(),
        kind: AttributeKind::Date
    }));

    // A later call merges into the stored contact.
    let later = store
        .ingest(
            workspace,
            vec![request(
                survey,
                key(None, Some("c1@example.com")),
                attributes(&[("seats", AttributeValue::Number(5.0))]),
            )],
        )
        .await
        .unwrap();
    let later = created(&later[0]);
    assert_eq!(later.contact, one.contact);
    assert_eq!(later.attributes["plan"], text("pro"));
    assert_eq!(later.attributes["seats"], AttributeValue::Number(5.0));
    assert_eq!(later.attributes["signup"], signup);

    let ids = [three.id, ResponseId(999_999), one.id];
    let by_ids = store.responses_by_ids(workspace, &ids).await.unwrap();
    assert_eq!(
        by_ids.iter().map(|r| r.id).collect::<Vec<_>>(),
        [three.id, one.id]
    );
    let given = store
        .contact_responses(workspace, one.contact)
        .await
        .unwrap();
    assert_eq!(given.len(), 3);
    assert_eq!(all_ids(&store, workspace).await.len(), 4);
}

#[tokio::test]
async fn a_closed_or_foreign_survey_fails_the_whole_call() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let other = store.workspace("other").await.unwrap().id;
    let open = survey(&store, acme, "Q1").await;
    let archived = survey(&store, acme, "Q0").await;
    let foreign = survey(&store, other, "Q1").await;
    let changes = SurveyChanges {
        archived: Some(true),
        ..SurveyChanges::default()
    };
    store.update_survey(acme, archived, changes).await.unwrap();
    for survey in [archived, foreign, SurveyId(424_242)] {
        let error = store
            .ingest(
                acme,
                vec![
                    request(open, key(Some("c1"), None), Attributes::new()),
                    with_key(
                        request(survey, key(Some("c2"), None), Attributes::new()),
                        "k",
                        "f",
                    ),
                ],
            )
            .await
            .unwrap_err();
        assert!(matches!(error, StoreError::NotFound(_)), "{error}");
    }
    assert!(all_ids(&store, acme).await.is_empty());
    assert_eq!(
        store
            .contact(acme, &key(Some("c1"), None))
            .await
            .unwrap()
            .map(|c| c.id),
        None
    );
    // The key was not kept either.
    let outcome = store
        .ingest(
            acme,
            vec![with_key(
                request(open, key(Some("c2"), None), Attributes::new()),
                "k",
                "g",
            )],
        )
        .await
        .unwrap();
    created(&outcome[0]);
}

#[tokio::test]
async fn idempotency_keys_replay_within_and_across_calls() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let ask = |key: &str, fingerprint: &str| {
        with_key(
            request(survey, self::key(Some("c1"), None), Attributes::new()),
            key,
            fingerprint,
        )
    };
    let first = store
        .ingest(
            workspace,
            vec![ask("a", "1"), ask("a", "1"), ask("a", "2"), ask("b", "1")],
        )
        .await
        .unwrap();
    let a = created(&first[0]).clone();
    assert_eq!(replayed(&first[1]), &a);
    assert_eq!(first[2], IngestOutcome::KeyReused);
    created(&first[3]);

    let second = store
        .ingest(workspace, vec![ask("b", "2"), ask("a", "1"), ask("c", "1")])
        .await
        .unwrap();
    assert_eq!(second[0], IngestOutcome::KeyReused);
    assert_eq!(replayed(&second[1]), &a);
    created(&second[2]);
    assert_eq!(all_ids(&store, workspace).await.len(), 3);

    // A key of a saved reply is not an ingest's, and the other way round.
    let reply = SavedReply {
        fingerprint: "1".into(),
        status: 201,
        body: "{}".into(),
    };
    assert!(store.save_reply(workspace, "r", &reply).await.unwrap());
    assert!(!store.save_reply(workspace, "r", &reply).await.unwrap());
    assert!(!store.save_reply(workspace, "a", &reply).await.unwrap());
    assert_eq!(
        store.saved_reply(workspace, "r").await.unwrap(),
        Some(reply)
    );
    assert_eq!(store.saved_reply(workspace, "a").await.unwrap(), None);
    let third = store.ingest(workspace, vec![ask("r", "1")]).await.unwrap();
    assert_eq!(third[0], IngestOutcome::KeyReused);
    let missing = store
        .save_reply(
            WorkspaceId(424_242),
            "r",
            &SavedReply {
                fingerprint: "1".into(),
                status: 200,
                body: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound(_)), "{missing}");
}

#[tokio::test]
async fn erasing_a_contact_forgets_the_keys_of_its_responses() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let ask = || {
        with_key(
            request(survey, key(Some("c1"), None), Attributes::new()),
            "k",
            "f",
        )
    };
    let first = store.ingest(workspace, vec![ask()]).await.unwrap();
    let first = created(&first[0]).clone();
    assert_eq!(
        store
            .delete_contact(workspace, first.contact)
            .await
            .unwrap(),
        1
    );
    let again = store.ingest(workspace, vec![ask()]).await.unwrap();
    assert!(created(&again[0]).id > first.id);
}

/// Two servers racing on one key: one writes, the other waits for it and replays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_raced_by_two_connections_is_written_once() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    for round in 0..20 {
        let ask = |contact: &str| {
            vec![with_key(
                request(survey, key(Some(contact), None), Attributes::new()),
                &format!("key-{round}"),
                "f",
            )]
        };
        let (left, right) = tokio::join!(
            store.ingest(workspace, ask("left")),
            store.ingest(workspace, ask("right"))
        );
        let (left, right) = (left.unwrap(), right.unwrap());
        let written: Vec<&StoredResponse> = [&left[0], &right[0]]
            .into_iter()
            .filter_map(|outcome| match outcome {
                IngestOutcome::Created(response) => Some(response),
                _ => None,
            })
            .collect();
        assert_eq!(written.len(), 1, "{left:?} {right:?}");
        let replay = match (&left[0], &right[0]) {
            (IngestOutcome::Replayed(replay), _) | (_, IngestOutcome::Replayed(replay)) => replay,
            _ => panic!("no replay: {left:?} {right:?}"),
        };
        assert_eq!(replay, written[0]);
    }
    assert_eq!(all_ids(&store, workspace).await.len(), 20);
}

/// Two connections ingesting batches that share contacts, stored and new, in opposite orders:
/// neither deadlocks nor fails, no contact is created twice, and no attribute is lost. Each
/// round creates contacts that both calls name, so one of them finds, after waiting for the
/// other, contacts it did not see when it looked, and runs again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_ingests_of_overlapping_contacts_do_not_deadlock() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let zero = AttributeValue::Number(0.0);
    let stored: Vec<IngestRequest> = (0..100)
        .map(|n| {
            let given = attributes(&[
                ("left", zero.clone()),
                ("right", zero.clone()),
                ("round", zero.clone()),
            ]);
            request(survey, key(Some(&format!("c{n:03}")), None), given)
        })
        .collect();
    store.ingest(workspace, stored).await.unwrap();
    let batch = move |task: &str, round: usize, reverse: bool| {
        let stored = (0..100).map(|n| format!("c{n:03}"));
        let new = (0..100).map(|n| format!("r{round:02}-{n:03}"));
        let mut names: Vec<String> = stored.chain(new).collect();
        if reverse {
            names.reverse();
        }
        names
            .into_iter()
            .map(|name| {
                let email = format!("{name}@example.com");
                let given = attributes(&[
                    (task, AttributeValue::Number(round as f64)),
                    ("round", AttributeValue::Number(round as f64)),
                ]);
                request(survey, key(Some(&name), Some(&email)), given)
            })
            .collect::<Vec<_>>()
    };
    let rounds = 10;
    // Both calls of a round start together.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let run = |task: &'static str, reverse: bool| {
        let store = store.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            for round in 1..=rounds {
                barrier.wait().await;
                let outcomes = tokio::time::timeout(
                    Duration::from_secs(30),
                    store.ingest(workspace, batch(task, round, reverse)),
                )
                .await
                .expect("no deadlock")
                .expect("ingest");
                assert!(
                    outcomes
                        .iter()
                        .all(|o| matches!(o, IngestOutcome::Created(_)))
                );
            }
        })
    };
    let (left, right) = tokio::join!(run("left", false), run("right", true));
    left.unwrap();
    right.unwrap();

    let contacts = store
        .contacts(
            workspace,
            &ContactQuery {
                limit: 10_000,
                ..ContactQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(contacts.len(), 100 + 100 * rounds);
    for contact in &contacts {
        let name = contact.external_id.as_deref().unwrap();
        assert_eq!(contact.email, Some(format!("{name}@example.com")));
        // Both tasks' values are there: one merge did not undo the other.
        let round = match name.strip_prefix('r') {
            Some(created) => created[..2].parse::<f64>().unwrap(),
            None => rounds as f64,
        };
        assert_eq!(contact.attributes["left"], AttributeValue::Number(round));
        assert_eq!(contact.attributes["right"], AttributeValue::Number(round));
    }
    let listing = store.surveys(workspace).await.unwrap();
    assert_eq!(listing[0].responses, (100 + 2 * 200 * rounds) as u64);
}

/// An import holds ids below those an ingest commits meanwhile: the ingested rows are not
/// handed out before the import's are visible, so a tailing reader misses nothing.
#[tokio::test]
async fn ingested_ids_wait_for_smaller_ids_still_being_written() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let mut import = store.begin_import(workspace).await.unwrap();
    import
        .write(&[response(survey, Some("a"), None, "free")])
        .await
        .unwrap();
    // `write` returns before the batch is written; an empty batch waits for it.
    import.write(&[]).await.unwrap();
    let outcome = store
        .ingest(
            workspace,
            vec![request(survey, key(Some("b"), None), Attributes::new())],
        )
        .await
        .unwrap();
    let ingested = created(&outcome[0]).id;
    assert!(all_ids(&store, workspace).await.is_empty());
    import.commit().await.unwrap();
    let ids = all_ids(&store, workspace).await;
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1], ingested.0);
}

/// Readers tail the table while several connections ingest: what they collect, page after
/// page, is every response, in id order, with none skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_tailing_concurrent_ingests_misses_nothing() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let store = store.clone();
            tokio::spawn(async move {
                for call in 0..25 {
                    let batch = (0..20)
                        .map(|n| {
                            let contact = format!("w{writer}-{}", (call * 20 + n) % 50);
                            request(survey, key(Some(&contact), None), Attributes::new())
                        })
                        .collect();
                    store.ingest(workspace, batch).await.unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = ResponseId(0);
            while seen.len() < 4 * 25 * 20 {
                let page = store
                    .responses_after(workspace, after, None, 37)
                    .await
                    .unwrap();
                if let Some(last) = page.last() {
                    after = last.id;
                }
                seen.extend(page.iter().map(|response| response.id.0));
            }
            seen
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    let seen = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .expect("the reader catches up")
        .unwrap();
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]));
    let all: Vec<i64> = {
        let mut all = Vec::new();
        let mut after = ResponseId(0);
        loop {
            let page = store
                .responses_after(workspace, after, None, 1_000)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = last.id;
            all.extend(page.iter().map(|response| response.id.0));
        }
        all
    };
    assert_eq!(seen, all);
}

#[tokio::test]
async fn api_keys_are_unique_by_name_among_live_keys() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let new_key = |name: &str, hash: &str| NewApiKey {
        name: name.into(),
        scope: KeyScope::Write,
        prefix: "vch_abcd".into(),
        secret_hash: hash.into(),
    };
    let first = store
        .create_api_key(workspace, new_key("ci", "h1"))
        .await
        .unwrap();
    assert_eq!(first.revoked_at, None);
    let taken = store
        .create_api_key(workspace, new_key("ci", "h2"))
        .await
        .unwrap_err();
    assert!(matches!(taken, StoreError::Conflict(_)), "{taken}");
    let revoked = store.revoke_api_key(workspace, "ci").await.unwrap();
    assert!(revoked.revoked_at.is_some());
    let again = store.revoke_api_key(workspace, "ci").await.unwrap_err();
    assert!(matches!(again, StoreError::NotFound(_)), "{again}");
    let second = store
        .create_api_key(workspace, new_key("ci", "h2"))
        .await
        .unwrap();
    let listed = store.api_keys(workspace).await.unwrap();
    assert_eq!(listed, [revoked.clone(), second.clone()]);
    assert_eq!(store.api_key_by_hash("h1").await.unwrap(), Some(revoked));
    assert_eq!(store.api_key_by_hash("h3").await.unwrap(), None);
    let nowhere = store
        .create_api_key(WorkspaceId(424_242), new_key("ci", "h3"))
        .await
        .unwrap_err();
    assert!(matches!(nowhere, StoreError::NotFound(_)), "{nowhere}");
}

#[tokio::test]
async fn contacts_are_filtered_by_canonical_values_and_paged() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let signup = AttributeValue::parse_as("2026-01-31", AttributeKind::Date).unwrap();
    let definitions = [AttributeDefinition {
        name: "signup".into(),
        kind: AttributeKind::Date,
    }];
    let mut ids = Vec::new();
    for n in 0..5 {
        let given = attributes(&[
            (
                "seats",
                AttributeValue::Number(if n < 3 { 3.0 } else { 3.5 }),
            ),
            ("trial", AttributeValue::Boolean(n % 2 == 0)),
            ("plan", text(if n == 4 { "Pro" } else { "pro" })),
            ("signup", signup.clone()),
        ]);
        let contact = store
            .upsert_contact(
                workspace,
                &key(Some(&format!("c{n}")), None),
                &given,
                &definitions,
            )
            .await
            .unwrap();
        assert_eq!(contact.attributes, given);
        ids.push(contact.id);
    }
    let page = |filters: &[(&str, &str)], after: Option<ContactId>, limit: usize| {
        let query = ContactQuery {
            filters: filters
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            after,
            limit,
        };
        let store = &store;
        async move {
            store
                .contacts(workspace, &query)
                .await
                .unwrap()
                .iter()
                .map(|contact| contact.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(page(&[("seats", "3")], None, 10).await, ids[..3]);
    assert_eq!(page(&[("seats", "3.0")], None, 10).await, ids[..3]);
    assert_eq!(page(&[("seats", "3.5")], None, 10).await, ids[3..]);
    assert_eq!(page(&[("seats", "three")], None, 10).await, []);
    assert_eq!(
        page(&[("trial", "true"), ("seats", "3")], None, 10).await,
        [ids[0], ids[2]]
    );
    assert_eq!(page(&[("plan", "pro")], None, 10).await, ids[..4]);
    assert_eq!(page(&[("signup", "2026-01-31")], None, 10).await, ids);
    assert_eq!(page(&[("missing", "x")], None, 10).await, []);
    assert_eq!(page(&[], Some(ids[1]), 2).await, ids[2..4]);
    assert_eq!(page(&[("plan", "pro")], Some(ids[2]), 10).await, [ids[3]]);

    // Upserting merges, and the date comes back as a date.
    let merged = store
        .upsert_contact(
            workspace,
            &key(Some("c0"), Some("c0@example.com")),
            &attributes(&[("plan", text("team"))]),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(merged.id, ids[0]);
    assert_eq!(merged.email.as_deref(), Some("c0@example.com"));
    assert_eq!(merged.attributes["plan"], text("team"));
    assert_eq!(merged.attributes["signup"], signup);
    assert_eq!(
        store.contact_by_id(workspace, ids[0]).await.unwrap(),
        Some(merged)
    );
    let other = store.workspace("other").await.unwrap().id;
    assert_eq!(store.contact_by_id(other, ids[0]).await.unwrap(), None);
    assert!(page(&[], None, 0).await.is_empty());
    let distinct: BTreeSet<ContactId> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), 5);
}

#[tokio::test]
async fn surveys_are_renamed_and_archived_in_their_workspace_only() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let q1 = survey(&store, workspace, "Q1").await;
    survey(&store, workspace, "Q2").await;
    let rename = |name: &str| SurveyChanges {
        name: Some(name.into()),
        ..SurveyChanges::default()
    };
    let renamed = store
        .update_survey(workspace, q1, rename("Q1 2026"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Q1 2026");
    assert!(!renamed.archived);
    let taken = store
        .update_survey(workspace, q1, rename("Q2"))
        .await
        .unwrap_err();
    assert!(matches!(taken, StoreError::Conflict(_)), "{taken}");
    let reworded = store
        .update_survey(
            workspace,
            q1,
            SurveyChanges {
                question: Some("Would you recommend us?".into()),
                archived: Some(true),
                ..SurveyChanges::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reworded.name, "Q1 2026");
    assert_eq!(reworded.question, "Would you recommend us?");
    assert!(reworded.archived);
    let other = store.workspace("other").await.unwrap();
    assert_eq!(
        store.workspace_by_id(other.id).await.unwrap(),
        Some(other.clone())
    );
    let elsewhere = store
        .update_survey(other.id, q1, rename("x"))
        .await
        .unwrap_err();
    assert!(matches!(elsewhere, StoreError::NotFound(_)), "{elsewhere}");
    let names: HashSet<String> = store
        .surveys(workspace)
        .await
        .unwrap()
        .into_iter()
        .map(|listing| listing.survey.name)
        .collect();
    assert_eq!(names, HashSet::from(["Q1 2026".into(), "Q2".into()]));
}

/// A request refused for its key, or replayed, records none of its attribute kinds.
#[tokio::test]
async fn only_written_requests_define_attributes() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let ask = |name: &str, fingerprint: &str| {
        with_key(
            request(
                survey,
                key(Some("c1"), None),
                attributes(&[(name, text("x"))]),
            ),
            "k",
            fingerprint,
        )
    };
    store
        .ingest(workspace, vec![ask("plan", "1"), ask("ghost", "2")])
        .await
        .unwrap();
    let outcomes = store
        .ingest(
            workspace,
            vec![
                ask("spirit", "3"),
                request(
                    survey,
                    key(Some("c2"), None),
                    attributes(&[("region", text("EU"))]),
                ),
            ],
        )
        .await
        .unwrap();
    assert_eq!(outcomes[0], IngestOutcome::KeyReused);
    let names: Vec<String> = store
        .attribute_definitions(workspace)
        .await
        .unwrap()
        .into_iter()
        .map(|definition| definition.name)
        .collect();
    assert_eq!(names, ["plan", "region"]);
}

/// A caller that gives up on `ingest` mid-way (a request cancelled, a timeout) leaves no
/// transaction open on a pooled connection: the connection is closed instead, and the server
/// rolls back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_ingest_leaves_no_transaction_open() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap().id;
    let survey = survey(&store, workspace, "Q1").await;
    let ask = || vec![request(survey, key(Some("c1"), None), Attributes::new())];
    store.ingest(workspace, ask()).await.unwrap();
    // Another session holds the contact, so the next call waits inside its transaction...
    let blocker = crate::PostgresStore::connect(database.url()).await.unwrap();
    let mut blocking = blocker.client().await.unwrap();
    let lock = blocking.transaction().await.unwrap();
    lock.execute("SELECT 1 FROM contacts FOR UPDATE", &[])
        .await
        .unwrap();
    // ... and is given up.
    let gave_up = tokio::time::timeout(Duration::from_millis(300), store.ingest(workspace, ask()));
    assert!(gave_up.await.is_err(), "the call should have waited");
    lock.rollback().await.unwrap();
    // No session of the store stays in a transaction (a closed one takes a moment to go).
    let mut open = i64::MAX;
    for _ in 0..50 {
        open = blocking
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = $1 AND state <> 'idle' AND pid <> pg_backend_pid()",
                &[&database.name()],
            )
            .await
            .unwrap()
            .get(0);
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(open, 0, "transactions left open");
    // Nothing of the abandoned call was written, and the store still works.
    assert_eq!(all_ids(&store, workspace).await.len(), 1);
    let again = store.ingest(workspace, ask()).await.unwrap();
    created(&again[0]);
    assert_eq!(all_ids(&store, workspace).await.len(), 2);
}
