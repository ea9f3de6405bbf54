//! What the SQLite store does beyond the shared story: contact matching corner cases, bulk
//! paths, errors and locks.

use std::collections::BTreeSet;

use jiff::Timestamp;
use vouch_core::{AttributeValue, Score, SurveyKind};
use vouch_store::prelude::*;
use vouch_store::{
    Attributes, ContactKey, NewResponse, NewSurvey, ResponseId, StoreError, StoredResponse,
    SurveyId, WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

struct Fixture {
    _directory: tempfile::TempDir,
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
    Fixture {
        _directory: directory,
        store,
        workspace,
        survey,
    }
}

fn key(external_id: Option<&str>, email: Option<&str>) -> ContactKey {
    ContactKey {
        external_id: external_id.map(str::to_owned),
        email: email.map(str::to_owned),
    }
}

fn plan(name: &str) -> Attributes {
    Attributes::from([("plan".to_owned(), AttributeValue::String(name.to_owned()))])
}

fn response(
    survey: SurveyId,
    contact: ContactKey,
    attributes: Attributes,
    score: i64,
) -> NewResponse {
    NewResponse {
        survey,
        contact,
        attributes,
        score: Score::new(score).expect("a score"),
        comment: None,
        created_at: Timestamp::from_second(1_770_000_000).expect("a time"),
        channel: "import".into(),
    }
}

impl Fixture {
    async fn import(
        &self,
        responses: &[NewResponse],
    ) -> vouch_store::StoreResult<vouch_store::ImportSummary> {
        let mut import = self.store.begin_import(self.workspace).await?;
        for batch in responses.chunks(1000) {
            import.write(batch).await?;
        }
        import.commit().await
    }

    async fn all(&self) -> Vec<StoredResponse> {
        self.store
            .responses_after(self.workspace, ResponseId::default(), None, usize::MAX)
            .await
            .expect("responses")
    }
}

#[tokio::test]
async fn a_contact_known_by_email_takes_the_external_id_it_is_later_named_by() {
    let fixture = fixture().await;
    let email_only = key(None, Some("ann@example.com"));
    fixture
        .import(&[response(fixture.survey, email_only, plan("free"), 7)])
        .await
        .expect("first");
    let both = key(Some("ann-1"), Some("ann@example.com"));
    let summary = fixture
        .import(&[response(fixture.survey, both, plan("pro"), 9)])
        .await
        .expect("second");
    assert_eq!(summary.contacts_created, 0);
    let ann = fixture
        .store
        .contact(fixture.workspace, &key(Some("ann-1"), None))
        .await
        .expect("contact");
    let ann = ann.expect("ann is found by her external id");
    assert_eq!(ann.email.as_deref(), Some("ann@example.com"));
    assert_eq!(ann.attributes, plan("pro"));
    let responses = fixture.all().await;
    assert_eq!(responses[0].contact, responses[1].contact);
}

#[tokio::test]
async fn an_email_already_taken_is_not_given_to_a_second_contact() {
    let fixture = fixture().await;
    let ann = key(Some("ann-1"), Some("shared@example.com"));
    let bob = key(Some("bob-2"), Some("shared@example.com"));
    let carl = key(Some("carl-3"), None);
    let summary = fixture
        .import(&[
            response(fixture.survey, ann, plan("pro"), 9),
            response(fixture.survey, bob, plan("free"), 3),
            response(fixture.survey, carl.clone(), plan("free"), 5),
            // Carl cannot take Ann's email either.
            response(
                fixture.survey,
                key(Some("carl-3"), Some("shared@example.com")),
                plan("free"),
                6,
            ),
        ])
        .await
        .expect("import");
    assert_eq!(summary.contacts_created, 3);
    let bob = fixture
        .store
        .contact(fixture.workspace, &key(Some("bob-2"), None))
        .await
        .expect("contact");
    assert_eq!(bob.and_then(|bob| bob.email), None);
    let carl = fixture
        .store
        .contact(fixture.workspace, &carl)
        .await
        .expect("contact");
    assert_eq!(carl.and_then(|carl| carl.email), None);
    let by_email = fixture
        .store
        .contact(fixture.workspace, &key(None, Some("shared@example.com")))
        .await;
    assert_eq!(
        by_email
            .expect("contact")
            .and_then(|ann| ann.external_id)
            .as_deref(),
        Some("ann-1")
    );
}

#[tokio::test]
async fn a_big_import_over_existing_contacts_matches_every_one_of_them() {
    // More existing contacts than the import looks up one by one before loading them all.
    let fixture = fixture().await;
    let count = 12_000;
    let first: Vec<NewResponse> = (0..count)
        .map(|n| {
            response(
                fixture.survey,
                key(Some(&format!("c{n}")), None),
                plan("free"),
                5,
            )
        })
        .collect();
    fixture.import(&first).await.expect("first import");
    let second: Vec<NewResponse> = (0..count + 10)
        .map(|n| {
            let email = format!("c{n}@example.com");
            response(
                fixture.survey,
                key(Some(&format!("c{n}")), Some(&email)),
                plan("pro"),
                9,
            )
        })
        .collect();
    let summary = fixture.import(&second).await.expect("second import");
    assert_eq!(summary.contacts_created, 10);
    assert_eq!(summary.responses, second.len() as u64);
    let responses = fixture.all().await;
    let contacts: BTreeSet<_> = responses.iter().map(|response| response.contact).collect();
    assert_eq!(contacts.len(), count + 10);
    let last = fixture
        .store
        .contact(fixture.workspace, &key(None, Some("c11999@example.com")))
        .await;
    let last = last.expect("contact").expect("its email was filled in");
    assert_eq!(last.attributes, plan("pro"));
    assert_eq!(last.external_id.as_deref(), Some("c11999"));
}

#[tokio::test]
async fn responses_come_back_whole_through_many_row_inserts() {
    let fixture = fixture().await;
    let written: Vec<NewResponse> = (0..130_i64)
        .map(|n| NewResponse {
            comment: (n % 3 == 0).then(|| format!("comment {n}")),
            created_at: Timestamp::from_second(1_770_000_000 + n).expect("a time"),
            ..response(
                fixture.survey,
                key(Some(&format!("c{}", n % 7)), None),
                plan(&format!("p{n}")),
                n % 11,
            )
        })
        .collect();
    fixture.import(&written).await.expect("import");
    let read = fixture.all().await;
    assert_eq!(read.len(), written.len());
    for (read, written) in read.iter().zip(&written) {
        assert_eq!(read.score, written.score);
        assert_eq!(read.comment, written.comment);
        assert_eq!(read.created_at, written.created_at);
        assert_eq!(read.attributes, written.attributes);
    }
    let contact = fixture
        .store
        .contact(fixture.workspace, &key(Some("c3"), None))
        .await
        .expect("contact");
    assert_eq!(
        contact.map(|contact| contact.attributes),
        Some(plan("p129")),
        "the last row wins"
    );
}

#[tokio::test]
async fn an_unknown_survey_fails_the_import_and_frees_the_database() {
    let fixture = fixture().await;
    let result = fixture
        .import(&[response(
            SurveyId(i64::MAX),
            key(Some("a"), None),
            plan("x"),
            1,
        )])
        .await;
    assert!(
        matches!(result, Err(StoreError::NotFound(_))),
        "got {result:?}"
    );
    assert!(fixture.all().await.is_empty());
    fixture
        .import(&[response(fixture.survey, key(Some("a"), None), plan("x"), 1)])
        .await
        .expect("a later import");
}

#[tokio::test]
async fn a_response_without_a_contact_key_is_refused_at_once() {
    let fixture = fixture().await;
    let mut import = fixture
        .store
        .begin_import(fixture.workspace)
        .await
        .expect("begin");
    let nobody = response(fixture.survey, key(Some(""), None), plan("x"), 1);
    assert!(import.write(&[nobody]).await.is_err());
}

#[tokio::test]
async fn a_dropped_import_lets_the_next_writer_in() {
    let fixture = fixture().await;
    let mut import = fixture
        .store
        .begin_import(fixture.workspace)
        .await
        .expect("begin");
    import
        .write(&[response(fixture.survey, key(Some("a"), None), plan("x"), 1)])
        .await
        .expect("write");
    drop(import);
    let survey = NewSurvey {
        slug: None,
        settings: Default::default(),
        name: "Second".into(),
        kind: SurveyKind::Enps,
        question: "Q".into(),
        follow_up: "Why?".into(),
    };
    fixture
        .store
        .create_survey(fixture.workspace, survey)
        .await
        .expect("a write after the drop");
    assert!(fixture.all().await.is_empty());
}

#[tokio::test]
async fn an_unknown_time_zone_is_refused() {
    let fixture = fixture().await;
    let result = fixture
        .store
        .set_workspace_time_zone(fixture.workspace, "Mars/Olympus")
        .await;
    assert!(
        matches!(result, Err(StoreError::NotFound(_))),
        "got {result:?}"
    );
}

#[tokio::test]
async fn a_database_from_a_newer_vouch_is_not_opened() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("vouch.db");
    drop(SqliteStore::open_path(&path).expect("open"));
    let connection = rusqlite::Connection::open(&path).expect("raw open");
    connection
        .execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)",
            [],
        )
        .expect("a future migration");
    drop(connection);
    let error = SqliteStore::open_path(&path).expect_err("a newer schema");
    assert!(error.to_string().contains("newer"), "{error}");
}

#[tokio::test]
async fn keys_learnt_later_in_the_same_batch_reach_the_new_contact() {
    let fixture = fixture().await;
    let summary = fixture
        .import(&[
            response(
                fixture.survey,
                key(None, Some("ann@example.com")),
                plan("free"),
                7,
            ),
            response(
                fixture.survey,
                key(Some("ann-1"), Some("ann@example.com")),
                plan("pro"),
                8,
            ),
            response(fixture.survey, key(Some("bob-2"), None), plan("free"), 3),
            response(
                fixture.survey,
                key(Some("bob-2"), Some("bob@example.com")),
                plan("team"),
                4,
            ),
        ])
        .await
        .expect("import");
    assert_eq!(summary.contacts_created, 2);
    for (external_id, email, latest) in [
        ("ann-1", "ann@example.com", "pro"),
        ("bob-2", "bob@example.com", "team"),
    ] {
        let by_email = fixture
            .store
            .contact(fixture.workspace, &key(None, Some(email)))
            .await;
        let contact = by_email.expect("contact").expect("found by email");
        assert_eq!(contact.external_id.as_deref(), Some(external_id));
        assert_eq!(contact.attributes, plan(latest));
    }
}

#[tokio::test]
async fn a_new_database_is_a_write_ahead_logged_file_of_16_kib_pages() {
    let fixture = fixture().await;
    let connection = rusqlite::Connection::open(fixture.store.path()).expect("raw open");
    let pragma = |name: &str| -> String {
        connection
            .query_row(&format!("PRAGMA {name}"), [], |row| {
                row.get::<_, rusqlite::types::Value>(0)
            })
            .map(|value| format!("{value:?}"))
            .expect("pragma")
    };
    assert_eq!(pragma("journal_mode"), r#"Text("wal")"#);
    assert_eq!(pragma("page_size"), "Integer(16384)");
    let version: i64 = connection
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })
        .expect("migrations recorded");
    assert_eq!(version, 12, "the latest migration: 0012_webhooks.sql");
}
