//! The index kept in step with a real store: writes and erasures made through another handle
//! (as another process would) are picked up, and a tailed index equals one rebuilt from scratch.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_analytics::{Query, ResponseIndex, sync};
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{
    AttributeDefinition, ContactKey, NewResponse, NewSurvey, Store, SurveyId, WorkspaceId,
};

async fn import(
    store: &dyn Store,
    workspace: WorkspaceId,
    survey: SurveyId,
    rows: &[(&str, i64, &str)],
) {
    let responses: Vec<NewResponse> = rows
        .iter()
        .map(|(who, score, plan)| NewResponse {
            survey,
            contact: ContactKey {
                external_id: Some((*who).to_owned()),
                email: None,
            },
            attributes: BTreeMap::from([(
                "plan".to_owned(),
                AttributeValue::String((*plan).into()),
            )]),
            score: Score::new(*score).unwrap(),
            comment: Some(format!("{plan} is fine")),
            created_at: Timestamp::from_second(1_767_225_600).unwrap(),
            channel: "api".into(),
        })
        .collect();
    let mut import = store.begin_import(workspace).await.unwrap();
    let plan = AttributeDefinition {
        name: "plan".into(),
        kind: AttributeKind::String,
    };
    import.define_attributes(&[plan]).await.unwrap();
    import.write(&responses).await.unwrap();
    import.commit().await.unwrap();
}

fn total(index: &ResponseIndex, query: &Query) -> (u64, u64, u64) {
    let counts = index.run(&index.plan(query).unwrap());
    (
        counts.total.responses(),
        counts.total.promoters(),
        counts.total.detractors(),
    )
}

async fn story(writer: &dyn Store, other_process: &dyn Store) {
    let workspace = writer.workspace("sync").await.unwrap().id;
    let survey = writer
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: "Product".into(),
                kind: SurveyKind::Nps,
                question: SurveyKind::Nps.default_question(None),
                follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
            },
        )
        .await
        .unwrap()
        .id;
    import(
        writer,
        workspace,
        survey,
        &[("a", 10, "pro"), ("b", 3, "free"), ("c", 9, "pro")],
    )
    .await;
    let mut index = ResponseIndex::new(TimeZone::UTC);
    assert_eq!(
        sync::catch_up(writer, workspace, None, &mut index)
            .await
            .unwrap(),
        3
    );
    let everything = Query::default();
    assert_eq!(total(&index, &everything), (3, 2, 1));

    import(
        other_process,
        workspace,
        survey,
        &[("d", 0, "free"), ("a", 2, "team")],
    )
    .await;
    assert_eq!(
        sync::catch_up(writer, workspace, None, &mut index)
            .await
            .unwrap(),
        2
    );
    assert_eq!(total(&index, &everything), (5, 2, 3));
    let pro = Query {
        filters: vec![("plan".into(), vec!["pro".into()])],
        ..Query::default()
    };
    assert_eq!(
        total(&index, &pro),
        (2, 2, 0),
        "a's first answer keeps the plan it had"
    );

    let contact = other_process
        .contact(
            workspace,
            &ContactKey {
                external_id: Some("a".into()),
                email: None,
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        other_process
            .delete_contact(workspace, contact.id)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        sync::catch_up(writer, workspace, None, &mut index)
            .await
            .unwrap(),
        0
    );
    assert_eq!(total(&index, &everything), (3, 1, 2));
    let words = Query {
        text: Some("fine".into()),
        ..Query::default()
    };
    assert_eq!(
        total(&index, &words),
        (3, 1, 2),
        "erased comments are no longer found"
    );

    let mut rebuilt = ResponseIndex::new(TimeZone::UTC);
    sync::catch_up(other_process, workspace, None, &mut rebuilt)
        .await
        .unwrap();
    for query in [&everything, &pro, &words] {
        assert_eq!(total(&rebuilt, query), total(&index, query));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_index_refreshes_on_its_own() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("live.db");
    let store: std::sync::Arc<dyn Store> =
        std::sync::Arc::new(vouch_store_sqlite::SqliteStore::open_path(&path).unwrap());
    let other_process = vouch_store_sqlite::SqliteStore::open_path(&path).unwrap();
    let workspace = store.workspace("live").await.unwrap().id;
    let survey = store
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: "Product".into(),
                kind: SurveyKind::Nps,
                question: SurveyKind::Nps.default_question(None),
                follow_up: vouch_core::survey::DEFAULT_FOLLOW_UP.into(),
            },
        )
        .await
        .unwrap()
        .id;
    import(&*store, workspace, survey, &[("a", 10, "pro")]).await;
    let live = std::sync::Arc::new(
        vouch_analytics::live::LiveIndex::load(store, workspace, TimeZone::UTC)
            .await
            .unwrap(),
    );
    assert_eq!(total(&live.read(), &Query::default()), (1, 1, 0));
    let refresher = live.refresh_every(std::time::Duration::from_millis(20), |_| {});
    import(
        &other_process,
        workspace,
        survey,
        &[("b", 0, "free"), ("c", 5, "free")],
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while total(&live.read(), &Query::default()).0 < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the live index never caught up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(total(&live.read(), &Query::default()), (3, 1, 2));
    refresher.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_a_sqlite_store() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("sync.db");
    let writer = vouch_store_sqlite::SqliteStore::open_path(&path).unwrap();
    let other_process = vouch_store_sqlite::SqliteStore::open_path(&path).unwrap();
    story(&writer, &other_process).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_index_follows_a_postgres_store() {
    let Some(database) =
        vouch_test_kit::storage::scratch_postgres("the index following PostgreSQL").await
    else {
        return;
    };
    let writer = vouch_store_postgres::PostgresStore::connect(database.url())
        .await
        .unwrap();
    let other_process = vouch_store_postgres::PostgresStore::connect(database.url())
        .await
        .unwrap();
    story(&writer, &other_process).await;
}
