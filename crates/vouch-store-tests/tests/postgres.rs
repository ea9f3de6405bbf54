//! The store story on PostgreSQL: each chapter in a fresh database that is dropped
//! afterwards, then the whole story twice on one database, reconnected in between.
//!
//! Runs when `VOUCH_TEST_DATABASE_URL` names a server (for example
//! `postgres://postgres@127.0.0.1:5432/test`); otherwise it says it was skipped and passes,
//! unless `VOUCH_TEST_REQUIRE_ALL=1`.

use vouch_store_postgres::PostgresStore;
use vouch_test_kit::storage::scratch_postgres;

/// One test per chapter of the story.
macro_rules! chapter_tests {
    ($($test:ident => $position:expr),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            let Some(database) = scratch_postgres(stringify!($test)).await else {
                return;
            };
            let store = PostgresStore::connect(database.url()).await.expect("connect");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_holds_again_on_a_reconnected_database() {
    let Some(database) = scratch_postgres("the PostgreSQL store story").await else {
        return;
    };
    let store = PostgresStore::connect(database.url())
        .await
        .expect("connect");
    // Twice on one database: the story makes workspaces of its own each run.
    vouch_store_tests::run_story(&store).await;
    drop(store);
    let reconnected = PostgresStore::connect(database.url())
        .await
        .expect("reconnect");
    vouch_store_tests::run_story(&reconnected).await;
}
