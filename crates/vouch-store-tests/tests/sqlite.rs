//! The store story on SQLite: each chapter in a fresh database file, then the whole story
//! twice on one file, reopened in between.

use vouch_store_sqlite::SqliteStore;

/// A fresh SQLite store, and the directory that holds its file.
fn fresh() -> (SqliteStore, tempfile::TempDir) {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("story.db")).expect("open");
    (store, directory)
}

/// One test per chapter of the story.
macro_rules! chapter_tests {
    ($($test:ident => $position:expr),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            let (store, _directory) = fresh();
            let (name, chapter) = vouch_store_tests::CHAPTERS[$position];
            assert_eq!(name, stringify!($test));
            chapter(&store).await;
        }
    )*};
}

chapter_tests! {
    imports_paging_erasure_isolation => 0,
    keys_surveys_ingest_contacts => 1,
    collection_campaigns_jobs => 2,
    accounts_follow_up_notes => 3,
    tags_rules_history_themes => 4,
    revenue_rates_contacts_lead_models => 5,
    webhooks_alerts_outbox => 6,
}

#[tokio::test]
async fn the_story_holds_again_on_a_reopened_database() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", directory.path().join("story.db").display());
    let store = SqliteStore::open(&url).expect("open");
    vouch_store_tests::run_story(&store).await;
    drop(store);
    let reopened = SqliteStore::open(&url).expect("reopen");
    vouch_store_tests::run_story(&reopened).await;
}
