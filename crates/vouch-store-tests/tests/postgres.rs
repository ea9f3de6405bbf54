//! The store story on PostgreSQL, in a fresh database that is dropped afterwards.
//!
//! Runs when `VOUCH_TEST_DATABASE_URL` names a server (for example
//! `postgres://postgres@127.0.0.1:5432/test`); otherwise it says it was skipped and passes,
//! unless `VOUCH_TEST_REQUIRE_ALL=1`.

use vouch_store_postgres::{PostgresStore, TestDatabase};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_holds_on_a_fresh_postgres_database() {
    let server_url = std::env::var("VOUCH_TEST_DATABASE_URL").unwrap_or_default();
    if server_url.is_empty() {
        assert!(
            !vouch_store_tests::require_all(),
            "VOUCH_TEST_DATABASE_URL not set, and VOUCH_TEST_REQUIRE_ALL=1"
        );
        eprintln!("skipped: VOUCH_TEST_DATABASE_URL not set");
        return;
    }
    let database = TestDatabase::create(&server_url)
        .await
        .expect("a fresh test database");
    let store = PostgresStore::connect(database.url())
        .await
        .expect("connect");
    vouch_store_tests::run_story(&store).await;
    // Twice on one database: the story makes workspaces of its own each run.
    vouch_store_tests::run_story(&store).await;
    drop(store);
    let reconnected = PostgresStore::connect(database.url())
        .await
        .expect("reconnect");
    vouch_store_tests::run_story(&reconnected).await;
}
