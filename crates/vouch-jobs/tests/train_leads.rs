//! The nightly lead training against a real (SQLite) store: it learns each customer survey's
//! model when due, once a night, leaves eNPS and too-small surveys alone, and tries a
//! too-small survey again only the next night.

use std::collections::HashMap;

use jiff::Timestamp;
use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_jobs::train_leads::train_due;
use vouch_store::{
    AttributeDefinition, Attributes, ContactKey, NewResponse, NewSurvey, Store, SurveyId,
    WorkspaceId,
};
use vouch_store_sqlite::SqliteStore;

async fn survey(
    store: &dyn Store,
    workspace: WorkspaceId,
    name: &str,
    kind: SurveyKind,
) -> SurveyId {
    store
        .create_survey(
            workspace,
            NewSurvey {
                slug: None,
                settings: Default::default(),
                name: name.into(),
                kind,
                question: kind.default_question(None),
                follow_up: "Why?".into(),
            },
        )
        .await
        .expect("a survey")
        .id
}

/// `contacts` answers, one per contact; pro contacts mostly promoters.
async fn answers(store: &dyn Store, workspace: WorkspaceId, survey: SurveyId, contacts: u32) {
    let mut import = store.begin_import(workspace).await.expect("an import");
    import
        .define_attributes(&[AttributeDefinition {
            name: "plan".into(),
            kind: AttributeKind::String,
        }])
        .await
        .expect("definitions");
    let batch: Vec<NewResponse> = (0..contacts)
        .map(|i| {
            let pro = i % 2 == 0;
            let promoter = if pro { i % 8 != 0 } else { i % 5 == 1 };
            let mut attributes = Attributes::new();
            attributes.insert(
                "plan".into(),
                AttributeValue::String(if pro { "pro" } else { "free" }.into()),
            );
            NewResponse {
                survey,
                contact: ContactKey {
                    external_id: Some(format!("{}-{i}", survey.0)),
                    email: None,
                },
                attributes,
                score: Score::new(if promoter { 10 } else { 5 }).expect("a score"),
                comment: None,
                created_at: "2026-11-02T10:00:00Z".parse().expect("a time"),
                channel: "import".into(),
            }
        })
        .collect();
    import.write(&batch).await.expect("written");
    import.commit().await.expect("committed");
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("a time")
}

#[tokio::test]
async fn models_are_learnt_once_a_night_where_there_is_enough_to_learn() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let sqlite = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
    let store: &dyn Store = &sqlite;
    let workspace = store.workspace("acme").await.expect("workspace").id;
    let customers = survey(store, workspace, "Customers", SurveyKind::Nps).await;
    let pilot = survey(store, workspace, "Pilot", SurveyKind::Nps).await;
    let staff = survey(store, workspace, "Staff", SurveyKind::Enps).await;
    answers(store, workspace, customers, 120).await;
    answers(store, workspace, pilot, 8).await;
    answers(store, workspace, staff, 120).await;

    let mut attempts = HashMap::new();
    let first = train_due(store, at("2026-12-07T10:00:00Z"), &mut attempts)
        .await
        .expect("store");
    assert_eq!(
        first,
        [customers],
        "a survey without a model is learnt at once"
    );
    let saved = store
        .lead_model(workspace, customers)
        .await
        .expect("store")
        .expect("saved");
    let model = vouch_analytics::leads_saved::from_json(&saved.model).expect("reads back");
    assert_eq!(model.contacts, 120);
    assert_eq!(
        store.lead_model(workspace, staff).await.expect("store"),
        None
    );
    assert_eq!(
        store.lead_model(workspace, pilot).await.expect("store"),
        None
    );
    assert!(attempts.contains_key(&pilot), "the small survey was tried");

    // Later the same day, nothing is due: not the learnt survey, not the small one again.
    let later = train_due(store, at("2026-12-07T20:00:00Z"), &mut attempts)
        .await
        .expect("store");
    assert!(later.is_empty(), "{later:?}");
    // After 03:00 (UTC, the workspace's zone) the next night, the model is learnt again.
    let night = train_due(store, at("2026-12-08T03:00:01Z"), &mut attempts)
        .await
        .expect("store");
    assert_eq!(night, [customers]);
    let relearnt = store
        .lead_model(workspace, customers)
        .await
        .expect("store")
        .expect("saved");
    assert_eq!(saved.trained_at, at("2026-12-07T10:00:00Z"));
    assert_eq!(relearnt.trained_at, at("2026-12-08T03:00:01Z"));
    assert!(
        attempts[&pilot] == at("2026-12-08T03:00:01Z"),
        "tried again that night"
    );
}
