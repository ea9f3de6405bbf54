//! The store story on SQLite, in a fresh database file.

use vouch_store_sqlite::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_holds_on_a_fresh_sqlite_database() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open_path(&directory.path().join("story.db")).expect("open");
    vouch_store_tests::run_story(&store).await;
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
