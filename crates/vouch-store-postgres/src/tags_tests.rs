//! Tests of tags that need a PostgreSQL server: the tag set under concurrent changes, bulk
//! operations over 100 000 responses, history erased with a contact (also while it is being
//! written), and the migration of tags spelt differently on different responses. Like
//! [`crate::database_tests`], they are skipped when `VOUCH_TEST_DATABASE_URL` is not set.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use vouch_store::prelude::*;
use vouch_store::{
    Actor, ContactId, NewTagRule, ResponseId, StoreError, WorkflowChange, WorkspaceId,
};

use crate::database_tests::{response, scratch_store, survey};
use crate::migrate::MIGRATIONS;
use crate::{PostgresStore, TestDatabase};

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_millisecond(1_800_000_000_000 + seconds * 1_000).unwrap()
}

async fn raw(database: &TestDatabase) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(database.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

/// Rows of `table` whose response is among `responses`.
async fn rows(database: &TestDatabase, table: &str, responses: &[ResponseId]) -> i64 {
    let ids: Vec<i64> = responses.iter().map(|id| id.0).collect();
    raw(database)
        .await
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE response_id = ANY($1)"),
            &[&ids],
        )
        .await
        .unwrap()
        .get(0)
}

/// Imports `count` responses of `contacts` contacts (in turn) and returns their ids and
/// contacts, in id order.
async fn imported(
    store: &PostgresStore,
    workspace: WorkspaceId,
    count: usize,
    contacts: usize,
) -> Vec<(ResponseId, ContactId)> {
    let survey = survey(store, workspace, "Q1").await;
    let mut import = store.begin_import(workspace).await.unwrap();
    let batch: Vec<_> = (0..count)
        .map(|n| response(survey, Some(&format!("c{}", n % contacts)), None, "pro"))
        .collect();
    for chunk in batch.chunks(10_000) {
        import.write(chunk).await.unwrap();
    }
    import.commit().await.unwrap();
    let mut all = Vec::with_capacity(count);
    let mut after = ResponseId(0);
    loop {
        let page = store
            .responses_after(workspace, after, None, 10_000)
            .await
            .unwrap();
        let Some(last) = page.last() else {
            return all;
        };
        after = last.id;
        all.extend(page.iter().map(|response| (response.id, response.contact)));
    }
}

/// Two servers creating "Bug" and "bug" at once: one wins, the other is `Conflict`; two
/// servers tagging responses "Bug" and "bug" at once end with one tag on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_spellings_of_one_tag_never_both_join_the_set() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let other = PostgresStore::connect(database.url()).await.unwrap();
    let acme = store.workspace("acme").await.unwrap().id;
    let responses = imported(&store, acme, 2, 2).await;
    for round in 0..10 {
        let (upper, lower) = (format!("Bug{round}"), format!("bug{round}"));
        let (first, second) = tokio::join!(
            store.create_tag(acme, &upper),
            other.create_tag(acme, &lower)
        );
        let outcomes = [first, second];
        assert_eq!(outcomes.iter().filter(|outcome| outcome.is_ok()).count(), 1);
        assert!(
            outcomes
                .iter()
                .any(|outcome| matches!(outcome, Err(StoreError::Conflict(_))))
        );

        let (upper, lower) = (format!("Tag{round}"), format!("tag{round}"));
        let change = |tag: &str| WorkflowChange {
            tags: Some(vec![tag.to_owned()]),
            ..WorkflowChange::default()
        };
        let (upper_change, lower_change) = (change(&upper), change(&lower));
        let (first, second) = tokio::join!(
            store.change_workflow(acme, responses[0].0, &upper_change, Actor::Operator, at(1)),
            other.change_workflow(acme, responses[1].0, &lower_change, Actor::Operator, at(1))
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert_eq!(first.tags, second.tags, "round {round}: one spelling");
    }
    let tags = store.tags(acme).await.unwrap();
    assert_eq!(tags.len(), 20, "{tags:?}");
}

/// Tagging, applying a rule to, renaming and deleting a tag of 100 000 responses take a few
/// statements each, not one per response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_operations_on_a_hundred_thousand_responses() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap().id;
    let count = 100_000;
    let responses = imported(&store, acme, count, 1_000).await;
    let ids: Vec<ResponseId> = responses.iter().map(|(id, _)| *id).collect();
    let limit = Duration::from_secs(30);

    let started = Instant::now();
    let gained = store
        .add_tag(acme, "Bulk", &ids, Actor::Operator, at(1))
        .await
        .unwrap();
    let took = started.elapsed();
    eprintln!("add_tag of {count} responses: {took:?}");
    assert_eq!(gained, count as u64);
    assert!(took < limit, "add_tag took {took:?}");
    assert_eq!(
        rows(&database, "response_history", &ids).await,
        count as i64
    );

    let rule = store
        .create_rule(
            acme,
            &NewTagRule {
                tag: "Rule".into(),
                terms: "fine".into(),
                survey: None,
            },
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(rule.backfill_until, *ids.last().unwrap());
    let started = Instant::now();
    let tagged = store
        .apply_rule(acme, rule.id, &ids, rule.backfill_until, at(3))
        .await
        .unwrap();
    let took = started.elapsed();
    eprintln!("apply_rule to {count} responses: {took:?}");
    assert_eq!(tagged, count as u64);
    assert!(took < limit, "apply_rule took {took:?}");
    let again = store
        .add_tag(acme, "bulk", &ids, Actor::Operator, at(4))
        .await
        .unwrap();
    assert_eq!(again, 0, "all carry it already");

    let started = Instant::now();
    let renamed = store
        .rename_tag(acme, "bulk", "Mass", Actor::Operator, at(5))
        .await
        .unwrap();
    let merged = store
        .merge_tags(acme, &["rule".into()], "mass", Actor::Operator, at(6))
        .await
        .unwrap();
    let deleted = store
        .delete_tag(acme, "MASS", Actor::Operator, at(7))
        .await
        .unwrap();
    let took = started.elapsed();
    eprintln!("rename, merge and delete over {count} responses: {took:?}");
    assert_eq!(
        (renamed, merged, deleted),
        (count as u64, count as u64, count as u64)
    );
    assert!(took < limit * 3, "rename, merge and delete took {took:?}");
    assert_eq!(rows(&database, "response_tags", &ids).await, 0);
    assert_eq!(
        rows(&database, "response_history", &ids).await,
        5 * count as i64
    );
    assert_eq!(store.response_history(acme, ids[0]).await.unwrap().len(), 5);
}

/// Erasing a contact erases the history of its responses, also when tags are being put on
/// them at that moment: nothing is left behind, and nothing deadlocks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_never_outlives_an_erasure() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let other = PostgresStore::connect(database.url()).await.unwrap();
    let acme = store.workspace("acme").await.unwrap().id;
    // Ten contacts with twenty responses each, interleaved in id order.
    let responses = imported(&store, acme, 200, 10).await;
    let ids: Vec<ResponseId> = responses.iter().map(|(id, _)| *id).collect();
    let mut contacts: Vec<ContactId> = responses.iter().map(|(_, contact)| *contact).collect();
    contacts.sort();
    contacts.dedup();
    let limit = Duration::from_secs(30);
    for (round, contact) in contacts.iter().enumerate() {
        let tagging = {
            let (other, ids) = (other.clone(), ids.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(round as u64 % 3)).await;
                other
                    .add_tag(acme, &format!("t{round}"), &ids, Actor::Operator, at(1))
                    .await
            })
        };
        let erasing = {
            let (store, contact) = (store.clone(), *contact);
            tokio::spawn(async move { store.delete_contact(acme, contact).await })
        };
        let erased = tokio::time::timeout(limit, erasing)
            .await
            .expect("no deadlock")
            .unwrap()
            .unwrap();
        assert_eq!(erased, 20);
        tokio::time::timeout(limit, tagging)
            .await
            .expect("no deadlock")
            .unwrap()
            .unwrap();
        let gone: Vec<ResponseId> = responses
            .iter()
            .filter(|(_, owner)| owner == contact)
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(
            rows(&database, "response_history", &gone).await,
            0,
            "round {round}"
        );
        assert_eq!(
            rows(&database, "response_tags", &gone).await,
            0,
            "round {round}"
        );
    }
    assert_eq!(rows(&database, "response_history", &ids).await, 0);
}

/// Migration 7 makes one tag of spellings that differ in case on different responses,
/// spelt as most responses spelt it.
#[tokio::test]
async fn the_migration_makes_one_tag_of_two_spellings() {
    let Some((_store, _)) = scratch_store().await else {
        return;
    };
    let url = std::env::var("VOUCH_TEST_DATABASE_URL").unwrap();
    let database = TestDatabase::create(&url).await.unwrap();
    let client = raw(&database).await;
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version < 7) {
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|error| panic!("migration {version}: {error}"));
    }
    client
        .batch_execute(
            "INSERT INTO workspaces (slug, created_at) VALUES ('acme', 0);
             INSERT INTO response_tags (workspace_id, tag, response_id)
             SELECT id, tag, response FROM workspaces,
                 (VALUES ('bug', 1), ('Bug', 2), ('bug', 3), ('API', 4), ('api', 4), ('api', 5))
                 AS legacy (tag, response);",
        )
        .await
        .unwrap();
    client.batch_execute(MIGRATIONS[6].1).await.unwrap();
    let names: Vec<String> = client
        .query("SELECT name FROM tags ORDER BY name", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(names, ["api", "bug"]);
    let tags: Vec<(String, i64)> = client
        .query(
            "SELECT tag, response_id FROM response_tags ORDER BY response_id, tag",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let expected = [("bug", 1), ("bug", 2), ("bug", 3), ("api", 4), ("api", 5)];
    let expected: Vec<(String, i64)> = expected
        .iter()
        .map(|(tag, response)| ((*tag).to_owned(), *response))
        .collect();
    assert_eq!(tags, expected);
}
