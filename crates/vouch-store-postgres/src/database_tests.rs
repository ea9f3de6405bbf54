//! Tests that need a PostgreSQL server: they run on a fresh database when
//! `VOUCH_TEST_DATABASE_URL` is set, are skipped with a message otherwise, and fail then if
//! `VOUCH_TEST_REQUIRE_ALL=1`.

use jiff::Timestamp;
use vouch_core::{AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    Attributes, ContactKey, NewResponse, NewSurvey, ResponseId, StoreError, SurveyId, WorkspaceId,
};

use crate::{PostgresStore, TestDatabase};

/// A store on a database of its own, or `None` (after saying so) when there is no server.
pub(crate) async fn scratch_store() -> Option<(PostgresStore, TestDatabase)> {
    let url = std::env::var("VOUCH_TEST_DATABASE_URL").unwrap_or_default();
    if url.is_empty() {
        let required = std::env::var("VOUCH_TEST_REQUIRE_ALL").is_ok_and(|value| value == "1");
        assert!(
            !required,
            "VOUCH_TEST_DATABASE_URL not set, and VOUCH_TEST_REQUIRE_ALL=1"
        );
        eprintln!("skipped: VOUCH_TEST_DATABASE_URL not set");
        return None;
    }
    let database = TestDatabase::create(&url).await.expect("test database");
    let store = PostgresStore::connect(database.url())
        .await
        .expect("connect");
    Some((store, database))
}

pub(crate) async fn survey(store: &PostgresStore, workspace: WorkspaceId, name: &str) -> SurveyId {
    let survey = NewSurvey {
        slug: None,
        settings: Default::default(),
        name: name.into(),
        kind: SurveyKind::Nps,
        question: "How likely are you to recommend us?".into(),
        follow_up: "Why?".into(),
    };
    store.create_survey(workspace, survey).await.unwrap().id
}

pub(crate) fn response(
    survey: SurveyId,
    external_id: Option<&str>,
    email: Option<&str>,
    plan: &str,
) -> NewResponse {
    let mut attributes = Attributes::new();
    attributes.insert("plan".into(), AttributeValue::String(plan.into()));
    NewResponse {
        survey,
        contact: ContactKey {
            external_id: external_id.map(str::to_owned),
            email: email.map(str::to_owned),
        },
        attributes,
        score: Score::new(9).unwrap(),
        comment: Some("fine".into()),
        created_at: Timestamp::from_millisecond(1_700_000_000_123).unwrap(),
        channel: "import".into(),
    }
}

pub(crate) async fn all_ids(store: &PostgresStore, workspace: WorkspaceId) -> Vec<i64> {
    let page = store
        .responses_after(workspace, ResponseId(0), None, 1_000)
        .await
        .unwrap();
    page.iter().map(|response| response.id.0).collect()
}

#[tokio::test]
async fn an_import_is_read_back_in_id_order_with_its_contacts() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    let survey = survey(&store, workspace.id, "Q1").await;
    let mut import = store.begin_import(workspace.id).await.unwrap();
    import
        .write(&[
            response(survey, Some("c1"), None, "free"),
            response(survey, None, Some("b@example.com"), "pro"),
            response(survey, Some("c1"), Some("a@example.com"), "pro"),
        ])
        .await
        .unwrap();
    let summary = import.commit().await.unwrap();
    assert_eq!((summary.responses, summary.contacts_created), (3, 2));

    let page = store
        .responses_after(workspace.id, ResponseId(0), Some(survey), 10)
        .await
        .unwrap();
    assert_eq!(page.len(), 3);
    assert!(page.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert_eq!(page[0].contact, page[2].contact);
    assert_eq!(
        page[0].attributes["plan"],
        AttributeValue::String("free".into())
    );
    assert_eq!(page[0].created_at.as_millisecond(), 1_700_000_000_123);
    assert_eq!(page[1].comment.as_deref(), Some("fine"));

    // The email was filled in, and the latest attributes won.
    let key = ContactKey {
        external_id: None,
        email: Some("a@example.com".into()),
    };
    let contact = store.contact(workspace.id, &key).await.unwrap().unwrap();
    assert_eq!(contact.external_id.as_deref(), Some("c1"));
    assert_eq!(
        contact.attributes["plan"],
        AttributeValue::String("pro".into())
    );
    assert_eq!(store.surveys(workspace.id).await.unwrap()[0].responses, 3);
}

#[tokio::test]
async fn an_email_only_contact_adopts_the_external_id_a_later_row_gives() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    let survey = survey(&store, workspace.id, "Q1").await;
    let mut import = store.begin_import(workspace.id).await.unwrap();
    import
        .write(&[response(survey, None, Some("a@example.com"), "free")])
        .await
        .unwrap();
    import
        .write(&[
            response(survey, Some("c1"), Some("a@example.com"), "free"),
            // Another external id with a taken email: a new contact, without the email.
            response(survey, Some("c2"), Some("a@example.com"), "free"),
        ])
        .await
        .unwrap();
    let summary = import.commit().await.unwrap();
    assert_eq!(summary.contacts_created, 2);
    let by = |external_id: &str| ContactKey {
        external_id: Some(external_id.into()),
        email: None,
    };
    let first = store
        .contact(workspace.id, &by("c1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.email.as_deref(), Some("a@example.com"));
    let second = store
        .contact(workspace.id, &by("c2"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.email, None);
}

#[tokio::test]
async fn a_dropped_import_leaves_nothing_behind() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    let survey = survey(&store, workspace.id, "Q1").await;
    let mut import = store.begin_import(workspace.id).await.unwrap();
    import
        .write(&[response(survey, Some("c1"), None, "free")])
        .await
        .unwrap();
    drop(import);
    store.ping().await.unwrap();
    assert!(all_ids(&store, workspace.id).await.is_empty());
    let key = ContactKey {
        external_id: Some("c1".into()),
        email: None,
    };
    assert_eq!(store.contact(workspace.id, &key).await.unwrap(), None);
}

#[tokio::test]
async fn an_import_of_a_survey_of_another_workspace_fails() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let acme = store.workspace("acme").await.unwrap();
    let other = store.workspace("other").await.unwrap();
    let survey = survey(&store, other.id, "Q1").await;
    let mut import = store.begin_import(acme.id).await.unwrap();
    // The failure shows at `write` or, since batches are written in the background, at the
    // next call.
    let error = match import
        .write(&[response(survey, Some("c1"), None, "free")])
        .await
    {
        Err(error) => error,
        Ok(()) => import.commit().await.unwrap_err(),
    };
    assert!(matches!(error, StoreError::NotFound(_)), "{error}");
    assert!(all_ids(&store, acme.id).await.is_empty());
}

/// An older import holds ids below those of a newer one that commits first; a reader must not
/// hand out the newer ids before the older ones are visible, or it would skip them forever.
#[tokio::test]
async fn ids_of_a_later_commit_wait_for_smaller_ids_still_being_written() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    let survey = survey(&store, workspace.id, "Q1").await;
    let mut older = store.begin_import(workspace.id).await.unwrap();
    older
        .write(&[response(survey, Some("a"), None, "free")])
        .await
        .unwrap();
    let mut newer = store.begin_import(workspace.id).await.unwrap();
    newer
        .write(&[response(survey, Some("b"), None, "free")])
        .await
        .unwrap();
    newer.commit().await.unwrap();
    assert!(all_ids(&store, workspace.id).await.is_empty());

    older.commit().await.unwrap();
    assert_eq!(all_ids(&store, workspace.id).await.len(), 2);
}

/// The case a test on `xmin` alone gets wrong: the older transaction takes ids again after a
/// younger one did, and commits while the younger one still runs.
#[tokio::test]
async fn an_older_import_writing_after_a_younger_one_does_not_jump_ahead() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    let survey = survey(&store, workspace.id, "Q1").await;
    let mut older = store.begin_import(workspace.id).await.unwrap();
    older
        .write(&[response(survey, Some("a1"), None, "free")])
        .await
        .unwrap();
    let mut younger = store.begin_import(workspace.id).await.unwrap();
    younger
        .write(&[response(survey, Some("b"), None, "free")])
        .await
        .unwrap();
    older
        .write(&[response(survey, Some("a2"), None, "free")])
        .await
        .unwrap();
    older.commit().await.unwrap();

    let visible = all_ids(&store, workspace.id).await;
    assert!(visible.len() <= 1, "{visible:?}");
    younger.commit().await.unwrap();
    let all = all_ids(&store, workspace.id).await;
    assert_eq!(all.len(), 3);
    assert!(visible.iter().all(|id| all.first() == Some(id)));
}

#[tokio::test]
async fn erasing_a_contact_logs_each_response_once() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    let survey = survey(&store, workspace.id, "Q1").await;
    let mut import = store.begin_import(workspace.id).await.unwrap();
    import
        .write(&[
            response(survey, Some("a"), None, "free"),
            response(survey, Some("b"), None, "free"),
            response(survey, Some("a"), None, "free"),
        ])
        .await
        .unwrap();
    import.commit().await.unwrap();
    let key = ContactKey {
        external_id: Some("a".into()),
        email: None,
    };
    let contact = store.contact(workspace.id, &key).await.unwrap().unwrap();
    assert_eq!(
        store
            .delete_contact(workspace.id, contact.id)
            .await
            .unwrap(),
        2
    );
    let deletions = store.deletions_after(workspace.id, 0).await.unwrap();
    assert_eq!(deletions.len(), 2);
    assert!(deletions[0].sequence < deletions[1].sequence);
    assert_eq!(all_ids(&store, workspace.id).await.len(), 1);
    let again = store
        .delete_contact(workspace.id, contact.id)
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::NotFound(_)), "{again}");
}

#[tokio::test]
async fn servers_starting_together_migrate_once() {
    let Some((store, database)) = scratch_store().await else {
        return;
    };
    let (first, second) = tokio::join!(
        PostgresStore::connect(database.url()),
        PostgresStore::connect(database.url())
    );
    first.unwrap();
    second.unwrap();
    let client = store.client().await.unwrap();
    let row = client
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .await
        .unwrap();
    assert_eq!(
        row.get::<_, i64>(0),
        crate::migrate::MIGRATIONS.len() as i64,
        "each migration recorded once"
    );
}

#[tokio::test]
async fn a_taken_survey_name_is_a_conflict() {
    let Some((store, _database)) = scratch_store().await else {
        return;
    };
    let workspace = store.workspace("acme").await.unwrap();
    survey(&store, workspace.id, "Q1").await;
    let again = NewSurvey {
        slug: None,
        settings: Default::default(),
        name: "Q1".into(),
        kind: SurveyKind::Enps,
        question: "?".into(),
        follow_up: "?".into(),
    };
    let error = store.create_survey(workspace.id, again).await.unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error}");
    assert!(format!("{store:?}").contains("postgres://"));
}
