//! The numbered schema migrations in `migrations/`, applied when the store connects.

use deadpool_postgres::ClientWrapper;
use vouch_store::StoreResult;

use crate::error::{PgContext, other};
use crate::now_millis;

/// Every migration, by version, in order. Append new ones; never edit one that was released.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (2, include_str!("../migrations/0002_server.sql")),
    (3, include_str!("../migrations/0003_collection.sql")),
    (4, include_str!("../migrations/0004_accounts.sql")),
    (5, include_str!("../migrations/0005_workspace_brand.sql")),
    (6, include_str!("../migrations/0006_member_preferences.sql")),
    (7, include_str!("../migrations/0007_tags_rules_themes.sql")),
    (8, include_str!("../migrations/0008_revenue_rates.sql")),
    (9, include_str!("../migrations/0009_lead_models.sql")),
    (10, include_str!("../migrations/0010_replies.sql")),
    (11, include_str!("../migrations/0011_digest.sql")),
    (12, include_str!("../migrations/0012_webhooks.sql")),
];

/// Applies the migrations the database has not seen yet, all in one transaction, and records
/// each in `schema_migrations`. Servers starting at the same time queue on a transaction-scoped
/// advisory lock, so each migration runs once and a waiting server sees it done.
pub(crate) async fn migrate(client: &mut ClientWrapper) -> StoreResult<()> {
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start the schema migration")?;
    transaction
        .batch_execute(
            "SELECT pg_advisory_xact_lock(1987011, 0);
             CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 applied_at BIGINT NOT NULL
             )",
        )
        .await
        .pg_context("failed to lock the schema")?;
    let applied: i64 = transaction
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .and_then(|row| row.try_get(0))
        .pg_context("failed to read schema_migrations")?;
    let known = MIGRATIONS.last().map_or(0, |(version, _)| *version);
    if applied > known {
        return Err(other(format!(
            "the database is at schema version {applied}, newer than this build of Vouch \
             knows ({known}): upgrade Vouch"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > applied) {
        transaction
            .batch_execute(sql)
            .await
            .pg_context(&format!("failed to apply migration {version}"))?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[version, &now_millis()],
            )
            .await
            .pg_context(&format!("failed to record migration {version}"))?;
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit the schema migration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one() {
        for (index, (version, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version, index as i64 + 1);
        }
    }
}
