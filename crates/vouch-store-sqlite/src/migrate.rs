//! The numbered schema migrations in `migrations/`, applied when the store opens.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::StoreResult;

use crate::error::{SqlContext, other};
use crate::now_millis;

/// Every migration, by version, in order. Append new ones; never edit one that was released.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (
        2,
        include_str!("../migrations/0002_api_keys_and_idempotency.sql"),
    ),
];

/// Applies the migrations the database has not seen yet, all in one transaction, and records
/// each in `schema_migrations`. Two processes opening the same file at once are serialised by
/// the write lock that `BEGIN IMMEDIATE` takes, so each migration runs once.
pub(crate) fn migrate(connection: &mut Connection) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start the schema migration")?;
    transaction
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at INTEGER NOT NULL
             )",
        )
        .sql_context("failed to create schema_migrations")?;
    let applied: i64 = transaction
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get::<_, Option<i64>>(0)
        })
        .optional()
        .sql_context("failed to read schema_migrations")?
        .flatten()
        .unwrap_or(0);
    let known = MIGRATIONS.last().map_or(0, |(version, _)| *version);
    if applied > known {
        return Err(other(format!(
            "the database is at schema version {applied}, newer than this build of Vouch \
             knows ({known}): upgrade Vouch"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > applied) {
        transaction
            .execute_batch(sql)
            .sql_context(&format!("failed to apply migration {version}"))?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                (version, now_millis()),
            )
            .sql_context(&format!("failed to record migration {version}"))?;
    }
    transaction
        .commit()
        .sql_context("failed to commit the schema migration")
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

    #[test]
    fn migrating_twice_applies_each_migration_once() {
        let mut connection = Connection::open_in_memory().unwrap();
        migrate(&mut connection).unwrap();
        migrate(&mut connection).unwrap();
        let count: i64 = connection
            .query_row("SELECT count(*) FROM schema_migrations", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(count, MIGRATIONS.len() as i64);
    }
}
